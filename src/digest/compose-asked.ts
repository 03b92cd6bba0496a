import type { SnapshotPerson, TaskSnapshot } from "../model/task-snapshot.ts";
import type { DigestFlag, DigestPerson } from "./digest-model.ts";

const toDigestPerson = (p: SnapshotPerson): DigestPerson => ({ id: p.id, name: p.name, email: p.email });

/**
 * The team members a flag's evidence asks, beyond the owner the rule chose: everyone a question or an approval
 * request names (@-mentions, an email's To), the reviewers a pull request still waits on. A rule names one
 * owner; a question put to two people waits on both.
 */
export function toAskedPeople(
  flag: Pick<DigestFlag, "kind" | "fingerprint" | "evidence">,
  task: TaskSnapshot,
): DigestPerson[] {
  const asked = new Map<string, SnapshotPerson>();
  const add = (p: SnapshotPerson) => {
    if (p.isTeam && !p.isBot) asked.set(p.id, p);
  };
  const asksInEvidence =
    flag.kind === "unanswered_question" ||
    (flag.kind === "missing_approval" && flag.fingerprint.startsWith("request:"));
  if (asksInEvidence) {
    const ids = new Set(flag.evidence.map((e) => e.id));
    for (const item of task.items) {
      if (!ids.has(item.id)) continue;
      for (const p of [...item.facts.mentions, ...item.facts.to]) if (p.id !== item.author?.id) add(p);
    }
  }
  if (flag.kind === "missing_approval" && flag.fingerprint === "pr-review" && task.pullRequest) {
    const approved = new Set(
      task.items
        .filter((i) => i.kind === "review" && i.facts.reviewState === "approved" && i.author)
        .map((i) => i.author!.id),
    );
    for (const p of task.pullRequest.requestedReviewers) if (!approved.has(p.id)) add(p);
  }
  return [...asked.values()].map(toDigestPerson);
}
