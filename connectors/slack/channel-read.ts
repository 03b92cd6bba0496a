/**
 * One pull of a Slack channel, as state that its steps share: the cursor and its pass, the messages and
 * tombstones waiting to be yielded, and where the history and the current thread stand. The steps are here
 * (keep, skip, tombstone, queue a thread, end the pass, make a page, estimate); the requests are in
 * channel-pages.ts and the order of it all in pull.ts.
 */
import type { JsonValue, PulledPage, PullReporter, RawRecord, Tombstone } from "../types.ts";
import { type ChannelAudience, fetchChannelAudience, toAudienceContext } from "./channel-audience.ts";
import type { SlackClient, SlackLog } from "./client.ts";
import type { SlackSettings } from "./config.ts";
import { HISTORY_STREAM, type Pass, type SlackCursor, toJsonCursor } from "./cursor.ts";
import type { SlackDirectory } from "./directory.ts";
import { type MessageVerdict, type SlackHome, toHomeContext, toMessageId, toMessageMentions } from "./map.ts";
import { type SlackMessage, SlackMessageSchema } from "./schemas.ts";
import { toUnreadBlockTypes } from "./text.ts";
import { compareTs, secondsOf, tsToMicros } from "./timestamps.ts";

interface Buffered {
  raw: JsonValue;
  message: SlackMessage;
}

/** The state of one pull of one channel. */
export interface ChannelRead {
  channel: string;
  settings: SlackSettings;
  client: SlackClient;
  directory: SlackDirectory;
  log: SlackLog;
  report: PullReporter;
  /** The cursor as it will be committed with the next page (its `pass` is `pass`). */
  cursor: SlackCursor;
  pass: Pass;
  /** The rescan window, `SLACK_RESCAN_DAYS` in microseconds. */
  windowMicros: bigint;
  /** The newest message read before this pull. */
  previousNewest: string | null;
  /** The parents of the threads in `pass.pending`. */
  pendingSet: Set<string>;
  /** Messages to yield with the next page, in order, and their ts. */
  buffer: Buffered[];
  buffered: Set<string>;
  deletions: Tombstone[];
  /** People whose record this pull has yielded. */
  emittedUsers: Set<string>;
  itemsThisPull: number;
  lastFlush: number;
  /** The next page of the history, and of the thread being read (undefined: the first). */
  historyCursor: string | undefined;
  threadCursor: string | undefined;
  /** The upper bound the history pages of this pull ask for. */
  historyLatest: string | undefined;
  /** Who may read the channel, read once a pull before its first page of messages (null: not yet). */
  audience: ChannelAudience | null;
  /** Whether this pull's conversations.info found the channel private (null: unreadable; absent: not asked). */
  infoPrivate?: { isPrivate: boolean | null };
}

/** The state of a pull that continues or starts `pass` of `cursor`. */
export function openChannelRead(
  parts: Pick<
    ChannelRead,
    "channel" | "settings" | "client" | "directory" | "log" | "report" | "cursor" | "pass"
  >,
  rescanDays: number,
): ChannelRead {
  return {
    ...parts,
    windowMicros: BigInt(rescanDays) * 86_400n * 1_000_000n,
    previousNewest: parts.cursor.newest,
    pendingSet: new Set(parts.pass.pending.map((t) => t.ts)),
    buffer: [],
    buffered: new Set(),
    deletions: [],
    emittedUsers: new Set(),
    itemsThisPull: 0,
    lastFlush: Date.now(),
    historyCursor: undefined,
    threadCursor: undefined,
    historyLatest: parts.pass.below ?? parts.pass.latest ?? undefined,
    audience: null,
  };
}

/** Whether a message ts falls in the rescan window of this pass. */
export function isInWindow(read: ChannelRead, ts: string): boolean {
  const { pass, cursor } = read;
  // A pass up to now measures from its newest message; one reading older history, from the newest read.
  const top = pass.latest === null ? (pass.top ?? cursor.newest) : cursor.newest;
  return top !== null && tsToMicros(ts) >= tsToMicros(top) - read.windowMicros;
}

/** Logs a message that is not kept: at debug level when the verdict expected it, else as a warning. */
export function skipMessage(
  read: ChannelRead,
  verdict: Extract<MessageVerdict, { keep: false }>,
  raw: unknown,
): void {
  const ts = verdict.message?.ts ?? SlackMessageSchema.pick({ ts: true }).safeParse(raw).data?.ts ?? null;
  const entry = { channel: read.channel, ts, reason: verdict.reason };
  if (verdict.expected) read.log.debug(entry, "message skipped");
  else read.log.warn(entry, "message skipped");
}

/** Buffers a message for the next page. */
export function keepMessage(read: ChannelRead, raw: JsonValue, message: SlackMessage): void {
  const unread = toUnreadBlockTypes(message.blocks ?? []);
  if (unread.length > 0) {
    read.log.warn(
      { channel: read.channel, ts: message.ts, blockTypes: unread },
      "blocks of these types were not read; the message's text was kept",
    );
  }
  // A reply sent to the channel too is listed by the history and by its thread: keep the later copy.
  if (read.buffered.has(message.ts))
    read.buffer.splice(
      read.buffer.findIndex((b) => b.message.ts === message.ts),
      1,
    );
  read.buffered.add(message.ts);
  read.buffer.push({ raw, message });
}

/** Buffers the deletion of a message for the next page. */
export function addTombstone(read: ChannelRead, ts: string, at: Date | null = null): void {
  read.deletions.push({ type: "item", externalId: toMessageId(read.channel, ts), at });
}

/** Queues a thread to read (once), with the replies known of it before. */
export function addPendingThread(read: ChannelRead, ts: string, known: Record<string, string> | null): void {
  if (read.pendingSet.has(ts)) return;
  read.pendingSet.add(ts);
  read.pass.pending.push({ ts, after: null, known, fetched: {} });
}

/**
 * Ends the pass: a sync pass tombstones the window's messages no longer listed (and their replies); the
 * cursor moves its newest message and floor, forgets what left the window, and has no pass in progress.
 */
export function finishPass(read: ChannelRead): void {
  const { pass, cursor, previousNewest } = read;
  if (pass.kind === "sync" && previousNewest !== null) {
    const seen = new Set(pass.seen);
    for (const ts of Object.keys(cursor.recent)) {
      const inRange =
        (pass.oldest === null || compareTs(ts, pass.oldest) > 0) && compareTs(ts, previousNewest) <= 0;
      if (inRange && !seen.has(ts)) {
        addTombstone(read, ts);
        for (const reply of Object.keys(cursor.threads[ts] ?? {})) addTombstone(read, reply);
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
    const cutoff = tsToMicros(cursor.newest) - read.windowMicros;
    for (const ts of Object.keys(cursor.recent)) if (tsToMicros(ts) < cutoff) delete cursor.recent[ts];
    for (const ts of Object.keys(cursor.threads)) if (tsToMicros(ts) < cutoff) delete cursor.threads[ts];
  }
  cursor.pass = null;
}

/** The workspace's address and ids: kept in the cursor, so auth.test is asked once, not every run. */
async function fetchWorkspace(read: ChannelRead): Promise<{ url: string; home: SlackHome }> {
  const { cursor, directory } = read;
  if (cursor.workspaceUrl === null || !cursor.home) {
    const workspace = await directory.workspace();
    cursor.workspaceUrl = workspace.url;
    cursor.home = workspace.home;
  }
  return { url: cursor.workspaceUrl, home: cursor.home };
}

/**
 * The buffered messages as records, with the people they name (looked up in the directory). A person's
 * record says which workspace their messages name (`user_team`), and for an author the directory does not
 * know, the `user_profile` their message carries stands in (a Slack Connect member, people not readable).
 */
async function fetchBufferedRecords(read: ChannelRead): Promise<RawRecord[]> {
  const { buffer, directory, channel, cursor } = read;
  if (buffer.length === 0) return [];
  const { url: workspaceUrl, home } = await fetchWorkspace(read);
  read.audience ??= await fetchChannelAudience(read.client, channel, read.log, read.infoPrivate);
  const audience = toAudienceContext(read.audience);
  const records: RawRecord[] = [];
  const ids = new Set<string>();
  const authors = new Map<string, { team: string | null; profile: JsonValue | null }>();
  for (const { message } of buffer) {
    if (message.user) {
      ids.add(message.user);
      const seen = authors.get(message.user);
      authors.set(message.user, {
        team: message.user_team ?? seen?.team ?? null,
        profile: message.user_profile ?? seen?.profile ?? null,
      });
    }
    for (const id of toMessageMentions(message)) ids.add(id);
  }
  for (const id of ids) {
    if (read.emittedUsers.has(id)) continue;
    read.emittedUsers.add(id);
    const author = authors.get(id);
    const context = toHomeContext(home);
    if (author?.team) context.userTeam = author.team;
    const user = await directory.user(id);
    if (user !== null) records.push({ type: "user", data: user, context });
    else if (author?.profile) {
      records.push({ type: "message_author", data: author.profile, context: { ...context, user: id } });
    }
  }
  for (const { raw, message } of buffer) {
    const context: Record<string, string> = { channel, workspaceUrl, ...audience };
    if (cursor.channelName) context.channelName = cursor.channelName;
    for (const id of toMessageMentions(message)) {
      const name = await directory.mentionName(id);
      if (name) context[`user:${id}`] = name;
    }
    records.push({ type: "message", data: raw, context });
  }
  return records;
}

/** The page of what is buffered, with the cursor as it stands; the buffer starts again empty. */
export async function pullBufferedPage(read: ChannelRead): Promise<PulledPage> {
  const records = await fetchBufferedRecords(read);
  const items = read.buffer.length;
  read.pass.items += items;
  read.itemsThisPull += items;
  const page: PulledPage = { stream: HISTORY_STREAM, records, cursor: toJsonCursor(read.cursor) };
  if (read.deletions.length > 0) page.deletions = read.deletions;
  // A full pass reads the history newest first, then the threads of what it listed, newest first too: every
  // message after the parent of the next thread to read is in, and once none is left, every message since
  // the oldest one listed (but a reply to an older thread, read with that thread). Said while the threads
  // are read, so a page of history whose threads take minutes under the rate limit says it as they come.
  const { pass } = read;
  const nextThread = pass.pending[0];
  if (pass.kind === "full" && nextThread) {
    page.readBackTo = new Date(Math.floor(secondsOf(nextThread.ts) * 1000) + 1).toISOString();
  } else if (pass.kind === "full" && !pass.historyDone && pass.below) {
    page.readBackTo = new Date(secondsOf(pass.below) * 1000).toISOString();
  }
  read.buffer = [];
  read.buffered.clear();
  read.deletions = [];
  read.lastFlush = Date.now();
  return page;
}

/** About how many items this pull yields: those so far plus the rest of the span, at the density read so far. */
export function reportEstimate(read: ChannelRead): void {
  const { pass, cursor, report } = read;
  const pending = read.itemsThisPull + read.buffer.length;
  const top = pass.top ?? pass.latest;
  const below = pass.below;
  if (pass.historyDone) {
    // Exact once the last thread is read; until then the last extrapolation stands.
    if (pass.pending.length === 0) report.estimate(pending);
    return;
  }
  if (!top || !below) return;
  const floor = Math.max(pass.oldest ? secondsOf(pass.oldest) : 0, cursor.created ?? 0);
  const span = secondsOf(top) - floor;
  const spanRead = secondsOf(top) - secondsOf(below);
  if (span <= 0 || spanRead <= 0) return;
  const total = pass.items + read.buffer.length;
  const expected = Math.round((total * span) / spanRead);
  report.estimate(pending + Math.max(0, expected - total));
}
