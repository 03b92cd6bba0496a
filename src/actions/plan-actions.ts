/**
 * The planner: which writes each action of a flag makes, where, naming whom, with which text. Pure: the flag,
 * its task, the task's items, the team and the templates in; plans out. Access (may these credentials write
 * it?) is the service's to add.
 */
import type { ItemMeta, WriteKind, WritePerson, WriteTarget } from "../../connectors/types.ts";
import type { FlagKind, ItemKind, SourceId } from "../model/kinds.ts";
import { ACTIONS_OF_KIND, type FlagActionName, type StoredWrite } from "./action-types.ts";
import { type ActionTemplates, fillTemplate, type Placeholder } from "./templates.ts";

/** A person as the planner sees them: who they are to the team, and their accounts. */
export interface PlanPerson {
  id: string;
  name: string;
  email: string | null;
  isTeam: boolean;
  identities: Array<{ source: SourceId; externalId: string; handle: string | null }>;
}

/** An item of the task's timeline, with what a write needs to continue its conversation. */
export interface PlanItem {
  id: string;
  source: SourceId;
  externalId: string;
  kind: ItemKind;
  /** The scope it was read from (a channel, a mailbox, a project). */
  scope: string;
  threadId: string | null;
  url: string | null;
  at: Date;
  text: string;
  author: PlanPerson | null;
  meta: ItemMeta;
}

export interface PlanInput {
  flag: {
    id: string;
    kind: FlagKind;
    evidence: readonly string[];
    owner: PlanPerson | null;
    waitingOn: readonly PlanPerson[];
  };
  task: {
    key: string;
    source: SourceId;
    title: string;
    url: string;
    assignee: PlanPerson | null;
  };
  /** The task's own items, oldest first. */
  items: readonly PlanItem[];
  /** Team members who may be assigned (they need an account in the task's source). */
  team: readonly PlanPerson[];
  actor: { name: string };
  templates: ActionTemplates;
  /** Sources by id: how a sentence names each (`Jira`, `by email`). */
  sources: Readonly<Record<SourceId, { label: string; place: string }>>;
  timeZone: string;
  now: Date;
}

/** What the person may change before acting. */
export interface PlanChoice {
  /** The message of the action's messages (the review request's comment, the nudge…). */
  text?: string;
  /** For `assign`: the `externalId` of one of the choices. */
  assignee?: string;
}

/** One action planned: its writes (the message ones with the text to edit), or why it cannot be done. */
export interface ActionPlan {
  action: FlagActionName;
  label: string;
  writes: StoredWrite[];
  editable: boolean;
  choices: WritePerson[];
  /** Why the action cannot be done here (nothing to reply to, nobody to assign); null when it can. */
  unavailable: string | null;
}

export const ACTION_LABELS: Readonly<Record<FlagActionName, string>> = {
  record: "Record on the task",
  nudge: "Nudge",
  "request-review": "Ask for review",
  assign: "Assign",
  "confirm-deployed": "Confirm deployed",
  reopen: "Reopen",
  chase: "Chase",
};

const MESSAGE_KINDS: ReadonlySet<WriteKind> = new Set(["comment", "reply", "draft_reply"]);
const QUOTED_LINES = 3;
const QUOTED_LINE_LENGTH = 200;

/** The plan of one action of a flag, with the person's edits applied. Pure. */
export function planAction(input: PlanInput, action: FlagActionName, choice: PlanChoice = {}): ActionPlan {
  if (!ACTIONS_OF_KIND[input.flag.kind].includes(action)) {
    throw new Error(`[threadline] [actions] ${action} does not resolve a ${input.flag.kind} flag`);
  }
  const plan = planDefault(input, action, choice);
  if (choice.text !== undefined && plan.editable) {
    const text = choice.text.trim();
    // The message is the last message write (a review request's comment comes after the request).
    const last = plan.writes.findLastIndex((w) => MESSAGE_KINDS.has(w.kind));
    if (last >= 0) plan.writes[last] = { ...plan.writes[last]!, text };
  }
  return plan;
}

/** Every action that resolves the flag, planned with its defaults. Pure. */
export function planActions(input: PlanInput): ActionPlan[] {
  return ACTIONS_OF_KIND[input.flag.kind].map((action) => planAction(input, action));
}

function planDefault(input: PlanInput, action: FlagActionName, choice: PlanChoice): ActionPlan {
  const base = { action, label: ACTION_LABELS[action], editable: true, choices: [], unavailable: null };
  switch (action) {
    case "record":
      return { ...base, ...planRecord(input) };
    case "nudge":
      return { ...base, ...planNudge(input) };
    case "request-review":
      return { ...base, ...planRequestReview(input) };
    case "assign":
      return { ...base, ...planAssign(input, choice), editable: false };
    case "confirm-deployed":
      return { ...base, writes: [taskComment(input, confirmText(input))] };
    case "reopen":
      return {
        ...base,
        editable: false,
        writes: [
          {
            source: input.task.source,
            kind: "reopen",
            where: `${input.task.key} in ${labelOf(input, input.task.source)}, back to an open status`,
            url: input.task.url,
            text: "",
            people: [],
            target: { taskKey: input.task.key },
          },
        ],
      };
    case "chase":
      return { ...base, ...planChase(input) };
  }
}

type Planned = Pick<ActionPlan, "writes" | "unavailable"> & { choices?: WritePerson[] };

/** feedback_off_board → a comment on the task quoting the latest outside message. */
function planRecord(input: PlanInput): Planned {
  const evidence = evidenceItems(input);
  const latest = evidence.at(-1);
  if (!latest) return { writes: [], unavailable: "The flag names no message to record." };
  return {
    writes: [taskComment(input, fillTemplate(input.templates.record, valuesOf(input, latest)))],
    unavailable: null,
  };
}

/** unanswered_question → a reply in the question's conversation mentioning whom it waits on (email: a draft). */
function planNudge(input: PlanInput): Planned {
  const question = evidenceItems(input).at(-1);
  if (!question) return { writes: [], unavailable: "The flag names no question to follow up." };
  const waiting =
    input.flag.waitingOn.length > 0 ? input.flag.waitingOn : input.flag.owner ? [input.flag.owner] : [];
  const text = fillTemplate(input.templates.nudge, valuesOf(input, question));
  return { writes: [replyTo(input, question, waiting, text)], unavailable: null };
}

/**
 * missing_approval → on a pull request, its reviewers requested and a comment nudging them; for an approval
 * asked by email or in chat, a follow-up to the person asked; for a sign-off the workflow needs, a comment on
 * the task asking for it.
 */
function planRequestReview(input: PlanInput): Planned {
  const evidence = evidenceItems(input);
  const asked = input.flag.waitingOn;
  const pullRequest = pullRequestOf(input, evidence);
  if (pullRequest) {
    const reviewers = asked.flatMap((p) => writePeople(p, "github"));
    const values = { ...commonValues(input), task: pullRequest.key };
    const writes: StoredWrite[] = [];
    if (reviewers.length > 0) {
      writes.push({
        source: "github",
        kind: "request_review",
        where: `the reviewers of ${pullRequest.key} on GitHub`,
        url: pullRequest.url,
        text: "",
        people: reviewers,
        target: { taskKey: pullRequest.key },
      });
    }
    writes.push({
      source: "github",
      kind: "comment",
      where: `a comment on ${pullRequest.key} on GitHub`,
      url: pullRequest.url,
      text: fillTemplate(input.templates.requestReview, values),
      people: reviewers,
      target: { taskKey: pullRequest.key },
    });
    return { writes, unavailable: null };
  }
  const request = evidence.findLast(
    (i) => i.kind === "email" || i.kind === "chat_message" || i.kind === "comment",
  );
  if (request) {
    const text = fillTemplate(input.templates.approvalFollowUp, valuesOf(input, request));
    return { writes: [replyTo(input, request, asked, text)], unavailable: null };
  }
  const people = asked.flatMap((p) => writePeople(p, input.task.source));
  const text = fillTemplate(input.templates.approvalFollowUp, commonValues(input));
  return { writes: [{ ...taskComment(input, text), people }], unavailable: null };
}

/** no_owner → the task's assignee, one of the team members with an account in the task's source. */
function planAssign(input: PlanInput, choice: PlanChoice): Planned {
  const source = input.task.source;
  const choices = input.team.flatMap((p) => writePeople(p, source).slice(0, 1));
  const chosen =
    choice.assignee === undefined ? null : (choices.find((c) => c.externalId === choice.assignee) ?? null);
  const unavailable =
    choices.length === 0
      ? `Nobody on the team has a ${labelOf(input, source)} account Threadline knows of.`
      : choice.assignee !== undefined && !chosen
        ? `${choice.assignee} is not one of the team members who can be assigned.`
        : !chosen
          ? "Choose whom to assign."
          : null;
  return {
    choices,
    unavailable,
    writes: [
      {
        source,
        kind: "assign",
        where: `the assignee of ${input.task.key} in ${labelOf(input, source)}`,
        url: input.task.url,
        text: "",
        people: chosen ? [chosen] : [],
        target: { taskKey: input.task.key },
      },
    ],
  };
}

/** blocked_external → a draft on the latest email thread with the outside party, or a reply in their chat thread. */
function planChase(input: PlanInput): Planned {
  const fromOutside = (i: PlanItem) => i.author !== null && !i.author.isTeam;
  const conversation =
    input.items.findLast((i) => i.kind === "email" && fromOutside(i)) ??
    input.items.findLast((i) => i.kind === "chat_message" && fromOutside(i)) ??
    input.items.findLast((i) => i.kind === "email");
  if (!conversation) {
    return {
      writes: [],
      unavailable:
        "No email or shared-channel message with the outside party is linked to this task to chase on.",
    };
  }
  const outside = conversation.author && !conversation.author.isTeam ? [conversation.author] : [];
  const text = fillTemplate(input.templates.chase, valuesOf(input, conversation));
  return { writes: [replyTo(input, conversation, outside, text)], unavailable: null };
}

/** A message continuing an item's conversation: a draft on an email thread, a reply anywhere else. */
function replyTo(input: PlanInput, item: PlanItem, people: readonly PlanPerson[], text: string): StoredWrite {
  const target: WriteTarget = {
    taskKey: input.task.key,
    item: {
      externalId: item.externalId,
      scope: item.scope,
      threadId: item.threadId,
      url: item.url,
      meta: item.meta,
    },
  };
  const mentioned = people.flatMap((p) => writePeople(p, item.source).slice(0, 1));
  if (item.kind === "email") {
    return {
      source: item.source,
      kind: "draft_reply",
      where: `a draft reply on the email thread "${item.meta.subject ?? input.task.title}" in ${item.scope}'s ${labelOf(input, item.source)}`,
      url: item.url,
      text,
      people: mentioned,
      target,
    };
  }
  const place =
    item.kind === "chat_message"
      ? `the thread in ${labelOf(input, item.source)}`
      : `${input.task.key} in ${labelOf(input, item.source)}`;
  return {
    source: item.source,
    kind: "reply",
    where: `a reply in ${place}`,
    url: item.url,
    text,
    people: mentioned,
    target,
  };
}

function taskComment(input: PlanInput, text: string): StoredWrite {
  return {
    source: input.task.source,
    kind: "comment",
    where: `a comment on ${input.task.key} in ${labelOf(input, input.task.source)}`,
    url: input.task.url,
    text,
    people: [],
    target: { taskKey: input.task.key },
  };
}

function confirmText(input: PlanInput): string {
  const merged = input.items.filter((i) => i.kind === "pull_request" && i.meta.merged === true);
  const names = merged.map((i) => {
    const key = pullRequestKey(i);
    return key ? `${key}${i.meta.title ? ` (${i.meta.title})` : ""}` : (i.meta.title ?? i.externalId);
  });
  const release =
    names.length > 0 ? [...new Set(names)].join(", ") : `${input.task.key} (${input.task.title})`;
  return fillTemplate(input.templates.confirmDeployed, { ...commonValues(input), release });
}

/** The pull request a review is wanted on: the task itself, or one the flag's evidence names. */
function pullRequestOf(input: PlanInput, evidence: readonly PlanItem[]): { key: string; url: string } | null {
  if (
    input.task.source === "github" &&
    /#\d+$/.test(input.task.key) &&
    evidence.some((i) => i.kind === "pull_request" || i.kind === "review")
  ) {
    return { key: input.task.key, url: input.task.url };
  }
  if (
    input.task.source === "github" &&
    input.items.some((i) => i.kind === "pull_request" && pullRequestKey(i) === input.task.key)
  ) {
    return { key: input.task.key, url: input.task.url };
  }
  const item = evidence.find((i) => i.kind === "pull_request" && pullRequestKey(i));
  return item ? { key: pullRequestKey(item)!, url: item.url ?? input.task.url } : null;
}

const pullRequestKey = (item: PlanItem): string | null =>
  typeof item.meta.repo === "string" &&
  (typeof item.meta.number === "number" || typeof item.meta.number === "string")
    ? `${item.meta.repo}#${item.meta.number}`
    : null;

const evidenceItems = (input: PlanInput) => {
  const wanted = new Set(input.flag.evidence);
  return input.items.filter((i) => wanted.has(i.id));
};

/** A person's accounts in a source, as writes name them; an email source takes their address. */
function writePeople(person: PlanPerson, source: SourceId): WritePerson[] {
  const own = person.identities.filter((i) => i.source === source);
  if (own.length > 0) {
    return own.map((i) => ({
      source,
      externalId: i.externalId,
      name: person.name,
      ...(i.handle ? { handle: i.handle } : {}),
    }));
  }
  if (source === "gmail" && person.email) return [{ source, externalId: person.email, name: person.name }];
  return [];
}

const labelOf = (input: PlanInput, source: SourceId) => input.sources[source]?.label ?? source;

function commonValues(input: PlanInput): Partial<Record<Placeholder, string>> {
  return {
    task: input.task.key,
    title: input.task.title,
    actor: input.actor.name,
    today: formatDay(input.now, input.timeZone),
  };
}

function valuesOf(input: PlanInput, item: PlanItem): Partial<Record<Placeholder, string>> {
  const lines = firstLines(item.text);
  return {
    ...commonValues(input),
    sender: senderOf(item),
    date: formatDay(item.at, input.timeZone),
    quote: lines.map((l) => `> ${l}`).join("\n"),
    question: lines.join(" "),
    link: item.url ?? "",
    via: input.sources[item.source]?.place ?? `on ${item.source}`,
  };
}

/** `Dana Ruiz <dana@client.io>` for an email, the name elsewhere. */
function senderOf(item: PlanItem): string {
  const author = item.author;
  if (!author) return typeof item.meta.from === "string" ? item.meta.from : "someone";
  return item.kind === "email" && author.email ? `${author.name} <${author.email}>` : author.name;
}

/**
 * The message's own first lines: blank lines, quoted history (`> …`) and everything from an `On … wrote:`
 * line or a signature's `-- ` on are left out; long lines are cut.
 */
export function firstLines(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (/^(on\b.*\bwrote:|-- ?$|-----original message-----)/i.test(line)) break;
    if (line === "" || line.startsWith(">")) continue;
    out.push(line.length > QUOTED_LINE_LENGTH ? `${line.slice(0, QUOTED_LINE_LENGTH - 1).trimEnd()}…` : line);
    if (out.length === QUOTED_LINES) break;
  }
  return out;
}

/** `3 Mar 2025` in the team's time zone. */
export function formatDay(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", {
    timeZone,
    day: "numeric",
    month: "short",
    year: "numeric",
  }).format(at);
}
