/**
 * Slack's API objects to Threadline's model (pure: no I/O, no clock, no settings). Two kinds of raw record
 * come from the pull and the webhook:
 *
 * - `message`: one message as conversations.history, conversations.replies or a message event gives it, with
 *   `context.channel` (the conversation it is in), and when the pull knew them `context.workspaceUrl` (from
 *   auth.test, for permalinks), `context.channelName`, the names the text mentions as
 *   `context["user:U123"]` / `context["channel:C123"]`, and for a private channel `context.channelPrivate`
 *   and its members' ids in `context.channelMembers` (the item's audience) → a `chat_message` item;
 * - `user`: one user object (users.list, users.info) → an identity, with the workspace the pull reads in
 *   `context.homeTeam` / `context.homeEnterprise` (auth.test's `team_id` / `enterprise_id`) and the
 *   workspace the person's messages name in `context.userTeam`;
 * - `message_author`: the `user_profile` a shared channel's message carries, for an author users.info did not
 *   give (people not readable), with `context.user` (their id) and the same home and team → an identity.
 *
 * Who is outside the team whatever their email: guests (`is_restricted`, `is_ultra_restricted`), and Slack
 * Connect members of another organisation: `is_stranger`, or a workspace (`team_id`, else the message's
 * `user_team`) other than the home one and not of the home's Enterprise Grid org
 * (https://docs.slack.dev/apis/slack-connect).
 *
 * Messages Threadline does not keep (joins, topic changes, a subtype it does not know, a message with neither
 * `user` nor `bot_id`) map to nothing; `toMessageVerdict` says why, and the pull logs it.
 */
import { toAudience } from "../../src/model/audience.ts";
import type { Identity, ItemMeta, JsonValue, Mapped, MappedItem, RawRecord } from "../types.ts";
import { type SlackMessage, SlackMessageSchema, SlackUserProfileSchema, SlackUserSchema } from "./schemas.ts";
import { type TextNames, toBlocksText, toBlockUsers, toMentionedUsers, toReadableText } from "./text.ts";

/** Subtypes that are something someone said: kept as chat messages. */
const KEPT_SUBTYPES = new Set([
  "thread_broadcast",
  "bot_message",
  "me_message",
  "file_share",
  "reply_broadcast",
]);

/**
 * Subtypes that record what happened to a channel, not what anyone said: skipped without a warning.
 * https://docs.slack.dev/reference/events/message (the subtype table).
 */
const SYSTEM_SUBTYPES = new Set([
  "channel_join",
  "channel_leave",
  "channel_topic",
  "channel_purpose",
  "channel_name",
  "channel_archive",
  "channel_unarchive",
  "channel_convert_to_private",
  "channel_convert_to_public",
  "channel_posting_permissions",
  "group_join",
  "group_leave",
  "group_topic",
  "group_purpose",
  "group_name",
  "group_archive",
  "group_unarchive",
  "pinned_item",
  "unpinned_item",
  "bot_add",
  "bot_remove",
  "reminder_add",
  "ekm_access_denied",
  "huddle_thread",
  "sh_room_created",
  "joiner_notification",
  "assistant_app_thread",
]);

export type MessageVerdict =
  | { keep: true; message: SlackMessage }
  | { keep: false; reason: string; expected: boolean; message: SlackMessage | null };

/** Whether a raw message is one Threadline keeps, and why not when it is not. */
export function toMessageVerdict(data: unknown): MessageVerdict {
  const parsed = SlackMessageSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? `${issue.path.join(".") || "message"} ${issue.message}` : "unexpected shape";
    return { keep: false, reason: `unreadable message: ${where}`, expected: false, message: null };
  }
  const message = parsed.data;
  const subtype = message.subtype;
  if (subtype === "tombstone") {
    return { keep: false, reason: "a deleted thread parent (tombstone)", expected: true, message };
  }
  if (subtype !== undefined && SYSTEM_SUBTYPES.has(subtype)) {
    return {
      keep: false,
      reason: `subtype ${subtype} is not something anyone said`,
      expected: true,
      message,
    };
  }
  if (subtype !== undefined && !KEPT_SUBTYPES.has(subtype)) {
    return {
      keep: false,
      reason: `subtype ${subtype} is not one Threadline reads`,
      expected: false,
      message,
    };
  }
  if (!message.user && !message.bot_id) {
    return {
      keep: false,
      reason: "no user and no bot_id: nobody to attribute it to",
      expected: false,
      message,
    };
  }
  return { keep: true, message };
}

/** The item id of a message: its channel and ts (a ts is unique within a channel). */
export const toMessageId = (channel: string, ts: string): string => `${channel}:${ts}`;

/** The thread a message belongs to (a top-level message is the parent of its own, possibly empty, thread). */
export const toThreadId = (channel: string, message: Pick<SlackMessage, "ts" | "thread_ts">): string =>
  `${channel}:${message.thread_ts ?? message.ts}`;

/** `1512085950.000216` → the instant, to the millisecond. */
export function toSlackDate(ts: string): Date {
  const [seconds = "0", fraction = ""] = ts.split(".");
  return new Date(Number(seconds) * 1000 + Math.floor(Number(fraction.padEnd(6, "0").slice(0, 6)) / 1000));
}

/**
 * The message's address in the workspace, built without asking for it (chat.getPermalink costs a request a
 * message): `https://<team>.slack.com/archives/<channel>/p<ts without the dot>`, and for a reply
 * `?thread_ts=<parent ts>&cid=<channel>`.
 */
export function toPermalink(workspaceUrl: string, channel: string, ts: string, threadTs?: string): string {
  const base = workspaceUrl.endsWith("/") ? workspaceUrl : `${workspaceUrl}/`;
  const url = `${base}archives/${channel}/p${ts.replace(".", "")}`;
  return threadTs && threadTs !== ts ? `${url}?thread_ts=${threadTs}&cid=${channel}` : url;
}

/** The people a message mentions: `<@U123>` in its text, user elements in its blocks. */
export function toMessageMentions(m: Pick<SlackMessage, "text" | "blocks">): string[] {
  const ids = toMentionedUsers(m.text ?? "");
  for (const id of toBlockUsers(m.blocks ?? [])) if (!ids.includes(id)) ids.push(id);
  return ids;
}

/** The names a record's context carries (`user:U123` → name, `channel:C123` → name). */
export function toTextNames(context: Readonly<Record<string, string>> | undefined): TextNames {
  const users = new Map<string, string>();
  const channels = new Map<string, string>();
  for (const [key, value] of Object.entries(context ?? {})) {
    if (key.startsWith("user:")) users.set(key.slice(5), value);
    else if (key.startsWith("channel:")) channels.set(key.slice(8), value);
  }
  if (context?.channel && context.channelName) channels.set(context.channel, context.channelName);
  return { users, channels };
}

/** What a message says: its `text`, else its blocks, else its attachments' fallbacks, else its files' names. */
export function toMessageText(message: SlackMessage, names: TextNames): string {
  if (message.text?.trim()) return toReadableText(message.text, names);
  const fromBlocks = toBlocksText(message.blocks ?? [], names);
  if (fromBlocks) return fromBlocks;
  const fallbacks: string[] = [];
  for (const a of message.attachments ?? []) {
    if (typeof a === "object" && a !== null && !Array.isArray(a)) {
      const text = a.fallback ?? a.text ?? a.title;
      if (typeof text === "string" && text.trim()) fallbacks.push(toReadableText(text, names));
    }
  }
  if (fallbacks.length > 0) return fallbacks.join("\n");
  return toFileNames(message)
    .map((n) => `[file: ${n}]`)
    .join(" ");
}

function toFileNames(message: SlackMessage): string[] {
  const out: string[] = [];
  for (const f of message.files ?? []) {
    if (typeof f === "object" && f !== null && !Array.isArray(f)) {
      const name = f.name ?? f.title;
      if (typeof name === "string" && name) out.push(name);
    }
  }
  return out;
}

/**
 * Who may read a message: its channel's members when the pull found the channel private
 * (`context.channelPrivate`, `context.channelMembers`), else everyone on the team (null).
 */
export function toChannelAudience(context: Readonly<Record<string, string>> | undefined): string[] | null {
  if (context?.channelPrivate !== "true") return null;
  return toAudience((context.channelMembers ?? "").split(","));
}

function mapMessage(record: RawRecord): Mapped {
  const verdict = toMessageVerdict(record.data);
  const channel = record.context?.channel;
  if (!verdict.keep || !channel) return {};
  const m = verdict.message;
  const names = toTextNames(record.context);
  const isReply = m.thread_ts !== undefined && m.thread_ts !== m.ts;
  const meta: ItemMeta = { channel };
  if (record.context?.channelName) meta.channelName = record.context.channelName;
  if (m.subtype) meta.subtype = m.subtype;
  const mentions = toMessageMentions(m);
  if (mentions.length > 0) meta.mentions = mentions;
  const reactions = (m.reactions ?? []).map((r) => {
    const reaction: { name: string; count: number; users?: string[] } = {
      name: r.name,
      count: r.count ?? r.users?.length ?? 0,
    };
    if (r.users) reaction.users = r.users;
    return reaction;
  });
  if (reactions.length > 0) meta.reactions = reactions;
  if (!isReply && m.reply_count !== undefined && m.reply_count > 0) meta.replyCount = m.reply_count;
  if (m.bot_id || m.subtype === "bot_message") {
    meta.isBot = true;
    const botName = m.username ?? m.bot_profile?.name;
    if (botName) meta.botName = botName;
  }
  const files = toFileNames(m);
  if (files.length > 0) meta.files = files;
  const workspaceUrl = record.context?.workspaceUrl;
  const item: MappedItem = {
    externalId: toMessageId(channel, m.ts),
    kind: "chat_message",
    author: m.user ? { source: "slack", externalId: m.user } : null,
    at: toSlackDate(m.ts),
    text: toMessageText(m, names),
    url: workspaceUrl ? toPermalink(workspaceUrl, channel, m.ts, m.thread_ts) : null,
    threadId: toThreadId(channel, m),
    meta,
    parentTaskKey: null,
    editedAt: m.edited ? toSlackDate(m.edited.ts) : null,
  };
  const audience = toChannelAudience(record.context);
  if (audience !== null) item.audience = audience;
  return { items: [item] };
}

/** The workspace a pull reads, as auth.test names it: its team, and its Enterprise Grid org if any. */
export interface SlackHome {
  team: string | null;
  enterprise: string | null;
}

/** The home as a record's context carries it. */
export function toHomeContext(home: SlackHome | null): Record<string, string> {
  const context: Record<string, string> = {};
  if (home?.team) context.homeTeam = home.team;
  if (home?.enterprise) context.homeEnterprise = home.enterprise;
  return context;
}

const homeOf = (context: Readonly<Record<string, string>> | undefined): SlackHome => ({
  team: context?.homeTeam ?? null,
  enterprise: context?.homeEnterprise ?? null,
});

/**
 * Whether a person of workspace `team` (of Enterprise Grid org `org`, if known) belongs to another
 * organisation than `home`: another workspace, unless both are workspaces of the home's Grid org, whose
 * workspaces have team ids of their own (an org-wide install may have no team of its own, only the org).
 * Unknown (no team, no home at all): not another.
 */
export function isOtherOrganisation(
  team: string | null | undefined,
  org: string | null | undefined,
  home: SlackHome,
): boolean {
  if (!team || team === home.team) return false;
  if (home.enterprise) return team !== home.enterprise && org !== home.enterprise;
  return home.team !== null;
}

const nonEmpty = (s: string | null | undefined) => (s?.trim() ? s.trim() : null);

/** A Slack user as an identity; null when the object has no id. `context` as a `user` record's. */
export function toIdentity(data: JsonValue, context?: Readonly<Record<string, string>>): Identity | null {
  const parsed = SlackUserSchema.safeParse(data);
  if (!parsed.success) return null;
  const u = parsed.data;
  const outsider =
    u.is_stranger === true ||
    isOtherOrganisation(
      u.team_id ?? context?.userTeam,
      u.enterprise_user?.enterprise_id ?? u.enterprise_id,
      homeOf(context),
    );
  return {
    source: "slack",
    externalId: u.id,
    displayName:
      nonEmpty(u.profile?.real_name) ??
      nonEmpty(u.real_name) ??
      nonEmpty(u.profile?.display_name) ??
      nonEmpty(u.name),
    email: nonEmpty(u.profile?.email),
    isGuest: u.is_restricted === true || u.is_ultra_restricted === true || outsider,
    // USLACKBOT is Slackbot, which users.list reports with is_bot false.
    isBot: u.is_bot === true || u.id === "USLACKBOT",
    raw: data,
  };
}

/**
 * The author of a shared channel's message as its `user_profile` names them (`context.user` their id), when
 * users.info could not be asked: no email, and outside the team when their workspace is another's.
 */
export function toAuthorIdentity(
  data: JsonValue,
  context: Readonly<Record<string, string>> | undefined,
): Identity | null {
  const parsed = SlackUserProfileSchema.safeParse(data);
  const id = context?.user;
  if (!parsed.success || !id) return null;
  const p = parsed.data;
  return {
    source: "slack",
    externalId: id,
    displayName: nonEmpty(p.real_name) ?? nonEmpty(p.display_name) ?? nonEmpty(p.name),
    email: null,
    isGuest:
      p.is_restricted === true ||
      p.is_ultra_restricted === true ||
      isOtherOrganisation(context.userTeam ?? p.team, null, homeOf(context)),
    isBot: false,
    raw: data,
  };
}

/** How a user is named in a mention: the display name people chose, else their full name, else the handle. */
export function toMentionName(data: unknown): string | null {
  const parsed = SlackUserSchema.safeParse(data);
  if (!parsed.success) return null;
  const u = parsed.data;
  for (const name of [u.profile?.display_name, u.profile?.real_name, u.real_name, u.name]) {
    if (name?.trim()) return name.trim();
  }
  return null;
}

/** Any raw record of the Slack connector to model records. */
export function mapSlackRecord(record: RawRecord): Mapped {
  if (record.type === "message") return mapMessage(record);
  if (record.type === "user" || record.type === "message_author") {
    const identity =
      record.type === "user"
        ? toIdentity(record.data, record.context)
        : toAuthorIdentity(record.data, record.context);
    return identity ? { identities: [identity] } : {};
  }
  return {};
}
