import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "../../schema/index.ts";
import type { Database, Db } from "./db.ts";

/**
 * Opens postgres.js against a PostgreSQL server. Runs on Node and on Workers (nodejs_compat).
 *
 * Its sessions start with JIT compilation off: every statement of the product is short, and a server's JIT
 * (on by default since PostgreSQL 12) compiles any statement whose estimated cost passes `jit_above_cost`,
 * which the inbox's page, with its estimates for the people of a merge chain, does at 50,000 tasks: about
 * 150 ms of the server's CPU to compile a statement that then runs in 2 ms. `serverSettings: false` leaves the
 * server's own (the Worker's pooled Hyperdrive connections are not ours to set up).
 */
export function openPostgres(
  url: string,
  options: { max?: number; serverSettings?: boolean } = {},
): Database {
  const client = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    ...(options.serverSettings === false ? {} : { connection: { jit: "off" } }),
  });
  const db = drizzle(client, { schema }) as unknown as Db;
  return { db, kind: "postgres", url, close: () => client.end({ timeout: 5 }) };
}
