import { z } from "zod";
import { ConfigError } from "../config.ts";

/** How sync jobs are run: read from the environment by `serve` and `worker`. */
export interface QueueSettings {
  /**
   * How long a job may stay active before it counts as lost (its worker died) and is handed to another.
   * A scope whose pass takes longer stops a little before and continues in a follow-up job.
   */
  expireSeconds: number;
  /** How often an idle worker looks for jobs. */
  pollSeconds: number;
  /** How often lost jobs are looked for and put back in their queue. */
  maintenanceSeconds: number;
  /** Jobs one `threadline worker` runs at once. */
  workerConcurrency: number;
  /** Jobs `serve` runs at once in its own process; 0: none (separate `threadline worker` processes do). */
  serveWorkers: number;
}

const seconds = (min: number, fallback: number) => z.coerce.number().min(min).default(fallback);
const count = (min: number, fallback: number) => z.coerce.number().int().min(min).max(64).default(fallback);

const QueueEnvSchema = z.object({
  THREADLINE_JOB_EXPIRE_SECONDS: seconds(2, 900),
  THREADLINE_QUEUE_POLL_SECONDS: seconds(0.5, 2),
  THREADLINE_QUEUE_MAINTENANCE_SECONDS: seconds(1, 30),
  THREADLINE_WORKER_CONCURRENCY: count(1, 4),
  THREADLINE_WORKERS: count(0, 2),
});

/** Validates the queue's variables; the error is one line naming the first bad one. */
export function parseQueueSettings(env: Readonly<Record<string, string | undefined>>): QueueSettings {
  const present = Object.fromEntries(
    Object.keys(QueueEnvSchema.shape)
      .map((name) => [name, env[name]?.trim()] as const)
      .filter(([, value]) => value !== undefined && value !== ""),
  );
  const parsed = QueueEnvSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`[threadline] ${String(issue.path[0])} ${issue.message}`);
  }
  const e = parsed.data;
  return {
    expireSeconds: e.THREADLINE_JOB_EXPIRE_SECONDS,
    pollSeconds: e.THREADLINE_QUEUE_POLL_SECONDS,
    maintenanceSeconds: e.THREADLINE_QUEUE_MAINTENANCE_SECONDS,
    workerConcurrency: e.THREADLINE_WORKER_CONCURRENCY,
    serveWorkers: e.THREADLINE_WORKERS,
  };
}
