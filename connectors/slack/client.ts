/**
 * The Slack Web API client: `@slack/web-api`'s WebClient (this is the only file that imports it), configured
 * once for the token, the API root and the run.
 *
 * - Retries are the SDK's own (`retryConfig`, p-retry underneath): 5xx answers and dropped connections are
 *   retried with a growing pause; a 429 is waited out for exactly its `Retry-After` by the SDK, which pauses
 *   its request queue and emits `rate_limited` first: that event is what tells the progress line "waiting
 *   until …". A `Retry-After` longer than `maxInlineWaitMs` is not waited out in process: it goes back to the
 *   sync engine as a `rate_limit` error with its `retryAt`, and the scope resumes from its last committed page.
 * - The SDK's default policy retries ten times over about thirty minutes; tests pass a short one.
 * - Until Slack has answered once, a host that does not resolve, a refused connection or a TLS failure is
 *   not retried (p-retry would spend half an hour on it): it goes back at once as `unreachable`, naming
 *   SLACK_API_URL. After the first answer such a failure is a dropped connection like any other.
 * - Every HTTP attempt is counted (`report.requests`) in the `fetch` the SDK is given, which also ties the
 *   run's abort signal to each request.
 *
 * Slack answers most errors with HTTP 200 and `{"ok": false, "error": "..."}` (the SDK throws
 * `WebAPIPlatformError`), a rate limit with HTTP 429 and `Retry-After` in seconds.
 * https://docs.slack.dev/tools/node-slack-sdk/web-api/ · https://docs.slack.dev/apis/web-api/rate-limits
 */
import {
  type FetchFunction,
  type Logger,
  LogLevel,
  type RetryOptions,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRequestError,
  WebClient,
  WebClientEvent,
} from "@slack/web-api";
import { describeUnreachable, toUnreachable } from "../kit/unreachable.ts";
import type { PullReporter } from "../types.ts";
import { ConnectorError, errorKindOfStatus } from "../types.ts";
import type { SlackSettings } from "./config.ts";

export interface SlackRetryPolicy {
  /** The SDK's retry policy (p-retry options): how many times and how long apart 5xx and 429s are retried. */
  retryConfig: RetryOptions;
  /** A 429 asking for a longer wait than this is handed to the engine instead of waited out (default 5 min). */
  maxInlineWaitMs: number;
  /** Per-request timeout (default 60 s). */
  timeoutMs: number;
}

/** The SDK's own default (`retryPolicies.tenRetriesInAboutThirtyMinutes`), spelled out. */
export const DEFAULT_SLACK_RETRY: SlackRetryPolicy = {
  retryConfig: { retries: 10, factor: 1.96821, randomize: true },
  maxInlineWaitMs: 5 * 60_000,
  timeoutMs: 60_000,
};

/** Something that takes the client's diagnostics (the SDK's own log lines, at debug level). */
export interface SlackLog {
  debug(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface SlackClientOptions {
  settings: SlackSettings;
  signal: AbortSignal;
  report: Pick<PullReporter, "requests" | "waiting">;
  retry?: Partial<SlackRetryPolicy>;
  log?: SlackLog;
  /**
   * A client that writes: a 5xx or a dropped connection is not retried by the SDK, since Slack may have
   * saved the message before failing (chat.postMessage takes no idempotency key). The action that wrote
   * decides, after asking whether the write landed. A 429 is still waited out: Slack saved nothing.
   */
  writes?: boolean;
}

export interface HistoryParams {
  channel: string;
  limit: number;
  cursor?: string | undefined;
  /** Exclusive bounds (Slack's default `inclusive=false`), as ts strings. */
  oldest?: string | undefined;
  latest?: string | undefined;
}

export interface RepliesParams {
  channel: string;
  ts: string;
  limit: number;
  cursor?: string | undefined;
  oldest?: string | undefined;
  /** Return the apps' message metadata too (https://docs.slack.dev/messaging/message-metadata). */
  includeAllMetadata?: boolean;
}

/** A message in a thread, with the metadata that names the action that wrote it. */
export interface PostReplyParams {
  channel: string;
  threadTs: string;
  /** Slack markup: mentions as `<@U…>`, `&`, `<` and `>` escaped. */
  text: string;
  metadata: { event_type: string; event_payload: Record<string, string> };
}

/** The calls the connector makes, each answering the parsed JSON body (to be read with `schemas.ts`). */
export interface SlackClient {
  fetchAuth(): Promise<unknown>;
  fetchHistory(params: HistoryParams): Promise<unknown>;
  fetchReplies(params: RepliesParams): Promise<unknown>;
  fetchChannel(channel: string): Promise<unknown>;
  fetchChannelMembers(channel: string, cursor: string | undefined, limit: number): Promise<unknown>;
  fetchMemberChannels(cursor: string | undefined, limit: number): Promise<unknown>;
  fetchUsers(cursor: string | undefined, limit: number): Promise<unknown>;
  fetchUser(user: string): Promise<unknown>;
  postReply(params: PostReplyParams): Promise<unknown>;
}

/** Thrown by the client's fetch on a 429 whose wait is too long to sit through. */
class LongRateLimit extends Error {
  readonly retryAfterMs: number;
  constructor(retryAfterMs: number) {
    super(`Retry-After of ${Math.round(retryAfterMs / 1000)} s`);
    this.retryAfterMs = retryAfterMs;
  }
}

/** The SDK's log lines into ours, at debug level (its info lines are "will retry in N seconds"). */
function toSdkLogger(log: SlackLog | undefined): Logger {
  let level = LogLevel.DEBUG;
  const line = (msg: unknown[]) => msg.map((m) => (typeof m === "string" ? m : JSON.stringify(m))).join(" ");
  return {
    debug: (...msg) => log?.debug({ sdk: "@slack/web-api" }, line(msg)),
    info: (...msg) => log?.debug({ sdk: "@slack/web-api" }, line(msg)),
    warn: (...msg) => log?.debug({ sdk: "@slack/web-api" }, line(msg)),
    error: (...msg) => log?.warn({ sdk: "@slack/web-api" }, line(msg)),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

/** Platform errors (`{"ok": false, "error": code}`) that are the token's fault: the whole source stops. */
const AUTH_ERRORS = new Set([
  "not_authed",
  "invalid_auth",
  "account_inactive",
  "token_revoked",
  "token_expired",
  "no_permission",
  "org_login_required",
  "ekm_access_denied",
  "not_allowed_token_type",
]);
const TRANSIENT_ERRORS = new Set(["internal_error", "fatal_error", "service_unavailable", "request_timeout"]);

function platformData(err: WebAPIPlatformError): { error: string; needed?: string } {
  const needed = Reflect.get(err.data, "needed");
  return { error: err.data.error, ...(typeof needed === "string" ? { needed } : {}) };
}

/** An SDK error as a typed connector error whose message says what to do. */
export function toConnectorError(err: unknown, method: string, apiUrl: string): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const where = `${apiUrl}${method}`;
  if (err instanceof WebAPIPlatformError) {
    const { error, needed } = platformData(err);
    const detail = `"${error}" from ${where}`;
    if (AUTH_ERRORS.has(error)) {
      return new ConnectorError(
        "slack",
        "auth",
        `${detail}: check SLACK_TOKEN (the app's Bot User OAuth Token)`,
        {
          cause: err,
        },
      );
    }
    if (error === "missing_scope") {
      return new ConnectorError(
        "slack",
        "forbidden",
        `${detail}: add the scope ${needed ?? "it names"} to the Slack app (OAuth & Permissions) and reinstall it`,
        { cause: err },
      );
    }
    if (error === "not_in_channel") {
      return new ConnectorError(
        "slack",
        "forbidden",
        `${detail}: invite the app to the channel (/invite @your-app) or remove it from SLACK_CHANNELS`,
        { cause: err },
      );
    }
    if (error === "channel_not_found") {
      return new ConnectorError(
        "slack",
        "not_found",
        `${detail}: the channel does not exist or the app cannot see it; check SLACK_CHANNELS`,
        { cause: err },
      );
    }
    if (error === "ratelimited") {
      return new ConnectorError("slack", "rate_limit", `${detail}: Slack asks to slow down`, {
        cause: err,
        retryAt: new Date(Date.now() + 60_000),
      });
    }
    if (TRANSIENT_ERRORS.has(error)) return new ConnectorError("slack", "transient", detail, { cause: err });
    return new ConnectorError("slack", "invalid", `${detail}: a request Slack did not accept`, {
      cause: err,
    });
  }
  if (err instanceof WebAPIHTTPError) {
    const kind = errorKindOfStatus(err.statusCode);
    const hint =
      kind === "auth" ? ": check SLACK_TOKEN" : kind === "not_found" ? ": check SLACK_API_URL" : "";
    return new ConnectorError("slack", kind, `${err.statusCode} from ${where}${hint}`, {
      status: err.statusCode,
      cause: err,
    });
  }
  if (err instanceof WebAPIRequestError) {
    return new ConnectorError("slack", "transient", `no answer from ${where}: ${err.original.message}`, {
      cause: err,
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  // What the SDK throws when its retries ran out on 429s.
  const limited = /A rate limit was exceeded \(url: .*, retry-after: (\d+)\)/.exec(message);
  if (limited) {
    return new ConnectorError(
      "slack",
      "rate_limit",
      `429 from ${where}: still rate limited after the SDK's retries`,
      {
        status: 429,
        retryAt: new Date(Date.now() + Number(limited[1]) * 1000),
        cause: err,
      },
    );
  }
  return new ConnectorError("slack", "invalid", `unexpected error from ${where}: ${message}`, { cause: err });
}

/** A WebClient for the workspace, with Slack's rate limits and transient failures handled by the SDK. */
export function createSlackClient(options: SlackClientOptions): SlackClient {
  const { settings, signal, report } = options;
  const retry = { ...DEFAULT_SLACK_RETRY, ...options.retry };
  let waitingUntil: Date | null = null;
  // Whether any request of this client has had an answer (of any status).
  let reached = false;

  const stopped = () => new ConnectorError("slack", "transient", "stopped: the run was cancelled");

  // Every HTTP attempt the SDK makes goes through here: counted, tied to the run's signal, and a 429 asking
  // for too long a wait is turned into an error the retry policy below hands to the engine.
  const fetchWithRun: FetchFunction = async (url, init) => {
    if (waitingUntil) {
      waitingUntil = null;
      report.waiting(null);
    }
    if (signal.aborted) throw stopped();
    report.requests(1);
    const signals = [signal, ...(init?.signal ? [init.signal] : [])];
    // The SDK asks for redirect "error", which Workers refuse outright; "manual" hands back the 3xx instead,
    // which fails the call as well (the Web API does not redirect).
    const redirect = init?.redirect === "error" ? "manual" : init?.redirect;
    const response = await fetch(url, {
      ...init,
      ...(redirect ? { redirect } : {}),
      signal: AbortSignal.any(signals),
    });
    reached = true;
    if (response.status === 429) {
      const seconds = Number.parseInt(response.headers.get("retry-after") ?? "", 10);
      if (Number.isFinite(seconds) && seconds * 1000 > retry.maxInlineWaitMs) {
        await response.body?.cancel();
        throw new LongRateLimit(seconds * 1000);
      }
    }
    return response;
  };

  // The SDK hands `retryConfig` to p-retry as it is, so p-retry's `onFailedAttempt` is honoured: it stops
  // retrying (by throwing) when the run is cancelled, on a 4xx that no retry can fix, and on a wait the
  // engine should do.
  const retryConfig: RetryOptions & { onFailedAttempt: (err: unknown) => void } = {
    ...retry.retryConfig,
    onFailedAttempt: (err: unknown) => {
      if (signal.aborted) throw stopped();
      const unreachable = reached ? null : toUnreachable(err);
      if (unreachable) {
        throw new ConnectorError(
          "slack",
          "unreachable",
          describeUnreachable(unreachable, "SLACK_API_URL", settings.apiUrl),
          { cause: err },
        );
      }
      if (err instanceof WebAPIRequestError && err.original instanceof LongRateLimit) {
        const retryAt = new Date(Date.now() + err.original.retryAfterMs);
        throw new ConnectorError(
          "slack",
          "rate_limit",
          `429 from ${settings.apiUrl}: Slack asks to wait until ${retryAt.toISOString()}`,
          {
            status: 429,
            retryAt,
            cause: err,
          },
        );
      }
      if (err instanceof WebAPIHTTPError && err.statusCode < 500 && err.statusCode !== 408) throw err;
      // A rate limit is the only failure the SDK throws as a plain Error; anything else may have landed.
      if (options.writes && (err instanceof WebAPIHTTPError || err instanceof WebAPIRequestError)) throw err;
    },
  };

  const client = new WebClient(settings.token, {
    slackApiUrl: settings.apiUrl,
    fetch: fetchWithRun,
    timeout: retry.timeoutMs,
    logger: toSdkLogger(options.log),
    retryConfig,
  });
  client.on(WebClientEvent.RATE_LIMITED, (retryAfterSeconds: number) => {
    waitingUntil = new Date(Date.now() + retryAfterSeconds * 1000);
    report.waiting(waitingUntil);
  });

  async function call(method: string, send: () => Promise<unknown>): Promise<unknown> {
    if (signal.aborted) throw stopped();
    try {
      return await send();
    } catch (err) {
      if (signal.aborted) throw stopped();
      throw toConnectorError(err, method, settings.apiUrl);
    } finally {
      if (waitingUntil) {
        waitingUntil = null;
        report.waiting(null);
      }
    }
  }

  return {
    // https://docs.slack.dev/reference/methods/auth.test
    fetchAuth: () => call("auth.test", () => client.auth.test()),
    // https://docs.slack.dev/reference/methods/conversations.history
    fetchHistory: (p) =>
      call("conversations.history", () =>
        client.conversations.history({
          channel: p.channel,
          limit: p.limit,
          cursor: p.cursor,
          oldest: p.oldest,
          latest: p.latest,
        }),
      ),
    // https://docs.slack.dev/reference/methods/conversations.replies
    fetchReplies: (p) =>
      call("conversations.replies", () =>
        client.conversations.replies({
          channel: p.channel,
          ts: p.ts,
          limit: p.limit,
          cursor: p.cursor,
          oldest: p.oldest,
          ...(p.includeAllMetadata ? { include_all_metadata: true } : {}),
        }),
      ),
    // https://docs.slack.dev/reference/methods/conversations.info
    fetchChannel: (channel) => call("conversations.info", () => client.conversations.info({ channel })),
    // https://docs.slack.dev/reference/methods/conversations.members
    fetchChannelMembers: (channel, cursor, limit) =>
      call("conversations.members", () => client.conversations.members({ channel, cursor, limit })),
    // https://docs.slack.dev/reference/methods/users.conversations
    fetchMemberChannels: (cursor, limit) =>
      call("users.conversations", () =>
        client.users.conversations({
          types: "public_channel,private_channel",
          exclude_archived: true,
          limit,
          cursor,
        }),
      ),
    // https://docs.slack.dev/reference/methods/users.list
    fetchUsers: (cursor, limit) => call("users.list", () => client.users.list({ limit, cursor })),
    // https://docs.slack.dev/reference/methods/users.info
    fetchUser: (user) => call("users.info", () => client.users.info({ user })),
    // https://docs.slack.dev/reference/methods/chat.postMessage: links are not unfurled, so a nudge that
    // quotes a link stays one line in the thread.
    postReply: (p) =>
      call("chat.postMessage", () =>
        client.chat.postMessage({
          channel: p.channel,
          thread_ts: p.threadTs,
          text: p.text,
          metadata: p.metadata,
          unfurl_links: false,
          unfurl_media: false,
        }),
      ),
  };
}
