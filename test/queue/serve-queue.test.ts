/**
 * `threadline serve` with its jobs: on the embedded database it runs them in its own process; on PostgreSQL
 * with THREADLINE_WORKERS=0 it only queues them and a `threadline worker` runs them. Either way
 * `POST /api/sync` syncs and a signed push is on its task's timeline after the worker ran.
 */
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { GithubSandbox } from "../../connectors/sandbox/github/index.ts";
import { freePort, tempDir } from "../helpers/cli.ts";
import { createTestDatabase, TEST_DATABASE_KINDS, type TestDatabaseKind } from "../helpers/databases.ts";
import { bundleCli, type RunningWorker, startBundled } from "../helpers/worker-cli.ts";
import { githubEnv, startQueueSandbox } from "./fixture.ts";

const TOKEN = "serve-queue-token-9a8b7c6d";
let sb: GithubSandbox;

beforeAll(async () => {
  await bundleCli();
  sb = await startQueueSandbox(4);
}, 60_000);
afterAll(async () => {
  await sb?.close();
});

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, ms = 60_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined && done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

for (const kind of TEST_DATABASE_KINDS as TestDatabaseKind[]) {
  it(`serve syncs on POST /api/sync and saves a queued push through its jobs [${kind}]`, async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const dataDir = join(await tempDir("threadline-serve-queue-"), "data");
    const database = kind === "postgres" ? await createTestDatabase("postgres") : undefined;
    const env = {
      ...githubEnv(sb),
      THREADLINE_API_TOKEN: TOKEN,
      THREADLINE_DATA_DIR: dataDir,
      THREADLINE_QUEUE_POLL_SECONDS: "0.5",
      ...(database ? { DATABASE_URL: database.url!, THREADLINE_WORKERS: "0" } : {}),
    };
    const processes: RunningWorker[] = [startBundled(["serve", "--port", String(port)], env)];
    try {
      await until(
        () => fetch(`${base}/healthz`).then((r) => r.status),
        (s) => s === 200,
        "healthz",
      );
      if (database) processes.push(startBundled(["worker"], env));
      const auth = { authorization: `Bearer ${TOKEN}` };
      const started = await fetch(`${base}/api/sync`, { method: "POST", headers: auth });
      expect(started.status).toBe(202);
      expect(await started.json()).toMatchObject({ ok: true, startedNow: true, sources: ["github"] });

      const keys = await until(
        async () =>
          (
            (await (await fetch(`${base}/api/tasks?limit=100`, { headers: auth })).json()) as {
              tasks: Array<{ key: string }>;
            }
          ).tasks.map((t) => t.key),
        (k) => k.filter((key) => key.startsWith("acme/ops#")).length > 0 && k.includes("acme/web#6"),
        "the synced tasks",
      );
      expect(keys).toContain("acme/web#2");

      const comment = sb.dataset
        .repo("acme/web")
        .comment(2, { author: "ben", body: "Picked this up, PR by Friday." });
      const delivery = sb.webhook("issue_comment", sb.payloads.issueComment("acme/web", comment, "created"));
      const pushed = await fetch(`${base}/webhooks/github`, {
        method: "POST",
        headers: delivery.headers,
        body: delivery.body,
      });
      expect(pushed.status).toBe(202);
      expect(await pushed.json()).toEqual({ ok: true, queued: true });
      await until(
        async () =>
          (
            (await (
              await fetch(`${base}/api/tasks/${encodeURIComponent("acme/web#2")}/timeline`, { headers: auth })
            ).json()) as {
              items: Array<{ text: string }>;
            }
          ).items.map((i) => i.text),
        (texts) => texts.includes(comment.body),
        "the pushed comment",
      );

      for (const p of processes) p.child.kill("SIGTERM");
      for (const p of processes) expect(await p.exited, p.output()).toEqual({ code: 0, signal: null });
    } finally {
      for (const p of processes) p.child.kill("SIGKILL");
      await database?.close();
    }
  }, 120_000);
}
