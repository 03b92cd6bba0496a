/**
 * The Gmail API client: `@googleapis/gmail` with the OAuth 2.0 client of its `auth` export (this is the only
 * file that imports them), configured once for the settings and the run.
 *
 * - Auth: `auth.OAuth2` holds the refresh token and gets a new access token from the token endpoint
 *   (GOOGLE_TOKEN_URL, derived from GMAIL_API_URL) before the current one expires; with GMAIL_ACCESS_TOKEN
 *   alone it sends that token as it is.
 * - Retries are gaxios' own (`retryConfig`, the transport under the SDK): 5xx, 408, 429 and a 403 whose
 *   reason is `rateLimitExceeded` or `userRateLimitExceeded` are retried, waiting what `Retry-After` says when
 *   Gmail sends it and a growing pause otherwise (https://developers.google.com/gmail/api/guides/handle-errors
 *   #exponential-backoff). The wait shows on the progress line; a longer one than `maxInlineWaitMs` goes back
 *   to the sync engine as a `rate_limit` error, and the pull resumes from its last committed page.
 * - Full messages come through the batch endpoint (`POST /batch/gmail/v1`, multipart/mixed, at most 100
 *   calls and 50 recommended: https://developers.google.com/gmail/api/guides/batch), which the SDK does not
 *   offer: the request goes through the same OAuth client and transport. Each inner answer has its own
 *   status; throttled or failed inner calls are asked again in the next batch.
 * - Until a host (the API root, the token endpoint) has answered once, a failure to resolve it, a refused
 *   connection or a TLS failure is not retried: it goes back at once as `unreachable`, naming the variable
 *   to check. The token endpoint's requests take the same retry policy (the auth library's own would retry
 *   them three times). After a first answer such a failure is a dropped connection like any other.
 * - Every HTTP request (token refreshes included) is counted in the `fetch` the transport is given, which
 *   also ties the run's abort signal to it.
 */

import { gmail, auth as googleAuth } from "@googleapis/gmail";
import { abortableSleep } from "../kit/abortable-sleep.ts";
import { describeUnreachable, toUnreachable } from "../kit/unreachable.ts";
import type { JsonValue, PullReporter } from "../types.ts";
import { ConnectorError, type ConnectorErrorKind, errorKindOfStatus } from "../types.ts";
import type { GmailMailboxSettings } from "./config.ts";
import { GmailErrorBodySchema } from "./schemas.ts";

export interface GmailRetryPolicy {
  /** Retries of one request (or of one batch's failed calls) before the error goes back to the engine. */
  retries: number;
  /** The first pause without Retry-After; each next one doubles. */
  baseDelayMs: number;
  /** A longer wait than this goes back to the engine as a `rate_limit` error with its time (default 60 s). */
  maxInlineWaitMs: number;
  /** Per-request timeout (default 60 s). */
  timeoutMs: number;
}

export const DEFAULT_GMAIL_RETRY: GmailRetryPolicy = {
  retries: 6,
  baseDelayMs: 1_000,
  maxInlineWaitMs: 60_000,
  timeoutMs: 60_000,
};

/** Calls a batch holds: Google's recommendation ("larger batch sizes are likely to trigger rate limiting"). */
export const GMAIL_BATCH_SIZE = 50;

export interface GmailClientOptions {
  settings: GmailMailboxSettings;
  signal: AbortSignal;
  report: Pick<PullReporter, "requests" | "waiting">;
  retry?: Partial<GmailRetryPolicy>;
  /** Calls per batch request (≤ 100); 1 asks `messages.get` one message a request instead. */
  batchSize?: number;
}

export interface ListParams {
  q: string | null;
  pageToken: string | null;
  maxResults: number;
}

export interface HistoryParams {
  startHistoryId: string;
  pageToken: string | null;
  maxResults: number;
}

/** The full messages of a batch: those Gmail returned, and the ids it no longer has (deleted meanwhile). */
export interface FetchedMessages {
  messages: JsonValue[];
  missing: string[];
}

/** The calls the connector makes, each answering the parsed JSON body (to be read with `schemas.ts`). */
export interface GmailClient {
  /** `GET /gmail/v1/users/{userId}/profile`: the address and the mailbox's current history id. */
  fetchProfile(): Promise<unknown>;
  /** `GET …/messages?q&pageToken&maxResults`: message ids, newest first. */
  fetchMessageList(params: ListParams): Promise<unknown>;
  /** `GET …/history?startHistoryId&historyTypes=(messageAdded, messageDeleted, labelAdded, labelRemoved)&pageToken&maxResults`. */
  fetchHistory(params: HistoryParams): Promise<unknown>;
  /** `GET …/messages/{id}?format=full` for each id, in batches. */
  fetchMessages(ids: readonly string[]): Promise<FetchedMessages>;
  /** The scopes the credentials were granted: Google's token information for the current access token. */
  fetchGrantedScopes(): Promise<string[]>;
  /** `GET …/drafts?maxResults&pageToken`: draft ids with their message's id and thread. */
  fetchDraftList(params: { pageToken: string | null; maxResults: number }): Promise<unknown>;
  /** `GET …/drafts/{id}?format=metadata`: the draft's message with its headers. */
  fetchDraft(id: string): Promise<unknown>;
  /** `POST …/drafts` with the message (`raw`, base64url RFC 822) on a thread; never retried by the transport. */
  createDraft(params: { raw: string; threadId: string | null }): Promise<unknown>;
}

/** A Gmail error answer with the reason Gmail gave (`rateLimitExceeded`, `failedPrecondition`, …). */
export class GmailRequestError extends ConnectorError {
  readonly reason: string | null;
  constructor(
    kind: ConnectorErrorKind,
    detail: string,
    options: { status?: number; retryAt?: Date; cause?: unknown; reason?: string | null },
  ) {
    super("gmail", kind, detail, options);
    this.reason = options.reason ?? null;
  }
}

/** 403 reasons that mean "slow down", not "not allowed". */
const RATE_LIMIT_REASONS = new Set(["ratelimitexceeded", "userratelimitexceeded", "quotaexceeded"]);

/** `Retry-After: 2` (seconds) or an HTTP date, in milliseconds from `now`; null without one. */
export function toRetryAfterMs(value: string | null | undefined, now: number): number | null {
  if (value === null || value === undefined || value.trim() === "") return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** The reason of Gmail's error body (`errors[0].reason`), lower-cased; null when there is none. */
function reasonOf(body: unknown): string | null {
  let value = body;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      return null;
    }
  }
  const parsed = GmailErrorBodySchema.safeParse(value);
  if (!parsed.success) return null;
  return parsed.data.error.errors?.[0]?.reason ?? parsed.data.error.status ?? null;
}

/** Whether an answer asks to retry: 408, 429, 5xx, and 403 with a rate limit reason. */
export function isRetryableAnswer(status: number, body: unknown): boolean {
  if (status === 408 || status === 429 || status >= 500) return true;
  return status === 403 && RATE_LIMIT_REASONS.has((reasonOf(body) ?? "").toLowerCase());
}

/** What the transport's errors carry, read without importing gaxios (a dependency of the SDK, not ours). */
interface TransportError {
  message: string;
  code?: unknown;
  config?: { url?: unknown };
  response?: { status: number; data?: unknown; headers?: { get(name: string): string | null } };
}
const isTransportError = (err: unknown): err is TransportError =>
  err instanceof Error && ("config" in err || "response" in err);

/** The variable that names a URL's host: the token endpoint follows GMAIL_API_URL unless set on its own. */
function variableOf(url: string, settings: GmailMailboxSettings): string {
  if (!url.startsWith(settings.tokenUrl)) return "GMAIL_API_URL";
  return settings.tokenUrl === `${settings.apiUrl}/token`
    ? "GMAIL_API_URL (the token endpoint follows it) or GOOGLE_TOKEN_URL"
    : "GOOGLE_TOKEN_URL";
}

const originOf = (url: string) => (URL.canParse(url) ? new URL(url).origin : url);

function credentialsHint(settings: GmailMailboxSettings): string {
  return settings.auth.kind === "token"
    ? "check GMAIL_ACCESS_TOKEN (access tokens expire after an hour; prefer GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET and GMAIL_REFRESH_TOKEN)"
    : "check GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET and GMAIL_REFRESH_TOKEN (refresh tokens of an app in Testing expire after 7 days)";
}

/**
 * An error of the transport (or of the token endpoint) as a typed connector error. A host that cannot be
 * reached is `unreachable` while it has not answered yet (`reached` says which have), `transient` after.
 */
export function toConnectorError(
  err: unknown,
  where: string,
  settings: GmailMailboxSettings,
  signal: AbortSignal,
  reached: (url: string) => boolean = () => true,
): ConnectorError {
  if (err instanceof ConnectorError) return err;
  if (signal.aborted)
    return new ConnectorError("gmail", "transient", "stopped: the run was cancelled", { cause: err });
  const message = err instanceof Error ? err.message : String(err);
  if (!isTransportError(err) || !err.response) {
    const unreachable = toUnreachable(err);
    if (unreachable) {
      const url = isTransportError(err) && err.config?.url ? String(err.config.url) : where;
      const detail = describeUnreachable(unreachable, variableOf(url, settings), url);
      return new ConnectorError("gmail", reached(url) ? "transient" : "unreachable", detail, { cause: err });
    }
    return new ConnectorError("gmail", "transient", `no answer from ${where}: ${message}`, { cause: err });
  }
  const status = err.response.status;
  const url = typeof err.config?.url === "string" ? err.config.url : String(err.config?.url ?? where);
  if (url.startsWith(settings.tokenUrl)) {
    if (status >= 500 || status === 429) {
      return new ConnectorError(
        "gmail",
        "transient",
        `${status} from the token endpoint ${settings.tokenUrl}`,
        {
          status,
          cause: err,
        },
      );
    }
    // A person's own grant withdrawn (invalid_grant) ends that mailbox only, and is theirs to renew.
    if (settings.connectedScope) {
      return new ConnectorError(
        "gmail",
        "forbidden",
        `the token endpoint ${settings.tokenUrl} refused the grant of ${settings.connectedScope} (${status}: ${message}): its owner reconnects it on their settings page`,
        { status, cause: err },
      );
    }
    return new ConnectorError(
      "gmail",
      "auth",
      `the token endpoint ${settings.tokenUrl} refused the refresh token (${status}: ${message}): ${credentialsHint(settings)}`,
      { status, cause: err },
    );
  }
  const reason = reasonOf(err.response.data);
  const detail = `${status} from ${where}${reason || message ? ` (${[reason, message].filter(Boolean).join(": ")})` : ""}`;
  const options = { status, cause: err, reason };
  const retryAfterMs = toRetryAfterMs(err.response.headers?.get("retry-after"), Date.now());
  if (status === 429 || isRetryableAnswer(status, err.response.data)) {
    if (status === 429 || status === 403) {
      const retryAt = new Date(Date.now() + (retryAfterMs ?? 60_000));
      return new GmailRequestError(
        "rate_limit",
        `${detail}: Gmail asks to wait until ${retryAt.toISOString()}`,
        {
          ...options,
          retryAt,
        },
      );
    }
  }
  if (status === 401 && settings.connectedScope) {
    return new GmailRequestError(
      "forbidden",
      `${detail}: Gmail no longer accepts the grant of ${settings.connectedScope}; its owner reconnects it on their settings page`,
      options,
    );
  }
  if (status === 401)
    return new GmailRequestError("auth", `${detail}: ${credentialsHint(settings)}`, options);
  if (status === 403) {
    return new GmailRequestError(
      "forbidden",
      `${detail}: the OAuth client needs the https://www.googleapis.com/auth/gmail.readonly scope, granted by the mailbox's owner (and the Gmail API enabled in its Google Cloud project)`,
      options,
    );
  }
  if (status === 400) {
    return new GmailRequestError(
      "invalid",
      `${detail}: a request Gmail did not accept${settings.query ? "; check GMAIL_QUERY" : ""}`,
      options,
    );
  }
  const kind = errorKindOfStatus(status);
  return new GmailRequestError(kind, detail, options);
}

// ---------------------------------------------------------------------------------------------------------
// Batch requests (https://developers.google.com/gmail/api/guides/batch)
// ---------------------------------------------------------------------------------------------------------

/** One inner answer of a batch: its Content-ID's index, HTTP status, headers and body. */
export interface BatchAnswer {
  index: number;
  status: number;
  headers: Map<string, string>;
  body: string;
}

/** A batch request body: one `application/http` part per GET, numbered by `Content-ID`. */
export function toBatchBody(paths: readonly string[], boundary: string): string {
  const parts = paths.map(
    (path, i) =>
      `--${boundary}\r\nContent-Type: application/http\r\nContent-ID: <item-${i}>\r\n\r\nGET ${path}\r\nAccept: application/json\r\n\r\n`,
  );
  return `${parts.join("")}--${boundary}--\r\n`;
}

/** A batch answer (multipart/mixed of `application/http` parts) to its inner answers. */
export function parseBatchAnswer(body: string, contentType: string | null): BatchAnswer[] {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? "");
  const boundary = m ? (m[1] ?? m[2]!) : null;
  if (!boundary)
    throw new Error(`a batch answer without a multipart boundary (Content-Type: ${contentType})`);
  const answers: BatchAnswer[] = [];
  for (const chunk of body.split(`--${boundary}`).slice(1)) {
    if (chunk.startsWith("--")) break;
    const part = chunk.replace(/^\r?\n/, "");
    const split = /\r?\n\r?\n/.exec(part);
    if (!split) continue;
    const partHeaders = part.slice(0, split.index);
    const http = part.slice(split.index + split[0].length);
    const id = /^content-id:\s*<?response-item-(\d+)>?\s*$/im.exec(partHeaders);
    const statusLine = /^HTTP\/[\d.]+\s+(\d{3})/.exec(http);
    if (!id || !statusLine) continue;
    const headEnd = /\r?\n\r?\n/.exec(http);
    const head = headEnd ? http.slice(0, headEnd.index) : http;
    const headers = new Map<string, string>();
    for (const line of head.split(/\r?\n/).slice(1)) {
      const colon = line.indexOf(":");
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    answers.push({
      index: Number(id[1]),
      status: Number(statusLine[1]),
      headers,
      body: headEnd ? http.slice(headEnd.index + headEnd[0].length).replace(/\r?\n$/, "") : "",
    });
  }
  return answers;
}

// ---------------------------------------------------------------------------------------------------------
// The client
// ---------------------------------------------------------------------------------------------------------

/** A Gmail client for the settings, with throttling handled and every request counted. */
export function createGmailClient(options: GmailClientOptions): GmailClient {
  const { settings, signal, report } = options;
  const retry = { ...DEFAULT_GMAIL_RETRY, ...options.retry };
  const batchSize = Math.max(1, Math.min(100, options.batchSize ?? GMAIL_BATCH_SIZE));
  const user = settings.user;
  const stopped = () => new ConnectorError("gmail", "transient", "stopped: the run was cancelled");

  // The origins that have answered (any status) in this client's life.
  const answered = new Set<string>();
  const reached = (url: string) => answered.has(originOf(url));

  const countingFetch: typeof fetch = async (input, init) => {
    if (signal.aborted) throw stopped();
    report.requests(1);
    const signals = [signal, ...(init?.signal ? [init.signal] : [])];
    const response = await fetch(input, { ...init, signal: AbortSignal.any(signals) });
    answered.add(originOf(input instanceof Request ? input.url : String(input)));
    return response;
  };

  /** The pause before retry `attempt` (0-based): Retry-After when given, else doubling from the base. */
  const delayFor = (attempt: number, retryAfter: string | null | undefined) =>
    toRetryAfterMs(retryAfter, Date.now()) ?? retry.baseDelayMs * 2 ** attempt;

  const wait = async (ms: number) => {
    report.waiting(new Date(Date.now() + ms));
    try {
      await abortableSleep(ms, signal);
    } finally {
      report.waiting(null);
    }
  };

  const retryConfig = {
    retry: retry.retries,
    noResponseRetries: 2,
    // POST is the batch endpoint, which only reads.
    httpMethodsToRetry: ["GET", "POST"],
    shouldRetry: (err: TransportError & { config: { retryConfig?: { currentRetryAttempt?: number } } }) => {
      if (signal.aborted) return false;
      const attempt = err.config.retryConfig?.currentRetryAttempt ?? 0;
      if (attempt >= retry.retries) return false;
      const response = err.response;
      if (!response && !reached(String(err.config.url ?? "")) && toUnreachable(err)) return false;
      if (!response) return attempt < 2;
      if (!isRetryableAnswer(response.status, response.data)) return false;
      return delayFor(attempt, response.headers?.get("retry-after")) <= retry.maxInlineWaitMs;
    },
    retryBackoff: async (
      err: TransportError & { config: { retryConfig?: { currentRetryAttempt?: number } } },
    ): Promise<void> => {
      const attempt = Math.max(0, (err.config.retryConfig?.currentRetryAttempt ?? 1) - 1);
      await wait(delayFor(attempt, err.response?.headers?.get("retry-after")));
    },
  };

  const oauth = new googleAuth.OAuth2({
    ...(settings.auth.kind === "refresh"
      ? { clientId: settings.auth.clientId, clientSecret: settings.auth.clientSecret }
      : {}),
    endpoints: { oauth2TokenUrl: settings.tokenUrl, tokenInfoUrl: settings.tokenInfoUrl },
    // Merged under each request's options, so the token endpoint's requests retry as the API's do.
    transporterOptions: { fetchImplementation: countingFetch, retryConfig: retryConfig as never },
  });
  oauth.setCredentials(
    settings.auth.kind === "refresh"
      ? { refresh_token: settings.auth.refreshToken }
      : { access_token: settings.auth.token },
  );
  const api = gmail({
    version: "v1",
    auth: oauth,
    rootUrl: `${settings.apiUrl}/`,
    // The SDK's types name gaxios' own error class in these callbacks; ours read the same fields.
    retryConfig: retryConfig as never,
    timeout: retry.timeoutMs,
  });

  async function call<T>(where: string, send: () => Promise<{ data: T }>): Promise<T> {
    if (signal.aborted) throw stopped();
    try {
      return (await send()).data;
    } catch (err) {
      throw toConnectorError(err, where, settings, signal, reached);
    }
  }

  const base = `${settings.apiUrl}/gmail/v1/users/${encodeURIComponent(user)}`;
  const messagePath = (id: string) =>
    `/gmail/v1/users/${encodeURIComponent(user)}/messages/${encodeURIComponent(id)}?format=full`;

  /** One batch of `messages.get`: the inner answers, in the order Gmail gave them. */
  async function sendBatch(ids: readonly string[]) {
    const boundary = `threadline_${Math.random().toString(36).slice(2)}`;
    const where = `${settings.apiUrl}/batch/gmail/v1`;
    const { body, contentType } = await call(where, async () => {
      const response = await oauth.request<string>({
        url: where,
        method: "POST",
        headers: { "Content-Type": `multipart/mixed; boundary=${boundary}` },
        data: toBatchBody(
          ids.map((id) => messagePath(id)),
          boundary,
        ),
        responseType: "text",
        signal,
        timeout: retry.timeoutMs,
        retryConfig: retryConfig as never,
      });
      return { data: { body: response.data, contentType: response.headers.get("content-type") } };
    });
    try {
      return { answers: parseBatchAnswer(body, contentType), where };
    } catch (err) {
      throw new ConnectorError(
        "gmail",
        "invalid",
        `an answer from ${where} Threadline cannot read: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  async function fetchBatched(ids: readonly string[]): Promise<FetchedMessages> {
    const result: FetchedMessages = { messages: [], missing: [] };
    let pending = [...ids];
    for (let attempt = 0; pending.length > 0; attempt++) {
      const again: string[] = [];
      let retryAfter: string | null = null;
      let lastFailure: BatchAnswer | null = null;
      for (let i = 0; i < pending.length; i += batchSize) {
        const chunk = pending.slice(i, i + batchSize);
        const { answers, where } = await sendBatch(chunk);
        const seen = new Set<number>();
        for (const a of answers) {
          const id = chunk[a.index];
          if (id === undefined) continue;
          seen.add(a.index);
          if (a.status === 200) {
            try {
              result.messages.push(JSON.parse(a.body) as JsonValue);
            } catch {
              throw new ConnectorError("gmail", "invalid", `message ${id} from ${where}: not JSON`);
            }
          } else if (a.status === 404) result.missing.push(id);
          else if (isRetryableAnswer(a.status, a.body)) {
            again.push(id);
            lastFailure = a;
            retryAfter = a.headers.get("retry-after") ?? retryAfter;
          } else {
            const reason = reasonOf(a.body);
            throw new GmailRequestError(
              a.status === 401 ? "auth" : errorKindOfStatus(a.status),
              `${a.status} from ${settings.apiUrl}${messagePath(id)}${reason ? ` (${reason})` : ""}${a.status === 401 ? `: ${credentialsHint(settings)}` : ""}`,
              { status: a.status, reason },
            );
          }
        }
        // An inner answer the batch left out is asked again.
        chunk.forEach((id, index) => {
          if (!seen.has(index)) again.push(id);
        });
      }
      if (again.length === 0) break;
      const ms = delayFor(attempt, retryAfter);
      if (attempt >= retry.retries || ms > retry.maxInlineWaitMs) {
        const status = lastFailure?.status ?? 500;
        const limited = status === 429 || status === 403;
        throw new GmailRequestError(
          limited ? "rate_limit" : "transient",
          `${status} from ${settings.apiUrl}/batch/gmail/v1 for ${again.length} message(s) after ${attempt + 1} tries`,
          { status, ...(limited ? { retryAt: new Date(Date.now() + ms) } : {}) },
        );
      }
      await wait(ms);
      if (signal.aborted) throw stopped();
      pending = again;
    }
    return result;
  }

  return {
    // https://developers.google.com/gmail/api/reference/rest/v1/users/getProfile
    fetchProfile: () => call(`${base}/profile`, () => api.users.getProfile({ userId: user }, { signal })),
    // https://developers.google.com/gmail/api/reference/rest/v1/users.messages/list (maxResults ≤ 500)
    fetchMessageList: (p) =>
      call(`${base}/messages`, () =>
        api.users.messages.list(
          {
            userId: user,
            maxResults: p.maxResults,
            ...(p.q ? { q: p.q } : {}),
            ...(p.pageToken ? { pageToken: p.pageToken } : {}),
          },
          { signal },
        ),
      ),
    // https://developers.google.com/gmail/api/reference/rest/v1/users.history/list (maxResults ≤ 500)
    fetchHistory: (p) =>
      call(`${base}/history`, () =>
        api.users.history.list(
          {
            userId: user,
            startHistoryId: p.startHistoryId,
            // Only the types asked for come back; moving to Trash or Spam, and out, are label changes.
            historyTypes: ["messageAdded", "messageDeleted", "labelAdded", "labelRemoved"],
            maxResults: p.maxResults,
            ...(p.pageToken ? { pageToken: p.pageToken } : {}),
          },
          { signal },
        ),
      ),
    // https://developers.google.com/gmail/api/reference/rest/v1/users.messages/get
    fetchMessages: async (ids) => {
      if (ids.length === 0) return { messages: [], missing: [] };
      if (batchSize > 1) return fetchBatched(ids);
      const result: FetchedMessages = { messages: [], missing: [] };
      for (const id of ids) {
        try {
          const data = await call(`${base}/messages/${id}`, () =>
            api.users.messages.get({ userId: user, id, format: "full" }, { signal }),
          );
          result.messages.push(data as JsonValue);
        } catch (err) {
          if (err instanceof ConnectorError && err.kind === "not_found") result.missing.push(id);
          else throw err;
        }
      }
      return result;
    },
    // https://developers.google.com/identity/protocols/oauth2 (token information): the access token's own
    // scopes, whichever way it was obtained (refreshed, or given as GMAIL_ACCESS_TOKEN).
    fetchGrantedScopes: async () => {
      const token = await call(settings.tokenUrl, async () => ({
        data: (await oauth.getAccessToken()).token ?? null,
      }));
      if (!token) throw new ConnectorError("gmail", "auth", `no access token: ${credentialsHint(settings)}`);
      try {
        return (await oauth.getTokenInfo(token)).scopes;
      } catch (err) {
        const status = isTransportError(err) ? err.response?.status : undefined;
        if (status === undefined || status >= 500 || status === 429)
          throw toConnectorError(err, settings.tokenInfoUrl, settings, signal, reached);
        throw new ConnectorError(
          "gmail",
          "auth",
          `${status} from the token information endpoint ${settings.tokenInfoUrl}: ${credentialsHint(settings)}`,
          { status, cause: err },
        );
      }
    },
    // https://developers.google.com/gmail/api/reference/rest/v1/users.drafts/list (maxResults ≤ 500)
    fetchDraftList: (p) =>
      call(`${base}/drafts`, () =>
        api.users.drafts.list(
          { userId: user, maxResults: p.maxResults, ...(p.pageToken ? { pageToken: p.pageToken } : {}) },
          { signal },
        ),
      ),
    // https://developers.google.com/gmail/api/reference/rest/v1/users.drafts/get
    fetchDraft: (id) =>
      call(`${base}/drafts/${id}`, () =>
        api.users.drafts.get({ userId: user, id, format: "metadata" }, { signal }),
      ),
    // https://developers.google.com/gmail/api/reference/rest/v1/users.drafts/create: a POST that saved the
    // draft may still answer 5xx, and asking again would save a second one; the action's retry looks for
    // the first (by its header) before it writes again.
    createDraft: (p) =>
      call(`${base}/drafts`, () =>
        api.users.drafts.create(
          {
            userId: user,
            requestBody: { message: { raw: p.raw, ...(p.threadId ? { threadId: p.threadId } : {}) } },
          },
          { signal, retryConfig: { ...retryConfig, shouldRetry: () => false } as never },
        ),
      ),
  };
}
