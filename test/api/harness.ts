import { type AppDeps, createApp } from "../../src/api/app.ts";
import type { Db } from "../../src/store/db.ts";

export const TOKEN = "test-token-2f1c9e7a5b3d";
/** The API's clock in these tests: Monday 10 March 2025, noon UTC. */
export const NOW = new Date("2025-03-10T12:00:00.000Z");

export interface Answer {
  status: number;
  body: unknown;
  headers: Headers;
}

/** The app over `db`, and calls that send the token (unless told otherwise) and read the JSON answer. */
export function apiOver(
  db: Db,
  options: {
    now?: Date;
    onTasksChanged?: (keys: readonly string[]) => void | Promise<void>;
    actions?: AppDeps["actions"];
  } = {},
) {
  const errors: unknown[] = [];
  const app = createApp({
    db,
    apiToken: TOKEN,
    now: () => options.now ?? NOW,
    logError: (err) => errors.push(err),
    ...(options.onTasksChanged ? { onTasksChanged: options.onTasksChanged } : {}),
    ...(options.actions ? { actions: options.actions } : {}),
  });
  const call = async (
    method: string,
    path: string,
    init: { body?: unknown; headers?: Record<string, string> } = {},
  ) => {
    const headers: Record<string, string> = { authorization: `Bearer ${TOKEN}`, ...init.headers };
    if (init.body !== undefined) headers["content-type"] = "application/json";
    const res = await app.request(path, {
      method,
      headers,
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
    const text = await res.text();
    return {
      status: res.status,
      body: text ? JSON.parse(text) : null,
      headers: res.headers,
    } satisfies Answer;
  };
  return {
    app,
    /** Errors the app logged as its own fault (a test expects none). */
    errors,
    get: (path: string, headers?: Record<string, string>) => call("GET", path, headers ? { headers } : {}),
    post: (path: string, body: unknown) => call("POST", path, { body }),
    delete: (path: string) => call("DELETE", path),
    call,
  };
}

/** `encodeURIComponent` of a task key or item id, as a client puts it in a path. */
export const enc = encodeURIComponent;
