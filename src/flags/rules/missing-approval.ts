import type { SnapshotItem, SnapshotPerson, TaskSnapshot } from "../../model/task-snapshot.ts";
import { type SignOff, type SignOffRole, toNameKey } from "../flag-settings.ts";
import { describeWorkingDays } from "./calendar.ts";
import {
  defaultOwner,
  describePerson,
  enteredCurrentStatus,
  isConversation,
  isHuman,
  isListed,
  isOutside,
  isQa,
  isRecent,
  namedIn,
  nameOf,
  placeOf,
  putTo,
  type RuleContext,
  type RuleFlag,
  teamIds,
} from "./common.ts";
import { textOf } from "./text/analysis.ts";
import { type ApprovalStance, isApprovingReaction } from "./text/approvals.ts";
import { quote, toGist } from "./text/clean.ts";

type HumanItem = SnapshotItem & { author: SnapshotPerson };

/** `missing_approval`: pull requests without their approving reviews, sign-offs a workflow needs, approvals asked for and never given. */
export function evaluateMissingApproval(task: TaskSnapshot, ctx: RuleContext): RuleFlag[] {
  return [...pullRequestFlags(task, ctx), ...signOffFlags(task, ctx), ...requestFlags(task, ctx)];
}

/** Each reviewer's standing review: the latest approval, change request or dismissal (comments don't change it). */
function standingReviews(task: TaskSnapshot, authorId: string | null): Map<string, HumanItem> {
  const standing = new Map<string, HumanItem>();
  for (const item of task.items) {
    if (item.kind !== "review" || !isHuman(item) || item.author.id === authorId) continue;
    const state = item.facts.reviewState;
    if (state === "approved" || state === "changes_requested") standing.set(item.author.id, item);
    else if (state === "dismissed") standing.delete(item.author.id);
  }
  return standing;
}

function pullRequestFlags(task: TaskSnapshot, ctx: RuleContext): RuleFlag[] {
  const pr = task.pullRequest;
  if (!pr || pr.closedUnmerged) return [];
  const s = ctx.settings.approvals;
  const author = task.reporter;
  if (s.exemptBotPullRequests && author?.isBot) return [];
  const standing = [...standingReviews(task, author?.id ?? null).values()];
  const approvals = standing.filter((r) => r.facts.reviewState === "approved");
  const owner = task.assignee?.id ?? author?.id ?? null;
  if (pr.merged) {
    const mergedAt = pr.mergedAt ?? task.updatedAt;
    if (approvals.length > 0 || ctx.calendar.workingDaysBetween(mergedAt, ctx.now) > s.mergedLookbackDays)
      return [];
    return [
      {
        kind: "missing_approval",
        taskKey: task.key,
        fingerprint: "pr-merged",
        since: mergedAt,
        reason: `Merged ${ctx.calendar.describeDay(mergedAt, ctx.now)} without an approving review; get a reviewer to look at it after the fact.`,
        evidence: task.items.filter((i) => i.kind === "pull_request").map((i) => i.id),
        owner,
      },
    ];
  }
  if (pr.draft) return [];
  const newestApproval = approvals.reduce<Date | null>((t, r) => (!t || r.at > t ? r.at : t), null);
  const changes = standing
    .filter((r) => r.facts.reviewState === "changes_requested" && (!newestApproval || r.at > newestApproval))
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  if (changes.length > 0) {
    const first = changes[0]!;
    const days = ctx.calendar.workingDaysBetween(first.at, ctx.now);
    if (days <= s.pullRequestDays) return [];
    const who = changes.map((r) => r.author.name).join(" and ");
    return [
      {
        kind: "missing_approval",
        taskKey: task.key,
        fingerprint: "pr-changes",
        since: first.at,
        reason: `${who} requested changes ${ctx.calendar.describeDay(first.at, ctx.now)} and there is no newer approval after ${describeWorkingDays(days)}; address the review and ask for another look.`,
        evidence: changes.map((r) => r.id),
        owner,
      },
    ];
  }
  const required = s.repositories[pr.repository] ?? s.requiredApprovals;
  if (approvals.length >= required) return [];
  const days = ctx.calendar.workingDaysBetween(task.createdAt, ctx.now);
  if (days <= s.pullRequestDays) return [];
  const approvers = new Set(approvals.map((r) => r.author.id));
  // The reviewers still asked: the author answers for the pull request, they must move.
  const reviewers = pr.requestedReviewers.filter((p) => !approvers.has(p.id) && p.id !== author?.id);
  const waitingOn = reviewers[0] ?? null;
  const informal = task.items.find(
    (i) =>
      (i.kind === "review" || i.kind === "comment" || i.kind === "review_comment") &&
      isHuman(i) &&
      i.author.id !== author?.id &&
      i.facts.reviewState !== "approved" &&
      textOf(i).approvalStance === "approval",
  );
  const count = required > 1 ? ` (${approvals.length} of ${required} needed in ${pr.repository})` : "";
  const note = informal
    ? `; ${nameOf(informal.author)} wrote ${quote(toGist(textOf(informal).sentences), 40)} but did not approve`
    : waitingOn
      ? `; review requested from ${waitingOn.name}`
      : "";
  return [
    {
      kind: "missing_approval",
      taskKey: task.key,
      fingerprint: "pr-review",
      since: task.createdAt,
      reason: `Open for ${describeWorkingDays(days)} without an approving review${count}${note}.`,
      evidence: [
        ...task.items.filter((i) => i.kind === "pull_request").map((i) => i.id),
        ...approvals.map((r) => r.id),
        ...(informal ? [informal.id] : []),
      ],
      owner,
      waitingOn: teamIds(reviewers),
    },
  ];
}

/** Whether a person can give a sign-off in a role. */
function hasRole(person: SnapshotPerson, role: SignOffRole, task: TaskSnapshot, ctx: RuleContext): boolean {
  if (person.isBot) return false;
  if (role === "client") return isOutside(person);
  if (!person.isTeam || person.id === task.assignee?.id) return false;
  if (role === "qa") return ctx.settings.roles.qa.length === 0 || isQa(person, ctx.settings);
  return true;
}

/**
 * A person's stance in an item: an approving review, approval words, or a refusal or condition. An unverified
 * sender's email has none: anyone can write "Approved, go ahead" under a client's address.
 */
function stanceOf(item: SnapshotItem): ApprovalStance {
  if (item.facts.unverifiedSender) return null;
  // Threadline's own review request or follow-up approves and refuses nothing.
  if (item.facts.writtenBy !== null) return null;
  if (item.kind === "review" && item.facts.reviewState === "approved") return "approval";
  if (item.kind === "review" && item.facts.reviewState === "changes_requested") return "refusal";
  return isConversation(item) ? textOf(item).approvalStance : null;
}

const ROLE_NAME: Record<SignOffRole, string> = {
  reviewer: "a reviewer's",
  qa: "a QA",
  client: "the client's",
};

function signOffFlags(task: TaskSnapshot, ctx: RuleContext): RuleFlag[] {
  const rules = ctx.settings.approvals.signOffs.filter(
    (r: SignOff) =>
      isListed(task.status, r.statuses) &&
      (r.labels.length === 0 || task.labels.some((l) => isListed(l, r.labels))),
  );
  if (rules.length === 0) return [];
  const entered = enteredCurrentStatus(task);
  const since = entered?.at ?? task.updatedAt;
  const flags: RuleFlag[] = [];
  for (const rule of rules) {
    const missing: SignOffRole[] = [];
    const against: HumanItem[] = [];
    for (const role of rule.from) {
      let last: { item: HumanItem; stance: Exclude<ApprovalStance, null> } | null = null;
      for (const item of task.items) {
        if (!isHuman(item) || !hasRole(item.author, role, task, ctx)) continue;
        const stance = stanceOf(item);
        if (stance) last = { item, stance };
      }
      if (last?.stance === "approval") continue;
      missing.push(role);
      if (last) against.push(last.item);
    }
    if (missing.length === 0) continue;
    const said = against[0]
      ? `; ${describePerson(against[0].author, ctx.settings)} said ${quote(toGist(textOf(against[0]).sentences), 60)}`
      : "";
    const needed = missing.map((r) => ROLE_NAME[r]).join(" and ");
    flags.push({
      kind: "missing_approval",
      taskKey: task.key,
      fingerprint: `signoff:${toNameKey(task.status)}`,
      since,
      reason: `Moved to “${task.status}” ${ctx.calendar.describeDay(since, ctx.now)} without ${needed} sign-off${said}.`,
      evidence: [...(entered ? [entered.id] : []), ...against.map((i) => i.id)],
      owner: defaultOwner(task),
    });
  }
  return flags;
}

function requestFlags(task: TaskSnapshot, ctx: RuleContext): RuleFlag[] {
  const s = ctx.settings.approvals;
  const items = task.items;
  const open = new Map<
    string,
    { first: HumanItem; sentence: string; items: HumanItem[]; replies: HumanItem[] }
  >();
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (
      item.via ||
      !isHuman(item) ||
      !isConversation(item) ||
      !isRecent(item, ctx.settings.questions.maxAgeDays, ctx) ||
      item.facts.writtenBy !== null
    )
      continue;
    const sentence = textOf(item).approvalRequest;
    if (!sentence) continue;
    const asker = item.author;
    let approved = item.facts.reactions.some(
      (r) => isApprovingReaction(r) && (r.by.length > 0 ? r.by.some((id) => id !== asker.id) : r.count > 0),
    );
    const replies: HumanItem[] = [];
    for (let j = i + 1; j < items.length && !approved; j++) {
      const later = items[j]!;
      if (!(later.at > item.at) || !isHuman(later) || later.author.id === asker.id) continue;
      const stance = stanceOf(later);
      if (stance === "approval") approved = true;
      else if (stance) replies.push(later);
    }
    if (approved) continue;
    const group = `${asker.id}\u0000${item.threadId ?? ""}`;
    const existing = open.get(group);
    if (existing) {
      existing.items.push(item);
      existing.replies.push(...replies.filter((r) => !existing.replies.includes(r)));
    } else open.set(group, { first: item, sentence, items: [item], replies });
  }
  const flags: RuleFlag[] = [];
  for (const { first, sentence, items: asked, replies } of open.values()) {
    const days = ctx.calendar.workingDaysBetween(first.at, ctx.now);
    if (days <= s.requestDays) continue;
    const asker = first.author;
    const askedOf = putTo(asked, task);
    const waitingOn = teamIds(askedOf);
    const asked0 = askedOf[0];
    const reply = replies.at(-1);
    const answer = reply
      ? `; ${nameOf(reply.author)} answered ${quote(toGist(textOf(reply).sentences), 60)}`
      : `; not given in ${describeWorkingDays(days)}`;
    const from = asked0 ? ` ${asked0.name}` : "";
    flags.push({
      kind: "missing_approval",
      taskKey: task.key,
      fingerprint: `request:${first.id}`,
      since: first.at,
      reason: `${describePerson(asker, ctx.settings)} asked${from} for approval ${placeOf(first, ctx)} ${ctx.calendar.describeDay(first.at, ctx.now)} (${quote(sentence, 70)})${answer}.`,
      evidence: [...asked.map((i) => i.id), ...replies.map((i) => i.id)],
      // The teammate it names answers for it; put to someone outside the team only, the team member who asked
      // is the one to chase it.
      owner: teamIds(namedIn(first))[0] ?? (asker.isTeam ? asker.id : defaultOwner(task)),
      waitingOn,
    });
  }
  return flags;
}
