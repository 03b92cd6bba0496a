import type { WriteKind } from "../types.ts";

/** What Threadline writes in Jira: comments (a reply is a comment on the issue), the assignee, a reopen. */
export const JIRA_WRITE_KINDS = [
  "comment",
  "reply",
  "assign",
  "reopen",
] as const satisfies readonly WriteKind[];
