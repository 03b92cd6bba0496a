import { type SQL, sql } from "drizzle-orm";
import type { Item, Task } from "../model/api-schemas.ts";
import type { FlagKind, ItemKind, SourceId } from "../model/kinds.ts";
import type { Db } from "./db.ts";
import { loadVisibleFlags } from "./flag-queries.ts";
import { isFlagVisible } from "./flag-visibility.ts";
import { canRead, type ItemReader } from "./item-audience.ts";
import { pageRows } from "./page-rows.ts";
import { survivorOf, toPerson } from "./people-queries.ts";
import { PULL_REQUEST_WORK_KINDS, pullRequestEdges } from "./pull-request-work.ts";
import { queryRows } from "./rows.ts";
import { exactUtc, isoUtc, likeLiteral } from "./sql-fragments.ts";

/** Where a page of tasks ends, in its order (`last_activity_at desc, key asc`); `lastActivityAt` to the µs. */
export interface TaskPosition {
  lastActivityAt: string;
  key: string;
}

/** Where a page of items ends, in its order (`at desc, id desc`); `at` to the µs. */
export interface ItemPosition {
  at: string;
  id: string;
}

export interface TaskPageQuery {
  /** Only tasks with a flag of this kind that shows as of `now`. */
  flag?: FlagKind;
  /** Web-search words over key and title, or a case-insensitive key prefix. */
  q?: string;
  limit: number;
  /** The position of the previous page's last task. */
  after?: TaskPosition;
  now: Date;
  /** Who reads: flags raised by items hidden from them say so instead of their reason. */
  reader: ItemReader;
}

export interface ResultPage<T, P> {
  rows: T[];
  /** The last row's position when more rows follow, else null. */
  next: P | null;
}

interface TaskRow {
  key: string;
  title: string;
  status: string;
  source: SourceId;
  url: string;
  updated_at: string;
  last_activity_at: string;
  position_at: string;
  assignee_id: string | null;
  assignee_name: string | null;
  assignee_email: string | null;
}

/**
 * Tasks matching `q`: the generated `tasks.search` vector (key and title, GIN-indexed), or a case-insensitive
 * key prefix (`FAL-12`, `acme/api#3`, which the `simple` parser splits into pieces).
 *
 * The text of linked items is not searched: without an index on it that is a scan of every item (seconds at
 * a million). With a GIN index on `to_tsvector('simple', items.text)` it is one more `or`:
 * `t.key in (select l.task_key from items i join item_links l on l.item_id = i.id
 *            where to_tsvector('simple', i.text) @@ <words> and not l.removed and i.deleted_at is null)`.
 */
function matchesText(q: string): SQL {
  return sql`(t.search @@ websearch_to_tsquery('simple', ${q})
    or lower(t.key) like ${`${likeLiteral(q.toLowerCase())}%`} escape '\\')`;
}

/** The tasks of `where`, in timeline order, with their assignees; flags are added by `withFlags`. */
async function selectTasks(db: Db, where: SQL[], limit: number): Promise<TaskRow[]> {
  return queryRows<TaskRow>(
    db,
    sql`select t.key, t.title, t.status, t.source, t.url,
               ${isoUtc(sql`t.updated_at`)} as updated_at,
               ${isoUtc(sql`t.last_activity_at`)} as last_activity_at,
               ${exactUtc(sql`t.last_activity_at`)} as position_at,
               a.id as assignee_id, a.name as assignee_name, a.email as assignee_email
        from tasks t
        left join lateral ${survivorOf(sql`t.assignee_id`)} a on true
        where ${sql.join(where, sql` and `)}
        -- nulls last, as tasks_last_activity_idx has it (the column is not null): the page is read off the index.
        order by t.last_activity_at desc nulls last, t.key asc
        limit ${limit}`,
  );
}

/** The rows as Tasks, each with its visible flags as `reader` may see them. */
async function withFlags(db: Db, rows: TaskRow[], now: Date, reader: ItemReader): Promise<Task[]> {
  const flags = await loadVisibleFlags(db, { taskKeys: rows.map((r) => r.key), now, reader });
  const byTask = new Map<string, Task["flags"]>();
  for (const flag of flags) {
    const list = byTask.get(flag.taskKey) ?? [];
    list.push(flag);
    byTask.set(flag.taskKey, list);
  }
  return rows.map((r) => ({
    key: r.key,
    title: r.title,
    status: r.status,
    source: r.source,
    url: r.url,
    assignee: toPerson(r.assignee_id, r.assignee_name, r.assignee_email),
    updatedAt: r.updated_at,
    lastActivityAt: r.last_activity_at,
    flags: byTask.get(r.key) ?? [],
  }));
}

/**
 * One page of the tasks that are not deleted, most recently active first (`last_activity_at desc, key asc`,
 * keyset pagination on the `tasks_last_activity_idx` order). Two queries: the page with its assignees, then
 * the flags of all its tasks.
 */
export async function loadTaskPage(db: Db, query: TaskPageQuery): Promise<ResultPage<Task, TaskPosition>> {
  const where: SQL[] = [sql`t.deleted_at is null`];
  if (query.flag) {
    where.push(sql`exists (select 1 from flags f where f.task_key = t.key and f.kind = ${query.flag}
                           and ${isFlagVisible("f", query.now)})`);
  }
  const q = query.q?.trim();
  if (q) where.push(matchesText(q));
  if (query.after) {
    const at = sql`${query.after.lastActivityAt}::timestamptz`;
    // The first condition is the index range; the second the tie-break on key within one instant.
    where.push(
      sql`t.last_activity_at <= ${at} and (t.last_activity_at < ${at} or t.key > ${query.after.key})`,
    );
  }
  const rows = await selectTasks(db, where, query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    rows: await withFlags(db, page, query.now, query.reader),
    next: rows.length > query.limit && last ? { lastActivityAt: last.position_at, key: last.key } : null,
  };
}

/** A task that is not deleted, with its assignee and visible flags; null when there is none. */
export async function loadTask(db: Db, key: string, now: Date, reader: ItemReader): Promise<Task | null> {
  const rows = await selectTasks(db, [sql`t.key = ${key}`, sql`t.deleted_at is null`], 1);
  const [task] = await withFlags(db, rows, now, reader);
  return task ?? null;
}

interface ItemRow {
  id: string;
  source: SourceId;
  kind: ItemKind;
  at: string;
  position_at: string;
  text: string;
  url: string | null;
  thread_id: string | null;
  author_id: string | null;
  author_name: string | null;
  author_email: string | null;
}

/** A timeline row: `via` is the pull request it came through, null for the task's own items. */
interface TimelineRow extends ItemRow {
  via: string | null;
}

const toItem = (r: ItemRow, taskKey: string | null): Item => ({
  id: r.id,
  source: r.source,
  kind: r.kind,
  taskKey,
  author: toPerson(r.author_id, r.author_name, r.author_email),
  at: r.at,
  text: r.text,
  url: r.url,
  threadId: r.thread_id,
});

const itemColumns = sql`i.id, i.source, i.kind, ${isoUtc(sql`i.at`)} as at, ${exactUtc(sql`i.at`)} as position_at,
  i.text, i.url, i.thread_id`;

/** An item as the web's task page shows it: the API's fields and what it reads from `meta`. */
export interface TimelineEntry extends Item {
  /** The pull request the item came through, when it is not the task's own. */
  via: string | null;
  subject: string | null;
  /** An email's whole body as HTML (sanitised once more before it is shown), when it had one. */
  html: string | null;
  /** An email's whole plain-text body. */
  bodyText: string | null;
  /**
   * Set when the email's sender is unverified (the receiving server did not vouch for its From address): why,
   * in the words of the check (`dmarc=fail`).
   */
  unverifiedSender: string | null;
}

interface EntryRow extends TimelineRow {
  subject: string | null;
  html: string | null;
  body_text: string | null;
  unverified_sender: string | null;
}

/**
 * The items on a task's timeline, with the columns `extra` names besides the API's: linked by a link that is
 * not removed, not deleted, oldest first (`at asc, id asc`), and the reviews, review comments, comments and
 * deployments of the pull requests linked to it (`via` names the pull request; an item a person took off the
 * task stays off). Reads `item_links_task_idx` and joins items by primary key; authors are the survivors of
 * any merge, resolved once per distinct author, not once per item. Prepared (`pageRows`): one round trip.
 */
async function selectTimeline<T extends TimelineRow>(
  db: Db,
  taskKey: string,
  extra: SQL | null,
  reader: ItemReader,
): Promise<T[]> {
  const columns = extra ? sql`${itemColumns}, ${extra}` : itemColumns;
  const key = sql`${sql.param([taskKey])}::text[]`;
  return pageRows<T>(
    db,
    sql`with linked as (
          select ${columns}, i.at as sort_at, i.author_id as raw_author, null::text as via
          from item_links l join items i on i.id = l.item_id
          where l.task_key = ${taskKey} and not l.removed and i.deleted_at is null and ${canRead("i", reader)}
          union all
          select * from (
            select distinct on (i.id) ${columns}, i.at as sort_at, i.author_id as raw_author, e.pr_key as via
            from (${pullRequestEdges(key)}) e
            join item_links l on l.task_key = e.pr_key and not l.removed
            join items i on i.id = l.item_id
            where e.task_key = ${taskKey} and i.deleted_at is null and ${canRead("i", reader)}
              and i.kind = any(${sql.param([...PULL_REQUEST_WORK_KINDS])}::text[])
              and not exists (select 1 from item_links o where o.item_id = i.id and o.task_key = ${taskKey})
            order by i.id, e.pr_key
          ) through
        ),
        authors as (
          select x.raw_author, a.id, a.name, a.email
          from (select distinct raw_author from linked where raw_author is not null) x
          cross join lateral ${survivorOf(sql`x.raw_author`)} a
        )
        select linked.*, authors.id as author_id, authors.name as author_name, authors.email as author_email
        from linked left join authors on authors.raw_author = linked.raw_author
        order by linked.sort_at asc, linked.id asc`,
  );
}

/**
 * The timeline of a task as the API shows it to `reader` (see `selectTimeline`; items hidden from them left
 * out): each item's `taskKey` is `taskKey`, or the pull request it came through.
 */
export async function loadTimelineItems(db: Db, taskKey: string, reader: ItemReader): Promise<Item[]> {
  const rows = await selectTimeline<TimelineRow>(db, taskKey, null, reader);
  return rows.map((r) => toItem(r, r.via ?? taskKey));
}

/**
 * The timeline of a task as the web's task page shows it: `loadTimelineItems` with each email's subject and
 * bodies, which only that page reads (a body can be large, so the API's query leaves them in the row).
 */
export async function loadTimelineEntries(
  db: Db,
  taskKey: string,
  reader: ItemReader,
): Promise<TimelineEntry[]> {
  const rows = await selectTimeline<EntryRow>(
    db,
    taskKey,
    sql`i.meta->>'subject' as subject, i.meta->'body'->>'html' as html, i.meta->'body'->>'text' as body_text,
        case when i.meta->'senderVerified' = 'false'::jsonb then coalesce(i.meta->>'senderCheck', '') end
          as unverified_sender`,
    reader,
  );
  return rows.map((r) => ({
    ...toItem(r, r.via ?? taskKey),
    via: r.via,
    subject: r.subject,
    html: r.html,
    bodyText: r.body_text,
    unverifiedSender: r.unverified_sender,
  }));
}

/** One item that is not deleted, as the API shows it (`taskKey` as given); null when there is none. */
export async function loadItem(db: Db, itemId: string, taskKey: string | null): Promise<Item | null> {
  const rows = await queryRows<ItemRow>(
    db,
    sql`select ${itemColumns}, a.id as author_id, a.name as author_name, a.email as author_email
        from items i left join lateral ${survivorOf(sql`i.author_id`)} a on true
        where i.id = ${itemId} and i.deleted_at is null`,
  );
  const row = rows[0];
  return row ? toItem(row, taskKey) : null;
}

/**
 * One page of the items that are on no task ("discussed but never put on a task"): not deleted, with no
 * link that is not removed to a task that exists and is not deleted. Newest first (`at desc, id desc`),
 * `taskKey` null.
 */
export async function loadUnlinkedItems(
  db: Db,
  query: { limit: number; after?: ItemPosition; reader: ItemReader },
): Promise<ResultPage<Item, ItemPosition>> {
  const where: SQL[] = [
    sql`i.deleted_at is null`,
    canRead("i", query.reader),
    sql`not exists (select 1 from item_links l join tasks t on t.key = l.task_key
                    where l.item_id = i.id and not l.removed and t.deleted_at is null)`,
  ];
  if (query.after) {
    const at = sql`${query.after.at}::timestamptz`;
    where.push(sql`i.at <= ${at} and (i.at, i.id) < (${at}, ${query.after.id})`);
  }
  const rows = await queryRows<ItemRow>(
    db,
    sql`select ${itemColumns}, a.id as author_id, a.name as author_name, a.email as author_email
        from items i left join lateral ${survivorOf(sql`i.author_id`)} a on true
        where ${sql.join(where, sql` and `)}
        order by i.at desc, i.id desc
        limit ${query.limit + 1}`,
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    rows: page.map((r) => toItem(r, null)),
    next: rows.length > query.limit && last ? { at: last.position_at, id: last.id } : null,
  };
}

/** Of `keys`, the tasks created at or after `since` (and those not stored as tasks: nothing to wait for). */
export async function tasksCreatedSince(db: Db, keys: readonly string[], since: Date): Promise<string[]> {
  const older = await queryRows<{ key: string }>(
    db,
    sql`select key from tasks where key = any(${sql.param([...keys])}::text[]) and created_at < ${since.toISOString()}::timestamptz`,
  );
  const held = new Set(older.map((r) => r.key));
  return keys.filter((k) => !held.has(k));
}
