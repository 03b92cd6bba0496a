import type { Context } from "hono";
import type { Db } from "../store/db.ts";
import type { ItemReader } from "../store/item-audience.ts";

/** What the route modules get from `createApp`: the database, the clock, and who to tell about changes. */
export interface RouteDeps {
  db: Db;
  now: () => Date;
  /**
   * Reports tasks whose items or people a request changed (a manual link, a merge), after the change is
   * committed, so their flags can be evaluated again. Never throws: a failure is logged.
   */
  tasksChanged: (taskKeys: readonly string[], request: { method: string; path: string }) => Promise<void>;
  /**
   * The email of the person a request acts as, when the auth layer knows one (a personal token, a web
   * session). Absent, or null, for the shared API token: it acts as nobody, so `for=me` is refused.
   */
  callerEmail?: (c: Context) => string | null;
  /**
   * Who a change made by a request is recorded as: the personal token's person's email, or "admin" for the
   * deployment's token. Absent: "admin".
   */
  actor?: (c: Context) => string;
  /** Whether the request may do what only admins may (merging people). Absent: yes. */
  isAdmin?: (c: Context) => boolean;
  /**
   * Whose eyes the request reads with (`src/store/item-audience.ts`): null for an admin or the deployment's
   * token (everything), else a member's keys. Absent: everything.
   */
  reader?: (c: Context) => Promise<ItemReader>;
}
