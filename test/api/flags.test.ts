import { OpenAPIHono } from "@hono/zod-openapi";
import { beforeAll, expect, it } from "vitest";
import { createFlagRoutes } from "../../src/api/routes/flags.ts";
import { ErrorSchema, FlagListSchema, FlagStateSchema, TaskListSchema } from "../../src/model/api-schemas.ts";
import { loadFlag } from "../../src/store/flag-store.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { fixtures, minutesAfter } from "../helpers/fixtures.ts";
import { parseStrict } from "../helpers/strict-schema.ts";
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
    const body = parseStrict(FlagListSchema, res.body);
    expect(body.flags.map((f) => f.id)).toEqual(["f_open_early", "f_snooze_over", "f_open_late"]);
    expect(body.flags[0]).toEqual({
      id: "f_open_early",
      kind: "missing_approval",
      taskKey: "PAY-2",
      since: "2025-03-03T09:10:00.000Z",
      reason: "Pull request acme/payments#7 waits for an approving review; ask a reviewer.",
      evidence: ["github:pr-7", "github:review-3"],
      owner: { id: "p_ana", name: "Ana Souza", email: "ana@acme.dev" },
      waitingOn: [],
    });
    // The owner was merged into Ana: shown as Ana.
    expect(body.flags[2]?.owner).toEqual({ id: "p_ana", name: "Ana Souza", email: "ana@acme.dev" });
    expect(body.flags[1]?.owner).toBeNull();
  });

  it("filters by kind", async () => {
    const stale = parseStrict(FlagListSchema, (await api.get("/api/flags?kind=stale")).body);
    expect(stale.flags.map((f) => f.id)).toEqual(["f_open_late"]);
    const none = parseStrict(FlagListSchema, (await api.get("/api/flags?kind=unanswered_question")).body);
    expect(none.flags).toEqual([]);
  });

  it("shows the same flags on each task", async () => {
    const tasks = parseStrict(TaskListSchema, (await api.get("/api/tasks?q=PAY")).body).tasks;
    const flagsOf = (key: string) => tasks.find((t) => t.key === key)?.flags.map((f) => f.id);
    expect(flagsOf("PAY-1")).toEqual(["f_open_late"]);
    expect(flagsOf("PAY-2")).toEqual(["f_open_early", "f_snooze_over"]);
    expect(tasks.map((t) => t.key)).not.toContain("PAY-3");
  });

  it("hides a snoozed flag until its date, by the app's clock", async () => {
    const later = apiOver(ctx.db, { now: minutesAfter(60 * 24, NOW) });
    const body = parseStrict(FlagListSchema, (await later.get("/api/flags?kind=blocked_external")).body);
    expect(body.flags.map((f) => f.id)).toEqual(["f_snooze_over", "f_snooze_on"]);
    const before = parseStrict(FlagListSchema, (await api.get("/api/flags?kind=blocked_external")).body);
    expect(before.flags.map((f) => f.id)).toEqual(["f_snooze_over"]);
  });
});

describeEachDatabase("GET /api/flags: whom a flag waits on, and ?for=", (ctx) => {
  let api: ReturnType<typeof apiOver>;
  const ANA = { id: "w_ana", name: "Ana Souza", email: "ana@team.example" };
  const BEN = { id: "w_ben", name: "Ben Okafor", email: "ben@team.example" };
  const CY = { id: "w_cy", name: "cy", email: null };

  beforeAll(async () => {
    api = apiOver(ctx.db);
    const f = fixtures(ctx.db);
    await f.person(ANA);
    await f.person(BEN);
    await f.person(CY);
    // Ben's old Slack account, merged into him; its address still finds him.
    await f.person({
      id: "w_ben_old",
      name: "ben.o",
      email: "b.okafor@old.team.example",
      mergedInto: BEN.id,
    });
    // Cy has no address of their own: their GitHub identity vouches for two.
    await f.identity({
      source: "github",
      externalId: "9001",
      personId: CY.id,
      email: "cy@users.noreply.github.com",
      emails: ["Cy.Ng@Team.example"],
    });
    for (const key of ["W-1", "W-2", "W-3", "W-4"]) await f.task({ key });
    // The pull request's author owns it; the review waits on Ben (named twice over: once through the merge).
    await f.flag({
      id: "w_review",
      taskKey: "W-1",
      kind: "missing_approval",
      fingerprint: "pr-review",
      since: minutesAfter(10),
      reason: "Open for 3 working days without an approving review; review requested from Ben Okafor.",
      evidence: ["github:pr-1"],
      ownerId: ANA.id,
      waitingOn: ["w_ben_old", "w_ben", "w_cy"],
    });
    await f.flag({
      id: "w_question",
      taskKey: "W-2",
      kind: "unanswered_question",
      since: minutesAfter(20),
      reason: "Ana asked in Slack: “which retry policy?”; no reply in 2 working days.",
      evidence: ["slack:C1/2"],
      ownerId: CY.id,
      waitingOn: ["w_cy"],
    });
    await f.flag({ id: "w_stale", taskKey: "W-3", kind: "stale", since: minutesAfter(30), ownerId: BEN.id });
    await f.flag({ id: "w_nobody", taskKey: "W-4", kind: "no_owner", since: minutesAfter(40) });
  });

  const flagIds = (body: unknown) => (body as { flags: Array<{ id: string }> }).flags.map((f) => f.id);

  it("names the people a flag waits on, as survivors of any merge, each once and in order", async () => {
    const res = await api.get("/api/flags?kind=missing_approval");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      flags: [
        {
          id: "w_review",
          kind: "missing_approval",
          taskKey: "W-1",
          since: "2025-03-03T09:10:00.000Z",
          reason: "Open for 3 working days without an approving review; review requested from Ben Okafor.",
          evidence: ["github:pr-1"],
          owner: ANA,
          waitingOn: [BEN, CY],
        },
      ],
    });
    const nobody = await api.get("/api/flags?kind=no_owner");
    expect(parseStrict(FlagListSchema, nobody.body)).toMatchObject({
      flags: [{ id: "w_nobody", owner: null, waitingOn: [] }],
    });
  });

  it("keeps, with for=EMAIL, the flags that person owns or that wait on them", async () => {
    expect(flagIds((await api.get("/api/flags?for=ana@team.example")).body)).toEqual(["w_review"]);
    expect(flagIds((await api.get("/api/flags?for=ben@team.example")).body)).toEqual(["w_review", "w_stale"]);
    expect(flagIds((await api.get("/api/flags?for=nobody@team.example")).body)).toEqual([]);
    const both = await api.get("/api/flags?for=ben@team.example&kind=stale");
    expect(flagIds(both.body)).toEqual(["w_stale"]);
  });

  it("matches the address ignoring case, through merges and every identity's addresses", async () => {
    // A merged-away person's own address.
    expect(flagIds((await api.get("/api/flags?for=B.Okafor@OLD.team.example")).body)).toEqual([
      "w_review",
      "w_stale",
    ]);
    expect(flagIds((await api.get("/api/flags?for=BEN%40Team.Example")).body)).toEqual([
      "w_review",
      "w_stale",
    ]);
    // An identity's address and one of the further addresses its source vouches for.
    for (const email of ["cy@users.noreply.github.com", "cy.ng@team.example"]) {
      expect(flagIds((await api.get(`/api/flags?for=${encodeURIComponent(email)}`)).body), email).toEqual([
        "w_review",
        "w_question",
      ]);
    }
  });

  it("refuses for=me with the API token, which acts as nobody, and anything that is not an address", async () => {
    const me = await api.get("/api/flags?for=me");
    expect(me.status).toBe(400);
    expect(me.body).toEqual({
      error: {
        code: "bad_request",
        message: expect.stringMatching(/for: `me` needs a token that acts as a person/),
      },
    });
    for (const bad of ["", "ben", "ben@", "a b@team.example"]) {
      const res = await api.get(`/api/flags?for=${encodeURIComponent(bad)}`);
      expect(res.status, bad).toBe(400);
      expect(parseStrict(ErrorSchema, res.body), bad).toMatchObject({
        error: { code: "bad_request", message: expect.stringMatching(/for/) },
      });
    }
    expect(api.errors).toEqual([]);
  });

  it("answers for=me as the caller when the auth layer knows who calls", async () => {
    const app = new OpenAPIHono();
    app.route(
      "/api",
      createFlagRoutes({
        db: ctx.db,
        now: () => NOW,
        tasksChanged: async () => {},
        callerEmail: () => "Ana@team.example",
      }),
    );
    const res = await app.request("/api/flags?for=me");
    expect(res.status).toBe(200);
    expect(flagIds(await res.json())).toEqual(["w_review"]);
  });
});

describeEachDatabase("POST /api/flags/{id}/snooze and /dismiss", (ctx) => {
  let api: ReturnType<typeof apiOver>;
  const shown = async (path = "/api/flags") =>
    parseStrict(FlagListSchema, (await api.get(path)).body).flags.map((f) => f.id);

  beforeAll(async () => {
    api = apiOver(ctx.db);
    const f = fixtures(ctx.db);
    await f.person({ id: "p_lu", name: "Lu Chen", email: "lu@acme.dev" });
    await f.task({ key: "OPS-1" });
    await f.flag({ id: "f_snooze_me", taskKey: "OPS-1", kind: "unanswered_question", ownerId: "p_lu" });
    await f.flag({
      id: "f_snooze_date",
      taskKey: "OPS-1",
      kind: "blocked_external",
      fingerprint: "wait:access",
    });
    await f.flag({ id: "f_dismiss_me", taskKey: "OPS-1", kind: "no_owner" });
    await f.flag({ id: "f_gone", taskKey: "OPS-1", kind: "stale", state: "resolved" });
  });

  it("snoozes a flag until a time, records the deployment's token as admin, and shows it again when the time comes", async () => {
    // `by` is deprecated: an old client may still send it, and it is ignored.
    const res = await api.post(`/api/flags/f_snooze_me/snooze`, {
      until: "2025-03-12T09:00:00Z",
      by: "lu@acme.dev",
    });
    expect(res.status).toBe(200);
    const body = parseStrict(FlagStateSchema, res.body);
    expect(body).toMatchObject({
      state: "snoozed",
      snoozedUntil: "2025-03-12T09:00:00.000Z",
      by: "admin",
      reason: null,
      at: NOW.toISOString(),
    });
    expect(body.flag).toMatchObject({ id: "f_snooze_me", kind: "unanswered_question", taskKey: "OPS-1" });
    expect(body.flag.owner).toEqual({ id: "p_lu", name: "Lu Chen", email: "lu@acme.dev" });
    expect(await shown("/api/flags?kind=unanswered_question")).toEqual([]);
    const tasks = parseStrict(
      TaskListSchema,
      (await api.get("/api/tasks?flag=unanswered_question")).body,
    ).tasks;
    expect(tasks.map((t) => t.key)).not.toContain("OPS-1");

    const later = apiOver(ctx.db, { now: new Date("2025-03-12T09:00:00Z") });
    const again = parseStrict(FlagListSchema, (await later.get("/api/flags?kind=unanswered_question")).body);
    expect(again.flags.map((f) => f.id)).toEqual(["f_snooze_me"]);
    const tasksLater = parseStrict(
      TaskListSchema,
      (await later.get("/api/tasks?flag=unanswered_question")).body,
    );
    expect(tasksLater.tasks.map((t) => t.key)).toEqual(["OPS-1"]);
    const stored = await loadFlag(ctx.db, "f_snooze_me");
    expect(stored).toMatchObject({ state: "snoozed", stateBy: "admin", stateAt: NOW });
  });

  it("takes a date as the start of that day", async () => {
    const res = await api.post(`/api/flags/f_snooze_date/snooze`, { until: "2025-03-14" });
    expect(res.status).toBe(200);
    expect(parseStrict(FlagStateSchema, res.body)).toMatchObject({
      snoozedUntil: "2025-03-14T00:00:00.000Z",
      by: "admin",
    });
  });

  it("takes a date in the team's time zone when the routes are told it", async () => {
    const app = new OpenAPIHono();
    app.route(
      "/api",
      createFlagRoutes(
        { db: ctx.db, now: () => NOW, tasksChanged: async () => {} },
        { timeZone: "America/New_York" },
      ),
    );
    const res = await app.request("/api/flags/f_snooze_date/snooze", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ until: "2025-03-14" }),
    });
    expect(res.status).toBe(200);
    expect(parseStrict(FlagStateSchema, await res.json()).snoozedUntil).toBe("2025-03-14T04:00:00.000Z");
  });

  it("dismisses a flag with a reason, recording the deployment's token as admin", async () => {
    const res = await api.post(`/api/flags/f_dismiss_me/dismiss`, {
      reason: "Intake queue: triaged every Monday.",
      by: "Maya Patel",
    });
    expect(res.status).toBe(200);
    expect(parseStrict(FlagStateSchema, res.body)).toMatchObject({
      state: "dismissed",
      snoozedUntil: null,
      by: "admin",
      reason: "Intake queue: triaged every Monday.",
    });
    expect(await shown()).not.toContain("f_dismiss_me");
    expect(await loadFlag(ctx.db, "f_dismiss_me")).toMatchObject({
      state: "dismissed",
      stateBy: "admin",
      stateReason: "Intake queue: triaged every Monday.",
      stateAt: NOW,
    });
  });

  it("answers 404 for an unknown flag and 409 for a resolved one", async () => {
    const missing = await api.post(`/api/flags/f_nope/dismiss`, { reason: "x" });
    expect(missing.status).toBe(404);
    expect(parseStrict(ErrorSchema, missing.body)).toMatchObject({ error: { code: "not_found" } });
    const resolved = await api.post(`/api/flags/f_gone/snooze`, { until: "2025-04-01" });
    expect(resolved.status).toBe(409);
    expect(parseStrict(ErrorSchema, resolved.body)).toMatchObject({
      error: { code: "conflict", message: expect.stringMatching(/resolved/) },
    });
  });

  it("validates the body and names what is wrong", async () => {
    const cases: Array<[string, unknown, RegExp]> = [
      ["snooze", {}, /until is required/],
      ["snooze", { until: "next week" }, /until must be a date/],
      ["snooze", { until: "2025-02-30" }, /until must be a date/],
      ["snooze", { until: "2025-03-01" }, /has passed/],
      ["dismiss", {}, /reason is required/],
      ["dismiss", { reason: "   " }, /reason is required/],
    ];
    for (const [action, body, message] of cases) {
      const res = await api.post(`/api/flags/f_snooze_me/${action}`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(parseStrict(ErrorSchema, res.body)).toMatchObject({
        error: { code: "bad_request", message: expect.stringMatching(message) },
      });
    }
    expect(api.errors).toEqual([]);
  });
});
