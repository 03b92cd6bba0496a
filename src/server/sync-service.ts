import { toCommaList } from "../../connectors/kit/comma-list.ts";
import { CONNECTORS, type ConnectorSet, listSources } from "../../connectors/registry.ts";
import type { SourceId } from "../model/kinds.ts";
import type { PeopleFileEntry } from "../model/people-file.ts";
import type { Db } from "../store/db.ts";
import type { Linker } from "../store/item-links.ts";
import { runSync, type SyncReport, type SyncSource } from "../sync/engine.ts";
import { toLinkContext } from "../sync/link-context.ts";
import { createLinker } from "../sync/linker.ts";
import { configureSources } from "../sync/sources.ts";
import type { WebhookSource } from "../webhooks/webhook-routes.ts";

export interface SyncServiceOptions {
  db: Db;
  env: Readonly<Record<string, string | undefined>>;
  connectors?: ConnectorSet;
  now?: () => Date;
  /** After a sync or push committed changes: the tasks whose flags must be evaluated again. */
  onTasksChanged?: (taskKeys: readonly string[]) => Promise<void>;
  onSyncFinished?: (report: SyncReport) => void;
  onError?: (err: unknown, context: { during: string }) => void;
  /** The people file, applied after each pass. */
  people?: readonly PeopleFileEntry[];
  /** When the schedule that runs these passes runs the next one (the Worker's cron), for `threadline status`. */
  nextPassAt?: () => Date | null;
}

/** What `POST /api/sync` answers about the pass it asked for. */
export interface SyncStart {
  /** False when a pass is already running: one more runs right after it, so nothing is missed. */
  startedNow: boolean;
  sources: SourceId[];
}

/**
 * The server's one place that runs incremental syncs: `POST /api/sync`, and the pushes that only say
 * "something changed" (Graph, Gmail). At most one pass runs at a time; asks that arrive during a pass are
 * folded into one follow-up pass, so a burst of webhooks costs two passes, not one per push.
 */
export class SyncService {
  readonly sources: readonly SyncSource[];
  readonly linker: Linker;
  private running: Promise<void> | undefined;
  private again = false;
  /** What the next pass pulls: every scope (null), or only these of each source named. */
  private nextScopes: Partial<Record<SourceId, readonly string[]>> | null = null;
  private queuedScopes: Partial<Record<SourceId, readonly string[]>> | null | undefined;
  private readonly now: () => Date;
  private readonly stopping = new AbortController();

  constructor(private readonly options: SyncServiceOptions) {
    const registry = options.connectors ?? CONNECTORS;
    this.sources = configureSources(options.env, [], registry);
    this.linker = createLinker(toLinkContext(options.env, listSources(registry)));
    this.now = options.now ?? (() => new Date());
  }

  /** The configured sources by id, with the settings their webhooks are verified with. */
  webhookSources(): Partial<Record<SourceId, WebhookSource>> {
    return Object.fromEntries(this.sources.map((s) => [s.connector.id, s]));
  }

  /**
   * Starts an incremental pass now, or right after the one running. `scopes` limits the pass to these
   * scopes of the sources it names (others pull everything); asks folded into one pass pull what any of them
   * asked for.
   */
  request(scopes?: Partial<Record<SourceId, readonly string[]>>): SyncStart {
    const sources = this.sources.map((s) => s.connector.id);
    const wanted = scopes ?? null;
    if (this.running) {
      this.again = true;
      this.queuedScopes = this.queuedScopes === undefined ? wanted : mergeScopes(this.queuedScopes, wanted);
      return { startedNow: false, sources };
    }
    this.nextScopes = wanted;
    this.running = this.loop().finally(() => {
      this.running = undefined;
    });
    return { startedNow: true, sources };
  }

  /** Resolves when no pass is running or queued. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stops the running pass after its pages in flight are saved (they resume on the next one). */
  async stop(): Promise<void> {
    this.again = false;
    this.stopping.abort();
    await this.idle();
  }

  private async loop(): Promise<void> {
    do {
      if (this.again) {
        this.nextScopes = this.queuedScopes ?? null;
        this.queuedScopes = undefined;
      }
      this.again = false;
      await this.pass();
    } while (this.again);
  }

  private async pass(): Promise<void> {
    if (this.sources.length === 0 || this.stopping.signal.aborted) return;
    try {
      const report = await runSync({
        db: this.options.db,
        sources: this.sources,
        mode: "sync",
        linker: this.linker,
        now: this.now,
        signal: this.stopping.signal,
        ...(this.nextScopes ? { scopes: this.nextScopes } : {}),
        secretKey: this.options.env.THREADLINE_SECRET_KEY,
        teamDomains: toCommaList(this.options.env.THREADLINE_TEAM_DOMAINS ?? "").map((d) => d.toLowerCase()),
        ...(this.options.people ? { people: this.options.people } : {}),
        ...(this.options.nextPassAt ? { nextPassAt: this.options.nextPassAt() } : {}),
        // A first pass over a large organisation reads for hours: the flags of current work come first.
        ...(this.options.onTasksChanged ? { evaluateEarly: this.options.onTasksChanged } : {}),
      });
      this.options.onSyncFinished?.(report);
      if (report.changedTaskKeys.size > 0) await this.options.onTasksChanged?.([...report.changedTaskKeys]);
    } catch (err) {
      this.options.onError?.(err, { during: "sync" });
    }
  }
}

/** Two asks as one: null (everything) wins; otherwise each source's scopes together. */
function mergeScopes(
  a: Partial<Record<SourceId, readonly string[]>> | null,
  b: Partial<Record<SourceId, readonly string[]>> | null,
): Partial<Record<SourceId, readonly string[]>> | null {
  if (a === null || b === null) return null;
  // A source that one ask does not name is pulled whole; one both limit gets the scopes of both.
  const out: Partial<Record<SourceId, readonly string[]>> = {};
  for (const [source, scopes] of Object.entries(a)) {
    if (source in b) out[source] = [...new Set([...(scopes ?? []), ...(b[source] ?? [])])];
  }
  return out;
}
