import type { Db } from "../../src/store/db.ts";
import { BOOKKEEPING, dumpDatabase } from "./dump.ts";

/** `value` with every time at or after `since` (an ISO string, or epoch milliseconds) replaced by a marker. */
function scrubTimesAfter(value: unknown, since: number): unknown {
  if (Array.isArray(value)) return value.map((v) => scrubTimesAfter(v, since));
  if (value && typeof value === "object" && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubTimesAfter(v, since)]));
  }
  if (typeof value === "number" && value >= since && value < since + 86_400_000) return "<run time>";
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}T/.test(value)) {
    const at = Date.parse(value);
    if (at >= since - 1_000) return "<run time>";
  }
  return value;
}

/**
 * What runs stored, for comparing runs made at different times on the real clock: every table of
 * `dumpDatabase` without the columns that say when a row was written, the cursors without the times the runs
 * took them (any time from `runsStartedAt` on), and the flags raised now by what they say rather than when
 * they were judged. Flags resolved along the way are left out: they record the order pages arrived in (a
 * flag raised on part of a task's items, then resolved by the rest), which differs between a run in one
 * piece and one resumed.
 */
export async function dumpContent(db: Db, runsStartedAt: Date, options: { flags?: boolean } = {}) {
  const { flags, digests: _digests, sync_cursors, ...rest } = await dumpDatabase(db, { omit: BOOKKEEPING });
  if (options.flags === false)
    return { ...rest, sync_cursors: scrubTimesAfter(sync_cursors, runsStartedAt.getTime()) };
  return {
    ...rest,
    sync_cursors: scrubTimesAfter(sync_cursors, runsStartedAt.getTime()),
    flags: flags
      .filter((f) => f.state !== "resolved")
      .map((f) => ({ task_key: f.task_key, kind: f.kind, state: f.state, evidence: f.evidence }))
      .sort((a, b) => `${a.task_key} ${a.kind}`.localeCompare(`${b.task_key} ${b.kind}`)),
  };
}
