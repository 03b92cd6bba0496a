/**
 * Pages of one mailbox (I/O). One stream, `messages`, whose cursor holds the pass under way and the
 * mailbox's history id the next incremental pass starts from.
 *
 * - Full history (a backfill, or the first pass): read the mailbox's current `historyId` (getProfile), list
 *   the messages matching GMAIL_QUERY (and `after:` the backfill's `--since`), 500 ids a request
 *   (`users.messages.list`), fetch each page's messages in full through batch requests, then read the
 *   history from the id noted at the start, so nothing that arrived during the listing is missed.
 *   https://developers.google.com/gmail/api/guides/sync#full_synchronization
 * - Incremental: `users.history.list` from the last history id, every record type (`messageAdded`,
 *   `messageDeleted`, `labelAdded`, `labelRemoved`), 500 a request; added messages are fetched in full,
 *   deleted ones become tombstones, mail moved to Trash or Spam leaves the timeline and comes back when it is
 *   taken out (./history-changes.ts). Nothing new costs one request. https://developers.google.com/gmail/api/guides/sync#partial_synchronization
 * - History ids stay valid for about a week (less, sometimes): when Gmail answers 404 for an old one, the
 *   pull lists what arrived since the last complete pass, a day earlier for safety, and starts over from a
 *   new history id. Messages read twice are upserted by id: nothing is lost, nothing duplicated. Deletions
 *   that happened inside the gap cannot be known and stay as they were.
 * - GMAIL_QUERY cannot be asked of the history: added or relabelled messages are kept when a list with the
 *   query, from a day before the last pass, names them (one request when something changed). Gmail's search
 *   index lags behind the mailbox, so a message the list did not name is asked again for an hour.
 */
import { z } from "zod";
import { log as processLog } from "../../src/log.ts";
import type { PulledPage, PullRequest, RawRecord, Tombstone } from "../types.ts";
import { ConnectorError } from "../types.ts";
import { createGmailClient, type GmailClient, type GmailRetryPolicy } from "./client.ts";
import type { GmailMailboxSettings } from "./config.ts";
import { type GmailHistoryChanges, toHistoryChanges } from "./history-changes.ts";
import { inspectGmailRecord } from "./map.ts";
import { GmailHistoryPageSchema, GmailListPageSchema, GmailProfileSchema } from "./schemas.ts";

export const MESSAGES_STREAM = "messages";

/** The most `messages.list` and `history.list` return a request ("maximum allowed value … is 500"). */
export const GMAIL_PAGE_SIZES = { list: 500, history: 500, batchMax: 100 } as const;

/** How far before the last complete pass a date query looks again (Gmail's `after:` reads internal dates). */
export const OVERLAP_MS = 86_400_000;

/** How long a message the search did not list is asked again, for the search index to catch up. */
export const INDEX_LAG_MS = 3_600_000;

/** The most such messages a cursor keeps (the newest). */
const MAX_PENDING = 500;

const PassSchema = z.discriminatedUnion("kind", [
  /** Listing by query; the history from `startHistoryId` follows. */
  z.object({
    kind: z.literal("list"),
    q: z.string().nullable(),
    pageToken: z.string().nullable(),
    startHistoryId: z.string(),
    /** How far back this listing reaches (null: all), for the cursor's `fromMs` once it ends. */
    fromMs: z.number().nullable(),
  }),
  z.object({ kind: z.literal("history"), startHistoryId: z.string(), pageToken: z.string().nullable() }),
]);
type Pass = z.infer<typeof PassSchema>;

export const GmailCursorSchema = z.object({
  v: z.literal(1),
  /** The mailbox's address, read once (links to Gmail's web client name it). */
  mailbox: z.string().nullable(),
  pass: PassSchema.nullable(),
  /** Where the next incremental pass starts: the history id of the last complete pass. */
  historyId: z.string().nullable(),
  /** How far back the pulled history reaches: null for all of it, else the start of a `--since` backfill. */
  fromMs: z.number().nullable(),
  /** When the last complete pass started: a date query after a refused history id starts a day before. */
  syncedMs: z.number().nullable(),
  /**
   * Messages the history named that GMAIL_QUERY's search did not list: Gmail's search index lags behind the
   * mailbox, so each is asked again on the passes of the next hour before it counts as not matching.
   */
  pending: z
    .array(z.object({ id: z.string(), seenMs: z.number(), afterMs: z.number().nullable() }))
    .default([]),
});
export type GmailCursor = z.infer<typeof GmailCursorSchema>;

/** A line for the log: something about one message that a person may want to know. */
export interface GmailPullNotice {
  /** `debug` for what is expected (drafts, spam skipped), `warn` for what loses something. */
  level: "debug" | "warn";
  scope: string;
  messageId: string | null;
  reason: string;
}

export interface GmailPullOptions {
  retry?: Partial<GmailRetryPolicy>;
  /** Calls per batch request (default 50, at most 100; 1: no batching). */
  batchSize?: number;
  /** Where notices go (skipped messages, unreadable parts, a refused history id); default the process log. */
  notice?: (notice: GmailPullNotice) => void;
}

const defaultNotice = (n: GmailPullNotice) =>
  (n.level === "warn" ? processLog.warn : processLog.debug).call(
    processLog,
    { source: "gmail", scope: n.scope, messageId: n.messageId },
    `[threadline] [gmail] ${n.reason}`,
  );

function parseOr<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ConnectorError(
    "gmail",
    "invalid",
    `cannot read ${what}: ${issue ? `${issue.path.join(".")} ${issue.message}` : "unexpected shape"}`,
  );
}

const emptyCursor = (): GmailCursor => ({
  v: 1,
  mailbox: null,
  pass: null,
  historyId: null,
  fromMs: null,
  syncedMs: null,
  pending: [],
});

/** GMAIL_QUERY and an `after:` bound (epoch seconds, which Gmail reads exactly) as one search. */
export function toQuery(query: string | null, afterMs: number | null): string | null {
  const parts: string[] = [];
  if (query) parts.push(/\s/.test(query) ? `(${query})` : query);
  if (afterMs !== null) parts.push(`after:${Math.floor(afterMs / 1000)}`);
  return parts.length > 0 ? parts.join(" ") : null;
}

/** Whether a backfill reaches further back than what was pulled, so the past must be listed again. */
function reachesDeeper(cursor: GmailCursor, request: Pick<PullRequest<unknown>, "mode" | "since">): boolean {
  if (request.mode !== "backfill" || cursor.fromMs === null) return false;
  return request.since === null || request.since.getTime() < cursor.fromMs;
}

interface Scope {
  client: GmailClient;
  settings: GmailMailboxSettings;
  scope: string;
  notice: (n: GmailPullNotice) => void;
  signal: AbortSignal;
}

/** The messages of some ids, fetched in full, as records; ids Gmail no longer has and skipped messages left out. */
async function fetchMessageRecords(
  scope: Scope,
  ids: readonly string[],
  mailbox: string,
): Promise<RawRecord[]> {
  const { messages, missing } = await scope.client.fetchMessages(ids);
  for (const id of missing) {
    scope.notice({
      level: "debug",
      scope: scope.scope,
      messageId: id,
      reason: "a message deleted before it could be read: skipped",
    });
  }
  const records: RawRecord[] = [];
  for (const data of messages) {
    const record: RawRecord = { type: "message", data, context: { mailbox } };
    const id =
      typeof data === "object" && data !== null && !Array.isArray(data) && typeof data.id === "string"
        ? data.id
        : null;
    const inspection = inspectGmailRecord(record);
    if (inspection.skip !== null) {
      scope.notice({
        level: inspection.expected ? "debug" : "warn",
        scope: scope.scope,
        messageId: id,
        reason: inspection.skip,
      });
      continue;
    }
    for (const reason of inspection.notes)
      scope.notice({ level: "warn", scope: scope.scope, messageId: id, reason });
    records.push(record);
  }
  return records;
}

/** The earlier of two `after:` bounds, null meaning none. */
const earlier = (a: number | null, b: number | null) => (a === null || b === null ? null : Math.min(a, b));

const internalDateOf = (record: RawRecord): number | null => {
  const data = record.data;
  if (typeof data !== "object" || data === null || Array.isArray(data)) return null;
  const ms = Number(data.internalDate);
  return Number.isFinite(ms) ? ms : null;
};

const recordId = (record: RawRecord): string | null => {
  const data = record.data;
  return typeof data === "object" && data !== null && !Array.isArray(data) && typeof data.id === "string"
    ? data.id
    : null;
};

/** The ids among `ids` that GMAIL_QUERY selects, asked of messages.list from `afterMs`. */
async function filterByQuery(
  scope: Scope,
  ids: readonly string[],
  afterMs: number | null,
): Promise<string[]> {
  if (!scope.settings.query || ids.length === 0) return [...ids];
  const wanted = new Set(ids);
  const kept: string[] = [];
  let pageToken: string | null = null;
  do {
    const page: z.infer<typeof GmailListPageSchema> = parseOr(
      GmailListPageSchema,
      await scope.client.fetchMessageList({
        q: toQuery(scope.settings.query, afterMs),
        pageToken,
        maxResults: GMAIL_PAGE_SIZES.list,
      }),
      "a page of messages.list",
    );
    for (const m of page.messages ?? []) if (wanted.has(m.id)) kept.push(m.id);
    pageToken = page.nextPageToken ?? null;
  } while (pageToken && kept.length < wanted.size && !scope.signal.aborted);
  return kept;
}

type Pending = GmailCursor["pending"][number];

/**
 * The messages of one history page that GMAIL_QUERY selects, and those to ask about again. New mail is
 * searched for from a day before the last pass; relabelled mail can be of any age, so it is read first and
 * the search reaches back to its date. Gmail's search index lags behind the mailbox: a message it did not
 * list is asked about again on the passes of the next hour (`INDEX_LAG_MS`).
 */
async function readMatching(
  scope: Scope,
  changes: GmailHistoryChanges,
  pending: readonly Pending[],
  at: { sinceMs: number | null; nowMs: number; mailbox: string },
): Promise<{ records: RawRecord[]; pending: Pending[] }> {
  const leaving = new Set([...changes.binned, ...changes.deleted]);
  const named = new Set([...changes.added, ...changes.relabelled]);
  const waiting = pending.filter(
    (p) => at.nowMs - p.seenMs < INDEX_LAG_MS && !leaving.has(p.id) && !named.has(p.id),
  );
  const relabelled = await fetchMessageRecords(scope, changes.relabelled, at.mailbox);
  const reachOf = new Map<string, number | null>();
  for (const id of changes.added) reachOf.set(id, at.sinceMs);
  for (const record of relabelled) {
    const id = recordId(record);
    const date = internalDateOf(record);
    if (id) reachOf.set(id, date === null ? null : earlier(at.sinceMs, date - 1000));
  }
  for (const p of waiting) reachOf.set(p.id, p.afterMs);
  let afterMs = at.sinceMs;
  for (const reach of reachOf.values()) afterMs = earlier(afterMs, reach);
  const found = new Set(await filterByQuery(scope, [...reachOf.keys()], afterMs));
  const early = new Set(relabelled.map(recordId));
  const records = [
    ...relabelled.filter((r) => found.has(recordId(r) ?? "")),
    ...(await fetchMessageRecords(
      scope,
      [...found].filter((id) => !early.has(id)),
      at.mailbox,
    )),
  ];
  const seen = new Map(waiting.map((p) => [p.id, p.seenMs]));
  const left: Pending[] = [...reachOf]
    .filter(([id]) => !found.has(id))
    .map(([id, afterMs]) => ({ id, seenMs: seen.get(id) ?? at.nowMs, afterMs }));
  return { records, pending: left.slice(-MAX_PENDING) };
}

/** Whether an error is Gmail saying the history id is too old ("an HTTP 404 error response"). */
const isHistoryGone = (err: unknown) => err instanceof ConnectorError && err.kind === "not_found";

/**
 * Pages of one mailbox (scope: GMAIL_USER). A backfill and a sync run the same passes from the cursor; see
 * the module comment for which pass runs when.
 */
export async function* pullGmailMailbox(
  request: PullRequest<GmailMailboxSettings>,
  options: GmailPullOptions = {},
): AsyncGenerator<PulledPage> {
  const { settings, signal } = request;
  const client = createGmailClient({
    settings,
    signal,
    report: request.report,
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
  });
  const scope: Scope = {
    client,
    settings,
    scope: request.scope,
    notice: options.notice ?? defaultNotice,
    signal,
  };
  const stored = GmailCursorSchema.safeParse(request.cursors[MESSAGES_STREAM]);
  let cursor: GmailCursor = stored.success ? stored.data : emptyCursor();
  const nowMs = request.now.getTime();

  /** A new list pass: the profile gives the history id to continue from once the listing ends. */
  const startList = async (afterMs: number | null, fromMs: number | null): Promise<Pass> => {
    const profile = parseOr(GmailProfileSchema, await client.fetchProfile(), "the mailbox profile");
    cursor = { ...cursor, mailbox: cursor.mailbox ?? profile.emailAddress };
    if (afterMs === null && !settings.query && typeof profile.messagesTotal === "number") {
      request.report.estimate(profile.messagesTotal);
    }
    return {
      kind: "list",
      q: toQuery(settings.query, afterMs),
      pageToken: null,
      startHistoryId: profile.historyId,
      fromMs,
    };
  };

  let pass: Pass;
  if (cursor.pass) pass = cursor.pass;
  else if (cursor.historyId === null || reachesDeeper(cursor, request)) {
    const since = request.since ? request.since.getTime() : null;
    pass = await startList(since, since);
  } else pass = { kind: "history", startHistoryId: cursor.historyId, pageToken: null };
  if (cursor.mailbox === null) {
    const profile = parseOr(GmailProfileSchema, await client.fetchProfile(), "the mailbox profile");
    cursor = { ...cursor, mailbox: profile.emailAddress };
  }
  let fellBack = false;

  while (!signal.aborted) {
    const mailbox = cursor.mailbox ?? settings.user;
    if (pass.kind === "list") {
      const page = parseOr(
        GmailListPageSchema,
        await client.fetchMessageList({
          q: pass.q,
          pageToken: pass.pageToken,
          maxResults: GMAIL_PAGE_SIZES.list,
        }),
        "a page of messages.list",
      );
      if (
        pass.pageToken === null &&
        typeof page.resultSizeEstimate === "number" &&
        (settings.query || pass.q)
      ) {
        request.report.estimate(page.resultSizeEstimate);
      }
      const ids = [...new Set((page.messages ?? []).map((m) => m.id))];
      const records = await fetchMessageRecords(scope, ids, mailbox);
      const next = page.nextPageToken ?? null;
      if (next) pass = { ...pass, pageToken: next };
      else {
        // The listing is complete: the history since its start brings what arrived meanwhile.
        cursor = {
          ...cursor,
          historyId: pass.startHistoryId,
          fromMs: pass.fromMs,
        };
        pass = { kind: "history", startHistoryId: pass.startHistoryId, pageToken: null };
      }
      cursor = { ...cursor, pass };
      // messages.list answers newest first: every message since this page's oldest has been read.
      const oldest = next ? oldestInternalDate(records) : null;
      yield { stream: MESSAGES_STREAM, records, cursor, ...(oldest ? { readBackTo: oldest } : {}) };
      continue;
    }

    let answer: unknown;
    try {
      answer = await client.fetchHistory({
        startHistoryId: pass.startHistoryId,
        pageToken: pass.pageToken,
        maxResults: GMAIL_PAGE_SIZES.history,
      });
    } catch (err) {
      if (!isHistoryGone(err) || fellBack) throw err;
      fellBack = true;
      const afterMs = cursor.syncedMs === null ? cursor.fromMs : cursor.syncedMs - OVERLAP_MS;
      scope.notice({
        level: "warn",
        scope: request.scope,
        messageId: null,
        reason: `Gmail no longer has the history from id ${pass.startHistoryId} (404 from history.list): listing the messages ${afterMs === null ? "of the whole mailbox" : `since ${new Date(afterMs).toISOString()}`} again`,
      });
      pass = await startList(afterMs, cursor.fromMs);
      continue;
    }
    const page = parseOr(GmailHistoryPageSchema, answer, "a page of history.list");
    const changes = toHistoryChanges(page, { query: Boolean(settings.query) });
    const sinceMs = cursor.syncedMs === null ? cursor.fromMs : cursor.syncedMs - OVERLAP_MS;
    const { records, pending } = settings.query
      ? await readMatching(scope, changes, cursor.pending, { sinceMs, nowMs, mailbox })
      : {
          records: await fetchMessageRecords(scope, [...changes.added, ...changes.relabelled], mailbox),
          pending: [],
        };
    const yielded = new Set(records.map(recordId));
    const restored = changes.rescued.filter((id) => yielded.has(id));
    const deletions: Tombstone[] = [...changes.deleted, ...changes.binned].map((id) => ({
      type: "item",
      externalId: id,
      at: null,
    }));
    const next = page.nextPageToken ?? null;
    let done = false;
    if (next) {
      pass = { ...pass, pageToken: next };
      cursor = { ...cursor, pass, pending };
    } else {
      cursor = { ...cursor, pass: null, pending, historyId: page.historyId, syncedMs: nowMs };
      done = true;
    }
    yield {
      stream: MESSAGES_STREAM,
      records,
      ...(deletions.length > 0 ? { deletions } : {}),
      ...(restored.length > 0 ? { restored } : {}),
      cursor,
    };
    if (done) return;
  }
}

/** The oldest `internalDate` of a page's messages, ISO; null when none says. */
function oldestInternalDate(records: readonly RawRecord[]): string | null {
  let oldest = Number.POSITIVE_INFINITY;
  for (const record of records) {
    const at = Number((record.data as { internalDate?: unknown } | null)?.internalDate);
    if (Number.isFinite(at)) oldest = Math.min(oldest, at);
  }
  return Number.isFinite(oldest) ? new Date(oldest).toISOString() : null;
}
