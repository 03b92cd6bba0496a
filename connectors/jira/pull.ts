/**
 * Pages of one Jira project (I/O). One stream, `issues`, whose cursor says how far the project has been read.
 *
 * The first read of a project (a backfill, or a first pass without a cursor) walks backwards, newest change
 * first, so that current work is saved and flagged first:
 *
 *   project = "KEY" [AND updated >= <since>] [AND updated < <end of the oldest minute read>]
 *   ORDER BY updated DESC, key DESC
 *
 * The walk's cursor (`back`) holds how far back it has read and the issues read in its oldest minute, so a
 * walk that stops resumes below the last committed page. The forward mark (`updatedMs`) is fixed at the newest
 * change of the walk's first page: whatever changes while the walk runs is newer than it, and the first
 * incremental pass reads it. After that, each pass reads forward:
 *
 *   project = "KEY" AND updated >= <cursor − overlap, in epoch ms> ORDER BY updated ASC, key ASC
 *
 * JQL reads date literals in the API user's profile time zone and to the minute; an epoch-millisecond
 * number means the same instant in every zone, and the lower bound is floored to the minute and moved back
 * by `OVERLAP_MS` so that neither the minute resolution nor the search index's delay ("recent updates might
 * not be immediately visible") skips a change. Issues read again in the overlap are recognised by their
 * `updated` (kept in the cursor) and cost no further request.
 *
 * Each search page brings the issues with their first comments and newest change histories embedded
 * (`fields=…,comment` and `expand=changelog`); an issue with more comments than embedded costs one
 * comments request; the issues of a page with more histories than embedded (and any newer than the
 * cursor) share one bulk changelog request (`POST /rest/api/3/changelog/bulkfetch`). A sync pass then lists the project's issue ids (5,000 a request on Cloud) to find deleted issues.
 */
import { z } from "zod";
import type { CompleteItemList, JsonValue, PulledPage, PullRequest, RawRecord, Tombstone } from "../types.ts";
import { ConnectorError } from "../types.ts";
import {
  createJiraClient,
  fetchJiraDeployment,
  fetchJiraSiteUrl,
  type JiraClient,
  type JiraRetryPolicy,
} from "./client.ts";
import type { JiraDeployment, JiraSettings } from "./config.ts";
import { isStatusChange, itemIds, withoutSubPages } from "./map.ts";
import {
  JiraBulkChangelogPageSchema,
  JiraCommentRefSchema,
  JiraCommentsPageSchema,
  JiraEnhancedSearchPageSchema,
  JiraHistorySchema,
  type JiraIssue,
  JiraIssueRefSchema,
  JiraIssueSchema,
  JiraOffsetSearchPageSchema,
} from "./schemas.ts";

export const ISSUES_STREAM = "issues";

/** What a search asks for each issue: what `map` reads, and the embedded comment page. */
export const ISSUE_FIELDS = [
  "summary",
  "status",
  "assignee",
  "reporter",
  "creator",
  "labels",
  "priority",
  "issuelinks",
  "fixVersions",
  "issuetype",
  "project",
  "duedate",
  "created",
  "updated",
  "description",
  "comment",
];

/**
 * Page sizes: the most each endpoint returns. Cloud's enhanced search gives at most 100 issues a page with
 * fields and 5,000 with ids only; Data Center's search 1,000 (`jira.search.views.default.max`), but with
 * `expand=changelog` each issue carries its histories and a page of 1,000 makes the server build a response
 * of every issue's changes at once: Atlassian's guidance for Data Center is the default of 50 and a modest
 * `maxResults` to keep responses fast and the server's load low, so those pages ask for 100 (the pager goes
 * on by what a page returned, so a server that caps lower skips nothing); comments 5,000 a page; the bulk
 * changelog 1,000 issues a request, 1,000 histories a page.
 * https://support.atlassian.com/jira/kb/how-to-use-the-maxresults-api-parameter-for-jira-issue-search-rest-api
 */
export const JIRA_PAGE_SIZES = {
  cloudSearch: 100,
  cloudIds: 5000,
  dcSearch: 1000,
  dcChangelogSearch: 100,
  dcIds: 1000,
  comments: 5000,
  bulkChangelogIssues: 1000,
  bulkChangelog: 1000,
} as const;

type PageSizes = Record<keyof typeof JIRA_PAGE_SIZES, number>;

/** How far before the cursor each incremental search starts. */
export const OVERLAP_MS = 5 * 60_000;

const floorMinute = (ms: number) => Math.floor(ms / 60_000) * 60_000;

export const JiraCursorSchema = z.object({
  v: z.literal(1),
  deployment: z.enum(["cloud", "datacenter"]),
  /** The newest `updated` pulled (epoch ms); null before the first issue. */
  updatedMs: z.number().nullable(),
  /** How far back the pulled history reaches: null for all of it, else the `since` of a partial backfill. */
  fromMs: z.number().nullable(),
  /** Issues pulled inside the overlap window: id → the `updated` pulled, so a repeat costs nothing. */
  seen: z.record(z.string(), z.number()),
  /** Every issue id of the project seen so far, as [first, last] ranges: what a deletion is found against. */
  known: z.array(z.tuple([z.number(), z.number()])),
  /**
   * Issue ids gone from the list that answered 404 in the last sync pass. Jira answers 404 also for an
   * issue the account may no longer see, which can be a passing permission change: an issue is deleted only
   * when it answers 404 in two passes in a row.
   */
  missing: z.array(z.number()).default([]),
  /**
   * A first read under way, newest first: issues changed at or before `untilMs` are still to read (null:
   * from the newest), and `seen` holds the issues already read in `untilMs`' minute (id → `updated`), since
   * JQL bounds a search to the minute. Null once the walk reached the oldest issue.
   */
  back: z
    .object({ untilMs: z.number().nullable(), seen: z.record(z.string(), z.number()) })
    .nullable()
    .default(null),
});
export type JiraCursor = z.infer<typeof JiraCursorSchema>;

export function toRanges(ids: Iterable<number>): Array<[number, number]> {
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  const ranges: Array<[number, number]> = [];
  for (const id of sorted) {
    const last = ranges[ranges.length - 1];
    if (last && id === last[1] + 1) last[1] = id;
    else ranges.push([id, id]);
  }
  return ranges;
}

export function fromRanges(ranges: ReadonlyArray<readonly [number, number]>): Set<number> {
  const out = new Set<number>();
  for (const [first, last] of ranges) for (let id = first; id <= last; id++) out.add(id);
  return out;
}

function parseOr<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ConnectorError(
    "jira",
    "invalid",
    `cannot read ${what}: ${issue ? `${issue.path.join(".")} ${issue.message}` : "unexpected shape"}`,
  );
}

export interface JiraPullOptions {
  retry?: Partial<JiraRetryPolicy>;
  /** Smaller pages than Jira's maxima (tests use them to page through a few issues). */
  pageSizes?: Partial<PageSizes>;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

interface Scope {
  client: JiraClient;
  pageSizes: PageSizes;
  deployment: JiraDeployment;
  project: string;
  siteUrl: string;
  signal: AbortSignal;
}

/** One search page, whichever API the site has, with how to ask for the next. */
async function fetchSearchPage(
  scope: Scope,
  jql: string,
  fields: string[],
  expand: string | undefined,
  position: { token?: string | undefined; startAt: number },
  ids: boolean,
): Promise<{ issues: JsonValue[]; next: { token?: string; startAt: number } | null }> {
  if (scope.deployment === "cloud") {
    const answer = await scope.client.searchEnhanced({
      jql,
      fields,
      maxResults: ids ? scope.pageSizes.cloudIds : scope.pageSizes.cloudSearch,
      ...(expand ? { expand } : {}),
      nextPageToken: position.token,
    });
    const page = parseOr(JiraEnhancedSearchPageSchema, answer, "a search page (GET /rest/api/3/search/jql)");
    // Sites before `isLast` existed end a search by leaving `nextPageToken` out.
    const last = page.isLast ?? !page.nextPageToken;
    return {
      issues: page.issues,
      next: last || !page.nextPageToken ? null : { token: page.nextPageToken, startAt: 0 },
    };
  }
  const answer = await scope.client.searchOffset({
    jql,
    fields,
    maxResults: ids
      ? scope.pageSizes.dcIds
      : expand?.split(",").includes("changelog")
        ? scope.pageSizes.dcChangelogSearch
        : scope.pageSizes.dcSearch,
    startAt: position.startAt,
    ...(expand ? { expand } : {}),
  });
  const page = parseOr(JiraOffsetSearchPageSchema, answer, "a search page (GET /rest/api/2/search)");
  const nextStart = page.startAt + page.issues.length;
  return {
    issues: page.issues,
    next: page.issues.length > 0 && nextStart < page.total ? { startAt: nextStart } : null,
  };
}

/** Every comment of an issue, in pages of 5,000, oldest first. */
async function fetchAllComments(scope: Scope, issueKey: string): Promise<JsonValue[]> {
  const comments: JsonValue[] = [];
  for (let startAt = 0; ; ) {
    const answer = await scope.client.fetchComments(
      scope.deployment,
      issueKey,
      startAt,
      scope.pageSizes.comments,
    );
    const page = parseOr(JiraCommentsPageSchema, answer, `the comments of ${issueKey}`);
    comments.push(...page.comments);
    startAt += page.comments.length;
    if (page.comments.length === 0 || startAt >= page.total) return comments;
  }
}

/** The change histories the rules read: status changes (`fieldIds` keeps each answer to them). */
const HISTORY_FIELD_IDS = ["status"];

/**
 * Every status change of the given issues (Cloud), oldest first, through the bulk changelog: up to 1,000
 * issues a request, paged with `nextPageToken`, instead of each issue's own changelog pages.
 */
async function fetchHistoriesOf(scope: Scope, issueIds: string[]): Promise<Map<string, JsonValue[]>> {
  const byIssue = new Map<string, JsonValue[]>(issueIds.map((id) => [id, []]));
  for (let from = 0; from < issueIds.length; from += scope.pageSizes.bulkChangelogIssues) {
    const chunk = issueIds.slice(from, from + scope.pageSizes.bulkChangelogIssues);
    let token: string | undefined;
    do {
      const answer = await scope.client.fetchBulkChangelogs({
        issueIdsOrKeys: chunk,
        fieldIds: HISTORY_FIELD_IDS,
        maxResults: scope.pageSizes.bulkChangelog,
        nextPageToken: token,
      });
      const page = parseOr(
        JiraBulkChangelogPageSchema,
        answer,
        "a bulk changelog page (POST /rest/api/3/changelog/bulkfetch)",
      );
      for (const log of page.issueChangeLogs ?? []) {
        byIssue.get(log.issueId)?.push(...(log.changeHistories ?? []));
      }
      token = page.nextPageToken ?? undefined;
    } while (token);
  }
  return byIssue;
}

/**
 * Whether the histories a search embedded are all of them (`startAt + length >= total`): Cloud embeds the
 * newest 40 at most (JRACLOUD-96459).
 */
export function hasAllHistories(changelog: JiraIssue["changelog"]): boolean {
  if (!changelog) return true;
  return (changelog.startAt ?? 0) + changelog.histories.length >= changelog.total;
}

/**
 * Whether an issue's missing histories matter: when this pull has no lower bound, or when even the oldest
 * embedded one is newer than it (more changes since the cursor than were embedded).
 */
function needsAllHistories(issue: JiraIssue, lowerBound: number | null): boolean {
  if (hasAllHistories(issue.changelog)) return false;
  if (lowerBound === null) return true;
  const parsed = (issue.changelog?.histories ?? []).map((h) => JiraHistorySchema.safeParse(h));
  const times = parsed.flatMap((h) => (h.success ? [h.data.created.getTime()] : []));
  return times.length === 0 || Math.min(...times) >= lowerBound;
}

/**
 * The records of one issue: itself, its comments, its status changes; fetching the comments the search
 * left out. Its comments are then all of them, so the list also says which stored ones were deleted.
 */
async function fetchIssueRecords(
  scope: Scope,
  raw: JsonValue,
  issue: JiraIssue,
  fullHistories: JsonValue[] | undefined,
): Promise<{ records: RawRecord[]; comments: CompleteItemList }> {
  const context = { issueKey: issue.key, issueId: issue.id, siteUrl: scope.siteUrl };
  const records: RawRecord[] = [
    { type: "issue", data: withoutSubPages(raw), context: { siteUrl: scope.siteUrl } },
  ];

  const embedded = issue.fields.comment;
  const comments =
    embedded && embedded.total <= embedded.comments.length
      ? embedded.comments
      : await fetchAllComments(scope, issue.key);
  const commentIds: string[] = [];
  for (const comment of comments) {
    const ref = parseOr(JiraCommentRefSchema, comment, `a comment of ${issue.key}`);
    commentIds.push(itemIds.comment(ref.id));
    records.push({ type: "comment", data: comment, context });
  }

  for (const data of fullHistories ?? issue.changelog?.histories ?? []) {
    const history = parseOr(JiraHistorySchema, data, `a change history of ${issue.key}`);
    if (isStatusChange(history)) records.push({ type: "history", data, context });
  }
  return {
    records,
    comments: {
      parentTaskKey: issue.key,
      kind: "comment",
      externalIds: commentIds,
      asOf: issue.fields.updated,
    },
  };
}

/**
 * Ids of issues gone from the project since the cursor: deleted (a tombstone once a 404 has been seen in two
 * passes in a row), missing (a first 404), or moved (just dropped).
 */
async function findDeletions(
  scope: Scope,
  known: Set<number>,
  wasMissing: ReadonlySet<number>,
): Promise<{ listed: Set<number>; missing: number[]; deletions: Tombstone[] }> {
  const listed = new Set<number>();
  const jql = `project = "${scope.project}"`;
  let position: { token?: string | undefined; startAt: number } | null = { startAt: 0 };
  while (position) {
    const page = await fetchSearchPage(scope, jql, ["id"], undefined, position, true);
    for (const raw of page.issues) {
      const ref = parseOr(JiraIssueRefSchema, raw, "an issue id of a search page");
      listed.add(Number(ref.id));
    }
    position = page.next;
  }
  const deletions: Tombstone[] = [];
  const missing: number[] = [];
  for (const id of known) {
    if (listed.has(id) || scope.signal.aborted) continue;
    // Gone from the list: an answer means moved to another project (or not yet in the search index), and
    // its new project's pull has it; a 404 means deleted, or hidden from the account.
    try {
      const ref = parseOr(
        JiraIssueRefSchema,
        await scope.client.fetchIssueProject(String(id)),
        `issue ${id}`,
      );
      if (ref.fields?.project?.key === scope.project) listed.add(id);
    } catch (err) {
      if (!(err instanceof ConnectorError) || err.kind !== "not_found") throw err;
      if (wasMissing.has(id)) {
        // Jira does not say when: the sync's clock stands in.
        deletions.push({ type: "task", externalId: String(id), at: null });
      } else {
        missing.push(id);
        listed.add(id);
      }
    }
  }
  return { listed, missing, deletions };
}

/**
 * The first read of a project, newest change first (see the top of this file). Returns the cursor once the
 * walk is done (`back` null) or stopped.
 */
async function* walkBackwards(scope: Scope, start: JiraCursor): AsyncGenerator<PulledPage, JiraCursor> {
  let cursor = start;
  const known = fromRanges(cursor.known);
  const lower = cursor.fromMs === null ? null : floorMinute(cursor.fromMs);
  const jqlOf = (untilMs: number | null) =>
    `project = "${scope.project}"${lower === null ? "" : ` AND updated >= ${lower}`}${
      untilMs === null ? "" : ` AND updated < ${floorMinute(untilMs) + 60_000}`
    } ORDER BY updated DESC, key DESC`;
  let back = cursor.back!;
  let jql = jqlOf(back.untilMs);
  let position: { token?: string | undefined; startAt: number } | null = { startAt: 0 };
  // Data Center pages by offset: an issue changed while the walk runs moves to the front and shifts the rest
  // on by one. Each next page starts one issue early; when that issue is not the last one read, the walk
  // searches again from its cursor.
  let expectFirst: string | null = null;
  while (position && !scope.signal.aborted) {
    const page = await fetchSearchPage(scope, jql, ISSUE_FIELDS, "changelog", position, false);
    let issues = page.issues;
    if (expectFirst !== null) {
      const first = JiraIssueRefSchema.safeParse(issues[0]);
      if (!first.success || first.data.id !== expectFirst) {
        jql = jqlOf(back.untilMs);
        position = { startAt: 0 };
        expectFirst = null;
        continue;
      }
      issues = issues.slice(1);
    }
    const parsed = issues.map((raw) => ({
      raw,
      issue: parseOr(JiraIssueSchema, raw, "an issue of a search page"),
    }));
    const fresh = parsed.filter(({ issue }) => back.seen[issue.id] !== issue.fields.updated.getTime());
    const truncated = fresh
      .filter(({ issue }) => scope.deployment === "cloud" && needsAllHistories(issue, lower))
      .map(({ issue }) => issue.id);
    const histories =
      truncated.length > 0 ? await fetchHistoriesOf(scope, truncated) : new Map<string, JsonValue[]>();
    const records: RawRecord[] = [];
    const completeLists: CompleteItemList[] = [];
    let untilMs = back.untilMs;
    let seen = { ...back.seen };
    // The first page of a walk fixes the forward mark: what changes later is newer than its newest issue.
    let updatedMs = cursor.updatedMs;
    const opening = back.untilMs === null;
    let lastId: string | null = null;
    for (const { raw, issue } of parsed) {
      const updated = issue.fields.updated.getTime();
      known.add(Number(issue.id));
      lastId = issue.id;
      if (opening) updatedMs = updatedMs === null ? updated : Math.max(updatedMs, updated);
      if (untilMs === null || floorMinute(updated) < floorMinute(untilMs)) seen = {};
      untilMs = untilMs === null ? updated : Math.min(untilMs, updated);
      if (back.seen[issue.id] === updated) {
        seen[issue.id] = updated;
        continue;
      }
      const read = await fetchIssueRecords(scope, raw, issue, histories.get(issue.id));
      records.push(...read.records);
      completeLists.push(read.comments);
      seen[issue.id] = updated;
    }
    const keepFrom = updatedMs === null ? Number.NEGATIVE_INFINITY : floorMinute(updatedMs - OVERLAP_MS);
    const forwardSeen = { ...cursor.seen };
    for (const { issue } of parsed) {
      const updated = issue.fields.updated.getTime();
      if (updated >= keepFrom) forwardSeen[issue.id] = updated;
    }
    back = { untilMs, seen };
    const done = page.next === null;
    cursor = {
      ...cursor,
      updatedMs,
      seen: forwardSeen,
      known: toRanges(known),
      back: done ? null : back,
    };
    yield {
      stream: ISSUES_STREAM,
      records,
      ...(completeLists.length > 0 ? { completeLists } : {}),
      cursor,
      // Every issue changed since the oldest one read is in, with all its comments and changes.
      ...(!done && untilMs !== null ? { readBackTo: new Date(untilMs).toISOString() } : {}),
    };
    const next = page.next;
    if (next === null) break;
    if (scope.deployment === "datacenter" && lastId !== null) {
      position = { startAt: next.startAt - 1 };
      expectFirst = lastId;
    } else {
      position = next;
      expectFirst = null;
    }
  }
  return cursor;
}

/**
 * Pages of one project. Backfill and sync run the same search from the cursor; a backfill without a
 * cursor starts at `since` (or at the beginning), a sync then also looks for deleted issues.
 */
export async function* pullJiraProject(
  request: PullRequest<JiraSettings>,
  options: JiraPullOptions = {},
): AsyncGenerator<PulledPage> {
  const { settings, signal } = request;
  const client = createJiraClient({
    settings,
    signal,
    report: request.report,
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
  const stored = JiraCursorSchema.safeParse(request.cursors[ISSUES_STREAM]);
  const previous = stored.success ? stored.data : null;
  const deployment =
    settings.deployment ?? previous?.deployment ?? (await fetchJiraDeployment(settings, client));
  const scope: Scope = {
    client,
    pageSizes: { ...JIRA_PAGE_SIZES, ...options.pageSizes },
    deployment,
    project: request.scope,
    siteUrl: await fetchJiraSiteUrl(settings, client),
    signal,
  };

  const since = request.since ? request.since.getTime() : null;
  let cursor: JiraCursor = previous
    ? { ...previous, deployment }
    : {
        v: 1,
        deployment,
        updatedMs: null,
        fromMs: request.mode === "backfill" ? since : null,
        seen: {},
        known: [],
        missing: [],
        back: { untilMs: null, seen: {} },
      };
  // A backfill reaching further back than the history pulled so far reads again from there, newest first.
  if (
    previous &&
    request.mode === "backfill" &&
    previous.fromMs !== null &&
    (since === null || since < previous.fromMs)
  ) {
    // Only the older part is new: the walk goes on (or starts again) below the old lower bound.
    cursor = {
      ...cursor,
      fromMs: since,
      back: previous.back ?? { untilMs: previous.fromMs + 60_000, seen: {} },
    };
  }
  if (cursor.back) {
    // Done or stopped: what changed while the walk ran is the next pass's, from the forward mark.
    yield* walkBackwards(scope, cursor);
    return;
  }
  const boundOf = (c: JiraCursor) =>
    c.updatedMs !== null
      ? floorMinute(c.updatedMs - OVERLAP_MS)
      : c.fromMs === null
        ? null
        : floorMinute(c.fromMs);
  const jqlFrom = (bound: number | null) =>
    `project = "${scope.project}"${bound === null ? "" : ` AND updated >= ${bound}`} ORDER BY updated ASC, key ASC`;
  let lowerBound = boundOf(cursor);
  let jql = jqlFrom(lowerBound);

  const known = fromRanges(cursor.known);
  let position: { token?: string | undefined; startAt: number } | null = { startAt: 0 };
  // Data Center pages by offset: an issue updated while the pages are read moves to the end of the order
  // and shifts the rest back by one, which would skip one. Each next page therefore starts one issue early;
  // when that issue is not the last one read, the list moved, and reading goes on from the cursor.
  let expectFirst: string | null = null;
  while (position && !signal.aborted) {
    const page = await fetchSearchPage(scope, jql, ISSUE_FIELDS, "changelog", position, false);
    let issues = page.issues;
    if (expectFirst !== null) {
      const first = JiraIssueRefSchema.safeParse(issues[0]);
      if (!first.success || first.data.id !== expectFirst) {
        lowerBound = boundOf(cursor);
        jql = jqlFrom(lowerBound);
        position = { startAt: 0 };
        expectFirst = null;
        continue;
      }
      issues = issues.slice(1);
    }
    const records: RawRecord[] = [];
    const completeLists: CompleteItemList[] = [];
    const seen = { ...cursor.seen };
    let updatedMs = cursor.updatedMs;
    let lastId: string | null = null;
    const parsed = issues.map((raw) => ({
      raw,
      issue: parseOr(JiraIssueSchema, raw, "an issue of a search page"),
    }));
    const truncated = parsed
      .filter(({ issue }) => seen[issue.id] !== issue.fields.updated.getTime())
      .filter(({ issue }) => deployment === "cloud" && needsAllHistories(issue, lowerBound))
      .map(({ issue }) => issue.id);
    const histories =
      truncated.length > 0 ? await fetchHistoriesOf(scope, truncated) : new Map<string, JsonValue[]>();
    for (const { raw, issue } of parsed) {
      const updated = issue.fields.updated.getTime();
      known.add(Number(issue.id));
      lastId = issue.id;
      if (seen[issue.id] === updated) continue;
      const read = await fetchIssueRecords(scope, raw, issue, histories.get(issue.id));
      records.push(...read.records);
      completeLists.push(read.comments);
      seen[issue.id] = updated;
      updatedMs = updatedMs === null ? updated : Math.max(updatedMs, updated);
    }
    const keepFrom = updatedMs === null ? Number.NEGATIVE_INFINITY : floorMinute(updatedMs - OVERLAP_MS);
    cursor = {
      ...cursor,
      updatedMs,
      seen: Object.fromEntries(Object.entries(seen).filter(([, at]) => at >= keepFrom)),
      known: toRanges(known),
    };
    yield { stream: ISSUES_STREAM, records, ...(completeLists.length > 0 ? { completeLists } : {}), cursor };
    const next: { token?: string; startAt: number } | null = page.next;
    if (next && deployment === "datacenter" && lastId !== null) {
      position = { startAt: next.startAt - 1 };
      expectFirst = lastId;
    } else {
      position = next;
      expectFirst = null;
    }
  }

  if (request.mode === "sync" && previous && !signal.aborted) {
    const { listed, missing, deletions } = await findDeletions(scope, known, new Set(cursor.missing));
    const stillKnown = toRanges(listed);
    if (
      deletions.length > 0 ||
      JSON.stringify(stillKnown) !== JSON.stringify(cursor.known) ||
      JSON.stringify(missing) !== JSON.stringify(cursor.missing)
    ) {
      cursor = { ...cursor, known: stillKnown, missing };
      yield { stream: ISSUES_STREAM, records: [], deletions, cursor };
    }
  }
}
