/**
 * The Teams sandbox's data: an organisation (its tenant and app registration), directory users and outside
 * people, apps, teams, channels and their messages, held as plain records and rendered into Graph's shapes
 * on request (`render.ts`). Tests, the benchmark and the demo build a data set with the methods here; the
 * mutation helpers change it the way Teams does: an edit sets `lastEditedDateTime`, a deletion empties the
 * body and sets `deletedDateTime`, a reaction moves only `lastModifiedDateTime`, and any change to a reply
 * chain puts the whole chain back into the next delta round.
 */
import { createHash } from "node:crypto";
import { toSandboxJwt } from "./tokens.ts";

/** How Graph names a sender's kind (teamworkUserIdentity.userIdentityType). */
export type TeamsIdentityType =
  | "aadUser"
  | "onPremiseAadUser"
  | "anonymousGuest"
  | "federatedUser"
  | "personalMicrosoftAccountUser"
  | "skypeUser"
  | "phoneUser"
  | "emailUser";

export interface SandboxUser {
  key: string;
  id: string;
  displayName: string;
  /** The directory's `mail`: null for accounts without a mailbox. */
  mail: string | null;
  userPrincipalName: string | null;
  /** `Member` or `Guest` (a B2B guest account); null for people outside the directory. */
  userType: "Member" | "Guest" | null;
  identityType: TeamsIdentityType;
  /** The tenant the sender belongs to, as messages name it. */
  tenantId: string;
}

export interface SandboxApp {
  key: string;
  id: string;
  displayName: string;
}

export interface SandboxTeam {
  key: string;
  id: string;
  displayName: string;
}

export interface SandboxChannel {
  key: string;
  id: string;
  teamId: string;
  displayName: string;
  createdAt: number;
}

export interface SandboxMention {
  id: number;
  text: string;
  userKey: string;
}

export interface SandboxReaction {
  type: string;
  userKey: string;
  at: number;
}

export interface SandboxMessage {
  id: string;
  teamId: string;
  channelId: string;
  /** The root post's id for a reply; null for a root post. */
  replyToId: string | null;
  from: { kind: "user"; key: string } | { kind: "app"; key: string } | null;
  contentType: "html" | "text";
  content: string;
  subject: string | null;
  importance: "normal" | "high" | "urgent";
  messageType: "message" | "systemEventMessage";
  mentions: SandboxMention[];
  /** chatMessageAttachment objects, as Graph returns them. */
  attachments: Array<Record<string, string | null>>;
  reactions: SandboxReaction[];
  createdAt: number;
  lastModifiedAt: number;
  lastEditedAt: number | null;
  deletedAt: number | null;
  /** The data set's change sequence when this message last changed. */
  seq: number;
  /** Served instead of the rendered message (malformed payloads for tests). */
  raw?: Record<string, unknown>;
}

/** A root post and its replies, oldest reply first. */
export interface SandboxThread {
  root: SandboxMessage;
  replies: SandboxMessage[];
  /** The change sequence of the chain's last change: what delta rounds order and select by. */
  chainSeq: number;
  /** When the chain last changed. */
  chainModifiedAt: number;
}

export interface TeamsDatasetOptions {
  /** The organisation's tenant id (a GUID), the app registration's client id and secret. */
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  /** A ready bearer token the sandbox accepts, for MS_GRAPH_TOKEN. */
  staticToken?: string;
  /** The data set's clock at the start (ISO). */
  now?: string;
  /** The organisation's domain, for user principal names. */
  domain?: string;
}

/** A GUID that is always the same for the same name. */
export function stableGuid(name: string): string {
  const h = createHash("sha1").update(name).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Whom a message mentions, as `{ mention: userKey }` parts between strings: `["Ping ", { mention: "ana" }]`. */
export type MessagePart = string | { mention: string };

export interface PostOptions {
  from: string | { app: string } | null;
  /** HTML body, or parts with mentions (escaped and wrapped in `<p>`). */
  body: string | MessagePart[];
  contentType?: "html" | "text";
  subject?: string | null;
  importance?: SandboxMessage["importance"];
  attachments?: Array<Record<string, string | null>>;
}

/** The delegated permissions a signed-in person's token carries unless a test says otherwise. */
export const SANDBOX_DELEGATED_SCOPES = [
  "ChannelMessage.Read.All",
  "ChannelMessage.Send",
  "User.Read",
  "User.ReadBasic.All",
] as const;

/** A token issued to a person (delegated): who, and the permissions in its `scp`. */
export interface DelegatedGrant {
  userKey: string;
  scopes: Set<string>;
}

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export class TeamsDataset {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly staticToken: string;
  readonly domain: string;
  /** The application permissions granted to the app registration (admin consent). */
  readonly roles = new Set(["ChannelMessage.Read.All", "User.Read.All"]);
  /** Tokens issued to people (`delegatedToken`), by token. */
  readonly delegated = new Map<string, DelegatedGrant>();
  readonly users = new Map<string, SandboxUser>();
  readonly apps = new Map<string, SandboxApp>();
  readonly teams = new Map<string, SandboxTeam>();
  readonly channels = new Map<string, SandboxChannel>();
  /** Threads by channel id, in the order they were posted. */
  readonly threads = new Map<string, SandboxThread[]>();
  private readonly byId = new Map<string, { thread: SandboxThread; message: SandboxMessage }>();
  private readonly usedIds = new Set<string>();
  /** The change sequence: every change to a message takes the next number. */
  seq = 0;
  /** Delta tokens carry the generation they were issued in; older generations are refused (`expireDeltaTokens`). */
  deltaGeneration = 0;
  /** How a refused delta token is answered: 410 Gone, or 400 with `syncStateNotFound`. */
  deltaRefusal: 410 | 400 = 410;
  now: number;

  constructor(options: TeamsDatasetOptions = {}) {
    this.tenantId = options.tenantId ?? stableGuid("tenant:contoso");
    this.clientId = options.clientId ?? stableGuid("app:threadline");
    this.clientSecret = options.clientSecret ?? "sandbox~client~secret";
    this.staticToken =
      options.staticToken ??
      toSandboxJwt(
        {
          iss: `https://sts.windows.net/${this.tenantId}/`,
          tid: this.tenantId,
          appid: this.clientId,
          idtyp: "app",
          oid: stableGuid("serviceprincipal:threadline"),
          roles: [...this.roles],
        },
        7 * 86_400,
      );
    this.domain = options.domain ?? "contoso.com";
    this.now = Date.parse(options.now ?? "2026-02-02T08:00:00Z");
  }

  /** Moves the clock forward. */
  advance(ms: number): this {
    this.now += ms;
    return this;
  }

  /**
   * A person. Defaults: a member of the organisation (`aadUser` of its tenant, in the directory, with a
   * mailbox at its domain). A B2B guest: `{ userType: "Guest", mail: "dana@client.example" }`. Someone
   * from another organisation over external access: `{ identityType: "federatedUser", tenantId: … }`; a
   * member of another organisation in a shared channel (B2B direct connect) is an `aadUser` of their own
   * tenant: `{ tenantId: … }`. Only this tenant's users are in its directory.
   */
  addUser(
    key: string,
    user: Partial<Omit<SandboxUser, "key" | "id">> & { displayName: string; id?: string },
  ): this {
    const userType = user.userType === undefined ? "Member" : user.userType;
    const identityType = user.identityType ?? "aadUser";
    const inDirectory =
      userType !== null &&
      (identityType === "aadUser" || identityType === "onPremiseAadUser") &&
      (user.tenantId ?? this.tenantId) === this.tenantId;
    const mail = user.mail === undefined ? (inDirectory ? `${key}@${this.domain}` : null) : user.mail;
    const upn =
      user.userPrincipalName !== undefined
        ? user.userPrincipalName
        : !inDirectory
          ? null
          : userType === "Guest" && mail
            ? `${mail.replace("@", "_")}#EXT#@${this.domain.split(".")[0]}.onmicrosoft.com`
            : (mail ?? `${key}@${this.domain}`);
    this.users.set(key, {
      key,
      id: user.id ?? stableGuid(`user:${key}`),
      displayName: user.displayName,
      mail,
      userPrincipalName: upn,
      userType: inDirectory ? userType : null,
      identityType,
      tenantId: user.tenantId ?? this.tenantId,
    });
    return this;
  }

  /**
   * A delegated token for a person of the directory, as an app signed in as them gets it: their `oid`, `upn`
   * and `name`, and `scopes` in `scp`. Graph acts as them: what they post is `from.user` them.
   */
  delegatedToken(userKey: string, scopes: readonly string[] = SANDBOX_DELEGATED_SCOPES): string {
    const user = this.user(userKey);
    const token = toSandboxJwt({
      iss: `https://sts.windows.net/${this.tenantId}/`,
      tid: this.tenantId,
      appid: this.clientId,
      idtyp: "user",
      oid: user.id,
      upn: user.userPrincipalName,
      name: user.displayName,
      scp: scopes.join(" "),
    });
    this.delegated.set(token, { userKey, scopes: new Set(scopes) });
    return token;
  }

  /** A bot or connector that posts as `from.application`. */
  addApp(key: string, displayName: string): this {
    this.apps.set(key, { key, id: stableGuid(`teamsapp:${key}`), displayName });
    return this;
  }

  addTeam(key: string, displayName: string): this {
    this.teams.set(key, { key, id: stableGuid(`team:${key}`), displayName });
    return this;
  }

  addChannel(teamKey: string, key: string, displayName: string): this {
    const team = this.team(teamKey);
    const hex = createHash("sha1").update(`channel:${teamKey}:${key}`).digest("hex").slice(0, 32);
    const id = `19:${hex}@thread.tacv2`;
    this.channels.set(key, { key, id, teamId: team.id, displayName, createdAt: this.now });
    this.threads.set(id, []);
    return this;
  }

  user(key: string): SandboxUser {
    const user = this.users.get(key);
    if (!user) throw new Error(`no user "${key}" in the Teams data set`);
    return user;
  }

  team(key: string): SandboxTeam {
    const team = this.teams.get(key);
    if (!team) throw new Error(`no team "${key}" in the Teams data set`);
    return team;
  }

  channel(key: string): SandboxChannel {
    const channel = this.channels.get(key);
    if (!channel) throw new Error(`no channel "${key}" in the Teams data set`);
    return channel;
  }

  /** The channel's scope as TEAMS_CHANNELS names it: `teamId/channelId`. */
  scopeOf(channelKey: string): string {
    const channel = this.channel(channelKey);
    return `${channel.teamId}/${channel.id}`;
  }

  /** A message by id (root post or reply). */
  message(id: string): SandboxMessage {
    const found = this.byId.get(id);
    if (!found) throw new Error(`no message "${id}" in the Teams data set`);
    return found.message;
  }

  thread(rootId: string): SandboxThread {
    const found = this.byId.get(rootId);
    if (!found) throw new Error(`no message "${rootId}" in the Teams data set`);
    return found.thread;
  }

  /** Every message of a channel, roots and replies. */
  messagesOf(channelKey: string): SandboxMessage[] {
    return (this.threads.get(this.channel(channelKey).id) ?? []).flatMap((t) => [t.root, ...t.replies]);
  }

  /** Teams message ids are the creation time in epoch milliseconds, unique in a channel. */
  private nextId(channelId: string): string {
    let ms = this.now;
    while (this.usedIds.has(`${channelId}/${ms}`)) ms++;
    this.usedIds.add(`${channelId}/${ms}`);
    return String(ms);
  }

  private toBody(body: string | MessagePart[]): { content: string; mentions: SandboxMention[] } {
    if (typeof body === "string") return { content: body, mentions: [] };
    const mentions: SandboxMention[] = [];
    const html = body
      .map((part) => {
        if (typeof part === "string") return escapeHtml(part);
        const user = this.user(part.mention);
        const id = mentions.length;
        mentions.push({ id, text: user.displayName, userKey: user.key });
        return `<at id="${id}">${escapeHtml(user.displayName)}</at>`;
      })
      .join("");
    return { content: `<p>${html}</p>`, mentions };
  }

  private newMessage(
    channel: SandboxChannel,
    replyToId: string | null,
    options: PostOptions,
  ): SandboxMessage {
    const from =
      options.from === null
        ? null
        : typeof options.from === "string"
          ? ({ kind: "user", key: this.user(options.from).key } as const)
          : ({ kind: "app", key: options.from.app } as const);
    if (from?.kind === "app" && !this.apps.has(from.key))
      throw new Error(`no app "${from.key}" in the Teams data set`);
    const { content, mentions } = this.toBody(options.body);
    return {
      id: this.nextId(channel.id),
      teamId: channel.teamId,
      channelId: channel.id,
      replyToId,
      from,
      contentType: options.contentType ?? "html",
      content,
      subject: options.subject ?? null,
      importance: options.importance ?? "normal",
      messageType: "message",
      mentions,
      attachments: options.attachments ?? [],
      reactions: [],
      createdAt: this.now,
      lastModifiedAt: this.now,
      lastEditedAt: null,
      deletedAt: null,
      seq: ++this.seq,
    };
  }

  private touch(thread: SandboxThread, message: SandboxMessage): void {
    message.seq = ++this.seq;
    thread.chainSeq = message.seq;
    thread.chainModifiedAt = this.now;
  }

  /** A new root post in a channel. */
  post(channelKey: string, options: PostOptions): SandboxMessage {
    const channel = this.channel(channelKey);
    const root = this.newMessage(channel, null, options);
    const thread: SandboxThread = { root, replies: [], chainSeq: root.seq, chainModifiedAt: this.now };
    this.threads.get(channel.id)!.push(thread);
    this.byId.set(root.id, { thread, message: root });
    return root;
  }

  /** A reply to a root post. */
  reply(rootId: string, options: PostOptions): SandboxMessage {
    const thread = this.thread(rootId);
    const channel = [...this.channels.values()].find((c) => c.id === thread.root.channelId)!;
    const reply = this.newMessage(channel, thread.root.id, options);
    thread.replies.push(reply);
    this.byId.set(`${reply.id}`, { thread, message: reply });
    thread.chainSeq = reply.seq;
    thread.chainModifiedAt = this.now;
    return reply;
  }

  /** A system event in a channel (a member added, the team renamed): a root post nobody wrote. */
  systemEvent(channelKey: string, content = "<systemEventMessage/>"): SandboxMessage {
    const message = this.post(channelKey, { from: null, body: content });
    message.messageType = "systemEventMessage";
    return message;
  }

  /** The author edits a message. */
  edit(id: string, body: string | MessagePart[]): SandboxMessage {
    const found = this.byId.get(id);
    if (!found) throw new Error(`no message "${id}" in the Teams data set`);
    const { content, mentions } = this.toBody(body);
    Object.assign(found.message, { content, mentions, lastEditedAt: this.now, lastModifiedAt: this.now });
    this.touch(found.thread, found.message);
    return found.message;
  }

  /** The author deletes a message: Teams keeps it, empty, with `deletedDateTime`. */
  delete(id: string): SandboxMessage {
    const found = this.byId.get(id);
    if (!found) throw new Error(`no message "${id}" in the Teams data set`);
    Object.assign(found.message, {
      content: "",
      mentions: [],
      attachments: [],
      deletedAt: this.now,
      lastModifiedAt: this.now,
    });
    this.touch(found.thread, found.message);
    return found.message;
  }

  /** Someone reacts (`like`, `heart`, `laugh`, `surprised`, `sad`, `angry`, or an emoji). */
  react(id: string, userKey: string, type = "like"): SandboxMessage {
    const found = this.byId.get(id);
    if (!found) throw new Error(`no message "${id}" in the Teams data set`);
    found.message.reactions.push({ type, userKey: this.user(userKey).key, at: this.now });
    found.message.lastModifiedAt = this.now;
    this.touch(found.thread, found.message);
    return found.message;
  }

  /**
   * A root post served exactly as given, for payloads Graph might send that the builder cannot make:
   * missing fields, unknown types, broken HTML. `replies` given raw are served under it. The sandbox pages
   * and selects it by the time it was injected.
   */
  injectRaw(
    channelKey: string,
    raw: Record<string, unknown>,
    replies: Array<Record<string, unknown>> = [],
  ): SandboxMessage {
    const root = this.post(channelKey, { from: null, body: "" });
    root.raw = raw;
    for (const r of replies) {
      const reply = this.reply(root.id, { from: null, body: "" });
      reply.raw = r;
    }
    return root;
  }

  /** Every delta token issued so far is refused from now on (as when Graph's sync state is gone). */
  expireDeltaTokens(status: 410 | 400 = 410): this {
    this.deltaGeneration++;
    this.deltaRefusal = status;
    return this;
  }
}
