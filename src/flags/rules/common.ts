import type { ItemKind } from "../../model/kinds.ts";
import { aboutSource } from "../../model/source-about.ts";
import type { SnapshotItem, SnapshotPerson, TaskSnapshot } from "../../model/task-snapshot.ts";
import type { FlagSettings } from "../flag-settings.ts";
import { toNameKey } from "../flag-settings.ts";
import type { RaisedFlag } from "../raised-flag.ts";
import type { WorkingCalendar } from "./calendar.ts";
import { textOf } from "./text/analysis.ts";

/** What every rule is given besides the task. */
export interface RuleContext {
  now: Date;
  settings: FlagSettings;
  calendar: WorkingCalendar;
}

/**
 * A signal before the evaluation adds the time of its newest evidence and merges it with the others of its kind; `waitingOn` may be left out when nobody
 * but the owner has to move (most kinds).
 */
export type RuleFlag = Omit<RaisedFlag, "lastEvidenceAt" | "waitingOn" | "reasons"> & {
  waitingOn?: string[];
};

/** A rule: a pure function of one task snapshot and the context. */
export type Rule = (task: TaskSnapshot, ctx: RuleContext) => RuleFlag[];

const CONVERSATION: ReadonlySet<ItemKind> = new Set([
  "comment",
  "review",
  "review_comment",
  "email",
  "chat_message",
]);

/** Something a person said: a comment, review, email or chat message. */
export const isConversation = (item: SnapshotItem) => CONVERSATION.has(item.kind);

/** An item by a person, not by a bot, an automation rule or an auto-reply. */
export function isHuman(item: SnapshotItem): item is SnapshotItem & { author: SnapshotPerson } {
  return (
    item.author !== null &&
    !item.author.isBot &&
    !item.facts.automated &&
    !(item.kind === "email" && textOf(item).isAutoReply)
  );
}

/** Whether a person is outside the team (a client, a stakeholder, a vendor). */
export const isOutside = (person: SnapshotPerson) => !person.isTeam && !person.isBot;

/** Whether a person is QA by the settings. */
export function isQa(person: SnapshotPerson, settings: FlagSettings): boolean {
  const qa = settings.roles.qa;
  return (
    (person.email !== null && qa.includes(person.email.toLowerCase())) ||
    qa.includes(person.name.toLowerCase())
  );
}

const listKeys = new WeakMap<readonly string[], Set<string>>();

/** Whether a name (status, label) is in a settings list, ignoring case, spaces, dashes and underscores. */
export function isListed(name: string, list: readonly string[]): boolean {
  if (list.length === 0) return false;
  let keys = listKeys.get(list);
  if (!keys) {
    keys = new Set(list.map(toNameKey));
    listKeys.set(list, keys);
  }
  return keys.has(toNameKey(name));
}

export const hasListedLabel = (task: TaskSnapshot, list: string[]) =>
  task.labels.some((l) => isListed(l, list));

/** `Dana Ruiz`, or `someone` for an item without author. */
export const nameOf = (person: SnapshotPerson | null) => person?.name ?? "someone";

/** `Dana Ruiz (brightside.co)` for people outside the team, `Quinn Lee (QA)` for QA, the name otherwise. */
export function describePerson(person: SnapshotPerson, settings: FlagSettings): string {
  if (isOutside(person)) {
    const domain = person.email?.split("@")[1];
    return domain ? `${person.name} (${domain})` : `${person.name} (outside the team)`;
  }
  if (isQa(person, settings)) return `${person.name} (QA)`;
  return person.name;
}

/** Where an item was said, as its source's connector puts it: `by email`, `in Slack`, `on Jira`. */
export const placeOf = (item: SnapshotItem, ctx: RuleContext) =>
  aboutSource(ctx.settings.sources, item.source).place;

/** `a comment by Anna Kowalski`, `an email from Dana Ruiz`, `a Slack message from Ben Okafor`. */
export function describeItem(item: SnapshotItem, ctx: RuleContext): string {
  const who = nameOf(item.author);
  switch (item.kind) {
    case "comment":
      return `a comment by ${who}`;
    case "review":
      return `a review by ${who}`;
    case "review_comment":
      return `a review comment by ${who}`;
    case "email":
      return `an email from ${who}`;
    case "chat_message":
      return `a ${aboutSource(ctx.settings.sources, item.source).label} message from ${who}`;
    case "status_change":
      return `a move to ${item.facts.statusTo ?? "another status"} by ${who}`;
    case "pull_request":
      return `a pull request by ${who}`;
    case "deployment":
      return "a deployment";
    case "task_created":
      return `its creation by ${who}`;
  }
}

/** The people an item names: its @-mentions, then an email's To recipients; never its author, no duplicates. */
export function namedIn(item: SnapshotItem): SnapshotPerson[] {
  const named = new Map<string, SnapshotPerson>();
  for (const p of [...item.facts.mentions, ...item.facts.to])
    if (p.id !== item.author?.id && !named.has(p.id)) named.set(p.id, p);
  return [...named.values()];
}

/**
 * The person an item answers in its thread: the author of the latest earlier message there by a person other
 * than the item's author (a reply in an email thread or a chat thread). Null outside a thread.
 */
export function repliedTo(item: SnapshotItem, task: TaskSnapshot): SnapshotPerson | null {
  if (item.threadId === null) return null;
  const i = task.items.indexOf(item);
  for (let j = i - 1; j >= 0; j--) {
    const earlier = task.items[j]!;
    if (earlier.threadId !== item.threadId || !isHuman(earlier) || !isConversation(earlier)) continue;
    if (earlier.author.id !== item.author?.id) return earlier.author;
  }
  return null;
}

/**
 * Whom a question or request was put to: everyone its items name (mentions, To), else, when none names anyone,
 * the person the first item replies to in its thread. Never the asker; in the order the items name them.
 */
export function putTo(asked: readonly SnapshotItem[], task: TaskSnapshot): SnapshotPerson[] {
  const people = new Map<string, SnapshotPerson>();
  const askerId = asked[0]?.author?.id;
  for (const item of asked)
    for (const p of namedIn(item)) if (p.id !== askerId && !people.has(p.id)) people.set(p.id, p);
  if (people.size === 0 && asked[0]) {
    const reply = repliedTo(asked[0], task);
    if (reply && reply.id !== askerId) people.set(reply.id, reply);
  }
  return [...people.values()];
}

/** The ids of the team members among `people` (never bots, never anyone outside): whom a flag waits on. */
export const teamIds = (people: readonly SnapshotPerson[]) =>
  people.filter((p) => p.isTeam && !p.isBot).map((p) => p.id);

/** The owner when nobody more specific is known: the assignee, else the reporter if they are on the team. */
export function defaultOwner(task: TaskSnapshot): string | null {
  if (task.assignee) return task.assignee.id;
  if (task.reporter?.isTeam) return task.reporter.id;
  return null;
}

const windowStarts = new WeakMap<RuleContext, Map<number, number>>();

/** Whether the item's time is within `days` working days before now. */
export function isRecent(item: SnapshotItem, days: number, ctx: RuleContext): boolean {
  // Asked for every item by several rules: the window's start is worked out once per context.
  let starts = windowStarts.get(ctx);
  if (!starts) {
    starts = new Map();
    windowStarts.set(ctx, starts);
  }
  let start = starts.get(days);
  if (start === undefined) {
    start = ctx.calendar.windowStart(ctx.now, days).getTime();
    starts.set(days, start);
  }
  return item.at.getTime() >= start;
}

/** The id of an item, as a flag's evidence: none when there is no item. */
export const toIds = (item: SnapshotItem | null): string[] => (item ? [item.id] : []);

/** The item that last moved or touched the task: the newest on its timeline, whoever made it. */
export const lastTouch = (task: TaskSnapshot): SnapshotItem | null => task.items.at(-1) ?? null;

/**
 * The item that put a label on the task: the latest change that added it (a Jira changelog entry, a GitHub
 * `labeled` event), else the task's creation (the label came with it), else the oldest item there is.
 */
export function labelledBy(task: TaskSnapshot, label: string): SnapshotItem | null {
  const key = toNameKey(label);
  for (let i = task.items.length - 1; i >= 0; i--) {
    const item = task.items[i]!;
    if (item.facts.labelsAdded.some((l) => toNameKey(l) === key)) return item;
  }
  return task.items.find((i) => i.kind === "task_created") ?? task.items[0] ?? null;
}

/** The latest status change into the task's current status, if the timeline has it. */
export function enteredCurrentStatus(task: TaskSnapshot): SnapshotItem | null {
  const key = toNameKey(task.status);
  for (let i = task.items.length - 1; i >= 0; i--) {
    const item = task.items[i]!;
    if (
      item.kind === "status_change" &&
      item.facts.statusTo !== null &&
      toNameKey(item.facts.statusTo) === key
    ) {
      return item;
    }
  }
  return null;
}
