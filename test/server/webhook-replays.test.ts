/**
 * Webhooks that cannot go back in time: a delivery sent again is answered 200 and not saved twice, and an
 * old delivery (replayed with its own id, or sent again under a new one) leaves the database as the newer
 * change left it. The real GitHub connector's webhook, signed as GitHub signs, on each test database.
 */
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import {
  GithubDataset,
  type GithubSandbox,
  startGithubSandbox,
} from "../../connectors/sandbox/github/index.ts";
import { createApp } from "../../src/api/app.ts";
import { SyncService } from "../../src/server/sync-service.ts";
import { buildRepository, RUN_AT } from "../connectors/github/helpers.ts";
import { describeEachDatabase, emptyTables } from "../helpers/databases.ts";
import { dumpDatabase } from "../helpers/dump.ts";

describeEachDatabase("webhook replays", (ctx) => {
  let sb: GithubSandbox;
  let sync: SyncService;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    const dataset = new GithubDataset();
    buildRepository(dataset);
    sb = await startGithubSandbox({ dataset });
    sync = new SyncService({
      db: ctx.db,
      env: {
        GITHUB_TOKEN: sb.token,
        GITHUB_REPOS: "acme/web",
        GITHUB_API_URL: sb.url,
        GITHUB_WEBHOOK_SECRET: sb.webhookSecret,
      },
      now: () => RUN_AT,
    });
    app = createApp({
      db: ctx.db,
      apiToken: "webhook-replays-token-5e6f7a8b",
      now: () => RUN_AT,
      sync,
      webhooks: { sources: sync.webhookSources(), linker: sync.linker },
    });
  });
  beforeEach(async () => {
    await emptyTables(ctx.db);
  });
  afterAll(async () => {
    await sync.stop();
    await sb.close();
  });

  const send = (delivery: { headers: Record<string, string>; body: string }) =>
    app.request("/webhooks/github", { method: "POST", headers: delivery.headers, body: delivery.body });

  it("an old signed delivery replayed after a newer change leaves the database unchanged", async () => {
    const web = sb.dataset.repo("acme/web");
    sb.dataset.setNow("2025-03-20T08:00:00Z");
    const comment = web.comment(2, { author: "anna", body: "Blocked until PROJ-40 ships." });
    const created = sb.webhook("issue_comment", sb.payloads.issueComment("acme/web", comment, "created"));
    sb.dataset.setNow("2025-03-20T09:00:00Z");
    web.close(2);
    const closed = sb.webhook("issues", sb.payloads.issues("acme/web", 2, "closed"));
    sb.dataset.setNow("2025-03-20T10:00:00Z");
    web.editComment(comment.id, "Blocked until PROJ-41 ships.");
    const edited = sb.webhook("issue_comment", sb.payloads.issueComment("acme/web", comment, "edited"));
    sb.dataset.setNow("2025-03-20T11:00:00Z");
    web.reopen(2);
    const reopened = sb.webhook("issues", sb.payloads.issues("acme/web", 2, "reopened"));

    for (const delivery of [created, closed, edited, reopened])
      expect((await send(delivery)).status).toBe(200);
    const before = await dumpDatabase(ctx.db);
    expect(before.tasks.find((t) => t.key === "acme/web#2")).toMatchObject({ status_category: "todo" });
    expect(before.items.map((i) => i.text)).toContain("Blocked until PROJ-41 ships.");

    // The same deliveries again (a retry, a redelivery): answered as done, not saved again.
    for (const delivery of [closed, created]) {
      const res = await send(delivery);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ok: true, duplicate: true });
    }
    expect(await dumpDatabase(ctx.db)).toEqual(before);

    // The old payloads signed again under new delivery ids: older than what is stored, they change nothing.
    for (const [event, delivery] of [
      ["issues", closed],
      ["issue_comment", created],
    ] as const) {
      const replay = sb.webhook(event, JSON.parse(delivery.body), {
        deliveryId: `replay-${delivery.headers["x-github-delivery"]}`,
      });
      expect((await send(replay)).status).toBe(200);
    }
    const after = await dumpDatabase(ctx.db);
    expect(after).toEqual(before);
  });
});
