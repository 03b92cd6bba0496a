/**
 * A page with a row too big to share its statement (written alone, its values bound one by one) beside
 * ordinary rows (written together as arrays): every value is stored exactly as it came, whatever characters it
 * holds, and saving the same page again changes nothing.
 */
import { sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { CONNECTORS } from "../../connectors/registry.ts";
import { pageRows } from "../../src/store/page-rows.ts";
import { savePage } from "../../src/store/save-page.ts";
import { emptyLinkContext } from "../../src/sync/engine.ts";
import { createLinker } from "../../src/sync/linker.ts";
import { toPageWrite } from "../../src/sync/to-page-write.ts";
import { createTestDatabase, TEST_DATABASE_KINDS } from "../helpers/databases.ts";
import { jiraCommentRecord as comment } from "../helpers/jira-comment-record.ts";

// What an array literal or a JSON document has to escape, and what it could mistake for its own syntax.
const AWKWARD = `"quoted" \\back\\slash {braces} [brackets] a,b NULL 'single' Ωמ漢字😀 \t tab\n`;

for (const kind of TEST_DATABASE_KINDS) {
  it(`a row written alone and rows written together are stored exactly, and again changes nothing [${kind}]`, async () => {
    const db = await createTestDatabase(kind);
    try {
      const big = `Please review. ${AWKWARD.repeat(12_000)}`; // about 700,000 characters: alone
      // In id order, the order they are written in: the two small ones share a statement, the big one is alone.
      const page = [comment("30001", `Small ${AWKWARD}`), comment("30002", "Thanks"), comment("30003", big)];
      const write = await toPageWrite(CONNECTORS.jira, null, page);
      const options = { now: new Date("2026-01-05T08:00:00Z"), linker: createLinker(emptyLinkContext()) };
      const first = await savePage(db.db, write, options);
      expect(first.itemsNew).toBe(3);

      const saved = await pageRows<{ id: string; text: string; body: string; at: string; meta: unknown }>(
        db.db,
        sql`select id, text, raw->'data'->>'body' as body, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS') as at,
                   meta
            from items order by id`,
      );
      expect(saved.map((r) => [r.id, r.body])).toEqual(
        page.map((r) => [`jira:comment:${(r.data as { id: string }).id}`, (r.data as { body: string }).body]),
      );
      expect(saved.map((r) => [r.text, `${r.at}Z`, r.meta])).toEqual(
        write.items.map((e) => [e.item.text, e.item.at.toISOString(), e.item.meta]),
      );

      const again = await savePage(db.db, write, options);
      expect([again.itemsNew, again.itemsUpdated]).toEqual([0, 0]);
    } finally {
      await db.close();
    }
  }, 60_000);
}
