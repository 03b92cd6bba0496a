import { sql } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import type { RaisedFlag } from "../../src/flags/raised-flag.ts";
import {
  dismissFlag,
  FlagStateError,
  loadFlag,
  loadFlagsOfTasks,
  SYSTEM_ACTOR,
  saveFlags,
  snoozeFlag,
  toFlagId,
} from "../../src/store/flag-store.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { insertPeople } from "./seed.ts";

const t = (iso: string) => new Date(iso);

const flag = (over: Partial<RaisedFlag> = {}): RaisedFlag => ({
  kind: "unanswered_question",
  taskKey: "WEB-1",
  fingerprint: "gmail:q1",
  since: t("2025-03-10T10:00:00Z"),
  reason: "Dana Ruiz (brightside.co) asked by email on Mon: “what format?”; no reply in 1 working day.",
  reasons: ["Dana Ruiz (brightside.co) asked by email on Mon: “what format?”; no reply in 1 working day."],
  evidence: ["gmail:q1"],
  owner: "p_anna",
  waitingOn: [],
  lastEvidenceAt: t("2025-03-10T10:00:00Z"),
  ...over,
});

describeEachDatabase("flag store", (ctx) => {
  beforeAll(async () => {
    await insertPeople(ctx.db, [{ id: "p_anna", name: "Anna Kowalski", email: "anna@acme.dev" }]);
  });

  it("gives a flag the same id for the same task and kind", () => {
    expect(toFlagId("WEB-1", "stale")).toBe(toFlagId("WEB-1", "stale"));
    expect(toFlagId("WEB-1", "stale")).not.toBe(toFlagId("WEB-2", "stale"));
    expect(toFlagId("WEB-1", "stale")).toMatch(/^f_[\w-]{16}$/);
  });

  it("keeps `since` as first seen and updates what the flag says", async () => {
    const first = await saveFlags(ctx.db, {
      taskKeys: ["WEB-1"],
      flags: [flag()],
      now: t("2025-03-11T12:00:00Z"),
    });
    expect(first).toMatchObject({ opened: 1, resolved: 0 });
    const later = flag({
      since: t("2025-03-11T09:00:00Z"),
      reason: "…no reply in 2 working days.",
      evidence: ["gmail:q1", "gmail:q2"],
      lastEvidenceAt: t("2025-03-11T09:00:00Z"),
    });
    const second = await saveFlags(ctx.db, {
      taskKeys: ["WEB-1"],
      flags: [later],
      now: t("2025-03-12T12:00:00Z"),
    });
    expect(second).toMatchObject({ opened: 0, updated: 1 });
    const stored = await loadFlag(ctx.db, toFlagId("WEB-1", "unanswered_question"));
    expect(stored).toMatchObject({
      state: "open",
      since: t("2025-03-10T10:00:00Z"),
      reason: "…no reply in 2 working days.",
      evidence: ["gmail:q1", "gmail:q2"],
      ownerId: "p_anna",
      lastEvidenceAt: t("2025-03-11T09:00:00Z"),
    });
    const third = await saveFlags(ctx.db, {
      taskKeys: ["WEB-1"],
      flags: [later],
      now: t("2025-03-12T13:00:00Z"),
    });
    expect(third).toMatchObject({ unchanged: 1, updated: 0 });
  });

  it("stores whom a flag waits on, and a change of that alone updates the flag", async () => {
    const f = flag({ taskKey: "WEB-10", fingerprint: "q10", waitingOn: ["p_ben", "p_maya"] });
    const id = toFlagId("WEB-10", f.kind);
    await saveFlags(ctx.db, { taskKeys: ["WEB-10"], flags: [f], now: t("2025-03-11T12:00:00Z") });
    expect((await loadFlag(ctx.db, id))?.waitingOn).toEqual(["p_ben", "p_maya"]);
    const same = await saveFlags(ctx.db, {
      taskKeys: ["WEB-10"],
      flags: [f],
      now: t("2025-03-11T13:00:00Z"),
    });
    expect(same).toMatchObject({ unchanged: 1, updated: 0 });
    // Maya answered elsewhere, or the order the evidence names them changed: the row follows.
    for (const waitingOn of [["p_maya", "p_ben"], ["p_ben"], []]) {
      const changed = await saveFlags(ctx.db, {
        taskKeys: ["WEB-10"],
        flags: [{ ...f, waitingOn }],
        now: t("2025-03-11T14:00:00Z"),
      });
      expect(changed, JSON.stringify(waitingOn)).toMatchObject({ updated: 1, unchanged: 0 });
      expect((await loadFlag(ctx.db, id))?.waitingOn).toEqual(waitingOn);
    }
  });

  it("resolves a flag no longer raised, and starts afresh when it is raised again", async () => {
    const id = toFlagId("WEB-2", "stale");
    await saveFlags(ctx.db, {
      taskKeys: ["WEB-2"],
      flags: [flag({ kind: "stale", taskKey: "WEB-2", fingerprint: "", since: t("2025-03-03T09:00:00Z") })],
      now: t("2025-03-10T09:00:00Z"),
    });
    const gone = await saveFlags(ctx.db, { taskKeys: ["WEB-2"], flags: [], now: t("2025-03-11T09:00:00Z") });
    expect(gone.resolved).toBe(1);
    expect(await loadFlag(ctx.db, id)).toMatchObject({
      state: "resolved",
      resolvedAt: t("2025-03-11T09:00:00Z"),
    });
    const again = await saveFlags(ctx.db, {
      taskKeys: ["WEB-2"],
      flags: [flag({ kind: "stale", taskKey: "WEB-2", fingerprint: "", since: t("2025-03-12T09:00:00Z") })],
      now: t("2025-03-18T09:00:00Z"),
    });
    expect(again.reopened).toBe(1);
    expect(await loadFlag(ctx.db, id)).toMatchObject({
      state: "open",
      since: t("2025-03-12T09:00:00Z"),
      resolvedAt: null,
    });
  });

  it("only resolves flags of the tasks it was given", async () => {
    await saveFlags(ctx.db, {
      taskKeys: ["WEB-3"],
      flags: [flag({ kind: "no_owner", taskKey: "WEB-3", fingerprint: "", owner: null })],
      now: t("2025-03-10T09:00:00Z"),
    });
    await saveFlags(ctx.db, { taskKeys: ["WEB-4"], flags: [], now: t("2025-03-11T09:00:00Z") });
    expect(await loadFlag(ctx.db, toFlagId("WEB-3", "no_owner"))).toMatchObject({ state: "open" });
  });

  it("keeps a snoozed flag hidden until its date, then shows it again", async () => {
    const f = flag({ taskKey: "WEB-5", fingerprint: "q5" });
    const id = toFlagId("WEB-5", f.kind);
    await saveFlags(ctx.db, { taskKeys: ["WEB-5"], flags: [f], now: t("2025-03-11T09:00:00Z") });
    const snoozed = await snoozeFlag(
      ctx.db,
      id,
      t("2025-03-14T09:00:00Z"),
      "maya@acme.dev",
      t("2025-03-11T10:00:00Z"),
    );
    expect(snoozed).toMatchObject({
      state: "snoozed",
      snoozedUntil: t("2025-03-14T09:00:00Z"),
      stateBy: "maya@acme.dev",
      stateAt: t("2025-03-11T10:00:00Z"),
    });
    const newer = { ...f, evidence: ["gmail:q1", "gmail:q9"], lastEvidenceAt: t("2025-03-12T09:00:00Z") };
    await saveFlags(ctx.db, { taskKeys: ["WEB-5"], flags: [newer], now: t("2025-03-13T09:00:00Z") });
    expect(await loadFlag(ctx.db, id)).toMatchObject({
      state: "snoozed",
      evidence: ["gmail:q1", "gmail:q9"],
    });
    const after = await saveFlags(ctx.db, {
      taskKeys: ["WEB-5"],
      flags: [newer],
      now: t("2025-03-14T09:00:00Z"),
    });
    expect(after.reopened).toBe(1);
    expect(await loadFlag(ctx.db, id)).toMatchObject({
      state: "open",
      snoozedUntil: null,
      stateBy: SYSTEM_ACTOR,
      stateReason: "snooze ended",
    });
  });

  it("brings a dismissed flag back only when newer evidence arrives", async () => {
    const f = flag({ kind: "feedback_off_board", taskKey: "WEB-6", fingerprint: "" });
    const id = toFlagId("WEB-6", f.kind);
    await saveFlags(ctx.db, { taskKeys: ["WEB-6"], flags: [f], now: t("2025-03-10T12:00:00Z") });
    const dismissed = await dismissFlag(
      ctx.db,
      id,
      "Discussed on the call",
      "anna@acme.dev",
      t("2025-03-11T09:00:00Z"),
    );
    expect(dismissed).toMatchObject({
      state: "dismissed",
      stateReason: "Discussed on the call",
      stateBy: "anna@acme.dev",
    });
    // The same evidence, re-worded: still dismissed.
    await saveFlags(ctx.db, {
      taskKeys: ["WEB-6"],
      flags: [{ ...f, reason: "reworded" }],
      now: t("2025-03-12T09:00:00Z"),
    });
    expect(await loadFlag(ctx.db, id)).toMatchObject({ state: "dismissed", reason: "reworded" });
    // Evidence older than the dismissal, newly synced: still dismissed.
    const old = { ...f, evidence: ["gmail:a", "gmail:b"], lastEvidenceAt: t("2025-03-10T18:00:00Z") };
    await saveFlags(ctx.db, { taskKeys: ["WEB-6"], flags: [old], now: t("2025-03-12T10:00:00Z") });
    expect((await loadFlag(ctx.db, id))?.state).toBe("dismissed");
    // A new client email after the dismissal: back.
    const fresh = { ...f, evidence: ["gmail:a", "gmail:c"], lastEvidenceAt: t("2025-03-12T11:00:00Z") };
    const back = await saveFlags(ctx.db, {
      taskKeys: ["WEB-6"],
      flags: [fresh],
      now: t("2025-03-12T12:00:00Z"),
    });
    expect(back.reopened).toBe(1);
    expect(await loadFlag(ctx.db, id)).toMatchObject({
      state: "open",
      since: t("2025-03-10T10:00:00Z"),
      stateBy: SYSTEM_ACTOR,
      stateReason: "new evidence after the dismissal",
    });
  });

  it("resolves a dismissed flag whose condition went away", async () => {
    const f = flag({ kind: "blocked_external", taskKey: "WEB-7", fingerprint: "wait:access" });
    const id = toFlagId("WEB-7", f.kind);
    await saveFlags(ctx.db, { taskKeys: ["WEB-7"], flags: [f], now: t("2025-03-10T12:00:00Z") });
    await dismissFlag(ctx.db, id, "known", "anna@acme.dev", t("2025-03-10T13:00:00Z"));
    await saveFlags(ctx.db, { taskKeys: ["WEB-7"], flags: [], now: t("2025-03-11T12:00:00Z") });
    expect((await loadFlag(ctx.db, id))?.state).toBe("resolved");
  });

  it("refuses to snooze or dismiss what does not exist or is resolved", async () => {
    await expect(dismissFlag(ctx.db, "f_nope", "x", "anna@acme.dev")).rejects.toMatchObject({
      name: "FlagStateError",
      kind: "not_found",
    });
    const resolved = toFlagId("WEB-7", "blocked_external");
    await expect(
      snoozeFlag(ctx.db, resolved, new Date(Date.now() + 86_400_000), "anna@acme.dev"),
    ).rejects.toBeInstanceOf(FlagStateError);
    await expect(
      snoozeFlag(ctx.db, toFlagId("WEB-1", "unanswered_question"), t("2020-01-01T00:00:00Z"), "x"),
    ).rejects.toMatchObject({ kind: "invalid" });
  });

  it("keeps a dismissal while a later recompute updates the flag's words", async () => {
    const f = flag({ kind: "stale", taskKey: "WEB-8", fingerprint: "" });
    const id = toFlagId("WEB-8", "stale");
    await saveFlags(ctx.db, { taskKeys: ["WEB-8"], flags: [f], now: t("2025-03-10T12:00:00Z") });
    await dismissFlag(ctx.db, id, "on purpose", "maya@acme.dev", t("2025-03-10T12:30:00Z"));
    await saveFlags(ctx.db, {
      taskKeys: ["WEB-8"],
      flags: [{ ...f, reason: "new words" }],
      now: t("2025-03-10T13:00:00Z"),
    });
    expect(await loadFlag(ctx.db, id)).toMatchObject({ state: "dismissed", reason: "new words" });
  });

  it("saves a large batch of flags", async () => {
    const many = Array.from({ length: 1200 }, (_, i) =>
      flag({ kind: "no_owner", taskKey: `BULK-${i}`, fingerprint: "", owner: null }),
    );
    const keys = many.map((f) => f.taskKey);
    const saved = await saveFlags(ctx.db, { taskKeys: keys, flags: many, now: t("2025-03-10T12:00:00Z") });
    expect(saved.opened).toBe(1200);
    expect((await loadFlagsOfTasks(ctx.db, keys)).length).toBe(1200);
    const rows = await ctx.db.execute(
      sql`select count(*)::int as n from flags where task_key like 'BULK-%' and state = 'open'`,
    );
    expect(JSON.stringify(rows)).toContain("1200");
  });
});
