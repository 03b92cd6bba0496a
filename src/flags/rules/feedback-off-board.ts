import type { ItemKind } from "../../model/kinds.ts";
import type { SnapshotItem, TaskSnapshot } from "../../model/task-snapshot.ts";
import {
  defaultOwner,
  describePerson,
  isHuman,
  isOutside,
  isRecent,
  type RuleContext,
  type RuleFlag,
} from "./common.ts";
import { textOf } from "./text/analysis.ts";
import { quote, toGist } from "./text/clean.ts";

/** What counts as an update on the task itself, in the task's own source (Jira, GitHub). */
const BOARD_KINDS: ReadonlySet<ItemKind> = new Set([
  "task_created",
  "status_change",
  "comment",
  "review",
  "review_comment",
  "pull_request",
]);

const SOURCE_NAME: Record<string, string> = { jira: "Jira issue", github: "GitHub issue" };

/**
 * `feedback_off_board`: emails and chat messages from people outside the team (clients, stakeholders,
 * vendors, Slack and Teams guests) that are newer than every update a person made on the task in its own
 * source. Thanks-only messages and auto-replies are not feedback; messages older than `maxAgeDays` are history.
 */
export function evaluateFeedbackOffBoard(task: TaskSnapshot, ctx: RuleContext): RuleFlag[] {
  const s = ctx.settings.feedbackOffBoard;
  let lastUpdate = task.createdAt;
  for (const item of task.items) {
    // A message recorded on the task through Threadline is an update, whatever account wrote it.
    const recorded = item.facts.writtenBy === "record";
    if (
      item.source === task.source &&
      BOARD_KINDS.has(item.kind) &&
      (recorded || isHuman(item)) &&
      item.at > lastUpdate
    ) {
      lastUpdate = item.at;
    }
  }
  const outside: SnapshotItem[] = task.items.filter(
    (item) =>
      item.at > lastUpdate &&
      (item.kind === "email" || item.kind === "chat_message") &&
      isHuman(item) &&
      isOutside(item.author) &&
      isRecent(item, s.maxAgeDays, ctx) &&
      !textOf(item).isAcknowledgement,
  );
  const first = outside[0];
  if (!first) return [];
  if (s.afterDays > 0 && ctx.calendar.workingDaysBetween(first.at, ctx.now) <= s.afterDays) return [];
  const latest = outside.at(-1)!;
  const who = [...new Set(outside.map((i) => describePerson(i.author!, ctx.settings)))];
  const what = toGist(textOf(latest).sentences);
  const board = task.pullRequest ? "pull request" : (SOURCE_NAME[task.source] ?? "task");
  const when = ctx.calendar.describeDay(first.at, ctx.now);
  const sinceWhen = when.replace(/^on /, "");
  const messages =
    outside.length === 1
      ? `${who[0]} wrote ${latest.kind === "email" ? "by email" : "in chat"} ${when} (${quote(what, 80)})`
      : `${who.join(" and ")} sent ${outside.length} messages since ${sinceWhen} (latest: ${quote(what, 70)})`;
  return [
    {
      kind: "feedback_off_board",
      taskKey: task.key,
      fingerprint: "",
      since: first.at,
      reason: `${messages} and the ${board} has not been updated since; record it on the task.`,
      evidence: outside.map((i) => i.id),
      owner: defaultOwner(task),
    },
  ];
}
