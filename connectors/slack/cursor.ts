/**
 * What a Slack channel's cursor remembers between pulls (pure): how far the history has been read, the
 * fingerprints of the rescan window's messages and threads, and the pass in progress; and which pass a pull
 * continues or starts. See pull.ts for the passes.
 */
import { z } from "zod";
import type { JsonValue, PullRequest } from "../types.ts";
import type { SlackSettings } from "./config.ts";
import { toRescanDays } from "./limited-app.ts";
import { parseAnswer, type SlackMessage, SlackTsSchema } from "./schemas.ts";
import { compareTs, microsToTs, toTsOfDate, tsToMicros } from "./timestamps.ts";

/** The one stream of a channel: its history, threads included. */
export const HISTORY_STREAM = "history";

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
export type PendingThread = z.infer<typeof PendingThreadSchema>;

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
export type Pass = z.infer<typeof PassSchema>;

export const SlackCursorSchema = z.object({
  v: z.literal(1),
  channelName: z.string().nullable(),
  /** When the channel was created (epoch seconds), for the estimate. */
  created: z.number().nullable(),
  workspaceUrl: z.string().nullable(),
  /**
   * The workspace's team and Enterprise Grid org (auth.test's, asked with the address): who is of another
   * organisation. Absent from cursors written before it was kept: then asked again once.
   */
  home: z.object({ team: z.string().nullable(), enterprise: z.string().nullable() }).nullish(),
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
  /** Slack answered this app with the limited pages of apps outside the Marketplace (limited-app.ts). */
  limited: z.boolean().default(false),
});
export type SlackCursor = z.infer<typeof SlackCursorSchema>;

/** What changes about a message that a pass must notice: edit, subtype, thread, reactions. */
export function toFingerprint(m: SlackMessage): string {
  const reactions = (m.reactions ?? []).map((r) => `${r.name}:${r.count ?? r.users?.length ?? 0}`).join(",");
  return [m.edited?.ts ?? "", m.subtype ?? "", m.reply_count ?? 0, m.latest_reply ?? "", reactions].join("|");
}

/** The thread part of a fingerprint (reply count and latest reply). */
export const threadPart = (fingerprint: string | undefined) =>
  fingerprint?.split("|").slice(2, 4).join("|") ?? "";

export function initialCursor(): SlackCursor {
  return {
    v: 1,
    channelName: null,
    created: null,
    workspaceUrl: null,
    home: null,
    complete: false,
    floor: null,
    newest: null,
    recent: {},
    threads: {},
    pass: null,
    limited: false,
  };
}

/** The pass this pull continues or starts. */
export function toPass(cursor: SlackCursor, request: PullRequest<SlackSettings>): Pass | null {
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
  const windowMicros = BigInt(toRescanDays(request.settings, cursor.limited)) * 86_400n * 1_000_000n;
  const oldest = cursor.newest ? microsToTs(tsToMicros(cursor.newest) - windowMicros) : cursor.floor;
  return { kind: "sync", latest: null, oldest, ...blank };
}

/** The cursor as the JSON the engine stores. */
export function toJsonCursor(cursor: SlackCursor): JsonValue {
  return parseAnswer(z.json(), JSON.parse(JSON.stringify(cursor)), "the cursor");
}
