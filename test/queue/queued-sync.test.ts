/**
 * Sync work through the job queue in one process, as `serve` runs it: `POST /api/sync` and the webhooks
 * answer once their job is committed, a worker runs one job per scope, and the database ends as one
 * in-process pass leaves it. The real GitHub connector against its sandbox, on each test database.
 */

import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { listSources } from "../../connectors/registry.ts";
import type { GithubSandbox } from "../../connectors/sandbox/github/index.ts";
import { parseConfig } from "../../src/config.ts";
import { parseFlagSettings } from "../../src/flags/flag-settings.ts";
import { flagsAfterChange } from "../../src/flags/flags-after-change.ts";
import { parseQueueSettings } from "../../src/queue/queue-settings.ts";
import { type SyncQueue, startSyncQueue } from "../../src/queue/start-sync-queue.ts";
import { wireApp } from "../../src/server/wire-app.ts";
import { queryRows } from "../../src/store/rows.ts";
import { loadTimelineItems } from "../../src/store/task-queries.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { jobCounts, waitForDrain } from "../helpers/queue-state.ts";
import { dumpForComparison, githubEnv, REPOS, singleRunDump, startQueueSandbox } from "./fixture.ts";

const TOKEN = "queued-sync-token-5f4e3d2c";
const quiet = {
  info: () => {},
  error: (message: string, err: unknown) => console.error(message, err),
};

describeEachDatabase("queued sync in one process", (ctx) => {
  let sb: GithubSandbox;
  let env: Record<string, string>;
  let producer: SyncQueue;
  let worker: SyncQueue | undefined;
  let app: ReturnType<typeof wireApp>["app"];
  const changed: string[][] = [];

  const startQueue = (concurrency: number) => {
    const settings = parseQueueSettings({ THREADLINE_QUEUE_POLL_SECONDS: "0.5" });
    const flags = flagsAfterChange(ctx.db, parseFlagSettings(undefined, env, listSources()), quiet);
    return startSyncQueue({
      database: ctx.database,
      env,
      settings,
      concurrency,
      onTasksChanged: async (keys) => {
        changed.push([...keys].sort());
        await flags(keys);
      },
      log: quiet,
    });
  };

  beforeAll(async () => {
    sb = await startQueueSandbox();
    env = githubEnv(sb);
    // Queues only: the test looks at what was queued before a worker runs it.
    producer = await startQueue(0);
    app = wireApp({
      db: ctx.db,
      config: parseConfig(env),
      apiToken: TOKEN,
      log: quiet,
      queue: producer.enqueuer,
    }).app;
  }, 60_000);
  afterAll(async () => {
    await worker?.stop();
    await producer?.stop();
    await sb?.close();
  });

  const api = (path: string, init: RequestInit = {}) =>
    app.request(path, { ...init, headers: { authorization: `Bearer ${TOKEN}`, ...init.headers } });

  it("queues a pass on POST /api/sync, folds a second ask into it, and a worker's jobs equal one in-process pass", async () => {
    const first = await api("/api/sync", { method: "POST" });
    expect(first.status).toBe(202);
    expect(await first.json()).toEqual({ ok: true, startedNow: true, sources: ["github"] });
    expect(await jobCounts(ctx.db)).toEqual({ created: 1 });
    const second = await api("/api/sync", { method: "POST" });
    expect(await second.json()).toEqual({ ok: true, startedNow: false, sources: ["github"] });
    expect(await jobCounts(ctx.db)).toEqual({ created: 1 });

    worker = await startQueue(2);
    await waitForDrain(ctx.db);

    // The source's list of scopes, then one job per repository.
    const done = await queryRows<{ name: string; n: number }>(
      ctx.db,
      sql`select name, count(*)::int as n from pgboss.job where state = 'completed' group by name order by name`,
    );
    expect(done.map((r) => [r.name, Number(r.n)])).toEqual(
      [["threadline.scopes.github", 1], ...REPOS.map((r) => [`threadline.sync.github.${r}`, 1])].sort(
        (a, b) => (String(a[0]) < String(b[0]) ? -1 : 1),
      ),
    );
    expect(await dumpForComparison(ctx.db)).toEqual(await singleRunDump(ctx.kind, env));
    expect(changed.flat()).toContain("acme/web#3");
  }, 90_000);

  it("answers a signed push 202 once its job is committed, refuses a forged one, and the worker saves it", async () => {
    const web = sb.dataset.repo("acme/web");
    sb.dataset.setNow("2025-03-15T08:00:00Z");
    const comment = web.comment(2, { author: "anna", body: "Who can take this one? PROJ-40 depends on it." });
    const delivery = sb.webhook("issue_comment", sb.payloads.issueComment("acme/web", comment, "created"));
    const pushes = async () =>
      (
        await queryRows<{ n: number }>(
          ctx.db,
          sql`select count(*)::int as n from pgboss.job where name = 'threadline.push'`,
        )
      )[0]?.n;

    const forged = await app.request("/webhooks/github", {
      method: "POST",
      headers: { ...delivery.headers, "x-hub-signature-256": `sha256=${"0".repeat(64)}` },
      body: delivery.body,
    });
    expect(forged.status).toBe(401);
    expect(Number(await pushes())).toBe(0);

    changed.length = 0;
    const good = await app.request("/webhooks/github", {
      method: "POST",
      headers: delivery.headers,
      body: delivery.body,
    });
    expect(good.status).toBe(202);
    expect(await good.json()).toEqual({ ok: true, queued: true });
    // Committed before the answer: the job is there (queued, running or done) as soon as the 202 is.
    expect(Number(await pushes())).toBe(1);

    await waitForDrain(ctx.db);
    expect((await loadTimelineItems(ctx.db, "acme/web#2", null)).map((i) => i.text)).toContain(comment.body);
    expect(changed).toEqual([["acme/web#2"]]);
  }, 60_000);

  it("saves a burst of queued pushes together, in order, and a bad push fails alone", async () => {
    await worker?.stop();
    worker = undefined;
    const web = sb.dataset.repo("acme/web");
    sb.dataset.setNow("2025-03-16T08:00:00Z");
    const send = async (delivery: { headers: Record<string, string>; body: string }) => {
      const res = await app.request("/webhooks/github", {
        method: "POST",
        headers: delivery.headers,
        body: delivery.body,
      });
      expect(res.status).toBe(202);
    };
    const bodies: string[] = [];
    for (let n = 0; n < 12; n++) {
      const comment = web.comment(1 + (n % 3), { author: "anna", body: `burst comment ${n}` });
      bodies.push(comment.body);
      await send(sb.webhook("issue_comment", sb.payloads.issueComment("acme/web", comment, "created")));
    }
    // The same comment created, then edited: saved together, the later one must win.
    const edited = web.comment(1, { author: "anna", body: "first words" });
    await send(sb.webhook("issue_comment", sb.payloads.issueComment("acme/web", edited, "created")));
    web.editComment(edited.id, "second thoughts", "2025-03-16T08:05:00Z");
    await send(sb.webhook("issue_comment", sb.payloads.issueComment("acme/web", edited, "edited")));
    // Signed and queued, yet unreadable by the mapper: the lot it is taken with fails, and is halved until
    // the bad push fails alone.
    await producer.enqueuer.enqueuePush("github", {
      scope: "acme/web",
      records: [{ type: "issue_comment", data: { unexpected: true } }],
      deletions: [],
      deliveryId: null,
      receivedAt: new Date(),
    });

    changed.length = 0;
    worker = await startQueue(1);
    const texts = async () => {
      const all = await Promise.all(
        ["acme/web#1", "acme/web#2", "acme/web#3"].map((key) => loadTimelineItems(ctx.db, key, null)),
      );
      return all.flat().map((i) => i.text);
    };
    const pushStates = async () => {
      const rows = await queryRows<{ state: string; n: number }>(
        ctx.db,
        sql`select state::text as state, count(*)::int as n from pgboss.job
            where name = 'threadline.push' and created_on > now() - interval '1 minute' group by state`,
      );
      return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)])) as Record<string, number>;
    };
    // Wait for the saves and for the bad push to have been tried alone: on a busy machine the good lots can
    // be saved while the bad one is still being attempted.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const now = await texts();
      const states = await pushStates();
      const settled = (states.retry ?? 0) + (states.failed ?? 0) === 1 && (states.active ?? 0) === 0;
      if (bodies.every((b) => now.includes(b)) && now.includes("second thoughts") && settled) break;
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const saved = await texts();
    for (const body of bodies) expect(saved).toContain(body);
    expect(saved).toContain("second thoughts");
    expect(saved).not.toContain("first words");
    const byState = await pushStates();
    // Every good push completed; the bad one alone is waiting for its retry (or has failed).
    expect((byState.retry ?? 0) + (byState.failed ?? 0)).toBe(1);
    expect(byState.completed).toBeGreaterThanOrEqual(14);
    // Fewer flag evaluations than pushes: the burst was saved in lots (halved around the bad one), not one
    // delivery at a time.
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.length).toBeLessThan(8);
  }, 60_000);
});
