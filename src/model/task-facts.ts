import type { SourceId } from "./kinds.ts";
import type { BlockingLink } from "./task-snapshot.ts";

/**
 * The parts of a task's raw API object the rules need, as `load-task-snapshots` selects them in SQL (so the
 * whole payload never leaves the database): `{ isPr, draft, merged, mergedAt, state, stateReason,
 * requestedReviewers, resolution, issuelinks }`. Both GitHub's REST and GraphQL shapes and Jira's REST shape
 * are read; anything else reads as absent.
 */
export interface TaskRawFacts {
  pullRequest: {
    draft: boolean;
    merged: boolean;
    mergedAt: Date | null;
    closedUnmerged: boolean;
    /** GitHub logins and ids of the requested reviewers (both, when both are known). */
    requestedReviewers: string[];
  } | null;
  resolution: string | null;
  blockedBy: BlockingLink[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === "string" && v.trim() !== "" ? v.trim() : null);

function toDate(v: unknown): Date | null {
  if (typeof v !== "string" && !(v instanceof Date)) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

function reviewerHandles(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((r) => {
    if (!isObject(r)) return [];
    // REST: { login, id }; GraphQL: { requestedReviewer: { login, databaseId } }
    // Both the login and the numeric id: an identity may be keyed by either.
    const who = isObject(r.requestedReviewer) ? r.requestedReviewer : r;
    const numeric = typeof who.id === "number" ? who.id : who.databaseId;
    const id = typeof numeric === "number" ? String(numeric) : str(who.id);
    return [str(who.login) ?? str(who.name), id].filter((h): h is string => h !== null);
  });
}

function blockingLinks(v: unknown): BlockingLink[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((link) => {
    if (!isObject(link) || !isObject(link.type) || !isObject(link.inwardIssue)) return [];
    // On issue A, a link { type: Blocks, inwardIssue: B } reads "A is blocked by B".
    if (!/blocked by/i.test(str(link.type.inward) ?? "")) return [];
    const key = str(link.inwardIssue.key);
    if (!key) return [];
    const fields = isObject(link.inwardIssue.fields) ? link.inwardIssue.fields : {};
    const status = isObject(fields.status) ? fields.status : {};
    const category = isObject(status.statusCategory) ? status.statusCategory : {};
    return [{ key, status: str(status.name), done: category.key === "done" }];
  });
}

/** Reads the selected raw facts of a task. */
export function toTaskRawFacts(source: SourceId, facts: unknown): TaskRawFacts {
  const f = isObject(facts) ? facts : {};
  let pullRequest: TaskRawFacts["pullRequest"] = null;
  if (source === "github" && f.isPr === true) {
    const mergedAt = toDate(f.mergedAt);
    const state = str(f.state)?.toLowerCase() ?? "open";
    const merged = f.merged === true || mergedAt !== null || state === "merged";
    pullRequest = {
      draft: f.draft === true,
      merged,
      mergedAt,
      closedUnmerged: state === "closed" && !merged,
      requestedReviewers: reviewerHandles(f.requestedReviewers),
    };
  }
  return {
    pullRequest,
    resolution: str(f.resolution) ?? str(f.stateReason),
    blockedBy: blockingLinks(f.issuelinks),
  };
}
