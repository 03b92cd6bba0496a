import { createHash } from "node:crypto";
import { type SQL, sql } from "drizzle-orm";
import type { RaisedFlag } from "../flags/raised-flag.ts";
import type { FlagKind, FlagState } from "../model/kinds.ts";
import type { Db } from "./db.ts";
import { hasSnoozeEnded } from "./flag-visibility.ts";
import { queryRows } from "./rows.ts";

/** Who the store names when it changes a flag's state itself (a snooze ends, new evidence after a dismissal). */
export const SYSTEM_ACTOR = "threadline";

/** A flag row as stored. */
export interface StoredFlag {
  id: string;
  taskKey: string;
  kind: FlagKind;
  fingerprint: string;
  since: Date;
  reason: string;
  /** Every signal's reason, the leading one first. */
  reasons: string[];
  evidence: string[];
  ownerId: string | null;
  /** Person ids of who must move now (see RaisedFlag.waitingOn), as the rule named them. */
  waitingOn: string[];
  state: FlagState;
  snoozedUntil: Date | null;
  stateBy: string | null;
  stateReason: string | null;
  stateAt: Date | null;
  lastEvidenceAt: Date | null;
  resolvedAt: Date | null;
  updatedAt: Date;
}

/** A snooze or dismissal that cannot be done: no such flag, or it is resolved. */
export class FlagStateError extends Error {
  override name = "FlagStateError";
  constructor(
    readonly kind: "not_found" | "invalid",
    message: string,
  ) {
    super(message);
  }
}

/**
 * A flag's id: stable for a task and kind (a task has one flag of each kind), so the API's links survive every
 * recompute. The hash input ends with the separator an empty fingerprint left when ids also hashed one, so the
 * flags of kinds that never had one kept their ids; the migration that merged the others computes the same.
 */
export function toFlagId(taskKey: string, kind: string): string {
  const hash = createHash("sha256").update(`${taskKey}\u0000${kind}\u0000`).digest("base64url");
  return `f_${hash.slice(0, 16)}`;
}

const texts = (values: readonly string[]) => sql`${sql.param([...values])}::text[]`;
const time = (d: Date) => sql`${d.toISOString()}::timestamptz`;

interface FlagRow {
  id: string;
  task_key: string;
  kind: FlagKind;
  fingerprint: string;
  since: number;
  reason: string;
  reasons: string[] | null;
  evidence: string[] | null;
  owner_id: string | null;
  waiting_on: string[] | null;
  state: FlagState;
  snoozed_until: number | null;
  state_by: string | null;
  state_reason: string | null;
  state_at: number | null;
  last_evidence_at: number | null;
  resolved_at: number | null;
  updated_at: number;
}

const COLUMNS = sql.raw(
  [
    "id",
    "task_key",
    "kind",
    "fingerprint",
    "reason",
    "reasons",
    "evidence",
    "owner_id",
    "waiting_on",
    "state",
    "state_by",
    "state_reason",
    ...["since", "snoozed_until", "state_at", "last_evidence_at", "resolved_at", "updated_at"].map(
      (c) => `(extract(epoch from ${c}) * 1000)::float8 as ${c}`,
    ),
  ].join(", "),
);

const date = (v: number | null) => (v === null ? null : new Date(v));

function toStoredFlag(r: FlagRow): StoredFlag {
  return {
    id: r.id,
    taskKey: r.task_key,
    kind: r.kind,
    fingerprint: r.fingerprint,
    since: new Date(r.since),
    reason: r.reason,
    reasons: r.reasons ?? [r.reason],
    evidence: r.evidence ?? [],
    ownerId: r.owner_id,
    waitingOn: r.waiting_on ?? [],
    state: r.state,
    snoozedUntil: date(r.snoozed_until),
    stateBy: r.state_by,
    stateReason: r.state_reason,
    stateAt: date(r.state_at),
    lastEvidenceAt: date(r.last_evidence_at),
    resolvedAt: date(r.resolved_at),
    updatedAt: new Date(r.updated_at),
  };
}

/** Every stored flag of these tasks, whatever its state. */
export async function loadFlagsOfTasks(db: Db, taskKeys: readonly string[]): Promise<StoredFlag[]> {
  if (taskKeys.length === 0) return [];
  const rows = await queryRows<FlagRow>(
    db,
    sql`select ${COLUMNS} from flags where task_key = any(${texts(taskKeys)}) order by task_key, kind, since`,
  );
  return rows.map(toStoredFlag);
}

/** One stored flag, or null. */
export async function loadFlag(db: Db, id: string): Promise<StoredFlag | null> {
  const rows = await queryRows<FlagRow>(db, sql`select ${COLUMNS} from flags where id = ${id}`);
  return rows[0] ? toStoredFlag(rows[0]) : null;
}

export interface SaveFlagsResult {
  /** Flags seen for the first time. */
  opened: number;
  /** Flags shown again: raised after being resolved, a snooze that ended, new evidence after a dismissal. */
  reopened: number;
  /** Flags whose reasons, evidence, owner or the people they wait on changed. */
  updated: number;
  /** Flags no longer raised. */
  resolved: number;
  /** Flags raised as they were stored: nothing written. */
  unchanged: number;
}

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/** Whether an existing row goes back to `open` now that the flag is raised again. */
function reopens(row: StoredFlag, flag: RaisedFlag, now: Date): boolean {
  if (row.state === "resolved") return true;
  if (row.state === "snoozed") return row.snoozedUntil !== null && row.snoozedUntil <= now;
  if (row.state === "dismissed") return row.stateAt !== null && flag.lastEvidenceAt > row.stateAt;
  return false;
}

// The same decision in SQL, on the row as it is when the upsert runs, so that a snooze or dismissal made
// between our read and our write is never overwritten.
const REOPEN = (now: Date) => sql`(
  flags.state = 'resolved'
  or ${hasSnoozeEnded("flags", now)}
  or (flags.state = 'dismissed' and excluded.last_evidence_at > flags.state_at))`;

/**
 * Stores the flags raised for `taskKeys` (every flag those tasks raise now, and only those tasks'): a new flag
 * is inserted open; one already stored keeps its `since` (first seen, or an earlier signal's that joined it)
 * and gets the new reasons, evidence, owner and waiting people; a resolved one raised again starts afresh (open, `since` anew); a snoozed one stays hidden until
 * `snoozed_until`; a dismissed one comes back only when its newest evidence is newer than the dismissal. Flags
 * of those tasks no longer raised are resolved. Rows that would not change are not written.
 */
export async function saveFlags(
  db: Db,
  input: {
    taskKeys: readonly string[];
    flags: readonly RaisedFlag[];
    now: Date;
    /** The stored flags of `taskKeys` (`loadFlagsOfTasks`), when read ahead of time; read here otherwise. */
    existing?: readonly StoredFlag[];
  },
): Promise<SaveFlagsResult> {
  const { now } = input;
  const result: SaveFlagsResult = { opened: 0, reopened: 0, updated: 0, resolved: 0, unchanged: 0 };
  const keys = new Set(input.taskKeys);
  const given = keys.size;
  for (const f of input.flags) keys.add(f.taskKey);
  if (keys.size === 0) return result;
  const stored =
    input.existing && keys.size === given ? input.existing : await loadFlagsOfTasks(db, [...keys]);
  const existing = new Map(stored.map((r) => [r.id, r]));
  const writes: Array<{ id: string; flag: RaisedFlag }> = [];
  const raisedIds = new Set<string>();
  for (const flag of input.flags) {
    const id = toFlagId(flag.taskKey, flag.kind);
    if (raisedIds.has(id)) continue;
    raisedIds.add(id);
    const row = existing.get(id);
    if (!row) {
      result.opened++;
      writes.push({ id, flag });
    } else if (reopens(row, flag, now)) {
      result.reopened++;
      writes.push({ id, flag });
    } else if (
      row.reason !== flag.reason ||
      !sameList(row.reasons, flag.reasons) ||
      row.fingerprint !== flag.fingerprint ||
      row.ownerId !== flag.owner ||
      !sameList(row.waitingOn, flag.waitingOn) ||
      !sameList(row.evidence, flag.evidence) ||
      row.lastEvidenceAt?.getTime() !== flag.lastEvidenceAt.getTime()
    ) {
      result.updated++;
      writes.push({ id, flag });
    } else result.unchanged++;
  }
  const resolve = [...existing.values()]
    .filter((r) => r.state !== "resolved" && !raisedIds.has(r.id))
    .map((r) => r.id);
  result.resolved = resolve.length;
  if (writes.length === 0 && resolve.length === 0) return result;

  // One statement: the upsert and the resolutions commit together, in a single round trip.
  await db.execute(sql`
    with ${upsert(writes, now)}, resolved as (
      update flags set state = 'resolved', resolved_at = ${time(now)}, updated_at = ${time(now)}
      where id = any(${texts(resolve)}) and state <> 'resolved'
      returning 1)
    select (select count(*) from upserted) as upserted, (select count(*) from resolved) as resolved`);
  return result;
}

/** The upsert of `writes` as a `upserted` CTE (nothing when there are none). */
function upsert(writes: Array<{ id: string; flag: RaisedFlag }>, now: Date): SQL {
  // One jsonb parameter for the whole batch: cheaper to build and to parse than a VALUES list of thousands.
  const rows = JSON.stringify(
    writes.map(({ id, flag }) => ({
      id,
      task_key: flag.taskKey,
      kind: flag.kind,
      fingerprint: flag.fingerprint,
      since: flag.since.toISOString(),
      reason: flag.reason,
      reasons: flag.reasons,
      evidence: flag.evidence,
      owner_id: flag.owner,
      waiting_on: flag.waitingOn,
      last_evidence_at: flag.lastEvidenceAt.toISOString(),
    })),
  );
  const reopen: SQL = REOPEN(now);
  return sql`upserted as (
    insert into flags (id, task_key, kind, fingerprint, since, reason, reasons, evidence, owner_id, waiting_on,
                       state, last_evidence_at, updated_at)
    select x.id, x.task_key, x.kind, x.fingerprint, x.since, x.reason,
           array(select jsonb_array_elements_text(x.reasons)),
           array(select jsonb_array_elements_text(x.evidence)), x.owner_id,
           array(select jsonb_array_elements_text(x.waiting_on)), 'open', x.last_evidence_at, ${time(now)}
    from jsonb_to_recordset(${rows}::jsonb) as x(id text, task_key text, kind text, fingerprint text, since timestamptz,
         reason text, reasons jsonb, evidence jsonb, owner_id text, waiting_on jsonb, last_evidence_at timestamptz)
    on conflict (id) do update set
      fingerprint = excluded.fingerprint,
      reason = excluded.reason,
      reasons = excluded.reasons,
      evidence = excluded.evidence,
      owner_id = excluded.owner_id,
      waiting_on = excluded.waiting_on,
      last_evidence_at = excluded.last_evidence_at,
      updated_at = excluded.updated_at,
      since = case when flags.state = 'resolved' then excluded.since else least(flags.since, excluded.since) end,
      resolved_at = case when flags.state = 'resolved' then null else flags.resolved_at end,
      snoozed_until = case when ${reopen} then null else flags.snoozed_until end,
      state_by = case when ${reopen} then ${SYSTEM_ACTOR} else flags.state_by end,
      state_reason = case
        when flags.state = 'resolved' then 'raised again'
        when flags.state = 'snoozed' and ${reopen} then 'snooze ended'
        when flags.state = 'dismissed' and ${reopen} then 'new evidence after the dismissal'
        else flags.state_reason end,
      state_at = case when ${reopen} then ${time(now)} else flags.state_at end,
      state = case when ${reopen} then 'open' else flags.state end
    returning 1)`;
}

/**
 * Resolves the flags that are not resolved of tasks that no longer exist (a full recompute's last step: their
 * tasks are not evaluated any more). Answers how many were resolved.
 */
export async function saveOrphanFlagsResolved(db: Db, now: Date): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    db,
    sql`with done as (
          update flags f set state = 'resolved', resolved_at = ${time(now)}, updated_at = ${time(now)}
          where f.state <> 'resolved' and not exists (select 1 from tasks t where t.key = f.task_key)
          returning 1)
        select count(*)::int as n from done`,
  );
  return rows[0]?.n ?? 0;
}

async function changeState(db: Db, id: string, set: SQL, what: string): Promise<StoredFlag> {
  const rows = await queryRows<FlagRow>(
    db,
    sql`update flags set ${set} where id = ${id} and state <> 'resolved' returning ${COLUMNS}`,
  );
  if (rows[0]) return toStoredFlag(rows[0]);
  const flag = await loadFlag(db, id);
  if (!flag) throw new FlagStateError("not_found", `[threadline] [flags] no flag ${id}`);
  throw new FlagStateError(
    "invalid",
    `[threadline] [flags] flag ${id} is resolved; there is nothing to ${what}`,
  );
}

/**
 * Hides a flag until `until` (it shows again from then, if still raised), recording who did it. Throws a
 * FlagStateError: `not_found` for an unknown id, `invalid` for a resolved flag or a date not in the future.
 */
export async function snoozeFlag(
  db: Db,
  id: string,
  until: Date,
  by: string,
  now = new Date(),
): Promise<StoredFlag> {
  if (!(until > now))
    throw new FlagStateError("invalid", "[threadline] [flags] a snooze must end in the future");
  return changeState(
    db,
    id,
    sql`state = 'snoozed', snoozed_until = ${time(until)}, state_by = ${by}, state_reason = null,
        state_at = ${time(now)}, updated_at = ${time(now)}`,
    "snooze",
  );
}

/**
 * Dismisses a flag with a reason, recording who did it. It comes back when evidence newer than `now` arrives.
 * Throws a FlagStateError: `not_found` for an unknown id, `invalid` for a resolved flag.
 */
export async function dismissFlag(
  db: Db,
  id: string,
  reason: string,
  by: string,
  now = new Date(),
): Promise<StoredFlag> {
  return changeState(
    db,
    id,
    sql`state = 'dismissed', snoozed_until = null, state_by = ${by}, state_reason = ${reason},
        state_at = ${time(now)}, updated_at = ${time(now)}`,
    "dismiss",
  );
}
