/**
 * What the web inbox reads: flagged tasks grouped by kind with their counts, a person's flags, and the people
 * to merge. A task's timeline is the API's (`loadTimelineEntries` in `task-queries.ts`).
 *
 * Which flags show is `flag-visibility.ts`'s rule, the API's too. Each flag state is a condition on one
 * table's columns, which an index range answers (`flags_kind_state_idx` for open flags,
 * `flags_kind_snoozed_idx` for snoozes), never a comparison across the join. Muted tasks and tasks marked
 * done are left out unless the search asks for them.
 */
import { type SQL, sql } from "drizzle-orm";
import type { Person } from "../model/api-schemas.ts";
import { FLAG_KINDS, type FlagKind, type SourceId } from "../model/kinds.ts";
import type { Db } from "./db.ts";
import { isFlagVisible, isSnoozeRunning, visibleFlagStates } from "./flag-visibility.ts";
import { canRead, type ItemReader, toReadableFlags } from "./item-audience.ts";
import { pageRows } from "./page-rows.ts";
import { MAX_MERGE_DEPTH, toPerson } from "./people-queries.ts";
import { pullRequestEdges } from "./pull-request-work.ts";
import { queryRows } from "./rows.ts";
import { isoUtc, jsonList, likeLiteral } from "./sql-fragments.ts";

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
  /** "Mine": only the flags this person (or anyone merged into them) owns, or that wait on them. */
  mine?: string;
  /**
   * Whose own states apply (`inbox_person_states`): what this person snoozed, dismissed, muted or marked done
   * for themselves is hidden (or, under `is:`, shown) as the team's states are. Absent: the team's view.
   */
  viewer?: string;
  /**
   * Whose eyes read (`item-audience.ts`): words match only items they may read, and a flag raised by an item
   * hidden from them shows a neutral reason. Null or absent: everything (an admin).
   */
  reader?: ItemReader;
}

/** One flag of one task, as an inbox row shows it. */
export interface InboxRow {
  flagId: string;
  kind: FlagKind;
  /** The most urgent signal's reason; `reasons` are every signal's, that one first. */
  reason: string;
  reasons: string[];
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
  /** The team members who must move now (`flags.waiting_on`), each the survivor of any merge. */
  waitingOn: Person[];
  muted: boolean;
  done: boolean;
  /** Every source the task's timeline draws on, the task's own first. */
  sources: SourceId[];
  /**
   * For a pull request that belongs to exactly one task: that task, which the row shows with the flag ("ACME-1
   * · via acme/portal#39"), since the pull request is its work.
   */
  partOf: { key: string; title: string } | null;
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

// Muted and done as (not) exists: the planner estimates an anti-join well, and a page of one kind is then
// read in index order and stops after a few rows instead of sorting every flag of the kind.
const muted = sql`s.muted_at is not null`;
const done = sql`s.done_at is not null`;
const stateOf = (condition: SQL) =>
  sql`exists (select 1 from inbox_task_states s where s.task_key = f.task_key and (${condition}))`;
const taskMuted = stateOf(muted);
const taskDone = stateOf(done);
const taskHidden = stateOf(sql`${muted} or ${done}`);

/**
 * A state of the person's own on flag `f` of task `t` that holds as of `now` (`inbox_person_states`, one
 * probe of its key per row). They mirror the team's rules, read here instead of written by the recompute:
 * a snooze ends on its date or on activity newer than it, "done" on activity newer than it, a dismissal on
 * evidence newer than it; a mute holds until undone.
 */
type OwnState = "muted" | "done" | "snoozed" | "dismissed";
function ownState(personId: string, states: readonly OwnState[], now: Date): SQL {
  const quiet = sql`coalesce(t.last_activity_at <= m.at, true)`;
  const rule: Record<OwnState, SQL> = {
    muted: sql`m.state = 'muted'`,
    done: sql`(m.state = 'done' and ${quiet})`,
    snoozed: sql`(m.state = 'snoozed' and m.until > ${now.toISOString()}::timestamptz and ${quiet})`,
    dismissed: sql`(m.state = 'dismissed' and coalesce(f.last_evidence_at <= m.at, true))`,
  };
  return sql`exists (select 1 from inbox_person_states m where m.person_id = ${personId}
    and m.task_key = f.task_key and m.flag_id in ('', f.id)
    and (${sql.join(
      states.map((s) => rule[s]),
      sql` or `,
    )}))`;
}

/** The person and everyone merged into them: old rows may still name a merged-away id. */
const selfAndMerged = (personId: string) =>
  sql`(select p.id from people p where p.id = ${personId} or p.merged_into = ${personId})`;

/**
 * Flag `f` of task `t` is the person's: they own it (or, with no owner named, the task is theirs), or it
 * waits on them. The person's flags are found first, each half by its index (`flags_owner_idx`,
 * `tasks_assignee_idx` then `flags_task_idx`, the GIN index on `waiting_on`), as one array the statement
 * computes once: the three halves as one condition across the join of flags and tasks cannot use an index,
 * and at 50,000 tasks cost a read of both tables for every "mine" count and page.
 */
function isMine(personId: string): SQL {
  const ids = selfAndMerged(personId);
  return sql`f.id = any(array(
    select m.id from flags m where m.owner_id in ${ids}
    union all
    select m.id from flags m join tasks mt on mt.key = m.task_key
    where m.owner_id is null and mt.assignee_id in ${ids}
    union all
    select m.id from flags m where m.waiting_on && array${ids}::text[]))`;
}

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
function conditions(filter: InboxFilter, now: Date): SQL[] {
  const is = new Set(filter.is ?? []);
  const where: SQL[] = [];
  const me = filter.viewer;
  const own = (states: readonly OwnState[]) => (me ? ownState(me, states, now) : null);
  const either = (team: SQL, mine: SQL | null) => (mine ? sql`(${team} or ${mine})` : team);
  if (is.has("muted")) where.push(either(taskMuted, own(["muted"])));
  if (is.has("done")) where.push(either(taskDone, own(["done"])));
  if (!is.has("muted") && !is.has("done")) {
    where.push(sql`not ${taskHidden}`);
    const hidden = own(["muted", "done"]);
    if (hidden) where.push(sql`not ${hidden}`);
  }
  // What the person dismissed stays out, and what they snoozed unless the search asks for snoozes.
  const gone = own(is.has("snoozed") ? ["dismissed"] : ["dismissed", "snoozed"]);
  if (gone) where.push(sql`not ${gone}`);
  if (filter.mine) where.push(isMine(filter.mine));
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
  if (text) where.push(matchesText(text, filter.reader ?? null));
  return where;
}

/**
 * Task `t` matches the words: its key and title (the indexed `tasks.search`), a key prefix, or the text of an
 * item on its timeline. The items' text has no index: fine at the size of a team's store, a scan at millions
 * of items (an expression GIN index on `to_tsvector('simple', items.text)` would make it a lookup).
 */
function matchesText(text: string, reader: ItemReader): SQL {
  const query = sql`websearch_to_tsquery('simple', ${text})`;
  return sql`(t.search @@ ${query}
    or lower(t.key) like ${`${likeLiteral(text.toLowerCase())}%`} escape '\\'
    or exists (select 1 from ${linkedItems} and to_tsvector('simple', i.text) @@ ${query}
               and ${canRead("i", reader)}))`;
}

interface RowData {
  id: string;
  kind: FlagKind;
  since: string;
  reason: string;
  reasons: string[] | null;
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
  /** The flag's owner and the task's assignee, each the survivor of any merge (null: nobody, or unknown). */
  owner_id: string | null;
  owner_name: string | null;
  owner_email: string | null;
  assignee_id: string | null;
  assignee_name: string | null;
  assignee_email: string | null;
  /** The sources of the task's linked items, comma-separated (null: none). */
  sources: string | null;
  /** `[{id, name, email}]` of `flags.waiting_on`, in its order (json: parsed by one driver, text by another). */
  waiting_on: Person[] | string | null;
  part_key: string | null;
  part_title: string | null;
}

const FROM = sql`flags f join tasks t on t.key = f.task_key and t.deleted_at is null`;

/** The flag states a filter shows, each a condition that reads one range of an index of `flags`. */
function visibleStates(filter: InboxFilter, now: Date): SQL[] {
  if (filter.is?.includes("snoozed")) {
    const running = isSnoozeRunning("f", now);
    if (!filter.viewer) return [running];
    // The person's own snoozes, of flags the team still sees: apart from the team's, which they exclude.
    return [running, sql`(${isFlagVisible("f", now)} and ${ownState(filter.viewer, ["snoozed"], now)})`];
  }
  return visibleFlagStates("f", now);
}

const ROW_COLUMNS = sql`f.id, f.kind, f.since as since_at, f.reason, f.reasons, f.evidence, f.state, f.snoozed_until,
  f.owner_id as raw_owner, t.key, t.title, t.status, t.source, t.url, t.last_activity_at, t.assignee_id as raw_assignee,
  f.waiting_on as raw_waiting_on`;

/**
 * The rows of `page` (a subquery of ROW_COLUMNS, already limited) with what a row shows besides, in the same
 * statement, so a page is one round trip: the task's web state (muted, done), the survivor of each person it
 * names (following `merged_into` as `survivorOf` does, for all the page's people at once), the sources of
 * each task's linked items, and the one task a pull request belongs to, if it belongs to exactly one.
 */
const withPeople = (page: SQL, order: SQL) => sql`
  with recursive page as materialized ${page},
  chain(start, id, name, email, merged_into, depth) as (
    select p.id, p.id, p.name, p.email, p.merged_into, 0 from people p
    where p.id in (select raw_owner from page union select raw_assignee from page
                   union select unnest(raw_waiting_on) from page)
    union all
    select c.start, p.id, p.name, p.email, p.merged_into, c.depth + 1
    from chain c join people p on p.id = c.merged_into
    where c.depth < ${sql.raw(String(MAX_MERGE_DEPTH))}
  ),
  survivor as (select distinct on (start) start, id, name, email from chain order by start, depth desc),
  edges as (${pullRequestEdges(sql`(select array_agg(distinct key) from page)::text[]`)}),
  part as (select pr_key, min(task_key) as task_key from edges
           where pr_key in (select key from page) group by pr_key having count(*) = 1)
  select page.id, page.kind, ${isoUtc(sql`page.since_at`)} as since, page.reason, page.reasons, page.evidence, page.state,
         ${isoUtc(sql`page.snoozed_until`)} as snoozed_until, page.key, page.title, page.status, page.source,
         page.url, ${isoUtc(sql`page.last_activity_at`)} as last_activity_at,
         coalesce(${muted}, false) as muted, coalesce(${done}, false) as done,
         o.id as owner_id, o.name as owner_name, o.email as owner_email,
         a.id as assignee_id, a.name as assignee_name, a.email as assignee_email,
         (select string_agg(distinct i.source, ',') from item_links l join items i on i.id = l.item_id
          where l.task_key = page.key and not l.removed and i.deleted_at is null) as sources,
         (select json_agg(json_build_object('id', w.id, 'name', w.name, 'email', w.email) order by x.ord)
          from unnest(page.raw_waiting_on) with ordinality as x(person_id, ord)
          join survivor w on w.start = x.person_id) as waiting_on,
         pt.key as part_key, pt.title as part_title
  from page
  left join part on part.pr_key = page.key
  left join tasks pt on pt.key = part.task_key
  left join inbox_task_states s on s.task_key = page.key
  left join survivor o on o.start = page.raw_owner
  left join survivor a on a.start = page.raw_assignee
  order by ${order}`;

/**
 * Reads a page of rows (see `withPeople`), each flag as `reader` may see it; `prepared` when the statement's
 * text is one of a few (see `isFixedShape`).
 */
async function readRows(
  db: Db,
  page: SQL,
  order: SQL,
  reader: ItemReader,
  prepared = false,
): Promise<InboxRow[]> {
  const read = prepared ? pageRows : queryRows;
  return toReadableFlags(db, (await read<RowData>(db, withPeople(page, order))).map(toRow), reader);
}

/** The people a flag waits on, once each (two ids merged into one person name them once). */
function toWaitingOn(value: RowData["waiting_on"]): Person[] {
  const list: unknown = typeof value === "string" ? JSON.parse(value) : value;
  if (!Array.isArray(list)) return [];
  const people = new Map<string, Person>();
  for (const p of list as Array<{ id: unknown; name: unknown; email: unknown }>) {
    const person = toPerson(p.id, p.name, p.email);
    if (person && !people.has(person.id)) people.set(person.id, person);
  }
  return [...people.values()];
}

function toRow(r: RowData): InboxRow {
  const assignee = toPerson(r.assignee_id, r.assignee_name, r.assignee_email);
  const linked = r.sources ? (r.sources.split(",") as SourceId[]) : [];
  return {
    flagId: r.id,
    kind: r.kind,
    reason: r.reason,
    reasons: r.reasons?.length ? r.reasons : [r.reason],
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
    owner: toPerson(r.owner_id, r.owner_name, r.owner_email) ?? assignee,
    assignee,
    waitingOn: toWaitingOn(r.waiting_on),
    muted: r.muted === true,
    done: r.done === true,
    sources: [r.source, ...linked.filter((s) => s !== r.source).sort()],
    partOf: r.part_key !== null ? { key: r.part_key, title: r.part_title ?? "" } : null,
  };
}

const toCounts = (rows: Array<{ kind: string; n: number | string }>): Record<FlagKind, number> => {
  const counts = Object.fromEntries(FLAG_KINDS.map((k) => [k, 0])) as Record<FlagKind, number>;
  for (const r of rows) if (Object.hasOwn(counts, r.kind)) counts[r.kind as FlagKind] = Number(r.n);
  return counts;
};

/**
 * Whether the statements of a filter have one of a few texts, so that they can be prepared (`pageRows`):
 * nothing in it spells out a list of values or words. The inbox as it opens (the team's or "mine", with or
 * without `is:`) is; a search by people, sources, projects or words is not, and is planned for its values.
 */
const isFixedShape = (filter: InboxFilter) =>
  !filter.people?.length && !filter.sources?.length && !filter.projects?.length && !filter.text?.trim();

/** Flags per kind that the filter (without its kinds) shows, by one grouped scan of the visible flags. */
export async function countInboxFlags(
  db: Db,
  filter: InboxFilter,
  now: Date,
): Promise<Record<FlagKind, number>> {
  const states = visibleStates(filter, now);
  const where = [...conditions(filter, now), sql`(${sql.join(states, sql` or `)})`];
  const read = isFixedShape(filter) ? pageRows : queryRows;
  return toCounts(
    await read<{ kind: FlagKind; n: number | string }>(
      db,
      sql`select f.kind, count(*) as n from ${FROM} where ${sql.join(where, sql` and `)} group by f.kind`,
    ),
  );
}

/**
 * How old the recount of `inbox_flag_counts` may grow before a read takes a new one. The triggers keep the
 * counts exact statement by statement; what a recount mends is two transactions changing one task from two
 * sides at once (its flags in one, whether it is muted, done or deleted in the other), where each trigger
 * reads the other's side before it commits.
 */
const RECOUNT_AFTER = sql.raw(`interval '60 seconds'`);

/** Whether a filter's counts are the kept ones: nothing narrows the flags but the viewer's own states. */
const isKeptCount = (filter: InboxFilter) =>
  !filter.mine &&
  !filter.people?.length &&
  !filter.sources?.length &&
  !filter.projects?.length &&
  !filter.text?.trim() &&
  !filter.is?.length;

/**
 * The counts of a filter that only hides what the team and the viewer hid, without reading every visible
 * flag: the flags the triggers keep in `inbox_flag_counts` (the open ones, and the snoozed ones under their
 * snooze's end, taken once it has come), less the flags the viewer hid for themselves (read from their own
 * states). The same numbers as `countInboxFlags`.
 */
async function readKeptCounts(db: Db, filter: InboxFilter, now: Date) {
  const visible = sql`(${sql.join(visibleFlagStates("f", now), sql` or `)})`;
  const own = filter.viewer
    ? sql`union all
      select f.kind, -count(*), false from ${FROM}
      where f.task_key in (select m.task_key from inbox_person_states m where m.person_id = ${filter.viewer})
        and ${visible} and not ${taskHidden}
        and ${ownState(filter.viewer, ["muted", "done", "dismissed", "snoozed"], now)}
      group by f.kind`
    : sql``;
  return pageRows<{ kind: string; n: number | string; stale: boolean }>(
    db,
    sql`select kind, sum(n) as n, bool_or(stale) as stale from (
      select kind, n, false as stale from inbox_flag_counts
      where kind <> '' and (snoozed_until is null or snoozed_until <= ${now.toISOString()}::timestamptz)
      union all
      select '', 0, not exists (select 1 from inbox_flag_counts
                                where counted_at > clock_timestamp() - ${RECOUNT_AFTER})
      ${own}
    ) x group by kind`,
  );
}

/**
 * Flags per kind that the filter (without its kinds) shows. Without a search (the inbox as it opens) they
 * are the counts the database keeps (see `readKeptCounts`), recounted first when the last recount is older
 * than a minute; a search counts its flags.
 */
export async function loadInboxCounts(
  db: Db,
  filter: InboxFilter,
  now: Date,
): Promise<Record<FlagKind, number>> {
  if (!isKeptCount(filter)) return countInboxFlags(db, filter, now);
  let rows = await readKeptCounts(db, filter, now);
  if (rows.some((r) => r.kind === "" && r.stale === true)) {
    await db.execute(sql`select inbox_flag_counts_recount(${RECOUNT_AFTER})`);
    rows = await readKeptCounts(db, filter, now);
  }
  return toCounts(rows);
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
  const where = conditions(filter, now);
  const kinds = filter.kinds?.length ? FLAG_KINDS.filter((k) => filter.kinds?.includes(k)) : [...FLAG_KINDS];
  const counts = query.counts ?? (await loadInboxCounts(db, filter, now));
  const wanted = kinds.filter((k) => counts[k] > 0);
  if (wanted.length === 0) return { counts, groups: [] };
  // Per kind, open flags and ended snoozes apart: the open ones an ordered range of flags_kind_state_idx
  // (kind, state, since) read only as far as the page needs, the ended snoozes (a few: the recompute reopens
  // them when their task is raised again) a range of flags_kind_snoozed_idx, sorted.
  const offset = query.offset ?? 0;
  // A first page of a fixed shape is prepared with its limits written out (two texts: the overview's and a
  // kind's page): PostgreSQL then keeps one generic plan for it instead of planning it on every request,
  // which it would not with the limits as parameters (a limit it cannot see is costed as reading everything).
  const prepared = offset === 0 && isFixedShape(filter);
  const count = (n: number) => (prepared ? sql.raw(String(Math.trunc(n))) : sql`${n}`);
  const part = (state: SQL) => sql`(select ${ROW_COLUMNS} from ${FROM}
      where f.kind = k.kind and ${state} and ${sql.join([...where], sql` and `)}
      order by f.since asc, f.id asc limit ${count(query.perKind + offset)})`;
  const page = sql`(select k.ord, x.* from jsonb_array_elements_text(${JSON.stringify(wanted)}::jsonb)
      with ordinality as k(kind, ord)
    cross join lateral (
      select * from (${sql.join(visibleStates(filter, now).map(part), sql` union all `)}) u
      order by u.since_at asc, u.id asc
      limit ${count(query.perKind)} offset ${count(offset)}
    ) x)`;
  const rows = await readRows(
    db,
    page,
    sql`page.ord, page.since_at, page.id`,
    filter.reader ?? null,
    prepared,
  );
  return {
    counts,
    groups: wanted.map((kind) => ({ kind, total: counts[kind], rows: rows.filter((r) => r.kind === kind) })),
  };
}

/** Tasks matching words that have no flag in the inbox: search reaches every task, not only stuck ones. */
export async function loadOtherMatchingTasks(
  db: Db,
  query: { text: string; now: Date; limit: number; reader: ItemReader },
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
        where t.deleted_at is null and ${matchesText(query.text, query.reader)}
          and not exists (select 1 from flags f where f.task_key = t.key and ${isFlagVisible("f", query.now)})
        order by t.last_activity_at desc, t.key asc
        limit ${query.limit}`,
  );
  return rows.map((r) => ({ ...r, lastActivityAt: r.last_activity_at }));
}

/**
 * The flags of one task that show in the inbox (muting and done do not hide them on the task's own page), with
 * those of the pull requests that belong to it alone (the inbox shows them with it), for `viewer` without those
 * they snoozed or dismissed for themselves.
 */
export async function loadTaskFlags(
  db: Db,
  taskKey: string,
  now: Date,
  viewer?: string,
  /** Whose eyes read (see `InboxFilter.reader`); null: everything. */
  reader: ItemReader = null,
): Promise<InboxRow[]> {
  const own = viewer ? sql` and not ${ownState(viewer, ["snoozed", "dismissed"], now)}` : sql``;
  const onlyHis = sql`(select pr_key from (${pullRequestEdges(sql`array[${taskKey}]::text[]`)}) e
    group by pr_key having count(*) = 1 and min(task_key) = ${taskKey})`;
  const page = sql`(select 0 as ord, ${ROW_COLUMNS} from ${FROM}
    where (t.key = ${taskKey} or t.key in ${onlyHis}) and ${isFlagVisible("f", now)}${own})`;
  return readRows(db, page, sql`page.since_at, page.id`, reader);
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

/**
 * A person's side of the inbox: what they owe (flags they own, or of tasks assigned to them when the flag
 * names no owner) and what waits on them (flags whose `waiting_on` names them).
 */
export async function loadPersonFlags(
  db: Db,
  query: { personId: string; now: Date; limit: number; reader: ItemReader },
): Promise<{ owes: InboxRow[]; waitsOn: InboxRow[] }> {
  const ids = selfAndMerged(query.personId);
  const base = [isFlagVisible("f", query.now), sql`not ${taskMuted}`];
  const owes = sql`(f.owner_id in ${ids} or (f.owner_id is null and t.assignee_id in ${ids}))`;
  const waitsOnThem = sql`f.waiting_on && array${ids}::text[]`;
  const read = async (where: SQL[]) => {
    const page = sql`(select 0 as ord, ${ROW_COLUMNS} from ${FROM} where ${sql.join(where, sql` and `)}
                      order by f.since asc, f.id asc limit ${query.limit})`;
    return readRows(db, page, sql`page.since_at, page.id`, query.reader);
  };
  const [owed, waiting] = [await read([...base, owes]), await read([...base, waitsOnThem])];
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
