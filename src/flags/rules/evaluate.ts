import type { FlagKind } from "../../model/kinds.ts";
import type { TaskSnapshot } from "../../model/task-snapshot.ts";
import type { FlagSettings } from "../flag-settings.ts";
import { toOneFlagPerKind } from "../one-flag-per-kind.ts";
import type { RaisedFlag } from "../raised-flag.ts";
import { evaluateBlockedExternal } from "./blocked-external.ts";
import { toWorkingCalendar } from "./calendar.ts";
import { lastTouch, type Rule, type RuleContext, toIds } from "./common.ts";
import { evaluateDoneNotDeployed } from "./done-not-deployed.ts";
import { evaluateFeedbackOffBoard } from "./feedback-off-board.ts";
import { evaluateMissingApproval } from "./missing-approval.ts";
import { evaluateNoOwner } from "./no-owner.ts";
import { evaluateStale } from "./stale.ts";
import { evaluateUnansweredQuestion } from "./unanswered-question.ts";

/** One rule per flag kind; the compiler checks that none is missing. */
export const RULES: Record<FlagKind, Rule> = {
  stale: evaluateStale,
  missing_approval: evaluateMissingApproval,
  unanswered_question: evaluateUnansweredQuestion,
  feedback_off_board: evaluateFeedbackOffBoard,
  done_not_deployed: evaluateDoneNotDeployed,
  no_owner: evaluateNoOwner,
  blocked_external: evaluateBlockedExternal,
};

const RULE_LIST = Object.values(RULES);

export interface EvaluateOptions {
  now: Date;
  settings: FlagSettings;
}

/** The context rules share; the working calendar is built once per settings object. */
export function toRuleContext({ now, settings }: EvaluateOptions): RuleContext {
  return { now, settings, calendar: toWorkingCalendar(settings) };
}

/**
 * Every flag a task raises as of `now`, one per kind (see `toOneFlagPerKind`). Pure: the same snapshot,
 * settings and time give the same flags.
 */
export function evaluateTaskFlags(task: TaskSnapshot, options: EvaluateOptions | RuleContext): RaisedFlag[] {
  const ctx = "calendar" in options ? options : toRuleContext(options);
  const flags: RaisedFlag[] = [];
  for (const rule of RULE_LIST) {
    for (const flag of rule(task, ctx)) {
      const last = newestEvidenceAt(task, flag.evidence, flag.since.getTime());
      flags.push({
        ...flag,
        // Every flag shows on the timeline: a rule with no item of its own points at where the task stands.
        evidence: flag.evidence.length > 0 ? flag.evidence : toIds(lastTouch(task)),
        reasons: [flag.reason],
        waitingOn: flag.waitingOn ?? [],
        lastEvidenceAt: new Date(last),
      });
    }
  }
  return toOneFlagPerKind(flags);
}

/**
 * The time of the newest of these items on the task's timeline, or `floor` when none is newer. One pass over
 * the timeline, newest first: evidence is a few items, mostly recent ones, so no index of the timeline is built.
 */
function newestEvidenceAt(task: TaskSnapshot, evidence: readonly string[], floor: number): number {
  let last = floor;
  let left = evidence.length;
  const items = task.items;
  for (let i = items.length - 1; i >= 0 && left > 0; i--) {
    const item = items[i]!;
    if (!evidence.includes(item.id)) continue;
    left--;
    const t = item.at.getTime();
    if (t > last) last = t;
  }
  return last;
}
