/**
 * The actions people took on flags (`flag_actions`): recorded before any call to a source, claimed by one
 * attempt at a time, their results saved write by write, so that a retry or a double submit never writes twice.
 */
import { sql } from "drizzle-orm";
import type { WriteResult } from "../../connectors/types.ts";
import type { ActionState, FlagActionName, StoredWrite, TaskAction } from "../actions/action-types.ts";
import type { Db } from "./db.ts";
import { queryRows } from "./rows.ts";
import { isoUtc } from "./sql-fragments.ts";

/** An action as stored. */
export interface StoredAction {
  id: string;
  idempotencyKey: string;
  flagId: string;
  flagKind: string;
  taskKey: string;
  action: FlagActionName;
  state: ActionState;
  retryable: boolean;
  error: string | null;
  by: string;
  attempts: number;
  plan: StoredWrite[];
  results: WriteResult[];
  writtenItems: string[];
  createdAt: string;
  doneAt: string | null;
}

/** What is recorded before the first call. */
export interface NewAction {
  id: string;
  idempotencyKey: string;
  flagId: string;
  flagKind: string;
  taskKey: string;
  action: FlagActionName;
  by: string;
  plan: StoredWrite[];
}

interface ActionRow {
  id: string;
  idempotency_key: string;
  flag_id: string;
  flag_kind: string;
  task_key: string;
  action: FlagActionName;
  state: ActionState;
  retryable: boolean;
  error: string | null;
  by: string;
  attempts: number;
  plan: unknown;
  results: unknown;
  written_items: string[] | null;
  created_at: string;
  done_at: string | null;
}

const time = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/** jsonb arrives parsed from postgres.js and PGlite alike; a string only from an older driver setting. */
const jsonOf = (value: unknown): unknown => (typeof value === "string" ? JSON.parse(value) : value);

const COLUMNS = sql`id, idempotency_key, flag_id, flag_kind, task_key, action, state, retryable, error, by, attempts,
  plan, results, written_items, ${isoUtc(sql`created_at`)} as created_at, ${isoUtc(sql`done_at`)} as done_at`;

function toStoredAction(r: ActionRow): StoredAction {
  return {
    id: r.id,
    idempotencyKey: r.idempotency_key,
    flagId: r.flag_id,
    flagKind: r.flag_kind,
    taskKey: r.task_key,
    action: r.action,
    state: r.state,
    retryable: r.retryable,
    error: r.error,
    by: r.by,
    attempts: Number(r.attempts),
    plan: jsonOf(r.plan) as StoredWrite[],
    results: jsonOf(r.results) as WriteResult[],
    writtenItems: r.written_items ?? [],
    createdAt: r.created_at,
    doneAt: r.done_at,
  };
}

/**
 * Records an action before anything is written, unless its idempotency key is known: then the action recorded
 * under it is answered as it is (`created: false`), whatever was asked this time.
 */
export async function saveNewAction(
  db: Db,
  action: NewAction,
  now: Date,
): Promise<{ action: StoredAction; created: boolean }> {
  const inserted = await queryRows<ActionRow>(
    db,
    sql`insert into flag_actions (id, idempotency_key, flag_id, flag_kind, task_key, action, by, plan, created_at, updated_at)
        values (${action.id}, ${action.idempotencyKey}, ${action.flagId}, ${action.flagKind}, ${action.taskKey},
                ${action.action}, ${action.by}, ${JSON.stringify(action.plan)}::jsonb, ${time(now)}, ${time(now)})
        on conflict (idempotency_key) do nothing
        returning ${COLUMNS}`,
  );
  if (inserted[0]) return { action: toStoredAction(inserted[0]), created: true };
  const existing = await loadActionByKey(db, action.idempotencyKey);
  if (!existing) throw new Error(`[threadline] [actions] idempotency key ${action.idempotencyKey} vanished`);
  return { action: existing, created: false };
}

export async function loadActionByKey(db: Db, idempotencyKey: string): Promise<StoredAction | null> {
  const rows = await queryRows<ActionRow>(
    db,
    sql`select ${COLUMNS} from flag_actions where idempotency_key = ${idempotencyKey}`,
  );
  return rows[0] ? toStoredAction(rows[0]) : null;
}

/**
 * Takes the action for one attempt until `holdUntil`, counting the attempt: only an action not done, not
 * failed for good, and not held by a running attempt (a crashed attempt's hold runs out). Null when another
 * attempt holds it or there is nothing left to do.
 */
export async function claimAction(
  db: Db,
  id: string,
  now: Date,
  holdUntil: Date,
): Promise<StoredAction | null> {
  const rows = await queryRows<ActionRow>(
    db,
    sql`update flag_actions
        set attempts = attempts + 1, held_until = ${time(holdUntil)}, state = 'pending', updated_at = ${time(now)}
        where id = ${id} and state <> 'done' and not (state = 'failed' and not retryable)
          and (held_until is null or held_until <= ${time(now)})
        returning ${COLUMNS}`,
  );
  return rows[0] ? toStoredAction(rows[0]) : null;
}

/** Saves what the writes made so far (each as soon as it is made): a later attempt starts after them. */
export async function saveActionResults(
  db: Db,
  id: string,
  results: readonly WriteResult[],
  writtenItems: readonly string[],
  now: Date,
): Promise<void> {
  await db.execute(sql`
    update flag_actions
    set results = ${JSON.stringify(results)}::jsonb, written_items = ${sql.param([...writtenItems])}::text[],
        updated_at = ${time(now)}
    where id = ${id}`);
}

/** The attempt's end: done, or failed with why and whether a retry may help. Lets the action go. */
export async function saveActionEnd(
  db: Db,
  id: string,
  end: { state: "done" } | { state: "failed"; error: string; retryable: boolean },
  now: Date,
): Promise<void> {
  if (end.state === "done") {
    await db.execute(sql`
      update flag_actions
      set state = 'done', error = null, retryable = false, held_until = null, done_at = ${time(now)}, updated_at = ${time(now)}
      where id = ${id}`);
    return;
  }
  await db.execute(sql`
    update flag_actions
    set state = 'failed', error = ${end.error}, retryable = ${end.retryable}, held_until = null, updated_at = ${time(now)}
    where id = ${id}`);
}

/** A flag's actions, newest first. */
export async function loadActionsOfFlag(db: Db, flagId: string): Promise<StoredAction[]> {
  const rows = await queryRows<ActionRow>(
    db,
    sql`select ${COLUMNS} from flag_actions where flag_id = ${flagId} order by created_at desc, id desc`,
  );
  return rows.map(toStoredAction);
}

/**
 * A task's actions, oldest first, each with the items its writes made that have not arrived yet (pending on the
 * timeline until a sync or push brings them).
 */
export async function loadTaskActions(db: Db, taskKey: string): Promise<TaskAction[]> {
  const rows = await queryRows<ActionRow & { missing: string[] | null }>(
    db,
    sql`select ${COLUMNS},
               array(select w from unnest(a.written_items) w
                     where not exists (select 1 from items i where i.id = w and i.deleted_at is null)) as missing
        from flag_actions a where a.task_key = ${taskKey} order by a.created_at asc, a.id asc`,
  );
  return rows.map((r) => {
    const a = toStoredAction(r);
    return {
      id: a.id,
      flagId: a.flagId,
      flagKind: a.flagKind,
      action: a.action,
      state: a.state,
      retryable: a.retryable,
      error: a.error,
      by: a.by,
      createdAt: a.createdAt,
      doneAt: a.doneAt,
      writes: a.plan.map(({ target: _target, ...write }) => write),
      results: a.results,
      pendingItems: r.missing ?? [],
    };
  });
}

/**
 * Which of these items a Threadline action wrote, and which action: the rules read a nudge as no answer and a
 * confirm-deployed comment as a confirmation. Only actions whose writes were made count.
 */
export async function loadActionsOfItems(
  db: Db,
  itemIds: readonly string[],
): Promise<Map<string, FlagActionName>> {
  const out = new Map<string, FlagActionName>();
  if (itemIds.length === 0) return out;
  // A recompute asks for about 10,000 ids. Sent once, and kept from the planner in a materialised CTE: given
  // the list as a constant, it estimated the selectivity of each element, 10-16 ms of planning a statement
  // that runs in well under one.
  const rows = await queryRows<{ item_id: string; action: FlagActionName }>(
    db,
    sql`with p as materialized (select ${sql.param([...itemIds])}::text[] as ids)
        select w as item_id, a.action
        from p join flag_actions a on a.written_items && p.ids
        cross join lateral unnest(a.written_items) w
        where w = any(p.ids)`,
  );
  for (const r of rows) out.set(r.item_id, r.action);
  return out;
}
