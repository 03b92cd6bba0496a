import type { SnapshotItem, SnapshotPerson, TaskSnapshot } from "../../model/task-snapshot.ts";
import { toNameKey } from "../flag-settings.ts";
import {
  defaultOwner,
  describePerson,
  enteredCurrentStatus,
  isConversation,
  isHuman,
  isListed,
  labelledBy,
  lastTouch,
  type RuleContext,
  type RuleFlag,
  toIds,
} from "./common.ts";
import { textOf } from "./text/analysis.ts";
import { describeWaitTopic, type WaitTopic } from "./text/blockers.ts";
import { quote } from "./text/clean.ts";

type HumanItem = SnapshotItem & { author: SnapshotPerson };

/**
 * `blocked_external`: the task waits on something outside the team. Raised by a blocking label or status
 * (as the settings list them), an open "is blocked by" link, or a message that says the work waits on
 * credentials, access, test data, a sandbox or a third party, with no later message that resolves it.
 * Done tasks wait on nothing.
 */
export function evaluateBlockedExternal(task: TaskSnapshot, ctx: RuleContext): RuleFlag[] {
  if (task.statusCategory === "done") return [];
  const s = ctx.settings.blocked;
  const owner = defaultOwner(task);
  const flags: RuleFlag[] = [];
  const base = { kind: "blocked_external" as const, taskKey: task.key, owner };
  for (const label of task.labels) {
    if (!isListed(label, s.labels)) continue;
    const labelled = labelledBy(task, label);
    flags.push({
      ...base,
      fingerprint: `label:${toNameKey(label)}`,
      since: labelled?.at ?? task.updatedAt,
      reason: `Labelled “${label}”; find out what it waits on and chase it.`,
      evidence: labelled ? [labelled.id] : [],
    });
  }
  if (isListed(task.status, s.statuses)) {
    const entered = enteredCurrentStatus(task);
    const since = entered?.at ?? task.updatedAt;
    flags.push({
      ...base,
      fingerprint: "status",
      since,
      reason: `In “${task.status}” since ${ctx.calendar.describeDay(since, ctx.now).replace(/^on /, "")}; chase what it waits on.`,
      evidence: toIds(entered ?? lastTouch(task)),
    });
  }
  for (const link of task.blockedBy) {
    if (link.done) continue;
    flags.push({
      ...base,
      fingerprint: `link:${link.key}`,
      since: task.updatedAt,
      reason: `Blocked by ${link.key}${link.status ? ` (${link.status})` : ""}; chase it with whoever owns it.`,
      // The link itself is not an item: the latest item shows the task as it stands.
      evidence: toIds(lastTouch(task)),
    });
  }
  const waits = new Map<WaitTopic, { items: HumanItem[]; sentence: string; topics: Set<WaitTopic> }>();
  for (const item of task.items) {
    // Threadline's own chase names the wait again; it neither starts one nor ends one.
    if (!isHuman(item) || !isConversation(item) || item.facts.writtenBy !== null) continue;
    for (const signal of textOf(item).blockerSignals) {
      // A pull request's wait is its own flag; its news that the wait is over counts for the task too.
      if (item.via && signal.type !== "resolved") continue;
      if (signal.type === "resolved") {
        if (signal.topic === null) waits.clear();
        // Over when the resolution names anything the wait named: "Connect is now enabled on the sandbox"
        // ends "waiting on Stripe to enable Connect on our sandbox".
        else
          for (const [topic, wait] of waits)
            if (signal.topics.some((t) => wait.topics.has(t)) || topic === signal.topic) waits.delete(topic);
        continue;
      }
      const wait = waits.get(signal.topic);
      if (!wait)
        waits.set(signal.topic, {
          items: [item],
          sentence: signal.sentence,
          topics: new Set([signal.topic, ...signal.topics]),
        });
      else {
        if (wait.items.at(-1) !== item) wait.items.push(item);
        for (const t of signal.topics) wait.topics.add(t);
      }
    }
  }
  for (const [topic, { items, sentence }] of waits) {
    const first = items[0]!;
    flags.push({
      ...base,
      fingerprint: `wait:${topic}`,
      since: first.at,
      reason: `Waiting on ${describeWaitTopic(topic)} since ${ctx.calendar.describeDay(first.at, ctx.now).replace(/^on /, "")}: ${describePerson(first.author, ctx.settings)} wrote ${quote(sentence, 80)}; chase it or escalate.`,
      evidence: items.map((i) => i.id),
    });
  }
  return flags;
}
