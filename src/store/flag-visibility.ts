import { type SQL, sql } from "drizzle-orm";

/**
 * Which stored flags show, for everything that lists them: the API's tasks and flags, the web inbox, a
 * person's page and the digest. A flag shows when it is open, or snoozed until a time that has come. A snooze
 * without an end stays hidden; dismissed and resolved flags never show. "Back early on new activity" is
 * written, not read: the flag recompute reopens a snoozed flag whose task has newer activity, and a dismissed
 * one whose evidence is newer than the dismissal, so each state here is a condition on the flag's own columns.
 *
 * `alias` names the `flags` row in the statement (`f`, or the table itself).
 */

const time = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/** The flag is open: a range of `flags_kind_state_idx` (kind, state, since). */
export const isFlagOpen = (alias: string): SQL => sql`${sql.identifier(alias)}.state = 'open'`;

/** The flag was snoozed until a time that has come: a range of `flags_kind_snoozed_idx`. */
export const hasSnoozeEnded = (alias: string, now: Date): SQL => {
  const f = sql.identifier(alias);
  return sql`(${f}.state = 'snoozed' and ${f}.snoozed_until <= ${time(now)})`;
};

/** The flag is hidden by a snooze that runs on (what the inbox lists under `is:snoozed`). */
export const isSnoozeRunning = (alias: string, now: Date): SQL => {
  const f = sql.identifier(alias);
  return sql`(${f}.state = 'snoozed' and ${f}.snoozed_until > ${time(now)})`;
};

/**
 * The states in which a flag shows as of `now`, apart: each reads one index range, so a page sorted by
 * `since` can be a `union all` of ordered ranges instead of one sort of every flag of a kind.
 */
export const visibleFlagStates = (alias: string, now: Date): SQL[] => [
  isFlagOpen(alias),
  hasSnoozeEnded(alias, now),
];

/** Whether the flag row `alias` shows as of `now`: one of `visibleFlagStates`. */
export const isFlagVisible = (alias: string, now: Date): SQL =>
  sql`(${sql.join(visibleFlagStates(alias, now), sql` or `)})`;
