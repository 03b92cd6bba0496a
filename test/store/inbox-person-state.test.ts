/**
 * "Mine" and the states people set for themselves, on both databases: a person's view holds the flags they own
 * (or whose task is theirs when no owner is named) and those waiting on them, through merges; what they
 * snooze, dismiss, mute or mark done for themselves leaves their inbox only, and comes back by the team's
 * rules (a snooze on its date or on newer activity, done on newer activity, a dismissal on newer evidence);
 * every change is in the task's history.
 */
import { sql } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import { dismissFlag } from "../../src/store/flag-store.ts";
import { loadStateHistory } from "../../src/store/inbox-history.ts";
import {
  loadPersonTaskState,
  savePersonFlagState,
  savePersonTaskState,
} from "../../src/store/inbox-person-state.ts";
import { type InboxFilter, loadInbox, loadTaskFlags } from "../../src/store/inbox-queries.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { FIXTURE_TIME, fixtures, minutesAfter } from "../helpers/fixtures.ts";

const NOW = new Date("2025-03-10T12:00:00.000Z");
const days = (n: number) => new Date(FIXTURE_TIME.getTime() - n * 86_400_000);

describeEachDatabase("per-person inbox states", (ctx) => {
  let ana = "";
  let bob = "";
  let cai = "";
  const keysOf = async (filter: InboxFilter, now = NOW) => {
    const inbox = await loadInbox(ctx.db, { filter, now, perKind: 50 });
    return inbox.groups.flatMap((g) => g.rows.map((r) => r.flagId)).sort();
  };
  const mine = (personId: string, more: InboxFilter = {}) =>
    keysOf({ mine: personId, viewer: personId, ...more });
  const team = (personId: string, more: InboxFilter = {}, now = NOW) =>
    keysOf({ viewer: personId, ...more }, now);
  /** New activity on a task: an item linked to it, and the task's last activity moved. */
  const newActivity = async (key: string, at: Date) => {
    const f = fixtures(ctx.db);
    await f.item({ source: "slack", text: "any news on this?", linkTo: key, at });
    await f.refreshActivity([key]);
  };

  beforeAll(async () => {
    const f = fixtures(ctx.db);
    ana = (await f.person({ name: "Ana Lima", email: "ana@acme.dev" })).id;
    bob = (await f.person({ name: "Bob Stone", email: "bob@acme.dev" })).id;
    // Cai is an old account of Ana's, merged into her.
    cai = (await f.person({ name: "Cai (old)", email: "cai@acme.dev" })).id;
    await ctx.db.execute(sql`update people set merged_into = ${ana} where id = ${cai}`);
    for (const key of ["M-1", "M-2", "M-3", "M-4", "M-5"]) {
      await f.task({ key, title: `Task ${key}`, assigneeId: key === "M-2" ? ana : bob });
    }
    await f.refreshActivity(["M-1", "M-2", "M-3", "M-4", "M-5"]);
    await f.flag({ id: "own", taskKey: "M-1", kind: "stale", since: days(3), ownerId: ana });
    // No owner named: the task's assignee owes it.
    await f.flag({ id: "assigned", taskKey: "M-2", kind: "stale", since: days(4) });
    await f.flag({
      id: "waits",
      taskKey: "M-3",
      kind: "unanswered_question",
      since: days(2),
      ownerId: bob,
      waitingOn: [ana],
    });
    await f.flag({ id: "merged", taskKey: "M-4", kind: "missing_approval", since: days(1), ownerId: cai });
    await f.flag({ id: "bobs", taskKey: "M-5", kind: "stale", since: days(5), ownerId: bob });
  });

  it("shows a person the flags they own and those waiting on them, through merges, and Team everything", async () => {
    expect(await mine(ana)).toEqual(["assigned", "merged", "own", "waits"]);
    expect(await mine(bob)).toEqual(["bobs", "waits"].sort());
    expect(await team(ana)).toEqual(["assigned", "bobs", "merged", "own", "waits"]);
    const inbox = await loadInbox(ctx.db, { filter: { mine: ana, viewer: ana }, now: NOW, perKind: 50 });
    expect(inbox.counts).toMatchObject({ stale: 2, unanswered_question: 1, missing_approval: 1 });
  });

  it("hides a flag snoozed for me from me only, until its date or newer activity", async () => {
    const until = new Date("2025-03-20T00:00:00Z");
    const by = "ana@acme.dev";
    expect(
      await savePersonFlagState(ctx.db, {
        personId: ana,
        flagId: "waits",
        state: "snoozed",
        until,
        by,
        now: NOW,
      }),
    ).toBe("M-3");
    expect(await mine(ana)).not.toContain("waits");
    expect(await team(ana)).not.toContain("waits");
    expect(await mine(bob)).toContain("waits");
    expect(await keysOf({})).toContain("waits");
    expect(await team(ana, { is: ["snoozed"] })).toEqual(["waits"]);
    expect((await loadTaskFlags(ctx.db, "M-3", NOW, ana)).map((r) => r.flagId)).toEqual([]);
    expect((await loadTaskFlags(ctx.db, "M-3", NOW, bob)).map((r) => r.flagId)).toEqual(["waits"]);
    // Its date comes.
    expect(await team(ana, {}, new Date("2025-03-21T00:00:00Z"))).toContain("waits");
    // New activity on the task brings it back before then.
    await newActivity("M-3", minutesAfter(5, NOW));
    expect(await team(ana, {}, minutesAfter(10, NOW))).toContain("waits");
  });

  it("hides a flag dismissed for me until newer evidence arrives, and a team dismissal from everyone", async () => {
    const by = "bob@acme.dev";
    await savePersonFlagState(ctx.db, {
      personId: bob,
      flagId: "bobs",
      state: "dismissed",
      reason: "not mine",
      by,
      now: NOW,
    });
    expect(await mine(bob)).not.toContain("bobs");
    expect(await team(ana)).toContain("bobs");
    // The recompute moves last_evidence_at when the flag's evidence changes; newer than the dismissal: back.
    await ctx.db.execute(
      sql`update flags set last_evidence_at = ${minutesAfter(1, NOW).toISOString()}::timestamptz where id = 'bobs'`,
    );
    expect(await mine(bob)).toContain("bobs");
    await dismissFlag(ctx.db, "own", "duplicate", "bob@acme.dev", NOW);
    expect(await team(ana)).not.toContain("own");
    expect(await team(bob)).not.toContain("own");
  });

  it("mutes and marks done a task for me only; done comes back on newer activity", async () => {
    const by = "ana@acme.dev";
    await savePersonTaskState(ctx.db, {
      personId: ana,
      taskKey: "M-2",
      state: "muted",
      on: true,
      by,
      now: NOW,
    });
    expect(await mine(ana)).not.toContain("assigned");
    expect(await team(ana, { is: ["muted"] })).toEqual(["assigned"]);
    expect(await team(bob)).toContain("assigned");
    expect(await loadPersonTaskState(ctx.db, { personId: ana, taskKey: "M-2" })).toEqual({
      muted: true,
      done: false,
    });
    await savePersonTaskState(ctx.db, {
      personId: ana,
      taskKey: "M-2",
      state: "muted",
      on: false,
      by,
      now: NOW,
    });
    expect(await mine(ana)).toContain("assigned");

    await savePersonTaskState(ctx.db, {
      personId: ana,
      taskKey: "M-4",
      state: "done",
      on: true,
      by,
      now: NOW,
    });
    expect(await mine(ana)).not.toContain("merged");
    expect(await team(ana, { is: ["done"] })).toEqual(["merged"]);
    expect(await team(bob)).toContain("merged");
    await newActivity("M-4", minutesAfter(5, NOW));
    expect(await mine(ana)).toContain("merged");
    expect((await loadPersonTaskState(ctx.db, { personId: ana, taskKey: "M-4" })).done).toBe(false);
  });

  it("keeps every change in the task's history, and changes nothing on a resolved flag", async () => {
    const history = await loadStateHistory(ctx.db, "M-2", 10);
    expect(history.map((h) => [h.by, h.action, h.scope, h.flagId])).toEqual([
      ["ana@acme.dev", "unmuted", "me", null],
      ["ana@acme.dev", "muted", "me", null],
    ]);
    const snoozes = await loadStateHistory(ctx.db, "M-3", 10);
    expect(snoozes[0]).toMatchObject({
      by: "ana@acme.dev",
      action: "snoozed",
      scope: "me",
      flagId: "waits",
      flagKind: "unanswered_question",
      until: "2025-03-20T00:00:00.000Z",
    });
    await ctx.db.execute(sql`update flags set state = 'resolved' where id = 'bobs'`);
    const gone = await savePersonFlagState(ctx.db, {
      personId: ana,
      flagId: "bobs",
      state: "dismissed",
      reason: "x",
      by: "ana@acme.dev",
      now: NOW,
    });
    expect(gone).toBeNull();
    expect(await loadStateHistory(ctx.db, "M-5", 10)).toHaveLength(1);
  });
});
