import type { SubscriptionEvent } from "../../connectors/types.ts";
import type { RunLog } from "../log.ts";
import type { SourceId } from "../model/kinds.ts";
import type { Db } from "../store/db.ts";
import type { SyncSource } from "../sync/engine.ts";
import {
  answerSubscriptionEvents,
  loadSubscribedScopes,
  maintainSubscriptions,
  type SubscriptionReport,
  subscribingSources,
  toScheduledScopes,
} from "../sync/subscriptions.ts";
import { repeat } from "./repeat.ts";

export interface SubscriptionServiceOptions {
  db: Db;
  sources: readonly SyncSource[];
  /** `THREADLINE_PUBLIC_URL` as set: without it nothing can reach the webhooks, and nothing is subscribed. */
  publicUrl: string | null;
  now?: () => Date;
  /** Pulls these scopes of a source soon (the queue on Node, the sync service on the Worker). */
  requestScopes: (source: SourceId, scopes: string[]) => unknown;
  log: RunLog;
}

/**
 * The server's subscription manager: `maintain` on the scheduler's ticks, `answer` for lifecycle
 * notifications, each followed by a pull of the scopes that may have lost pushes.
 */
export class SubscriptionService {
  private readonly now: () => Date;
  constructor(private readonly options: SubscriptionServiceOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** Whether any source keeps subscriptions here. */
  get active(): boolean {
    return this.options.publicUrl !== null && subscribingSources(this.options.sources).length > 0;
  }

  private deps() {
    return {
      db: this.options.db,
      sources: this.options.sources,
      publicUrl: this.options.publicUrl ?? "",
      now: this.now,
    };
  }

  /** Creates and renews what is due, then asks for the catch-ups. */
  async maintain(): Promise<SubscriptionReport | null> {
    if (!this.active) return null;
    const report = await maintainSubscriptions(this.deps());
    await this.settle(report, "subscriptions maintained");
    return report;
  }

  /** A source's lifecycle notifications, answered after the push was acknowledged. */
  async answer(source: SourceId, events: readonly SubscriptionEvent[]): Promise<SubscriptionReport | null> {
    if (!this.active) return null;
    const report = await answerSubscriptionEvents(this.deps(), source, events);
    await this.settle(report, "subscription lifecycle answered");
    return report;
  }

  /**
   * On Node, where nothing polls on its own: the subscribed scopes not pulled for a day, pulled now, so
   * pushes lost without a lifecycle notification are still found.
   */
  async requestDailyCatchUp(): Promise<number> {
    if (!this.active) return 0;
    const scopes = (await loadSubscribedScopes(this.deps())).filter((s) => s.live && s.due);
    await this.request(scopes);
    return scopes.length;
  }

  /**
   * What a scheduled pass pulls of the subscribing sources: every scope but those a live subscription keeps
   * up to date and that were pulled within the day (sources not named: all their scopes).
   */
  async scheduledScopes(): Promise<Partial<Record<SourceId, string[]>>> {
    if (!this.active) return {};
    return toScheduledScopes(await loadSubscribedScopes(this.deps()));
  }

  private async settle(report: SubscriptionReport, message: string): Promise<void> {
    const { created, renewed, reauthorized, failed, catchUp } = report;
    if (created.length + renewed.length + reauthorized.length + failed.length > 0) {
      this.options.log.info(message, {
        created: created.length,
        renewed: renewed.length,
        reauthorized: reauthorized.length,
        catchUp: catchUp.length,
      });
    }
    for (const f of failed) {
      this.options.log.error("subscription failed", new Error(f.message), {
        source: f.source,
        scope: f.scope,
      });
    }
    await this.request(catchUp);
  }

  private async request(scopes: ReadonlyArray<{ source: SourceId; scope: string }>): Promise<void> {
    const bySource = new Map<SourceId, string[]>();
    for (const { source, scope } of scopes) bySource.set(source, [...(bySource.get(source) ?? []), scope]);
    for (const [source, list] of bySource) await this.options.requestScopes(source, list);
  }
}

/** How often `serve` looks after subscriptions: well inside the renewal margin of every connector. */
export const SUBSCRIPTION_TICK_MS = 5 * 60_000;

/** Runs `maintain` and the daily catch-up now and every `everyMs` on Node; `stop` waits for a tick in hand. */
export function startSubscriptionSchedule(
  service: SubscriptionService,
  options: { everyMs?: number; onError: (err: unknown) => void },
): { stop(): Promise<void> } {
  if (!service.active) return { stop: async () => {} };
  return repeat(
    async () => {
      await service.maintain();
      await service.requestDailyCatchUp();
    },
    { everyMs: options.everyMs ?? SUBSCRIPTION_TICK_MS, atStart: true, onError: options.onError },
  );
}
