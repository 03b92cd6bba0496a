/**
 * `POST /api/flags/{id}/actions/{action}`: the preview with `dryRun`, the action once per idempotency key,
 * who acted, and the refusals (unknown flag or action, a read token, a missing scope, a reused key).
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { listSources } from "../../connectors/registry.ts";
import { parseFlagSettings } from "../../src/flags/flag-settings.ts";
import { TimelineSchema } from "../../src/model/api-schemas.ts";
import { createApiToken } from "../../src/store/api-tokens.ts";
import { loadTaskHistory } from "../../src/store/inbox-history.ts";
import { seedActionTask } from "../actions/seed-actions.ts";
import { startWriteServer, type WriteServer, writingJira } from "../actions/write-server.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { apiOver, NOW } from "./harness.ts";

const PATH = "/api/flags/f-record/actions/record";

describeEachDatabase("acting on a flag through the API", (ctx) => {
  let server: WriteServer;
  let api: ReturnType<typeof apiOver>;
  let annToken: string;
  let readToken: string;

  beforeAll(async () => {
    server = await startWriteServer();
    await seedActionTask(ctx.db);
    const make = async (scopes: Array<"read" | "write">) =>
      (
        await createApiToken(ctx.db, {
          personId: "p-ann",
          email: "ann@acme.dev",
          name: scopes.join("+"),
          scopes,
          expiresAt: new Date(NOW.getTime() + 86_400_000),
          now: new Date(NOW.getTime() - 60_000),
        })
      ).secret;
    annToken = await make(["read", "write"]);
    readToken = await make(["read"]);
  });
  afterAll(() => server.close());
  beforeEach(async () => {
    server.comments.length = 0;
    server.requests.length = 0;
    server.scopes = ["write:comment"];
    await ctx.db.execute(sql`delete from flag_actions`);
    api = apiOver(ctx.db, {
      actions: {
        connectors: { jira: writingJira },
        sourceSettings: { jira: { url: server.url } },
        flagSettings: parseFlagSettings(undefined, { THREADLINE_TEAM_DOMAINS: "acme.dev" }, listSources()),
      },
    });
  });

  const as = (token: string) => ({ authorization: `Bearer ${token}` });

  it("answers the preview with dryRun and writes nothing", async () => {
    const res = await api.call("POST", PATH, {
      body: { dryRun: true, idempotencyKey: "preview-0001", text: "Dana wants the export button back." },
      headers: as(annToken),
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      action: "record",
      enabled: true,
      account: "Threadline bot",
      writes: [
        {
          kind: "comment",
          where: "a comment on ACME-12 in Jira",
          text: "Dana wants the export button back.",
        },
      ],
    });
    expect(server.comments).toEqual([]);
  });

  it("writes once per idempotency key and records the person who acted", async () => {
    const body = { idempotencyKey: "click-000000001" };
    const first = await api.call("POST", PATH, { body, headers: as(annToken) });
    const second = await api.call("POST", PATH, { body, headers: as(annToken) });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      state: "done",
      by: "ann@acme.dev",
      taskKey: "ACME-12",
      retryable: false,
    });
    expect(second.body).toEqual(first.body);
    expect(server.comments).toHaveLength(1);
    expect(api.errors).toEqual([]);
  });

  it("refuses a read token, an unknown flag, and an action that does not apply to the flag's kind", async () => {
    const read = await api.call("POST", PATH, {
      body: { idempotencyKey: "read-000001" },
      headers: as(readToken),
    });
    expect(read.status).toBe(403);
    const unknown = await api.post("/api/flags/f-none/actions/record", { idempotencyKey: "none-000001" });
    expect(unknown.status).toBe(404);
    const wrongKind = await api.post("/api/flags/f-record/actions/reopen", { idempotencyKey: "kind-000001" });
    expect(wrongKind.status).toBe(404);
    expect(wrongKind.body).toEqual({
      error: { code: "not_found", message: "No action reopen for a feedback_off_board flag." },
    });
    const noSuchAction = await api.post("/api/flags/f-record/actions/delete", {
      idempotencyKey: "kind-000002",
    });
    expect(noSuchAction.status).toBe(400);
    expect(server.requests.filter((r) => r.startsWith("POST"))).toEqual([]);
  });

  it("answers 422 naming the missing scope, and 409 for a resolved flag, writing nothing", async () => {
    server.scopes = [];
    const missing = await api.post(PATH, { idempotencyKey: "scope-000001" });
    expect(missing.status).toBe(422);
    expect(missing.body).toEqual({
      error: { code: "action_unavailable", message: "This action needs write:comment; it was not tried." },
    });
    server.scopes = ["write:comment"];
    await ctx.db.execute(sql`update flags set state = 'resolved', resolved_at = now() where id = 'f-record'`);
    try {
      const resolved = await api.post(PATH, { idempotencyKey: "resolved-0001" });
      expect(resolved.status).toBe(409);
    } finally {
      await ctx.db.execute(sql`update flags set state = 'open', resolved_at = null where id = 'f-record'`);
    }
    expect(server.comments).toEqual([]);
  });

  it("requires an idempotency key", async () => {
    const res = await api.post(PATH, {});
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain("idempotencyKey");
  });

  it("is in the OpenAPI document", async () => {
    const doc = (await api.get("/openapi.json")).body as {
      paths: Record<string, { post?: { responses: object } }>;
    };
    const route = doc.paths["/api/flags/{id}/actions/{action}"]?.post;
    expect(Object.keys(route?.responses ?? {})).toEqual(expect.arrayContaining(["200", "404", "409", "422"]));
  });

  it("shows the write on the timeline as pending until the item arrives, and lists the action in the task's history", async () => {
    await api.call("POST", PATH, { body: { idempotencyKey: "timeline-00001" }, headers: as(annToken) });
    const before = TimelineSchema.parse((await api.get("/api/tasks/ACME-12/timeline")).body);
    expect(before.pending).toEqual([
      expect.objectContaining({
        action: "record",
        by: "ann@acme.dev",
        source: "jira",
        kind: "comment",
        where: "a comment on ACME-12 in Jira",
        url: `${server.url}/comments/c1`,
      }),
    ]);
    const history = await loadTaskHistory(ctx.db, "ACME-12", 10);
    expect(history).toEqual([
      expect.objectContaining({
        type: "action",
        action: "record",
        state: "done",
        by: "ann@acme.dev",
        where: ["a comment on ACME-12 in Jira"],
      }),
    ]);
    // The next sync brings the comment: it is an item now, no longer pending.
    await ctx.db.execute(sql`
      insert into items (id, source, external_id, kind, at, text) values ('jira:c1', 'jira', 'c1', 'comment', now(), 'recorded')`);
    await ctx.db.execute(
      sql`insert into item_links (item_id, task_key, rule) values ('jira:c1', 'ACME-12', 'jira_key')`,
    );
    try {
      const after = TimelineSchema.parse((await api.get("/api/tasks/ACME-12/timeline")).body);
      expect(after.pending).toEqual([]);
      expect(after.items.map((i) => i.id)).toContain("jira:c1");
    } finally {
      await ctx.db.execute(sql`delete from item_links where item_id = 'jira:c1'`);
      await ctx.db.execute(sql`delete from items where id = 'jira:c1'`);
    }
  });
});
