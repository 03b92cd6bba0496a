/**
 * The parts of Slack's Web API and Events API answers the connector reads, as zod schemas. Only the fields
 * read are declared; the objects themselves are kept as they came (`RawRecord.data`).
 *
 * Shapes as documented with examples at https://docs.slack.dev/reference/methods/conversations.history ,
 * …/conversations.replies , …/users.list , …/users.info , …/users.conversations , …/conversations.info ,
 * …/auth.test , and https://docs.slack.dev/reference/events/message (with its subtypes message_changed and
 * message_deleted), https://docs.slack.dev/apis/events-api/ (the `event_callback` envelope).
 */
import { z } from "zod";
import { ResponseValueSchema } from "../kit/response-value.ts";
import { ConnectorError } from "../types.ts";

/** A message timestamp, `1512085950.000216`: the message's id within its channel. */
export const SlackTsSchema = z.string().regex(/^\d+\.\d+$/, "is not a Slack ts");

/** `response_metadata.next_cursor`: absent or "" on the last page. */
const ResponseMetadataSchema = z.object({ next_cursor: z.string().optional() }).optional();

export const SlackReactionSchema = z.object({
  name: z.string(),
  count: z.number().int().nonnegative().optional(),
  users: z.array(z.string()).optional(),
});

/** A message as conversations.history, conversations.replies and the message event give it. */
export const SlackMessageSchema = z.object({
  type: z.string().optional(),
  subtype: z.string().optional(),
  ts: SlackTsSchema,
  user: z.string().optional(),
  bot_id: z.string().nullish(),
  username: z.string().optional(),
  bot_profile: z.object({ name: z.string().optional() }).nullish(),
  text: z.string().optional(),
  thread_ts: SlackTsSchema.optional(),
  parent_user_id: z.string().optional(),
  reply_count: z.number().int().nonnegative().optional(),
  latest_reply: z.string().optional(),
  edited: z.object({ user: z.string().optional(), ts: SlackTsSchema }).optional(),
  reactions: z.array(SlackReactionSchema).optional(),
  blocks: z.array(ResponseValueSchema).optional(),
  attachments: z.array(ResponseValueSchema).optional(),
  files: z.array(ResponseValueSchema).optional(),
  hidden: z.boolean().optional(),
  /**
   * Slack Connect: the author's workspace (`user_team`), the workspace the message was sent from
   * (`source_team`), and in a shared channel the author's profile as the message carries it.
   */
  user_team: z.string().nullish(),
  source_team: z.string().nullish(),
  user_profile: ResponseValueSchema.optional(),
});
export type SlackMessage = z.infer<typeof SlackMessageSchema>;

/**
 * A user object (users.list `members[]`, users.info `user`). `team_id` is the person's own workspace, another
 * organisation's for a Slack Connect member, who may also be `is_stranger`; in an Enterprise Grid org,
 * `enterprise_user.enterprise_id` names the org whose workspaces are all one organisation.
 */
export const SlackUserSchema = z.object({
  id: z.string(),
  team_id: z.string().nullish(),
  name: z.string().optional(),
  real_name: z.string().optional(),
  deleted: z.boolean().optional(),
  is_bot: z.boolean().optional(),
  is_app_user: z.boolean().optional(),
  is_restricted: z.boolean().optional(),
  is_ultra_restricted: z.boolean().optional(),
  is_stranger: z.boolean().nullish(),
  enterprise_id: z.string().nullish(),
  enterprise_user: z.object({ enterprise_id: z.string().optional() }).nullish(),
  profile: z
    .object({
      real_name: z.string().nullish(),
      display_name: z.string().nullish(),
      email: z.string().nullish(),
    })
    .optional(),
});
export type SlackUser = z.infer<typeof SlackUserSchema>;

/** conversations.history and conversations.replies. */
export const SlackMessagesPageSchema = z.object({
  messages: z.array(ResponseValueSchema),
  has_more: z.boolean().optional(),
  response_metadata: ResponseMetadataSchema,
});

/** users.list. */
export const SlackUsersPageSchema = z.object({
  members: z.array(ResponseValueSchema),
  response_metadata: ResponseMetadataSchema,
});

/** users.info. */
export const SlackUserInfoSchema = z.object({ user: ResponseValueSchema });

/** A conversation object, as far as it is read (conversations.info `channel`, users.conversations `channels[]`). */
export const SlackConversationSchema = z.object({
  id: z.string(),
  name: z.string().optional(),
  created: z.number().optional(),
  is_archived: z.boolean().optional(),
  /** Whether only its members may read it (https://docs.slack.dev/reference/objects/conversation-object). */
  is_private: z.boolean().optional(),
});

/** users.conversations. */
export const SlackConversationsPageSchema = z.object({
  channels: z.array(SlackConversationSchema),
  response_metadata: ResponseMetadataSchema,
});

/** conversations.members: the member ids of one page. */
export const SlackConversationMembersSchema = z.object({
  members: z.array(z.string()),
  response_metadata: ResponseMetadataSchema,
});

/** conversations.info. */
export const SlackConversationInfoSchema = z.object({ channel: SlackConversationSchema });

/**
 * auth.test: `url` is the workspace's address, `https://subarachnoid.slack.com/`; `team_id` the workspace and
 * `enterprise_id` its Enterprise Grid org, if it is in one.
 */
export const SlackAuthTestSchema = z.object({
  url: z.string(),
  team: z.string().optional(),
  team_id: z.string().optional(),
  enterprise_id: z.string().nullish(),
  user_id: z.string().optional(),
});

/** The parts of a message's `user_profile` read: enough to name a Slack Connect author users.info did not give. */
export const SlackUserProfileSchema = z.object({
  real_name: z.string().nullish(),
  display_name: z.string().nullish(),
  name: z.string().nullish(),
  team: z.string().nullish(),
  is_restricted: z.boolean().nullish(),
  is_ultra_restricted: z.boolean().nullish(),
});

/** The Events API envelope of everything but `url_verification`. */
export const SlackEventCallbackSchema = z.object({
  type: z.literal("event_callback"),
  team_id: z.string().optional(),
  event_id: z.string().optional(),
  event_time: z.number().optional(),
  event: ResponseValueSchema,
});

/** Every event has a type. */
export const SlackEventTypeSchema = z.object({ type: z.string() });

export const SlackUrlVerificationSchema = z.object({
  type: z.literal("url_verification"),
  challenge: z.string(),
});

/** The `event` of a `message` event, as far as the webhook reads it before `map`. */
export const SlackMessageEventSchema = z.object({
  type: z.literal("message"),
  subtype: z.string().optional(),
  channel: z.string(),
  /** `channel` (public), `group` (private), `im`, `mpim`: https://docs.slack.dev/reference/events/message.groups */
  channel_type: z.string().optional(),
  ts: SlackTsSchema.optional(),
  event_ts: SlackTsSchema.optional(),
  deleted_ts: SlackTsSchema.optional(),
  message: ResponseValueSchema.optional(),
  previous_message: ResponseValueSchema.optional(),
});

/** reaction_added / reaction_removed: only where the reaction is. */
export const SlackReactionEventSchema = z.object({
  type: z.enum(["reaction_added", "reaction_removed"]),
  item: z.object({ type: z.string(), channel: z.string().optional(), ts: SlackTsSchema.optional() }),
});

/** An answer read with its schema, or a `ConnectorError` of kind `invalid` saying what did not fit. */
export function parseAnswer<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ConnectorError(
    "slack",
    "invalid",
    `cannot read ${what}: ${issue ? `${issue.path.join(".")} ${issue.message}` : "unexpected shape"}`,
  );
}

/**
 * auth.test for writing: the bot's name (`user`) and the token's scopes, which the SDK reads from the
 * `x-oauth-scopes` header into `response_metadata.scopes`.
 */
export const SlackActionAuthSchema = z.object({
  user: z.string().optional(),
  response_metadata: z.object({ scopes: z.array(z.string()).optional() }).optional(),
});

/** chat.postMessage: where the message went and its ts (https://docs.slack.dev/reference/methods/chat.postMessage). */
export const SlackPostedSchema = z.object({ channel: z.string(), ts: SlackTsSchema });
