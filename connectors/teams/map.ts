/**
 * Microsoft Teams' API objects to Threadline's model (pure: no I/O, no clock, no settings). The pull yields
 * one kind of raw record:
 *
 * - `message`: one channel message, a root post or a reply (a root without its expanded `replies`, which
 *   are records of their own), with its request's facts in `context`: `teamId`, `channelId`, the channel's
 *   `tenantId` and `channelName`, and what the directory says of the author when it could be asked
 *   (`authorMail`, `authorUpn`, `authorUserType`) → a `chat_message` item in the thread of its root post,
 *   and its author.
 *
 * Who is a guest (a client or stakeholder whatever their email): Graph names the sender's kind in
 * `from.user.userIdentityType` (`aadUser`, `onPremiseAadUser`, `anonymousGuest`, `federatedUser`,
 * `personalMicrosoftAccountUser`, `skypeUser`, `phoneUser`, `emailUser`;
 * https://learn.microsoft.com/graph/api/resources/teamworkuseridentity) and their home `tenantId`. Anyone but
 * an Entra user of the channel's own tenant is a guest, and so is a B2B guest account of that tenant, which
 * only the directory tells apart (`userType: "Guest"`, a `#EXT#` user principal name;
 * https://learn.microsoft.com/entra/external-id/user-properties).
 */
import type { Identity, IdentityRef, ItemMeta, JsonValue, Mapped, MappedItem, RawRecord } from "../types.ts";
import { type TeamsAttachment, type TeamsMessage, TeamsMessageSchema } from "./schemas.ts";
import { toBodyText } from "./text.ts";

/** The message types that are things people wrote; the others are system events (members added, …). */
const PERSON_MESSAGE_TYPES = new Set(["message"]);

/** Identity kinds from outside the channel's tenant, or without an organisation at all. */
const GUEST_IDENTITY_TYPES = new Set([
  "anonymousguest",
  "federateduser",
  "personalmicrosoftaccountuser",
  "skypeuser",
  "phoneuser",
  "emailuser",
  "azurecommunicationservicesuser",
]);

/** Attachment content types this connector knows how to show (name, link or card text). */
const KNOWN_ATTACHMENT_TYPES = new Set([
  "reference",
  "messagereference",
  "forwardedmessagereference",
  "meetingreference",
  "tabreference",
  "application/vnd.microsoft.card.adaptive",
  "application/vnd.microsoft.card.hero",
  "application/vnd.microsoft.card.thumbnail",
  "application/vnd.microsoft.card.o365connector",
  "application/vnd.microsoft.teams.card.o365connector",
  "application/vnd.microsoft.card.codesnippet",
  "application/vnd.microsoft.card.announcement",
  "application/vnd.microsoft.card.fluidembedcard",
]);

/** Item external ids: a channel's message ids are unique in the channel, and channel ids are global. */
export const toMessageExternalId = (channelId: string, messageId: string) => `${channelId}/${messageId}`;

/** The thread of a message: its root post's id in its channel. */
export const toThreadId = (channelId: string, rootId: string) => `${channelId}/${rootId}`;

/** Whether a message is something a person (or an app) wrote, not a system event. */
export function isPersonMessage(message: Pick<TeamsMessage, "messageType">): boolean {
  return PERSON_MESSAGE_TYPES.has((message.messageType ?? "message").toLowerCase());
}

interface MessageContext {
  teamId: string;
  channelId: string;
  tenantId: string | null;
  channelName: string | null;
  authorMail: string | null;
  authorUpn: string | null;
  authorUserType: string | null;
}

function contextOf(record: RawRecord, message: TeamsMessage): MessageContext {
  const c = record.context ?? {};
  const teamId = c.teamId ?? message.channelIdentity?.teamId ?? null;
  const channelId = c.channelId ?? message.channelIdentity?.channelId ?? null;
  if (!teamId || !channelId)
    throw new Error("a Teams message without context.teamId/channelId nor channelIdentity");
  return {
    teamId,
    channelId,
    tenantId: c.tenantId ?? null,
    channelName: c.channelName ?? null,
    authorMail: c.authorMail ?? null,
    authorUpn: c.authorUpn ?? null,
    authorUserType: c.authorUserType ?? null,
  };
}

const isEmail = (s: string) => /^[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+$/.test(s);

/** The author's email: the directory's `mail`, else a user principal name that is an address (not `#EXT#`). */
export function toAuthorEmail(mail: string | null, upn: string | null): string | null {
  if (mail && isEmail(mail.trim())) return mail.trim();
  if (upn && !/#EXT#/i.test(upn) && isEmail(upn.trim())) return upn.trim();
  return null;
}

/** Whether the author is a guest of the channel's organisation (see the module comment). */
export function isGuestAuthor(
  user: { userIdentityType?: string | null | undefined; tenantId?: string | null | undefined },
  context: Pick<MessageContext, "tenantId" | "authorUserType" | "authorUpn">,
): boolean {
  const kind = (user.userIdentityType ?? "").toLowerCase();
  if (GUEST_IDENTITY_TYPES.has(kind)) return true;
  if (user.tenantId && context.tenantId && user.tenantId.toLowerCase() !== context.tenantId.toLowerCase())
    return true;
  if (context.authorUserType && context.authorUserType.toLowerCase() === "guest") return true;
  return !!context.authorUpn && /#EXT#/i.test(context.authorUpn);
}

/** Apps post as `from.application`; their ids live beside user ids, so they get a prefix. */
export const toAppIdentityId = (appId: string) => `app:${appId}`;

function toAuthor(
  message: TeamsMessage,
  context: MessageContext,
): { ref: IdentityRef; identity: Identity } | null {
  const user = message.from?.user;
  if (user) {
    const identity: Identity = {
      source: "teams",
      externalId: user.id,
      displayName: user.displayName ?? null,
      email: toAuthorEmail(context.authorMail, context.authorUpn),
      isGuest: isGuestAuthor(user, context),
      isBot: false,
    };
    return { ref: { source: "teams", externalId: user.id }, identity };
  }
  const app = message.from?.application;
  if (app) {
    const externalId = toAppIdentityId(app.id);
    const identity: Identity = {
      source: "teams",
      externalId,
      displayName: app.displayName ?? null,
      email: null,
      isGuest: false,
      isBot: true,
    };
    return { ref: { source: "teams", externalId }, identity };
  }
  return null;
}

function collectCardText(node: unknown, out: string[], depth = 0): void {
  if (depth > 20 || node === null || typeof node !== "object") return;
  if (Array.isArray(node)) {
    for (const child of node) collectCardText(child, out, depth + 1);
    return;
  }
  for (const [key, value] of Object.entries(node)) {
    if (
      (key === "text" || key === "title" || key === "subtitle" || key === "activityTitle") &&
      typeof value === "string"
    ) {
      out.push(value);
    } else if (typeof value === "object") {
      collectCardText(value, out, depth + 1);
    }
  }
}

/** The text of a card attachment (adaptive, hero, thumbnail, connector): its titles and text blocks. */
export function toCardText(attachment: TeamsAttachment): string {
  const type = (attachment.contentType ?? "").toLowerCase();
  if (!type.startsWith("application/vnd.microsoft.") || !attachment.content) return "";
  let parsed: unknown;
  try {
    parsed = JSON.parse(attachment.content);
  } catch {
    return "";
  }
  const out: string[] = [];
  collectCardText(parsed, out);
  return out
    .map((s) => s.trim())
    .filter(Boolean)
    .join("\n");
}

function toReactions(message: TeamsMessage): ItemMeta["reactions"] {
  const byType = new Map<string, { name: string; count: number; users: string[] }>();
  for (const reaction of message.reactions ?? []) {
    const entry = byType.get(reaction.reactionType) ?? { name: reaction.reactionType, count: 0, users: [] };
    entry.count++;
    const who = reaction.user?.user?.id;
    if (who && !entry.users.includes(who)) entry.users.push(who);
    byType.set(reaction.reactionType, entry);
  }
  return [...byType.values()];
}

function toItem(message: TeamsMessage, context: MessageContext, author: IdentityRef | null): MappedItem {
  const body = toBodyText(message.body);
  const attachments = message.attachments ?? [];
  const cardText = attachments.map(toCardText).filter(Boolean).join("\n\n");
  const text = [body.text, cardText].filter(Boolean).join("\n\n");
  const rootId = message.replyToId ?? message.id;
  const mentions = [
    ...new Set(
      (message.mentions ?? []).flatMap((m) => {
        const id = m.mentioned?.user?.id;
        return id ? [id] : [];
      }),
    ),
  ];
  const meta: ItemMeta = {};
  const subject = message.subject?.trim();
  if (subject) meta.subject = subject;
  if (mentions.length > 0) meta.mentions = mentions;
  const reactions = toReactions(message);
  if (reactions && reactions.length > 0) meta.reactions = reactions;
  if (message.from?.application) meta.isBot = true;
  if (message.replyToId) meta.replyToId = message.replyToId;
  if (message.importance && message.importance !== "normal") meta.importance = message.importance;
  if (context.channelName) meta.channel = context.channelName;
  if (attachments.length > 0) {
    meta.attachments = attachments.map(
      (a): JsonValue => ({
        contentType: a.contentType ?? null,
        name: a.name ?? null,
        url: a.contentUrl ?? null,
      }),
    );
  }
  return {
    externalId: toMessageExternalId(context.channelId, message.id),
    kind: "chat_message",
    author,
    at: message.createdDateTime,
    text,
    url: message.webUrl ?? null,
    threadId: toThreadId(context.channelId, rootId),
    meta,
    parentTaskKey: null,
    editedAt: message.lastEditedDateTime ?? null,
    deletedAt: message.deletedDateTime ?? null,
  };
}

function parseMessage(record: RawRecord): TeamsMessage {
  const parsed = TeamsMessageSchema.safeParse(record.data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new Error(
    `a Teams message Threadline cannot read: ${issue ? `${issue.path.join(".")} ${issue.message}` : "unexpected shape"}`,
  );
}

/** One raw record to model records. Throws on a record type it does not know or a message it cannot read. */
export function mapTeamsRecord(record: RawRecord): Mapped {
  if (record.type !== "message") throw new Error(`unknown Teams record type "${record.type}"`);
  const message = parseMessage(record);
  // System events (members added, channel renamed, …) are no one's words.
  if (!isPersonMessage(message)) return {};
  const context = contextOf(record, message);
  const author = toAuthor(message, context);
  return {
    items: [toItem(message, context, author?.ref ?? null)],
    identities: author ? [author.identity] : [],
  };
}

/**
 * What is odd about a record, in words for the log: reasons it will not become an item or will lose
 * something on the way. Empty for an ordinary message. Pure, so the pull can log what `map` will do.
 */
export function inspectTeamsRecord(
  record: RawRecord,
  parsed: ReturnType<typeof TeamsMessageSchema.safeParse> = TeamsMessageSchema.safeParse(record.data),
): string[] {
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return [
      `unreadable message (${issue ? `${issue.path.join(".") || "message"}: ${issue.message}` : "unexpected shape"})`,
    ];
  }
  const message = parsed.data;
  const reasons: string[] = [];
  if (!isPersonMessage(message)) {
    reasons.push(`a system event (messageType ${message.messageType}), not a message anyone wrote: skipped`);
    return reasons;
  }
  if (!message.from?.user && !message.from?.application)
    reasons.push("no sender (from is empty): kept without an author");
  for (const attachment of message.attachments ?? []) {
    const type = (attachment.contentType ?? "").toLowerCase();
    if (!KNOWN_ATTACHMENT_TYPES.has(type)) {
      reasons.push(
        `unknown attachment content type "${attachment.contentType ?? ""}"${attachment.name ? ` (${attachment.name})` : ""}: kept by name only`,
      );
    }
  }
  const body = toBodyText(message.body);
  if (body.fallback) reasons.push(body.fallback);
  return reasons;
}
