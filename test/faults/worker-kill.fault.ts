/**
 * `threadline worker` SIGKILLed three times in the middle of a job while it runs a queued pass over all five
 * sources (their real SDKs against the sandboxes): each killed job goes back to the queue when its expiry
 * passes, the next worker finishes the pass, and the database equals one uninterrupted in-process pass.
 * PostgreSQL only: workers in other processes share the queue through the server.
 */

import { expect, it } from "vitest";
import { listSources } from "../../connectors/registry.ts";
import { parseFlagSettings } from "../../src/flags/flag-settings.ts";
import { parseQueueSettings } from "../../src/queue/queue-settings.ts";
import { startSyncQueue } from "../../src/queue/start-sync-queue.ts";
import { runSync } from "../../src/sync/engine.ts";
import { toLinkContext } from "../../src/sync/link-context.ts";
import { configureSources } from "../../src/sync/sources.ts";
import { startBulkSources } from "../helpers/bulk-sources.ts";
import { tempDir } from "../helpers/cli.ts";
import { dumpContent } from "../helpers/content-dump.ts";
import { createTestDatabase, TEST_DATABASE_KINDS } from "../helpers/databases.ts";
import { waitForDrain } from "../helpers/queue-state.ts";
import { bundleCli, type CliProcess, spawnCli } from "../helpers/server-process.ts";
import { seededRandom } from "../helpers/sync-dataset.ts";

const KILLS = 3;
const quiet = { info: () => {}, error: () => {} };

interface JobLine {
  msg: string;
  jobId: string;
  kind: string;
}

/** The job lines a worker logged so far (pino JSON). */
const jobLines = (worker: CliProcess): JobLine[] =>
  worker
    .output()
    .split("\n")
    .filter((line) => line.startsWith("{") && line.includes('"msg":"job '))
    .map((line) => JSON.parse(line) as JobLine);

it.skipIf(!TEST_DATABASE_KINDS.includes("postgres"))(
  `a worker SIGKILLed ${KILLS} times in the middle of jobs leaves a pass that ends equal to an uninterrupted one [postgres]`,
  async () => {
    const startedAt = new Date();
    const sources = await startBulkSources();
    const { entry, dispose } = await bundleCli();
    const reference = await createTestDatabase("postgres");
    const database = await createTestDatabase("postgres");
    const cwd = await tempDir("threadline-worker-kill-");
    const workers: CliProcess[] = [];
    const env = {
      ...sources.env,
      DATABASE_URL: database.url!,
      THREADLINE_DATA_DIR: cwd,
      // A job held by a killed worker is handed out again this soon. A job stops itself a second before
      // (`jobBudgetMs`): two seconds of work, more than one page of the bulk repository takes.
      THREADLINE_JOB_EXPIRE_SECONDS: "3",
      THREADLINE_QUEUE_POLL_SECONDS: "0.5",
      THREADLINE_QUEUE_MAINTENANCE_SECONDS: "1",
      THREADLINE_WORKER_CONCURRENCY: "2",
    };
    // The queues take their expiry from whoever creates them first: here, this producer.
    const producer = await startSyncQueue({
      database,
      env: sources.env,
      settings: parseQueueSettings(env),
      concurrency: 0,
      onTasksChanged: async () => {},
      log: quiet,
    });
    try {
      const single = await runSync({
        db: reference.db,
        sources: configureSources(sources.env),
        mode: "sync",
        linkContext: toLinkContext(sources.env, listSources()),
        flagSettings: parseFlagSettings(undefined, sources.env, listSources()),
      });
      expect(single.ok).toBe(true);

      await producer.enqueuer.request();
      const random = seededRandom(5);
      let killedMidJob = 0;
      for (let k = 0; k < KILLS; k++) {
        const worker = spawnCli(entry, ["worker"], env, cwd);
        workers.push(worker);
        const deadline = Date.now() + 60_000;
        while (!jobLines(worker).some((l) => l.msg === "job started" && l.kind === "scope")) {
          if (Date.now() > deadline) throw new Error(`no job started:\n${worker.output()}`);
          await new Promise((r) => setTimeout(r, 20));
        }
        await new Promise((r) => setTimeout(r, Math.floor(random() * 400)));
        worker.child.kill("SIGKILL");
        expect((await worker.exited).signal).toBe("SIGKILL");
        const lines = jobLines(worker);
        const finished = new Set(lines.filter((l) => l.msg !== "job started").map((l) => l.jobId));
        if (lines.some((l) => l.msg === "job started" && !finished.has(l.jobId))) killedMidJob++;
      }
      // A job can end just before its kill; most kills must land in the middle of one.
      expect(killedMidJob).toBeGreaterThanOrEqual(KILLS - 1);

      const last = spawnCli(entry, ["worker"], env, cwd);
      workers.push(last);
      await waitForDrain(database.db, 120_000);
      last.child.kill("SIGTERM");
      expect(await last.exited, last.output()).toEqual({ code: 0, signal: null });

      expect(await dumpContent(database.db, startedAt)).toEqual(await dumpContent(reference.db, startedAt));
    } catch (err) {
      console.error(workers.at(-1)?.output().slice(-4_000));
      throw err;
    } finally {
      for (const w of workers) w.child.kill("SIGKILL");
      await producer.stop();
      await Promise.all([reference.close(), database.close(), sources.close(), dispose()]);
    }
  },
  180_000,
);
