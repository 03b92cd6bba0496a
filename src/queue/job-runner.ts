import type PgBoss from "pg-boss";
import type { RunLog } from "../log.ts";
import type { Db } from "../store/db.ts";
import { loadReadyQueues } from "../store/ready-queues.ts";
import {
  BOSS_SCHEMA,
  type JobOutcome,
  PUSH_QUEUE,
  type PushJob,
  QUEUE_PREFIX,
  type SyncJob,
} from "./jobs.ts";

export interface JobRunnerOptions {
  boss: PgBoss;
  db: Db;
  /** Jobs run at once. */
  concurrency: number;
  /** How long an idle lane waits before it looks for jobs again. */
  pollMs: number;
  /** How long a job runs before it is asked to stop: a little under the queue's expiry. */
  budgetMs: number;
  run: (job: { data: SyncJob; retried: boolean }, signal: AbortSignal) => Promise<JobOutcome>;
  /**
   * Saves several queued pushes at once (one page per scope, one flag evaluation); when it throws, each
   * push runs alone through `run`, so one bad push fails by itself. Without it pushes run one at a time.
   */
  runPushes?: (jobs: PushJob[]) => Promise<JobOutcome>;
  /** Pushes taken at once when `runPushes` is given. Default 50. */
  pushBatch?: number;
  log: RunLog;
}

type Job = PgBoss.JobWithMetadata<SyncJob>;

/**
 * Takes Threadline's jobs from pg-boss and runs them, `concurrency` at a time. Each lane asks which of our
 * queues have a job ready, then takes one with pg-boss's `fetch` (its `FOR UPDATE SKIP LOCKED`, and the
 * stately policy of a scope's queue, keep two workers off one job and one scope), and completes or fails it.
 * One loop over the few queues that have work, rather than a pg-boss `work()` poller per queue: a
 * workspace has a queue per scope, hundreds of them, and most are idle.
 */
export class JobRunner {
  private readonly stopping = new AbortController();
  private readonly lanes: Promise<void>[] = [];
  private readonly sleepers = new Set<() => void>();

  constructor(private readonly options: JobRunnerOptions) {}

  start(): void {
    for (let i = 0; i < this.options.concurrency; i++) this.lanes.push(this.lane());
  }

  /** A job was just queued: idle lanes look now instead of at their next poll. */
  wake(): void {
    for (const wake of this.sleepers) wake();
  }

  /**
   * Stops taking jobs and asks the running ones to stop: a pass stops after its pages in flight are
   * saved and queues its rest, a push finishes. Resolves when every lane is done.
   */
  async stop(): Promise<void> {
    this.stopping.abort();
    this.wake();
    await Promise.all(this.lanes);
  }

  private async lane(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      let jobs: Job[] = [];
      try {
        jobs = await this.next();
      } catch (err) {
        this.options.log.error("could not fetch a job", err, {});
      }
      if (jobs.length > 0) await this.runAll(jobs);
      else await this.idle();
    }
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      if (this.stopping.signal.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, this.options.pollMs);
      this.sleepers.add(done);
    });
  }

  /**
   * The next job of ours, oldest queue first and pushes before passes (several pushes at once when they
   * can be saved together); none when nothing is ready.
   */
  private async next(): Promise<Job[]> {
    const ready = await loadReadyQueues(this.options.db, {
      schema: BOSS_SCHEMA,
      prefix: QUEUE_PREFIX,
      first: PUSH_QUEUE,
      limit: 20,
    });
    const pushBatch = this.options.runPushes ? (this.options.pushBatch ?? 50) : 1;
    for (const name of ready) {
      if (this.stopping.signal.aborted) return [];
      const fetched = await this.options.boss.fetch<SyncJob>(name, {
        batchSize: name === PUSH_QUEUE ? pushBatch : 1,
        includeMetadata: true,
      });
      // pg-boss picks the oldest jobs, but its UPDATE … RETURNING hands them back in no set order.
      if (fetched.length > 0)
        return fetched.sort(
          (a, b) => a.createdOn.getTime() - b.createdOn.getTime() || (a.id < b.id ? -1 : 1),
        );
    }
    return [];
  }

  /**
   * Runs the jobs taken together, in the order they were queued. Pushes of a burst are saved as one page
   * per scope: one transaction and one flag evaluation for a run of them instead of one per delivery. A
   * push with deletions, or one that failed before, runs alone; a run of pushes that fails together is
   * split in halves until the push that fails is alone (and fails by itself).
   */
  private async runAll(jobs: Job[]): Promise<void> {
    const batchable = (j: Job) =>
      this.options.runPushes !== undefined &&
      j.data.kind === "push" &&
      j.data.deletions.length === 0 &&
      j.retryCount === 0;
    let lot: Job[] = [];
    const flush = async () => {
      await this.runLot(lot);
      lot = [];
    };
    for (const job of jobs) {
      if (batchable(job)) {
        lot.push(job);
        continue;
      }
      await flush();
      await this.run(job);
    }
    await flush();
  }

  private async runLot(jobs: Job[]): Promise<void> {
    if (jobs.length === 0) return;
    if (jobs.length === 1) return this.run(jobs[0]!);
    if (await this.runTogether(jobs)) return;
    const half = Math.ceil(jobs.length / 2);
    await this.runLot(jobs.slice(0, half));
    await this.runLot(jobs.slice(half));
  }

  /** True when the pushes were saved and completed together. */
  private async runTogether(jobs: Job[]): Promise<boolean> {
    const { boss, log, runPushes } = this.options;
    const context = { queue: PUSH_QUEUE, kind: "push", jobs: jobs.length, pid: process.pid };
    const started = performance.now();
    try {
      const outcome = await runPushes!(jobs.map((j) => j.data as PushJob));
      await boss.complete(
        PUSH_QUEUE,
        jobs.map((j) => j.id),
      );
      log.info("jobs finished", { ...context, ...outcome, ms: Math.round(performance.now() - started) });
      return true;
    } catch (err) {
      log.error("pushes failed together; trying them in halves", err, context);
      return false;
    }
  }

  private async run(job: Job): Promise<void> {
    const { boss, log } = this.options;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.options.budgetMs);
    const onStop = () => controller.abort();
    this.stopping.signal.addEventListener("abort", onStop, { once: true });
    const context = {
      jobId: job.id,
      queue: job.name,
      kind: job.data.kind,
      source: job.data.source,
      ...("scope" in job.data ? { scope: job.data.scope } : {}),
      pid: process.pid,
      ...(job.retryCount > 0 ? { retry: job.retryCount } : {}),
    };
    const started = performance.now();
    log.info("job started", context);
    try {
      const outcome = await this.options.run(
        { data: job.data, retried: job.retryCount > 0 },
        controller.signal,
      );
      await boss.complete(job.name, job.id, { ...outcome });
      log.info("job finished", { ...context, ...outcome, ms: Math.round(performance.now() - started) });
    } catch (err) {
      log.error("job failed", err, { ...context, ms: Math.round(performance.now() - started) });
      const message = err instanceof Error ? err.message : String(err);
      // Failed, it is queued again after a pause (up to the queue's retry limit); the pass resumes from
      // its cursors.
      await boss.fail(job.name, job.id, { message }).catch((failErr: unknown) => {
        log.error("could not mark a job failed", failErr, context);
      });
    } finally {
      clearTimeout(timer);
      this.stopping.signal.removeEventListener("abort", onStop);
    }
  }
}
