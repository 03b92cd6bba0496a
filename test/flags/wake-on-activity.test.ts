import { sql } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import { listSources } from "../../connectors/registry.ts";
import { parseFlagSettings } from "../../src/flags/flag-settings.ts";
import { recomputeAfterChange } from "../../src/flags/recompute.ts";
import { FlagListSchema } from "../../src/model/api-schemas.ts";
import { loadFlag, toFlagId } from "../../src/store/flag-store.ts";
import { saveTaskDone } from "../../src/store/inbox-state.ts";
import { refreshLastActivity } from "../../src/store/last-activity.ts";
import { queryRows } from "../../src/store/rows.ts";
import { WOKEN_REASON } from "../../src/store/wake-on-activity.ts";
import { apiOver, NOW } from "../api/harness.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { parseStrict } from "../helpers/strict-schema.ts";
import { insertItem, insertPeople, insertTask } from "./seed.ts";

const settings = parseFlagSettings(undefined, { THREADLINE_TEAM_DOMAINS: "acme.dev" }, listSources());
const t = (iso: string) => new Date(iso);
const unowned = (key: string) => toFlagId(key, "no_owner");

describeEachDatabase("snoozes and marked-done taken back by new activity", (ctx) => {
  let api: ReturnType<typeof apiOver>;
  const doneOf = async (key: string) =>
    (
      await queryRows<{ done: boolean; done_by: string | null }>(
        ctx.db,
        sql`select done_at is not null as done, done_by from inbox_task_states where task_key = ${key}`,
      )
    )[0];

  beforeAll(async () => {
    api = apiOver(ctx.db);
    await insertPeople(ctx.db, [
      { id: "p_anna", name: "Anna Kowalski", email: "anna@acme.dev", identities: [] },
    ]);
    // Three unassigned tasks (each raises `no_owner`), evaluated before noon, when the API snoozes and marks.
    for (const key of ["WEB-1", "WEB-2", "WEB-3"]) {
      await insertTask(ctx.db, { key, assigneeId: null, createdAt: "2025-03-03T09:00:00Z" });
    }
    await recomputeAfterChange(ctx.db, ["WEB-1", "WEB-2", "WEB-3"], settings, t("2025-03-10T09:00:00Z"));
    const until = "2025-03-17T09:00:00.000Z";
    for (const key of ["WEB-1", "WEB-2"]) {
      // With the deployment's token: the snooze is recorded as `admin`.
      const res = await api.post(`/api/flags/${unowned(key)}/snooze`, { until });
      expect(res.status).toBe(200);
    }
    for (const key of ["WEB-2", "WEB-3"]) {
      await saveTaskDone(ctx.db, { taskKey: key, done: true, by: "anna@acme.dev", now: NOW });
    }
  });

  it("opens a snoozed flag and takes back marked-done when activity newer than them arrives", async () => {
    const listed = async () =>
      parseStrict(FlagListSchema, (await api.get("/api/flags?kind=no_owner")).body)
        .flags.map((f) => f.taskKey)
        .sort();
    expect(await listed()).toEqual(["WEB-3"]);

    // New comments on WEB-1 and WEB-3 after noon; WEB-2 only gets one written before the snooze.
    await insertItem(ctx.db, {
      id: "jira:c1",
      taskKey: "WEB-1",
      authorId: "p_anna",
      at: "2025-03-10T13:00:00Z",
    });
    await insertItem(ctx.db, {
      id: "jira:c2",
      taskKey: "WEB-2",
      authorId: "p_anna",
      at: "2025-03-10T11:00:00Z",
    });
    await insertItem(ctx.db, {
      id: "jira:c3",
      taskKey: "WEB-3",
      authorId: "p_anna",
      at: "2025-03-10T13:30:00Z",
    });
    await refreshLastActivity(ctx.db, ["WEB-1", "WEB-2", "WEB-3"]);

    const at = t("2025-03-10T14:00:00Z");
    const summary = await recomputeAfterChange(ctx.db, ["WEB-1", "WEB-2", "WEB-3"], settings, at);
    expect(summary).toMatchObject({ woken: 1, undone: 1 });

    expect(await loadFlag(ctx.db, unowned("WEB-1"))).toMatchObject({
      state: "open",
      snoozedUntil: null,
      stateBy: "admin",
      stateReason: WOKEN_REASON,
      stateAt: at,
      updatedAt: at,
    });
    expect(await listed()).toEqual(["WEB-1", "WEB-3"]);
    expect(await doneOf("WEB-3")).toEqual({ done: false, done_by: "anna@acme.dev" });

    // Nothing newer than the snooze or the mark on WEB-2: both stand.
    expect(await loadFlag(ctx.db, unowned("WEB-2"))).toMatchObject({
      state: "snoozed",
      snoozedUntil: t("2025-03-17T09:00:00Z"),
      stateAt: NOW,
    });
    expect(await doneOf("WEB-2")).toEqual({ done: true, done_by: "anna@acme.dev" });

    // A recompute with nothing new changes nothing more.
    expect(await recomputeAfterChange(ctx.db, ["WEB-1", "WEB-2", "WEB-3"], settings, at)).toMatchObject({
      woken: 0,
      undone: 0,
      unchanged: 3,
    });
  });
});
