/**
 * The inbox's queries on both databases: grouping and order, filters, and what hides a task or flag (mute,
 * done until new activity, snooze until its date or new activity, the last two after a real recompute).
 */
import { sql } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import { listSources } from "../../connectors/registry.ts";
import { parseFlagSettings } from "../../src/flags/flag-settings.ts";
import { recomputeAfterChange } from "../../src/flags/recompute.ts";
import { snoozeFlag } from "../../src/store/flag-store.ts";
import { loadInbox, loadPersonFlags, loadTaskState } from "../../src/store/inbox-queries.ts";
import { saveTaskDone, saveTaskMuted } from "../../src/store/inbox-state.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { FIXTURE_TIME, fixtures, minutesAfter } from "../helpers/fixtures.ts";

const SETTINGS = parseFlagSettings(undefined, {}, listSources());

const NOW = new Date("2025-03-10T12:00:00.000Z");
const days = (n: number) => new Date(FIXTURE_TIME.getTime() - n * 86_400_000);

describeEachDatabase("inbox queries", (ctx) => {
  const keysOf = async (filter: Parameters<typeof loadInbox>[1]["filter"], now = NOW) => {
    const inbox = await loadInbox(ctx.db, { filter, now, perKind: 50 });
    return inbox.groups.flatMap((g) => g.rows.map((r) => `${r.kind}:${r.taskKey}`));
  };
  let ana = "";
  let bob = "";

  beforeAll(async () => {
    const f = fixtures(ctx.db);
    ana = (await f.person({ name: "Ana Lima", email: "ana@acme.dev" })).id;
    bob = (await f.person({ name: "Bob Stone", email: "bob@acme.dev" })).id;
    await f.task({ key: "FAL-1", title: "Checkout crashes", assigneeId: ana });
    await f.task({ key: "FAL-2", title: "Refund flow", assigneeId: bob });
    await f.task({ key: "OPS-1", title: "Rotate keys" });
    await f.task({ key: "acme/api#3", title: "Add rate limit", source: "github" });
    await f.item({
      source: "slack",
      text: "the invoice totals are off",
      linkTo: "FAL-2",
      at: minutesAfter(1),
    });
    await f.item({ source: "gmail", text: "any news?", linkTo: "OPS-1", at: minutesAfter(2) });
    await f.refreshActivity(["FAL-1", "FAL-2", "OPS-1", "acme/api#3"]);
    await f.flag({ id: "fl-1", taskKey: "FAL-1", kind: "stale", since: days(3) });
    await f.flag({ id: "fl-2", taskKey: "FAL-2", kind: "stale", since: days(9) });
    await f.flag({ id: "fl-3", taskKey: "OPS-1", kind: "no_owner", since: days(1) });
    await f.flag({
      id: "fl-4",
      taskKey: "acme/api#3",
      kind: "missing_approval",
      since: days(2),
      ownerId: ana,
    });
    await f.flag({
      id: "fl-5",
      taskKey: "FAL-1",
      kind: "blocked_external",
      state: "dismissed",
      since: days(2),
    });
  });

  it("groups by kind in the contract's order, longest stuck first, with counts", async () => {
    const inbox = await loadInbox(ctx.db, { filter: {}, now: NOW, perKind: 1 });
    expect(inbox.groups.map((g) => [g.kind, g.total, g.rows.map((r) => r.taskKey)])).toEqual([
      ["stale", 2, ["FAL-2"]],
      ["missing_approval", 1, ["acme/api#3"]],
      ["no_owner", 1, ["OPS-1"]],
    ]);
    expect(inbox.counts).toMatchObject({ stale: 2, missing_approval: 1, no_owner: 1, blocked_external: 0 });
    const row = inbox.groups[0]!.rows[0]!;
    expect(row.owner?.name).toBe("Bob Stone");
    expect(row.sources).toEqual(["jira", "slack"]);
  });

  it("pages through a kind: each page starts where the one before ended", async () => {
    const page = async (offset: number) => {
      const inbox = await loadInbox(ctx.db, { filter: { kinds: ["stale"] }, now: NOW, perKind: 1, offset });
      return inbox.groups.flatMap((g) => g.rows.map((r) => r.taskKey));
    };
    expect([await page(0), await page(1), await page(2)]).toEqual([["FAL-2"], ["FAL-1"], []]);
  });

  it("filters by kind, person, source, project and words", async () => {
    expect(await keysOf({ kinds: ["stale"] })).toEqual(["stale:FAL-2", "stale:FAL-1"]);
    expect(await keysOf({ people: ["ana"] })).toEqual(["stale:FAL-1", "missing_approval:acme/api#3"]);
    expect(await keysOf({ people: [bob] })).toEqual(["stale:FAL-2"]);
    expect(await keysOf({ sources: ["gmail"] })).toEqual(["no_owner:OPS-1"]);
    expect(await keysOf({ sources: ["github"] })).toEqual(["missing_approval:acme/api#3"]);
    expect(await keysOf({ projects: ["fal"] })).toEqual(["stale:FAL-2", "stale:FAL-1"]);
    expect(await keysOf({ projects: ["acme/api"] })).toEqual(["missing_approval:acme/api#3"]);
    expect(await keysOf({ text: "checkout" })).toEqual(["stale:FAL-1"]);
    expect(await keysOf({ text: "invoice" })).toEqual(["stale:FAL-2"]);
    expect(await keysOf({ text: "OPS-1" })).toEqual(["no_owner:OPS-1"]);
    // The counts of every kind follow the other filters, not the kind picked.
    const inbox = await loadInbox(ctx.db, {
      filter: { kinds: ["no_owner"], projects: ["FAL"] },
      now: NOW,
      perKind: 5,
    });
    expect(inbox.counts.stale).toBe(2);
    expect(inbox.groups).toEqual([]);
  });

  it("hides a muted task until it is unmuted, and shows it under is:muted", async () => {
    await saveTaskMuted(ctx.db, { taskKey: "OPS-1", muted: true, by: "web", now: NOW });
    expect(await keysOf({})).not.toContain("no_owner:OPS-1");
    expect(await keysOf({ is: ["muted"] })).toEqual(["no_owner:OPS-1"]);
    await saveTaskMuted(ctx.db, { taskKey: "OPS-1", muted: false, by: "web", now: NOW });
    expect(await keysOf({})).toContain("no_owner:OPS-1");
  });

  // Coming back on new activity is written by the flag recompute that follows every change (a sync, a push,
  // a link, a merge), so these run it as the server does, on a flag the rules raise themselves.
  const unowned = async (key: string) => {
    const f = fixtures(ctx.db);
    await f.task({ key, title: "Nobody took this" });
    await f.item({ source: "jira", text: "created", linkTo: key, kind: "task_created" });
    await f.refreshActivity([key]);
    await recomputeAfterChange(ctx.db, [key], SETTINGS, NOW);
    const inbox = await loadInbox(ctx.db, { filter: { kinds: ["no_owner"] }, now: NOW, perKind: 50 });
    const row = inbox.groups[0]?.rows.find((r) => r.taskKey === key);
    expect(row?.kind).toBe("no_owner");
    return row!;
  };
  const newActivity = async (key: string, at: Date) => {
    const f = fixtures(ctx.db);
    await f.item({ source: "slack", text: "any news on this?", linkTo: key, at });
    await f.refreshActivity([key]);
    await recomputeAfterChange(ctx.db, [key], SETTINGS, minutesAfter(1, at));
  };

  it("hides a task marked done until newer activity arrives", async () => {
    await unowned("DONE-1");
    await saveTaskDone(ctx.db, { taskKey: "DONE-1", done: true, by: "web", now: NOW });
    expect(await keysOf({})).not.toContain("no_owner:DONE-1");
    expect(await keysOf({ is: ["done"] })).toContain("no_owner:DONE-1");
    // A recompute with nothing newer than the mark keeps it hidden.
    await recomputeAfterChange(ctx.db, ["DONE-1"], SETTINGS, minutesAfter(1, NOW));
    expect(await keysOf({})).not.toContain("no_owner:DONE-1");
    await newActivity("DONE-1", minutesAfter(2, NOW));
    expect(await keysOf({}, minutesAfter(5, NOW))).toContain("no_owner:DONE-1");
    expect((await loadTaskState(ctx.db, "DONE-1")).done).toBe(false);
  });

  it("hides a snoozed flag until its date, or until the task has newer activity", async () => {
    const snoozed = await unowned("SNZ-1");
    await snoozeFlag(ctx.db, snoozed.flagId, new Date("2025-03-20T00:00:00Z"), "web", NOW);
    expect(await keysOf({})).not.toContain("no_owner:SNZ-1");
    expect(await keysOf({ is: ["snoozed"] })).toEqual(["no_owner:SNZ-1"]);
    expect(await keysOf({}, new Date("2025-03-21T00:00:00Z"))).toContain("no_owner:SNZ-1");
    await recomputeAfterChange(ctx.db, ["SNZ-1"], SETTINGS, minutesAfter(1, NOW));
    expect(await keysOf({}, minutesAfter(5, NOW))).not.toContain("no_owner:SNZ-1");
    await newActivity("SNZ-1", minutesAfter(2, NOW));
    expect(await keysOf({}, minutesAfter(5, NOW))).toContain("no_owner:SNZ-1");
    expect(await keysOf({ is: ["snoozed"] }, minutesAfter(5, NOW))).toEqual([]);
  });

  it("tells what a person owns and what waits on them (flags.waiting_on), never the asker", async () => {
    const f = fixtures(ctx.db);
    const question = await f.item({
      source: "slack",
      authorId: bob,
      text: "Ana, can you review?",
      linkTo: "acme/api#3",
    });
    await f.flag({
      id: "fl-6",
      taskKey: "acme/api#3",
      kind: "unanswered_question",
      ownerId: bob,
      waitingOn: [ana],
      evidence: [question.id],
    });
    const anaView = await loadPersonFlags(ctx.db, { personId: ana, now: NOW, limit: 10, reader: null });
    expect(anaView.owes.map((r) => r.flagId).sort()).toEqual(["fl-1", "fl-4"]);
    expect(anaView.waitsOn.map((r) => r.flagId)).toEqual(["fl-6"]);
    expect(anaView.waitsOn[0]?.waitingOn).toEqual([{ id: ana, name: "Ana Lima", email: expect.any(String) }]);
    const bobView = await loadPersonFlags(ctx.db, { personId: bob, now: NOW, limit: 10, reader: null });
    expect(bobView.waitsOn).toEqual([]);
    expect(bobView.owes.map((r) => r.flagId).sort()).toEqual(["fl-2", "fl-6"]);
  });

  it("names who a flag waits on through merges, once each", async () => {
    const f = fixtures(ctx.db);
    await f.flag({
      id: "fl-7",
      taskKey: "acme/api#3",
      kind: "blocked_external",
      fingerprint: "fl-7",
      waitingOn: [bob, ana],
    });
    await ctx.db.execute(sql`update people set merged_into = ${ana} where id = ${bob}`);
    const anaView = await loadPersonFlags(ctx.db, { personId: ana, now: NOW, limit: 10, reader: null });
    const row = anaView.waitsOn.find((r) => r.flagId === "fl-7");
    expect(row?.waitingOn.map((p) => p.name)).toEqual(["Ana Lima"]);
  });

  it("names the survivor of a merge as a row's owner, for rows that still name the merged-away person", async () => {
    await ctx.db.execute(sql`update people set merged_into = ${ana} where id = ${bob}`);
    const inbox = await loadInbox(ctx.db, { filter: { kinds: ["stale"] }, now: NOW, perKind: 50 });
    const row = inbox.groups[0]?.rows.find((r) => r.taskKey === "FAL-2");
    expect(row?.owner).toMatchObject({ id: ana, name: "Ana Lima" });
    expect(row?.assignee).toMatchObject({ id: ana, name: "Ana Lima" });
  });
});
