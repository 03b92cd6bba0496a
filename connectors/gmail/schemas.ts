/**
 * Zod schemas of the parts of the Gmail API's answers this connector reads. Unknown keys are ignored here
 * and kept in the raw records. Shapes from Google's reference:
 *
 * - Message, MessagePart, MessagePartBody, MessagePartHeader:
 *   https://developers.google.com/gmail/api/reference/rest/v1/users.messages#Message
 * - messages.list: https://developers.google.com/gmail/api/reference/rest/v1/users.messages/list
 * - history.list: https://developers.google.com/gmail/api/reference/rest/v1/users.history/list
 * - getProfile: https://developers.google.com/gmail/api/reference/rest/v1/users/getProfile
 * - errors: https://developers.google.com/gmail/api/guides/handle-errors
 */
import { z } from "zod";

export const GmailHeaderSchema = z.object({ name: z.string(), value: z.string() });
export type GmailHeader = z.infer<typeof GmailHeaderSchema>;

export const GmailPartBodySchema = z.object({
  size: z.number().nullish(),
  /** base64url; absent when the content is fetched separately (`attachmentId`) or empty. */
  data: z.string().nullish(),
  attachmentId: z.string().nullish(),
});

export interface GmailMessagePart {
  partId?: string | null | undefined;
  mimeType?: string | null | undefined;
  filename?: string | null | undefined;
  headers?: GmailHeader[] | null | undefined;
  body?: z.infer<typeof GmailPartBodySchema> | null | undefined;
  parts?: GmailMessagePart[] | null | undefined;
}

export const GmailMessagePartSchema: z.ZodType<GmailMessagePart> = z.lazy(() =>
  z.object({
    partId: z.string().nullish(),
    mimeType: z.string().nullish(),
    filename: z.string().nullish(),
    headers: z.array(GmailHeaderSchema).nullish(),
    body: GmailPartBodySchema.nullish(),
    parts: z.array(GmailMessagePartSchema).nullish(),
  }),
);

/** A message as `messages.get?format=full` returns it. `internalDate` is epoch milliseconds as a string. */
export const GmailMessageSchema = z.object({
  id: z.string().min(1),
  threadId: z.string().min(1),
  labelIds: z.array(z.string()).nullish(),
  snippet: z.string().nullish(),
  historyId: z.string().nullish(),
  internalDate: z
    .string()
    .regex(/^\d+$/, "epoch milliseconds")
    .transform((s) => new Date(Number(s))),
  payload: GmailMessagePartSchema,
  sizeEstimate: z.number().nullish(),
});
export type GmailMessage = z.infer<typeof GmailMessageSchema>;

/** What the pull needs of any answer naming a message: its id (and thread). */
export const GmailMessageRefSchema = z.object({ id: z.string().min(1), threadId: z.string().nullish() });

export const GmailListPageSchema = z.object({
  messages: z.array(GmailMessageRefSchema).nullish(),
  nextPageToken: z.string().nullish(),
  resultSizeEstimate: z.number().nullish(),
});

const HistoryMessageSchema = z.object({ message: GmailMessageRefSchema });
/** A `labelsAdded` or `labelsRemoved` entry: the message and the labels that changed on it. */
const HistoryLabelSchema = z.object({
  message: GmailMessageRefSchema,
  labelIds: z.array(z.string()).nullish(),
});

export const GmailHistoryPageSchema = z.object({
  history: z
    .array(
      z.object({
        id: z.string(),
        messagesAdded: z.array(HistoryMessageSchema).nullish(),
        messagesDeleted: z.array(HistoryMessageSchema).nullish(),
        labelsAdded: z.array(HistoryLabelSchema).nullish(),
        labelsRemoved: z.array(HistoryLabelSchema).nullish(),
      }),
    )
    .nullish(),
  nextPageToken: z.string().nullish(),
  /** The mailbox's current history id: where the next pass starts. */
  historyId: z.string().min(1),
});
export type GmailHistoryPage = z.infer<typeof GmailHistoryPageSchema>;

export const GmailProfileSchema = z.object({
  emailAddress: z.string(),
  messagesTotal: z.number().nullish(),
  threadsTotal: z.number().nullish(),
  historyId: z.string().min(1),
});

/** `{"error": {"code", "message", "errors": [{"domain", "reason", "message"}], "status"}}`. */
export const GmailErrorBodySchema = z.object({
  error: z.object({
    code: z.number().nullish(),
    message: z.string().nullish(),
    status: z.string().nullish(),
    errors: z
      .array(
        z.object({
          reason: z.string().nullish(),
          domain: z.string().nullish(),
          message: z.string().nullish(),
        }),
      )
      .nullish(),
  }),
});

/**
 * A draft as drafts.create, drafts.get (`format=metadata`) and drafts.list answer it
 * (https://developers.google.com/gmail/api/reference/rest/v1/users.drafts#Draft): the list gives only the
 * message's id and thread, the others its headers too.
 */
export const GmailDraftSchema = z.object({
  id: z.string().min(1),
  message: z.object({
    id: z.string().min(1),
    threadId: z.string().nullish(),
    labelIds: z.array(z.string()).nullish(),
    payload: z.object({ headers: z.array(GmailHeaderSchema).nullish() }).nullish(),
  }),
});

export const GmailDraftListSchema = z.object({
  drafts: z.array(GmailDraftSchema).nullish(),
  nextPageToken: z.string().nullish(),
  resultSizeEstimate: z.number().nullish(),
});
