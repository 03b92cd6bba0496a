import type { SnapshotItem, TaskSnapshot } from "../../model/task-snapshot.ts";
import { toNameKey } from "../flag-settings.ts";
import { describeWorkingDays } from "./calendar.ts";
import {
  defaultOwner,
  describeItem,
  hasListedLabel,
  isHuman,
  isListed,
  lastTouch,
  type RuleContext,
  type RuleFlag,
  toIds,
} from "./common.ts";

const byStatus = new WeakMap<object, Map<string, number | null>>();

/** The working days an open task may stay quiet: by status name first, then by status category. */
export function toStaleThreshold(task: TaskSnapshot, ctx: RuleContext): number | null {
  const { statusThresholds, thresholds } = ctx.settings.stale;
  let keyed = byStatus.get(statusThresholds);
  if (!keyed) {
    keyed = new Map(Object.entries(statusThresholds).map(([status, days]) => [toNameKey(status), days]));
    byStatus.set(statusThresholds, keyed);
  }
  const days = keyed.get(toNameKey(task.status));
  return days !== undefined ? days : (thresholds[task.statusCategory] ?? null);
}

/** The newest item a person (not a bot) made, in any source. */
export function lastHumanActivity(task: TaskSnapshot): SnapshotItem | null {
  for (let i = task.items.length - 1; i >= 0; i--) if (isHuman(task.items[i]!)) return task.items[i]!;
  return null;
}

/**
 * `stale`: an open task with no activity by a person, in any source, for longer than the threshold of its
 * status, counted in working days. Bots never reset the clock. Exempt: listed labels and statuses, draft pull
 * requests, tasks due in the future (each as the settings say).
 */
export function evaluateStale(task: TaskSnapshot, ctx: RuleContext): RuleFlag[] {
  if (task.statusCategory === "done") return [];
  const s = ctx.settings.stale;
  if (hasListedLabel(task, s.exemptLabels) || isListed(task.status, s.exemptStatuses)) return [];
  if (s.exemptDrafts && task.pullRequest?.draft) return [];
  if (s.exemptFutureDue && task.dueAt && task.dueAt > ctx.now) return [];
  const threshold = toStaleThreshold(task, ctx);
  if (threshold === null) return [];
  const last = lastHumanActivity(task);
  const since = last && last.at > task.createdAt ? last.at : task.createdAt;
  const days = ctx.calendar.workingDaysBetween(since, ctx.now);
  if (days <= threshold) return [];
  const when = ctx.calendar.describeDay(since, ctx.now);
  const quiet =
    Math.floor(days) > threshold
      ? describeWorkingDays(days)
      : `more than ${threshold} working day${threshold === 1 ? "" : "s"}`;
  const lastly = last ? `the last was ${describeItem(last, ctx)} ${when}` : `it was created ${when}`;
  return [
    {
      kind: "stale",
      taskKey: task.key,
      fingerprint: "",
      since,
      reason: `No activity for ${quiet} in “${task.status}” (limit ${threshold}); ${lastly}.`,
      // With no person's item, whatever touched it last (a bot's, its creation) is what the quiet is measured by.
      evidence: toIds(last ?? lastTouch(task)),
      owner: defaultOwner(task),
    },
  ];
}
