import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type * as schema from "../../schema/index.ts";

/** The drizzle database every store function takes: postgres.js against a server, or the embedded PGlite. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/** A database and the way to let it go. */
export interface Database {
  db: Db;
  kind: "postgres" | "pglite";
  /** The server's address, for work that needs a connection of its own (postgres only). */
  url?: string;
  close(): Promise<void>;
}
