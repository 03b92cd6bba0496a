/**
 * The two requests of a channel's pull: a page of its history, and a page of one thread's replies. Each reads
 * its messages into the pull's state (channel-read.ts): what to yield, what was deleted, which threads to
 * read next.
 */
import { ConnectorError } from "../types.ts";
import {
  addPendingThread,
  addTombstone,
  type ChannelRead,
  isInWindow,
  keepMessage,
  skipMessage,
} from "./channel-read.ts";
import { type PendingThread, threadPart, toFingerprint } from "./cursor.ts";
import { isLimitedPage, warnLimitedApp } from "./limited-app.ts";
import { toMessageVerdict } from "./map.ts";
import { parseAnswer, SlackMessagesPageSchema } from "./schemas.ts";
import { compareTs } from "./timestamps.ts";

/**
 * The most each method gives a page: conversations.history "a limit value under 1000" (999),
 * conversations.replies 1,000 (its default). Apps Slack limits get 15 whatever they ask.
 * https://docs.slack.dev/reference/methods/conversations.history · …/conversations.replies
 */
export const SLACK_PAGE_SIZES = { history: 999, replies: 1000 } as const;

/**
 * Reads the next page of the history, newest first: new or changed messages are kept, the threads to read
 * are queued, and the window's fingerprints updated.
 */
export async function pullHistoryPage(read: ChannelRead): Promise<void> {
  const { pass, cursor, channel, previousNewest } = read;
  // https://docs.slack.dev/reference/methods/conversations.history
  const answer = await read.client.fetchHistory({
    channel,
    limit: SLACK_PAGE_SIZES.history,
    cursor: read.historyCursor,
    oldest: pass.oldest ?? undefined,
    latest: read.historyLatest,
  });
  const page = parseAnswer(SlackMessagesPageSchema, answer, `a conversations.history page of ${channel}`);
  noteLimitedPage(read, page.messages.length, SLACK_PAGE_SIZES.history, page);
  for (const raw of page.messages) {
    const verdict = toMessageVerdict(raw);
    const m = verdict.message;
    if (m === null) {
      if (!verdict.keep) skipMessage(read, verdict, raw);
      continue;
    }
    pass.top ??= m.ts;
    pass.below = m.ts;
    const fingerprint = toFingerprint(m);
    const before = cursor.recent[m.ts];
    if (pass.kind === "sync" && previousNewest !== null && compareTs(m.ts, previousNewest) <= 0)
      pass.seen.push(m.ts);
    if (isInWindow(read, m.ts)) cursor.recent[m.ts] = fingerprint;
    const changed = pass.kind === "full" || before !== fingerprint;
    if (changed) {
      if (m.subtype === "tombstone") addTombstone(read, m.ts);
      else if (verdict.keep) keepMessage(read, raw, m);
      else skipMessage(read, verdict, raw);
    }
    const replies = m.reply_count ?? 0;
    const isReply = m.thread_ts !== undefined && m.thread_ts !== m.ts;
    if (pass.kind === "full") {
      if (replies > 0 && !isReply) addPendingThread(read, m.ts, null);
    } else {
      const known = cursor.threads[m.ts];
      const hadReplies = known !== undefined && Object.keys(known).length > 0;
      if (!isReply && threadPart(before) !== threadPart(fingerprint) && (replies > 0 || hadReplies)) {
        addPendingThread(read, m.ts, known ?? (before === undefined ? null : {}));
      }
      // A reply also sent to the channel: its thread moved, whatever the age of its parent.
      if (isReply && before === undefined && m.thread_ts)
        addPendingThread(read, m.thread_ts, cursor.threads[m.thread_ts] ?? null);
    }
  }
  read.historyCursor = page.response_metadata?.next_cursor || undefined;
  // An empty page with a cursor is possible ("fewer than the requested number of items may be returned"):
  // only the cursor says the end.
  if (!read.historyCursor) pass.historyDone = true;
}

/**
 * Reads the next page of a thread's replies, oldest first: new or changed replies are kept; at the thread's
 * end, the replies known before and not listed now are tombstoned.
 */
export async function pullThreadPage(read: ChannelRead, thread: PendingThread): Promise<void> {
  const { channel } = read;
  // https://docs.slack.dev/reference/methods/conversations.replies
  let answer: unknown;
  try {
    answer = await read.client.fetchReplies({
      channel,
      ts: thread.ts,
      limit: SLACK_PAGE_SIZES.replies,
      cursor: read.threadCursor,
      oldest: thread.after ?? undefined,
    });
  } catch (err) {
    // The parent was deleted since it was listed: its replies went with it.
    if (err instanceof ConnectorError && err.kind === "invalid" && /thread_not_found/.test(err.message)) {
      read.log.debug({ channel, ts: thread.ts }, "thread gone before its replies were read");
      for (const ts of Object.keys(thread.known ?? {})) addTombstone(read, ts);
      finishThread(read, thread, true);
      return;
    }
    throw err;
  }
  const page = parseAnswer(
    SlackMessagesPageSchema,
    answer,
    `a conversations.replies page of ${channel}/${thread.ts}`,
  );
  noteLimitedPage(read, page.messages.length, SLACK_PAGE_SIZES.replies, page);
  for (const raw of page.messages) {
    const verdict = toMessageVerdict(raw);
    const m = verdict.message;
    if (m === null) {
      if (!verdict.keep) skipMessage(read, verdict, raw);
      continue;
    }
    // The parent comes first on the first page; it was read with the history.
    if (m.ts === thread.ts) continue;
    const fingerprint = toFingerprint(m);
    thread.fetched[m.ts] = fingerprint;
    thread.after = m.ts;
    if (thread.known?.[m.ts] === fingerprint) continue;
    if (m.subtype === "tombstone") addTombstone(read, m.ts);
    else if (verdict.keep) keepMessage(read, raw, m);
    else skipMessage(read, verdict, raw);
  }
  read.threadCursor = page.response_metadata?.next_cursor || undefined;
  if (!read.threadCursor) finishThread(read, thread, false);
}

/** A limited app's page: remembered in the cursor (the next passes rescan less) and said once. */
function noteLimitedPage(
  read: ChannelRead,
  messages: number,
  asked: number,
  page: { response_metadata?: { next_cursor?: string | null | undefined } | null | undefined },
): void {
  if (read.cursor.limited || !isLimitedPage(messages, asked, Boolean(page.response_metadata?.next_cursor)))
    return;
  read.cursor.limited = true;
  warnLimitedApp(read.settings, read.log);
}

/** Takes the thread off the queue, remembering its replies while its parent is in the window. */
function finishThread(read: ChannelRead, thread: PendingThread, gone: boolean): void {
  const { cursor, pass } = read;
  if (!gone && thread.known) {
    for (const ts of Object.keys(thread.known)) if (!(ts in thread.fetched)) addTombstone(read, ts);
  }
  if (!gone && isInWindow(read, thread.ts)) cursor.threads[thread.ts] = { ...thread.fetched };
  else delete cursor.threads[thread.ts];
  pass.pending.shift();
  read.pendingSet.delete(thread.ts);
  read.threadCursor = undefined;
}
