/**
 * The server's wiring of sources into the app: `POST /api/sync` runs an incremental pass of the configured
 * sources in the background, and `POST /webhooks/{source}` verifies and saves a push, then reports the tasks it
 * changed. The real GitHub connector (Octokit over HTTP) against its sandbox, on each test database.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  GithubDataset,
  type GithubSandbox,
  startGithubSandbox,
} from "../../connectors/sandbox/github/index.ts";
import { createApp } from "../../src/api/app.ts";
import { SyncService } from "../../src/server/sync-service.ts";
import { loadTimelineItems } from "../../src/store/task-queries.ts";
import { buildRepository, RUN_AT } from "../connectors/github/helpers.ts";
import { describeEachDatabase } from "../helpers/databases.ts";

const TOKEN = "server-wiring-token-0a9b8c7d";

describeEachDatabase("sync and webhooks through the app", (ctx) => {
  let sb: GithubSandbox;
  let sync: SyncService;
  const changed: string[][] = [];
  let passes = 0;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    const dataset = new GithubDataset();
    buildRepository(dataset);
    sb = await startGithubSandbox({ dataset });
    const onTasksChanged = async (keys: readonly string[]) => {
      changed.push([...keys].sort());
    };
    sync = new SyncService({
      db: ctx.db,
      env: {
        GITHUB_TOKEN: sb.token,
        GITHUB_REPOS: "acme/web",
        GITHUB_API_URL: sb.url,
        GITHUB_WEBHOOK_SECRET: sb.webhookSecret,
      },
      now: () => RUN_AT,
      onTasksChanged,
      onSyncFinished: () => {
        passes++;
      },
    });
    app = createApp({
      db: ctx.db,
      apiToken: TOKEN,
      now: () => RUN_AT,
      onTasksChanged,
      sync,
      webhooks: { sources: sync.webhookSources(), linker: sync.linker },
    });
  });
  afterAll(async () => {
    await sync.stop();
    await sb.close();
  });

  const api = (path: string, init: RequestInit = {}) =>
    app.request(path, { ...init, headers: { authorization: `Bearer ${TOKEN}`, ...init.headers } });

  it("answers POST /api/sync with 202 at once, runs the pass, and folds a second ask into one follow-up", async () => {
    expect((await app.request("/api/sync", { method: "POST" })).status).toBe(401);

    const first = await api("/api/sync", { method: "POST" });
    expect(first.status).toBe(202);
    expect(await first.json()).toEqual({ ok: true, startedNow: true, sources: ["github"] });
    const second = await api("/api/sync", { method: "POST" });
    expect(await second.json()).toEqual({ ok: true, startedNow: false, sources: ["github"] });
    const third = await api("/api/sync", { method: "POST" });
    expect(await third.json()).toEqual({ ok: true, startedNow: false, sources: ["github"] });
    await sync.idle();
    // The first pass (a sync with no cursors pulls everything) and one follow-up, not one per ask.
    expect(passes).toBe(2);

    const tasks = (await (await api("/api/tasks")).json()) as { tasks: Array<{ key: string }> };
    expect(tasks.tasks.map((t) => t.key).sort()).toEqual([
      "acme/web#1",
      "acme/web#2",
      "acme/web#3",
      "acme/web#4",
      "acme/web#5",
      "acme/web#6",
    ]);
    expect(changed.flat()).toContain("acme/web#3");
  });

  it("saves a signed GitHub push, refuses a forged one with 401, and reports the task it changed", async () => {
    const web = sb.dataset.repo("acme/web");
    sb.dataset.setNow("2025-03-15T08:00:00Z");
    const comment = web.comment(2, { author: "anna", body: "Who can take this one? PROJ-40 depends on it." });
    const delivery = sb.webhook("issue_comment", sb.payloads.issueComment("acme/web", comment, "created"));

    const forged = await app.request("/webhooks/github", {
      method: "POST",
      headers: { ...delivery.headers, "x-hub-signature-256": `sha256=${"0".repeat(64)}` },
      body: delivery.body,
    });
    expect(forged.status).toBe(401);
    expect(await forged.json()).toMatchObject({ error: { code: "unauthorized" } });
    expect((await loadTimelineItems(ctx.db, "acme/web#2", null)).map((i) => i.text)).not.toContain(
      comment.body,
    );

    changed.length = 0;
    const good = await app.request("/webhooks/github", {
      method: "POST",
      headers: delivery.headers,
      body: delivery.body,
    });
    expect(good.status).toBe(200);
    expect(await good.json()).toMatchObject({ ok: true, items: 1 });
    expect((await loadTimelineItems(ctx.db, "acme/web#2", null)).map((i) => i.text)).toContain(comment.body);
    expect(changed).toEqual([["acme/web#2"]]);

    // A redelivery is answered as done and not saved again: no task reported changed.
    changed.length = 0;
    const again = await app.request("/webhooks/github", {
      method: "POST",
      headers: delivery.headers,
      body: delivery.body,
    });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ ok: true, duplicate: true });
    expect(changed).toEqual([]);
  });

  it("answers a push that takes longer than the source waits at once, and still saves it", async () => {
    // The flag recompute after the save is what outlasts the wait here.
    let recomputed: readonly string[] = [];
    const hurried = createApp({
      db: ctx.db,
      apiToken: TOKEN,
      now: () => RUN_AT,
      onTasksChanged: async (keys) => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        recomputed = keys;
      },
      webhooks: { sources: sync.webhookSources(), linker: sync.linker, ackWithinMs: 50 },
    });
    const web = sb.dataset.repo("acme/web");
    const comment = web.comment(1, { author: "ben", body: "Deployed the SSO fix to staging." });
    const delivery = sb.webhook("issue_comment", sb.payloads.issueComment("acme/web", comment, "created"));
    const res = await hurried.request("/webhooks/github", {
      method: "POST",
      headers: delivery.headers,
      body: delivery.body,
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ ok: true, saving: true });
    await expect
      .poll(async () => (await loadTimelineItems(ctx.db, "acme/web#1", null)).map((i) => i.text), {
        timeout: 5_000,
      })
      .toContain(comment.body);
    await expect.poll(() => recomputed, { timeout: 5_000 }).toEqual(["acme/web#1"]);
  });

  it("answers 404 for a source that is not configured, and needs no API token for webhooks", async () => {
    const res = await app.request("/webhooks/slack", { method: "POST", body: "{}" });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: "not_found" } });
  });
});
