/**
 * `threadline worker` processes sharing the queue on one PostgreSQL: two of them split a pass's scopes and
 * never pull one scope at once; one SIGKILLed in the middle of a job leaves it to another, which completes
 * it. Each time the database ends equal to one uninterrupted in-process pass. The real GitHub connector
 * against its sandbox, behind a proxy that slows every answer so that jobs last long enough to overlap.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { GithubSandbox } from "../../connectors/sandbox/github/index.ts";
import { parseQueueSettings } from "../../src/queue/queue-settings.ts";
import { startSyncQueue } from "../../src/queue/start-sync-queue.ts";
import { queryRows } from "../../src/store/rows.ts";
import { tempDir } from "../helpers/cli.ts";
import { createTestDatabase, TEST_DATABASE_KINDS, type TestDatabase } from "../helpers/databases.ts";
import { waitForDrain } from "../helpers/queue-state.ts";
import { startSlowProxy } from "../helpers/slow-proxy.ts";
import { bundleCli, type JobLine, type RunningWorker, startWorker } from "../helpers/worker-cli.ts";
import { dumpForComparison, githubEnv, REPOS, singleRunDump, startQueueSandbox } from "./fixture.ts";

const onServer = TEST_DATABASE_KINDS.includes("postgres");
const quiet = { info: () => {}, error: (message: string, err: unknown) => console.error(message, err) };

let sb: GithubSandbox;
let proxy: { url: string; close(): Promise<void> };
let expected: Awaited<ReturnType<typeof singleRunDump>>;
let dataDir: string;

beforeAll(async () => {
  if (!onServer) return;
  await bundleCli();
  sb = await startQueueSandbox();
  proxy = await startSlowProxy(sb.url, 150);
  dataDir = await tempDir("threadline-workers-");
  expected = await singleRunDump("postgres", githubEnv(sb));
}, 120_000);
afterAll(async () => {
  await proxy?.close();
  await sb?.close();
});

/** The environment of a worker process: the sandbox behind the proxy, and short job expiry for the test. */
const workerEnv = (database: TestDatabase, extra: Record<string, string> = {}) => ({
  ...githubEnv(sb, proxy.url),
  DATABASE_URL: database.url!,
  THREADLINE_DATA_DIR: dataDir,
  THREADLINE_JOB_EXPIRE_SECONDS: "4",
  THREADLINE_QUEUE_POLL_SECONDS: "0.5",
  THREADLINE_QUEUE_MAINTENANCE_SECONDS: "1",
  ...extra,
});

/** Queues from this process, as `serve` with THREADLINE_WORKERS=0 would. */
const producerFor = (database: TestDatabase) =>
  startSyncQueue({
    database,
    env: githubEnv(sb, proxy.url),
    settings: parseQueueSettings({}),
    concurrency: 0,
    onTasksChanged: async () => {},
    log: quiet,
  });

/** Each scope job's run: from its start line to its end line, in one worker. */
function scopeRuns(workers: RunningWorker[]) {
  const runs: Array<{ scope: string; pid: number; from: number; to: number; jobId: string }> = [];
  for (const w of workers) {
    const open = new Map<string, JobLine>();
    for (const line of w.jobs) {
      if (line.kind !== "scope") continue;
      if (line.msg === "job started") open.set(line.jobId, line);
      else {
        const start = open.get(line.jobId);
        if (start)
          runs.push({
            scope: line.scope!,
            pid: line.pid,
            from: start.time,
            to: line.time,
            jobId: line.jobId,
          });
        open.delete(line.jobId);
      }
    }
  }
  return runs;
}

it.skipIf(!onServer)(
  "two workers share a pass's scopes, never pull one scope at once, and end equal to one pass [postgres]",
  async () => {
    const database = await createTestDatabase("postgres");
    const producer = await producerFor(database);
    const workers = [0, 1].map(() =>
      startWorker(workerEnv(database, { THREADLINE_WORKER_CONCURRENCY: "2" })),
    );
    try {
      await producer.enqueuer.request();
      // Asks in the middle of the pass: each scope gets at most one more job, queued behind the running one.
      await workers[0]!.waitFor((l) => l.kind === "scope" && l.msg === "job started");
      await producer.enqueuer.request();
      await producer.enqueuer.enqueueScopes("github", REPOS);
      await waitForDrain(database.db, 90_000);

      const runs = scopeRuns(workers);
      // Every scope was pulled, by both workers between them.
      expect(new Set(runs.map((r) => r.scope))).toEqual(new Set(REPOS));
      expect(new Set(runs.map((r) => r.pid)).size).toBe(2);
      // The asks in the middle gave a running scope a second job: the case the policy has to serialise.
      expect(Math.max(...REPOS.map((scope) => runs.filter((r) => r.scope === scope).length))).toBeGreaterThan(
        1,
      );
      // No two runs of one scope overlap, whichever workers ran them.
      for (const scope of REPOS) {
        const own = runs.filter((r) => r.scope === scope).sort((a, b) => a.from - b.from);
        for (let i = 1; i < own.length; i++) expect(own[i]!.from).toBeGreaterThanOrEqual(own[i - 1]!.to);
      }
      expect(await dumpForComparison(database.db)).toEqual(expected);

      for (const w of workers) w.child.kill("SIGTERM");
      for (const w of workers) expect(await w.exited, w.output()).toEqual({ code: 0, signal: null });
    } finally {
      for (const w of workers) w.child.kill("SIGKILL");
      await producer.stop();
      await database.close();
    }
  },
  150_000,
);

it.skipIf(!onServer)(
  "a worker SIGKILLed in the middle of a job leaves it to another, which completes it [postgres]",
  async () => {
    const database = await createTestDatabase("postgres");
    const producer = await producerFor(database);
    const first = startWorker(workerEnv(database, { THREADLINE_WORKER_CONCURRENCY: "1" }));
    let second: RunningWorker | undefined;
    try {
      await producer.enqueuer.request();
      const started = await first.waitFor((l) => l.kind === "scope" && l.msg === "job started");
      await new Promise((r) => setTimeout(r, 250));
      first.child.kill("SIGKILL");
      expect((await first.exited).signal).toBe("SIGKILL");
      // Killed in the middle: the job is still active, held by a worker that is gone.
      const [held] = await queryRows<{ state: string }>(
        database.db,
        sql`select state::text as state from pgboss.job where id = ${started.jobId}::uuid`,
      );
      expect(held?.state).toBe("active");

      second = startWorker(workerEnv(database, { THREADLINE_WORKER_CONCURRENCY: "2" }));
      // Once its expiry passes, the same job is handed to the other worker, which finishes it.
      await second.waitFor((l) => l.jobId === started.jobId && l.msg === "job finished", 60_000);
      await waitForDrain(database.db, 90_000);
      expect(await dumpForComparison(database.db)).toEqual(expected);

      second.child.kill("SIGTERM");
      expect(await second.exited, second.output()).toEqual({ code: 0, signal: null });
    } finally {
      first.child.kill("SIGKILL");
      second?.child.kill("SIGKILL");
      await producer.stop();
      await database.close();
    }
  },
  150_000,
);

it.skipIf(!onServer)(
  "a worker stopped with SIGTERM in the middle of a pass saves its pages, queues the rest, and exits 0 [postgres]",
  async () => {
    const database = await createTestDatabase("postgres");
    const producer = await producerFor(database);
    const first = startWorker(workerEnv(database, { THREADLINE_WORKER_CONCURRENCY: "1" }));
    let second: RunningWorker | undefined;
    try {
      await producer.enqueuer.request();
      const started = await first.waitFor((l) => l.kind === "scope" && l.msg === "job started");
      await new Promise((r) => setTimeout(r, 250));
      const asked = Date.now();
      first.child.kill("SIGTERM");
      expect(await first.exited, first.output()).toEqual({ code: 0, signal: null });
      // Within a page or two, not after the pass: the rest of the scope went back to the queue.
      expect(Date.now() - asked).toBeLessThan(3_000);
      const ended = await first.waitFor((l) => l.jobId === started.jobId && l.msg !== "job started");
      expect(ended, first.output()).toMatchObject({ msg: "job finished", continued: true });

      second = startWorker(workerEnv(database, { THREADLINE_WORKER_CONCURRENCY: "2" }));
      await second.waitFor((l) => l.scope === started.scope && l.msg === "job finished", 60_000);
      await waitForDrain(database.db, 90_000);
      expect(await dumpForComparison(database.db)).toEqual(expected);
      second.child.kill("SIGTERM");
      expect(await second.exited, second.output()).toEqual({ code: 0, signal: null });
    } finally {
      first.child.kill("SIGKILL");
      second?.child.kill("SIGKILL");
      await producer.stop();
      await database.close();
    }
  },
  150_000,
);
