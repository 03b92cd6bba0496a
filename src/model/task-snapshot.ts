import type { ItemKind, SourceId, StatusCategory } from "./kinds.ts";

/**
 * A person as the rules see them. `isTeam` and `isBot` are decided once, when the snapshot is built, by
 * `toSnapshotPerson` (src/model/person-role.ts); the rules never look at email domains themselves.
 */
export interface SnapshotPerson {
  id: string;
  name: string;
  email: string | null;
  /** A member of the team (see `toSnapshotPerson` for how that is decided); false for clients and bots. */
  isTeam: boolean;
  /** CI, dependency bots, automation rules, auto-replies, Threadline's own messages. */
  isBot: boolean;
}

/** One reaction on an item: a normalised name (`+1`, `white_check_mark`, `eyes`…) and who gave it. */
export interface Reaction {
  name: string;
  /** Person ids, when the source says who reacted (Slack, Teams); empty when it only counts (GitHub). */
  by: string[];
  count: number;
}

export const REVIEW_STATES = ["approved", "changes_requested", "commented", "dismissed", "pending"] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];

/**
 * The source facts of an item that the rules read, normalised from `items.meta` by `toItemFacts`
 * (src/model/item-facts.ts). Anything absent is null, false or empty.
 */
export interface ItemFacts {
  /** A pull request review's state. */
  reviewState: ReviewState | null;
  /** A status change: the status names and the category it moved into. */
  statusFrom: string | null;
  statusTo: string | null;
  statusToCategory: StatusCategory | null;
  /** A change that added labels to the task (a Jira changelog entry, a GitHub `labeled` event): their names. */
  labelsAdded: string[];
  /** A deployment (or release): its state, lower case (`success`, `failure`, `error`, `pending`…). */
  deploymentState: string | null;
  environment: string | null;
  /** A published release counts as a deployment. */
  release: boolean;
  /** A pull request item: merged, when, and whether it is a draft. */
  merged: boolean;
  mergedAt: Date | null;
  draft: boolean;
  reactions: Reaction[];
  /** People the item names (@-mentions). */
  mentions: SnapshotPerson[];
  /** An email's To recipients. */
  to: SnapshotPerson[];
  /** The source marks the item as automated (a bot, an automation rule, an auto-reply). */
  automated: boolean;
  /**
   * An email whose sender the receiving server could not vouch for (no DMARC pass): its author is an
   * unverified sender, whose words approve nothing and answer nothing for the person they claim to be.
   */
  unverifiedSender: boolean;
  /** A review comment whose thread was marked resolved in its source: its conversation is closed. */
  threadResolved: boolean;
  /**
   * The Threadline action that wrote it (`record`, `nudge`, `confirm-deployed`…; src/actions), matched by its
   * source and id to the action's result: a nudge answers nothing and asks nothing new, a recorded comment is
   * an update of the task, a confirmation confirms. Null for everything else.
   */
  writtenBy: string | null;
}

/** One item on the task's timeline. */
export interface SnapshotItem {
  id: string;
  source: SourceId;
  kind: ItemKind;
  at: Date;
  text: string;
  threadId: string | null;
  author: SnapshotPerson | null;
  facts: ItemFacts;
  /**
   * The pull request this item came through: a review, review comment, comment or deployment of a pull request
   * linked to the task, which is the task's own work (absent for the task's own items). Rules count such items
   * as activity, approvals, answers and deployments of the task; what they ask or report is the pull request's
   * own flag, so it is not raised twice.
   */
  via?: string;
}

/** Facts of a task that is a GitHub pull request. */
export interface PullRequestFacts {
  /** `owner/name`. */
  repository: string;
  draft: boolean;
  merged: boolean;
  mergedAt: Date | null;
  /** Closed without being merged. */
  closedUnmerged: boolean;
  /** The reviewers whose review is requested. */
  requestedReviewers: SnapshotPerson[];
}

/** A Jira "is blocked by" link. */
export interface BlockingLink {
  key: string;
  status: string | null;
  done: boolean;
}

/**
 * Everything a rule may know about one task: the task, and its linked items (neither deleted nor unlinked)
 * oldest first. Built by `loadTaskSnapshots` (src/store/load-task-snapshots.ts) or by hand in tests.
 */
export interface TaskSnapshot {
  key: string;
  source: SourceId;
  title: string;
  status: string;
  statusCategory: StatusCategory;
  labels: string[];
  assignee: SnapshotPerson | null;
  /** The reporter of an issue, the author of a pull request. */
  reporter: SnapshotPerson | null;
  dueAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  /** How a done task was closed (`Won't Do`, `Duplicate`, GitHub's `not_planned`…), when the source says. */
  resolution: string | null;
  pullRequest: PullRequestFacts | null;
  blockedBy: BlockingLink[];
  /** Its own items and those of its pull requests (see `SnapshotItem.via`), oldest first. */
  items: SnapshotItem[];
  /**
   * For a pull request: what was said on the tasks it belongs to (comments, emails, chat messages; `via` names
   * the task). A release confirmed there, or an answer given there, covers the pull request. Not on the pull
   * request's timeline, so never a flag's evidence.
   */
  taskItems?: SnapshotItem[];
}

/** Facts with nothing known, for building items by hand. */
export const NO_FACTS: ItemFacts = Object.freeze({
  reviewState: null,
  statusFrom: null,
  statusTo: null,
  statusToCategory: null,
  labelsAdded: [],
  deploymentState: null,
  environment: null,
  release: false,
  merged: false,
  mergedAt: null,
  draft: false,
  reactions: [],
  mentions: [],
  to: [],
  automated: false,
  unverifiedSender: false,
  threadResolved: false,
  writtenBy: null,
}) as ItemFacts;
