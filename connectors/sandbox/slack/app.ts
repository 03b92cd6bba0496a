/**
 * Slack's Web API over HTTP for the sandbox: the methods a sync client reads, at Slack's paths
 * (`POST|GET /api/<method>`), taking arguments as a query string, a form body (what `@slack/web-api` sends)
 * or a JSON body, with the token as `Authorization: Bearer …` or a `token` argument. Answers are Slack's:
 * HTTP 200 with `{"ok": true, …}` or `{"ok": false, "error": "…"}` (`not_authed`, `invalid_auth`,
 * `channel_not_found`, `not_in_channel`, `thread_not_found`, `user_not_found`, `invalid_cursor`,
 * `missing_scope` with `needed`/`provided`), cursor pagination through `response_metadata.next_cursor`
 * with each method's `limit` default and maximum, and HTTP 429 with `Retry-After` (seconds) and
 * `{"ok": false, "error": "ratelimited"}`.
 *
 * "Limited app" mode plays what Slack does to commercially distributed apps outside the Marketplace since
 * 29 May 2025: conversations.history and conversations.replies give at most 15 messages a page and answer
 * one request a minute per method; anything sooner gets a 429. Tests shorten the minute (`windowMs`).
 * https://docs.slack.dev/apis/web-api/rate-limits · https://docs.slack.dev/reference/methods/conversations.history
 */
import type { Context } from "hono";
import { Hono } from "hono";
import type { JsonValue } from "../../types.ts";
import type { SandboxChannel, SandboxMessage, SlackDataset } from "./dataset.ts";
import { renderChannel, renderMessage, renderUser } from "./render.ts";

/**
 * Page sizes as the method pages state them: conversations.history default 100, "a limit value under 1000"
 * (999); conversations.replies default and maximum 1,000; users.conversations default 100, max 999;
 * users.list "under 1000" (no limit: everything at once); conversations.members default 100, "a limit value
 * under 1000". Limited apps: 15 for history and replies.
 */
export const SLACK_SANDBOX_LIMITS = {
  historyDefault: 100,
  historyMax: 999,
  repliesDefault: 1000,
  repliesMax: 1000,
  channelsDefault: 100,
  channelsMax: 999,
  membersDefault: 100,
  membersMax: 999,
  usersMax: 999,
  limitedPage: 15,
} as const;

/**
 * Slack's body for a 429, sent with `Retry-After` in seconds, for `faults.set([{ status: 429, body:
 * SLACK_RATE_LIMIT_BODY }])` (https://docs.slack.dev/apis/web-api/rate-limits). A refused token or a missing
 * scope is no HTTP error at Slack: it is HTTP 200 with `ok: false` (https://docs.slack.dev/apis/web-api/#errors).
 */
export const SLACK_RATE_LIMIT_BODY = { ok: false, error: "ratelimited" };

export interface LimitedAppMode {
  /** How long one request of a method holds the next one back (Slack: a minute). */
  windowMs: number;
  /** Messages a page at most (Slack: 15). */
  pageMax: number;
  /** The methods it applies to. */
  methods: readonly string[];
}

export const LIMITED_APP: LimitedAppMode = {
  windowMs: 60_000,
  pageMax: SLACK_SANDBOX_LIMITS.limitedPage,
  methods: ["conversations.history", "conversations.replies"],
};

/**
 * A write that fails once: `before` saving anything (Slack refused it) or `after` saving the message (the
 * answer was lost), as HTTP 500/503 or as Slack's own `internal_error` (HTTP 200, `ok: false`; chat.postMessage
 * documents `fatal_error` as "It's possible some aspect of the operation succeeded").
 */
export interface WriteFault {
  when: "before" | "after";
  as: 500 | 503 | "internal_error";
}

/** What a test may change while the sandbox runs. */
export interface SlackSandboxControl {
  limited: LimitedAppMode | null;
  /** Fails the next write (chat.postMessage), then clears itself. */
  failNextWrite?: WriteFault | null;
}

type Params = Record<string, string>;
type JsonObject = { [key: string]: JsonValue };

class SlackApiError extends Error {
  readonly extra: JsonObject;
  constructor(code: string, extra: JsonObject = {}) {
    super(code);
    this.extra = extra;
  }
}

const encodeCursor = (s: string) => Buffer.from(s, "utf8").toString("base64");
function decodeCursor(cursor: string, prefix: string): string {
  const decoded = Buffer.from(cursor, "base64").toString("utf8");
  if (!decoded.startsWith(prefix)) throw new SlackApiError("invalid_cursor");
  return decoded.slice(prefix.length);
}

/** `1512085950.000216` ↔ `1512085950000216`, as Slack's own `next_ts:` cursors write a ts. */
const tsDigits = (ts: string) => ts.replace(".", "");
const digitsTs = (d: string) => {
  if (!/^\d{7,}$/.test(d)) throw new SlackApiError("invalid_cursor");
  return `${d.slice(0, -6)}.${d.slice(-6)}`;
};
const micros = (ts: string) => {
  const [s = "0", f = ""] = ts.split(".");
  return BigInt(s) * 1_000_000n + BigInt(f.padEnd(6, "0").slice(0, 6) || "0");
};

function limitOf(params: Params, fallback: number, max: number): number {
  const raw = params.limit;
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new SlackApiError("invalid_limit");
  if (n === 0) return fallback;
  return Math.min(n, max);
}

const truthy = (v: string | undefined) => v === "true" || v === "1";

/** Which scope a method needs for a channel, Slack's way (public channels: channels:*, private: groups:*). */
function needScope(data: SlackDataset, scope: string) {
  if (!data.scopes.has(scope)) {
    throw new SlackApiError("missing_scope", { needed: scope, provided: [...data.scopes].join(",") });
  }
}

function readableChannel(data: SlackDataset, params: Params, kind: "history" | "read"): SandboxChannel {
  const id = params.channel;
  const channel = id ? data.findChannel(id) : undefined;
  if (!channel) throw new SlackApiError("channel_not_found");
  needScope(data, `${channel.isPrivate ? "groups" : "channels"}:${kind}`);
  if (channel.isPrivate && !channel.members.has(data.bot.id)) throw new SlackApiError("channel_not_found");
  return channel;
}

/** Binary search: the index of the first message with ts > `ts` (or ≥ when `inclusive`). */
function indexAfter(list: readonly SandboxMessage[], ts: bigint, inclusive: boolean): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const t = micros(list[mid]!.ts);
    if (inclusive ? t < ts : t <= ts) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function history(data: SlackDataset, params: Params, pageMax: number | null): JsonObject {
  const channel = readableChannel(data, params, "history");
  if (!channel.members.has(data.bot.id)) throw new SlackApiError("not_in_channel");
  const limit = limitOf(
    params,
    pageMax ?? SLACK_SANDBOX_LIMITS.historyDefault,
    pageMax ?? SLACK_SANDBOX_LIMITS.historyMax,
  );
  const inclusive = truthy(params.inclusive);
  const list = channel.messages;
  // Newest first: walk down from just below `latest` (or the cursor's message) to just above `oldest`.
  let start = list.length - 1;
  if (params.cursor) {
    const from = micros(digitsTs(decodeCursor(params.cursor, "next_ts:")));
    start = indexAfter(list, from, false) - 1;
  } else if (params.latest) {
    start = indexAfter(list, micros(params.latest), !inclusive) - 1;
  }
  const oldest = params.oldest ? micros(params.oldest) : null;
  const below = (m: SandboxMessage) =>
    oldest === null || (inclusive ? micros(m.ts) >= oldest : micros(m.ts) > oldest);
  const messages: JsonValue[] = [];
  let next: SandboxMessage | null = null;
  for (let i = start; i >= 0; i--) {
    const m = list[i]!;
    if (!below(m)) break;
    const rendered = renderMessage(data, m, truthy(params.include_all_metadata));
    if (!rendered) continue;
    if (messages.length === limit) {
      next = m;
      break;
    }
    messages.push(rendered);
  }
  const out: JsonObject = {
    ok: true,
    messages,
    has_more: next !== null,
    pin_count: 0,
    channel_actions_ts: null,
    channel_actions_count: 0,
  };
  if (next) out.response_metadata = { next_cursor: encodeCursor(`next_ts:${tsDigits(next.ts)}`) };
  return out;
}

function replies(data: SlackDataset, params: Params, pageMax: number | null): JsonObject {
  const channel = readableChannel(data, params, "history");
  if (!channel.members.has(data.bot.id)) throw new SlackApiError("not_in_channel");
  if (!params.ts) throw new SlackApiError("thread_not_found");
  let parent = channel.byTs.get(params.ts);
  if (parent?.threadTs) parent = channel.byTs.get(parent.threadTs);
  if (!parent || (parent.deleted && data.liveReplies(parent).length === 0))
    throw new SlackApiError("thread_not_found");
  const limit = limitOf(
    params,
    pageMax ?? SLACK_SANDBOX_LIMITS.repliesDefault,
    pageMax ?? SLACK_SANDBOX_LIMITS.repliesMax,
  );
  const inclusive = truthy(params.inclusive);
  const oldest = params.oldest ? micros(params.oldest) : null;
  const latest = params.latest ? micros(params.latest) : null;
  const from = params.cursor ? micros(digitsTs(decodeCursor(params.cursor, "next_ts:"))) : null;
  const inRange = (m: SandboxMessage) => {
    const t = micros(m.ts);
    if (from !== null && t < from) return false;
    if (oldest !== null && (inclusive ? t < oldest : t <= oldest)) return false;
    if (latest !== null && (inclusive ? t > latest : t >= latest)) return false;
    return true;
  };
  // Oldest first, the parent at the head of the first page.
  const messages: JsonValue[] = [];
  if (!params.cursor) {
    const head = renderMessage(data, parent, truthy(params.include_all_metadata));
    if (head) messages.push(head);
  }
  let next: SandboxMessage | null = null;
  for (const r of parent.replies) {
    if (r.deleted || !inRange(r)) continue;
    if (messages.length >= limit) {
      next = r;
      break;
    }
    const rendered = renderMessage(data, r, truthy(params.include_all_metadata));
    if (rendered) messages.push(rendered);
  }
  const out: JsonObject = { ok: true, messages, has_more: next !== null };
  if (next) out.response_metadata = { next_cursor: encodeCursor(`next_ts:${tsDigits(next.ts)}`) };
  return out;
}

function usersList(data: SlackDataset, params: Params): JsonObject {
  needScope(data, "users:read");
  // The workspace's own people: a Slack Connect member of another workspace is not listed.
  const all = [...data.users.values()]
    .filter((u) => u.team === null)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const limit = limitOf(params, all.length, SLACK_SANDBOX_LIMITS.usersMax);
  const from = params.cursor ? decodeCursor(params.cursor, "user:") : null;
  const rest = from === null ? all : all.filter((u) => u.id >= from);
  const page = rest.slice(0, limit);
  const next = rest[limit];
  return {
    ok: true,
    members: page.map((u) => renderUser(data, u)),
    cache_ts: Math.floor(data.now / 1000),
    response_metadata: { next_cursor: next ? encodeCursor(`user:${next.id}`) : "" },
  };
}

function usersInfo(data: SlackDataset, params: Params): JsonObject {
  needScope(data, "users:read");
  const user = params.user ? data.userById(params.user) : undefined;
  if (!user) throw new SlackApiError("user_not_found");
  return { ok: true, user: renderUser(data, user) };
}

function usersConversations(data: SlackDataset, params: Params): JsonObject {
  const types = new Set((params.types ?? "public_channel").split(",").map((t) => t.trim()));
  if (types.has("public_channel")) needScope(data, "channels:read");
  if (types.has("private_channel")) needScope(data, "groups:read");
  const limit = limitOf(params, SLACK_SANDBOX_LIMITS.channelsDefault, SLACK_SANDBOX_LIMITS.channelsMax);
  const all = [...data.channels.values()]
    .filter((c) => c.members.has(data.bot.id))
    .filter((c) => types.has(c.isPrivate ? "private_channel" : "public_channel"))
    .filter((c) => !(truthy(params.exclude_archived) && c.isArchived))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const from = params.cursor ? decodeCursor(params.cursor, "channel:") : null;
  const rest = from === null ? all : all.filter((c) => c.id >= from);
  const next = rest[limit];
  return {
    ok: true,
    channels: rest.slice(0, limit).map((c) => renderChannel(data, c, false)),
    response_metadata: { next_cursor: next ? encodeCursor(`channel:${next.id}`) : "" },
  };
}

function conversationsInfo(data: SlackDataset, params: Params): JsonObject {
  const channel = readableChannel(data, params, "read");
  return { ok: true, channel: renderChannel(data, channel, true) };
}

/**
 * A channel's members' user ids, in pages (https://docs.slack.dev/reference/methods/conversations.members):
 * channels:read for a public channel, groups:read for a private one, which the bot must be in.
 */
function conversationsMembers(data: SlackDataset, params: Params): JsonObject {
  const channel = readableChannel(data, params, "read");
  const limit = limitOf(params, SLACK_SANDBOX_LIMITS.membersDefault, SLACK_SANDBOX_LIMITS.membersMax);
  const all = [...channel.members].sort();
  const from = params.cursor ? decodeCursor(params.cursor, "member:") : null;
  const rest = from === null ? all : all.filter((id) => id >= from);
  const next = rest[limit];
  return {
    ok: true,
    members: rest.slice(0, limit),
    response_metadata: { next_cursor: next ? encodeCursor(`member:${next}`) : "" },
  };
}

/** chat.postMessage's longest text: "no more than 40,000 characters" (longer is `msg_too_long`). */
const MAX_TEXT = 40_000;

/** Slack's limits on metadata are not published as numbers; the sandbox takes a few kilobytes. */
const MAX_METADATA = 8_000;

function readMetadata(raw: string | undefined): JsonValue | null {
  if (raw === undefined || raw === "") return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new SlackApiError("invalid_metadata_format");
  }
  if (raw.length > MAX_METADATA) throw new SlackApiError("metadata_too_large");
  if (
    typeof parsed !== "object" ||
    parsed === null ||
    typeof Reflect.get(parsed, "event_type") !== "string" ||
    typeof Reflect.get(parsed, "event_payload") !== "object"
  ) {
    throw new SlackApiError("invalid_metadata_schema");
  }
  return parsed as JsonValue;
}

/**
 * A message from the app's bot (https://docs.slack.dev/reference/methods/chat.postMessage): `chat:write`; the
 * bot must be in the channel (`not_in_channel`; a private channel it is not in is `channel_not_found`), unless
 * `chat:write.public` lets it post in a public one; `thread_ts` makes it a reply in that message's thread (a
 * reply's ts puts it in the same thread). The method lists no error for a `thread_ts` that names no
 * message; the sandbox answers conversations.replies' `thread_not_found`.
 */
function postMessage(data: SlackDataset, params: Params): SandboxMessage {
  needScope(data, "chat:write");
  const channel = params.channel ? data.findChannel(params.channel) : undefined;
  if (!channel) throw new SlackApiError("channel_not_found");
  if (!channel.members.has(data.bot.id)) {
    if (channel.isPrivate) throw new SlackApiError("channel_not_found");
    if (!data.scopes.has("chat:write.public")) throw new SlackApiError("not_in_channel");
  }
  if (channel.isArchived) throw new SlackApiError("is_archived");
  const text = params.text ?? "";
  if (!text.trim() && !params.blocks && !params.attachments) throw new SlackApiError("no_text");
  if (text.length > MAX_TEXT) throw new SlackApiError("msg_too_long");
  const metadata = readMetadata(params.metadata);
  const options = { by: data.bot.key, text, ...(metadata !== null ? { metadata } : {}) };
  if (!params.thread_ts) return data.post(channel.key, options);
  let parent = channel.byTs.get(params.thread_ts);
  if (parent?.threadTs) parent = channel.byTs.get(parent.threadTs);
  if (!parent || parent.deleted) throw new SlackApiError("thread_not_found");
  return data.reply(channel.key, parent.ts, options);
}

function authTest(data: SlackDataset): JsonObject {
  return {
    ok: true,
    url: data.workspaceUrl,
    team: data.team.name,
    user: data.bot.name,
    team_id: data.team.id,
    user_id: data.bot.id,
    bot_id: data.bot.botId,
    is_enterprise_install: false,
  };
}

const METHODS: Record<string, (data: SlackDataset, params: Params, pageMax: number | null) => JsonObject> = {
  "auth.test": (data) => authTest(data),
  // Answered by `writeMessage`, which may fail around the save; listed so it is a known method.
  "chat.postMessage": () => ({ ok: true }),
  "conversations.history": history,
  "conversations.replies": replies,
  "conversations.info": conversationsInfo,
  "conversations.members": conversationsMembers,
  "users.conversations": usersConversations,
  "users.list": usersList,
  "users.info": usersInfo,
};

async function readParams(c: Context): Promise<Params> {
  const out: Params = { ...c.req.query() };
  if (c.req.method !== "POST") return out;
  const type = c.req.header("content-type") ?? "";
  if (type.includes("application/json")) {
    const body: unknown = await c.req.json().catch(() => null);
    if (typeof body === "object" && body !== null) {
      for (const [k, v] of Object.entries(body)) out[k] = typeof v === "string" ? v : JSON.stringify(v);
    }
  } else if (type.includes("application/x-www-form-urlencoded") || type.includes("multipart/form-data")) {
    const body = await c.req.parseBody();
    for (const [k, v] of Object.entries(body)) if (typeof v === "string") out[k] = v;
  }
  return out;
}

/** The sandbox's Hono app over `data`; `control` may be changed by a test while it runs. */
export function createSlackSandboxApp(
  data: SlackDataset,
  control: SlackSandboxControl = { limited: null },
): Hono {
  const app = new Hono();
  const lastCall = new Map<string, number>();

  // A fault answered for a write: Slack's 5xx, or its `internal_error` in a 200.
  const faultAnswer = (c: Context, fault: WriteFault, headers: Record<string, string>) =>
    fault.as === "internal_error"
      ? c.json({ ok: false, error: "internal_error" }, 200, headers)
      : c.json({ ok: false, error: "internal_error" }, fault.as, headers);

  const writeMessage = (c: Context, params: Params, headers: Record<string, string>) => {
    const fault = control.failNextWrite ?? null;
    if (fault) control.failNextWrite = null;
    if (fault?.when === "before") return faultAnswer(c, fault, headers);
    let message: SandboxMessage;
    try {
      message = postMessage(data, params);
    } catch (err) {
      if (err instanceof SlackApiError)
        return c.json({ ok: false, error: err.message, ...err.extra }, 200, headers);
      throw err;
    }
    if (fault?.when === "after") return faultAnswer(c, fault, headers);
    const rendered = renderMessage(data, message, true);
    return c.json({ ok: true, channel: message.channel, ts: message.ts, message: rendered }, 200, headers);
  };
  app.all("/api/:method", async (c) => {
    const method = c.req.param("method");
    const headers = { "X-OAuth-Scopes": [...data.scopes].join(",") };
    const handler = METHODS[method];
    if (!handler) return c.json({ ok: false, error: "unknown_method" }, 200, headers);
    const params = await readParams(c);
    const bearer = /^Bearer\s+(.+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
    const token = bearer ?? params.token;
    // Each method lists these errors (https://docs.slack.dev/reference/methods/conversations.history#errors).
    if (!token) return c.json({ ok: false, error: "not_authed" }, 200, headers);
    if (token !== data.botToken) return c.json({ ok: false, error: "invalid_auth" }, 200, headers);

    const limited = control.limited?.methods.includes(method) ? control.limited : null;
    if (limited) {
      const now = Date.now();
      const last = lastCall.get(method);
      if (last !== undefined && now - last < limited.windowMs) {
        const seconds = Math.max(1, Math.ceil((limited.windowMs - (now - last)) / 1000));
        return c.json(SLACK_RATE_LIMIT_BODY, 429, { ...headers, "Retry-After": String(seconds) });
      }
      lastCall.set(method, now);
    }
    if (method === "chat.postMessage") return writeMessage(c, params, headers);
    try {
      return c.json(handler(data, params, limited?.pageMax ?? null), 200, headers);
    } catch (err) {
      if (err instanceof SlackApiError)
        return c.json({ ok: false, error: err.message, ...err.extra }, 200, headers);
      throw err;
    }
  });
  return app;
}
