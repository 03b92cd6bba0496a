/**
 * Microsoft Graph and the Microsoft Entra token endpoint over HTTP, for Teams channel messages: the same
 * paths, shapes, page sizes, paging links, delta rounds and errors as the documentation gives them. Serve it
 * with `startTeamsSandbox`; the harness in front adds 429s and 5xxs on demand and logs every request.
 *
 * - `POST /{tenant}/oauth2/v2.0/token`: the client credentials grant
 *   (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow).
 * - `GET /v1.0/teams/{team-id}/channels/{channel-id}` (https://learn.microsoft.com/graph/api/channel-get).
 * - `GET …/messages?$top&$expand=replies` (https://learn.microsoft.com/graph/api/channel-list-messages): root
 *   posts newest first, 20 a page by default and at most 50, replies expanded up to 1,000 a post with
 *   `replies@odata.nextLink` beyond; `@odata.nextLink` carries `$skiptoken` only (the page size is in it).
 * - `GET …/messages/delta?$top&$expand&$filter=lastModifiedDateTime gt …`
 *   (https://learn.microsoft.com/graph/api/chatmessage-delta): a round of `@odata.nextLink` pages ending with
 *   an `@odata.deltaLink`; a changed reply chain comes back whole; the first round reaches back eight months.
 *   A refused token answers 410 Gone with a Location header, or 400 `syncStateNotFound`
 *   (https://learn.microsoft.com/graph/delta-query-overview).
 * - `GET …/messages/{id}` and `…/messages/{id}/replies?$top` (https://learn.microsoft.com/graph/api/chatmessage-list-replies).
 * - `GET /v1.0/users?$filter=id in (…)&$select` (https://learn.microsoft.com/graph/api/user-list): at most 15
 *   values in `in` (https://developer.microsoft.com/en-us/graph/known-issues/?search=13635).
 *
 * Every Graph request needs `Authorization: Bearer` with a token from the token endpoint (or the data set's
 * static token); errors are `{"error": {"code", "message", "innerError": {date, request-id, client-request-id}}}`.
 */
import { randomUUID } from "node:crypto";
import type { Context } from "hono";
import { Hono } from "hono";
import { type SandboxMention, type SandboxThread, stableGuid, type TeamsDataset } from "./dataset.ts";
import {
  type Json,
  newestFirst,
  renderChannel,
  renderThread as renderExpandedThread,
  renderMessage,
  renderUser,
} from "./render.ts";
import { registerSubscriptionRoutes, SandboxSubscriptions } from "./subscriptions.ts";
import { toSandboxJwt } from "./tokens.ts";

/** Page sizes and limits, as the documentation states them. */
export const TEAMS_SANDBOX_LIMITS = {
  messagesDefaultTop: 20,
  messagesMaxTop: 50,
  deltaDefaultTop: 20,
  deltaMaxTop: 50,
  repliesDefaultTop: 20,
  repliesMaxTop: 50,
  expandedReplies: 1000,
  usersInFilter: 15,
  deltaWindowMonths: 8,
  tokenLifetimeSeconds: 3599,
} as const;

export interface TeamsSandboxOptions {
  /** Replies expanded per root post (default 1,000); tests lower it to exercise `replies@odata.nextLink`. */
  expandedReplies?: number;
  /**
   * Leave out `replies@odata.nextLink` and `replies@odata.count` on a post whose replies were cut at the
   * expansion limit, as Graph sometimes does (microsoftgraph/microsoft-graph-docs-contrib#8819).
   */
  omitRepliesNextLink?: boolean;
  /** The change-notification subscriptions this app serves (default: a new store on the real clock). */
  subscriptions?: SandboxSubscriptions;
  /** What a test changes while it runs (the next write's fault). */
  control?: TeamsSandboxControl;
}

/**
 * A write that fails once: `before` Graph saves anything, or `after` it saved the reply (the answer was
 * lost), with a 5xx and Graph's error body.
 */
export interface TeamsWriteFault {
  when: "before" | "after";
  status: 500 | 503 | 504;
}

export interface TeamsSandboxControl {
  /** Fails the next reply posted, then clears itself. */
  failNextWrite: TeamsWriteFault | null;
}

type Ctx = Context;
type ErrorStatus = 400 | 401 | 403 | 404 | 410 | 500 | 503 | 504;

/**
 * Graph's error body: `error.code` (`InvalidAuthenticationToken` for a 401, `Forbidden` or
 * `Authorization_RequestDenied` for a 403), `error.message`, `error.innerError` with `date`, `request-id` and
 * `client-request-id`. https://learn.microsoft.com/graph/errors#json-representation
 */
function graphError(
  c: Ctx,
  status: ErrorStatus,
  code: string,
  message: string,
  headers: Record<string, string> = {},
) {
  const requestId = randomUUID();
  return c.json(
    {
      error: {
        code,
        message,
        innerError: {
          date: new Date().toISOString().slice(0, 19),
          "request-id": requestId,
          "client-request-id": requestId,
        },
      },
    },
    status,
    headers,
  );
}

/** Microsoft Entra's OAuth error body. */
function aadError(c: Ctx, status: 400 | 401, error: string, code: number, description: string) {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date().toISOString().replace("T", " ").slice(0, 19);
  return c.json(
    {
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}Z`,
      error_codes: [code],
      timestamp: `${timestamp}Z`,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
    status,
  );
}

const encodeToken = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
function decodeToken<T>(token: string): T | null {
  try {
    return JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as T;
  } catch {
    return null;
  }
}

interface ListToken {
  k: "list";
  before: [number, number];
  top: number;
  expand: boolean;
}
interface DeltaPageToken {
  k: "delta";
  g: number;
  after: number;
  upTo: number;
  top: number;
  expand: boolean;
  filter: number | null;
  window: number;
}
interface DeltaLinkToken {
  k: "deltaLink";
  g: number;
  since: number;
  top: number;
  expand: boolean;
}
interface RepliesToken {
  k: "replies";
  offset: number;
  top: number;
}

/** `$top`: the default when absent; an error answer when out of range. */
function topParam(c: Ctx, fallback: number, max: number): number | Response {
  const raw = c.req.query("$top") ?? c.req.query("top");
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    return graphError(c, 400, "BadRequest", `Invalid value '${raw}' for query option '$top'.`);
  }
  if (n > max) {
    return graphError(
      c,
      400,
      "BadRequest",
      `The limit of '${max}' for Top query has been exceeded. The value from the incoming request is '${n}'.`,
    );
  }
  return n;
}

const expandsReplies = (c: Ctx) =>
  (c.req.query("$expand") ?? "")
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .includes("replies");

/** `lastModifiedDateTime gt 2026-01-02T03:04:05.000Z`: the only filter delta supports. */
function deltaFilter(c: Ctx): number | null | Response {
  const raw = c.req.query("$filter");
  if (raw === undefined) return null;
  const m = /^\s*lastModifiedDateTime\s+gt\s+(\S+)\s*$/i.exec(raw);
  const at = m ? Date.parse(m[1]!) : Number.NaN;
  if (Number.isNaN(at)) {
    return graphError(
      c,
      400,
      "BadRequest",
      `Invalid filter clause: only 'lastModifiedDateTime gt <date>' is supported.`,
    );
  }
  return at;
}

const monthsBefore = (ms: number, months: number) => {
  const d = new Date(ms);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.getTime();
};

/** Creates the Graph sandbox app over `data`. */
export function createTeamsSandboxApp(data: TeamsDataset, options: TeamsSandboxOptions = {}): Hono {
  const app = new Hono();
  const expandLimit = options.expandedReplies ?? TEAMS_SANDBOX_LIMITS.expandedReplies;
  const renderThread = (
    d: TeamsDataset,
    t: SandboxThread,
    limit: number,
    link: (id: string, offset: number) => string,
  ) => renderExpandedThread(d, t, limit, link, options.omitRepliesNextLink === true);
  const issued = new Map<string, { expiresAt: number; roles: Set<string> }>();

  // Caches of a channel's threads in each order, rebuilt when the data set changes.
  const sortedCache = new Map<
    string,
    { seq: number; byCreated: SandboxThread[]; byChange: SandboxThread[] }
  >();
  const sorted = (channelId: string) => {
    const cached = sortedCache.get(channelId);
    if (cached && cached.seq === data.seq) return cached;
    const threads = data.threads.get(channelId) ?? [];
    const entry = {
      seq: data.seq,
      byCreated: [...threads].sort(
        (a, b) => b.root.createdAt - a.root.createdAt || Number(b.root.id) - Number(a.root.id),
      ),
      byChange: [...threads].sort((a, b) => a.chainSeq - b.chainSeq),
    };
    sortedCache.set(channelId, entry);
    return entry;
  };

  // -------------------------------------------------------------------------------------------------------
  // The token endpoint
  // -------------------------------------------------------------------------------------------------------
  app.post("/:tenant/oauth2/v2.0/token", async (c) => {
    const form = await c.req.parseBody();
    const field = (name: string) => (typeof form[name] === "string" ? (form[name] as string) : "");
    if (c.req.param("tenant").toLowerCase() !== data.tenantId.toLowerCase()) {
      return aadError(c, 400, "invalid_request", 90002, `Tenant '${c.req.param("tenant")}' not found.`);
    }
    if (field("grant_type") !== "client_credentials") {
      return aadError(
        c,
        400,
        "unsupported_grant_type",
        70003,
        "The app requested an unsupported grant type.",
      );
    }
    if (field("client_id") !== data.clientId) {
      return aadError(
        c,
        400,
        "unauthorized_client",
        700016,
        `Application with identifier '${field("client_id")}' was not found in the directory '${data.tenantId}'.`,
      );
    }
    if (field("client_secret") !== data.clientSecret) {
      return aadError(
        c,
        401,
        "invalid_client",
        7000215,
        `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${data.clientId}'.`,
      );
    }
    if (!/\/\.default$/.test(field("scope"))) {
      return aadError(
        c,
        400,
        "invalid_scope",
        1002012,
        `The provided value for scope ${field("scope")} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
      );
    }
    const token = toSandboxJwt({
      iss: `https://sts.windows.net/${data.tenantId}/`,
      tid: data.tenantId,
      appid: data.clientId,
      idtyp: "app",
      oid: stableGuid("serviceprincipal:threadline"),
      roles: [...data.roles],
    });
    issued.set(token, {
      expiresAt: Date.now() + TEAMS_SANDBOX_LIMITS.tokenLifetimeSeconds * 1000,
      roles: new Set(data.roles),
    });
    return c.json({
      token_type: "Bearer",
      expires_in: TEAMS_SANDBOX_LIMITS.tokenLifetimeSeconds,
      ext_expires_in: TEAMS_SANDBOX_LIMITS.tokenLifetimeSeconds,
      access_token: token,
    });
  });

  // -------------------------------------------------------------------------------------------------------
  // Graph: authentication
  // -------------------------------------------------------------------------------------------------------
  type Principal =
    | { kind: "app"; roles: Set<string> }
    | { kind: "user"; userKey: string; scopes: Set<string> };
  const principalOf = (c: Ctx): Principal | Response => {
    const m = /^Bearer\s+(.+)$/i.exec(c.req.header("authorization") ?? "");
    const grant = m ? data.delegated.get(m[1]!) : undefined;
    if (grant) return { kind: "user", userKey: grant.userKey, scopes: grant.scopes };
    const roles = rolesOf(c);
    return roles instanceof Response ? roles : { kind: "app", roles };
  };
  /** The permissions of the request: an app's roles, or the delegated scopes of a person's token. */
  const rolesOf = (c: Ctx): Set<string> | Response => {
    const header = c.req.header("authorization") ?? "";
    const m = /^Bearer\s+(.+)$/i.exec(header);
    if (!m) return graphError(c, 401, "InvalidAuthenticationToken", "Access token is empty.");
    const grant = data.delegated.get(m[1]!);
    if (grant) return grant.scopes;
    if (m[1] === data.staticToken) return new Set(data.roles);
    const token = issued.get(m[1]!);
    if (!token)
      return graphError(
        c,
        401,
        "InvalidAuthenticationToken",
        "IDX14100: JWT is not well formed, there are no dots (.).",
      );
    if (token.expiresAt < Date.now()) {
      return graphError(
        c,
        401,
        "InvalidAuthenticationToken",
        "Lifetime validation failed, the token is expired.",
      );
    }
    return token.roles;
  };
  const requireChannelRead = (c: Ctx): Response | null => {
    const roles = rolesOf(c);
    if (roles instanceof Response) return roles;
    if (roles.has("ChannelMessage.Read.All") || roles.has("Group.Read.All")) return null;
    return graphError(
      c,
      403,
      "Forbidden",
      `Missing role permissions on the request. API requires one of 'ChannelMessage.Read.All, ChannelMessage.Read.Group, Group.Read.All, Group.ReadWrite.All'. Roles on the request '${[...roles].join(", ")}'.`,
    );
  };

  const channelOf = (c: Ctx) => {
    const teamId = c.req.param("teamId") ?? "";
    const channelId = c.req.param("channelId") ?? "";
    const team = [...data.teams.values()].find((t) => t.id.toLowerCase() === teamId.toLowerCase());
    if (!team) return graphError(c, 404, "NotFound", `No team found with Group Id ${teamId}`);
    const channel = [...data.channels.values()].find((ch) => ch.teamId === team.id && ch.id === channelId);
    if (!channel) return graphError(c, 404, "NotFound", `Channel ${channelId} not found in team ${teamId}.`);
    return channel;
  };

  const origin = (c: Ctx) => new URL(c.req.url).origin;
  const channelUrl = (c: Ctx, teamId: string, channelId: string) =>
    `${origin(c)}/v1.0/teams/${teamId}/channels/${channelId}`;
  const repliesLink = (c: Ctx, teamId: string, channelId: string) => (rootId: string, offset: number) =>
    `${channelUrl(c, teamId, channelId)}/messages/${rootId}/replies?$skiptoken=${encodeToken({ k: "replies", offset, top: TEAMS_SANDBOX_LIMITS.repliesMaxTop } satisfies RepliesToken)}`;

  // -------------------------------------------------------------------------------------------------------
  // Graph: channels and messages
  // -------------------------------------------------------------------------------------------------------
  app.get("/v1.0/teams/:teamId/channels/:channelId", (c) => {
    const denied = requireChannelRead(c);
    if (denied) return denied;
    const channel = channelOf(c);
    if (channel instanceof Response) return channel;
    const body = renderChannel(data, channel);
    const select = c.req
      .query("$select")
      ?.split(",")
      .map((s) => s.trim());
    const context = `${origin(c)}/v1.0/$metadata#teams('${channel.teamId}')/channels`;
    const shown = select
      ? Object.fromEntries(Object.entries(body).filter(([k]) => select.includes(k)))
      : body;
    return c.json({
      "@odata.context": `${context}${select ? `(${select.join(",")})` : ""}/$entity`,
      ...shown,
    });
  });

  app.get("/v1.0/teams/:teamId/channels/:channelId/messages", (c) => {
    const denied = requireChannelRead(c);
    if (denied) return denied;
    const channel = channelOf(c);
    if (channel instanceof Response) return channel;
    const skip = c.req.query("$skiptoken");
    let top: number;
    let expand: boolean;
    let before: [number, number] | null = null;
    if (skip) {
      const token = decodeToken<ListToken>(skip);
      if (token?.k !== "list") return graphError(c, 400, "BadRequest", "Invalid skip token.");
      ({ top, expand, before } = token);
    } else {
      const t = topParam(c, TEAMS_SANDBOX_LIMITS.messagesDefaultTop, TEAMS_SANDBOX_LIMITS.messagesMaxTop);
      if (t instanceof Response) return t;
      top = t;
      expand = expandsReplies(c);
    }
    const all = sorted(channel.id).byCreated;
    const start = before
      ? all.findIndex(
          (t) =>
            t.root.createdAt < before![0] ||
            (t.root.createdAt === before![0] && Number(t.root.id) < before![1]),
        )
      : 0;
    const page = start < 0 ? [] : all.slice(start, start + top);
    const more = start >= 0 && start + top < all.length;
    const link = repliesLink(c, channel.teamId, channel.id);
    const body: { [key: string]: Json } = {
      "@odata.context": `${origin(c)}/v1.0/$metadata#teams('${channel.teamId}')/channels('${encodeURIComponent(channel.id)}')/messages`,
      "@odata.count": page.length,
    };
    if (more) {
      const last = page[page.length - 1]!.root;
      const token: ListToken = { k: "list", before: [last.createdAt, Number(last.id)], top, expand };
      body["@odata.nextLink"] =
        `${channelUrl(c, channel.teamId, channel.id)}/messages?$skiptoken=${encodeToken(token)}`;
    }
    body.value = page.map((t) =>
      expand ? renderThread(data, t, expandLimit, link) : renderMessage(data, t.root),
    );
    return c.json(body);
  });

  app.get("/v1.0/teams/:teamId/channels/:channelId/messages/delta", (c) => {
    const denied = requireChannelRead(c);
    if (denied) return denied;
    const channel = channelOf(c);
    if (channel instanceof Response) return channel;
    const base = `${channelUrl(c, channel.teamId, channel.id)}/messages/delta`;
    const refuse = () =>
      data.deltaRefusal === 410
        ? graphError(
            c,
            410,
            "syncStateNotFound",
            "The sync state generation is not found. The delta token is expired and data must be synchronized again.",
            {
              Location: `${base}?$deltatoken=`,
            },
          )
        : graphError(
            c,
            400,
            "syncStateNotFound",
            "The sync state generation is not found. The delta token is expired and data must be synchronized again.",
          );

    let state: DeltaPageToken;
    const skip = c.req.query("$skiptoken");
    const deltaToken = c.req.query("$deltatoken");
    if (skip) {
      const token = decodeToken<DeltaPageToken>(skip);
      if (token?.k !== "delta") return graphError(c, 400, "BadRequest", "Invalid skip token.");
      if (token.g !== data.deltaGeneration) return refuse();
      state = token;
    } else if (deltaToken) {
      const token = decodeToken<DeltaLinkToken>(deltaToken);
      if (token?.k !== "deltaLink" || token.g !== data.deltaGeneration) return refuse();
      state = {
        k: "delta",
        g: token.g,
        after: token.since,
        upTo: data.seq,
        top: token.top,
        expand: token.expand,
        filter: null,
        window: 0,
      };
    } else {
      const t = topParam(c, TEAMS_SANDBOX_LIMITS.deltaDefaultTop, TEAMS_SANDBOX_LIMITS.deltaMaxTop);
      if (t instanceof Response) return t;
      const filter = deltaFilter(c);
      if (filter instanceof Response) return filter;
      state = {
        k: "delta",
        g: data.deltaGeneration,
        after: 0,
        upTo: data.seq,
        top: t,
        expand: expandsReplies(c),
        filter,
        window: monthsBefore(data.now, TEAMS_SANDBOX_LIMITS.deltaWindowMonths),
      };
    }
    const chains = sorted(channel.id).byChange.filter(
      (t) =>
        t.chainSeq > state.after &&
        t.chainSeq <= state.upTo &&
        (state.filter !== null ? t.chainModifiedAt > state.filter : t.chainModifiedAt >= state.window),
    );
    const page = chains.slice(0, state.top);
    const link = repliesLink(c, channel.teamId, channel.id);
    const body: { [key: string]: Json } = {
      "@odata.context": `${origin(c)}/v1.0/$metadata#Collection(chatMessage)`,
    };
    if (chains.length > state.top) {
      const next: DeltaPageToken = { ...state, after: page[page.length - 1]!.chainSeq };
      body["@odata.nextLink"] = `${base}?$skiptoken=${encodeToken(next)}`;
    } else {
      const next: DeltaLinkToken = {
        k: "deltaLink",
        g: state.g,
        since: state.upTo,
        top: state.top,
        expand: state.expand,
      };
      body["@odata.deltaLink"] = `${base}?$deltatoken=${encodeToken(next)}`;
    }
    body.value = page.map((t) => {
      const rendered = state.expand ? renderThread(data, t, expandLimit, link) : renderMessage(data, t.root);
      return { "@odata.type": "#microsoft.graph.chatMessage", ...rendered };
    });
    return c.json(body);
  });

  const threadOf = (c: Ctx, channelId: string) => {
    const id = c.req.param("messageId") ?? "";
    const thread = (data.threads.get(channelId) ?? []).find((t) => t.root.id === id);
    return thread ?? graphError(c, 404, "NotFound", `Message ${id} not found.`);
  };

  app.get("/v1.0/teams/:teamId/channels/:channelId/messages/:messageId", (c) => {
    const denied = requireChannelRead(c);
    if (denied) return denied;
    const channel = channelOf(c);
    if (channel instanceof Response) return channel;
    const thread = threadOf(c, channel.id);
    if (thread instanceof Response) return thread;
    const link = repliesLink(c, channel.teamId, channel.id);
    return c.json(
      expandsReplies(c) ? renderThread(data, thread, expandLimit, link) : renderMessage(data, thread.root),
    );
  });

  app.get("/v1.0/teams/:teamId/channels/:channelId/messages/:messageId/replies", (c) => {
    const denied = requireChannelRead(c);
    if (denied) return denied;
    const channel = channelOf(c);
    if (channel instanceof Response) return channel;
    const thread = threadOf(c, channel.id);
    if (thread instanceof Response) return thread;
    let offset = 0;
    let top: number;
    const skip = c.req.query("$skiptoken");
    if (skip) {
      const token = decodeToken<RepliesToken>(skip);
      if (token?.k !== "replies") return graphError(c, 400, "BadRequest", "Invalid skip token.");
      ({ offset, top } = token);
    } else {
      const t = topParam(c, TEAMS_SANDBOX_LIMITS.repliesDefaultTop, TEAMS_SANDBOX_LIMITS.repliesMaxTop);
      if (t instanceof Response) return t;
      top = t;
    }
    const replies = newestFirst(thread.replies);
    const page = replies.slice(offset, offset + top);
    const body: { [key: string]: Json } = {
      "@odata.context": `${origin(c)}/v1.0/$metadata#teams('${channel.teamId}')/channels('${encodeURIComponent(channel.id)}')/messages('${thread.root.id}')/replies`,
      "@odata.count": page.length,
    };
    if (offset + top < replies.length) {
      const token: RepliesToken = { k: "replies", offset: offset + top, top };
      body["@odata.nextLink"] =
        `${channelUrl(c, channel.teamId, channel.id)}/messages/${thread.root.id}/replies?$skiptoken=${encodeToken(token)}`;
    }
    body.value = page.map((r) => renderMessage(data, r));
    return c.json(body);
  });

  // -------------------------------------------------------------------------------------------------------
  // Graph: writing a reply
  // -------------------------------------------------------------------------------------------------------
  const control = options.control ?? { failNextWrite: null };

  /**
   * https://learn.microsoft.com/graph/api/chatmessage-post-replies: a delegated token with ChannelMessage.Send
   * (or Group.ReadWrite.All) posts as its person; an app-only token is refused (its Teamwork.Migrate.All
   * imports history only), with the answer Graph gives (MicrosoftDocs/msteams-docs#12992). Only `body` is
   * required; each `<at id="n">` of an HTML body names the entry of `mentions` with that id. Answers 201 and
   * the chatMessage created.
   */
  app.post("/v1.0/teams/:teamId/channels/:channelId/messages/:messageId/replies", async (c) => {
    const principal = principalOf(c);
    if (principal instanceof Response) return principal;
    if (principal.kind === "app") {
      return graphError(
        c,
        401,
        "Unauthorized",
        "Message POST is allowed in application-only context only for import purposes. Refer to https://docs.microsoft.com/microsoftteams/platform/graph-api/import-messages/import-external-messages-to-teams for more details.",
      );
    }
    if (!principal.scopes.has("ChannelMessage.Send") && !principal.scopes.has("Group.ReadWrite.All")) {
      return graphError(
        c,
        403,
        "Forbidden",
        `Missing scope permissions on the request. API requires one of 'ChannelMessage.Send, Group.ReadWrite.All'. Scopes on the request '${[...principal.scopes].join(", ")}'.`,
      );
    }
    const channel = channelOf(c);
    if (channel instanceof Response) return channel;
    const thread = threadOf(c, channel.id);
    if (thread instanceof Response) return thread;
    const payload: unknown = await c.req.json().catch(() => null);
    const body = typeof payload === "object" && payload !== null ? Reflect.get(payload, "body") : undefined;
    const content = typeof body === "object" && body !== null ? Reflect.get(body, "content") : undefined;
    const contentType = typeof body === "object" && body !== null ? Reflect.get(body, "contentType") : "text";
    if (typeof content !== "string" || content.trim() === "") {
      return graphError(c, 400, "BadRequest", "Message body cannot be empty.");
    }
    const mentions: SandboxMention[] = [];
    const given: unknown =
      typeof payload === "object" && payload !== null ? Reflect.get(payload, "mentions") : undefined;
    for (const mention of Array.isArray(given) ? given : []) {
      const id = Number(Reflect.get(mention, "id"));
      const userId: unknown = Reflect.get(Reflect.get(mention, "mentioned") ?? {}, "user")?.id;
      const user = [...data.users.values()].find((u) => u.id === userId);
      if (!user || !Number.isInteger(id) || !content.includes(`<at id="${id}">`)) {
        return graphError(
          c,
          400,
          "BadRequest",
          `Invalid mention with id '${String(Reflect.get(mention, "id"))}'.`,
        );
      }
      mentions.push({
        id,
        text: String(Reflect.get(mention, "mentionText") ?? user.displayName),
        userKey: user.key,
      });
    }
    const fault = control.failNextWrite;
    control.failNextWrite = null;
    const failure = (status: TeamsWriteFault["status"]) =>
      graphError(
        c,
        status,
        status === 500 ? "InternalServerError" : "ServiceUnavailable",
        "Failed to process request.",
      );
    if (fault?.when === "before") return failure(fault.status);
    const reply = data.reply(thread.root.id, {
      from: principal.userKey,
      body: content,
      contentType: contentType === "html" ? "html" : "text",
    });
    reply.mentions = mentions;
    if (fault?.when === "after") return failure(fault.status);
    return c.json(
      {
        "@odata.context": `${origin(c)}/v1.0/$metadata#teams('${channel.teamId}')/channels('${encodeURIComponent(channel.id)}')/messages('${thread.root.id}')/replies/$entity`,
        ...renderMessage(data, reply),
      },
      201,
    );
  });

  // -------------------------------------------------------------------------------------------------------
  // Graph: users
  // -------------------------------------------------------------------------------------------------------
  app.get("/v1.0/users", (c) => {
    const roles = rolesOf(c);
    if (roles instanceof Response) return roles;
    if (!roles.has("User.Read.All") && !roles.has("Directory.Read.All") && !roles.has("User.ReadBasic.All")) {
      return graphError(
        c,
        403,
        "Authorization_RequestDenied",
        "Insufficient privileges to complete the operation.",
      );
    }
    const select =
      c.req
        .query("$select")
        ?.split(",")
        .map((s) => s.trim()) ?? null;
    const filter = c.req.query("$filter");
    const directory = [...data.users.values()].filter((u) => u.userType !== null);
    let users = directory;
    if (filter !== undefined) {
      const m = /^\s*id\s+in\s+\((.*)\)\s*$/i.exec(filter);
      if (!m) return graphError(c, 400, "Request_UnsupportedQuery", "Unsupported Query.");
      const ids = m[1]!
        .split(",")
        .map((s) =>
          s
            .trim()
            .replace(/^'(.*)'$/, "$1")
            .toLowerCase(),
        )
        .filter(Boolean);
      if (ids.length > TEAMS_SANDBOX_LIMITS.usersInFilter) {
        return graphError(
          c,
          400,
          "Request_UnsupportedQuery",
          `Too many child clauses specified in search filter expression containing 'OR' operators: ${ids.length}. Max allowed: ${TEAMS_SANDBOX_LIMITS.usersInFilter}.`,
        );
      }
      users = directory.filter((u) => ids.includes(u.id.toLowerCase()));
    }
    return c.json({
      "@odata.context": `${origin(c)}/v1.0/$metadata#users${select ? `(${select.join(",")})` : ""}`,
      value: users.map((u) => renderUser(u, select)),
    });
  });

  registerSubscriptionRoutes(app, {
    data,
    store: options.subscriptions ?? new SandboxSubscriptions(data),
    requireChannelRead,
    graphError,
  });

  app.notFound((c) => {
    const path = new URL(c.req.url).pathname;
    const segment = path.split("/").filter(Boolean).pop() ?? "";
    return graphError(c, 400, "BadRequest", `Resource not found for the segment '${segment}'.`);
  });

  return app;
}
