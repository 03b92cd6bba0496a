/**
 * The workspace facts every channel's pull needs once per run (I/O): its people (users.list, then
 * users.info for anyone the list did not have, such as a Slack Connect member of another workspace) and its
 * address and ids (auth.test: the address for permalinks, `team_id` and `enterprise_id` to tell another
 * organisation's people from its own). Shared by the scopes of one run, so a run asks once whatever the
 * number of channels; a failed load is forgotten, so the engine's retry asks again.
 *
 * The people list is kept for a day (`PEOPLE_TTL_MS`, measured on the runs' clock) by the process: a sync every
 * few minutes does not read a big workspace's whole directory each time. Someone who joined since is asked
 * with users.info, as anyone the list lacks; a renamed person's new name arrives with the next day's list.
 */
import type { JsonValue } from "../types.ts";
import { ConnectorError } from "../types.ts";
import type { SlackClient, SlackLog } from "./client.ts";
import type { SlackSettings } from "./config.ts";
import { type SlackHome, toMentionName } from "./map.ts";
import {
  parseAnswer,
  SlackAuthTestSchema,
  SlackUserInfoSchema,
  SlackUserSchema,
  SlackUsersPageSchema,
} from "./schemas.ts";

/** users.list pages: Slack asks for a limit under 1,000. https://docs.slack.dev/reference/methods/users.list */
export const USERS_PAGE_SIZE = 999;

/** How long a workspace's people list is used before it is read again. */
export const PEOPLE_TTL_MS = 86_400_000;

/** The people list of each workspace (API root and token) and the run time it was read at. */
const peopleLists = new Map<string, { users: Map<string, JsonValue>; readAtMs: number }>();

export interface SlackDirectory {
  /** The user object, or null when Slack does not know the id. */
  user(id: string): Promise<JsonValue | null>;
  /** How a mention of the user reads (`@Name` without the `@`), or null. */
  mentionName(id: string): Promise<string | null>;
  /** The workspace: its address and its team and Enterprise Grid org. */
  workspace(): Promise<SlackWorkspace>;
}

export interface SlackWorkspace {
  /** `https://acme.slack.com/`. */
  url: string;
  home: SlackHome;
}

interface Shared {
  users: Promise<Map<string, JsonValue>> | null;
  extra: Map<string, Promise<JsonValue | null>>;
  workspace: Promise<SlackWorkspace> | null;
  /** users.list was refused (no users:read): users.info would be too. */
  unreadable: boolean;
}

/**
 * One run's facts: the engine hands every scope of a source's run the same abort signal, and a new one to
 * the next run, so the signal names the run (and a WeakMap forgets it with the run).
 */
const runs = new WeakMap<AbortSignal, Map<string, Shared>>();

/** The directory of the run `signal` belongs to, shared by its scopes. */
export function openDirectory(
  settings: SlackSettings,
  signal: AbortSignal,
  client: SlackClient,
  log: SlackLog,
  now: Date,
): SlackDirectory {
  const key = `${settings.apiUrl}\n${settings.token}`;
  let byWorkspace = runs.get(signal);
  if (!byWorkspace) {
    byWorkspace = new Map();
    runs.set(signal, byWorkspace);
  }
  let shared = byWorkspace.get(key);
  if (!shared) {
    shared = { users: null, extra: new Map(), workspace: null, unreadable: false };
    byWorkspace.set(key, shared);
  }
  const state = shared;

  const loadUsers = async (): Promise<Map<string, JsonValue>> => {
    const users = new Map<string, JsonValue>();
    let cursor: string | undefined;
    do {
      let answer: unknown;
      try {
        answer = await client.fetchUsers(cursor, USERS_PAGE_SIZE);
      } catch (err) {
        // Without users:read the messages still come, their authors named by id only.
        if (!(err instanceof ConnectorError) || err.kind !== "forbidden") throw err;
        log.warn({ reason: err.message }, "people not read: messages keep their authors' ids only");
        state.unreadable = true;
        return users;
      }
      const page = parseAnswer(SlackUsersPageSchema, answer, "a users.list page");
      for (const member of page.members) {
        const user = SlackUserSchema.safeParse(member);
        if (user.success) users.set(user.data.id, member);
      }
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor);
    return users;
  };

  const remember = <T>(promise: Promise<T>, forget: () => void): Promise<T> => {
    promise.catch(forget);
    return promise;
  };

  const loadOrReuseUsers = async (): Promise<Map<string, JsonValue>> => {
    const kept = peopleLists.get(key);
    const nowMs = now.getTime();
    if (kept && nowMs - kept.readAtMs < PEOPLE_TTL_MS && nowMs >= kept.readAtMs) return kept.users;
    const users = await loadUsers();
    if (!state.unreadable) peopleLists.set(key, { users, readAtMs: nowMs });
    return users;
  };

  const user = async (id: string): Promise<JsonValue | null> => {
    if (!state.users) state.users = remember(loadOrReuseUsers(), () => (state.users = null));
    const found = (await state.users).get(id);
    if (found !== undefined) return found;
    if (state.unreadable) return null;
    let pending = state.extra.get(id);
    if (!pending) {
      pending = remember(
        client.fetchUser(id).then(
          (answer) => parseAnswer(SlackUserInfoSchema, answer, `users.info of ${id}`).user,
          (err: unknown) => {
            // user_not_found: a deleted or foreign account; the message keeps its id.
            if (err instanceof ConnectorError && (err.kind === "invalid" || err.kind === "forbidden"))
              return null;
            throw err;
          },
        ),
        () => state.extra.delete(id),
      );
      state.extra.set(id, pending);
    }
    return pending;
  };

  const workspace = (): Promise<SlackWorkspace> => {
    if (!state.workspace) {
      state.workspace = remember(
        client.fetchAuth().then((answer) => {
          const auth = parseAnswer(SlackAuthTestSchema, answer, "auth.test");
          return {
            url: auth.url,
            home: { team: auth.team_id ?? null, enterprise: auth.enterprise_id ?? null },
          };
        }),
        () => (state.workspace = null),
      );
    }
    return state.workspace;
  };

  return {
    user,
    mentionName: async (id) => toMentionName(await user(id)),
    workspace,
  };
}
