/**
 * The Slack sandbox's workspace: people, channels, messages, threads, reactions, edits and deletions, kept
 * as plain data that `render.ts` turns into Slack's shapes and `app.ts` serves. Tests, the benchmark and the
 * demo build one with the methods here, then change it between passes (post, reply, edit, delete, react).
 *
 *   const data = new SlackDataset({ now: "2026-02-02T09:00:00Z" })
 *     .addUser("ana", { realName: "Ana Lima", email: "ana@acme.dev" })
 *     .addChannel("fal-dev", { members: ["ana"] });
 *   const parent = data.post("fal-dev", { by: "ana", text: "FAL-12 is ready for review" });
 *   data.reply("fal-dev", parent.ts, { by: "ana", text: "deployed to staging" });
 */
import type { JsonValue } from "../../types.ts";

export interface SandboxUser {
  key: string;
  id: string;
  /** The handle (`spengler`). */
  name: string;
  realName: string;
  displayName: string;
  email: string | null;
  isBot: boolean;
  /** A multi-channel guest. */
  isRestricted: boolean;
  /** A single-channel guest. */
  isUltraRestricted: boolean;
  deleted: boolean;
  botId: string | null;
  tz: string;
  updated: number;
  /**
   * A Slack Connect member's own workspace (null: this one's member). Such a person is in no users.list of
   * this workspace; users.info and their messages carry their team.
   */
  team: { id: string; name: string } | null;
  /** Whether users.info says `is_stranger` of a Slack Connect member. */
  stranger: boolean;
}

export interface SandboxReaction {
  name: string;
  users: string[];
}

export interface SandboxMessage {
  channel: string;
  ts: string;
  /** The author's user id; null for an integration's `bot_message`. */
  user: string | null;
  botId: string | null;
  username: string | null;
  text: string;
  subtype: string | null;
  /** For a reply: the parent's ts. */
  threadTs: string | null;
  /** For a parent: its replies, oldest first (deleted ones included, flagged). */
  replies: SandboxMessage[];
  /** A reply also sent to the channel (`thread_broadcast`). */
  broadcast: boolean;
  edited: { user: string; ts: string } | null;
  reactions: SandboxReaction[];
  blocks: JsonValue[] | null;
  attachments: JsonValue[] | null;
  files: JsonValue[] | null;
  deleted: boolean;
  /** Keys left out of, and added to, the rendered object: for the malformed messages tests need. */
  omit: string[];
  extra: Record<string, JsonValue>;
  clientMsgId: string | null;
  /**
   * An app's message metadata (`event_type`, `event_payload`), listed by conversations.history and
   * conversations.replies only with `include_all_metadata` (https://docs.slack.dev/messaging/message-metadata).
   */
  metadata: JsonValue | null;
}

export interface SandboxChannel {
  key: string;
  id: string;
  name: string;
  created: number;
  creator: string;
  isPrivate: boolean;
  isArchived: boolean;
  isGeneral: boolean;
  members: Set<string>;
  topic: string;
  purpose: string;
  /** Top-level messages and replies sent to the channel, oldest first. */
  messages: SandboxMessage[];
  /** Every message of the channel by ts, replies included. */
  byTs: Map<string, SandboxMessage>;
}

export interface PostOptions {
  /** The author's key; omit for an integration's message (`bot`). */
  by?: string;
  text: string;
  subtype?: string;
  /** For `bot_message`: the integration's bot id and name. */
  bot?: { id: string; username: string };
  blocks?: JsonValue[];
  attachments?: JsonValue[];
  files?: Array<{ name: string; title?: string; mimetype?: string }>;
  reactions?: Array<{ name: string; by: string[] }>;
  /** Keys to leave out of the rendered message (`["user"]` for a message with no author). */
  omit?: string[];
  /** Fields added to the rendered message as they are. */
  extra?: Record<string, JsonValue>;
  /** An app's message metadata. */
  metadata?: JsonValue;
}

/** OAuth scopes of the sandbox's bot token unless a test takes some away. */
export const SANDBOX_BOT_SCOPES = [
  "chat:write",
  "channels:history",
  "groups:history",
  "channels:read",
  "groups:read",
  "users:read",
  "users:read.email",
  "reactions:read",
] as const;

const pad = (n: number, width: number) => String(n).padStart(width, "0");

/** A deterministic id of Slack's form: a letter and ten capitals or digits. */
function toSlackId(prefix: string, n: number): string {
  return `${prefix}0${pad(n, 9).replace(/\d/g, (d) => "ABCDEFGHJK"[Number(d)]!)}`;
}

export class SlackDataset {
  readonly team = { id: "T0ACMESLK1", name: "Acme", domain: "acme" };
  readonly botToken: string;
  readonly signingSecret: string;
  readonly appId = "A0THREADLN";
  scopes: Set<string> = new Set(SANDBOX_BOT_SCOPES);
  readonly users = new Map<string, SandboxUser>();
  readonly channels = new Map<string, SandboxChannel>();
  readonly bot: SandboxUser;
  /** The workspace clock, in ms. Every change happens at it; `advance` moves it. */
  now: number;
  private lastMicros = 0n;
  private counter = 0;

  constructor(options: { now?: string; token?: string; signingSecret?: string } = {}) {
    this.now = Date.parse(options.now ?? "2026-02-02T09:00:00Z");
    this.botToken = options.token ?? "xoxb-1111111111-2222222222-sandboxbottoken";
    this.signingSecret = options.signingSecret ?? "8f742231b10e8888abcd99yyyzzz85a5";
    this.bot = this.createUser("threadline", {
      realName: "Threadline",
      displayName: "threadline",
      email: null,
      isBot: true,
    });
    this.bot.botId = "B0THREADLN";
    this.users.set("USLACKBOT", {
      key: "USLACKBOT",
      id: "USLACKBOT",
      name: "slackbot",
      realName: "Slackbot",
      displayName: "Slackbot",
      email: null,
      isBot: false,
      isRestricted: false,
      isUltraRestricted: false,
      deleted: false,
      botId: null,
      tz: "America/Los_Angeles",
      updated: 0,
      team: null,
      stranger: false,
    });
  }

  /** The address auth.test gives: permalinks are built from it. */
  get workspaceUrl(): string {
    return `https://${this.team.domain}.slack.com/`;
  }

  advance(ms: number): this {
    this.now += ms;
    return this;
  }

  /** A new message ts at the clock, later than every ts given before. */
  nextTs(): string {
    let micros = BigInt(this.now) * 1000n;
    if (micros <= this.lastMicros) micros = this.lastMicros + 1n;
    this.lastMicros = micros;
    return `${micros / 1_000_000n}.${String(micros % 1_000_000n).padStart(6, "0")}`;
  }

  private createUser(
    key: string,
    o: {
      realName: string;
      displayName?: string;
      email?: string | null;
      isBot?: boolean;
      guest?: "multi" | "single";
      tz?: string;
      team?: { id: string; name: string };
      stranger?: boolean;
    },
  ): SandboxUser {
    const n = this.users.size + 1;
    const user: SandboxUser = {
      key,
      id: toSlackId("U", n),
      name: key,
      realName: o.realName,
      displayName: o.displayName ?? o.realName.split(" ")[0]!,
      email: o.email === undefined ? `${key}@acme.dev` : o.email,
      isBot: o.isBot ?? false,
      isRestricted: o.guest !== undefined,
      isUltraRestricted: o.guest === "single",
      deleted: false,
      botId: null,
      tz: o.tz ?? "Europe/Berlin",
      updated: Math.floor(this.now / 1000),
      team: o.team ?? null,
      stranger: o.stranger ?? false,
    };
    this.users.set(key, user);
    return user;
  }

  addUser(
    key: string,
    options: {
      realName: string;
      displayName?: string;
      email?: string | null;
      isBot?: boolean;
      guest?: "multi" | "single";
      tz?: string;
    },
  ): this {
    this.createUser(key, options);
    return this;
  }

  /**
   * A member of another organisation's workspace, met in a Slack Connect channel (add them to one with
   * `addChannel`'s members or `join`): their own `team`, `stranger` when users.info says `is_stranger`, and
   * an email only where their organisation shows it (default none).
   */
  addExternalUser(
    key: string,
    options: {
      realName: string;
      displayName?: string;
      team: { id: string; name: string };
      email?: string | null;
      stranger?: boolean;
      tz?: string;
    },
  ): this {
    this.createUser(key, { ...options, email: options.email ?? null });
    return this;
  }

  /** Adds people to a channel (a Slack Connect member joining a shared channel, say). */
  join(channel: string, ...keys: string[]): this {
    const c = this.channel(channel);
    for (const k of keys) c.members.add(this.user(k).id);
    return this;
  }

  /** The workspaces of a channel's members other than this one: the channel is shared with them. */
  externalTeams(c: SandboxChannel): Array<{ id: string; name: string }> {
    const teams = new Map<string, { id: string; name: string }>();
    for (const id of c.members) {
      const team = this.userById(id)?.team;
      if (team) teams.set(team.id, team);
    }
    return [...teams.values()];
  }

  user(key: string): SandboxUser {
    const user = this.users.get(key);
    if (!user) throw new Error(`sandbox: no user ${key}`);
    return user;
  }

  userById(id: string): SandboxUser | undefined {
    for (const u of this.users.values()) if (u.id === id) return u;
    return undefined;
  }

  addChannel(
    name: string,
    options: {
      members?: string[];
      isPrivate?: boolean;
      topic?: string;
      purpose?: string;
      /** Leave the app out of it (its history then answers not_in_channel). */
      withoutBot?: boolean;
      isGeneral?: boolean;
    } = {},
  ): this {
    const n = this.channels.size + 1;
    const members = new Set((options.members ?? []).map((k) => this.user(k).id));
    if (!options.withoutBot) members.add(this.bot.id);
    const creator = options.members?.[0] ? this.user(options.members[0]).id : this.bot.id;
    this.channels.set(name, {
      key: name,
      id: toSlackId(options.isPrivate ? "G" : "C", n),
      name,
      created: Math.floor(this.now / 1000),
      creator,
      isPrivate: options.isPrivate ?? false,
      isArchived: false,
      isGeneral: options.isGeneral ?? false,
      members,
      topic: options.topic ?? "",
      purpose: options.purpose ?? "",
      messages: [],
      byTs: new Map(),
    });
    return this;
  }

  channel(nameOrId: string): SandboxChannel {
    const byName = this.channels.get(nameOrId);
    if (byName) return byName;
    for (const c of this.channels.values()) if (c.id === nameOrId) return c;
    throw new Error(`sandbox: no channel ${nameOrId}`);
  }

  findChannel(id: string): SandboxChannel | undefined {
    for (const c of this.channels.values()) if (c.id === id) return c;
    return undefined;
  }

  message(channel: string, ts: string): SandboxMessage {
    const m = this.channel(channel).byTs.get(ts);
    if (!m) throw new Error(`sandbox: no message ${ts} in ${channel}`);
    return m;
  }

  private newMessage(channel: SandboxChannel, o: PostOptions, threadTs: string | null): SandboxMessage {
    const ts = this.nextTs();
    const author = o.by ? this.user(o.by) : null;
    this.counter++;
    const m: SandboxMessage = {
      channel: channel.id,
      ts,
      user: author?.id ?? null,
      botId: o.bot?.id ?? author?.botId ?? null,
      username: o.bot?.username ?? null,
      text: o.text,
      subtype: o.subtype ?? (o.bot && !author ? "bot_message" : null),
      threadTs,
      replies: [],
      broadcast: false,
      edited: null,
      reactions: (o.reactions ?? []).map((r) => ({ name: r.name, users: r.by.map((k) => this.user(k).id) })),
      blocks: o.blocks ?? null,
      attachments: o.attachments ?? null,
      files: o.files
        ? o.files.map((f, i) => ({
            id: `F0${pad(this.counter, 6)}${i}`,
            name: f.name,
            title: f.title ?? f.name,
            mimetype: f.mimetype ?? "application/octet-stream",
          }))
        : null,
      deleted: false,
      omit: o.omit ?? [],
      extra: o.extra ?? {},
      clientMsgId: author && !author.isBot ? `c0ffee00-0000-4000-8000-${pad(this.counter, 12)}` : null,
      metadata: o.metadata ?? null,
    };
    channel.byTs.set(ts, m);
    return m;
  }

  /** A new top-level message in a channel. */
  post(channel: string, options: PostOptions): SandboxMessage {
    const c = this.channel(channel);
    const m = this.newMessage(c, options, null);
    c.messages.push(m);
    return m;
  }

  /** A reply in the thread of `parentTs`; `broadcast` also sends it to the channel. */
  reply(channel: string, parentTs: string, options: PostOptions & { broadcast?: boolean }): SandboxMessage {
    const c = this.channel(channel);
    const parent = this.message(channel, parentTs);
    if (parent.threadTs !== null) throw new Error("sandbox: reply to the thread's parent, not to a reply");
    const m = this.newMessage(c, options, parent.ts);
    parent.replies.push(m);
    if (options.broadcast) {
      m.broadcast = true;
      m.subtype = "thread_broadcast";
      c.messages.push(m);
    }
    return m;
  }

  /** Changes a message's text, as chat.update does: `edited` says who and when. */
  edit(channel: string, ts: string, text: string, options: { by?: string } = {}): SandboxMessage {
    const m = this.message(channel, ts);
    m.text = text;
    m.edited = { user: options.by ? this.user(options.by).id : (m.user ?? this.bot.id), ts: this.nextTs() };
    return m;
  }

  /** Deletes a message, as chat.delete does. A parent whose replies remain shows as a tombstone. */
  delete(channel: string, ts: string): SandboxMessage {
    const m = this.message(channel, ts);
    m.deleted = true;
    return m;
  }

  react(channel: string, ts: string, name: string, by: string): this {
    const m = this.message(channel, ts);
    const id = this.user(by).id;
    const reaction = m.reactions.find((r) => r.name === name);
    if (reaction) {
      if (!reaction.users.includes(id)) reaction.users.push(id);
    } else m.reactions.push({ name, users: [id] });
    return this;
  }

  unreact(channel: string, ts: string, name: string, by: string): this {
    const m = this.message(channel, ts);
    const id = this.user(by).id;
    const reaction = m.reactions.find((r) => r.name === name);
    if (reaction) reaction.users = reaction.users.filter((u) => u !== id);
    m.reactions = m.reactions.filter((r) => r.users.length > 0);
    return this;
  }

  /** The replies of a parent that are not deleted, oldest first. */
  liveReplies(m: SandboxMessage): SandboxMessage[] {
    return m.replies.filter((r) => !r.deleted);
  }

  /** The messages the app's bot wrote in a channel (replies included), oldest first. */
  botMessages(channel: string): SandboxMessage[] {
    return [...this.channel(channel).byTs.values()].filter((m) => !m.deleted && m.user === this.bot.id);
  }

  /** Every message (replies included) a full read of the channel finds: not deleted, not a system one. */
  countMessages(options: { channel?: string } = {}): number {
    let n = 0;
    for (const c of this.channels.values()) {
      if (options.channel && c.key !== options.channel && c.id !== options.channel) continue;
      for (const m of c.byTs.values()) if (!m.deleted) n++;
    }
    return n;
  }
}
