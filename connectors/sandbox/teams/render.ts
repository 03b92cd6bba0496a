/**
 * The sandbox's records in Microsoft Graph's shapes, as the documentation's examples show them:
 * chatMessage (https://learn.microsoft.com/graph/api/channel-list-messages, …/chatmessage-delta: every
 * property present, nulls included; `from.user` a teamworkUserIdentity with `userIdentityType` and
 * `tenantId`), channel (https://learn.microsoft.com/graph/api/channel-get), user
 * (https://learn.microsoft.com/graph/api/user-list), and the error body (https://learn.microsoft.com/graph/errors).
 */
import type { SandboxChannel, SandboxMessage, SandboxThread, SandboxUser, TeamsDataset } from "./dataset.ts";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function userIdentity(user: SandboxUser): Json {
  return {
    "@odata.type": "#microsoft.graph.teamworkUserIdentity",
    id: user.id,
    displayName: user.displayName,
    userIdentityType: user.identityType,
    tenantId: user.tenantId,
  };
}

/** `https://teams.microsoft.com/l/message/{channel}/{id}?groupId=…&tenantId=…&createdTime=…&parentMessageId=…`. */
export function messageWebUrl(data: TeamsDataset, message: SandboxMessage): string {
  const parent = message.replyToId ?? message.id;
  return (
    `https://teams.microsoft.com/l/message/${encodeURIComponent(message.channelId)}/${message.id}` +
    `?groupId=${message.teamId}&tenantId=${data.tenantId}&createdTime=${message.createdAt}&parentMessageId=${parent}`
  );
}

/** One chatMessage, as list, delta and replies return it. */
export function renderMessage(data: TeamsDataset, message: SandboxMessage): { [key: string]: Json } {
  if (message.raw) return message.raw as { [key: string]: Json };
  let from: Json = null;
  if (message.from?.kind === "user") {
    from = { application: null, device: null, user: userIdentity(data.user(message.from.key)) };
  } else if (message.from?.kind === "app") {
    const app = data.apps.get(message.from.key)!;
    from = {
      application: {
        "@odata.type": "#microsoft.graph.teamworkApplicationIdentity",
        id: app.id,
        displayName: app.displayName,
        applicationIdentityType: "bot",
      },
      device: null,
      user: null,
    };
  }
  return {
    id: message.id,
    replyToId: message.replyToId,
    etag: String(message.lastModifiedAt),
    messageType: message.messageType,
    createdDateTime: iso(message.createdAt),
    lastModifiedDateTime: iso(message.lastModifiedAt),
    lastEditedDateTime: iso(message.lastEditedAt),
    deletedDateTime: iso(message.deletedAt),
    subject: message.subject,
    summary: null,
    chatId: null,
    importance: message.importance,
    locale: "en-us",
    webUrl: messageWebUrl(data, message),
    policyViolation: null,
    eventDetail: null,
    from,
    body: { contentType: message.contentType, content: message.content },
    channelIdentity: { teamId: message.teamId, channelId: message.channelId },
    attachments: message.attachments,
    mentions: message.mentions.map((m) => ({
      id: m.id,
      mentionText: m.text,
      mentioned: {
        application: null,
        device: null,
        conversation: null,
        user: userIdentity(data.user(m.userKey)),
      },
    })),
    reactions: message.reactions.map((r) => ({
      reactionType: r.type,
      displayName: null,
      reactionContentUrl: null,
      createdDateTime: iso(r.at),
      user: { application: null, device: null, user: userIdentity(data.user(r.userKey)) },
    })),
    messageHistory: [],
  };
}

/** Replies are returned newest first, as in the documentation's `$expand=replies` example. */
export const newestFirst = (replies: readonly SandboxMessage[]) =>
  [...replies].sort((a, b) => b.createdAt - a.createdAt || Number(b.id) - Number(a.id));

/**
 * A root post with its replies expanded: at most `expandLimit` of them, then `replies@odata.nextLink`
 * (https://learn.microsoft.com/graph/api/channel-list-messages#example-3-request-with-top-and-expand-query-options-on-replies).
 */
export function renderThread(
  data: TeamsDataset,
  thread: SandboxThread,
  expandLimit: number,
  repliesNextLink: (rootId: string, offset: number) => string,
  omitNextLink = false,
): { [key: string]: Json } {
  const root = renderMessage(data, thread.root);
  const replies = newestFirst(thread.replies);
  const shown = replies.slice(0, expandLimit);
  const cut = replies.length > expandLimit;
  // Graph sometimes leaves out both annotations on a cut post (microsoft-graph-docs-contrib#8819).
  const out: { [key: string]: Json } =
    cut && omitNextLink ? { ...root } : { ...root, "replies@odata.count": shown.length };
  if (cut && !omitNextLink) out["replies@odata.nextLink"] = repliesNextLink(thread.root.id, expandLimit);
  out.replies = shown.map((r) => renderMessage(data, r));
  return out;
}

export function renderChannel(data: TeamsDataset, channel: SandboxChannel): { [key: string]: Json } {
  return {
    id: channel.id,
    createdDateTime: iso(channel.createdAt),
    displayName: channel.displayName,
    description: null,
    isFavoriteByDefault: null,
    email: "",
    tenantId: data.tenantId,
    webUrl: `https://teams.microsoft.com/l/channel/${encodeURIComponent(channel.id)}/${encodeURIComponent(channel.displayName)}?groupId=${channel.teamId}&tenantId=${data.tenantId}`,
    membershipType: "standard",
  };
}

/** A directory user with its default properties (or those `$select` asks for). */
export function renderUser(user: SandboxUser, select: readonly string[] | null): { [key: string]: Json } {
  const [givenName, ...rest] = user.displayName.split(" ");
  const all: { [key: string]: Json } = {
    businessPhones: [],
    displayName: user.displayName,
    givenName: givenName ?? null,
    jobTitle: null,
    mail: user.mail,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
    surname: rest.join(" ") || null,
    userPrincipalName: user.userPrincipalName,
    id: user.id,
    userType: user.userType,
  };
  if (!select) {
    const { userType: _userType, ...defaults } = all;
    return defaults;
  }
  return Object.fromEntries(Object.entries(all).filter(([k]) => select.includes(k) || k === "id"));
}
