/**
 * The mapping thread: a record past its time budget ends the thread; the record is saved with its raw copy
 * whole and its item marked as not analysed, the rest of the page as usual, and the next page maps in a new
 * thread.
 */
import { sql } from "drizzle-orm";
import { afterAll, expect, it } from "vitest";
import { pageRows } from "../../src/store/page-rows.ts";
import { savePage } from "../../src/store/save-page.ts";
import { emptyLinkContext } from "../../src/sync/engine.ts";
import { createLinker } from "../../src/sync/linker.ts";
import { createThreadMapper } from "../../src/sync/map-thread.ts";
import { toPageWrite } from "../../src/sync/to-page-write.ts";
import { createTestDatabase, TEST_DATABASE_KINDS } from "../helpers/databases.ts";
import { jiraCommentRecord as comment } from "../helpers/jira-comment-record.ts";
import { CONNECTORS, STALL } from "../helpers/stalling-registry.ts";

const BUDGET_MS = 1_500;
const mapper = createThreadMapper({
  recordBudgetMs: BUDGET_MS,
  registry: { connectors: CONNECTORS, module: new URL("../helpers/stalling-registry.ts", import.meta.url) },
});
afterAll(() => mapper.close());

for (const kind of TEST_DATABASE_KINDS) {
  it(`a record past its budget is saved raw and marked, the page with it, and the next page maps [${kind}]`, async () => {
    const db = await createTestDatabase(kind);
    try {
      const stalling = comment("20002", `Please approve. ${"x".repeat(3_000)} ${STALL}`);
      const page = [comment("20001", "Is this deployed?"), stalling, comment("20003", "Approved.")];
      const before = mapper.overBudget;
      const started = performance.now();
      const write = await toPageWrite(CONNECTORS.jira, null, page, [], mapper);
      // The budget, the thread's restart and the other two records: far from the endless mapping.
      expect(performance.now() - started).toBeLessThan(BUDGET_MS + 15_000);
      expect(mapper.overBudget).toBe(before + 1);
      expect(write.items.map((e) => [e.item.externalId, e.item.text])).toEqual([
        ["comment:20001", "Is this deployed?"],
        [
          "comment:20002",
          "[Threadline did not analyse this message: reading it took longer than its budget of 1.5 s. All of it is in the source.]",
        ],
        ["comment:20003", "Approved."],
      ]);
      // Everything else the source says of it is kept: who, when, which task.
      const marked = write.items[1]!.item;
      expect([marked.parentTaskKey, marked.at.toISOString(), marked.author]).toEqual([
        "TES-65",
        "2021-11-08T14:10:06.738Z",
        write.items[0]!.item.author,
      ]);

      await savePage(db.db, write, { now: new Date(), linker: createLinker(emptyLinkContext()) });
      const saved = await pageRows<{ id: string; text: string; body: string }>(
        db.db,
        sql`select id, text, raw->'data'->>'body' as body from items order by id`,
      );
      expect(saved.map((r) => r.id)).toEqual([
        "jira:comment:20001",
        "jira:comment:20002",
        "jira:comment:20003",
      ]);
      expect(saved[1]!.body).toBe((stalling.data as { body: string }).body);
      expect(saved[1]!.text).toMatch(/^\[Threadline did not analyse this message/);

      // A new thread maps the next page.
      const next = await toPageWrite(CONNECTORS.jira, null, [comment("20004", "Thanks!")], [], mapper);
      expect(next.items.map((e) => e.item.text)).toEqual(["Thanks!"]);
      expect(mapper.overBudget).toBe(before + 1);
    } finally {
      await db.close();
    }
  }, 60_000);
}

it("maps a test's own connector in place, and a record its connector cannot read fails the page", async () => {
  const own = { ...CONNECTORS.jira, map: CONNECTORS.github.map } as unknown as typeof CONNECTORS.jira;
  await expect(toPageWrite(own, null, [comment("20005", "hi")], [], mapper)).rejects.toThrow(
    /cannot map a "comment" record/,
  );
  const broken = comment("20006", "hi");
  (broken.data as Record<string, unknown>).created = 42;
  await expect(toPageWrite(CONNECTORS.jira, null, [broken], [], mapper)).rejects.toThrow(
    /cannot map a "comment" record: [\s\S]*\(a mapper bug; the page was not saved and the cursor did not move\)/,
  );
});
