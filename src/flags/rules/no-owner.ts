import type { TaskSnapshot } from "../../model/task-snapshot.ts";
import { hasListedLabel, isListed, lastTouch, type RuleContext, type RuleFlag, toIds } from "./common.ts";

/**
 * `no_owner`: an open task without an assignee. A pull request's author owns it, so a pull request needs
 * neither. Exempt: the labels and statuses the settings list.
 */
export function evaluateNoOwner(task: TaskSnapshot, ctx: RuleContext): RuleFlag[] {
  if (task.statusCategory === "done" || task.assignee) return [];
  if (task.pullRequest && task.reporter) return [];
  const s = ctx.settings.noOwner;
  if (hasListedLabel(task, s.exemptLabels) || isListed(task.status, s.exemptStatuses)) return [];
  return [
    {
      kind: "no_owner",
      taskKey: task.key,
      fingerprint: "",
      since: task.createdAt,
      reason: `Nobody is assigned to this “${task.status}” task, open since ${ctx.calendar
        .describeDay(task.createdAt, ctx.now)
        .replace(/^on /, "")}; assign an owner.`,
      evidence: toIds(lastTouch(task)),
      owner: null,
    },
  ];
}
