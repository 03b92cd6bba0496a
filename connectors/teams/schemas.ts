/**
 * Zod schemas of the parts of Microsoft Graph's answers this connector reads. Unknown keys are ignored here
 * and kept in the raw records. Shapes verified against Microsoft's documentation and its examples:
 *
 * - chatMessage: https://learn.microsoft.com/graph/api/resources/chatmessage (examples in
 *   https://learn.microsoft.com/graph/api/channel-list-messages and …/chatmessage-delta)
 * - from (chatMessageFromIdentitySet) and teamworkUserIdentity (`userIdentityType`, `tenantId`):
 *   https://learn.microsoft.com/graph/api/resources/teamworkuseridentity
 * - attachments: https://learn.microsoft.com/graph/api/resources/chatmessageattachment
 * - mentions: https://learn.microsoft.com/graph/api/resources/chatmessagemention
 * - reactions: https://learn.microsoft.com/graph/api/resources/chatmessagereaction
 * - channel: https://learn.microsoft.com/graph/api/resources/channel
 * - user: https://learn.microsoft.com/graph/api/resources/user
 * - errors: https://learn.microsoft.com/graph/errors
 */
import { z } from "zod";
import { ResponseValueSchema } from "../kit/response-value.ts";

/** Graph's dateTimeOffset: ISO 8601 in UTC (`2021-03-28T21:11:12.395Z`, sometimes `…:42.08Z`). */
export const GraphTimeSchema = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), "an ISO 8601 date-time")
  .transform((s) => new Date(s));

/** A Teams user as a message names it (teamworkUserIdentity; `tenantId` is optional). */
export const TeamsUserIdentitySchema = z.object({
  id: z.string().min(1),
  displayName: z.string().nullish(),
  userIdentityType: z.string().nullish(),
  tenantId: z.string().nullish(),
});
export type TeamsUserIdentity = z.infer<typeof TeamsUserIdentitySchema>;

/** An app (a bot, a connector, a workflow) as a message names it. */
export const TeamsAppIdentitySchema = z.object({
  id: z.string().min(1),
  displayName: z.string().nullish(),
  applicationIdentityType: z.string().nullish(),
});

/** chatMessageFromIdentitySet: one of user, application, device is set; null for system events. */
export const TeamsFromSchema = z
  .object({
    user: TeamsUserIdentitySchema.nullish(),
    application: TeamsAppIdentitySchema.nullish(),
    device: z.unknown().nullish(),
  })
  .nullish();

export const TeamsAttachmentSchema = z.object({
  id: z.string().nullish(),
  contentType: z.string().nullish(),
  contentUrl: z.string().nullish(),
  content: z.string().nullish(),
  name: z.string().nullish(),
  thumbnailUrl: z.string().nullish(),
  teamsAppId: z.string().nullish(),
});
export type TeamsAttachment = z.infer<typeof TeamsAttachmentSchema>;

export const TeamsMentionSchema = z.object({
  /** Matches `<at id="0">` in the body; a number in Graph's examples. */
  id: z.union([z.number(), z.string()]),
  mentionText: z.string().nullish(),
  mentioned: z
    .object({
      user: TeamsUserIdentitySchema.nullish(),
      application: TeamsAppIdentitySchema.nullish(),
      conversation: z.unknown().nullish(),
      tag: z.unknown().nullish(),
    })
    .nullish(),
});

export const TeamsReactionSchema = z.object({
  reactionType: z.string(),
  displayName: z.string().nullish(),
  createdDateTime: z.string().nullish(),
  user: z.object({ user: TeamsUserIdentitySchema.nullish() }).nullish(),
});

/** A channel message (a root post or a reply), as list, delta, replies and the notifications return it. */
export const TeamsMessageSchema = z.object({
  id: z.string().min(1),
  replyToId: z.string().nullish(),
  messageType: z.string().nullish(),
  createdDateTime: GraphTimeSchema,
  lastModifiedDateTime: GraphTimeSchema.nullish(),
  lastEditedDateTime: GraphTimeSchema.nullish(),
  deletedDateTime: GraphTimeSchema.nullish(),
  subject: z.string().nullish(),
  importance: z.string().nullish(),
  webUrl: z.string().nullish(),
  from: TeamsFromSchema,
  body: z.object({ contentType: z.string().nullish(), content: z.string().nullish() }).nullish(),
  channelIdentity: z.object({ teamId: z.string().nullish(), channelId: z.string().nullish() }).nullish(),
  attachments: z.array(TeamsAttachmentSchema).nullish(),
  mentions: z.array(TeamsMentionSchema).nullish(),
  reactions: z.array(TeamsReactionSchema).nullish(),
});
export type TeamsMessage = z.infer<typeof TeamsMessageSchema>;

/** What the pull needs of a root message in a page: its id, when it was posted, and its expanded replies. */
export const TeamsRootRefSchema = z.object({
  id: z.string().min(1),
  createdDateTime: z.string().nullish(),
  replies: z.array(ResponseValueSchema).optional(),
  "replies@odata.nextLink": z.string().optional(),
});

/** A page of a collection: list, delta (nextLink or deltaLink), replies, users. */
export const GraphPageSchema = z.object({
  value: z.array(ResponseValueSchema),
  "@odata.nextLink": z.string().optional(),
  "@odata.deltaLink": z.string().optional(),
});
export type GraphPage = z.infer<typeof GraphPageSchema>;

/** The channel, read once for its tenant (the reference for telling guests apart) and its name. */
export const TeamsChannelSchema = z.object({
  id: z.string(),
  displayName: z.string().nullish(),
  tenantId: z.string().nullish(),
  webUrl: z.string().nullish(),
});

/** A directory user, for the email and the guest flag a message does not carry. */
export const GraphUserSchema = z.object({
  id: z.string(),
  displayName: z.string().nullish(),
  mail: z.string().nullish(),
  userPrincipalName: z.string().nullish(),
  userType: z.string().nullish(),
});
export type GraphUser = z.infer<typeof GraphUserSchema>;

/** `{"error": {"code", "message", "innerError": {...}}}`. */
export const GraphErrorBodySchema = z.object({
  error: z.object({ code: z.string().nullish(), message: z.string().nullish() }),
});
