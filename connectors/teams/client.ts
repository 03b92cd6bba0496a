/**
 * The Microsoft Graph client for Teams: @microsoft/microsoft-graph-client 3 and @azure/msal-node (the only
 * file that imports them), configured once for the settings and the run.
 *
 * The middleware chain is the SDK's own composition (https://learn.microsoft.com/graph/sdks/customize-client):
 *
 *   GraphAuthorization → RetryHandler → RequestObserver → HTTPMessageHandler
 *
 * - `GraphAuthorization` adds the bearer token (from msal-node's client credentials flow, cached and renewed
 *   by msal, or MS_GRAPH_TOKEN) to requests for the configured Graph origin, and to nothing else. The SDK's
 *   AuthenticationHandler does the same, but only for `https://` hosts, which would leave a local sandbox
 *   (plain HTTP on loopback) unauthenticated.
 * - `RetryHandler` (the SDK's) retries 429, 503 and 504, waiting what `Retry-After` says
 *   (https://learn.microsoft.com/graph/throttling); its `shouldRetry` tells the progress line until when it
 *   waits, and hands a longer wait than `maxInlineWaitMs` back to the sync engine as a `rate_limit` error.
 * - `RequestObserver` counts every request sent (retries included) and gives each one a timeout. Until Graph
 *   has answered once, a host that does not resolve, a refused connection or a TLS failure goes back from it
 *   at once as `unreachable`, naming MS_GRAPH_URL (the RetryHandler retries answers only, never a failed
 *   connection); after the first answer it is `transient`, and the engine resumes the pull.
 *
 * 500 and 502 are not retried here: they come back as `transient` errors and the engine resumes the pull
 * from its last committed page.
 */
import type { ConfidentialClientApplication, INetworkModule, NetworkRequestOptions } from "@azure/msal-node";
import {
  Client,
  type Context,
  GraphClientError,
  GraphError,
  HTTPMessageHandler,
  type Middleware,
  RetryHandler,
  RetryHandlerOptions,
} from "@microsoft/microsoft-graph-client";
import { describeUnreachable, toUnreachable } from "../kit/unreachable.ts";
import type { PullReporter } from "../types.ts";
import { ConnectorError, type ConnectorErrorKind, errorKindOfStatus } from "../types.ts";
import type { TeamsChannelRef, TeamsSettings } from "./config.ts";

export interface TeamsRetryPolicy {
  /** Retries of one request on 429/503/504 before the error goes back to the engine (SDK default 3, at most 10). */
  maxRetries: number;
  /** Seconds between retries when the answer has no Retry-After (SDK default 3). */
  delaySeconds: number;
  /** A longer wait than this goes back to the engine as a `rate_limit` error with its time (default 60 s). */
  maxInlineWaitMs: number;
}

export const DEFAULT_TEAMS_RETRY: TeamsRetryPolicy = {
  maxRetries: 5,
  delaySeconds: 3,
  maxInlineWaitMs: 60_000,
};

export interface TeamsClientOptions {
  settings: TeamsSettings;
  signal: AbortSignal;
  report: Pick<PullReporter, "requests" | "waiting">;
  retry?: Partial<TeamsRetryPolicy>;
  /** Time allowed for one request (default 60 s). */
  timeoutMs?: number;
  /**
   * A client that writes: only a 429 is retried (Graph saved nothing). A 503 or 504 may come after the
   * message was saved, so it goes back to the action, which asks whether the write landed before trying again.
   */
  writes?: boolean;
}

/** The calls the connector makes, each answering the parsed JSON body (to be read with `schemas.ts`). */
export interface TeamsClient {
  /** `GET /teams/{team-id}/channels/{channel-id}`: the channel's tenant and name. */
  fetchChannel(channel: TeamsChannelRef): Promise<unknown>;
  /** `GET …/messages?$top=…&$expand=replies`: the first page of root posts with their replies, newest first. */
  fetchMessages(channel: TeamsChannelRef, top: number): Promise<unknown>;
  /** `GET …/messages/delta?$top=…&$expand=replies[&$filter=lastModifiedDateTime gt …]`: a new round. */
  fetchDelta(channel: TeamsChannelRef, top: number, changedAfter: Date | null): Promise<unknown>;
  /** `GET …/messages/{message-id}/replies?$top=…`: the replies of a root post, when a page did not expand them. */
  fetchReplies(channel: TeamsChannelRef, messageId: string, top: number): Promise<unknown>;
  /** An `@odata.nextLink`, `@odata.deltaLink` or `replies@odata.nextLink`, as Graph returned it. */
  fetchLink(url: string): Promise<unknown>;
  /** `GET /users?$filter=id in (…)&$select=…`: at most 15 ids a request. */
  fetchUsers(ids: readonly string[]): Promise<unknown>;
  /** `POST /subscriptions`: answers the subscription Graph created (after validating the URLs). */
  createSubscription(body: Readonly<Record<string, unknown>>): Promise<unknown>;
  /** `PATCH /subscriptions/{id}` with a new `expirationDateTime`: renews and reauthorizes it. */
  renewSubscription(id: string, expiresAt: Date): Promise<unknown>;
  /** `POST /subscriptions/{id}/reauthorize`, no body: answers 204. */
  reauthorizeSubscription(id: string): Promise<void>;
  /** `POST …/messages/{message-id}/replies`: answers the chatMessage created (201). */
  postReply(
    channel: TeamsChannelRef,
    rootId: string,
    body: Readonly<Record<string, unknown>>,
  ): Promise<unknown>;
}

/** A Graph error answer, with the error code Graph gave (`syncStateNotFound`, `InvalidAuthenticationToken`). */
export class GraphRequestError extends ConnectorError {
  readonly graphCode: string | null;
  constructor(
    kind: ConnectorErrorKind,
    detail: string,
    options: { status?: number; retryAt?: Date; cause?: unknown; graphCode?: string | null },
  ) {
    super("teams", kind, detail, options);
    this.graphCode = options.graphCode ?? null;
  }
}

/**
 * Whether Graph refused a delta link and wants a full synchronization: `410 Gone`, or a 4xx with
 * `syncStateNotFound` / `resyncRequired` (https://learn.microsoft.com/graph/delta-query-overview#synchronization-reset).
 */
export function isResyncRequired(err: unknown): boolean {
  if (!(err instanceof GraphRequestError) || err.status === undefined) return false;
  if (err.status === 410) return true;
  return (
    err.status >= 400 && err.status < 500 && /^(syncStateNotFound|resyncRequired)$/i.test(err.graphCode ?? "")
  );
}

/** `Retry-After: 2.128` (seconds) or an HTTP date, in milliseconds from `now`; null without one. */
export function toRetryAfterMs(value: string | null | undefined, now: number): number | null {
  if (value === null || value === undefined || value.trim() === "") return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

// ---------------------------------------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------------------------------------

type TokenSource = () => Promise<string>;
type Msal = typeof import("@azure/msal-node");

// msal-node is loaded on first use: it is most of the connector's start-up time (about 0.4 s), and the
// CLI imports every registered connector whether its source is configured or not.
let msalModule: Promise<Msal> | undefined;
const loadMsal = () => {
  msalModule ??= import("@azure/msal-node");
  return msalModule;
};

const msalApps = new Map<string, ConfidentialClientApplication>();

/**
 * msal-node's requests, through fetch as its own client sends them, except that a failed connection keeps
 * its socket error as the `cause` (msal's own client keeps only the message, so a token authority that does
 * not resolve could not be told from a dropped connection).
 */
function networkClientFor(msal: Msal): INetworkModule {
  async function send<T>(
    url: string,
    method: "GET" | "POST",
    options?: NetworkRequestOptions,
    timeoutMs?: number,
  ) {
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        ...(options?.headers ? { headers: options.headers } : {}),
        ...(method === "POST" ? { body: options?.body ?? "" } : {}),
        ...(timeoutMs ? { signal: AbortSignal.timeout(timeoutMs) } : {}),
      });
    } catch (err) {
      const failure = new msal.AuthError(
        "network_error",
        `Network request failed: ${err instanceof Error ? err.message : String(err)}`,
      );
      failure.cause = err;
      throw failure;
    }
    let body: T;
    try {
      body = (await response.json()) as T;
    } catch (err) {
      throw new msal.AuthError(
        "token_parsing_error",
        `Failed to parse response: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    return { headers: Object.fromEntries(response.headers), body, status: response.status };
  }
  return {
    sendGetRequestAsync: (url, options, timeout) => send(url, "GET", options, timeout),
    sendPostRequestAsync: (url, options) => send(url, "POST", options),
  };
}

/**
 * msal-node accepts only `https://` authorities and, by default, asks login.microsoftonline.com for
 * instance discovery and the authority's OpenID configuration before the first token. The authority host
 * goes in `knownAuthorities` (no instance discovery) and its endpoints in `authorityMetadata` (no
 * discovery request), built from MS_AUTHORITY_URL in the v2.0 endpoints' documented form
 * (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow). The one request
 * msal then makes is the token request itself, to MS_AUTHORITY_URL, which may be a plain-HTTP sandbox.
 * https://github.com/AzureAD/microsoft-authentication-library-for-js/blob/dev/lib/msal-common/docs/performance.md
 */
function msalAppFor(
  msal: Msal,
  settings: TeamsSettings,
  auth: Extract<TeamsSettings["auth"], { kind: "client" }>,
) {
  const key = JSON.stringify([settings.authorityUrl, auth.tenantId, auth.clientId, auth.clientSecret]);
  const cached = msalApps.get(key);
  if (cached) return cached;
  const base = settings.authorityUrl;
  const host = new URL(base).host;
  const tenant = encodeURIComponent(auth.tenantId);
  const app = new msal.ConfidentialClientApplication({
    auth: {
      clientId: auth.clientId,
      clientSecret: auth.clientSecret,
      authority: `https://${host}/${tenant}`,
      knownAuthorities: [host],
      authorityMetadata: JSON.stringify({
        token_endpoint: `${base}/${tenant}/oauth2/v2.0/token`,
        authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${base}/${tenant}/oauth2/v2.0/logout`,
        jwks_uri: `${base}/${tenant}/discovery/v2.0/keys`,
        issuer: `https://${host}/${tenant}/v2.0`,
      }),
    },
    system: {
      networkClient: networkClientFor(msal),
      loggerOptions: { logLevel: msal.LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => {} },
    },
  });
  msalApps.set(key, app);
  return app;
}

/** msal's failure as a typed error; a token authority that has never answered is `unreachable`. */
function tokenError(msal: Msal, settings: TeamsSettings, err: unknown, reached: boolean): ConnectorError {
  const { ServerError } = msal;
  const where = `${settings.authorityUrl}/…/oauth2/v2.0/token`;
  const unreachable = toUnreachable(err);
  if (unreachable) {
    return new ConnectorError(
      "teams",
      reached ? "transient" : "unreachable",
      describeUnreachable(unreachable, "MS_AUTHORITY_URL", where),
      { cause: err },
    );
  }
  const code = err instanceof Error && "errorCode" in err ? String(err.errorCode) : "";
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof ServerError && !(err.status !== undefined && err.status >= 500)) {
    return new ConnectorError(
      "teams",
      "auth",
      `the token request to ${where} was refused (${message}): check MS_TENANT_ID, MS_CLIENT_ID and MS_CLIENT_SECRET (a client secret's value, not its id; secrets expire)`,
      { cause: err, ...(err.status !== undefined ? { status: err.status } : {}) },
    );
  }
  const transient = /network|timeout|timed_out/i.test(code) || err instanceof ServerError;
  return new ConnectorError(
    "teams",
    transient ? "transient" : "invalid",
    `no token from ${where}: ${message}${transient ? "" : ": check MS_AUTHORITY_URL"}`,
    { cause: err },
  );
}

/** Where the bearer token comes from: msal-node's client credentials flow, or MS_GRAPH_TOKEN. */
function tokenSourceFor(settings: TeamsSettings): TokenSource {
  const auth = settings.auth;
  if (auth.kind === "token") return async () => auth.token;
  const scopes = [`${settings.graphUrl}/.default`];
  // Whether the token authority has answered (a token or a refusal) for this client.
  let reached = false;
  return async () => {
    const msal = await loadMsal();
    const app = msalAppFor(msal, settings, auth);
    let result: Awaited<ReturnType<ConfidentialClientApplication["acquireTokenByClientCredential"]>>;
    try {
      // Served from msal's in-memory cache until the token is about to expire.
      result = await app.acquireTokenByClientCredential({ scopes });
    } catch (err) {
      const error = tokenError(msal, settings, err, reached);
      if (err instanceof msal.ServerError) reached = true;
      throw error;
    }
    reached = true;
    if (!result?.accessToken)
      throw new ConnectorError("teams", "auth", "the token endpoint answered without an access token");
    return result.accessToken;
  };
}

// ---------------------------------------------------------------------------------------------------------
// Middleware
// ---------------------------------------------------------------------------------------------------------

const requestUrl = (request: Context["request"]): string =>
  typeof request === "string" ? request : request.url;

function setHeader(context: Context, name: string, value: string): void {
  const options = context.options ?? {};
  context.options = options;
  const headers = options.headers;
  if (headers instanceof Headers) headers.set(name, value);
  else if (Array.isArray(headers)) headers.push([name, value]);
  else options.headers = { ...(headers ?? {}), [name]: value };
}

/** A failure of ours inside the chain, carried through the SDK (which rethrows GraphClientError as is). */
function carry(error: ConnectorError): GraphClientError {
  const carrier = new GraphClientError(error.message);
  carrier.customError = error;
  return carrier;
}

class GraphAuthorization implements Middleware {
  private next: Middleware | undefined;
  constructor(
    private readonly origin: string,
    private readonly token: TokenSource,
  ) {}
  async execute(context: Context): Promise<void> {
    const url = requestUrl(context.request);
    if (new URL(url).origin !== this.origin) {
      throw carry(
        new ConnectorError(
          "teams",
          "invalid",
          `refusing to send the Graph token to ${url}: not MS_GRAPH_URL's host`,
        ),
      );
    }
    let token: string;
    try {
      token = await this.token();
    } catch (err) {
      throw carry(
        err instanceof ConnectorError
          ? err
          : new ConnectorError(
              "teams",
              "auth",
              `no Graph token: ${err instanceof Error ? err.message : String(err)}`,
              {
                cause: err,
              },
            ),
      );
    }
    setHeader(context, "Authorization", `Bearer ${token}`);
    await this.next!.execute(context);
  }
  setNext(next: Middleware): void {
    this.next = next;
  }
}

class RequestObserver implements Middleware {
  private next: Middleware | undefined;
  /** Whether Graph has answered any request of this client. */
  private reached = false;
  constructor(
    private readonly signal: AbortSignal,
    private readonly timeoutMs: number,
    private readonly count: () => void,
  ) {}
  async execute(context: Context): Promise<void> {
    const options = context.options ?? {};
    context.options = options;
    options.signal = AbortSignal.any([this.signal, AbortSignal.timeout(this.timeoutMs)]);
    this.count();
    try {
      await this.next!.execute(context);
    } catch (err) {
      // The SDK keeps only the message of a failed connection, so its code is read here.
      const unreachable = toUnreachable(err);
      if (!unreachable || this.signal.aborted) throw err;
      throw carry(
        new ConnectorError(
          "teams",
          this.reached ? "transient" : "unreachable",
          describeUnreachable(unreachable, "MS_GRAPH_URL", requestUrl(context.request)),
          { cause: err },
        ),
      );
    }
    this.reached = true;
  }
  setNext(next: Middleware): void {
    this.next = next;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------------------

function credentialsHint(settings: TeamsSettings): string {
  return settings.auth.kind === "token"
    ? "check MS_GRAPH_TOKEN (access tokens expire after about an hour; prefer MS_TENANT_ID, MS_CLIENT_ID and MS_CLIENT_SECRET)"
    : "check MS_TENANT_ID, MS_CLIENT_ID and MS_CLIENT_SECRET, and that an admin granted consent";
}

function toConnectorError(
  err: unknown,
  url: string,
  settings: TeamsSettings,
  signal: AbortSignal,
): ConnectorError {
  if (err instanceof GraphClientError && err.customError instanceof ConnectorError) return err.customError;
  if (err instanceof ConnectorError) return err;
  if (signal.aborted)
    return new ConnectorError("teams", "transient", "stopped: the run was cancelled", { cause: err });
  if (!(err instanceof GraphError) || err.statusCode <= 0) {
    const message = err instanceof Error ? err.message : String(err);
    return new ConnectorError("teams", "transient", `no answer from ${url}: ${message}`, { cause: err });
  }
  const status = err.statusCode;
  const graphCode = err.code ?? null;
  const where = `${status} from ${url}${graphCode || err.message ? ` (${[graphCode, err.message].filter(Boolean).join(": ")})` : ""}`;
  const options = { status, cause: err, graphCode };
  if (status === 401) return new GraphRequestError("auth", `${where}: ${credentialsHint(settings)}`, options);
  if (status === 403) {
    return new GraphRequestError(
      "forbidden",
      `${where}: the app needs the ChannelMessage.Read.All application permission with admin consent (or ChannelMessage.Read.Group consented in this team)`,
      options,
    );
  }
  if (status === 404) {
    return new GraphRequestError(
      "not_found",
      `${where}: check TEAMS_CHANNELS (teamId/channelId) and MS_GRAPH_URL`,
      options,
    );
  }
  if (status === 429) {
    const waitMs = toRetryAfterMs(err.headers?.get("Retry-After"), Date.now()) ?? 60_000;
    const retryAt = new Date(Date.now() + waitMs);
    return new GraphRequestError(
      "rate_limit",
      `${where}: Graph asks to wait until ${retryAt.toISOString()}`,
      {
        ...options,
        retryAt,
      },
    );
  }
  const kind = errorKindOfStatus(status);
  return new GraphRequestError(
    kind,
    kind === "invalid" ? `${where}: a request Graph did not accept` : where,
    options,
  );
}

// ---------------------------------------------------------------------------------------------------------
// The client
// ---------------------------------------------------------------------------------------------------------

const USER_FIELDS = ["id", "displayName", "mail", "userPrincipalName", "userType"];

/** A Graph client for the settings, with throttling handled and every request counted. */
export function createTeamsClient(options: TeamsClientOptions): TeamsClient {
  const { settings, signal, report } = options;
  const retry = { ...DEFAULT_TEAMS_RETRY, ...options.retry };
  const origin = new URL(settings.graphUrl).origin;
  let waiting = false;

  const retryHandler = new RetryHandler(
    new RetryHandlerOptions(
      retry.delaySeconds,
      retry.maxRetries,
      (delay, attempt, _request, _options, response) => {
        if (signal.aborted) return false;
        if (options.writes && response.status !== 429) return false;
        const afterMs = toRetryAfterMs(response.headers.get("Retry-After"), Date.now());
        // Without Retry-After the SDK waits `delay`, then exponentially longer (RetryHandler.getDelay).
        const waitMs =
          afterMs ?? (attempt >= 1 ? (0.5 * (2 ** (attempt + 1) - 1) + delay) * 1000 : delay * 1000);
        if (waitMs > retry.maxInlineWaitMs) return false;
        waiting = true;
        report.waiting(new Date(Date.now() + waitMs));
        return true;
      },
    ),
  );
  const client = Client.initWithMiddleware({
    baseUrl: `${settings.graphUrl}/`,
    defaultVersion: "v1.0",
    middleware: [
      new GraphAuthorization(origin, tokenSourceFor(settings)),
      retryHandler,
      new RequestObserver(signal, options.timeoutMs ?? 60_000, () => report.requests(1)),
      new HTTPMessageHandler(),
    ],
  });

  async function call<T>(url: string, send: () => Promise<T>): Promise<T> {
    if (signal.aborted) throw new ConnectorError("teams", "transient", "stopped: the run was cancelled");
    try {
      return await send();
    } catch (err) {
      throw toConnectorError(err, url, settings, signal);
    } finally {
      if (waiting) {
        waiting = false;
        report.waiting(null);
      }
    }
  }

  const channelPath = (c: TeamsChannelRef) =>
    `/teams/${encodeURIComponent(c.teamId)}/channels/${encodeURIComponent(c.channelId)}`;

  return {
    // https://learn.microsoft.com/graph/api/channel-get
    fetchChannel: (c) => {
      const path = channelPath(c);
      return call(`${settings.graphUrl}/v1.0${path}`, () =>
        client.api(path).select(["id", "displayName", "tenantId", "webUrl"]).get(),
      );
    },
    // https://learn.microsoft.com/graph/api/channel-list-messages ($top ≤ 50, $expand=replies ≤ 1,000 replies)
    fetchMessages: (c, top) => {
      const path = `${channelPath(c)}/messages`;
      return call(`${settings.graphUrl}/v1.0${path}`, () =>
        client.api(path).top(top).expand("replies").get(),
      );
    },
    // https://learn.microsoft.com/graph/api/chatmessage-delta ($top ≤ 50; $filter on lastModifiedDateTime, gt only)
    fetchDelta: (c, top, changedAfter) => {
      const path = `${channelPath(c)}/messages/delta`;
      return call(`${settings.graphUrl}/v1.0${path}`, () => {
        const request = client.api(path).top(top).expand("replies");
        if (changedAfter) request.filter(`lastModifiedDateTime gt ${changedAfter.toISOString()}`);
        return request.get();
      });
    },
    // https://learn.microsoft.com/graph/api/chatmessage-list-replies ($top ≤ 50)
    fetchReplies: (c, messageId, top) => {
      const path = `${channelPath(c)}/messages/${encodeURIComponent(messageId)}/replies`;
      return call(`${settings.graphUrl}/v1.0${path}`, () => client.api(path).top(top).get());
    },
    // @odata.nextLink / @odata.deltaLink / replies@odata.nextLink: "copy and apply the URL as-is"
    // (https://learn.microsoft.com/graph/paging, https://learn.microsoft.com/graph/delta-query-overview).
    fetchLink: (url) =>
      call(url, () => {
        if (!url.startsWith(`${settings.graphUrl}/`)) {
          throw carry(new ConnectorError("teams", "invalid", `a link outside MS_GRAPH_URL: ${url}`));
        }
        // The SDK parses absolute links only for https hosts; the path after the root works for both.
        const rest = url.slice(settings.graphUrl.length);
        const m = /^\/(v1\.0|beta)(\/.*)$/.exec(rest);
        if (!m)
          throw carry(new ConnectorError("teams", "invalid", `a link Threadline cannot follow: ${url}`));
        return client.api(m[2]!).version(m[1]!).get();
      }),
    // https://learn.microsoft.com/graph/api/user-list ("in" takes at most 15 values:
    // https://developer.microsoft.com/en-us/graph/known-issues/?search=13635)
    fetchUsers: (ids) =>
      call(`${settings.graphUrl}/v1.0/users`, () =>
        client
          .api("/users")
          .filter(`id in (${ids.map((id) => `'${id.replace(/'/g, "''")}'`).join(",")})`)
          .select(USER_FIELDS)
          .get(),
      ),
    // https://learn.microsoft.com/graph/api/subscription-post-subscriptions
    createSubscription: (body) =>
      call(`${settings.graphUrl}/v1.0/subscriptions`, () => client.api("/subscriptions").post(body)),
    // https://learn.microsoft.com/graph/api/subscription-update
    renewSubscription: (id, expiresAt) => {
      const path = `/subscriptions/${encodeURIComponent(id)}`;
      return call(`${settings.graphUrl}/v1.0${path}`, () =>
        client.api(path).patch({ expirationDateTime: expiresAt.toISOString() }),
      );
    },
    // https://learn.microsoft.com/graph/api/chatmessage-post-replies
    postReply: (c, rootId, body) => {
      const path = `${channelPath(c)}/messages/${encodeURIComponent(rootId)}/replies`;
      return call(`${settings.graphUrl}/v1.0${path}`, () => client.api(path).post(body));
    },
    // https://learn.microsoft.com/graph/api/subscription-reauthorize ("Do not supply a request body")
    reauthorizeSubscription: async (id) => {
      const path = `/subscriptions/${encodeURIComponent(id)}/reauthorize`;
      await call(`${settings.graphUrl}/v1.0${path}`, () => client.api(path).post(undefined));
    },
  };
}
