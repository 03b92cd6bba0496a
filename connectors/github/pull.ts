/**
 * Pulling one repository: three streams, each with its own cursor, committed page by page.
 *
 * 1. `repository` (GraphQL, `queries.ts`): issues, pull requests with their reviews, review requests and which
 *    review threads are resolved, and deployments with their statuses, one request per page of 100 of each,
 *    newest first. A pull request whose threads were resolved or reopened since its last read has its review
 *    comments read again, with the thread's state (REST does not say it). Issues are filtered
 *    by `filterBy.since`; pull requests (no such filter) and deployments are read until one older than the
 *    cursor. Reading newest first means an object updated while a pass runs can only move to the part already
 *    read: it is seen again by the next pass, never skipped, whatever GitHub's cursors encode.
 * 2. `comments` (REST `GET /repos/{o}/{r}/issues/comments?sort=updated&direction=asc&since=`): every issue and
 *    pull request conversation comment of the repository, oldest change first. Each page continues from the
 *    last `updated_at` seen (less a second) rather than a page number, so a comment edited during a long
 *    pass cannot shift the pages under it; `page=` is used only when a whole page shares one second.
 * 3. `review_comments` (REST `GET /repos/{o}/{r}/pulls/comments`, the same way): read when a pull request was
 *    updated since they were last read (a new review comment always comes with a review, which updates its
 *    pull request), when the previous read was more than a day ago (edits of old comments), and on backfill.
 *
 * The first read of a repository (a backfill, or a first pass without cursors) goes newest first in every
 * stream, a page of each in turn, so that current work is saved (and flagged) first: the comment lists are
 * read `direction=desc` by page number, each page's number kept in the cursor so a stopped read resumes
 * there. A comment changed while they are read moves to the front and shifts the rest on: a page may repeat
 * a comment, never skip one (a comment deleted meanwhile can shift one past a page; the webhooks and the
 * next backfill cover that). Each list's forward mark is the newest change of its first page: the first
 * incremental pass reads from there, oldest first, as below. Review comments read before their pull request
 * (whose threads say which are resolved) are read again with it when it has resolved threads.
 *
 * Every pass starts a little before where the last one ended (`OVERLAP_MS`), for writes GitHub makes visible
 * late. The comment lists are conditional requests (`If-None-Match`): when nothing changed GitHub answers 304,
 * which costs no rate limit. An incremental pass over a repository where nothing changed is therefore two
 * requests: the GraphQL query (1 point) and the comment list (a free 304).
 *
 * Deleted comments and reviews cannot be listed: GitHub's lists only show what exists. The webhooks
 * (`issue_comment.deleted`, `pull_request_review_comment.deleted`, `issues.deleted`) tombstone them; a
 * repository synced by polling alone keeps what was deleted until a backfill (see README.md).
 */
import { z } from "zod";
import type { JsonValue, PulledPage, PullRequest, RawRecord, ScopeRequest } from "../types.ts";
import { ConnectorError } from "../types.ts";
import { createGithubClient, type GithubClient, refusedFields } from "./client.ts";
import type { GithubSettings } from "./config.ts";
import { PULL_REQUEST_REVIEWS_QUERY, REPOSITORY_QUERY } from "./queries.ts";
import {
  GqlDeploymentSchema,
  GqlReviewThreadsSchema,
  PullRequestReviewsPageSchema,
  RepositoryPageSchema,
} from "./schemas.ts";

/** How far before the last pass's newest change the next pass starts. */
export const OVERLAP_MS = 2 * 60_000;
/** Deployments created this long before the cursor are still read, for statuses added to them since. */
export const DEPLOYMENT_STATUS_WINDOW_MS = 24 * 3_600_000;
/** Review comments are read at least this often, for edits on pull requests that saw nothing else. */
export const REVIEW_COMMENT_SWEEP_MS = 24 * 3_600_000;
/** After GitHub refused the organisation's verified-domain emails, how long before they are asked again. */
export const ORG_EMAILS_RETRY_MS = 24 * 3_600_000;
const ORG_EMAILS_FIELD = "organizationVerifiedDomainEmails";
/** GitHub's largest page, REST `per_page` and GraphQL `first`. */
export const PAGE_SIZE = 100;
/** First page of an incremental pass: most passes find fewer changes than this. */
const FIRST_SYNC_PULLS = 25;
const FIRST_SYNC_DEPLOYMENTS = 30;

/**
 * The objects a finished pass saw changed at or after the next pass's `since` (id → updated time): the overlap
 * the next pass reads again, and need not hand on again unless they changed.
 */
const SeenSchema = z.record(z.string(), z.string());

const ConnectionCursorSchema = z.object({
  /** Objects changed before this were read by a finished pass (ISO time; null: from the beginning). */
  since: z.string().nullable(),
  /** A pass under way: where it continues, and the newest change it has seen. */
  pass: z.object({ after: z.string().nullable(), high: z.string().nullable() }).nullable(),
  seen: SeenSchema.default({}),
});
type ConnectionCursor = z.infer<typeof ConnectionCursorSchema>;

const RepositoryCursorSchema = z.object({
  v: z.literal(1),
  issues: ConnectionCursorSchema,
  pulls: ConnectionCursorSchema,
  deployments: ConnectionCursorSchema,
  /**
   * When GitHub last refused `organizationVerifiedDomainEmails` (the token may not see them): not asked again
   * for `ORG_EMAILS_RETRY_MS`, so a pass with nothing new stays two requests.
   */
  orgEmailsRefusedAt: z.string().nullish(),
  /**
   * The review threads marked resolved, by pull request number: the ids of their first comments, as the last
   * read of each pull request saw them. Review comments are stored with their thread's state (REST does not say
   * it), and a pull request whose threads changed has its review comments read again.
   */
  resolvedThreads: z.record(z.string(), z.array(z.number().int())).optional(),
});
export type RepositoryCursor = z.infer<typeof RepositoryCursorSchema>;

const ListCursorSchema = z.object({
  v: z.literal(1),
  since: z.string().nullable(),
  /** The ETag of the answer to `since` when it was the whole list: the next pass asks If-None-Match. */
  etag: z.string().nullable(),
  pass: z
    .object({ since: z.string().nullable(), page: z.number().int(), high: z.string().nullable() })
    .nullable(),
  /** When a pass last finished (the run's start time). */
  checkedAt: z.string().nullable(),
  /** Review comments: the pull requests' cursor they were read up to. */
  pullsSeen: z.string().nullable(),
  seen: SeenSchema.default({}),
  /**
   * A first read under way, newest change first: the next page to ask, and the newest change its first page
   * saw (the forward mark once the read ends). Null once read.
   */
  back: z.object({ page: z.number().int(), high: z.string().nullable() }).nullable().default(null),
});
export type ListCursor = z.infer<typeof ListCursorSchema>;

const ListItemSchema = z.object({ id: z.number(), updated_at: z.string() });

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
const later = (a: string | null, b: string | null) =>
  a === null ? b : b === null ? a : Date.parse(a) >= Date.parse(b) ? a : b;
const toJson = (value: unknown) => JSON.parse(JSON.stringify(value)) as JsonValue;

function parseCursor<T>(schema: z.ZodType<T>, value: JsonValue | undefined): T | null {
  if (value === undefined || value === null) return null;
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** `owner/name` of a scope. */
export function splitScope(scope: string): { owner: string; name: string } {
  const [owner, name, ...rest] = scope.split("/");
  if (!owner || !name || rest.length > 0) {
    throw new ConnectorError(
      "github",
      "invalid",
      `"${scope}" is not a repository (owner/name); check GITHUB_REPOS`,
    );
  }
  return { owner, name };
}

interface PullContext {
  client: GithubClient;
  scope: string;
  owner: string;
  name: string;
  signal: AbortSignal;
  /** The run's start, ISO. */
  now: string;
  incremental: boolean;
  /**
   * Whether review comments were read before: a thread resolved since then needs its comments read again,
   * since the repository's comment list shows only comments that changed.
   */
  rereadThreads: boolean;
  /** Pull requests whose review comments this pass read before the pull request itself (a first read). */
  reviewCommentsRead: Set<number>;
  estimate: (items: number) => void;
}

/**
 * A GraphQL query of the repository stream, with the organisation's verified-domain emails while GitHub
 * answers them. GitHub refuses that field alone to a token that may not see it (partial data, an error at the
 * field): the query is asked again without it, once, and the field is left out from then on.
 */
async function askRepository(
  ctx: PullContext,
  state: RepositoryCursor,
  query: string,
  variables: Record<string, unknown>,
): Promise<unknown> {
  const withOrgEmails =
    !state.orgEmailsRefusedAt ||
    Date.parse(ctx.now) - Date.parse(state.orgEmailsRefusedAt) >= ORG_EMAILS_RETRY_MS;
  try {
    const answer = await ctx.client.graphql(
      query,
      { ...variables, org: ctx.owner, withOrgEmails },
      { retryServerErrors: false },
    );
    if (withOrgEmails && state.orgEmailsRefusedAt) state.orgEmailsRefusedAt = undefined;
    return answer;
  } catch (err) {
    const refused = refusedFields(err);
    if (!withOrgEmails || refused.length === 0 || refused.some((f) => f !== ORG_EMAILS_FIELD)) throw err;
    state.orgEmailsRefusedAt = ctx.now;
    return ctx.client.graphql(
      query,
      { ...variables, org: ctx.owner, withOrgEmails: false },
      { retryServerErrors: false },
    );
  }
}

/**
 * GitHub ends a request that runs past 10 seconds (a 502 or 504, or a "Something went wrong while executing
 * your query … timeout" error): a large nested page can, and the same page asked again would again.
 * docs.github.com/en/graphql/overview/rate-limits-and-query-limits-for-the-graphql-api#timeouts
 */
export function isGithubTimeout(err: unknown): boolean {
  if (!(err instanceof ConnectorError) || err.kind !== "transient") return false;
  return (
    err.status === 502 ||
    err.status === 504 ||
    (err.status === 500 && /Something went wrong while executing your query/.test(err.message))
  );
}

/**
 * The repository query with the page size halved after each timeout, down to one object; the size that
 * answered is kept for the rest of the pass (`size.first`).
 */
async function askRepositoryShrinking(
  ctx: PullContext,
  state: RepositoryCursor,
  size: { first: number },
  variables: (first: number) => Record<string, unknown>,
): Promise<unknown> {
  for (;;) {
    try {
      return await askRepository(ctx, state, REPOSITORY_QUERY, variables(size.first));
    } catch (err) {
      if (!isGithubTimeout(err) || size.first === 1 || ctx.signal.aborted) throw err;
      size.first = Math.max(1, Math.floor(size.first / 2));
    }
  }
}

/** Passes over the three GraphQL connections, a page of each per request, until each reaches its cursor. */
async function* pullRepositoryStream(
  ctx: PullContext,
  start: RepositoryCursor,
  live: { state?: RepositoryCursor } = {},
): AsyncGenerator<PulledPage, RepositoryCursor> {
  const state: RepositoryCursor = structuredClone(start);
  live.state = state;
  // How far back each connection has read in this pass (its oldest change), for `readBackTo`.
  const oldest = {
    issues: Number.POSITIVE_INFINITY,
    pulls: Number.POSITIVE_INFINITY,
    deployments: Number.POSITIVE_INFINITY,
  };
  for (const c of [state.issues, state.pulls, state.deployments]) c.pass ??= { after: null, high: null };
  // The cursor the engine holds: a page that changes neither it nor any record is not handed on.
  let committed = JSON.stringify(start);
  let estimated = false;
  // What this run's passes saw, to keep as `seen` for the overlap of the next.
  const seenNow = {
    issues: new Map<string, string>(),
    pulls: new Map<string, string>(),
    deployments: new Map<string, string>(),
  };
  const known = (c: ConnectionCursor, id: string, updatedAt: string) => c.seen[id] === updatedAt;
  const first = (c: ConnectionCursor, small: number) =>
    ctx.incremental && c.since !== null && c.pass?.after === null ? small : PAGE_SIZE;
  // The page size the last timeout left, for the rest of this pass.
  const size = { first: PAGE_SIZE };

  while ((state.issues.pass || state.pulls.pass || state.deployments.pass) && !ctx.signal.aborted) {
    const raw = await askRepositoryShrinking(ctx, state, size, (most) => ({
      owner: ctx.owner,
      name: ctx.name,
      withIssues: state.issues.pass !== null,
      issuesFirst: Math.min(most, PAGE_SIZE),
      issuesAfter: state.issues.pass?.after ?? null,
      issuesSince: state.issues.since,
      withPulls: state.pulls.pass !== null,
      pullsFirst: Math.min(most, first(state.pulls, FIRST_SYNC_PULLS)),
      pullsAfter: state.pulls.pass?.after ?? null,
      withDeployments: state.deployments.pass !== null,
      deploymentsFirst: Math.min(most, first(state.deployments, FIRST_SYNC_DEPLOYMENTS)),
      deploymentsAfter: state.deployments.pass?.after ?? null,
    }));
    const page = RepositoryPageSchema.parse(raw);
    if (!page.repository) {
      throw new ConnectorError(
        "github",
        "not_found",
        `${ctx.scope} does not exist or the token cannot see it; check GITHUB_REPOS`,
      );
    }
    const { issues, pullRequests, deployments } = page.repository;
    if (!estimated && state.issues.since === null) {
      estimated = true;
      ctx.estimate((issues?.totalCount ?? 0) + (pullRequests?.totalCount ?? 0));
    }
    const records: RawRecord[] = [];
    const context = { repo: ctx.scope };

    if (state.issues.pass && issues) {
      const pass = state.issues.pass;
      for (const node of issues.nodes) {
        const { number, updatedAt } = z.object({ number: z.number(), updatedAt: z.string() }).parse(node);
        oldest.issues = Math.min(oldest.issues, Date.parse(updatedAt));
        pass.high = later(pass.high, updatedAt);
        seenNow.issues.set(String(number), updatedAt);
        if (!known(state.issues, String(number), updatedAt))
          records.push({ type: "issue", data: toJson(node), context });
      }
      if (issues.pageInfo.hasNextPage) pass.after = issues.pageInfo.endCursor ?? null;
      else finish(state.issues, seenNow.issues);
    }

    if (state.pulls.pass && pullRequests) {
      const pass = state.pulls.pass;
      const since = state.pulls.since;
      let reachedCursor = false;
      for (const node of pullRequests.nodes) {
        const pr = z
          .object({
            number: z.number(),
            updatedAt: z.string(),
            reviews: z.unknown(),
            reviewThreads: z.unknown(),
          })
          .loose()
          .parse(node);
        if (since !== null && Date.parse(pr.updatedAt) < Date.parse(since)) {
          reachedCursor = true;
          continue;
        }
        oldest.pulls = Math.min(oldest.pulls, Date.parse(pr.updatedAt));
        pass.high = later(pass.high, pr.updatedAt);
        seenNow.pulls.set(String(pr.number), pr.updatedAt);
        // Unchanged since the last pass read it: so are its reviews (a review updates its pull request).
        if (known(state.pulls, String(pr.number), pr.updatedAt)) continue;
        // The pull request without its reviews (each a record of its own) and its threads (a state of its
        // review comments, kept on them so that a pull request written by a webhook leaves it alone).
        const { reviews, reviewThreads, ...rest } = pr;
        records.push({ type: "pull_request", data: toJson(rest), context });
        if (
          noteResolvedThreads(state, pr.number, reviewThreads) &&
          (ctx.rereadThreads || ctx.reviewCommentsRead.has(pr.number))
        ) {
          records.push(...(await pullPullRequestReviewComments(ctx, state, pr.number)));
        }
        const reviewContext = { repo: ctx.scope, number: String(pr.number) };
        const conn = z
          .object({
            pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullish() }),
            nodes: z.array(z.unknown()),
          })
          .nullish()
          .parse(reviews);
        for (const review of conn?.nodes ?? [])
          records.push({ type: "review", data: toJson(review), context: reviewContext });
        let after = conn?.pageInfo.hasNextPage ? (conn.pageInfo.endCursor ?? null) : null;
        while (after !== null && !ctx.signal.aborted) {
          const more = PullRequestReviewsPageSchema.parse(
            await askRepository(ctx, state, PULL_REQUEST_REVIEWS_QUERY, {
              owner: ctx.owner,
              name: ctx.name,
              number: pr.number,
              after,
            }),
          ).repository?.pullRequest?.reviews;
          for (const review of more?.nodes ?? [])
            records.push({ type: "review", data: toJson(review), context: reviewContext });
          after = more?.pageInfo.hasNextPage ? (more.pageInfo.endCursor ?? null) : null;
        }
      }
      if (reachedCursor || !pullRequests.pageInfo.hasNextPage) finish(state.pulls, seenNow.pulls);
      else pass.after = pullRequests.pageInfo.endCursor ?? null;
    }

    if (state.deployments.pass && deployments) {
      const pass = state.deployments.pass;
      const since = state.deployments.since;
      let reachedWindow = false;
      for (const node of deployments.nodes) {
        const d = GqlDeploymentSchema.parse(node);
        oldest.deployments = Math.min(oldest.deployments, Date.parse(d.createdAt));
        if (since !== null && Date.parse(d.createdAt) < Date.parse(since) - DEPLOYMENT_STATUS_WINDOW_MS) {
          reachedWindow = true;
          continue;
        }
        const statuses = new Map<string, unknown>();
        for (const s of [...(d.statuses?.nodes ?? []), d.latestStatus]) if (s) statuses.set(s.id, s);
        const statusContext: Record<string, string> = {
          repo: ctx.scope,
          deploymentId: String(d.databaseId),
          environment: d.environment ?? "",
          ref: d.ref?.name ?? "",
          sha: d.commitOid,
          task: d.task ?? "",
          pullRequests: (d.commit?.associatedPullRequests?.nodes ?? [])
            .flatMap((p) => (p ? [String(p.number)] : []))
            .join(","),
        };
        for (const [id, status] of statuses) {
          const updatedAt = z.object({ updatedAt: z.string() }).parse(status).updatedAt;
          if (since !== null && Date.parse(updatedAt) < Date.parse(since)) continue;
          pass.high = later(pass.high, updatedAt);
          seenNow.deployments.set(id, updatedAt);
          if (!known(state.deployments, id, updatedAt)) {
            records.push({ type: "deployment_status", data: toJson(status), context: statusContext });
          }
        }
      }
      if (reachedWindow || !deployments.pageInfo.hasNextPage) finish(state.deployments, seenNow.deployments);
      else pass.after = deployments.pageInfo.endCursor ?? null;
    }

    const cursor = toJson(state);
    if (records.length > 0 || JSON.stringify(cursor) !== committed) {
      committed = JSON.stringify(cursor);
      // A connection read to its end holds nothing back; one not yet answered holds everything.
      const readBack = Math.max(
        state.issues.pass ? oldest.issues : Number.NEGATIVE_INFINITY,
        state.pulls.pass ? oldest.pulls : Number.NEGATIVE_INFINITY,
        state.deployments.pass ? oldest.deployments : Number.NEGATIVE_INFINITY,
      );
      yield {
        stream: "repository",
        records,
        cursor,
        ...(Number.isFinite(readBack) ? { readBackTo: new Date(readBack).toISOString() } : {}),
      };
    }
  }
  return state;
}

const ThreadRefSchema = z.object({
  id: z.number(),
  in_reply_to_id: z.number().nullish(),
  pull_request_url: z.string(),
});

/** `threadResolved: "true"` for a REST review comment in a thread the last read of its pull request saw resolved. */
function threadContext(state: RepositoryCursor, item: unknown): Record<string, string> {
  const ref = ThreadRefSchema.safeParse(item);
  if (!ref.success) return {};
  const number = /\/pulls\/(\d+)$/.exec(ref.data.pull_request_url)?.[1];
  const root = ref.data.in_reply_to_id ?? ref.data.id;
  return number && state.resolvedThreads?.[number]?.includes(root) ? { threadResolved: "true" } : {};
}

/**
 * Keeps which of a pull request's review threads are resolved in the cursor; true when that changed since the
 * pull request was last read.
 */
function noteResolvedThreads(state: RepositoryCursor, number: number, threads: unknown): boolean {
  const resolved = (GqlReviewThreadsSchema.parse(threads)?.nodes ?? [])
    .flatMap((t) => (t?.isResolved ? [t.comments?.nodes?.[0]?.databaseId ?? null] : []))
    .filter((id): id is number => typeof id === "number")
    .sort((a, b) => a - b);
  const key = String(number);
  const before = state.resolvedThreads?.[key] ?? [];
  if (before.length === resolved.length && before.every((id, i) => id === resolved[i])) return false;
  const next = { ...state.resolvedThreads };
  if (resolved.length > 0) next[key] = resolved;
  else delete next[key];
  state.resolvedThreads = Object.keys(next).length > 0 ? next : undefined;
  return true;
}

/**
 * A pull request's review comments with their threads' state, read again after a thread was resolved or
 * reopened (which changes no comment, so the repository's list does not show them again).
 * docs.github.com/en/rest/pulls/comments#list-review-comments-on-a-pull-request
 */
async function pullPullRequestReviewComments(
  ctx: PullContext,
  state: RepositoryCursor,
  number: number,
): Promise<RawRecord[]> {
  const records: RawRecord[] = [];
  for (let page = 1; !ctx.signal.aborted; page++) {
    const res = await ctx.client.get("GET /repos/{owner}/{repo}/pulls/{pull_number}/comments", {
      owner: ctx.owner,
      repo: ctx.name,
      pull_number: number,
      per_page: PAGE_SIZE,
      page: page > 1 ? page : undefined,
    });
    const list = z.array(z.unknown()).parse(res.data);
    for (const item of list) {
      records.push({
        type: "review_comment",
        data: toJson(item),
        context: { repo: ctx.scope, ...threadContext(state, item) },
      });
    }
    if (list.length < PAGE_SIZE) break;
  }
  return records;
}

/** Ends a connection's pass: the next starts a little before the newest change this one saw. */
function finish(c: ConnectionCursor, seen: Map<string, string>): void {
  const high = c.pass?.high ?? null;
  c.since = high === null ? c.since : later(c.since, iso(Date.parse(high) - OVERLAP_MS));
  c.pass = null;
  c.seen = overlapOf(seen, c.since, c.seen);
}

/** The entries of `seen` the next pass reads again (changed at or after `since`); `previous` when none were read. */
function overlapOf(
  seen: Map<string, string>,
  since: string | null,
  previous: Record<string, string>,
): Record<string, string> {
  if (since === null) return {};
  const from = Date.parse(since);
  const entries = seen.size > 0 ? [...seen] : Object.entries(previous);
  return Object.fromEntries(
    entries.filter(([, at]) => Date.parse(at) >= from).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}

/**
 * A repository-wide REST comment list in `updated_at` order, each page continuing from the last change seen;
 * the first request of a pass is conditional on the ETag of the last one when that was the whole answer.
 */
async function* pullListStream(
  ctx: PullContext,
  options: {
    stream: string;
    route: string;
    type: string;
    start: ListCursor;
    pullsSeen: string | null;
    /** What the request knows of an object beside the repository (a review comment's thread state). */
    contextOf?: (item: unknown) => Record<string, string>;
  },
): AsyncGenerator<PulledPage, ListCursor> {
  const { start } = options;
  const state: ListCursor = structuredClone(start);
  const fresh = state.pass === null;
  let chainSince = state.pass?.since ?? state.since;
  let pageNo = state.pass?.page ?? 1;
  let high = state.pass?.high ?? null;
  let first = true;
  const emitted = new Map<string, string>();
  let committed = JSON.stringify(start);

  while (!ctx.signal.aborted) {
    const res = await ctx.client.get(
      options.route,
      {
        owner: ctx.owner,
        repo: ctx.name,
        sort: "updated",
        direction: "asc",
        per_page: PAGE_SIZE,
        since: chainSince ?? undefined,
        page: pageNo > 1 ? pageNo : undefined,
      },
      { etag: fresh && first ? state.etag : null },
    );
    first = false;
    if (res.status === 304) {
      const next: ListCursor = { ...state, checkedAt: ctx.now, pullsSeen: options.pullsSeen };
      if (JSON.stringify(next) !== JSON.stringify(start))
        yield { stream: options.stream, records: [], cursor: toJson(next) };
      return next;
    }
    const items = z.array(z.unknown()).parse(res.data);
    const records: RawRecord[] = [];
    let last: string | null = null;
    for (const item of items) {
      const parsed = ListItemSchema.parse(item);
      const id = String(parsed.id);
      const updatedAt = parsed.updated_at;
      last = updatedAt;
      high = later(high, updatedAt);
      // Pages overlap by the second they meet at, passes by `OVERLAP_MS`: what was taken as it is now is not repeated.
      if (emitted.get(id) === updatedAt || (fresh && start.seen[id] === updatedAt)) {
        emitted.set(id, updatedAt);
        continue;
      }
      emitted.set(id, updatedAt);
      records.push({
        type: options.type,
        data: toJson(item),
        context: { repo: ctx.scope, ...options.contextOf?.(item) },
      });
    }
    if (items.length < PAGE_SIZE || last === null) {
      // The list from `chainSince` fits in this one page. Keep asking from there (it is the address this
      // answer's ETag belongs to, so the next pass is a free 304 until something changes) as long as that
      // still starts the overlap before the newest change; otherwise move on to it.
      const keep =
        pageNo === 1 &&
        (chainSince === null || high === null || Date.parse(chainSince) <= Date.parse(high) - OVERLAP_MS);
      const since = keep
        ? chainSince
        : high === null
          ? state.since
          : later(state.since, iso(Date.parse(high) - OVERLAP_MS));
      const next: ListCursor = {
        v: 1,
        since,
        etag: keep ? res.etag : null,
        pass: null,
        checkedAt: ctx.now,
        pullsSeen: options.pullsSeen,
        seen: overlapOf(emitted, since, state.seen),
        back: null,
      };
      if (records.length > 0 || JSON.stringify(next) !== committed) {
        yield { stream: options.stream, records, cursor: toJson(next) };
      }
      return next;
    }
    // `since` is documented as "updated after": go back a second, so a second's other changes are not lost.
    const nextSince = iso(Date.parse(last) - 1000);
    if (chainSince !== null && Date.parse(nextSince) <= Date.parse(chainSince)) pageNo++;
    else {
      chainSince = nextSince;
      pageNo = 1;
    }
    state.pass = { since: chainSince, page: pageNo, high };
    committed = JSON.stringify(state);
    yield { stream: options.stream, records, cursor: toJson(state) };
  }
  return state;
}

/**
 * The first read of a repository-wide comment list, newest change first by page number (see the top of this
 * file). Returns the cursor the next pass reads forward from.
 */
async function* walkListBackwards(
  ctx: PullContext,
  options: {
    stream: string;
    route: string;
    type: string;
    start: ListCursor;
    /** The pull requests' cursor when the read ends (review comments: what they were read up to). */
    pullsSeen: () => string | null;
    contextOf?: (item: unknown) => Record<string, string>;
  },
): AsyncGenerator<PulledPage, ListCursor> {
  const state: ListCursor = structuredClone(options.start);
  let back = state.back ?? { page: 1, high: null };
  // A comment changed during the read moves to the front and shifts the pages: it may come twice.
  const emitted = new Map<string, string>();
  while (!ctx.signal.aborted) {
    const res = await ctx.client.get(options.route, {
      owner: ctx.owner,
      repo: ctx.name,
      sort: "updated",
      direction: "desc",
      per_page: PAGE_SIZE,
      since: state.since ?? undefined,
      page: back.page > 1 ? back.page : undefined,
    });
    const items = z.array(z.unknown()).parse(res.data);
    const records: RawRecord[] = [];
    let high = back.high;
    let last: string | null = null;
    for (const item of items) {
      const { id, updated_at: updatedAt } = ListItemSchema.parse(item);
      // The forward mark: the newest change of the read's first page.
      if (back.page === 1) high = later(high, updatedAt);
      last = last === null || Date.parse(updatedAt) < Date.parse(last) ? updatedAt : last;
      if (emitted.get(String(id)) === updatedAt) continue;
      emitted.set(String(id), updatedAt);
      records.push({
        type: options.type,
        data: toJson(item),
        context: { repo: ctx.scope, ...options.contextOf?.(item) },
      });
    }
    // The forward mark's overlap (what changed in its last OVERLAP_MS) is kept in the cursor as the walk
    // goes, so a walk resumed after a stop ends with the same overlap as one read in one go.
    if (high !== null) {
      const from = Date.parse(high) - OVERLAP_MS;
      for (const item of items) {
        const { id, updated_at: updatedAt } = ListItemSchema.parse(item);
        if (Date.parse(updatedAt) >= from) state.seen[String(id)] = updatedAt;
      }
    }
    if (items.length < PAGE_SIZE) {
      const since = high === null ? state.since : later(state.since, iso(Date.parse(high) - OVERLAP_MS));
      const next: ListCursor = {
        v: 1,
        since,
        etag: null,
        pass: null,
        checkedAt: ctx.now,
        pullsSeen: options.pullsSeen(),
        seen: overlapOf(new Map([...Object.entries(state.seen), ...emitted]), since, {}),
        back: null,
      };
      yield { stream: options.stream, records, cursor: toJson(next) };
      return next;
    }
    back = { page: back.page + 1, high };
    state.back = back;
    yield {
      stream: options.stream,
      records,
      cursor: toJson(state),
      ...(last !== null ? { readBackTo: last } : {}),
    };
  }
  return state;
}

/**
 * A page of each stream in turn until all are read; each page says how far back the whole repository is
 * read (the least any stream has: one not yet answered holds it at now, one read to its end not at all).
 * Returns each stream's final cursor.
 */
async function* interleave(
  signal: AbortSignal,
  streams: Array<{
    name: string;
    pages: AsyncGenerator<PulledPage, unknown>;
    /** Whether the stream is read to its end once this page is saved (its last page). */
    ended: (page: PulledPage) => boolean;
  }>,
): AsyncGenerator<PulledPage, Map<string, unknown>> {
  const readBack = new Map(streams.map((s) => [s.name, Number.POSITIVE_INFINITY]));
  const results = new Map<string, unknown>();
  let active = [...streams];
  while (active.length > 0 && !signal.aborted) {
    for (const stream of [...active]) {
      const next = await stream.pages.next();
      if (next.done) {
        results.set(stream.name, next.value);
        readBack.set(stream.name, Number.NEGATIVE_INFINITY);
        active = active.filter((s) => s !== stream);
        continue;
      }
      const { readBackTo, ...page } = next.value;
      if (stream.ended(next.value)) readBack.set(stream.name, Number.NEGATIVE_INFINITY);
      else if (readBackTo !== undefined) readBack.set(stream.name, Date.parse(readBackTo));
      const at = Math.max(...readBack.values());
      yield Number.isFinite(at) ? { ...page, readBackTo: new Date(at).toISOString() } : page;
      if (signal.aborted) break;
    }
  }
  return results;
}

const emptyConnection = (since: string | null): ConnectionCursor => ({ since, pass: null, seen: {} });

/** Pages of one repository, from its committed cursors (see the top of this file). */
export async function* pullGithubRepository(
  request: PullRequest<GithubSettings>,
  createClient: typeof createGithubClient = createGithubClient,
): AsyncGenerator<PulledPage> {
  const { owner, name } = splitScope(request.scope);
  const client = createClient({
    settings: request.settings,
    signal: request.signal,
    report: request.report,
    scope: request.scope,
  });
  const backfillSince = request.mode === "backfill" && request.since ? iso(request.since.getTime()) : null;
  const ctx: PullContext = {
    client,
    scope: request.scope,
    owner,
    name,
    signal: request.signal,
    now: iso(request.now.getTime()),
    incremental: request.mode === "sync",
    rereadThreads: request.cursors.review_comments !== undefined && request.cursors.review_comments !== null,
    reviewCommentsRead: new Set(),
    estimate: (n) => request.report.estimate(n),
  };
  const freshList = (): ListCursor => ({
    v: 1,
    since: backfillSince,
    etag: null,
    pass: null,
    checkedAt: null,
    pullsSeen: null,
    seen: {},
    back: null,
  });
  const repositoryStart = parseCursor(RepositoryCursorSchema, request.cursors.repository) ?? {
    v: 1,
    issues: emptyConnection(backfillSince),
    pulls: emptyConnection(backfillSince),
    deployments: emptyConnection(backfillSince),
  };
  const commentsStart = parseCursor(ListCursorSchema, request.cursors.comments);
  // A first read: no comment list was ever read to its end, or one is being read newest first.
  const storedReview = parseCursor(ListCursorSchema, request.cursors.review_comments);
  if (
    commentsStart === null ||
    commentsStart.back !== null ||
    storedReview === null ||
    storedReview.back !== null
  ) {
    const storedRepository = parseCursor(RepositoryCursorSchema, request.cursors.repository);
    yield* pullFirstRead(ctx, repositoryStart, commentsStart ?? freshList(), {
      reviewComments: storedReview ?? freshList(),
      // A stream a stopped first read had finished is not read again.
      repositoryDone:
        storedRepository !== null &&
        [storedRepository.issues, storedRepository.pulls, storedRepository.deployments].every(
          (c) => c.pass === null,
        ),
      reviewCommentsDone:
        storedReview !== null && storedReview.back === null && storedReview.checkedAt !== null,
      commentsDone: commentsStart !== null && commentsStart.back === null && commentsStart.checkedAt !== null,
    });
    return;
  }

  const repository = yield* pullRepositoryStream(
    ctx,
    parseCursor(RepositoryCursorSchema, request.cursors.repository) ?? {
      v: 1,
      issues: emptyConnection(backfillSince),
      pulls: emptyConnection(backfillSince),
      deployments: emptyConnection(backfillSince),
    },
  );
  if (request.signal.aborted) return;

  yield* pullListStream(ctx, {
    stream: "comments",
    route: "GET /repos/{owner}/{repo}/issues/comments",
    type: "issue_comment",
    start: commentsStart,
    pullsSeen: null,
  });
  if (request.signal.aborted) return;

  const reviewComments = parseCursor(ListCursorSchema, request.cursors.review_comments);
  const pullsSince = repository.pulls.pass === null ? repository.pulls.since : null;
  const due =
    request.mode === "backfill" ||
    reviewComments === null ||
    reviewComments.pass !== null ||
    reviewComments.pullsSeen !== pullsSince ||
    reviewComments.checkedAt === null ||
    request.now.getTime() - Date.parse(reviewComments.checkedAt) >= REVIEW_COMMENT_SWEEP_MS;
  if (!due) return;
  yield* pullListStream(ctx, {
    stream: "review_comments",
    route: "GET /repos/{owner}/{repo}/pulls/comments",
    type: "review_comment",
    start: reviewComments ?? freshList(),
    pullsSeen: pullsSince,
    contextOf: (item) => threadContext(repository, item),
  });
}

const walkEnded = (page: PulledPage) => (page.cursor as { back?: unknown } | null)?.back === null;

/**
 * The first read of a repository: its three streams newest first, a page of each in turn. Review comments
 * take their threads' state from the pull requests read so far; their cursor ends with the pull requests'.
 */
async function* pullFirstRead(
  ctx: PullContext,
  repositoryStart: RepositoryCursor,
  commentsStart: ListCursor,
  starts: {
    reviewComments: ListCursor;
    repositoryDone: boolean;
    reviewCommentsDone: boolean;
    commentsDone: boolean;
  },
): AsyncGenerator<PulledPage> {
  const live: { state?: RepositoryCursor } = {};
  const pullsSince = () => {
    const state = live.state ?? repositoryStart;
    return state.pulls.pass === null ? state.pulls.since : null;
  };
  const streams: Parameters<typeof interleave>[1] = [
    {
      name: "repository",
      pages: pullRepositoryStream(ctx, repositoryStart, live),
      ended: () =>
        live.state !== undefined &&
        live.state.issues.pass === null &&
        live.state.pulls.pass === null &&
        live.state.deployments.pass === null,
    },
    {
      name: "comments",
      pages: walkListBackwards(ctx, {
        stream: "comments",
        route: "GET /repos/{owner}/{repo}/issues/comments",
        type: "issue_comment",
        start: commentsStart,
        pullsSeen: () => null,
      }),
      ended: walkEnded,
    },
    {
      name: "review_comments",
      pages: walkListBackwards(ctx, {
        stream: "review_comments",
        route: "GET /repos/{owner}/{repo}/pulls/comments",
        type: "review_comment",
        start: starts.reviewComments,
        pullsSeen: pullsSince,
        contextOf: (item) => {
          const number = /\/pulls\/(\d+)$/.exec(
            ThreadRefSchema.safeParse(item).data?.pull_request_url ?? "",
          )?.[1];
          if (number) ctx.reviewCommentsRead.add(Number(number));
          return threadContext(live.state ?? repositoryStart, item);
        },
      }),
      ended: walkEnded,
    },
  ].filter(
    (s) =>
      !(s.name === "repository" && starts.repositoryDone) &&
      !(s.name === "comments" && starts.commentsDone) &&
      !(s.name === "review_comments" && starts.reviewCommentsDone),
  );
  const results = yield* interleave(ctx.signal, streams);
  if (ctx.signal.aborted) return;
  // Review comments read to their end before the pull requests were: they are read up to the pull requests'
  // final cursor, so the next pass does not read them again for that alone.
  const review =
    (results.get("review_comments") as ListCursor | undefined) ??
    (starts.reviewCommentsDone ? starts.reviewComments : undefined);
  if (review && review.back === null && review.pullsSeen !== pullsSince()) {
    yield { stream: "review_comments", records: [], cursor: toJson({ ...review, pullsSeen: pullsSince() }) };
  }
}

/**
 * The repositories to read: GITHUB_REPOS, else every repository the token can read
 * (`GET /user/repos`, docs.github.com/en/rest/repos/repos#list-repositories-for-the-authenticated-user).
 */
export async function listGithubRepositories(
  settings: GithubSettings,
  request: ScopeRequest,
  createClient: typeof createGithubClient = createGithubClient,
): Promise<string[]> {
  if (settings.repos.length > 0) return [...settings.repos];
  const client = createClient({
    settings,
    signal: request.signal,
    report: { requests: request.report.requests, waiting: request.report.waiting },
  });
  const repos: string[] = [];
  for (let page = 1; !request.signal.aborted; page++) {
    const res = await client.get("GET /user/repos", {
      per_page: PAGE_SIZE,
      page,
      sort: "full_name",
      affiliation: "owner,collaborator,organization_member",
    });
    const list = z.array(z.object({ full_name: z.string() })).parse(res.data);
    repos.push(...list.map((r) => r.full_name));
    if (list.length < PAGE_SIZE) break;
  }
  return repos;
}
