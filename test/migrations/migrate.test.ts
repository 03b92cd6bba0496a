import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { MIGRATIONS_FOLDER, migrateDatabase } from "../../src/store/migrate.ts";
import { openPostgres } from "../../src/store/open-postgres.ts";
import { queryRows } from "../../src/store/rows.ts";
import { createEmptyPostgresDatabase, describeEachDatabase } from "../helpers/databases.ts";

// One row per migration drizzle-kit generated: the journal lists them.
const MIGRATION_COUNT = (
  JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8")) as { entries: unknown[] }
).entries.length;

const TABLES = [
  "api_tokens",
  "connected_mailboxes",
  "digests",
  "flag_actions",
  "flags",
  "identities",
  "inbox_flag_counts",
  "inbox_person_states",
  "inbox_state_history",
  "inbox_task_states",
  "item_links",
  "items",
  "merge_dismissals",
  "people",
  "saved_searches",
  "signin_attempts",
  "source_scopes",
  "source_states",
  "source_subscriptions",
  "sync_cursors",
  "tasks",
  "web_sessions",
  "webhook_deliveries",
];

describeEachDatabase("migrations", (ctx) => {
  it("create every table of the schema", async () => {
    const rows = await queryRows<{ table_name: string }>(
      ctx.db,
      sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
    );
    expect(rows.map((r) => r.table_name)).toEqual(TABLES);
  });

  it("apply a second time without error and without changing anything", async () => {
    const before = await queryRows<{ n: number }>(
      ctx.db,
      sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
    );
    await migrateDatabase(ctx.database);
    const after = await queryRows<{ n: number }>(
      ctx.db,
      sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
    );
    expect(before[0]?.n).toBe(MIGRATION_COUNT);
    expect(after[0]?.n).toBe(MIGRATION_COUNT);
  });

  it("keep the generated search vector and the defaults working", async () => {
    await ctx.db.execute(sql`
      insert into tasks (key, source, external_id, title, status, status_category, url, created_at, updated_at, last_activity_at)
      values ('FAL-1', 'jira', '10001', 'Export the invoices to CSV', 'In Progress', 'in_progress',
              'https://example.atlassian.net/browse/FAL-1', now(), now(), now())`);
    const rows = await queryRows<{ key: string; labels: string[] }>(
      ctx.db,
      sql`select key, labels from tasks where search @@ websearch_to_tsquery('simple', 'invoices')`,
    );
    expect(rows).toEqual([{ key: "FAL-1", labels: [] }]);
  });
});

describe.runIf(process.env.TEST_DATABASE_URL)("migrations [postgres] from two processes at once", () => {
  it("apply once, the second run waiting for the first", async () => {
    const fresh = await createEmptyPostgresDatabase();
    const a = openPostgres(fresh.url);
    const b = openPostgres(fresh.url);
    try {
      await Promise.all([migrateDatabase(a), migrateDatabase(b)]);
      const applied = await queryRows<{ n: number }>(
        a.db,
        sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
      );
      const tables = await queryRows<{ table_name: string }>(
        a.db,
        sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
      );
      expect(tables.map((t) => t.table_name)).toEqual(TABLES);
      expect(applied[0]?.n).toBe(MIGRATION_COUNT);
    } finally {
      await Promise.all([a.close(), b.close()]);
      await fresh.drop();
    }
  });
});
