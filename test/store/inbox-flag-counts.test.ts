/**
 * The inbox's kept counts (`inbox_flag_counts`, kept by triggers) against counting every visible flag, after
 * each kind of write that changes what the inbox counts: flags raised, snoozed, dismissed, woken, resolved,
 * moved and deleted; tasks muted, marked done, deleted, restored and created after their flag, with open
 * flags and with snoozes that ended or run on; a person's own states; emptied tables. And a recount mends counts that went wrong.
 */
import { sql } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import { dismissFlag, snoozeFlag } from "../../src/store/flag-store.ts";
import { savePersonFlagState, savePersonTaskState } from "../../src/store/inbox-person-state.ts";
import { countInboxFlags, type InboxFilter, loadInboxCounts } from "../../src/store/inbox-queries.ts";
import { saveTaskDone, saveTaskMuted } from "../../src/store/inbox-state.ts";
import { saveWokenSnoozes } from "../../src/store/wake-on-activity.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { FIXTURE_TIME, fixtures } from "../helpers/fixtures.ts";

const NOW = new Date(FIXTURE_TIME.getTime() + 30 * 86_400_000);
const later = (days: number) => new Date(NOW.getTime() + days * 86_400_000);

describeEachDatabase("inbox kept counts", (ctx) => {
  let ana = "";
  const filters = (): InboxFilter[] => [{}, { viewer: ana }, { kinds: ["stale"] }];
  /** The kept counts of each filter, after checking them against a count of every visible flag. */
  const same = async () => {
    const kept = [];
    for (const filter of filters()) {
      const counts = await loadInboxCounts(ctx.db, filter, NOW);
      expect(counts).toEqual(await countInboxFlags(ctx.db, filter, NOW));
      kept.push(counts);
    }
    return kept[0]!;
  };

  beforeAll(async () => {
    const f = fixtures(ctx.db);
    ana = (await f.person({ name: "Ana Lima", email: "ana@acme.dev" })).id;
    for (const key of ["K-1", "K-2", "K-3", "K-4", "K-5"]) await f.task({ key, assigneeId: ana });
    await f.flag({ id: "s-1", taskKey: "K-1", kind: "stale" });
    await f.flag({ id: "s-2", taskKey: "K-2", kind: "stale" });
    await f.flag({ id: "s-3", taskKey: "K-3", kind: "stale", ownerId: ana });
    await f.flag({ id: "n-1", taskKey: "K-1", kind: "no_owner" });
    await f.flag({ id: "q-4", taskKey: "K-4", kind: "unanswered_question" });
    await f.flag({ id: "d-5", taskKey: "K-5", kind: "done_not_deployed", state: "dismissed" });
  });

  it("counts what a full count counts after flags are raised", async () => {
    expect(await same()).toMatchObject({
      stale: 3,
      no_owner: 1,
      unanswered_question: 1,
      done_not_deployed: 0,
    });
  });

  it("follows snoozes (running, ended, woken), dismissals, resolving, moving and deleting flags", async () => {
    await snoozeFlag(ctx.db, "s-1", later(3), "ana", NOW);
    expect((await same()).stale).toBe(2);
    await ctx.db.execute(
      sql`update flags set snoozed_until = ${later(-1).toISOString()}::timestamptz where id = 's-1'`,
    );
    expect((await same()).stale).toBe(3);
    await ctx.db.execute(sql`update flags set snoozed_until = ${later(2).toISOString()}::timestamptz,
      state_at = ${FIXTURE_TIME.toISOString()}::timestamptz where id = 's-1'`);
    expect((await same()).stale).toBe(2);
    expect(await saveWokenSnoozes(ctx.db, ["K-1"], NOW)).toBe(1);
    expect((await same()).stale).toBe(3);
    await dismissFlag(ctx.db, "s-2", "not stuck", "ana", NOW);
    await ctx.db.execute(sql`update flags set state = 'open' where id = 'd-5'`);
    expect(await same()).toMatchObject({ stale: 2, done_not_deployed: 1 });
    await ctx.db.execute(sql`update flags set kind = 'missing_approval', task_key = 'K-2' where id = 'q-4'`);
    expect(await same()).toMatchObject({ unanswered_question: 0, missing_approval: 1 });
    await ctx.db.execute(sql`update flags set state = 'resolved' where id = 'q-4'`);
    await ctx.db.execute(sql`delete from flags where id = 'n-1'`);
    expect(await same()).toMatchObject({ missing_approval: 0, no_owner: 0 });
    // Rewritten rows that stay open change nothing.
    await ctx.db.execute(sql`update flags set reason = 'again', updated_at = now()`);
    expect(await same()).toMatchObject({ stale: 2, done_not_deployed: 1 });
  });

  it("follows tasks muted, marked done, taken back, deleted, restored, and created after their flag", async () => {
    await saveTaskMuted(ctx.db, { taskKey: "K-1", muted: true, by: "ana", now: NOW });
    await saveTaskDone(ctx.db, { taskKey: "K-3", done: true, by: "ana", now: NOW });
    expect((await same()).stale).toBe(0);
    await saveTaskMuted(ctx.db, { taskKey: "K-1", muted: false, by: "ana", now: NOW });
    await ctx.db.execute(sql`update inbox_task_states set done_at = null where task_key = 'K-3'`);
    expect((await same()).stale).toBe(2);
    await ctx.db.execute(sql`delete from inbox_task_states`);
    await saveTaskDone(ctx.db, { taskKey: "K-5", done: true, by: "ana", now: NOW });
    expect((await same()).done_not_deployed).toBe(0);
    await ctx.db.execute(sql`delete from inbox_task_states where task_key = 'K-5'`);
    await ctx.db.execute(
      sql`update tasks set deleted_at = ${NOW.toISOString()}::timestamptz where key in ('K-3', 'K-5')`,
    );
    expect(await same()).toMatchObject({ stale: 1, done_not_deployed: 0 });
    await ctx.db.execute(sql`update tasks set deleted_at = null where key = 'K-5'`);
    expect(await same()).toMatchObject({ stale: 1, done_not_deployed: 1 });
    const f = fixtures(ctx.db);
    await f.flag({ id: "s-6", taskKey: "K-6", kind: "stale" });
    expect((await same()).stale).toBe(1);
    await f.task({ key: "K-6" });
    expect((await same()).stale).toBe(2);
    await ctx.db.execute(sql`delete from tasks where key = 'K-6'`);
    expect((await same()).stale).toBe(1);
  });

  it("leaves out what the viewer hid for themselves, and only for them", async () => {
    await savePersonTaskState(ctx.db, {
      personId: ana,
      taskKey: "K-1",
      state: "muted",
      on: true,
      by: "ana",
      now: NOW,
    });
    await savePersonFlagState(ctx.db, {
      personId: ana,
      flagId: "d-5",
      state: "snoozed",
      until: later(2),
      by: "ana",
      now: NOW,
    });
    await same();
    const mine = await loadInboxCounts(ctx.db, { viewer: ana }, NOW);
    const team = await loadInboxCounts(ctx.db, {}, NOW);
    expect([mine.stale, mine.done_not_deployed, team.stale, team.done_not_deployed]).toEqual([0, 0, 1, 1]);
  });

  it("counts a snooze that ended only while its task shows, and a running one from its end on", async () => {
    const f = fixtures(ctx.db);
    const snoozed = { state: "snoozed", taskKey: "K-8" } as const;
    await f.flag({ ...snoozed, id: "q-8", kind: "unanswered_question", snoozedUntil: later(-1) });
    await f.flag({ ...snoozed, id: "a-9", kind: "missing_approval", snoozedUntil: later(1) });
    const shown = async (now = NOW) => {
      const counts = await loadInboxCounts(ctx.db, {}, now);
      expect(counts).toEqual(await countInboxFlags(ctx.db, {}, now));
      await same();
      return [counts.unanswered_question, counts.missing_approval];
    };
    const [questions, approvals] = await shown();
    await f.task({ key: "K-8" });
    expect(await shown()).toEqual([questions! + 1, approvals]);
    // The running snooze counts once its end has come, with nothing written meanwhile.
    expect(await shown(later(2))).toEqual([questions! + 1, approvals! + 1]);
    await saveTaskMuted(ctx.db, { taskKey: "K-8", muted: true, by: "ana", now: NOW });
    expect(await shown(later(2))).toEqual([questions, approvals]);
    await saveTaskMuted(ctx.db, { taskKey: "K-8", muted: false, by: "ana", now: NOW });
    await saveTaskDone(ctx.db, { taskKey: "K-8", done: true, by: "ana", now: NOW });
    expect(await shown(later(2))).toEqual([questions, approvals]);
    await ctx.db.execute(sql`delete from inbox_task_states where task_key = 'K-8'`);
    expect(await shown(later(2))).toEqual([questions! + 1, approvals! + 1]);
    await ctx.db.execute(
      sql`update tasks set deleted_at = ${NOW.toISOString()}::timestamptz where key = 'K-8'`,
    );
    expect(await shown(later(2))).toEqual([questions, approvals]);
    await ctx.db.execute(sql`update tasks set deleted_at = null where key = 'K-8'`);
    // Snoozed again, later or without an end: hidden again.
    await ctx.db.execute(sql`update flags set snoozed_until = null where id = 'q-8'`);
    await ctx.db.execute(
      sql`update flags set snoozed_until = ${later(5).toISOString()}::timestamptz where id = 'a-9'`,
    );
    expect(await shown(later(2))).toEqual([questions, approvals]);
    await ctx.db.execute(sql`delete from flags where id in ('q-8', 'a-9')`);
    expect(await shown(later(9))).toEqual([questions, approvals]);
  });

  it("reads the kept counts, and a recount older than a minute is taken again, mending them", async () => {
    const right = await countInboxFlags(ctx.db, {}, NOW);
    await ctx.db.execute(sql`insert into inbox_flag_counts (kind, n) values ('stale', 40)`);
    expect((await loadInboxCounts(ctx.db, {}, NOW)).stale).toBe(right.stale + 40);
    await ctx.db.execute(sql`update inbox_flag_counts set counted_at = counted_at - interval '61 seconds'
      where counted_at is not null`);
    expect(await loadInboxCounts(ctx.db, {}, NOW)).toEqual(right);
    expect(await same()).toEqual(right);
  });

  it("starts again from nothing when the tables are emptied", async () => {
    await ctx.db.execute(sql`truncate flags`);
    expect(Object.values(await same()).every((n) => n === 0)).toBe(true);
    await fixtures(ctx.db).flag({ id: "s-7", taskKey: "K-2", kind: "stale" });
    expect((await same()).stale).toBe(1);
    await ctx.db.execute(sql`truncate tasks, inbox_task_states`);
    expect((await same()).stale).toBe(0);
  });
});
