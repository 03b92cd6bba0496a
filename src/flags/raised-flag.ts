import type { FlagKind } from "../model/kinds.ts";

/**
 * A flag as a rule raises it. A task has at most one flag of each kind once `toOneFlagPerKind` has merged the
 * signals; `fingerprint` names the signal that leads it (`pr-review`, `label:blocked`, a question's item); `since` is when the condition started (the question's time, the last activity); `owner` is the
 * person id of who answers for the task, null when nobody is known (the digest sends those to the leads);
 * `waitingOn` are the team members who must move now (a requested reviewer, whom a question was put to).
 */
export interface RaisedFlag {
  kind: FlagKind;
  taskKey: string;
  fingerprint: string;
  since: Date;
  /** One sentence a person can act on, with the facts: the leading signal's. */
  reason: string;
  /** Every signal's reason, the leading one first (the task page shows them all). */
  reasons: string[];
  /** Ids of the items that caused the flag. */
  evidence: string[];
  owner: string | null;
  /**
   * Person ids of the team members who must move now, in the order the evidence names them: never a bot, never
   * someone outside the team, never the person who asked. Empty when the owner is the one to move.
   */
  waitingOn: string[];
  /** Time of the newest evidence item (`since` when there is none): a dismissed flag returns when it moves. */
  lastEvidenceAt: Date;
}
