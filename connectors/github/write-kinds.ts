import type { WriteKind } from "../types.ts";

/** What Threadline writes on GitHub: comments (a reply is a comment on the issue), assignees, reviewers, a reopen. */
export const GITHUB_WRITE_KINDS = [
  "comment",
  "reply",
  "assign",
  "request_review",
  "reopen",
] as const satisfies readonly WriteKind[];
