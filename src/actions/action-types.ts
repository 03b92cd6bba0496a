/**
 * Acting on a flag: the actions that resolve each kind, what a preview shows and what a run answers. Each
 * action is done in the source where the conversation lives, through its connector's `actions` handler
 * (connectors/types.ts), as one or more writes.
 */
import type { WriteKind, WritePerson, WriteResult, WriteTarget } from "../../connectors/types.ts";
import type { FlagKind, SourceId } from "../model/kinds.ts";

/** The actions, as they appear in URLs (`POST /api/flags/{id}/actions/{action}`). */
export const FLAG_ACTIONS = [
  "record",
  "nudge",
  "request-review",
  "assign",
  "confirm-deployed",
  "reopen",
  "chase",
] as const;
export type FlagActionName = (typeof FLAG_ACTIONS)[number];

/** Which actions resolve a flag of each kind. A stale task has none yet: a comment would only hide it. */
export const ACTIONS_OF_KIND: Readonly<Record<FlagKind, readonly FlagActionName[]>> = {
  feedback_off_board: ["record"],
  unanswered_question: ["nudge"],
  missing_approval: ["request-review"],
  no_owner: ["assign"],
  done_not_deployed: ["confirm-deployed", "reopen"],
  blocked_external: ["chase"],
  stale: [],
};

/** One write of an action, exactly as it will be made. */
export interface PlannedWrite {
  source: SourceId;
  kind: WriteKind;
  /** Where, in words: `a comment on ACME-1 in Jira`, `a reply in the thread in #portal`, `a draft in ann@acme.io's Gmail`. */
  where: string;
  /** A link to the place written to (the task, the thread, the message replied to). */
  url: string | null;
  /** The message; empty for an assignment or a review request without one. */
  text: string;
  /** Mentioned at the message's start, a draft's recipients, the assignee or the reviewers. */
  people: WritePerson[];
}

/** What the person sees before acting: what will be written, where, and as whom. */
export interface ActionPreview {
  flagId: string;
  action: FlagActionName;
  /** The button's words: `Record on the task`, `Nudge`, `Ask for review`, `Assign`, `Confirm deployed`, `Reopen`, `Chase`. */
  label: string;
  writes: PlannedWrite[];
  /** As which account the writes appear (the source's configured credentials). */
  account: string | null;
  /** False when the credentials lack a scope; `needs` names it. Never tried then. */
  enabled: boolean;
  needs: string | null;
  /** Why it cannot be done otherwise (nothing to reply to, nobody chosen to assign); null when it can. */
  reason: string | null;
  /** Whether the message can be edited before it is written. */
  editable: boolean;
  /** For `assign`: the team members to choose from. */
  choices: WritePerson[];
}

/** An action's life: recorded before any call, then done, or failed with why (and whether a retry may help). */
export type ActionState = "pending" | "done" | "failed";

/** What `POST /api/flags/{id}/actions/{action}` answers (without `dryRun`). */
export interface ActionOutcome {
  id: string;
  flagId: string;
  taskKey: string;
  action: FlagActionName;
  state: ActionState;
  /** For a failure: whether doing it again with the same idempotency key may succeed. */
  retryable: boolean;
  error: string | null;
  /** Who acted: the signed-in person's email, or `admin` for the deployment's token. */
  by: string;
  createdAt: string;
  doneAt: string | null;
  writes: PlannedWrite[];
  /** One per write made so far, in order. */
  results: WriteResult[];
}

/** One write as it is recorded with its action: what was previewed, and exactly where it goes. */
export interface StoredWrite extends PlannedWrite {
  target: WriteTarget;
}

/** An action as the task's timeline and history show it. */
export interface TaskAction {
  id: string;
  flagId: string;
  flagKind: string;
  action: FlagActionName;
  state: ActionState;
  retryable: boolean;
  error: string | null;
  by: string;
  createdAt: string;
  doneAt: string | null;
  writes: PlannedWrite[];
  results: WriteResult[];
  /**
   * Item ids (`<source>:<external id>`) the writes made that the store does not hold yet: shown on the
   * timeline as pending until a sync or a push brings the real item.
   */
  pendingItems: string[];
}
