import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "../../schema/index.ts";
import type { Database, Db } from "./db.ts";

/** Opens postgres.js against a PostgreSQL server. Runs on Node and on Workers (nodejs_compat). */
export function openPostgres(url: string, options: { max?: number } = {}): Database {
  const client = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
  });
  const db = drizzle(client, { schema }) as unknown as Db;
  return { db, kind: "postgres", url, close: () => client.end({ timeout: 5 }) };
}
