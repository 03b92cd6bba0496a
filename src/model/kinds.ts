/**
 * A source's id (`jira`, `slack`): the key its connector is registered under in `connectors/registry.ts`,
 * which is the one list of sources. A string, not a union of today's five, so that the core (which takes the
 * registry's descriptors as parameters) needs no change when a source is added; the registry's own type
 * (`RegisteredSourceId`) is the union, and its `satisfies` check is where the compiler catches what a new
 * source forgot.
 */
export type SourceId = string;

/** What an item on a timeline is. */
export const ITEM_KINDS = [
  "task_created",
  "status_change",
  "comment",
  "review",
  "review_comment",
  "pull_request",
  "deployment",
  "email",
  "chat_message",
] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

/** Why a task is stuck. Every kind has one rule in src/flags/rules. */
export const FLAG_KINDS = [
  "stale",
  "missing_approval",
  "unanswered_question",
  "feedback_off_board",
  "done_not_deployed",
  "no_owner",
  "blocked_external",
] as const;
export type FlagKind = (typeof FLAG_KINDS)[number];

/** The coarse state every source's workflow maps onto. */
export const STATUS_CATEGORIES = ["todo", "in_progress", "done"] as const;
export type StatusCategory = (typeof STATUS_CATEGORIES)[number];

/** A flag's life: open flags show; snoozed ones come back at their date; dismissed ones on new evidence. */
export const FLAG_STATES = ["open", "snoozed", "dismissed", "resolved"] as const;
export type FlagState = (typeof FLAG_STATES)[number];

/** How an item came to be on a task's timeline. */
export const LINK_RULES = [
  "source_parent",
  "jira_key",
  "jira_url",
  "github_ref",
  "github_url",
  "branch_name",
  "pull_request_title",
  "thread",
  "email_thread",
  "manual",
] as const;
export type LinkRule = (typeof LINK_RULES)[number];
