import type { ConnectorSet } from "../../connectors/registry.ts";
import type {
  Connector,
  Identity,
  JsonValue,
  MappedItem,
  MappedTask,
  RawRecord,
} from "../../connectors/types.ts";
import type { LinkContext } from "../linking/index.ts";
import type { PeopleFileEntry } from "../model/people-file.ts";
import type { Db } from "../store/db.ts";
import type { Linker } from "../store/item-links.ts";
import { reconcilePeople } from "../store/reconcile-people.ts";
import { type PageWrite, savePagesTogether } from "../store/save-page.ts";
import { loadRawRecordPage, loadStoredCounts } from "../store/stored-raw-records.ts";
import { emptyLinkContext } from "./engine.ts";
import { createLinker } from "./linker.ts";
import { withinBudget } from "./to-page-write.ts";

export interface RelinkOptions {
  db: Db;
  /** The connectors whose `map` is replayed; rows of other sources are counted as skipped. */
  connectors: ConnectorSet;
  linkContext?: LinkContext;
  linker?: Linker;
  now?: () => Date;
  /** Rows read and saved per transaction (default 500): memory stays flat whatever the table size. */
  batchSize?: number;
  onProgress?(progress: RelinkProgress): void;
  /** The people file, applied after the replay (with the joins by email the replay makes possible). */
  people?: readonly PeopleFileEntry[];
}

export interface RelinkProgress {
  tasksDone: number;
  tasksTotal: number;
  itemsDone: number;
  itemsTotal: number;
}

export interface RelinkReport {
  tasks: number;
  items: number;
  tasksUpdated: number;
  itemsUpdated: number;
  linksAdded: number;
  linksRemoved: number;
  /** Rows with no raw payload, of a source without a connector, or whose record no longer maps to them. */
  skipped: number;
  /** Records the mapper could not read (the first few messages in `errors`). */
  failed: number;
  errors: string[];
  changedTaskKeys: Set<string>;
  durationMs: number;
}

/** A stored `raw` as the record it was, or null when it is not one. */
function toRawRecord(value: JsonValue | null): RawRecord | null {
  if (!value || typeof value !== "object" || Array.isArray(value)) return null;
  if (typeof value.type !== "string" || !("data" in value)) return null;
  const record: RawRecord = { type: value.type, data: value.data ?? null };
  const context = value.context;
  if (context && typeof context === "object" && !Array.isArray(context)) {
    record.context = Object.fromEntries(
      Object.entries(context).filter((e): e is [string, string] => typeof e[1] === "string"),
    );
  }
  return record;
}

/**
 * Replays every connector's `map` and the linking rules over the raw payloads already stored, for every
 * task and item, without asking any API: for when a mapper, a linking rule or a setting (a new Jira project)
 * changed. Streams in key order, one transaction per batch. Manual links are left as they are. Then joins
 * people by the people file and by the emails the identities vouch for (`reconcilePeople`).
 */
export async function relinkAll(options: RelinkOptions): Promise<RelinkReport> {
  const started = performance.now();
  const now = options.now ?? (() => new Date());
  const linker = options.linker ?? createLinker(options.linkContext ?? emptyLinkContext());
  const batchSize = options.batchSize ?? 500;
  const report: RelinkReport = {
    tasks: 0,
    items: 0,
    tasksUpdated: 0,
    itemsUpdated: 0,
    linksAdded: 0,
    linksRemoved: 0,
    skipped: 0,
    failed: 0,
    errors: [],
    changedTaskKeys: new Set(),
    durationMs: 0,
  };
  const totals = await loadStoredCounts(options.db);
  const progress: RelinkProgress = {
    tasksDone: 0,
    tasksTotal: totals.tasks,
    itemsDone: 0,
    itemsTotal: totals.items,
  };
  const connectorOf = (source: string): Connector | undefined =>
    Object.hasOwn(options.connectors, source) ? options.connectors[source] : undefined;

  for (const table of ["tasks", "items"] as const) {
    let after = "";
    for (;;) {
      const rows = await loadRawRecordPage(options.db, table, after, batchSize);
      if (rows.length === 0) break;
      after = rows[rows.length - 1]!.cursor;

      // Group the batch by (source, scope): each group is one write, all in one transaction.
      const groups = new Map<string, PageWrite>();
      for (const row of rows) {
        const connector = connectorOf(row.source);
        const raw = toRawRecord(row.raw);
        if (!connector || !raw) {
          report.skipped++;
          continue;
        }
        let tasks: MappedTask[] = [];
        let items: MappedItem[] = [];
        let identities: Identity[] = [];
        try {
          const mapped = connector.map(raw);
          tasks = (mapped.tasks ?? []).filter((t) => t.externalId === row.external_id);
          items = (mapped.items ?? []).filter((i) => i.externalId === row.external_id).map(withinBudget);
          identities = mapped.identities ?? [];
        } catch (err) {
          report.failed++;
          if (report.errors.length < 10) {
            report.errors.push(
              `[threadline] [${row.source}] cannot map the stored "${raw.type}" record of ${table} ${row.cursor}: ${err instanceof Error ? err.message : String(err)}`,
            );
          }
          continue;
        }
        const mine = table === "tasks" ? tasks.length : items.length;
        if (mine === 0) {
          report.skipped++;
          continue;
        }
        const key = `${row.source}\u0000${row.scope_id ?? ""}`;
        let group = groups.get(key);
        if (!group) {
          group = {
            source: connector.id,
            scopeId: row.scope_id === null ? null : Number(row.scope_id),
            tasks: [],
            items: [],
            identities: [],
            deletions: [],
          };
          groups.set(key, group);
        }
        if (table === "tasks") for (const task of tasks) group.tasks.push({ task, raw });
        else for (const item of items) group.items.push({ item, raw });
        group.identities.push(...identities);
      }
      if (groups.size > 0) {
        for (const saved of await savePagesTogether(options.db, groups.values(), { now: now(), linker })) {
          report.tasksUpdated += saved.tasksUpdated + saved.tasksNew;
          report.itemsUpdated += saved.itemsUpdated + saved.itemsNew;
          report.linksAdded += saved.linksAdded;
          report.linksRemoved += saved.linksRemoved;
          for (const k of saved.changedTaskKeys) report.changedTaskKeys.add(k);
        }
      }
      if (table === "tasks") {
        report.tasks += rows.length;
        progress.tasksDone += rows.length;
      } else {
        report.items += rows.length;
        progress.itemsDone += rows.length;
      }
      options.onProgress?.({ ...progress });
      if (rows.length < batchSize) break;
    }
  }
  for (const key of await reconcilePeople(options.db, { people: options.people ?? [], now: now() }))
    report.changedTaskKeys.add(key);
  report.durationMs = Math.round(performance.now() - started);
  return report;
}
