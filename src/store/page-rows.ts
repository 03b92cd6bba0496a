import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import type { Db } from "./db.ts";
import { queryRows } from "./rows.ts";

const dialect = new PgDialect();

/** What this module uses of a postgres.js `sql` (the pool's, or a transaction's). */
interface PostgresJsClient {
  unsafe(query: string, params: unknown[], options: { prepare: boolean }): Promise<unknown>;
}

/** Whether `db` runs on postgres.js (a pool of connections), not the embedded database's one connection. */
export const onPostgresJs = (db: Db): boolean => postgresJsClientOf(db) !== null;

function postgresJsClientOf(db: Db): PostgresJsClient | null {
  // drizzle keeps the driver's client on its session: postgres.js's `sql` has `unsafe`, PGlite's does not.
  const client = (db as unknown as { session?: { client?: unknown } }).session?.client;
  return typeof (client as Partial<PostgresJsClient> | undefined)?.unsafe === "function"
    ? (client as PostgresJsClient)
    : null;
}

/**
 * `queryRows` for the statements that run most often: those every saved page runs, the timeline read (the
 * API's and the task page's, a statement of a dozen joins whose second round trip and parse cost more than its
 * execution), and what every opening of the web inbox reads (the session, the counts, the page, the saved
 * searches). On postgres.js they run as named prepared statements: drizzle's `execute` sends each one
 * unnamed, which postgres.js first asks the server to describe and only then binds, so every statement costs
 * two round trips and a parse, and statements sent together wait for each other instead of being pipelined. A
 * prepared one is parsed and described once per connection, and after five runs PostgreSQL may keep one
 * generic plan for it when that plan is estimated no dearer than planning each time. The SQL of these
 * statements is fixed (values are parameters), so each connection keeps a few dozen; a statement whose text
 * grows with its input (a list of values spelled out) must not come here. On PGlite, which has no round trips
 * to save, it is `queryRows`.
 */
export async function pageRows<T = Record<string, unknown>>(db: Db, query: SQL): Promise<T[]> {
  const client = postgresJsClientOf(db);
  if (!client) return queryRows<T>(db, query);
  const { sql, params } = dialect.sqlToQuery(query);
  return (await client.unsafe(sql, params, { prepare: true })) as T[];
}
