import { sql } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import { TaskListSchema } from "../../src/model/api-schemas.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { FIXTURE_TIME, fixtures, minutesAfter } from "../helpers/fixtures.ts";
import { parseStrict } from "../helpers/strict-schema.ts";
import { apiOver, NOW } from "./harness.ts";

describeEachDatabase("GET /api/tasks", (ctx) => {
  let api: ReturnType<typeof apiOver>;
  /** Every task the list shows, in its order. */
  const expectedOrder = [
    "acme/payments#42",
    "FAL-12",
    "MIC-B",
    "MIC-A",
    "TIE-A",
    "TIE-B",
    "TIE-C",
    "FAL-1",
    "OPS-7",
    "OPS-8",
  ];

  beforeAll(async () => {
    api = apiOver(ctx.db);
    const f = fixtures(ctx.db);
    const dana = await f.person({ id: "p_dana", name: "Dana Whitfield", email: "dana@acme.dev" });
    await f.person({ id: "p_dana_old", name: "dana.w", email: null, mergedInto: "p_dana" });
    await f.person({ id: "p_dana_older", name: "DW", email: null, mergedInto: "p_dana_old" });
    const owner = await f.person({ id: "p_omar", name: "Omar Haddad", email: "omar@acme.dev" });

    await f.task({
      key: "acme/payments#42",
      source: "github",
      externalId: "acme/payments#42",
      title: "Retry failed card payments",
      status: "open",
      statusCategory: "in_progress",
      url: "https://github.com/acme/payments/pull/42",
      assigneeId: "p_dana_older",
      updatedAt: minutesAfter(60 * 24 * 5),
    });
    await f.task({
      key: "FAL-12",
      title: "Login fails for SSO users",
      status: "In Review",
      assigneeId: dana.id,
      createdAt: FIXTURE_TIME,
      updatedAt: minutesAfter(60 * 24 * 4),
    });
    await f.task({ key: "MIC-A", title: "Microsecond A", updatedAt: minutesAfter(60 * 24 * 3) });
    await f.task({ key: "MIC-B", title: "Microsecond B", updatedAt: minutesAfter(60 * 24 * 3) });
    // MIC-B is 1µs newer than MIC-A: a cursor cut to milliseconds would lose MIC-A on the next page.
    await ctx.db.execute(
      sql`update tasks set last_activity_at = last_activity_at + interval '1 microsecond' where key = 'MIC-B'`,
    );
    for (const key of ["TIE-C", "TIE-A", "TIE-B"]) {
      await f.task({ key, title: `Tied ${key}`, updatedAt: minutesAfter(60 * 24 * 2) });
    }
    await f.task({ key: "FAL-1", title: "Invoice totals round wrongly", updatedAt: minutesAfter(60 * 24) });
    await f.task({
      key: "OPS-7",
      title: "Rotate the staging database password",
      updatedAt: minutesAfter(60),
    });
    await f.task({ key: "OPS-8", title: "Deleted upstream", updatedAt: minutesAfter(30) });
    await f.task({ key: "GONE-1", title: "Deleted login page", updatedAt: NOW, deletedAt: NOW });

    // Flags: open, snoozed (one until after now, one until before), dismissed, resolved, on a deleted task.
    await f.flag({
      id: "flag_stale_fal12",
      taskKey: "FAL-12",
      kind: "stale",
      since: minutesAfter(60 * 24 * 6),
      reason: "No activity for 6 working days; ask Dana where it stands.",
      evidence: ["jira:10012"],
      ownerId: "p_dana_old",
    });
    await f.flag({
      id: "flag_question_fal12",
      taskKey: "FAL-12",
      kind: "unanswered_question",
      fingerprint: "slack:C1/1",
      since: minutesAfter(60 * 24 * 5),
      reason: "Omar's question in Slack has no answer.",
      evidence: ["slack:C1/1"],
      ownerId: owner.id,
      // Put to a person since merged into Dana (twice over): shown as Dana.
      waitingOn: ["p_dana_older"],
    });
    await f.flag({ taskKey: "OPS-7", kind: "no_owner", reason: "Nobody is assigned; pick an owner." });
    await f.flag({
      taskKey: "FAL-1",
      kind: "unanswered_question",
      state: "snoozed",
      snoozedUntil: minutesAfter(1, NOW),
    });
    await f.flag({
      taskKey: "TIE-A",
      kind: "unanswered_question",
      state: "snoozed",
      snoozedUntil: minutesAfter(-1, NOW),
    });
    await f.flag({ taskKey: "TIE-B", kind: "unanswered_question", state: "dismissed" });
    await f.flag({ taskKey: "TIE-C", kind: "unanswered_question", state: "resolved" });
    await f.flag({ taskKey: "GONE-1", kind: "unanswered_question" });

    // Items' text is not searched (see matchesText): only keys and titles.
    await f.item({ text: "The invoice PDF is attached", linkTo: "OPS-8" });
  });

  const keysOf = (body: unknown) => parseStrict(TaskListSchema, body).tasks.map((t) => t.key);

  it("answers the contract's Task shape, field by field", async () => {
    const res = await api.get("/api/tasks?q=FAL-12");
    expect(res.status).toBe(200);
    parseStrict(TaskListSchema, res.body);
    expect(res.body).toEqual({
      tasks: [
        {
          key: "FAL-12",
          title: "Login fails for SSO users",
          status: "In Review",
          source: "jira",
          url: "https://acme.atlassian.net/browse/FAL-12",
          assignee: { id: "p_dana", name: "Dana Whitfield", email: "dana@acme.dev" },
          updatedAt: "2025-03-07T09:00:00.000Z",
          lastActivityAt: "2025-03-07T09:00:00.000Z",
          flags: [
            {
              id: "flag_question_fal12",
              kind: "unanswered_question",
              taskKey: "FAL-12",
              since: "2025-03-08T09:00:00.000Z",
              reason: "Omar's question in Slack has no answer.",
              evidence: ["slack:C1/1"],
              owner: { id: "p_omar", name: "Omar Haddad", email: "omar@acme.dev" },
              waitingOn: [{ id: "p_dana", name: "Dana Whitfield", email: "dana@acme.dev" }],
            },
            {
              id: "flag_stale_fal12",
              kind: "stale",
              taskKey: "FAL-12",
              since: "2025-03-09T09:00:00.000Z",
              reason: "No activity for 6 working days; ask Dana where it stands.",
              evidence: ["jira:10012"],
              // Owned by a person merged into Dana: shown as Dana.
              owner: { id: "p_dana", name: "Dana Whitfield", email: "dana@acme.dev" },
              waitingOn: [],
            },
          ],
        },
      ],
      nextCursor: null,
    });
    // The raw answer: keys the schema does not name would fail here, not be dropped by parsing.
    const raw = res.body as { tasks: Array<Record<string, unknown>> };
    expect(Object.keys(raw.tasks[0]!).sort()).toEqual(
      ["assignee", "flags", "key", "lastActivityAt", "source", "status", "title", "updatedAt", "url"].sort(),
    );
  });

  it("lists tasks not deleted, most recently active first, then by key", async () => {
    const res = await api.get("/api/tasks");
    expect(res.status).toBe(200);
    expect(keysOf(res.body)).toEqual(expectedOrder);
    expect(parseStrict(TaskListSchema, res.body).nextCursor).toBeNull();
  });

  it("shows an assignee merged away (through a chain) as the survivor", async () => {
    const res = await api.get(`/api/tasks?q=${encodeURIComponent("acme/payments#42")}`);
    const [task] = parseStrict(TaskListSchema, res.body).tasks;
    expect(task?.assignee).toEqual({ id: "p_dana", name: "Dana Whitfield", email: "dana@acme.dev" });
    expect(task?.source).toBe("github");
    expect(task?.flags).toEqual([]);
  });

  it.each([1, 2, 3, 4])("walks every task exactly once with pages of %i", async (limit) => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const path: string = `/api/tasks?limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`;
      const res = await api.get(path);
      expect(res.status).toBe(200);
      const body = parseStrict(TaskListSchema, res.body);
      expect(body.tasks.length).toBeLessThanOrEqual(limit);
      seen.push(...body.tasks.map((t) => t.key));
      cursor = body.nextCursor;
      pages++;
      expect(pages).toBeLessThan(50);
    } while (cursor);
    expect(seen).toEqual(expectedOrder);
    expect(pages).toBe(Math.ceil(expectedOrder.length / limit));
  });

  it("pages a filtered list with the filter kept", async () => {
    const first = parseStrict(
      TaskListSchema,
      (await api.get("/api/tasks?flag=unanswered_question&limit=1")).body,
    );
    expect(first.tasks.map((t) => t.key)).toEqual(["FAL-12"]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = parseStrict(
      TaskListSchema,
      (await api.get(`/api/tasks?flag=unanswered_question&limit=1&cursor=${first.nextCursor}`)).body,
    );
    expect(second.tasks.map((t) => t.key)).toEqual(["TIE-A"]);
    expect(second.nextCursor).toBeNull();
  });

  it("filters by open flag kind: snoozed ones count once their date has come", async () => {
    expect(keysOf((await api.get("/api/tasks?flag=unanswered_question")).body)).toEqual(["FAL-12", "TIE-A"]);
    expect(keysOf((await api.get("/api/tasks?flag=stale")).body)).toEqual(["FAL-12"]);
    expect(keysOf((await api.get("/api/tasks?flag=no_owner")).body)).toEqual(["OPS-7"]);
    expect(keysOf((await api.get("/api/tasks?flag=blocked_external")).body)).toEqual([]);
    const tieA = parseStrict(TaskListSchema, (await api.get("/api/tasks?q=TIE-A")).body).tasks[0];
    expect(tieA?.flags.map((f) => f.kind)).toEqual(["unanswered_question"]);
    const fal1 = parseStrict(TaskListSchema, (await api.get("/api/tasks?q=FAL-1&limit=200")).body).tasks;
    expect(fal1.find((t) => t.key === "FAL-1")?.flags).toEqual([]);
  });

  it.each([
    ["login", ["FAL-12"]],
    ["LOGIN sso", ["FAL-12"]],
    ["fal-12", ["FAL-12"]],
    ["FAL-1", ["FAL-12", "FAL-1"]],
    ["fal", ["FAL-12", "FAL-1"]],
    ["acme/payments#42", ["acme/payments#42"]],
    ["ACME/PAY", ["acme/payments#42"]],
    ["rotate password", ["OPS-7"]],
    ['"staging database"', ["OPS-7"]],
    ["invoice", ["FAL-1"]],
    ["deleted", ["OPS-8"]],
    ["100%_", []],
    ["nothing-matches-this", []],
  ])("finds %j in keys and titles", async (q, keys) => {
    const res = await api.get(`/api/tasks?q=${encodeURIComponent(q)}`);
    expect(res.status).toBe(200);
    expect(keysOf(res.body)).toEqual(keys);
  });

  it("combines q and flag", async () => {
    expect(keysOf((await api.get("/api/tasks?q=fal&flag=stale")).body)).toEqual(["FAL-12"]);
    expect(keysOf((await api.get("/api/tasks?q=ops&flag=stale")).body)).toEqual([]);
  });

  it("treats a blank q as no filter", async () => {
    expect(keysOf((await api.get("/api/tasks?q=%20%20")).body)).toEqual(expectedOrder);
  });

  it("takes up to 200 a page and 50 by default", async () => {
    const f = fixtures(ctx.db);
    for (let i = 0; i < 45; i++)
      await f.task({ key: `BULK-${String(i).padStart(3, "0")}`, updatedAt: FIXTURE_TIME });
    const byDefault = parseStrict(TaskListSchema, (await api.get("/api/tasks")).body);
    expect(byDefault.tasks).toHaveLength(50);
    expect(byDefault.nextCursor).not.toBeNull();
    const all = parseStrict(TaskListSchema, (await api.get("/api/tasks?limit=200")).body);
    expect(all.tasks).toHaveLength(expectedOrder.length + 45);
    expect(all.nextCursor).toBeNull();
    expect(api.errors).toEqual([]);
  });
});
