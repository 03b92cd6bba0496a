/**
 * Pages of one Slack channel (I/O). One stream, `history`, whose cursor says how far the channel has been
 * read. The channel is read in passes over conversations.history, newest message first, following
 * `response_metadata.next_cursor`; the replies of each thread come from conversations.replies, oldest first.
 *
 * - A full pass (the first backfill, or one reaching further back than before) reads every message down to
 *   `since` (or the channel's beginning) and every thread's replies. It resumes where it stopped: below the
 *   last committed message, and inside the thread it was reading.
 * - A sync pass reads the history again from `SLACK_RESCAN_DAYS` (default 7) before the newest message
 *   read so far, up to now. Each message of that window is remembered by a fingerprint (edit time, reactions,
 *   reply count, latest reply), so a message is yielded again only when it is new or changed, and a thread's
 *   replies are read again only when its reply count or latest reply moved (then deleted replies are found
 *   too). A window message that is no longer listed was deleted: it gets a tombstone.
 *
 * Limits of polling, covered by the Events API webhook: an edit, a reaction or a deletion of a message older
 * than the window, and a reply in a thread whose parent is older than the window, are not seen by a sync pass
 * (Slack lists no changes nor deletions); a thread reply "also sent to the channel" is, and it brings its
 * whole thread again.
 *
 * The page size is whatever the API gives: `limit` asks for the most each method documents (999 messages of
 * history, 1,000 of replies), and apps Slack limits to 15 a page and one request a minute read correctly at
 * that pace; the SDK waits out each 429's Retry-After and `report.waiting` says until when. `report.estimate`
 * extrapolates the items of the pass from how much of the channel's time span has been read.
 */
import { z } from "zod";
import { log as processLog } from "../../src/log.ts";
import type { JsonValue, Page, PullRequest, RawRecord, Tombstone } from "../types.ts";
import { ConnectorError } from "../types.ts";
import { createSlackClient, type SlackClient, type SlackLog, type SlackRetryPolicy } from "./client.ts";
import type { SlackSettings } from "./config.ts";
import { openDirectory, type SlackDirectory } from "./directory.ts";
import { type MessageVerdict, toMessageId, toMessageMentions, toMessageVerdict } from "./map.ts";
import {
  parseAnswer,
  SlackConversationInfoSchema,
  type SlackMessage,
  SlackMessageSchema,
  SlackMessagesPageSchema,
  SlackTsSchema,
} from "./schemas.ts";
import { toUnreadBlockTypes } from "./text.ts";

export const HISTORY_STREAM = "history";

/**
 * The most each method gives a page: conversations.history "a limit value under 1000" (999),
 * conversations.replies 1,000 (its default). Apps Slack limits get 15 whatever they ask.
 * https://docs.slack.dev/reference/methods/conversations.history · …/conversations.replies
 */
export const SLACK_PAGE_SIZES = { history: 999, replies: 1000 } as const;

/** Commit what was read when this many records wait, or this long after the last commit. */
const FLUSH_RECORDS = 500;
const FLUSH_MS = 5_000;

const PendingThreadSchema = z.object({
  /** The parent's ts. */
  ts: SlackTsSchema,
  /** Replies committed up to this ts; the thread resumes after it. */
  after: SlackTsSchema.nullable(),
  /**
   * The replies known before this read (a sync pass re-reading a thread), ts → fingerprint: those unchanged
   * are not yielded again, those missing were deleted. Null when nothing is known.
   */
  known: z.record(z.string(), z.string()).nullable(),
  /** The replies read so far, ts → fingerprint. */
  fetched: z.record(z.string(), z.string()),
});
type PendingThread = z.infer<typeof PendingThreadSchema>;

const PassSchema = z.object({
  kind: z.enum(["full", "sync"]),
  /** Upper bound (exclusive) of the pass; null: up to now. */
  latest: SlackTsSchema.nullable(),
  /** Lower bound (exclusive); null: the channel's first message. */
  oldest: SlackTsSchema.nullable(),
  /** The newest message the pass has listed. */
  top: SlackTsSchema.nullable(),
  /** History committed down to here; the next page is older. */
  below: SlackTsSchema.nullable(),
  historyDone: z.boolean(),
  /** Threads still to read, in order. */
  pending: z.array(PendingThreadSchema),
  /** Sync: the messages of the remembered window listed again (the others were deleted). */
  seen: z.array(SlackTsSchema),
  /** Items the pass has yielded, for the estimate. */
  items: z.number().int().nonnegative(),
});
type Pass = z.infer<typeof PassSchema>;

export const SlackCursorSchema = z.object({
  v: z.literal(1),
  channelName: z.string().nullable(),
  /** When the channel was created (epoch seconds), for the estimate. */
  created: z.number().nullable(),
  workspaceUrl: z.string().nullable(),
  /** A full pass finished: later passes are sync passes. */
  complete: z.boolean(),
  /** How far back the history has been read: null for all of it, else the `since` of a partial backfill. */
  floor: SlackTsSchema.nullable(),
  /** The newest message read. */
  newest: SlackTsSchema.nullable(),
  /** The messages of the rescan window: ts → fingerprint. */
  recent: z.record(z.string(), z.string()),
  /** The replies of the threads whose parent is in the rescan window: parent ts → reply ts → fingerprint. */
  threads: z.record(z.string(), z.record(z.string(), z.string())),
  /** The pass in progress, if any. */
  pass: PassSchema.nullable(),
});
export type SlackCursor = z.infer<typeof SlackCursorSchema>;

export interface SlackPullOptions {
  retry?: Partial<SlackRetryPolicy>;
  /** Where skipped messages and the SDK's diagnostics are logged (default: the process log). */
  log?: SlackLog;
  /** Commit once this many records wait (default 500); tests make pages small to resume from each. */
  flushRecords?: number;
}

// ---------------------------------------------------------------------------------------------------------
// Timestamps
// ---------------------------------------------------------------------------------------------------------

/** Slack ts as microseconds, for comparing and moving them (a ts has six decimals). */
export function tsToMicros(ts: string): bigint {
  const [seconds = "0", fraction = ""] = ts.split(".");
  return BigInt(seconds) * 1_000_000n + BigInt(fraction.padEnd(6, "0").slice(0, 6));
}

export function microsToTs(micros: bigint): string {
  const m = micros < 0n ? 0n : micros;
  return `${m / 1_000_000n}.${String(m % 1_000_000n).padStart(6, "0")}`;
}

const compareTs = (a: string, b: string) => {
  const d = tsToMicros(a) - tsToMicros(b);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
};
const toTsOfDate = (date: Date) => microsToTs(BigInt(date.getTime()) * 1000n);
const secondsOf = (ts: string) => Number(tsToMicros(ts) / 1000n) / 1000;

/** What changes about a message that a pass must notice: edit, subtype, thread, reactions. */
export function toFingerprint(m: SlackMessage): string {
  const reactions = (m.reactions ?? []).map((r) => `${r.name}:${r.count ?? r.users?.length ?? 0}`).join(",");
  return [m.edited?.ts ?? "", m.subtype ?? "", m.reply_count ?? 0, m.latest_reply ?? "", reactions].join("|");
}

/** The thread part of a fingerprint (reply count and latest reply). */
const threadPart = (fingerprint: string | undefined) => fingerprint?.split("|").slice(2, 4).join("|") ?? "";

function initialCursor(): SlackCursor {
  return {
    v: 1,
    channelName: null,
    created: null,
    workspaceUrl: null,
    complete: false,
    floor: null,
    newest: null,
    recent: {},
    threads: {},
    pass: null,
  };
}

/** The pass this pull continues or starts. */
function toPass(cursor: SlackCursor, request: PullRequest<SlackSettings>): Pass | null {
  if (cursor.pass) return cursor.pass;
  const since = request.since ? toTsOfDate(request.since) : null;
  const blank = { top: null, below: null, historyDone: false, pending: [], seen: [], items: 0 };
  if (!cursor.complete) return { kind: "full", latest: null, oldest: since, ...blank };
  // A backfill reaching further back than the history read so far reads the older part.
  if (
    request.mode === "backfill" &&
    cursor.floor !== null &&
    (since === null || compareTs(since, cursor.floor) < 0)
  ) {
    return { kind: "full", latest: cursor.floor, oldest: since, ...blank };
  }
  const windowMicros = BigInt(request.settings.rescanDays) * 86_400n * 1_000_000n;
  const oldest = cursor.newest ? microsToTs(tsToMicros(cursor.newest) - windowMicros) : cursor.floor;
  return { kind: "sync", latest: null, oldest, ...blank };
}

interface Buffered {
  raw: JsonValue;
  message: SlackMessage;
}

/**
 * Pages of one channel. See the module comment for the passes; a pull ends when its pass is done, so a
 * backfill after which nothing changed costs one history request a channel (more when the rescan window
 * holds more than a page).
 */
export async function* pullSlackChannel(
  request: PullRequest<SlackSettings>,
  options: SlackPullOptions = {},
): AsyncGenerator<Page> {
  const { settings, signal, report } = request;
  const channel = request.scope;
  const log = options.log ?? processLog.child({ source: "slack" });
  const client: SlackClient = createSlackClient({
    settings,
    signal,
    report,
    ...(options.retry ? { retry: options.retry } : {}),
    log,
  });
  const directory: SlackDirectory = openDirectory(settings, signal, client, log);
  const stored = SlackCursorSchema.safeParse(request.cursors[HISTORY_STREAM]);
  if (!stored.success && request.cursors[HISTORY_STREAM] !== undefined) {
    log.warn(
      { channel },
      "the stored cursor is not one this version reads: the channel is read again in full",
    );
  }
  const cursor: SlackCursor = stored.success ? structuredClone(stored.data) : initialCursor();
  const started = toPass(cursor, request);
  if (!started) return;
  const pass: Pass = started;
  cursor.pass = pass;
  const windowMicros = BigInt(settings.rescanDays) * 86_400n * 1_000_000n;
  const previousNewest = cursor.newest;
  const pendingSet = new Set(pass.pending.map((t) => t.ts));

  if (pass.kind === "full" && cursor.channelName === null) {
    // https://docs.slack.dev/reference/methods/conversations.info: the name for `#channel` and the age for
    // the estimate; without channels:read (groups:read) the history is read all the same.
    try {
      const answer = await client.fetchChannel(channel);
      const info = parseAnswer(SlackConversationInfoSchema, answer, "conversations.info");
      cursor.channelName = info.channel.name ?? null;
      cursor.created = info.channel.created ?? null;
    } catch (err) {
      if (!(err instanceof ConnectorError) || err.kind !== "forbidden") throw err;
      log.warn({ channel, reason: err.message }, "channel name not read");
    }
  }

  let buffer: Buffered[] = [];
  const buffered = new Set<string>();
  let deletions: Tombstone[] = [];
  const emittedUsers = new Set<string>();
  let itemsThisPull = 0;
  let lastFlush = Date.now();
  const flushRecords = options.flushRecords ?? FLUSH_RECORDS;

  /** Whether a message ts falls in the rescan window of this pass. */
  const inWindow = (ts: string) => {
    // A pass up to now measures from its newest message; one reading older history, from the newest read.
    const top = pass.latest === null ? (pass.top ?? cursor.newest) : cursor.newest;
    return top !== null && tsToMicros(ts) >= tsToMicros(top) - windowMicros;
  };

  const skip = (verdict: Extract<MessageVerdict, { keep: false }>, raw: unknown) => {
    const ts = verdict.message?.ts ?? SlackMessageSchema.pick({ ts: true }).safeParse(raw).data?.ts ?? null;
    const entry = { channel, ts, reason: verdict.reason };
    if (verdict.expected) log.debug(entry, "message skipped");
    else log.warn(entry, "message skipped");
  };

  const keep = (raw: JsonValue, message: SlackMessage) => {
    const unread = toUnreadBlockTypes(message.blocks ?? []);
    if (unread.length > 0) {
      log.warn(
        { channel, ts: message.ts, blockTypes: unread },
        "blocks of these types were not read; the message's text was kept",
      );
    }
    // A reply sent to the channel too is listed by the history and by its thread: keep the later copy.
    if (buffered.has(message.ts))
      buffer.splice(
        buffer.findIndex((b) => b.message.ts === message.ts),
        1,
      );
    buffered.add(message.ts);
    buffer.push({ raw, message });
  };

  const tombstone = (ts: string, at: Date | null = null) => {
    deletions.push({ type: "item", externalId: toMessageId(channel, ts), at });
  };

  const addPending = (ts: string, known: Record<string, string> | null) => {
    if (pendingSet.has(ts)) return;
    pendingSet.add(ts);
    pass.pending.push({ ts, after: null, known, fetched: {} });
  };

  /** The buffered messages as records, with the people they name. */
  async function toRecords(): Promise<RawRecord[]> {
    if (buffer.length === 0) return [];
    const workspaceUrl = cursor.workspaceUrl ?? (await directory.workspaceUrl());
    cursor.workspaceUrl = workspaceUrl;
    const records: RawRecord[] = [];
    const ids = new Set<string>();
    for (const { message } of buffer) {
      if (message.user) ids.add(message.user);
      for (const id of toMessageMentions(message)) ids.add(id);
    }
    for (const id of ids) {
      if (emittedUsers.has(id)) continue;
      emittedUsers.add(id);
      const user = await directory.user(id);
      if (user !== null) records.push({ type: "user", data: user });
    }
    for (const { raw, message } of buffer) {
      const context: Record<string, string> = { channel, workspaceUrl };
      if (cursor.channelName) context.channelName = cursor.channelName;
      for (const id of toMessageMentions(message)) {
        const name = await directory.mentionName(id);
        if (name) context[`user:${id}`] = name;
      }
      records.push({ type: "message", data: raw, context });
    }
    return records;
  }

  async function flush(): Promise<Page> {
    const records = await toRecords();
    const items = buffer.length;
    pass.items += items;
    itemsThisPull += items;
    const page: Page = { stream: HISTORY_STREAM, records, cursor: toJsonCursor(cursor) };
    if (deletions.length > 0) page.deletions = deletions;
    buffer = [];
    buffered.clear();
    deletions = [];
    lastFlush = Date.now();
    return page;
  }

  /** About how many items this pull yields: those so far plus the rest of the span, at the density read so far. */
  function reportEstimate() {
    const top = pass.top ?? pass.latest;
    const below = pass.below;
    if (pass.historyDone) {
      // Exact once the last thread is read; until then the last extrapolation stands.
      if (pass.pending.length === 0) report.estimate(itemsThisPull + buffer.length);
      return;
    }
    if (!top || !below) return;
    const floor = Math.max(pass.oldest ? secondsOf(pass.oldest) : 0, cursor.created ?? 0);
    const span = secondsOf(top) - floor;
    const read = secondsOf(top) - secondsOf(below);
    if (span <= 0 || read <= 0) return;
    const total = pass.items + buffer.length;
    const expected = Math.round((total * span) / read);
    report.estimate(itemsThisPull + buffer.length + Math.max(0, expected - total));
  }

  let historyCursor: string | undefined;
  let threadCursor: string | undefined;
  const historyLatest = pass.below ?? pass.latest ?? undefined;

  async function readHistoryPage() {
    // https://docs.slack.dev/reference/methods/conversations.history
    const answer = await client.fetchHistory({
      channel,
      limit: SLACK_PAGE_SIZES.history,
      cursor: historyCursor,
      oldest: pass.oldest ?? undefined,
      latest: historyLatest,
    });
    const page = parseAnswer(SlackMessagesPageSchema, answer, `a conversations.history page of ${channel}`);
    for (const raw of page.messages) {
      const verdict = toMessageVerdict(raw);
      const m = verdict.message;
      if (m === null) {
        if (!verdict.keep) skip(verdict, raw);
        continue;
      }
      pass.top ??= m.ts;
      pass.below = m.ts;
      const fingerprint = toFingerprint(m);
      const before = cursor.recent[m.ts];
      if (pass.kind === "sync" && previousNewest !== null && compareTs(m.ts, previousNewest) <= 0)
        pass.seen.push(m.ts);
      if (inWindow(m.ts)) cursor.recent[m.ts] = fingerprint;
      const changed = pass.kind === "full" || before !== fingerprint;
      if (changed) {
        if (m.subtype === "tombstone") tombstone(m.ts);
        else if (verdict.keep) keep(raw, m);
        else skip(verdict, raw);
      }
      const replies = m.reply_count ?? 0;
      const isReply = m.thread_ts !== undefined && m.thread_ts !== m.ts;
      if (pass.kind === "full") {
        if (replies > 0 && !isReply) addPending(m.ts, null);
      } else {
        const known = cursor.threads[m.ts];
        const hadReplies = known !== undefined && Object.keys(known).length > 0;
        if (!isReply && threadPart(before) !== threadPart(fingerprint) && (replies > 0 || hadReplies)) {
          addPending(m.ts, known ?? (before === undefined ? null : {}));
        }
        // A reply also sent to the channel: its thread moved, whatever the age of its parent.
        if (isReply && before === undefined && m.thread_ts)
          addPending(m.thread_ts, cursor.threads[m.thread_ts] ?? null);
      }
    }
    historyCursor = page.response_metadata?.next_cursor || undefined;
    // An empty page with a cursor is possible ("fewer than the requested number of items may be returned"):
    // only the cursor says the end.
    if (!historyCursor) pass.historyDone = true;
  }

  async function readThreadPage(thread: PendingThread) {
    // https://docs.slack.dev/reference/methods/conversations.replies
    let answer: unknown;
    try {
      answer = await client.fetchReplies({
        channel,
        ts: thread.ts,
        limit: SLACK_PAGE_SIZES.replies,
        cursor: threadCursor,
        oldest: thread.after ?? undefined,
      });
    } catch (err) {
      // The parent was deleted since it was listed: its replies went with it.
      if (err instanceof ConnectorError && err.kind === "invalid" && /thread_not_found/.test(err.message)) {
        log.debug({ channel, ts: thread.ts }, "thread gone before its replies were read");
        for (const ts of Object.keys(thread.known ?? {})) tombstone(ts);
        finishThread(thread, true);
        return;
      }
      throw err;
    }
    const page = parseAnswer(
      SlackMessagesPageSchema,
      answer,
      `a conversations.replies page of ${channel}/${thread.ts}`,
    );
    for (const raw of page.messages) {
      const verdict = toMessageVerdict(raw);
      const m = verdict.message;
      if (m === null) {
        if (!verdict.keep) skip(verdict, raw);
        continue;
      }
      // The parent comes first on the first page; it was read with the history.
      if (m.ts === thread.ts) continue;
      const fingerprint = toFingerprint(m);
      thread.fetched[m.ts] = fingerprint;
      thread.after = m.ts;
      if (thread.known?.[m.ts] === fingerprint) continue;
      if (m.subtype === "tombstone") tombstone(m.ts);
      else if (verdict.keep) keep(raw, m);
      else skip(verdict, raw);
    }
    threadCursor = page.response_metadata?.next_cursor || undefined;
    if (!threadCursor) finishThread(thread, false);
  }

  function finishThread(thread: PendingThread, gone: boolean) {
    if (!gone && thread.known) {
      for (const ts of Object.keys(thread.known)) if (!(ts in thread.fetched)) tombstone(ts);
    }
    if (!gone && inWindow(thread.ts)) cursor.threads[thread.ts] = { ...thread.fetched };
    else delete cursor.threads[thread.ts];
    pass.pending.shift();
    pendingSet.delete(thread.ts);
    threadCursor = undefined;
  }

  function finishPass() {
    if (pass.kind === "sync" && previousNewest !== null) {
      const seen = new Set(pass.seen);
      for (const ts of Object.keys(cursor.recent)) {
        const inRange =
          (pass.oldest === null || compareTs(ts, pass.oldest) > 0) && compareTs(ts, previousNewest) <= 0;
        if (inRange && !seen.has(ts)) {
          tombstone(ts);
          for (const reply of Object.keys(cursor.threads[ts] ?? {})) tombstone(reply);
          delete cursor.recent[ts];
          delete cursor.threads[ts];
        }
      }
    }
    if (pass.latest === null && pass.top !== null) {
      cursor.newest = cursor.newest && compareTs(cursor.newest, pass.top) > 0 ? cursor.newest : pass.top;
    }
    if (pass.kind === "full") {
      cursor.complete = true;
      cursor.floor = pass.oldest;
    }
    if (cursor.newest) {
      const cutoff = tsToMicros(cursor.newest) - windowMicros;
      for (const ts of Object.keys(cursor.recent)) if (tsToMicros(ts) < cutoff) delete cursor.recent[ts];
      for (const ts of Object.keys(cursor.threads)) if (tsToMicros(ts) < cutoff) delete cursor.threads[ts];
    }
    cursor.pass = null;
  }

  for (;;) {
    if (signal.aborted) return;
    const thread = pass.pending[0];
    if (thread) {
      await readThreadPage(thread);
    } else if (!pass.historyDone) {
      await readHistoryPage();
      reportEstimate();
    } else {
      finishPass();
      reportEstimate();
      if (signal.aborted) return;
      yield await flush();
      return;
    }
    if (signal.aborted) return;
    if (buffer.length + deletions.length >= flushRecords || Date.now() - lastFlush >= FLUSH_MS) {
      yield await flush();
    }
  }
}

/** The cursor as the JSON the engine stores. */
function toJsonCursor(cursor: SlackCursor): JsonValue {
  return parseAnswer(z.json(), JSON.parse(JSON.stringify(cursor)), "the cursor");
}
