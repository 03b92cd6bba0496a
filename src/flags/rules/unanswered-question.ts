import type { SnapshotItem, SnapshotPerson, TaskSnapshot } from "../../model/task-snapshot.ts";
import { describeWorkingDays } from "./calendar.ts";
import {
  defaultOwner,
  describePerson,
  isConversation,
  isHuman,
  isOutside,
  isQa,
  isRecent,
  namedIn,
  placeOf,
  putTo,
  type RuleContext,
  type RuleFlag,
  teamIds,
} from "./common.ts";
import { textOf } from "./text/analysis.ts";
import { isApprovingReaction } from "./text/approvals.ts";
import { quote } from "./text/clean.ts";

type HumanItem = SnapshotItem & { author: SnapshotPerson };

/**
 * Whether `later` answers a question `asked` by `asker`: a later conversation item by a person other than the
 * asker, anywhere on the task (people answer an email question on the ticket). When the asker is outside the
 * team, only the team can answer: another client's "+1, same here" is no answer. An email from an unverified
 * sender answers nothing: it may not be from whom it says.
 */
function answers(later: SnapshotItem, asker: SnapshotPerson): boolean {
  if (!isHuman(later) || !isConversation(later) || later.author.id === asker.id) return false;
  if (later.facts.unverifiedSender) return false;
  // Threadline's own nudge, chase or review request in the thread is a reminder, not the answer.
  if (later.facts.writtenBy !== null) return false;
  return !isOutside(asker) || later.author.isTeam;
}

/** A thumbs-up or check mark on the question by someone else answers a yes/no question. */
function reactedTo(item: SnapshotItem, asker: SnapshotPerson): boolean {
  return item.facts.reactions.some(
    (r) => isApprovingReaction(r) && (r.by.length > 0 ? r.by.some((id) => id !== asker.id) : r.count > 0),
  );
}

/**
 * Who answers for the question: the team member it names (mention, To), else the assignee or reporter. When a
 * team member asked someone outside, the asker is the one to chase it. (Whom it waits on is `putTo`: a direct
 * reply waits on the person it answers, while the task's owner still answers for it.)
 */
function ownerOf(question: HumanItem, task: TaskSnapshot): string | null {
  const asker = question.author;
  const named = namedIn(question);
  const team = named.find((p) => p.isTeam);
  if (team) return team.id;
  if (asker.isTeam && named.some(isOutside)) return asker.id;
  if (task.assignee && task.assignee.id !== asker.id) return task.assignee.id;
  if (task.reporter?.isTeam && task.reporter.id !== asker.id) return task.reporter.id;
  return asker.isTeam ? asker.id : defaultOwner(task);
}

/** A short question ("Thoughts?") is quoted with the sentence before it. */
function withContext(sentences: string[], sentence: string): string {
  if (sentence.length >= 25) return sentence;
  const i = sentences.indexOf(sentence);
  return i > 0 ? `${sentences[i - 1]} ${sentence}` : sentence;
}

/**
 * `unanswered_question`: a question or request in a comment, review, email or chat message (see
 * text/questions.ts) with no later answer by anyone but the asker, past the threshold: one working day for
 * clients and QA, two for the team. Follow-ups by the same asker in the same thread join the first question.
 * A question in a review thread marked resolved counts as answered.
 */
export function evaluateUnansweredQuestion(task: TaskSnapshot, ctx: RuleContext): RuleFlag[] {
  const q = ctx.settings.questions;
  const open = new Map<string, { first: HumanItem; sentence: string; items: HumanItem[] }>();
  const items = task.items;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (item.via || !isHuman(item) || !isConversation(item) || !isRecent(item, q.maxAgeDays, ctx)) continue;
    // A reminder Threadline wrote quotes the question; it is not a new one.
    if (item.facts.writtenBy !== null) continue;
    const asker = item.author;
    // Whether anything answers it comes first: it is cheaper than reading the text, and most items have a
    // later reply, so most are never read for a question at all.
    // A review thread marked resolved is answered, whoever closed it.
    let answered = item.facts.threadResolved || reactedTo(item, asker);
    for (let j = i + 1; j < items.length && !answered; j++) {
      if (items[j]!.at > item.at && answers(items[j]!, asker)) answered = true;
    }
    // A pull request's question answered on its task (a Jira comment, a Slack reply naming the task).
    for (const later of task.taskItems ?? []) {
      if (answered) break;
      if (later.at > item.at && answers(later, asker)) answered = true;
    }
    if (answered) continue;
    const sentence = textOf(item).question;
    if (!sentence) continue;
    const group = `${asker.id}\u0000${item.threadId ?? ""}`;
    const existing = open.get(group);
    if (existing) existing.items.push(item);
    else open.set(group, { first: item, sentence, items: [item] });
  }
  const flags: RuleFlag[] = [];
  for (const { first, sentence, items: asked } of open.values()) {
    const asker = first.author;
    const priority = isOutside(asker) || isQa(asker, ctx.settings);
    const threshold = priority ? q.priorityDays : q.days;
    const days = ctx.calendar.workingDaysBetween(first.at, ctx.now);
    if (days <= threshold) continue;
    const excerpt = withContext(textOf(first).sentences.original, sentence);
    const askedOf = putTo(asked, task);
    const followUps =
      asked.length > 1 ? ` (and ${asked.length - 1} follow-up${asked.length > 2 ? "s" : ""})` : "";
    flags.push({
      kind: "unanswered_question",
      taskKey: task.key,
      fingerprint: first.id,
      since: first.at,
      reason: `${describePerson(asker, ctx.settings)} asked ${placeOf(first, ctx)} ${ctx.calendar.describeDay(first.at, ctx.now)}: ${quote(excerpt)}${followUps}; no reply in ${describeWorkingDays(days)}.`,
      evidence: asked.map((i) => i.id),
      owner: ownerOf(first, task),
      waitingOn: teamIds(askedOf),
    });
  }
  return flags;
}
