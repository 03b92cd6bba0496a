import type { RaisedFlag } from "./raised-flag.ts";

/**
 * Makes one flag of each kind out of a task's signals, as the contract wants: several signals of one kind
 * (a "blocked" label, a "waiting-for-client" label and the comment saying so) are one fact to the people who
 * read the inbox and the digest. The leading signal is the most urgent one, the one stuck longest (earliest
 * `since`; on a tie, the one its rule raised first): it gives the flag its reason, owner and fingerprint.
 * `since` is the earliest signal's, the evidence and the people waited on are all of them (the leading
 * signal's first), and the newest evidence of any signal counts, so a new signal after a dismissal brings
 * the flag back. `reasons` keeps every signal's reason, the leading one first.
 */
export function toOneFlagPerKind(signals: readonly RaisedFlag[]): RaisedFlag[] {
  const byKind = new Map<string, RaisedFlag[]>();
  for (const s of signals) {
    const key = `${s.taskKey}\u0000${s.kind}`;
    const group = byKind.get(key);
    if (group) group.push(s);
    else byKind.set(key, [s]);
  }
  const flags: RaisedFlag[] = [];
  for (const group of byKind.values()) {
    if (group.length === 1) {
      flags.push(group[0]!);
      continue;
    }
    // A stable sort keeps the rule's own order among signals that started at the same time.
    const ordered = [...group].sort((a, b) => a.since.getTime() - b.since.getTime());
    const lead = ordered[0]!;
    const unique = (lists: string[][]) => [...new Set(lists.flat())];
    flags.push({
      ...lead,
      reasons: unique(ordered.map((s) => s.reasons)),
      evidence: unique(ordered.map((s) => s.evidence)),
      waitingOn: unique(ordered.map((s) => s.waitingOn)),
      lastEvidenceAt: new Date(Math.max(...ordered.map((s) => s.lastEvidenceAt.getTime()))),
    });
  }
  return flags;
}
