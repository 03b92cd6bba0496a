/**
 * Keeps the push subscriptions of the sources that need them (Microsoft Graph change notifications) alive:
 * one per scope, created when missing, renewed before it expires, reauthorized when the source asks, made
 * anew when the source removed it, with a catch-up pull of the scope whenever pushes may have been lost.
 * Runs from the scheduler (Node: `startSubscriptionSchedule`; the Worker: its cron) and from the webhook
 * route for lifecycle notifications. The connectors do the API calls; this file only decides and records.
 */
import { eq } from "drizzle-orm";
import { ConnectorError, type SubscriptionEvent, type SubscriptionHandler } from "../../connectors/types.ts";
import { sourceScopes } from "../../schema/sources.ts";
import type { SourceId } from "../model/kinds.ts";
import type { Db } from "../store/db.ts";
import {
  claimSubscriptionCreation,
  loadSubscriptions,
  type StoredSubscription,
  saveSubscription,
  saveSubscriptionError,
} from "../store/subscriptions.ts";
import type { SyncSource } from "./engine.ts";

/** How long one process may take to create a subscription before another may try (Graph validates in 10 s). */
export const CREATION_LEASE_MS = 2 * 60_000;

/** With a live subscription, a scope is still pulled once a day: pushes can be lost without a word. */
export const SUBSCRIBED_POLL_MS = 24 * 3_600_000;

export interface SubscriptionDeps {
  db: Db;
  sources: readonly SyncSource[];
  /** `THREADLINE_PUBLIC_URL`: the source pushes to `{publicUrl}/webhooks/{source}`. */
  publicUrl: string;
  now: () => Date;
  signal?: AbortSignal;
}

export interface SubscriptionReport {
  created: string[];
  renewed: string[];
  reauthorized: string[];
  failed: Array<{ source: SourceId; scope: string; message: string }>;
  /** Scopes to pull now: pushes may have been lost (removed, missed, or a lapse before a new one). */
  catchUp: Array<{ source: SourceId; scope: string }>;
}

const emptyReport = (): SubscriptionReport => ({
  created: [],
  renewed: [],
  reauthorized: [],
  failed: [],
  catchUp: [],
});

type Subscribing = SyncSource & { handler: SubscriptionHandler<unknown> };

/** The configured sources that keep subscriptions with these settings. */
export function subscribingSources(sources: readonly SyncSource[]): Subscribing[] {
  return sources.flatMap((s) => {
    const handler = s.connector.subscriptions;
    return handler?.enabled(s.settings) ? [{ ...s, handler }] : [];
  });
}

const isGone = (err: unknown) => err instanceof ConnectorError && err.kind === "not_found";
const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** One scope's work, with its outcome recorded in the store and the report. */
class ScopeWork {
  constructor(
    private readonly deps: SubscriptionDeps,
    private readonly source: Subscribing,
    private readonly report: SubscriptionReport,
  ) {}

  private request() {
    return {
      settings: this.source.settings,
      now: this.deps.now(),
      signal: this.deps.signal ?? new AbortController().signal,
    };
  }

  private get id(): SourceId {
    return this.source.connector.id;
  }

  /** A new subscription for `scope`, in place of `replacing` (the one that is gone, if any). */
  async create(scope: string, replacing: string | null): Promise<boolean> {
    const url = `${this.deps.publicUrl}/webhooks/${this.id}`;
    const claim = { source: this.id, scope, now: this.deps.now(), leaseMs: CREATION_LEASE_MS, replacing };
    // Another process is creating it: one subscription a scope, not one per server.
    if (!(await claimSubscriptionCreation(this.deps.db, claim))) return false;
    try {
      const sub = await this.source.handler.create(this.request(), scope, url);
      await saveSubscription(this.deps.db, { source: this.id, scope, ...toRow(sub), now: this.deps.now() });
      this.report.created.push(scope);
      return true;
    } catch (err) {
      await this.fail(scope, err, true);
      return false;
    }
  }

  async renew(scope: string, id: string): Promise<void> {
    try {
      const sub = await this.source.handler.renew(this.request(), id);
      await saveSubscription(this.deps.db, { source: this.id, scope, ...toRow(sub), now: this.deps.now() });
      this.report.renewed.push(scope);
    } catch (err) {
      if (!isGone(err)) return this.fail(scope, err, false);
      // Gone before its time (removed without a word reaching us): a new one, and what it missed.
      if (await this.create(scope, id)) this.catchUp(scope);
    }
  }

  async reauthorize(scope: string, id: string): Promise<void> {
    try {
      await this.source.handler.reauthorize(this.request(), id);
      this.report.reauthorized.push(scope);
    } catch (err) {
      if (!isGone(err)) return this.fail(scope, err, false);
      if (await this.create(scope, id)) this.catchUp(scope);
    }
  }

  catchUp(scope: string): void {
    if (!this.report.catchUp.some((c) => c.source === this.id && c.scope === scope)) {
      this.report.catchUp.push({ source: this.id, scope });
    }
  }

  private async fail(scope: string, err: unknown, forget: boolean): Promise<void> {
    const message = messageOf(err);
    this.report.failed.push({ source: this.id, scope, message });
    await saveSubscriptionError(this.deps.db, {
      source: this.id,
      scope,
      error: message,
      forget,
      now: this.deps.now(),
    });
  }
}

const toRow = (sub: { id: string; expiresAt: Date }) => ({
  subscriptionId: sub.id,
  expiresAt: sub.expiresAt,
});

const isLive = (
  row: StoredSubscription | undefined,
  now: Date,
): row is StoredSubscription & { subscriptionId: string; expiresAt: Date } =>
  !!row?.subscriptionId && !!row.expiresAt && row.expiresAt.getTime() > now.getTime();

/**
 * One round over every subscribing source's scopes: creates the missing subscriptions and renews those with
 * less than the connector's margin left. A scope whose subscription lapsed is caught up once a new one lives.
 */
export async function maintainSubscriptions(deps: SubscriptionDeps): Promise<SubscriptionReport> {
  const report = emptyReport();
  for (const source of subscribingSources(deps.sources)) {
    const work = new ScopeWork(deps, source, report);
    const scopes = await source.connector.listScopes(source.settings, {
      signal: deps.signal ?? new AbortController().signal,
      report: { requests: () => {}, waiting: () => {} },
    });
    const stored = new Map((await loadSubscriptions(deps.db, source.connector.id)).map((r) => [r.scope, r]));
    for (const scope of scopes) {
      if (deps.signal?.aborted) break;
      const row = stored.get(scope);
      const now = deps.now();
      if (!isLive(row, now)) {
        // A scope that had one (or tried to) may have lost pushes in between.
        if ((await work.create(scope, row?.subscriptionId ?? null)) && row) work.catchUp(scope);
      } else if (row.expiresAt.getTime() - now.getTime() <= source.handler.renewWithinMs) {
        await work.renew(scope, row.subscriptionId);
      }
    }
  }
  return report;
}

/**
 * Answers a source's lifecycle notifications: `reauthorizationRequired` → reauthorize and catch up; `removed` → a new
 * subscription and a catch-up; `missed` → renew (a new one if it is gone) and a catch-up. Notifications about
 * a subscription Threadline does not hold (one of an earlier set-up) change nothing.
 */
export async function answerSubscriptionEvents(
  deps: SubscriptionDeps,
  sourceId: SourceId,
  events: readonly SubscriptionEvent[],
): Promise<SubscriptionReport> {
  const report = emptyReport();
  const source = subscribingSources(deps.sources).find((s) => s.connector.id === sourceId);
  if (!source) return report;
  const work = new ScopeWork(deps, source, report);
  const byId = new Map(
    (await loadSubscriptions(deps.db, sourceId)).flatMap((r) =>
      r.subscriptionId ? [[r.subscriptionId.toLowerCase(), r] as const] : [],
    ),
  );
  for (const { subscriptionId, event } of events) {
    const row = byId.get(subscriptionId.toLowerCase());
    if (!row?.subscriptionId) continue;
    if (event === "reauthorizationRequired") {
      // Graph may have paused the notifications before asking ("any notifications … when the change
      // notification delivery pauses … are lost"): one delta request finds out.
      await work.reauthorize(row.scope, row.subscriptionId);
      work.catchUp(row.scope);
    } else if (event === "removed") {
      if (await work.create(row.scope, row.subscriptionId)) work.catchUp(row.scope);
    } else {
      await work.renew(row.scope, row.subscriptionId);
      work.catchUp(row.scope);
    }
  }
  return report;
}

/** Each subscribing source's scopes: whether a live subscription pushes its changes, and whether it is due. */
export interface SubscribedScope {
  source: SourceId;
  scope: string;
  /** A subscription that has not expired holds it. */
  live: boolean;
  /** Not pulled to its end in the last `SUBSCRIBED_POLL_MS`. */
  due: boolean;
}

export async function loadSubscribedScopes(
  deps: Pick<SubscriptionDeps, "db" | "sources" | "now">,
): Promise<SubscribedScope[]> {
  const now = deps.now();
  const out: SubscribedScope[] = [];
  for (const source of subscribingSources(deps.sources)) {
    const id = source.connector.id;
    const scopes = await source.connector.listScopes(source.settings, {
      signal: new AbortController().signal,
      report: { requests: () => {}, waiting: () => {} },
    });
    const live = new Set(
      (await loadSubscriptions(deps.db, id)).filter((r) => isLive(r, now)).map((r) => r.scope),
    );
    const read = await deps.db
      .select({ scope: sourceScopes.scope, lastSuccessAt: sourceScopes.lastSuccessAt })
      .from(sourceScopes)
      .where(eq(sourceScopes.source, id));
    const lastRead = new Map(read.map((r) => [r.scope, r.lastSuccessAt]));
    for (const scope of scopes) {
      const at = lastRead.get(scope);
      const due = !at || now.getTime() - at.getTime() >= SUBSCRIBED_POLL_MS;
      out.push({ source: id, scope, live: live.has(scope), due });
    }
  }
  return out;
}

/**
 * The scopes of subscribing sources that a scheduled pass pulls: all but those kept up to date by a live
 * subscription and pulled within the last day (Graph discourages polling more than once a day when it
 * pushes: https://learn.microsoft.com/graph/api/resources/teams-api-overview).
 */
export function toScheduledScopes(scopes: readonly SubscribedScope[]): Partial<Record<SourceId, string[]>> {
  const pulled: Partial<Record<SourceId, string[]>> = {};
  for (const s of scopes) {
    const list = pulled[s.source] ?? [];
    pulled[s.source] = list;
    if (!s.live || s.due) list.push(s.scope);
  }
  return pulled;
}
