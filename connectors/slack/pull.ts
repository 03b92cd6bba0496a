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
 * An app Slack limits to one request a minute (apps outside the Marketplace, limited-app.ts) is known by its
 * 15-message pages; its cursor remembers it, its passes rescan one day, and the log says at start that the
 * Events API is what brings edits and late replies.
 *
 * The page size is whatever the API gives: `limit` asks for the most each method documents (999 messages of
 * history, 1,000 of replies), and apps Slack limits to 15 a page and one request a minute read correctly at
 * that pace; the SDK waits out each 429's Retry-After and `report.waiting` says until when. `report.estimate`
 * extrapolates the items of the pass from how much of the channel's time span has been read.
 */
import { log as processLog } from "../../src/log.ts";
import type { PulledPage, PullRequest } from "../types.ts";
import { ConnectorError } from "../types.ts";
import { pullHistoryPage, pullThreadPage } from "./channel-pages.ts";
import { finishPass, openChannelRead, pullBufferedPage, reportEstimate } from "./channel-read.ts";
import { createSlackClient, type SlackClient, type SlackLog, type SlackRetryPolicy } from "./client.ts";
import type { SlackSettings } from "./config.ts";
import { HISTORY_STREAM, initialCursor, type SlackCursor, SlackCursorSchema, toPass } from "./cursor.ts";
import { openDirectory } from "./directory.ts";
import { toRescanDays, warnLimitedApp } from "./limited-app.ts";
import { parseAnswer, SlackConversationInfoSchema } from "./schemas.ts";

// Where the connector's tests and the request benchmark have always found them.
export { SLACK_PAGE_SIZES } from "./channel-pages.ts";
export { HISTORY_STREAM } from "./cursor.ts";

/** Commit what was read when this many records wait, or this long after the last commit. */
const FLUSH_RECORDS = 500;
const FLUSH_MS = 5_000;

export interface SlackPullOptions {
  retry?: Partial<SlackRetryPolicy>;
  /** Where skipped messages and the SDK's diagnostics are logged (default: the process log). */
  log?: SlackLog;
  /** Commit once this many records wait (default 500); tests make pages small to resume from each. */
  flushRecords?: number;
}

/**
 * Pages of one channel. See the module comment for the passes; a pull ends when its pass is done, so a
 * backfill after which nothing changed costs one history request a channel (more when the rescan window
 * holds more than a page).
 */
export async function* pullSlackChannel(
  request: PullRequest<SlackSettings>,
  options: SlackPullOptions = {},
): AsyncGenerator<PulledPage> {
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
  const directory = openDirectory(settings, signal, client, log, request.now);
  const cursor = toStoredCursor(request, log);
  if (cursor.limited) warnLimitedApp(settings, log);
  const pass = toPass(cursor, request);
  if (!pass) return;
  cursor.pass = pass;
  const info =
    pass.kind === "full" && cursor.channelName === null
      ? await pullChannelInfo(client, channel, cursor, log)
      : undefined;
  const read = openChannelRead(
    { channel, settings, client, directory, log, report, cursor, pass },
    toRescanDays(settings, cursor.limited),
  );
  if (info !== undefined) read.infoPrivate = { isPrivate: info };
  const flushRecords = options.flushRecords ?? FLUSH_RECORDS;

  for (;;) {
    if (signal.aborted) return;
    const thread = pass.pending[0];
    if (thread) {
      await pullThreadPage(read, thread);
    } else if (!pass.historyDone) {
      await pullHistoryPage(read);
      reportEstimate(read);
    } else {
      finishPass(read);
      reportEstimate(read);
      if (signal.aborted) return;
      yield await pullBufferedPage(read);
      return;
    }
    if (signal.aborted) return;
    if (
      read.buffer.length + read.deletions.length >= flushRecords ||
      Date.now() - read.lastFlush >= FLUSH_MS
    ) {
      yield await pullBufferedPage(read);
    }
  }
}

/** The stored cursor (a copy to move), or a new one when there is none or it is not one this version reads. */
function toStoredCursor(request: PullRequest<SlackSettings>, log: SlackLog): SlackCursor {
  const stored = SlackCursorSchema.safeParse(request.cursors[HISTORY_STREAM]);
  if (!stored.success && request.cursors[HISTORY_STREAM] !== undefined) {
    log.warn(
      { channel: request.scope },
      "the stored cursor is not one this version reads: the channel is read again in full",
    );
  }
  return stored.success ? structuredClone(stored.data) : initialCursor();
}

/**
 * The channel's name (for `#channel`) and age (for the estimate) into the cursor; answers whether it is
 * private (null when it could not be read), for its audience.
 * https://docs.slack.dev/reference/methods/conversations.info: without channels:read (groups:read) the
 * history is read all the same.
 */
async function pullChannelInfo(
  client: SlackClient,
  channel: string,
  cursor: SlackCursor,
  log: SlackLog,
): Promise<boolean | null> {
  try {
    const answer = await client.fetchChannel(channel);
    const info = parseAnswer(SlackConversationInfoSchema, answer, "conversations.info");
    cursor.channelName = info.channel.name ?? null;
    cursor.created = info.channel.created ?? null;
    return info.channel.is_private === true;
  } catch (err) {
    if (!(err instanceof ConnectorError) || err.kind !== "forbidden") throw err;
    log.warn({ channel, reason: err.message }, "channel name not read");
    return null;
  }
}
