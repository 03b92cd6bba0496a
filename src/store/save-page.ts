import { sql } from "drizzle-orm";
import type {
  CompleteItemList,
  Identity,
  IdentityRef,
  JsonValue,
  MappedItem,
  MappedTask,
  RawRecord,
  Tombstone,
} from "../../connectors/types.ts";
import type { SourceId } from "../model/kinds.ts";
import { nextTurn } from "../next-turn.ts";
import type { Db } from "./db.ts";
import { saveIdentitiesFirst } from "./identities-first.ts";
import { identityKey, saveIdentities } from "./identity.ts";
import {
  type LinkableItem,
  type Linker,
  type LinkTarget,
  planItemLinks,
  writeLinkPlan,
} from "./item-links.ts";
import { lockTasksForActivity, updateLastActivity } from "./last-activity.ts";
import { pageRows } from "./page-rows.ts";
import { arrayParam } from "./sql-arrays.ts";
import { claimDeliveries } from "./webhook-deliveries.ts";

/** What one page (or one webhook push, or one relink batch) writes. */
export interface PageWrite {
  source: SourceId;
  /** The scope the rows were read through; null keeps each row's scope as it is (relink). */
  scopeId: number | null;
  tasks: Array<{ task: MappedTask; raw: RawRecord }>;
  items: Array<{ item: MappedItem; raw: RawRecord }>;
  identities: Identity[];
  deletions: Tombstone[];
  /** Full lists of a task's items of one kind (a pull's): the stored ones missing from them are tombstoned. */
  completeLists?: CompleteItemList[];
  /** External ids of items whose tombstones the source lifted (mail out of Trash or Spam). */
  restored?: string[];
  /** The cursor this page moves, committed with it. */
  cursor?: { scopeId: number; stream: string; value: JsonValue };
  /**
   * The webhook deliveries this page holds (their source's ids): recorded with the page, and a page whose
   * deliveries were all saved before writes nothing.
   */
  deliveryIds?: string[];
}

export interface PageWriteOptions {
  /** The sync's clock: every bookkeeping time written is this one. */
  now: Date;
  linker: Linker;
}

export interface PageWriteResult {
  tasksNew: number;
  tasksUpdated: number;
  tasksDeleted: number;
  itemsNew: number;
  itemsUpdated: number;
  itemsDeleted: number;
  linksAdded: number;
  linksRemoved: number;
  /** Tasks whose row, items or links changed: the flag engine re-evaluates these. */
  changedTaskKeys: string[];
}

/** Item ids are `<source>:<external id>`, so a repeated pull updates the same row. */
export const itemId = (source: SourceId, externalId: string) => `${source}:${externalId}`;

/** What the linker reads of an item. */
export function toLinkable(source: SourceId, item: MappedItem): LinkableItem {
  const candidate: LinkableItem = { source, kind: item.kind, text: item.text };
  const title = item.meta.subject ?? item.meta.title;
  if (typeof title === "string") candidate.title = title;
  if (item.url) candidate.url = item.url;
  if (item.meta.branch) candidate.branch = item.meta.branch;
  if (item.meta.repo) candidate.repo = item.meta.repo;
  if (item.parentTaskKey) candidate.parentTaskKey = item.parentTaskKey;
  return candidate;
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
const json = (value: unknown) => JSON.stringify(value);

function lastBy<T>(list: readonly T[], key: (t: T) => string): T[] {
  const map = new Map<string, T>();
  for (const entry of list) {
    const k = key(entry);
    map.delete(k); // keep the last occurrence, in the order it came
    map.set(k, entry);
  }
  return [...map.values()];
}

function emptyResult(): PageWriteResult {
  return {
    tasksNew: 0,
    tasksUpdated: 0,
    tasksDeleted: 0,
    itemsNew: 0,
    itemsUpdated: 0,
    itemsDeleted: 0,
    linksAdded: 0,
    linksRemoved: 0,
    changedTaskKeys: [],
  };
}

const RETRYABLE_CODES = new Set(["40P01", "40001"]);

/** untranslatable_character (jsonb's \u0000 escape) and character_not_in_repertoire (a text's 0x00). */
const NUL_CODES = new Set(["22P05", "22021"]);

/** A deep copy of `value` with every U+0000 removed from its strings (keys included). */
function withoutNul<T>(value: T): T {
  if (typeof value === "string") return value.replaceAll("\u0000", "") as T;
  if (Array.isArray(value)) return value.map(withoutNul) as T;
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype)
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k.replaceAll("\u0000", ""), withoutNul(v)]),
    ) as T;
  return value;
}

function sqlState(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return undefined;
}

/**
 * Saves one page in one transaction: identities and people, tasks, items, tombstones, links (with thread
 * inheritance), `last_activity_at`, and the cursor. Every statement is set-based over the whole page, with
 * the rows as one jsonb parameter (no parameter limit). Idempotent: the same page again changes nothing,
 * bookkeeping times included. A deadlock with a concurrent page is retried.
 */
export async function savePage(db: Db, page: PageWrite, options: PageWriteOptions): Promise<PageWriteResult> {
  let nulFree = false;
  for (let attempt = 1; ; attempt++) {
    try {
      // A webhook's delivery already saved writes nothing, its identities included.
      if (!page.deliveryIds?.length)
        await saveIdentitiesFirst(db, page.identities, refsOf(page.tasks, page.items), options.now);
      return await db.transaction((tx) => writePage(tx as unknown as Db, page, options));
    } catch (err) {
      const code = sqlState(err) ?? "";
      // PostgreSQL stores no U+0000 in text or jsonb. Sources do send it (a pasted binary, a broken client);
      // dropping the character keeps the record, where failing would block its scope or lose the push.
      // Checked only after a failure, so the common page pays nothing for it.
      if (NUL_CODES.has(code) && !nulFree) {
        page = withoutNul(page);
        nulFree = true;
        continue;
      }
      if (attempt >= 5 || !RETRYABLE_CODES.has(code)) throw err;
      await new Promise((r) => setTimeout(r, 20 * attempt + Math.floor(Math.random() * 30)));
    }
  }
}

/** Saves several pages in one transaction, in order, answering each page's result. */
export async function savePagesTogether(
  db: Db,
  pages: Iterable<PageWrite>,
  options: PageWriteOptions,
): Promise<PageWriteResult[]> {
  return db.transaction(async (tx) => {
    const results: PageWriteResult[] = [];
    for (const page of pages) results.push(await writePage(tx as unknown as Db, page, options));
    return results;
  });
}

/** `savePage` inside a transaction the caller holds. */
export async function writePage(
  db: Db,
  page: PageWrite,
  options: PageWriteOptions,
): Promise<PageWriteResult> {
  const { source } = page;
  const result = emptyResult();
  if (page.deliveryIds && page.deliveryIds.length > 0) {
    const fresh = await claimDeliveries(db, source, page.deliveryIds, options.now);
    if (fresh === 0) return result;
  }
  const changed = new Set<string>();
  const activity = new Set<string>();
  const tasks = lastBy(page.tasks, (t) => t.task.externalId);
  let items = lastBy(page.items, (i) => i.item.externalId);
  const threads = [
    ...new Set(items.map((i) => i.item.threadId).filter((t): t is string => t !== null)),
  ].sort();
  const refs = refsOf(tasks, items);

  // Statements that do not wait for each other's answers are sent together: on one connection they run in
  // order, but the page pays one round trip for them, not one each (postgres.js pipelines them).
  const [, , persons, existingTasks, restoredItems] = await Promise.all([
    // No waiting for the disk at commit: should the server crash, the last pages are lost together with
    // the cursors that passed them, and the next run pulls them again (Threadline dying loses nothing
    // committed). No JIT: a growing table's stale statistics make these short statements look costly
    // enough to compile, which takes a second or more each. Custom plans: the statements are prepared
    // (`pageRows`), and a generic plan, blind to how few keys a page looks up, may scan a whole table.
    pageRows(
      db,
      sql`select set_config('synchronous_commit', 'off', true), set_config('jit', 'off', true),
                 set_config('plan_cache_mode', 'force_custom_plan', true)`,
    ),
    // The threads this page writes into, locked in order, so two pages of one thread link in turn.
    threads.length > 0
      ? pageRows(
          db,
          sql`
          select pg_advisory_xact_lock(hashtextextended(${`thread:${source}:`} || k, 0))
          from (select k from jsonb_array_elements_text(${json(threads)}::jsonb) as k order by k) s`,
        )
      : undefined,
    saveIdentities(db, page.identities, refs, options.now),
    tasks.length > 0
      ? pageRows<{ key: string; external_id: string; updated_ms: number }>(
          db,
          sql`select key, external_id, (extract(epoch from updated_at) * 1000)::float8 as updated_ms
              from tasks where source = ${source}
              and external_id in (select jsonb_array_elements_text(${json(tasks.map((t) => t.task.externalId))}::jsonb))`,
        )
      : [],
    // Before the items' upsert, which keeps a tombstone it finds.
    writeItemRestores(db, page, options.now),
  ]);
  const personOf = (ref: IdentityRef | null) => (ref ? (persons.get(identityKey(ref)) ?? null) : null);

  // A record older than the stored version of its task (an old or replayed webhook) changes nothing: not the
  // task (its upsert checks the same), nor the items mapped from that record with it.
  const storedMs = new Map(existingTasks.map((e) => [e.external_id, Number(e.updated_ms)]));
  const stale = new Set(
    tasks
      .filter(
        ({ task }) => task.updatedAt.getTime() < (storedMs.get(task.externalId) ?? Number.NEGATIVE_INFINITY),
      )
      .map(({ raw }) => raw),
  );
  if (stale.size > 0) items = items.filter(({ raw }) => !stale.has(raw));

  // A new task's first activity, as far as this page tells: its own items usually come with it, and a task
  // inserted with the value the recomputation below arrives at is not written a second time.
  const newestOf = new Map<string, number>();
  for (const { item } of items) {
    if (!item.parentTaskKey || item.deletedAt) continue;
    const at = item.at.getTime();
    if (at > (newestOf.get(item.parentTaskKey) ?? Number.NEGATIVE_INFINITY))
      newestOf.set(item.parentTaskKey, at);
  }
  const [taskWrite, itemWrite, goneItems, goneTasks] = await Promise.all([
    writeTasks(db, page, tasks, existingTasks, personOf, newestOf),
    writeItems(db, page, items, personOf, options.now),
    writeItemTombstones(db, page, options.now),
    writeTaskTombstones(db, page, options.now),
  ]);
  // After the page's own items are written, so that an item new in the list is not taken for a missing one.
  goneItems.push(...(await writeMissingFromLists(db, page, options.now)));
  result.tasksNew = taskWrite.inserted;
  result.tasksUpdated = taskWrite.updated;
  for (const key of taskWrite.changed) changed.add(key);
  for (const { task } of tasks) activity.add(task.key);
  result.itemsNew = itemWrite.created.size;
  result.itemsUpdated = itemWrite.updated.length;
  result.itemsDeleted = goneItems.length;
  result.tasksDeleted = goneTasks.length;
  for (const key of goneTasks) changed.add(key);
  // Items that changed or went away count for the tasks they are on.
  const touchedItems = [...itemWrite.updated, ...goneItems, ...restoredItems];
  result.itemsUpdated += restoredItems.filter((id) => !itemWrite.updated.includes(id)).length;

  const targets: LinkTarget[] = items.map(({ item }) => ({
    id: itemId(source, item.externalId),
    candidate: toLinkable(source, item),
    threadId: item.threadId,
    messageId: item.meta.messageId ?? null,
    parents: [...new Set([item.meta.inReplyTo, ...(item.meta.references ?? [])])].filter(
      (p): p is string => typeof p === "string" && p !== "",
    ),
  }));
  const plan = await planItemLinks(db, source, targets, options.linker, itemWrite.created);
  for (const key of plan.taskKeys) {
    changed.add(key);
    activity.add(key);
  }
  // The link rows, then the locks of every task whose activity may have moved; then, in a statement of its
  // own (it must see what the transactions it waited for committed), the recomputation, with the cursor.
  const [links, locked] = await Promise.all([
    writeLinkPlan(db, plan, options.now),
    lockTasksForActivity(db, activity, touchedItems),
  ]);
  result.linksAdded = links.added;
  result.linksRemoved = links.removed;
  for (const key of locked.viaItems) changed.add(key);
  const moved = await updateLastActivity(
    db,
    locked.touched,
    page.cursor ? { move: page.cursor, now: options.now } : undefined,
  );
  for (const key of moved) changed.add(key);
  result.changedTaskKeys = [...changed].sort();
  return result;
}

/** The accounts the tasks and items name (assignees, reporters, authors). */
function refsOf(tasks: PageWrite["tasks"], items: PageWrite["items"]): IdentityRef[] {
  const refs: IdentityRef[] = [];
  for (const { task } of tasks) {
    if (task.assignee) refs.push(task.assignee);
    if (task.reporter) refs.push(task.reporter);
  }
  for (const { item } of items) if (item.author) refs.push(item.author);
  return refs;
}

type PersonOf = (ref: IdentityRef | null) => string | null;

/**
 * Characters of text and raw JSON one statement writes at most (a single larger row goes alone). The embedded
 * database runs each statement to its end on the thread that serves the web: a page of megabyte bodies in
 * one statement held it for seconds.
 */
const STATEMENT_CHARS = 256_000;

/** `[first, end)` ranges of `entries` in order, each within `STATEMENT_CHARS` by `sizeOf`. */
function inSizedParts<T>(
  entries: readonly T[],
  sizeOf: (entry: T, index: number) => number,
): Array<[number, number]> {
  const parts: Array<[number, number]> = [];
  let first = 0;
  let size = 0;
  for (const [i, entry] of entries.entries()) {
    const n = sizeOf(entry, i);
    if (i > first && size + n > STATEMENT_CHARS) {
      parts.push([first, i]);
      first = i;
      size = 0;
    }
    size += n;
  }
  if (entries.length > first) parts.push([first, entries.length]);
  return parts;
}

/** Upserts the page's tasks by (source, external id); a task moved to another project takes its links along. */
async function writeTasks(
  db: Db,
  page: PageWrite,
  tasks: PageWrite["tasks"],
  existing: Array<{ key: string; external_id: string; updated_ms: number }>,
  personOf: PersonOf,
  /** The newest item time of each task key in the page, as epoch ms: the first `last_activity_at`. */
  newestOf: ReadonlyMap<string, number>,
): Promise<{ inserted: number; updated: number; changed: string[] }> {
  const out = { inserted: 0, updated: 0, changed: [] as string[] };
  if (tasks.length === 0) return out;
  const rows = tasks.map(({ task, raw }) => ({
    key: task.key,
    external_id: task.externalId,
    title: task.title,
    status: task.status,
    status_category: task.statusCategory,
    url: task.url,
    assignee_id: personOf(task.assignee),
    reporter_id: personOf(task.reporter),
    labels: task.labels,
    priority: task.priority,
    due_at: iso(task.dueAt),
    created_at: iso(task.createdAt),
    updated_at: iso(task.updatedAt),
    last_activity_at: new Date(
      Math.max(task.updatedAt.getTime(), newestOf.get(task.key) ?? Number.NEGATIVE_INFINITY),
    ).toISOString(),
    raw,
    deleted_at: iso(task.deletedAt),
  }));
  const written: Array<{ key: string; inserted: boolean }> = [];
  // In external id order across the parts too: concurrent pages lock rows in one order.
  const rowJson = rows
    .sort((a, b) => (a.external_id < b.external_id ? -1 : a.external_id > b.external_id ? 1 : 0))
    .map((row) => json(row));
  for (const [n, [first, end]] of inSizedParts(rowJson, (j) => j.length).entries()) {
    if (n > 0) await nextTurn();
    const part = `[${rowJson.slice(first, end).join(",")}]`;
    written.push(...(await writeTaskRows(db, page, part)));
  }
  for (const row of written) {
    if (row.inserted) out.inserted++;
    else out.updated++;
    out.changed.push(row.key);
  }
  // A task moved to another project keeps its external id and gets a new key: its links follow it.
  const newKey = new Map(tasks.map(({ task }) => [task.externalId, task.key]));
  const writtenKeys = new Set(written.map((row) => row.key));
  const moved = existing
    .filter((e) => newKey.get(e.external_id) !== e.key && writtenKeys.has(newKey.get(e.external_id)!))
    .map((e) => ({ from: e.key, to: newKey.get(e.external_id)! }));
  if (moved.length > 0) {
    await pageRows(
      db,
      sql`
      update item_links l set task_key = m.to
      from jsonb_to_recordset(${json(moved)}::jsonb) as m("from" text, "to" text)
      where l.task_key = m.from
        and not exists (select 1 from item_links o where o.item_id = l.item_id and o.task_key = m.to)`,
    );
    for (const m of moved) out.changed.push(m.from);
  }
  return out;
}

/** One statement of `writeTasks`: the rows given as a JSON array. */
function writeTaskRows(
  db: Db,
  page: PageWrite,
  rowsJson: string,
): Promise<Array<{ key: string; inserted: boolean }>> {
  return pageRows<{ key: string; inserted: boolean }>(
    db,
    sql`insert into tasks as t (key, source, scope_id, external_id, title, status, status_category, url,
          assignee_id, reporter_id, labels, priority, due_at, created_at, updated_at, last_activity_at, raw, deleted_at)
        select x.key, ${page.source}, ${page.scopeId}::int, x.external_id, x.title, x.status, x.status_category,
               x.url, x.assignee_id, x.reporter_id, coalesce(x.labels, '{}'), x.priority, x.due_at, x.created_at,
               x.updated_at, x.last_activity_at, x.raw, x.deleted_at
        from jsonb_to_recordset(${rowsJson}::jsonb) as x(key text, external_id text, title text, status text,
             status_category text, url text, assignee_id text, reporter_id text, labels text[], priority text,
             due_at timestamptz, created_at timestamptz, updated_at timestamptz, last_activity_at timestamptz,
             raw jsonb, deleted_at timestamptz)
        order by x.external_id
        on conflict (source, external_id) do update set
          key = excluded.key, scope_id = coalesce(excluded.scope_id, t.scope_id), title = excluded.title,
          status = excluded.status, status_category = excluded.status_category, url = excluded.url,
          assignee_id = excluded.assignee_id, reporter_id = excluded.reporter_id, labels = excluded.labels,
          priority = excluded.priority, due_at = excluded.due_at, created_at = excluded.created_at,
          updated_at = excluded.updated_at, raw = excluded.raw, deleted_at = coalesce(excluded.deleted_at, t.deleted_at)
        -- Never an older version over a newer one (an old or replayed webhook, a pull that read before a push):
        -- the source's own updated time decides.
        where excluded.updated_at >= t.updated_at
          and (t.key, t.scope_id, t.title, t.status, t.status_category, t.url, t.assignee_id, t.reporter_id,
               t.labels, t.priority, t.due_at, t.created_at, t.updated_at, t.raw, t.deleted_at)
           is distinct from
              (excluded.key, coalesce(excluded.scope_id, t.scope_id), excluded.title, excluded.status,
               excluded.status_category, excluded.url, excluded.assignee_id, excluded.reporter_id, excluded.labels,
               excluded.priority, excluded.due_at, excluded.created_at, excluded.updated_at, excluded.raw,
               coalesce(excluded.deleted_at, t.deleted_at))
        returning t.key, (t.xmax = 0) as inserted`,
  );
}

/** Upserts the page's items by (source, external id); answers which it created and which it changed. */
async function writeItems(
  db: Db,
  page: PageWrite,
  items: PageWrite["items"],
  personOf: PersonOf,
  now: Date,
): Promise<{ created: Set<string>; updated: string[] }> {
  const out = { created: new Set<string>(), updated: [] as string[] };
  if (items.length === 0) return out;
  // One array per column (see `arrayParam`), in id order: concurrent pages lock rows in one order.
  const sorted = items
    .map((entry) => ({ id: itemId(page.source, entry.item.externalId), ...entry }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const rawJson = sorted.map((e) => json(e.raw));
  const written: Array<{ id: string; inserted: boolean }> = [];
  const parts = inSizedParts(sorted, (e, i) => e.item.text.length + rawJson[i]!.length);
  for (const [n, [first, end]] of parts.entries()) {
    if (n > 0) await nextTurn();
    const part = sorted.slice(first, end);
    const raws = rawJson.slice(first, end);
    written.push(...(await writeItemRows(db, page, part, raws, personOf, now)));
  }
  for (const row of written) {
    if (row.inserted) out.created.add(row.id);
    else out.updated.push(row.id);
  }
  return out;
}

type SortedItem = PageWrite["items"][number] & { id: string };

/** One statement of `writeItems`. */
function writeItemRows(
  db: Db,
  page: PageWrite,
  sorted: SortedItem[],
  rawJson: string[],
  personOf: PersonOf,
  now: Date,
): Promise<Array<{ id: string; inserted: boolean }>> {
  // A row written alone (one too big to share its statement, a megabyte body or a raw record of tens of
  // megabytes; or a page of one) binds each of its values as a parameter of its own, so neither side spends
  // seconds escaping it into an array literal and parsing it out again.
  const alone = sorted.length === 1;
  const column = (values: Array<string | null>, type: "text" | "timestamptz" | "jsonb") =>
    alone
      ? sql`array[${values[0] ?? null}::${sql.raw(type)}]`
      : sql`${arrayParam(values)}::${sql.raw(type)}[]`;
  const text = (value: (entry: SortedItem) => string | null) => column(sorted.map(value), "text");
  const time = (value: (entry: SortedItem) => Date | null | undefined) =>
    column(
      sorted.map((e) => iso(value(e))),
      "timestamptz",
    );
  const meta = column(
    sorted.map((e) => json(e.item.meta)),
    "jsonb",
  );
  const audience = column(
    sorted.map((e) => (e.item.audience == null ? null : json(e.item.audience))),
    "jsonb",
  );
  // Rows written together take the raw records as one JSON array, not an array literal: each is serialised
  // once, with no second pass to escape it for the literal; json (not jsonb) is only checked, not built.
  const raws = alone
    ? column(rawJson, "jsonb")
    : sql`array(select r.raw::jsonb from json_array_elements(${`[${rawJson.join(",")}]`}::json)
                with ordinality as r(raw, n) order by r.n)`;
  return pageRows<{ id: string; inserted: boolean }>(
    db,
    sql`insert into items as i (id, source, external_id, scope_id, kind, author_id, at, text, url, thread_id,
          meta, raw, audience, edited_at, deleted_at, updated_at)
        select x.id, ${page.source}, x.external_id, ${page.scopeId}::int, x.kind, x.author_id, x.at, x.text, x.url,
               x.thread_id, x.meta, x.raw, x.audience, x.edited_at, x.deleted_at, ${iso(now)}::timestamptz
        from unnest(${text((e) => e.id)}, ${text((e) => e.item.externalId)}, ${text((e) => e.item.kind)},
                    ${text((e) => personOf(e.item.author))}, ${time((e) => e.item.at)}, ${text((e) => e.item.text)},
                    ${text((e) => e.item.url)}, ${text((e) => e.item.threadId)}, ${meta}, ${raws},
                    ${audience}, ${time((e) => e.item.editedAt)}, ${time((e) => e.item.deletedAt)})
             as x(id, external_id, kind, author_id, at, text, url, thread_id, meta, raw, audience, edited_at,
                  deleted_at)
        on conflict (source, external_id) do update set
          scope_id = coalesce(excluded.scope_id, i.scope_id), kind = excluded.kind, author_id = excluded.author_id,
          at = excluded.at, text = excluded.text, url = excluded.url, thread_id = excluded.thread_id,
          meta = excluded.meta, raw = excluded.raw, audience = excluded.audience, edited_at = excluded.edited_at,
          deleted_at = coalesce(excluded.deleted_at, i.deleted_at), updated_at = excluded.updated_at
        -- Never an older version over a newer one: the source's edit time (or, unedited, its creation) decides.
        where coalesce(excluded.edited_at, excluded.at) >= coalesce(i.edited_at, i.at)
          and (i.scope_id, i.kind, i.author_id, i.at, i.text, i.url, i.thread_id, i.meta, i.raw, i.audience,
               i.edited_at, i.deleted_at)
           is distinct from
              (coalesce(excluded.scope_id, i.scope_id), excluded.kind, excluded.author_id, excluded.at,
               excluded.text, excluded.url, excluded.thread_id, excluded.meta, excluded.raw, excluded.audience,
               excluded.edited_at, coalesce(excluded.deleted_at, i.deleted_at))
        returning i.id, (i.xmax = 0) as inserted`,
  );
}

// Tombstones: the row stays, with its links, and leaves timelines and activity. A tombstone is final: a record
// pulled again (a backfill replaying history, a relink) does not bring the row back; only the source saying
// the item is back (`restored`) does.

async function writeItemRestores(db: Db, page: PageWrite, now: Date): Promise<string[]> {
  if (!page.restored || page.restored.length === 0) return [];
  const written = await pageRows<{ id: string }>(
    db,
    sql`update items i set deleted_at = null, updated_at = ${iso(now)}::timestamptz
        where i.source = ${page.source} and i.deleted_at is not null
          and i.external_id in (select jsonb_array_elements_text(${json(page.restored)}::jsonb))
        returning i.id`,
  );
  return written.map((r) => r.id);
}

async function writeItemTombstones(db: Db, page: PageWrite, now: Date): Promise<string[]> {
  const gone = page.deletions.filter((d) => d.type === "item");
  if (gone.length === 0) return [];
  const rows = gone.map((d) => ({ external_id: d.externalId, at: iso(d.at) ?? iso(now) }));
  const written = await pageRows<{ id: string }>(
    db,
    sql`update items i set deleted_at = d.at, updated_at = ${iso(now)}::timestamptz
        from jsonb_to_recordset(${json(rows)}::jsonb) as d(external_id text, at timestamptz)
        where i.source = ${page.source} and i.external_id = d.external_id and i.deleted_at is null
        returning i.id`,
  );
  return written.map((r) => r.id);
}

/** Items stored under a task and missing from the source's full list of them: deleted there. */
async function writeMissingFromLists(db: Db, page: PageWrite, now: Date): Promise<string[]> {
  const lists = page.completeLists ?? [];
  if (lists.length === 0) return [];
  const rows = lists.map((l) => ({
    task_key: l.parentTaskKey,
    kind: l.kind,
    keep: l.externalIds,
    as_of: iso(l.asOf),
  }));
  const written = await pageRows<{ id: string }>(
    db,
    sql`update items i set deleted_at = ${iso(now)}::timestamptz, updated_at = ${iso(now)}::timestamptz
        from jsonb_to_recordset(${json(rows)}::jsonb) as d(task_key text, kind text, keep jsonb, as_of timestamptz),
             item_links l
        where l.task_key = d.task_key and l.rule = 'source_parent' and not l.removed and l.item_id = i.id
          and i.source = ${page.source} and i.kind = d.kind and i.deleted_at is null
          and i.at <= d.as_of and not (d.keep @> to_jsonb(i.external_id))
        returning i.id`,
  );
  return written.map((r) => r.id);
}

async function writeTaskTombstones(db: Db, page: PageWrite, now: Date): Promise<string[]> {
  const gone = page.deletions.filter((d) => d.type === "task");
  if (gone.length === 0) return [];
  const rows = gone.map((d) => ({ external_id: d.externalId, at: iso(d.at) ?? iso(now) }));
  const written = await pageRows<{ key: string }>(
    db,
    sql`update tasks t set deleted_at = d.at
        from jsonb_to_recordset(${json(rows)}::jsonb) as d(external_id text, at timestamptz)
        where t.source = ${page.source} and t.external_id = d.external_id and t.deleted_at is null
        returning t.key`,
  );
  return written.map((r) => r.key);
}
