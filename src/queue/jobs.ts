import type { RawRecord } from "../../connectors/types.ts";
import type { SourceId } from "../model/kinds.ts";

/** pg-boss's tables live in a schema of their own, beside ours. */
export const BOSS_SCHEMA = "pgboss";

/** Every queue of ours starts with this, so a worker never takes jobs of another application's queues. */
export const QUEUE_PREFIX = "threadline.";

/** Asks a source for its scopes, then queues one pass per scope. One queued per source at a time. */
export const listQueue = (source: SourceId) => `${QUEUE_PREFIX}scopes.${source}`;

/**
 * One pass over one scope. A queue per scope, with pg-boss's `stately` policy: at most one job of it
 * queued (a second ask folds into it) and at most one active, so no two workers pull a scope at once. The
 * policy is per queue rather than per `singletonKey` because a stately queue whose next job cannot start
 * (its key is active) stops handing out any job: one shared queue would let one busy scope hold up all the
 * others.
 */
export const scopeQueue = (source: SourceId, scope: string) => `${QUEUE_PREFIX}sync.${source}.${scope}`;

/** Verified webhook pushes, saved in the order they came. */
export const PUSH_QUEUE = `${QUEUE_PREFIX}push`;

export interface ListJob {
  kind: "list";
  source: SourceId;
}

export interface ScopeJob {
  kind: "scope";
  source: SourceId;
  scope: string;
  /**
   * The rest of a pass that stopped early, whose saved pages' flags are still to be evaluated: this job
   * evaluates every task of the scope when it ends, so flags are judged on the whole pass, as one
   * uninterrupted pass would judge them.
   */
  recomputeScope?: boolean;
}

/** A verified push as it is queued: JSON, so a tombstone's time is an ISO string. */
export interface PushJob {
  kind: "push";
  source: SourceId;
  scope: string;
  records: RawRecord[];
  deletions: Array<{ type: "task" | "item"; externalId: string; at: string | null }>;
  deliveryId: string | null;
  receivedAt: string;
}

export type SyncJob = ListJob | ScopeJob | PushJob;

/** What a job handler reports; a scope stopped before its end (time budget, shutdown) continues in a new job. */
export interface JobOutcome {
  kind: SyncJob["kind"];
  changedTasks: number;
  continued?: boolean;
  scopes?: number;
}
