import { beforeAll, expect, it } from "vitest";
import { FlagListSchema, TaskListSchema } from "../../src/model/api-schemas.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { fixtures, minutesAfter } from "../helpers/fixtures.ts";
import { apiOver, NOW } from "./harness.ts";

describeEachDatabase("GET /api/flags", (ctx) => {
  let api: ReturnType<typeof apiOver>;

  beforeAll(async () => {
    api = apiOver(ctx.db);
    const f = fixtures(ctx.db);
    await f.person({ id: "p_ana", name: "Ana Souza", email: "ana@acme.dev" });
    await f.person({ id: "p_ana_slack", name: "ana", email: null, mergedInto: "p_ana" });
    await f.task({ key: "PAY-1" });
    await f.task({ key: "PAY-2" });
    await f.task({ key: "PAY-3", deletedAt: NOW });

    await f.flag({
      id: "f_open_late",
      taskKey: "PAY-1",
      kind: "stale",
      since: minutesAfter(600),
      reason: "No activity for 5 working days; ask Ana where it stands.",
      evidence: [],
      ownerId: "p_ana_slack",
    });
    await f.flag({
      id: "f_open_early",
      taskKey: "PAY-2",
      kind: "missing_approval",
      since: minutesAfter(10),
      reason: "Pull request acme/payments#7 waits for an approving review; ask a reviewer.",
      evidence: ["github:pr-7", "github:review-3"],
      ownerId: "p_ana",
    });
    await f.flag({
      id: "f_snooze_over",
      taskKey: "PAY-2",
      kind: "blocked_external",
      since: minutesAfter(20),
      state: "snoozed",
      snoozedUntil: NOW,
    });
    await f.flag({
      id: "f_snooze_on",
      taskKey: "PAY-1",
      kind: "blocked_external",
      since: minutesAfter(30),
      state: "snoozed",
      snoozedUntil: minutesAfter(60 * 24, NOW),
    });
    await f.flag({ id: "f_snooze_forever", taskKey: "PAY-1", kind: "no_owner", state: "snoozed" });
    await f.flag({ id: "f_dismissed", taskKey: "PAY-1", kind: "done_not_deployed", state: "dismissed" });
    await f.flag({
      id: "f_resolved",
      taskKey: "PAY-2",
      kind: "stale",
      fingerprint: "old",
      state: "resolved",
    });
    await f.flag({ id: "f_deleted_task", taskKey: "PAY-3", kind: "stale" });
    await f.flag({ id: "f_no_task", taskKey: "NOT-SYNCED-1", kind: "stale" });
  });

  it("lists open flags and snoozed ones whose date has come, oldest first, in the contract's shape", async () => {
    const res = await api.get("/api/flags");
    expect(res.status).toBe(200);
    const body = FlagListSchema.parse(res.body);
    expect(body.flags.map((f) => f.id)).toEqual(["f_open_early", "f_snooze_over", "f_open_late"]);
    expect(body.flags[0]).toEqual({
      id: "f_open_early",
      kind: "missing_approval",
      taskKey: "PAY-2",
      since: "2025-03-03T09:10:00.000Z",
      reason: "Pull request acme/payments#7 waits for an approving review; ask a reviewer.",
      evidence: ["github:pr-7", "github:review-3"],
      owner: { id: "p_ana", name: "Ana Souza", email: "ana@acme.dev" },
    });
    // The owner was merged into Ana: shown as Ana.
    expect(body.flags[2]?.owner).toEqual({ id: "p_ana", name: "Ana Souza", email: "ana@acme.dev" });
    expect(body.flags[1]?.owner).toBeNull();
  });

  it("filters by kind", async () => {
    const stale = FlagListSchema.parse((await api.get("/api/flags?kind=stale")).body);
    expect(stale.flags.map((f) => f.id)).toEqual(["f_open_late"]);
    const none = FlagListSchema.parse((await api.get("/api/flags?kind=unanswered_question")).body);
    expect(none.flags).toEqual([]);
  });

  it("shows the same flags on each task", async () => {
    const tasks = TaskListSchema.parse((await api.get("/api/tasks?q=PAY")).body).tasks;
    const flagsOf = (key: string) => tasks.find((t) => t.key === key)?.flags.map((f) => f.id);
    expect(flagsOf("PAY-1")).toEqual(["f_open_late"]);
    expect(flagsOf("PAY-2")).toEqual(["f_open_early", "f_snooze_over"]);
    expect(tasks.map((t) => t.key)).not.toContain("PAY-3");
  });

  it("hides a snoozed flag until its date, by the app's clock", async () => {
    const later = apiOver(ctx.db, { now: minutesAfter(60 * 24, NOW) });
    const body = FlagListSchema.parse((await later.get("/api/flags?kind=blocked_external")).body);
    expect(body.flags.map((f) => f.id)).toEqual(["f_snooze_over", "f_snooze_on"]);
    const before = FlagListSchema.parse((await api.get("/api/flags?kind=blocked_external")).body);
    expect(before.flags.map((f) => f.id)).toEqual(["f_snooze_over"]);
  });
});
