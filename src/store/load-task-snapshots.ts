import { type SQL, sql } from "drizzle-orm";
import type { FlagSettings } from "../flags/flag-settings.ts";
import { type ItemMetaFacts, toItemMetaFacts, toStatusCategory } from "../model/item-facts.ts";
import type { ItemKind, SourceId, StatusCategory } from "../model/kinds.ts";
import { type PersonRecord, toSnapshotPerson } from "../model/person-role.ts";
import { toTaskRawFacts } from "../model/task-facts.ts";
import type { ItemFacts, SnapshotItem, SnapshotPerson, TaskSnapshot } from "../model/task-snapshot.ts";
import type { Db } from "./db.ts";
import { loadActionsOfItems } from "./flag-actions.ts";
import { PULL_REQUEST_WORK_KINDS, pullRequestEdgesOfItems, TASK_WORD_KINDS } from "./pull-request-work.ts";
import { queryRows } from "./rows.ts";

/** Times travel as epoch milliseconds: both drivers read a float8 as a number, whatever the session zone. */
const ms = (column: string) => sql.raw(`(extract(epoch from ${column}) * 1000)::float8`);
const texts = (values: readonly string[]) => sql`${sql.param([...values])}::text[]`;

function isEmptyObject(v: unknown): boolean {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  for (const _ in v) return false;
  return true;
}

interface TaskRow {
  key: string;
  source: SourceId;
  title: string;
  status: string;
  status_category: StatusCategory;
  labels: string[] | null;
  assignee_id: string | null;
  reporter_id: string | null;
  due_at: number | null;
  created_at: number;
  updated_at: number;
  facts: unknown;
}

interface ItemRow {
  task_key: string;
  id: string;
  source: SourceId;
  kind: ItemKind;
  author_id: string | null;
  at: number;
  text: string;
  thread_id: string | null;
  meta: unknown;
}

/**
 * What the third query answers, one row each: an item of a linked pull request (`forward`, for `task_key`,
 * through `via`) or of a task a pull request belongs to (`back`, for the pull request `task_key`, from the
 * task `via`), when `via` is not loaded; a link between two loaded tasks (`edge`: the task `task_key`, its pull
 * request `via`), whose items are read from the loaded rows instead of being sent twice; a link of a loaded
 * task that someone removed (`removed`: `task_key` and the item `id`), which keeps that item off the task
 * although it is its pull request's.
 */
interface LinkedRow extends Omit<ItemRow, "source" | "kind"> {
  part: "forward" | "back" | "edge" | "removed";
  via: string | null;
  source: SourceId | null;
  kind: ItemKind | null;
}

/** An item row as the snapshots are built from it: its meta read, then its facts and time, made once. */
interface ReadRow extends ItemRow {
  metaFacts?: ItemMetaFacts;
  facts?: ItemFacts;
  date?: Date;
}

/** The facts of an item without meta (half of them), the same whatever its kind. */
const NO_META = toItemMetaFacts("comment", {});

/** An item on a timeline that is another task's: a pull request's work on its task (`forward`), a task's words on its pull request. */
interface LinkedItem {
  row: ItemRow;
  via: string;
  forward: boolean;
}

const WORK_KINDS: ReadonlySet<string> = new Set(PULL_REQUEST_WORK_KINDS);
const WORD_KINDS: ReadonlySet<string> = new Set(TASK_WORD_KINDS);

interface PersonRow {
  id: string;
  name: string;
  email: string | null;
  is_bot: boolean;
  merged_into: string | null;
  sources: SourceId[] | null;
  emails: string[] | null;
  is_guest: boolean;
  identity_is_bot: boolean;
}

interface HandleRow {
  handle: string;
  source: string | null;
  person_id: string;
  /** Found by `identities.handle` rather than the external id. */
  byHandle: boolean;
}

/**
 * Only the parts of a task's raw payload the rules read (see `toTaskRawFacts`), so a 50 kB pull request
 * object never leaves the database. `raw` is the stored RawRecord: the API object sits under `data`.
 */
const TASK_FACTS = sql.raw(`(
  with r as (select coalesce(t.raw->'data', t.raw) as o)
  select jsonb_build_object(
    'isPr', (r.o ? 'pull_request' or r.o ? 'merged_at' or r.o ? 'mergedAt' or r.o ? 'head'
             or r.o->>'__typename' = 'PullRequest'),
    'draft', coalesce(r.o->'draft', r.o->'isDraft'),
    'merged', r.o->'merged',
    'mergedAt', coalesce(r.o->'merged_at', r.o->'mergedAt'),
    'state', r.o->'state',
    'stateReason', r.o->'state_reason',
    'requestedReviewers', coalesce(r.o->'requested_reviewers', r.o#>'{reviewRequests,nodes}'),
    'resolution', r.o#>'{fields,resolution,name}',
    'issuelinks', r.o#>'{fields,issuelinks}'
  ) from r)`);

const ITEM_COLUMNS = sql`i.id, i.source, i.kind, i.author_id, ${ms("i.at")} as at, i.text, i.thread_id, i.meta`;
const NO_ITEM = sql`null, null, null, null, null::float8, null, null, null::jsonb`;

/**
 * The rows of `LinkedRow` for the tasks `keys` (a `text[]` parameter), whose timelines hold the pull request
 * items `pullRequestItems`: the pull requests' work for their tasks, the tasks' words for their pull requests,
 * each read only when the other side is not loaded; the links between two loaded tasks; the links a person
 * removed from the loaded tasks that have a loaded pull request (an item so removed is not taken from it).
 */
function linkedItems(keys: SQL, pullRequestItems: readonly string[]): SQL {
  return sql`with e as (${pullRequestEdgesOfItems(texts(pullRequestItems))})
    select 'forward' as part, e.task_key, e.pr_key as via, ${ITEM_COLUMNS}
    from e join item_links l on l.task_key = e.pr_key and not l.removed
    cross join lateral (select * from items i where i.id = l.item_id and i.deleted_at is null limit 1) i
    where e.task_key = any(${keys}) and not e.pr_key = any(${keys})
      and i.kind = any(${texts(PULL_REQUEST_WORK_KINDS)})
      and not exists (select 1 from item_links o where o.item_id = i.id and o.task_key = e.task_key and o.removed)
    union all
    select 'back', e.pr_key, e.task_key, ${ITEM_COLUMNS}
    from e join item_links l on l.task_key = e.task_key and not l.removed
    cross join lateral (select * from items i where i.id = l.item_id and i.deleted_at is null limit 1) i
    where e.pr_key = any(${keys}) and not e.task_key = any(${keys}) and i.kind = any(${texts(TASK_WORD_KINDS)})
    union all
    select 'edge', e.task_key, e.pr_key, ${NO_ITEM}
    from e where e.task_key = any(${keys}) and e.pr_key = any(${keys})
    union all
    select 'removed', l.task_key, null, l.item_id, null, null, null, null::float8, null, null, null::jsonb
    from e join item_links l on l.task_key = e.task_key and l.removed
    where e.task_key = any(${keys}) and e.pr_key = any(${keys})`;
}

/** Reads an item row's meta (once per row), and asks for the people it names and its author. */
function readMeta(row: ReadRow, people: People): void {
  const meta = isEmptyObject(row.meta) ? NO_META : toItemMetaFacts(row.kind, row.meta);
  row.metaFacts = meta;
  people.want(row.author_id);
  if (meta === NO_META) return;
  for (const h of meta.mentions) people.wantHandle(h);
  for (const h of meta.to) people.wantHandle(h);
  for (const r of meta.reactions) for (const h of r.by) people.wantHandle(h);
}

const NO_PEOPLE: SnapshotPerson[] = [];

/**
 * Everything the rules need for these tasks, in three round trips whatever their number: the tasks (deleted
 * ones are left out) and their linked items (neither deleted nor unlinked) oldest first, side by side; then the
 * items they take from their pull requests or tasks (see `linkedItems`), found from the pull request items on
 * their timelines, beside the people the first rows name (mentions, recipients, reactors, requested reviewers,
 * authors, assignees), each judged team or not by `toSnapshotPerson`; then the people only the linked items name
 * (skipped when there are none). People merged into another are read as the one they were merged into. Items
 * are fetched by primary key per link (a lateral lookup), so the planner never trades that for a scan of the
 * whole items table when the key list looks large.
 */
export async function loadTaskSnapshots(
  db: Db,
  taskKeys: readonly string[],
  settings: FlagSettings,
): Promise<TaskSnapshot[]> {
  if (taskKeys.length === 0) return [];
  const keys = texts(taskKeys);
  const [taskRows, ownRows] = await Promise.all([
    queryRows<TaskRow>(
      db,
      sql`select t.key, t.source, t.title, t.status, t.status_category, t.labels, t.assignee_id, t.reporter_id,
                 ${ms("t.due_at")} as due_at, ${ms("t.created_at")} as created_at, ${ms("t.updated_at")} as updated_at,
                 ${TASK_FACTS} as facts
          from tasks t
          where t.key = any(${keys}) and t.deleted_at is null`,
    ),
    queryRows<ItemRow>(
      db,
      sql`select l.task_key, ${ITEM_COLUMNS}
          from item_links l
          cross join lateral (select * from items i where i.id = l.item_id and i.deleted_at is null limit 1) i
          where l.task_key = any(${keys}) and not l.removed
          order by l.task_key, i.at, i.id`,
    ),
  ]);
  if (taskRows.length === 0) return [];
  const itemsByTask = new Map<string, ItemRow[]>();
  // The pull request items on these timelines: their links make the tasks' pull requests (pull-request-work.ts).
  const pullRequestItems: string[] = [];
  for (const row of ownRows) {
    const list = itemsByTask.get(row.task_key);
    if (list) list.push(row);
    else itemsByTask.set(row.task_key, [row]);
    if (row.kind === "pull_request") pullRequestItems.push(row.id);
  }
  const rawFacts = new Map(taskRows.map((t) => [t.key, toTaskRawFacts(t.source, t.facts)]));

  // Item meta and task facts name people by handle; they are resolved with the linked items' query, and the
  // few that only those items name in one more.
  const people = new People(db, settings);
  for (const t of taskRows) {
    people.want(t.assignee_id);
    people.want(t.reporter_id);
  }
  for (const f of rawFacts.values())
    for (const h of f.pullRequest?.requestedReviewers ?? []) people.wantHandle(h);
  for (const row of ownRows) readMeta(row, people);
  const [linkedRows] = await Promise.all([
    pullRequestItems.length === 0 ? [] : queryRows<LinkedRow>(db, linkedItems(keys, pullRequestItems)),
    people.load(),
  ]);

  // An incremental recompute loads a changed task together with its pull requests (or a pull request with its
  // tasks): the items one takes from another are among the loaded rows already, so only the link was sent and
  // the items are taken from there.
  const linkedByTask = new Map<string, LinkedItem[]>();
  const addLinked = (taskKey: string, linked: LinkedItem) => {
    const list = linkedByTask.get(taskKey);
    if (list) list.push(linked);
    else linkedByTask.set(taskKey, [linked]);
  };
  const removed = new Set<string>();
  const edges: LinkedRow[] = [];
  for (const row of linkedRows) {
    if (row.part === "edge") edges.push(row);
    else if (row.part === "removed") removed.add(`${row.task_key}\u0000${row.id}`);
    else {
      const item = row as ItemRow;
      readMeta(item, people);
      addLinked(row.task_key, { row: item, via: row.via!, forward: row.part === "forward" });
    }
  }
  for (const { task_key: task, via } of edges) {
    const pr = via!;
    for (const row of itemsByTask.get(pr) ?? [])
      if (WORK_KINDS.has(row.kind) && !removed.has(`${task}\u0000${row.id}`))
        addLinked(task, { row, via: pr, forward: true });
    for (const row of itemsByTask.get(task) ?? [])
      if (WORD_KINDS.has(row.kind)) addLinked(pr, { row, via: task, forward: false });
  }
  // Items a Threadline action wrote (a nudge is no answer), asked beside the people: no extra round trip.
  const itemIds = ownRows.map((r) => r.id);
  for (const row of linkedRows) if (row.part !== "edge" && row.part !== "removed") itemIds.push(row.id);
  const [writtenBy] = await Promise.all([loadActionsOfItems(db, itemIds), people.load()]);
  const person = (id: string | null) => people.person(id);
  const persons = (ids: Array<string | null>) => people.persons(ids);
  const resolveHandle = (source: string, handle: string) => people.resolveHandle(source, handle);

  // One facts object and one time per row, whichever timelines it is on (the facts depend on the item alone,
  // except a status change's category, which the task it moved may give); one facts object for all items
  // without meta. Kept on the rows: an item taken from a loaded task's rows is read from the same row object.
  let plainFacts: ItemFacts | undefined;
  const factsOf = (row: ReadRow, t: TaskRow): ItemFacts => {
    const m = row.metaFacts!;
    const written = writtenBy.get(row.id) ?? null;
    if (m === NO_META && plainFacts && written === null) return plainFacts;
    if (row.facts) return row.facts;
    // Every field written out (no spread): one object shape for all items, built without a copy loop.
    const facts: ItemFacts = {
      reviewState: m.reviewState,
      statusFrom: m.statusFrom,
      statusTo: m.statusTo,
      labelsAdded: m.labelsAdded,
      deploymentState: m.deploymentState,
      environment: m.environment,
      release: m.release,
      merged: m.merged,
      mergedAt: m.mergedAt,
      draft: m.draft,
      automated: m.automated,
      unverifiedSender: m.unverifiedSender,
      threadResolved: m.threadResolved,
      writtenBy: written,
      // A status change names statuses; the move into the current status has the task's category.
      statusToCategory:
        m.statusToCategory ??
        (m.statusTo !== null && m.statusTo.toLowerCase() === t.status.toLowerCase()
          ? t.status_category
          : toStatusCategory(m.statusTo)),
      mentions:
        m.mentions.length === 0 ? NO_PEOPLE : persons(m.mentions.map((h) => resolveHandle(row.source, h))),
      to: m.to.length === 0 ? NO_PEOPLE : persons(m.to.map((h) => resolveHandle(row.source, h))),
      reactions:
        m.reactions.length === 0
          ? m.reactions
          : m.reactions.map((r) => ({
              name: r.name,
              by: r.by.map((h) => resolveHandle(row.source, h) ?? h),
              count: r.count,
            })),
    };
    if (m === NO_META && written === null) plainFacts = facts;
    else if (m.statusToCategory !== null || m.statusTo === null) row.facts = facts;
    return facts;
  };
  const toItem = (row: ReadRow, t: TaskRow): SnapshotItem => {
    row.date ??= new Date(row.at);
    return {
      id: row.id,
      source: row.source,
      kind: row.kind,
      at: row.date,
      text: row.text ?? "",
      threadId: row.thread_id,
      author: person(row.author_id),
      facts: factsOf(row, t),
    };
  };

  return taskRows.map((t): TaskSnapshot => {
    const raw = rawFacts.get(t.key)!;
    const items = (itemsByTask.get(t.key) ?? []).map((row) => toItem(row, t));
    const linked = linkedByTask.get(t.key);
    let taskItems: SnapshotItem[] | undefined;
    if (linked) {
      // An item of the pull request (or the task) that is on this task's own timeline too stays its own.
      const seen = new Set<string>();
      for (const i of items) seen.add(i.id);
      const through: SnapshotItem[] = [];
      for (const { row, via, forward } of linked) {
        if (seen.has(row.id)) continue;
        seen.add(row.id);
        const item = toItem(row, t);
        item.via = via;
        if (forward) through.push(item);
        else {
          taskItems ??= [];
          taskItems.push(item);
        }
      }
      if (through.length > 0) {
        items.push(...through);
        items.sort(byTime);
      }
      taskItems?.sort(byTime);
    }
    const repository = /^(.+)#\d+$/.exec(t.key)?.[1] ?? null;
    const ownPr = items.findLast((i) => i.kind === "pull_request");
    const pr = raw.pullRequest;
    return {
      key: t.key,
      source: t.source,
      title: t.title,
      status: t.status,
      statusCategory: t.status_category,
      labels: t.labels ?? [],
      assignee: person(t.assignee_id),
      reporter: person(t.reporter_id),
      dueAt: t.due_at === null ? null : new Date(t.due_at),
      createdAt: new Date(t.created_at),
      updatedAt: new Date(t.updated_at),
      resolution: raw.resolution,
      pullRequest:
        pr && repository
          ? {
              repository,
              draft: pr.draft || (ownPr?.facts.draft ?? false),
              merged: pr.merged || (ownPr?.facts.merged ?? false),
              mergedAt: pr.mergedAt ?? ownPr?.facts.mergedAt ?? null,
              closedUnmerged: pr.closedUnmerged,
              requestedReviewers: persons(pr.requestedReviewers.map((h) => resolveHandle("github", h))),
            }
          : null,
      blockedBy: raw.blockedBy,
      items,
      ...(taskItems ? { taskItems } : {}),
    };
  });
}

const byTime = (a: SnapshotItem, b: SnapshotItem) =>
  a.at.getTime() - b.at.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The people of a batch, asked for as the rows that name them are read: each `load` resolves in one query what
 * was asked since the last (see `loadPeopleAndHandles`), so the people that only the linked items name cost a
 * small query of their own, and none when there are none.
 */
class People {
  readonly #db: Db;
  readonly #settings: FlagSettings;
  #handles = new Set<string>();
  #ids = new Set<string>();
  readonly #askedHandles = new Set<string>();
  readonly #askedIds = new Set<string>();
  readonly #handleRows: HandleRow[] = [];
  readonly #rows = new Map<string, PersonRow>();
  #byId: Map<string, SnapshotPerson> | undefined;
  #ofHandle: Map<string, string> | undefined;

  constructor(db: Db, settings: FlagSettings) {
    this.#db = db;
    this.#settings = settings;
  }

  want(id: string | null): void {
    if (id && !this.#askedIds.has(id)) this.#ids.add(id);
  }

  wantHandle(handle: string): void {
    if (!this.#askedHandles.has(handle)) this.#handles.add(handle);
  }

  /** Resolves what was asked since the last load. */
  async load(): Promise<void> {
    if (this.#handles.size === 0 && this.#ids.size === 0) return;
    const handles = this.#handles;
    const ids = this.#ids;
    this.#handles = new Set();
    this.#ids = new Set();
    for (const h of handles) this.#askedHandles.add(h);
    for (const id of ids) this.#askedIds.add(id);
    const found = await loadPeopleAndHandles(this.#db, handles, ids);
    this.#handleRows.push(...found.handleRows);
    for (const [id, row] of found.rows) this.#rows.set(id, row);
    this.#byId = undefined;
    this.#ofHandle = undefined;
  }

  /** The person with this id (the one they were merged into, if they were), or null. */
  person(id: string | null): SnapshotPerson | null {
    if (!id) return null;
    this.#byId ??= toPeople(this.#rows, this.#settings);
    return this.#byId.get(id) ?? null;
  }

  /** The people with these ids, each once, in order; the ones not found left out. */
  persons(ids: Array<string | null>): SnapshotPerson[] {
    if (ids.length === 0) return NO_PEOPLE;
    if (ids.length === 1) {
      const p = this.person(ids[0]!);
      return p ? [p] : NO_PEOPLE;
    }
    const out = new Map<string, SnapshotPerson>();
    for (const id of ids) {
      const p = this.person(id);
      if (p) out.set(p.id, p);
    }
    return [...out.values()];
  }

  /**
   * The person a handle names in a source: a login first (GitHub logins are case-insensitive, and a mention is
   * a login, never a numeric id), then the key itself (identities stored before GitHub accounts were keyed by
   * id have the login as key), then an email or a person id.
   */
  resolveHandle(source: string, handle: string): string | null {
    if (!this.#ofHandle) {
      // `source\0handle` for identities' external ids, `source\1handle` for their `handle` column (a GitHub
      // login, lower-cased, where the key is the numeric id), `\0handle` for emails and person ids.
      const ofHandle = new Map<string, string>();
      for (const h of this.#handleRows) {
        const key = `${h.source ?? ""}${h.byHandle ? "\u0001" : "\u0000"}${h.handle}`;
        if (!ofHandle.has(key)) ofHandle.set(key, h.person_id);
      }
      this.#ofHandle = ofHandle;
    }
    const of = this.#ofHandle;
    return (
      of.get(`${source}\u0001${handle.toLowerCase()}`) ??
      of.get(`${source}\u0000${handle}`) ??
      of.get(`\u0000${handle.toLowerCase()}`) ??
      of.get(`\u0000${handle}`) ??
      null
    );
  }
}

interface PersonOrHandleRow extends PersonRow {
  /** Set on the rows that resolve a handle: `id` is then the person the handle names. */
  handle: string | null;
  handle_source: string | null;
  by_handle: boolean | null;
}

/**
 * In one query: the people the handles name (identities' external ids or handles in a source, emails, person
 * ids), and the people with these ids or named by a handle, with their identities summarised (every address:
 * `email` and `emails`). A merged-away person maps to the one they became (followed up to three merges deep).
 */
async function loadPeopleAndHandles(
  db: Db,
  handles: Set<string>,
  ids: Set<string>,
): Promise<{ handleRows: HandleRow[]; rows: Map<string, PersonRow> }> {
  const handleRows: HandleRow[] = [];
  const rows = new Map<string, PersonRow>();
  if (handles.size > 0 || ids.size > 0) {
    const h = texts([...handles]);
    const lowered = texts([...new Set([...handles].map((x) => x.toLowerCase()))]);
    const found = await queryRows<PersonOrHandleRow>(
      db,
      sql`with recursive
            h as (
              select external_id as handle, source::text as source, person_id, false as by_handle
              from identities where external_id = any(${h})
              union all
              select handle, source::text, person_id, true from identities where handle = any(${lowered})
              union all
              select lower(email), null, person_id, false from identities where lower(email) = any(${h})
              union all
              select lower(email), null, id, false from people where lower(email) = any(${h})
              union all
              select id, null, id, false from people where id = any(${h})),
            chain(id, depth) as (
              select person_id, 0 from h
              union
              select unnest(${texts([...ids])}), 0
              union
              select p.merged_into, c.depth + 1 from chain c join people p on p.id = c.id
              where p.merged_into is not null and c.depth < 3)
          select p.id, p.name, p.email, p.is_bot, p.merged_into,
                 coalesce(array_agg(distinct i.source) filter (where i.source is not null), '{}') as sources,
                 coalesce(array_agg(distinct e.email) filter (where e.email is not null), '{}') as emails,
                 coalesce(bool_or(i.is_guest), false) as is_guest,
                 coalesce(bool_or(i.is_bot), false) as identity_is_bot,
                 null::text as handle, null::text as handle_source, null::boolean as by_handle
          from people p
          left join identities i on i.person_id = p.id
          left join lateral unnest(array[lower(i.email)] || i.emails) as e(email) on true
          where p.id in (select id from chain)
          group by p.id
          union all
          select h.person_id, null, null, null, null, null, null, null, null, h.handle, h.source, h.by_handle from h`,
    );
    for (const r of found) {
      if (r.handle !== null)
        handleRows.push({
          handle: r.handle,
          source: r.handle_source,
          person_id: r.id,
          byHandle: r.by_handle === true,
        });
      else rows.set(r.id, r);
    }
  }
  return { handleRows, rows };
}

/**
 * Each person read, as the rules see them: a merged-away person as the one they became (when that one was read,
 * up to four merges on), each judged team or not by `toSnapshotPerson`.
 */
function toPeople(rows: Map<string, PersonRow>, settings: FlagSettings): Map<string, SnapshotPerson> {
  const people = new Map<string, SnapshotPerson>();
  const survivor = (id: string): PersonRow | undefined => {
    let row = rows.get(id);
    for (let hops = 0; row?.merged_into && rows.has(row.merged_into) && hops < 4; hops++) {
      row = rows.get(row.merged_into);
    }
    return row;
  };
  for (const id of rows.keys()) {
    const row = survivor(id)!;
    const record: PersonRecord = {
      id: row.id,
      name: row.name,
      email: row.email,
      isBot: row.is_bot,
      emails: row.emails ?? [],
      sources: row.sources ?? [],
      isGuest: row.is_guest,
      identityIsBot: row.identity_is_bot,
    };
    people.set(id, toSnapshotPerson(record, settings));
  }
  return people;
}

/**
 * The tasks an item is (or was) linked to, for recomputing after a sync changed those items; removed links
 * count, so the task an item was taken away from is recomputed too.
 */
export async function loadTaskKeysOfItems(db: Db, itemIds: readonly string[]): Promise<string[]> {
  if (itemIds.length === 0) return [];
  const rows = await queryRows<{ task_key: string }>(
    db,
    sql`select distinct task_key from item_links where item_id = any(${texts(itemIds)})`,
  );
  return rows.map((r) => r.task_key);
}
