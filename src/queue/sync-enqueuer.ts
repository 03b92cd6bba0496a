import type PgBoss from "pg-boss";
import type { RawRecord, Tombstone } from "../../connectors/types.ts";
import type { SourceId } from "../model/kinds.ts";
import type { SyncStart } from "../server/sync-service.ts";
import { type ListJob, listQueue, PUSH_QUEUE, type PushJob, type ScopeJob, scopeQueue } from "./jobs.ts";
import type { QueueSettings } from "./queue-settings.ts";

const DEADLOCK = "40P01";

/** A verified push, as the webhook route hands it over. */
export interface VerifiedPush {
  scope: string;
  records: readonly RawRecord[];
  deletions: readonly Tombstone[];
  deliveryId: string | null;
  receivedAt: Date;
}

/**
 * Puts sync work in the queue: a pass (one job per source, which queues one job per scope), the scopes a
 * push says changed, and the pushes themselves. Every method resolves once the job is committed.
 */
export class SyncEnqueuer {
  private readonly created = new Set<string>();

  constructor(
    private readonly boss: PgBoss,
    private readonly sources: readonly SourceId[],
    private readonly settings: QueueSettings,
    /** Told after a job is queued, so a worker in this process starts on it without waiting for its poll. */
    private readonly onQueued: () => void = () => {},
  ) {}

  /** `POST /api/sync`: a pass over every configured source. `startedNow` is false when every ask folded. */
  async request(): Promise<SyncStart> {
    let queuedNow = false;
    for (const source of this.sources) {
      if (await this.send(listQueue(source), "short", { kind: "list", source } satisfies ListJob, source)) {
        queuedNow = true;
      }
    }
    return { startedNow: queuedNow, sources: [...this.sources] };
  }

  /** A push that only says what changed: these scopes of the source, or (null) all of them. */
  async requestScopes(source: SourceId, scopes: readonly string[] | null): Promise<void> {
    if (!this.sources.includes(source)) return;
    if (scopes === null) {
      await this.send(listQueue(source), "short", { kind: "list", source } satisfies ListJob, source);
      return;
    }
    await this.enqueueScopes(source, scopes);
  }

  /** One pass per scope; a scope whose job is already queued keeps that one. */
  async enqueueScopes(
    source: SourceId,
    scopes: readonly string[],
    options: { recomputeScope?: boolean } = {},
  ): Promise<number> {
    let queued = 0;
    for (const scope of scopes) {
      const job: ScopeJob = {
        kind: "scope",
        source,
        scope,
        ...(options.recomputeScope ? { recomputeScope: true } : {}),
      };
      if (await this.send(scopeQueue(source, scope), "stately", job, scope)) queued++;
    }
    return queued;
  }

  async enqueuePush(source: SourceId, push: VerifiedPush): Promise<void> {
    const job: PushJob = {
      kind: "push",
      source,
      scope: push.scope,
      records: [...push.records],
      deletions: push.deletions.map((d) => ({
        type: d.type,
        externalId: d.externalId,
        at: d.at ? d.at.toISOString() : null,
      })),
      deliveryId: push.deliveryId,
      receivedAt: push.receivedAt.toISOString(),
    };
    await this.send(PUSH_QUEUE, "standard", job, null);
  }

  /** Sends a job to a queue (created on first use); true when it was queued, false when it folded. */
  private async send(
    name: string,
    policy: "standard" | "short" | "stately",
    data: object,
    key: string | null,
  ): Promise<boolean> {
    if (!this.created.has(name)) {
      await this.createQueue(name, policy);
      this.created.add(name);
    }
    const id = await this.boss.send(name, data, key === null ? {} : { singletonKey: key });
    if (id) this.onQueued();
    return id !== null;
  }

  private async createQueue(name: string, policy: "standard" | "short" | "stately"): Promise<void> {
    const options = {
      name,
      policy,
      expireInSeconds: this.settings.expireSeconds,
      // A job comes back after its worker died or it failed; a scope's pass resumes from its cursors.
      retryLimit: 5,
      retryDelay: 1,
      retryBackoff: true,
    };
    const existing = await this.boss.getQueue(name);
    if (existing) {
      // The queue keeps the expiry of whoever created it; the settings of the latest process to start win,
      // so a changed THREADLINE_JOB_EXPIRE_SECONDS applies to the next jobs without recreating anything.
      if (existing.expireInSeconds !== options.expireInSeconds) await this.boss.updateQueue(name, options);
      return;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await this.boss.createQueue(name, options);
        return;
      } catch (err) {
        // A queue is a partition of pg-boss's job table: two processes attaching new ones at once can
        // deadlock, and PostgreSQL then aborts one of them, which only has to try again.
        const code = (err as { code?: unknown }).code;
        if (code !== DEADLOCK || attempt >= 5) throw err;
        await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 200 * attempt));
      }
    }
  }
}
