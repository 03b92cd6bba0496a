/**
 * What the web inbox reads: flagged tasks grouped by kind with their counts, a task's timeline with what the
 * page shows of each item (email subject and body), a person's flags, and the people to merge.
 *
 * Visibility differs from the API's `isFlagVisible` in one way the inbox asks for: a snoozed flag shows
 * again early when the task has activity newer than the snooze (`tasks.last_activity_at > flags.state_at`).
 * Muted tasks and tasks marked done (until newer activity) are left out unless the search asks for them.
 */
import { type SQL, sql } from "drizzle-orm";
import type { Person } from "../model/api-schemas.ts";
import { FLAG_KINDS, type FlagKind, type ItemKind, type SourceId } from "../model/kinds.ts";
import type { Db } from "./db.ts";
import { survivorOf, toPerson } from "./people-queries.ts";
import { queryRows } from "./rows.ts";
import { isoUtc, jsonList } from "./sql-fragments.ts";

/** What the inbox filters on; the parsed search box (`src/web/search-syntax.ts`) maps onto it. */
export interface InboxFilter {
  kinds?: readonly FlagKind[];
  /** Person ids, or text found in a name (anywhere) or an email (at its start). */
  people?: readonly string[];
  sources?: readonly SourceId[];
  /** Jira project keys or GitHub `owner/repo`. */
  projects?: readonly string[];
  /** Full-text words over task keys, titles and the text of linked items. */
  text?: string;
  /** Show snoozed flags, muted tasks or tasks marked done instead of hiding them. */
  is?: readonly ("muted" | "done" | "snoozed")[];
}

/** One flag of one task, as an inbox row shows it. */
export interface InboxRow {
  flagId: string;
  kind: FlagKind;
  reason: string;
  since: string;
  evidence: string[];
  state: string;
  snoozedUntil: string | null;
  taskKey: string;
  title: string;
  status: string;
  taskSource: SourceId;
  taskUrl: string;
  lastActivityAt: string;
  /** The flag's owner, or else the task's assignee. */
  owner: Person | null;
  assignee: Person | null;
  muted: boolean;
  done: boolean;
  /** Every source the task's timeline draws on, the task's own first. */
  sources: SourceId[];
}

export interface InboxGroup {
  kind: FlagKind;
  /** All the rows of this kind the filter matches; `rows` holds the page asked for. */
  total: number;
  rows: InboxRow[];
}

export interface Inbox {
  /** Flags per kind under the filter without its kinds, so each kind's count shows what picking it gives. */
  counts: Record<FlagKind, number>;
  groups: InboxGroup[];
}

const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);
const time = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/** Flag `f` of task `t` shows in the inbox as of `now` (open, snooze over, or new activity since the snooze). */
const flagShows = (now: Date) => sql`(f.state = 'open' or (f.state = 'snoozed'
  and (f.snoozed_until <= ${time(now)} or t.last_activity_at > f.state_at)))`;
/** The same, for the snoozed flags alone. */
const snoozeOver = (now: Date) => sql`(f.state = 'snoozed'
  and (f.snoozed_until <= ${time(now)} or t.last_activity_at > f.state_at))`;
const flagSnoozed = (now: Date) => sql`(f.state = 'snoozed' and f.snoozed_until > ${time(now)}
  and t.last_activity_at <= f.state_at)`;
// Muted and done as (not) exists: the planner estimates an anti-join well, and a page of one kind is then
// read in index order and stops after a few rows instead of sorting every flag of the kind.
const muted = sql`s.muted_at is not null`;
const done = sql`s.done_at is not null and t.last_activity_at <= s.done_at`;
const stateOf = (condition: SQL) =>
  sql`exists (select 1 from inbox_task_states s where s.task_key = f.task_key and (${condition}))`;
const taskMuted = stateOf(muted);
const taskDone = stateOf(done);
const taskHidden = stateOf(sql`${muted} or (${done})`);

/** Person ids that a name, email or id given in a search names. */
function matchingPeople(values: readonly string[]): SQL {
  const each = values.map((v) => {
    const lower = likeLiteral(v.toLowerCase());
    return sql`(p.id = ${v} or lower(p.name) like ${`%${lower}%`} escape '\\' or lower(p.email) like ${`${lower}%`} escape '\\')`;
  });
  return sql`(select p.id from people p where ${sql.join(each, sql` or `)})`;
}

/** The items of task `t` on its timeline. */
const linkedItems = sql`item_links l join items i on i.id = l.item_id
  where l.task_key = t.key and not l.removed and i.deleted_at is null`;

/**
 * The conditions on `flags f join tasks t` for a filter, its kinds and the flag's state left out (see
 * `visibleStates`): muted and done tasks hidden unless asked for, then people, sources, projects and words.
 */
function conditions(filter: InboxFilter): SQL[] {
  const is = new Set(filter.is ?? []);
  const where: SQL[] = [];
  if (is.has("muted")) where.push(taskMuted);
  if (is.has("done")) where.push(taskDone);
  if (!is.has("muted") && !is.has("done")) where.push(sql`not ${taskHidden}`);
  if (filter.people?.length) {
    const ids = matchingPeople(filter.people);
    where.push(sql`(f.owner_id in ${ids} or t.assignee_id in ${ids})`);
  }
  if (filter.sources?.length) {
    const list = jsonList(filter.sources);
    where.push(sql`(t.source in ${list} or exists (select 1 from ${linkedItems} and i.source in ${list}))`);
  }
  if (filter.projects?.length) {
    const each = filter.projects.map((p) => {
      const lower = likeLiteral(p.toLowerCase());
      return sql`lower(t.key) like ${`${lower}-%`} escape '\\' or lower(t.key) like ${`${lower}#%`} escape '\\'`;
    });
    where.push(sql`(${sql.join(each, sql` or `)})`);
  }
  const text = filter.text?.trim();
  if (text) where.push(matchesText(text));
  return where;
}

/**
 * Task `t` matches the words: its key and title (the indexed `tasks.search`), a key prefix, or the text of an
 * item on its timeline. The items' text has no index: fine at the size of a team's store, a scan at millions
 * of items (an expression GIN index on `to_tsvector('simple', items.text)` would make it a lookup).
 */
function matchesText(text: string): SQL {
  const query = sql`websearch_to_tsquery('simple', ${text})`;
  return sql`(t.search @@ ${query}
    or lower(t.key) like ${`${likeLiteral(text.toLowerCase())}%`} escape '\\'
    or exists (select 1 from ${linkedItems} and to_tsvector('simple', i.text) @@ ${query}))`;
}

interface RowData {
  id: string;
  kind: FlagKind;
  since: string;
  reason: string;
  evidence: string[] | null;
  state: string;
  snoozed_until: string | null;
  key: string;
  title: string;
  status: string;
  source: SourceId;
  url: string;
  last_activity_at: string;
  muted: boolean;
  done: boolean;
  /** As stored: maybe merged away since; `toRows` resolves every person of the page in one query. */
  raw_owner: string | null;
  raw_assignee: string | null;
}

const FROM = sql`flags f join tasks t on t.key = f.task_key and t.deleted_at is null`;

/** The flag states a filter shows, each a condition that reads one state's range of `flags_kind_state_idx`. */
function visibleStates(filter: InboxFilter, now: Date): SQL[] {
  if (filter.is?.includes("snoozed")) return [flagSnoozed(now)];
  return [sql`f.state = 'open'`, snoozeOver(now)];
}

const ROW_COLUMNS = sql`f.id, f.kind, f.since as since_at, f.reason, f.evidence, f.state, f.snoozed_until,
  f.owner_id as raw_owner, t.key, t.title, t.status, t.source, t.url, t.last_activity_at, t.assignee_id as raw_assignee,
  ${taskMuted} as muted, ${taskDone} as done`;

/** The times of the rows of `page` (a subquery of ROW_COLUMNS): only those rows, after their limit. */
const withPeople = (page: SQL, order: SQL) => sql`
  select page.id, page.kind, ${isoUtc(sql`page.since_at`)} as since, page.reason, page.evidence, page.state,
         ${isoUtc(sql`page.snoozed_until`)} as snoozed_until, page.key, page.title, page.status, page.source,
         page.url, ${isoUtc(sql`page.last_activity_at`)} as last_activity_at, page.muted, page.done,
         page.raw_owner, page.raw_assignee
  from ${page} page
  order by ${order}`;

/** `survivorOf`'s longest chain of merges followed (people-queries.ts's MAX_MERGE_DEPTH). */
const MAX_MERGE_DEPTH = 32;

/**
 * The survivor of each of `ids` (following `merged_into` as `survivorOf` does: the last person of the chain
 * reached), all in one query rather than one lookup per row. Unknown ids are left out.
 */
async function loadSurvivors(db: Db, ids: readonly string[]): Promise<Map<string, Person>> {
  const out = new Map<string, Person>();
  if (ids.length === 0) return out;
  const rows = await queryRows<{ start: string; id: string; name: string; email: string | null }>(
    db,
    sql`with recursive chain(start, id, name, email, merged_into, depth) as (
          select p.id, p.id, p.name, p.email, p.merged_into, 0 from people p where p.id in ${jsonList(ids)}
          union all
          select c.start, p.id, p.name, p.email, p.merged_into, c.depth + 1
          from chain c join people p on p.id = c.merged_into
          where c.depth < ${sql.raw(String(MAX_MERGE_DEPTH))}
        )
        select distinct on (start) start, id, name, email from chain order by start, depth desc`,
  );
  for (const r of rows) {
    const person = toPerson(r.id, r.name, r.email);
    if (person) out.set(r.start, person);
  }
  return out;
}

/** The sources of each task's timeline: the task's own, then the others in the contract's order. */
async function loadTaskSources(db: Db, keys: readonly string[]): Promise<Map<string, SourceId[]>> {
  const out = new Map<string, SourceId[]>();
  if (keys.length === 0) return out;
  const rows = await queryRows<{ task_key: string; sources: string }>(
    db,
    sql`select l.task_key, string_agg(distinct i.source, ',') as sources
        from item_links l join items i on i.id = l.item_id
        where l.task_key in ${jsonList(keys)} and not l.removed and i.deleted_at is null
        group by l.task_key`,
  );
  for (const r of rows) out.set(r.task_key, r.sources.split(",") as SourceId[]);
  return out;
}

async function toRows(db: Db, data: RowData[]): Promise<InboxRow[]> {
  const ids = new Set<string>();
  for (const r of data) {
    if (r.raw_owner) ids.add(r.raw_owner);
    if (r.raw_assignee) ids.add(r.raw_assignee);
  }
  const [sources, people] = await Promise.all([
    loadTaskSources(db, [...new Set(data.map((r) => r.key))]),
    loadSurvivors(db, [...ids]),
  ]);
  const person = (id: string | null) => (id ? (people.get(id) ?? null) : null);
  return data.map((r) => {
    const assignee = person(r.raw_assignee);
    const linked = sources.get(r.key) ?? [];
    return {
      flagId: r.id,
      kind: r.kind,
      reason: r.reason,
      since: r.since,
      evidence: r.evidence ?? [],
      state: r.state,
      snoozedUntil: r.snoozed_until,
      taskKey: r.key,
      title: r.title,
      status: r.status,
      taskSource: r.source,
      taskUrl: r.url,
      lastActivityAt: r.last_activity_at,
      owner: person(r.raw_owner) ?? assignee,
      assignee,
      muted: r.muted === true,
      done: r.done === true,
      sources: [r.source, ...linked.filter((s) => s !== r.source).sort()],
    };
  });
}

/** Flags per kind that the filter (without its kinds) shows: one grouped scan of the visible flags. */
export async function loadInboxCounts(
  db: Db,
  filter: InboxFilter,
  now: Date,
): Promise<Record<FlagKind, number>> {
  const states = visibleStates(filter, now);
  const where = [...conditions(filter), sql`(${sql.join(states, sql` or `)})`];
  const rows = await queryRows<{ kind: FlagKind; n: number | string }>(
    db,
    sql`select f.kind, count(*) as n from ${FROM} where ${sql.join(where, sql` and `)} group by f.kind`,
  );
  const counts = Object.fromEntries(FLAG_KINDS.map((k) => [k, 0])) as Record<FlagKind, number>;
  for (const r of rows) counts[r.kind] = Number(r.n);
  return counts;
}

/**
 * The inbox: for each flag kind the filter allows (all when it names none), its flags oldest first (longest
 * stuck first), `perKind` of them after skipping `offset`, and the counts per kind. Each kind's page is read
 * with its own `limit` off `flags_kind_state_idx`, so the first page costs the same at any store size; the
 * counts are one grouped scan of the visible flags.
 */
export async function loadInbox(
  db: Db,
  query: {
    filter: InboxFilter;
    now: Date;
    perKind: number;
    offset?: number;
    /** Counts already known for this filter (a caller's short-lived cache): not counted again. */
    counts?: Record<FlagKind, number>;
  },
): Promise<Inbox> {
  const { filter, now } = query;
  const where = conditions(filter);
  const kinds = filter.kinds?.length ? FLAG_KINDS.filter((k) => filter.kinds?.includes(k)) : [...FLAG_KINDS];
  const counts = query.counts ?? (await loadInboxCounts(db, filter, now));
  const wanted = kinds.filter((k) => counts[k] > 0);
  if (wanted.length === 0) return { counts, groups: [] };
  // Per kind, open flags and snoozed ones apart: each part is an ordered range of flags_kind_state_idx
  // (kind, state, since) read only as far as the page needs, rather than every flag of the kind sorted.
  const upTo = query.perKind + (query.offset ?? 0);
  const part = (state: SQL) => sql`(select ${ROW_COLUMNS} from ${FROM}
      where f.kind = k.kind and ${state} and ${sql.join([...where], sql` and `)}
      order by f.since asc, f.id asc limit ${upTo})`;
  const page = sql`(select k.ord, x.* from jsonb_array_elements_text(${JSON.stringify(wanted)}::jsonb)
      with ordinality as k(kind, ord)
    cross join lateral (
      select * from (${sql.join(visibleStates(filter, now).map(part), sql` union all `)}) u
      order by u.since_at asc, u.id asc
      limit ${query.perKind} offset ${query.offset ?? 0}
    ) x)`;
  const data = await queryRows<RowData>(db, withPeople(page, sql`page.ord, page.since_at, page.id`));
  const rows = await toRows(db, data);
  return {
    counts,
    groups: wanted.map((kind) => ({ kind, total: counts[kind], rows: rows.filter((r) => r.kind === kind) })),
  };
}

/** Tasks matching words that have no flag in the inbox: search reaches every task, not only stuck ones. */
export async function loadOtherMatchingTasks(
  db: Db,
  query: { text: string; now: Date; limit: number },
): Promise<Array<{ key: string; title: string; status: string; source: SourceId; lastActivityAt: string }>> {
  const rows = await queryRows<{
    key: string;
    title: string;
    status: string;
    source: SourceId;
    last_activity_at: string;
  }>(
    db,
    sql`select t.key, t.title, t.status, t.source, ${isoUtc(sql`t.last_activity_at`)} as last_activity_at
        from tasks t
        where t.deleted_at is null and ${matchesText(query.text)}
          and not exists (select 1 from flags f where f.task_key = t.key and ${flagShows(query.now)})
        order by t.last_activity_at desc, t.key asc
        limit ${query.limit}`,
  );
  return rows.map((r) => ({ ...r, lastActivityAt: r.last_activity_at }));
}

/** The flags of one task that show in the inbox (muting and done do not hide them on the task's own page). */
export async function loadTaskFlags(db: Db, taskKey: string, now: Date): Promise<InboxRow[]> {
  const page = sql`(select 0 as ord, ${ROW_COLUMNS} from ${FROM} where t.key = ${taskKey} and ${flagShows(now)})`;
  return toRows(db, await queryRows<RowData>(db, withPeople(page, sql`page.since_at, page.id`)));
}

/** The web's state of one task: muted, and marked done (still hidden, since no newer activity). */
export async function loadTaskState(
  db: Db,
  taskKey: string,
): Promise<{ mutedAt: string | null; doneAt: string | null; done: boolean }> {
  const rows = await queryRows<{ muted_at: string | null; done_at: string | null; done: boolean | null }>(
    db,
    sql`select ${isoUtc(sql`s.muted_at`)} as muted_at, ${isoUtc(sql`s.done_at`)} as done_at, (${done}) as done
        from inbox_task_states s join tasks t on t.key = s.task_key where s.task_key = ${taskKey}`,
  );
  const r = rows[0];
  return { mutedAt: r?.muted_at ?? null, doneAt: r?.done_at ?? null, done: r?.done === true };
}

/** An item as the task page shows it: the API's fields and what it reads from `meta`. */
export interface TimelineEntry {
  id: string;
  source: SourceId;
  kind: ItemKind;
  at: string;
  text: string;
  url: string | null;
  threadId: string | null;
  author: Person | null;
  subject: string | null;
  /** An email's whole body as HTML (sanitised once more before it is shown), when it had one. */
  html: string | null;
  /** An email's whole plain-text body. */
  bodyText: string | null;
}

/** The items on a task's timeline, oldest first, with the page's extra fields. */
export async function loadTimelineEntries(db: Db, taskKey: string): Promise<TimelineEntry[]> {
  const rows = await queryRows<{
    id: string;
    source: SourceId;
    kind: ItemKind;
    at: string;
    text: string;
    url: string | null;
    thread_id: string | null;
    subject: string | null;
    html: string | null;
    body_text: string | null;
    author_id: string | null;
    author_name: string | null;
    author_email: string | null;
  }>(
    db,
    sql`select i.id, i.source, i.kind, ${isoUtc(sql`i.at`)} as at, i.text, i.url, i.thread_id,
               i.meta->>'subject' as subject, i.meta->'body'->>'html' as html, i.meta->'body'->>'text' as body_text,
               a.id as author_id, a.name as author_name, a.email as author_email
        from item_links l join items i on i.id = l.item_id
        left join lateral ${survivorOf(sql`i.author_id`)} a on true
        where l.task_key = ${taskKey} and not l.removed and i.deleted_at is null
        order by i.at asc, i.id asc`,
  );
  return rows.map((r) => ({
    id: r.id,
    source: r.source,
    kind: r.kind,
    at: r.at,
    text: r.text,
    url: r.url,
    threadId: r.thread_id,
    author: toPerson(r.author_id, r.author_name, r.author_email),
    subject: r.subject,
    html: r.html,
    bodyText: r.body_text,
  }));
}

/**
 * A person's side of the inbox: what they owe (flags they own, or of tasks assigned to them when the flag
 * names no owner) and what they wait on (flags whose evidence they wrote, owned by someone else).
 */
export async function loadPersonFlags(
  db: Db,
  query: { personId: string; now: Date; limit: number },
): Promise<{ owes: InboxRow[]; waitsOn: InboxRow[] }> {
  // The person and everyone merged into them: old rows may still name a merged-away id.
  const ids = sql`(select p.id from people p where p.id = ${query.personId} or p.merged_into = ${query.personId})`;
  const base = [flagShows(query.now), sql`not ${taskMuted}`];
  const owes = sql`(f.owner_id in ${ids} or (f.owner_id is null and t.assignee_id in ${ids}))`;
  const wrote = sql`exists (select 1 from items i where i.id = any(f.evidence) and i.author_id in ${ids})`;
  const read = async (where: SQL[]) => {
    const page = sql`(select 0 as ord, ${ROW_COLUMNS} from ${FROM} where ${sql.join(where, sql` and `)}
                      order by f.since asc, f.id asc limit ${query.limit})`;
    return toRows(db, await queryRows<RowData>(db, withPeople(page, sql`page.since_at, page.id`)));
  };
  const [owed, waiting] = [
    await read([...base, owes]),
    await read([...base, wrote, sql`not coalesce(${owes}, false)`]),
  ];
  return { owes: owed, waitsOn: waiting };
}

/** People to pick from (merge targets, the person filter): not merged away, bots last, by name. */
export async function loadPeople(
  db: Db,
  limit: number,
): Promise<Array<Person & { isBot: boolean; tasks: number }>> {
  const rows = await queryRows<{
    id: string;
    name: string;
    email: string | null;
    is_bot: boolean;
    tasks: string;
  }>(
    db,
    sql`select p.id, p.name, p.email, p.is_bot,
               (select count(*) from tasks t where t.assignee_id = p.id and t.deleted_at is null) as tasks
        from people p where p.merged_into is null
        order by p.is_bot asc, lower(p.name) asc, p.id asc limit ${limit}`,
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    email: r.email,
    isBot: r.is_bot,
    tasks: Number(r.tasks),
  }));
}
