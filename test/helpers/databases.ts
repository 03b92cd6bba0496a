import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { getTableName, isTable, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/pglite";
import postgres from "postgres";
import { afterAll, beforeAll, describe, inject } from "vitest";
import * as schema from "../../schema/index.ts";
import type { Database, Db } from "../../src/store/db.ts";
import { migrateDatabase } from "../../src/store/migrate.ts";
import { openPglite } from "../../src/store/open-pglite.ts";
import { openPostgres } from "../../src/store/open-postgres.ts";
import { emptyJobs } from "./queue-state.ts";

export type TestDatabaseKind = "pglite" | "postgres";

/** PGlite always; the real PostgreSQL server as well when TEST_DATABASE_URL is set. */
export const TEST_DATABASE_KINDS: TestDatabaseKind[] = process.env.TEST_DATABASE_URL
  ? ["pglite", "postgres"]
  : ["pglite"];

export interface TestDatabase extends Database {
  /** For postgres: the URL of the fresh database, for code under test that opens its own connections. */
  url?: string;
}

/**
 * A fresh, migrated database. On PostgreSQL each call creates a database of its own (dropped on close),
 * so test files run in parallel without seeing each other's rows. Both kinds start as a copy of the
 * database the run's global set-up migrated once (test/helpers/database-templates-setup.ts), when there is one.
 */
export async function createTestDatabase(kind: TestDatabaseKind): Promise<TestDatabase> {
  if (kind === "pglite") {
    const templateFile = inject("pgliteTemplateFile");
    if (!templateFile) {
      const database = await openPglite(undefined);
      await migrateDatabase(database);
      return database;
    }
    const client = new PGlite({ loadDataDir: new Blob([await readFile(templateFile)]) });
    await client.waitReady;
    return { db: drizzle(client, { schema }) as unknown as Db, kind: "pglite", close: () => client.close() };
  }
  const templateName = inject("postgresTemplateName");
  const empty = await createEmptyPostgresDatabase(templateName || undefined);
  const database = openPostgres(empty.url, { max: 4 });
  if (!templateName) await migrateDatabase(database);
  return {
    ...database,
    url: empty.url,
    close: async () => {
      await database.close();
      await empty.drop();
    },
  };
}

/**
 * An empty database of its own on the TEST_DATABASE_URL server, for tests of what creates the schema; a copy of
 * `template` when one is named.
 */
export async function createEmptyPostgresDatabase(
  template?: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error("TEST_DATABASE_URL is not set");
  const name = `threadline_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(template ? `create database ${name} template ${template}` : `create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const dropper = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await dropper.unsafe(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}

/**
 * Runs a suite once per test database, titled `[pglite]` and `[postgres]` so the output shows both.
 * The suite reads the database through `ctx.db` inside its tests and hooks.
 */
export function describeEachDatabase(
  title: string,
  suite: (ctx: { readonly db: Db; readonly database: TestDatabase; kind: TestDatabaseKind }) => void,
): void {
  for (const kind of TEST_DATABASE_KINDS) {
    describe(`${title} [${kind}]`, () => {
      let database: TestDatabase | undefined;
      beforeAll(async () => {
        database = await createTestDatabase(kind);
      }, 60_000);
      afterAll(async () => {
        await database?.close();
      });
      suite({
        kind,
        get db() {
          if (!database) throw new Error("the test database is not open yet");
          return database.db;
        },
        get database() {
          if (!database) throw new Error("the test database is not open yet");
          return database;
        },
      });
    });
  }
}

// Every table of the schema, read from it so a new table is emptied too.
const ALL_TABLES = Object.values(schema)
  .filter((value) => isTable(value))
  .map((table) => `"${getTableName(table)}"`)
  .join(", ");

/** Empties every table and the job queue, for tests that share one database and start each from nothing. */
export async function emptyTables(db: Db): Promise<void> {
  await db.execute(sql.raw(`truncate ${ALL_TABLES} restart identity cascade`));
  await emptyJobs(db);
}
