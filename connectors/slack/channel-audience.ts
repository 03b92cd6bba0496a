/**
 * Who may read a channel's messages (I/O): everyone on the team for a public channel; for a private one, its
 * members. Read once a pull, and only when the pull has messages to yield, so a pass that finds nothing new
 * costs no request. The answer goes into each message record's context, where `map` reads it
 * (`toChannelAudience`); members who join later see the messages pulled after they joined.
 */
import { ConnectorError } from "../types.ts";
import type { SlackClient, SlackLog } from "./client.ts";
import { parseAnswer, SlackConversationInfoSchema, SlackConversationMembersSchema } from "./schemas.ts";

/** What a pull knows of a channel's audience: public, or private with these members. */
export interface ChannelAudience {
  isPrivate: boolean;
  members: string[];
}

/** conversations.members: "We recommend no more than 200 results at a time." */
const MEMBERS_PAGE_SIZE = 200;

/**
 * The channel's audience. Without the scope to read the channel (channels:read, groups:read) it is unknown,
 * and unknown is private with no members known: its messages show to admins only until the scope is granted.
 * https://docs.slack.dev/reference/methods/conversations.info · https://docs.slack.dev/reference/methods/conversations.members
 */
export async function fetchChannelAudience(
  client: SlackClient,
  channel: string,
  log: SlackLog,
  /** What this pull's conversations.info already said (null: it could not be read), so it is not asked twice. */
  known?: { isPrivate: boolean | null },
): Promise<ChannelAudience> {
  try {
    let isPrivate = known?.isPrivate;
    if (isPrivate === null) return unknownAudience(channel, log, "conversations.info could not be read");
    if (isPrivate === undefined) {
      const answer = await client.fetchChannel(channel);
      isPrivate = parseAnswer(SlackConversationInfoSchema, answer, "conversations.info").channel.is_private;
    }
    if (isPrivate !== true) return { isPrivate: false, members: [] };
    const members: string[] = [];
    let cursor: string | undefined;
    do {
      const page = parseAnswer(
        SlackConversationMembersSchema,
        await client.fetchChannelMembers(channel, cursor, MEMBERS_PAGE_SIZE),
        "conversations.members",
      );
      members.push(...page.members);
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor);
    return { isPrivate: true, members };
  } catch (err) {
    if (!(err instanceof ConnectorError) || err.kind !== "forbidden") throw err;
    return unknownAudience(channel, log, err.message);
  }
}

function unknownAudience(channel: string, log: SlackLog, reason: string): ChannelAudience {
  log.warn(
    { channel, reason },
    "who may read the channel is unknown: its messages show to admins only (grant channels:read and groups:read)",
  );
  return { isPrivate: true, members: [] };
}

/** The audience as a message record's context carries it (`channelPrivate`, `channelMembers`). */
export function toAudienceContext(audience: ChannelAudience): Record<string, string> {
  return audience.isPrivate ? { channelPrivate: "true", channelMembers: audience.members.join(",") } : {};
}
