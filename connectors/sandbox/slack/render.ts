/**
 * The sandbox's data in Slack's shapes, field for field as the documented examples show them:
 * - messages: https://docs.slack.dev/reference/methods/conversations.history (example response),
 *   https://docs.slack.dev/reference/methods/conversations.replies (a parent with `reply_count`,
 *   `reply_users`, `latest_reply`; replies with `parent_user_id`), https://docs.slack.dev/reference/events/message
 *   (`edited`), …/message/bot_message, …/message/thread_broadcast (`root`); a thread parent deleted while its
 *   replies remain is the `tombstone` Slack shows ("This message was deleted.", user USLACKBOT);
 * - users: https://docs.slack.dev/reference/methods/users.list (example member);
 * - conversations: https://docs.slack.dev/reference/methods/users.conversations and conversations.info.
 *
 * Slack Connect (https://docs.slack.dev/apis/slack-connect): a member of another organisation has their own
 * workspace's `team_id` (and `profile.team`), `is_stranger` where Slack says so, and no place in this
 * workspace's users.list; in a channel shared with another workspace each person's message names its
 * author's workspace (`team`, `user_team`, `source_team`) and carries the author's `user_profile`.
 */
import type { JsonValue } from "../../types.ts";
import type { SandboxChannel, SandboxMessage, SandboxUser, SlackDataset } from "./dataset.ts";

type JsonObject = { [key: string]: JsonValue };

function threadFields(data: SlackDataset, m: SandboxMessage): JsonObject {
  const replies = data.liveReplies(m);
  if (replies.length === 0 && m.replies.length === 0) return {};
  const users = [...new Set(replies.map((r) => r.user ?? r.botId ?? "").filter(Boolean))];
  return {
    thread_ts: m.ts,
    reply_count: replies.length,
    reply_users_count: users.length,
    latest_reply: replies.at(-1)?.ts ?? "0000000000.000000",
    reply_users: users,
    is_locked: false,
    subscribed: false,
  };
}

/**
 * A message as conversations.history and conversations.replies list it; null when it is not listed. Its
 * metadata only `withMetadata` (`include_all_metadata`). The app's own messages carry `app_id` and the
 * `bot_profile` of the app, as chat.postMessage's example answer shows them.
 */
export function renderMessage(
  data: SlackDataset,
  m: SandboxMessage,
  withMetadata = false,
): JsonObject | null {
  if (m.deleted) {
    // A parent deleted while replies remain stays as a tombstone; anything else is gone.
    if (m.threadTs === null && data.liveReplies(m).length > 0) {
      return {
        type: "message",
        subtype: "tombstone",
        text: "This message was deleted.",
        user: "USLACKBOT",
        hidden: true,
        ts: m.ts,
        ...threadFields(data, m),
        parent_user_id: "USLACKBOT",
      };
    }
    return null;
  }
  const out: JsonObject = {};
  if (m.subtype !== null) out.subtype = m.subtype;
  if (m.user !== null) out.user = m.user;
  if (m.botId !== null) out.bot_id = m.botId;
  if (m.username !== null) out.username = m.username;
  if (m.subtype === "bot_message") out.icons = {};
  out.type = "message";
  out.ts = m.ts;
  if (m.clientMsgId) out.client_msg_id = m.clientMsgId;
  out.text = m.text;
  if (m.user !== null && m.subtype !== "bot_message") Object.assign(out, authorTeamFields(data, m));
  if (m.blocks) out.blocks = m.blocks;
  if (m.attachments) out.attachments = m.attachments;
  if (m.files) out.files = m.files;
  if (m.edited) out.edited = { user: m.edited.user, ts: m.edited.ts };
  if (m.user !== null && m.user === data.bot.id) {
    out.app_id = data.appId;
    out.bot_profile = {
      id: data.bot.botId,
      app_id: data.appId,
      name: data.bot.realName,
      deleted: false,
      team_id: data.team.id,
    };
  }
  if (withMetadata && m.metadata !== null) out.metadata = m.metadata;
  if (m.threadTs === null) {
    Object.assign(out, threadFields(data, m));
  } else {
    const parent = data.channel(m.channel).byTs.get(m.threadTs);
    out.thread_ts = m.threadTs;
    out.parent_user_id = parent?.user ?? parent?.botId ?? "USLACKBOT";
    if (m.broadcast && parent) {
      const root = renderMessage(data, parent, withMetadata);
      if (root) out.root = root;
    }
  }
  if (m.reactions.length > 0) {
    out.reactions = m.reactions.map((r) => ({ name: r.name, users: [...r.users], count: r.users.length }));
  }
  for (const key of m.omit) delete out[key];
  Object.assign(out, m.extra);
  return out;
}

/** `team` of a person's message, and in a shared channel `user_team`, `source_team` and `user_profile`. */
function authorTeamFields(data: SlackDataset, m: SandboxMessage): JsonObject {
  const author = m.user === null ? undefined : data.userById(m.user);
  const team = author?.team?.id ?? data.team.id;
  const channel = data.findChannel(m.channel);
  if (!author || !channel || data.externalTeams(channel).length === 0) return { team };
  return {
    team,
    user_team: team,
    source_team: team,
    user_profile: {
      avatar_hash: `g${author.id.toLowerCase().slice(1, 12)}`,
      image_72: `https://avatars.slack-edge.com/2026-01-01/${author.id.toLowerCase().slice(1, 13)}_72.png`,
      first_name: author.realName.split(" ")[0] ?? author.realName,
      real_name: author.realName,
      display_name: author.displayName,
      team,
      name: author.name,
      is_restricted: author.isRestricted,
      is_ultra_restricted: author.isUltraRestricted,
    },
  };
}

const TZ_LABELS: Record<string, [string, number]> = {
  "Europe/Berlin": ["Central European Time", 3600],
  "America/Los_Angeles": ["Pacific Standard Time", -28800],
  "America/New_York": ["Eastern Standard Time", -18000],
  "Europe/London": ["Greenwich Mean Time", 0],
};

/** A user object as users.list and users.info give it (the email only with users:read.email). */
export function renderUser(data: SlackDataset, u: SandboxUser): JsonObject {
  const [tzLabel, tzOffset] = TZ_LABELS[u.tz] ?? ["Coordinated Universal Time", 0];
  const hash = u.id.toLowerCase().slice(1, 13);
  const image = (size: number) => `https://avatars.slack-edge.com/2026-01-01/${hash}_${size}.png`;
  const profile: JsonObject = {
    title: "",
    phone: "",
    skype: "",
    real_name: u.realName,
    real_name_normalized: u.realName,
    display_name: u.displayName,
    display_name_normalized: u.displayName,
    fields: null,
    status_text: "",
    status_emoji: "",
    status_expiration: 0,
    avatar_hash: `g${hash.slice(0, 11)}`,
  };
  if (u.email !== null && data.scopes.has("users:read.email")) profile.email = u.email;
  if (u.isBot && u.botId) {
    profile.bot_id = u.botId;
    profile.api_app_id = data.appId;
    profile.always_active = true;
  }
  profile.first_name = u.realName.split(" ")[0] ?? u.realName;
  profile.last_name = u.realName.split(" ").slice(1).join(" ");
  for (const size of [24, 32, 48, 72, 192, 512]) profile[`image_${size}`] = image(size);
  const team = u.team?.id ?? data.team.id;
  profile.team = team;
  const out: JsonObject = {
    id: u.id,
    team_id: team,
    name: u.name,
    deleted: u.deleted,
    color: "9f69e7",
    real_name: u.realName,
    tz: u.tz,
    tz_label: tzLabel,
    tz_offset: tzOffset,
    profile,
    is_admin: false,
    is_owner: false,
    is_primary_owner: false,
    is_restricted: u.isRestricted,
    is_ultra_restricted: u.isUltraRestricted,
    is_bot: u.isBot,
    is_app_user: false,
    updated: u.updated,
    is_email_confirmed: u.email !== null,
    who_can_share_contact_card: "EVERYONE",
  };
  if (u.stranger) out.is_stranger = true;
  return out;
}

/** A conversation object; `full` adds what conversations.info has and users.conversations leaves out. */
export function renderChannel(data: SlackDataset, c: SandboxChannel, full: boolean): JsonObject {
  const external = data.externalTeams(c).map((t) => t.id);
  const out: JsonObject = {
    id: c.id,
    name: c.name,
    is_channel: !c.isPrivate,
    is_group: c.isPrivate,
    is_im: false,
    is_mpim: false,
    is_private: c.isPrivate,
    created: c.created,
    is_archived: c.isArchived,
    is_general: c.isGeneral,
    unlinked: 0,
    name_normalized: c.name,
    is_shared: external.length > 0,
    is_org_shared: false,
    is_pending_ext_shared: false,
    pending_shared: [],
    context_team_id: data.team.id,
    updated: c.created * 1000,
    parent_conversation: null,
    creator: c.creator,
    is_ext_shared: external.length > 0,
    shared_team_ids: [data.team.id, ...external],
    pending_connected_team_ids: [],
    topic: { value: c.topic, creator: c.topic ? c.creator : "", last_set: c.topic ? c.created : 0 },
    purpose: { value: c.purpose, creator: c.purpose ? c.creator : "", last_set: c.purpose ? c.created : 0 },
    previous_names: [],
  };
  if (full) {
    out.is_member = c.members.has(data.bot.id);
    out.last_read = c.messages.at(-1)?.ts ?? "0000000000.000000";
  }
  return out;
}
