/**
 * The GitHub client: `@octokit/rest` with `@octokit/plugin-retry` and `@octokit/plugin-throttling`, configured
 * once here (the only file that imports Octokit), and the two calls the connector makes through it.
 *
 * How the plugins behave (read in node_modules, versions 8 and 11):
 * - plugin-throttling queues every request per token (at most 10 at once; GraphQL and writes one at a time,
 *   a second apart), and on a 403/429 whose message says "secondary rate" it calls `onSecondaryRateLimit`
 *   with `Retry-After` (60 s when absent); on one with `x-ratelimit-remaining: 0` (or a GraphQL
 *   `RATE_LIMITED` error) it calls `onRateLimit` with the seconds until `x-ratelimit-reset`. Returning true
 *   retries after that wait.
 * - plugin-retry retries any other error status except 400/401/403/404/410/422/451 after 1, 4, 9 s, ignoring
 *   Retry-After; 429 is added to its exceptions here, so a 429 is the throttling plugin's (which honours
 *   Retry-After) and never retried twice over.
 * A wait of up to a minute happens in the client (the progress line says "waiting for rate limit until …");
 * a longer one (the hourly budget) becomes a `rate_limit` error with `retryAt`, and the sync engine waits,
 * abortably, and resumes from the last committed page.
 * docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api ·
 * docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api
 */
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { Octokit } from "@octokit/rest";
import { z } from "zod";
import { describeUnreachable, toUnreachable } from "../kit/unreachable.ts";
import { ConnectorError, type PullReporter } from "../types.ts";
import type { GithubSettings } from "./config.ts";

/** Whether a client has had any answer from GitHub yet (an object the plugin sets, not a copy of it). */
const ReachedSchema = z.custom<Reached>(
  (v) => typeof v === "object" && v !== null && "reached" in v && typeof v.reached === "boolean",
);
interface Reached {
  reached: boolean;
}

/**
 * Until the API root has answered once, a host that does not resolve, a refused connection or a TLS failure
 * is not retried by plugin-retry (it would spend a quarter of a minute on each request): it goes straight
 * back as `unreachable`. Registered before plugin-retry, so its error hook runs first and sets the request's
 * `retries` that plugin-retry reads.
 */
function failFastUntilReached(octokit: Pick<Octokit, "hook">, options: { [option: string]: unknown }) {
  const state = ReachedSchema.safeParse(options.reachedState);
  if (!state.success) return;
  const reached = state.data;
  octokit.hook.after("request", () => {
    reached.reached = true;
  });
  octokit.hook.error("request", (error, requestOptions) => {
    if (!reached.reached && toUnreachable(error))
      requestOptions.request = { ...requestOptions.request, retries: 0 };
    throw error;
  });
}

const ThreadlineOctokit = Octokit.plugin(failFastUntilReached, retry, throttling);

/** Waits the client sits out itself; a longer one goes back to the engine as `rate_limit`. */
const MAX_IN_CLIENT_WAIT_SECONDS = 60;
/** Rate-limit retries of one request in the client before handing it to the engine. */
const MAX_RATE_LIMIT_RETRIES = 3;

export interface GithubGetResponse {
  status: 200 | 304;
  data: unknown;
  etag: string | null;
  link: string | null;
}

/** The calls the connector makes; every failure is a `ConnectorError`. */
export interface GithubClient {
  /**
   * A GraphQL query (`POST /graphql`); the `data` of the answer. With `retryServerErrors: false` a 5xx comes
   * back at once, for a caller that asks again with a smaller page rather than the same one.
   */
  graphql(
    query: string,
    variables: Record<string, unknown>,
    options?: { retryServerErrors?: boolean },
  ): Promise<unknown>;
  /** A REST GET; with `etag`, a conditional request that answers 304 when nothing changed. */
  get(
    route: string,
    params: Record<string, string | number | undefined>,
    options?: { etag?: string | null },
  ): Promise<GithubGetResponse>;
  /**
   * Any REST request (`POST /repos/{owner}/{repo}/issues/{issue_number}/comments`), answering its status,
   * body and headers. With `once`, a 5xx or a lost answer is not retried (a write may have been saved).
   */
  request(
    route: string,
    params: Record<string, unknown>,
    options?: { once?: boolean },
  ): Promise<{ status: number; data: unknown; headers: Record<string, unknown> }>;
}

export interface GithubClientOptions {
  settings: GithubSettings;
  signal: AbortSignal;
  report: Pick<PullReporter, "requests" | "waiting">;
  /** What the request is about, for messages (`acme/web`). */
  scope?: string;
}

const quiet = () => {};

/** A short, non-secret name for a token (FNV-1a), to key the throttling queues it shares. */
function fingerprint(token: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < token.length; i++) h = Math.imul(h ^ token.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16);
}

/**
 * A client for one pull: its requests are counted on `report`, its rate-limit waits shown on it, and it stops
 * with `signal`. Clients of one token share the throttling plugin's queues (keyed by API root and token).
 */
export function createGithubClient(options: GithubClientOptions): GithubClient {
  const { settings, signal, report } = options;
  let waitingUntil: Date | null = null;
  const wait = (retryAfter: number, _request: unknown, _octokit: unknown, retryCount: number) => {
    if (signal.aborted || retryCount >= MAX_RATE_LIMIT_RETRIES || retryAfter > MAX_IN_CLIENT_WAIT_SECONDS) {
      return false;
    }
    waitingUntil = new Date(Date.now() + retryAfter * 1000);
    report.waiting(waitingUntil);
    return true;
  };
  const reachedState: Reached = { reached: false };
  const octokit = new ThreadlineOctokit({
    reachedState,
    auth: settings.token,
    baseUrl: settings.apiUrl,
    userAgent: "threadline",
    // Octokit logs failed requests at `error`; they reach the engine as typed errors instead.
    log: { debug: quiet, info: quiet, warn: console.warn.bind(console), error: quiet },
    request: {
      signal,
      // Counts every HTTP request, retries included, for the run's summary.
      fetch: (url: string | URL | Request, init?: RequestInit) => {
        report.requests(1);
        return fetch(url, init);
      },
    },
    retry: { doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451], retries: 3 },
    throttle: {
      id: `threadline:${settings.apiUrl}:${fingerprint(settings.token)}`,
      onRateLimit: wait,
      onSecondaryRateLimit: wait,
    },
  });
  octokit.hook.after("request", () => {
    if (waitingUntil) {
      waitingUntil = null;
      report.waiting(null);
    }
  });
  const where = (what: string) => `${what}${options.scope ? ` (${options.scope})` : ""}`;

  return {
    async graphql(query, variables, graphqlOptions = {}) {
      try {
        return await octokit.graphql(query, {
          ...variables,
          headers: { "x-github-api-version": "2022-11-28" },
          // plugin-retry reads a request's own `retries` before its default.
          ...(graphqlOptions.retryServerErrors === false ? { request: { retries: 0 } } : {}),
        });
      } catch (err) {
        throw toConnectorError(
          err,
          where(`${settings.apiUrl.replace(/\/api\/v3$/, "/api")}/graphql`),
          options.scope,
          reachedState.reached,
        );
      }
    },
    async get(route, params, getOptions = {}) {
      const headers: Record<string, string> = { "x-github-api-version": "2022-11-28" };
      if (getOptions.etag) headers["if-none-match"] = getOptions.etag;
      const defined = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
      try {
        const res = await octokit.request(route, { ...defined, headers });
        return {
          status: 200,
          data: res.data,
          etag: typeof res.headers.etag === "string" ? res.headers.etag : null,
          link: typeof res.headers.link === "string" ? res.headers.link : null,
        };
      } catch (err) {
        const parsed = RequestErrorSchema.safeParse(err);
        if (parsed.success && parsed.data.status === 304) {
          return { status: 304, data: null, etag: getOptions.etag ?? null, link: null };
        }
        throw toConnectorError(
          err,
          where(`${settings.apiUrl}${route.replace(/^GET /, "")}`),
          options.scope,
          reachedState.reached,
        );
      }
    },
    async request(route, params, requestOptions = {}) {
      try {
        const res = await octokit.request(route, {
          ...params,
          headers: { "x-github-api-version": "2022-11-28" },
          ...(requestOptions.once ? { request: { retries: 0 } } : {}),
        });
        return { status: res.status, data: res.data, headers: { ...res.headers } };
      } catch (err) {
        throw toConnectorError(
          err,
          where(`${settings.apiUrl}${route.replace(/^[A-Z]+ /, "")}`),
          options.scope,
          reachedState.reached,
        );
      }
    },
  };
}

const HeadersSchema = z.record(z.string(), z.unknown());

/** What an Octokit `RequestError` carries (`name: "HttpError"`). */
const RequestErrorSchema = z.object({
  name: z.literal("HttpError"),
  status: z.number(),
  message: z.string(),
  request: z.object({ url: z.string() }).optional(),
  response: z.object({ headers: HeadersSchema, data: z.unknown() }).optional(),
});

/** What `@octokit/graphql`'s `GraphqlResponseError` carries. */
const GraphqlErrorSchema = z.object({
  name: z.literal("GraphqlResponseError"),
  headers: HeadersSchema,
  errors: z.array(
    z.object({
      type: z.string().optional(),
      message: z.string(),
      path: z.array(z.union([z.string(), z.number()])).optional(),
    }),
  ),
});

/**
 * The fields a GraphQL answer refused while it answered the rest (GitHub's partial data: every error names
 * the path of its field), by name; empty when the query as a whole failed or the error is another kind.
 */
export function refusedFields(err: unknown): string[] {
  const parsed = GraphqlErrorSchema.safeParse(err instanceof ConnectorError ? err.cause : err);
  if (!parsed.success) return [];
  const names = parsed.data.errors.map((e) => e.path?.at(-1));
  if (names.some((n) => typeof n !== "string")) return [];
  return [...new Set(names as string[])];
}

/** The throttling plugin's own error when it gives up on a GraphQL `RATE_LIMITED` answer. */
const ThrottledGraphqlSchema = z.object({
  message: z.literal("GraphQL Rate Limit Exceeded"),
  response: z.object({ headers: HeadersSchema }),
});

const headerOf = (headers: Record<string, unknown> | undefined, name: string): string | null => {
  const v = headers?.[name];
  return typeof v === "string" ? v : typeof v === "number" ? String(v) : null;
};

/** When GitHub accepts requests again: `Retry-After` seconds, else `x-ratelimit-reset` (epoch seconds). */
export function toRetryAt(headers: Record<string, unknown> | undefined, now = Date.now()): Date {
  const retryAfter = headerOf(headers, "retry-after");
  if (retryAfter && /^\d+$/.test(retryAfter.trim())) return new Date(now + Number(retryAfter) * 1000);
  const reset = headerOf(headers, "x-ratelimit-reset");
  if (reset && /^\d+$/.test(reset)) return new Date(Math.max(now, Number(reset) * 1000) + 1000);
  return new Date(now + 60_000);
}

const TOKEN_ADVICE =
  "a fine-grained token needs read access to Metadata, Issues, Pull requests and Deployments of the repository; a classic token the repo scope";

/**
 * An Octokit failure as the connector's typed error, saying where and what to do. A host that cannot be
 * reached is `unreachable` while the client has had no answer yet (`reached` false), `transient` after.
 */
export function toConnectorError(
  err: unknown,
  where: string,
  scope?: string,
  reached = true,
): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const unreachable = toUnreachable(err);
  if (unreachable) {
    const detail = describeUnreachable(unreachable, "GITHUB_API_URL", where);
    return new ConnectorError("github", reached ? "transient" : "unreachable", detail, { cause: err });
  }
  const http = RequestErrorSchema.safeParse(err);
  if (http.success) {
    const { status, message } = http.data;
    const headers = http.data.response?.headers;
    const url = http.data.request?.url ?? where;
    const at = `${status} from ${url}`;
    if (status === 401) {
      return new ConnectorError(
        "github",
        "auth",
        `${at}: the token was refused (${message}); check GITHUB_TOKEN`,
        { status, cause: err },
      );
    }
    if (
      status === 429 ||
      (status === 403 && (headerOf(headers, "x-ratelimit-remaining") === "0" || /rate limit/i.test(message)))
    ) {
      return new ConnectorError("github", "rate_limit", `${at}: rate limited (${message})`, {
        status,
        retryAt: toRetryAt(headers),
        cause: err,
      });
    }
    if (status === 403) {
      return new ConnectorError("github", "forbidden", `${at}: ${message}; ${TOKEN_ADVICE}`, {
        status,
        cause: err,
      });
    }
    if (status === 404 || status === 410) {
      return new ConnectorError(
        "github",
        "not_found",
        `${at}: ${scope ?? "the repository"} does not exist or the token cannot see it; check GITHUB_REPOS (${TOKEN_ADVICE})`,
        { status, cause: err },
      );
    }
    if (status >= 500 || status === 408 || status === 0) {
      return new ConnectorError("github", "transient", `${at}: ${message}`, { status, cause: err });
    }
    return new ConnectorError(
      "github",
      "invalid",
      `${at}: ${message} (a request Threadline should not have made)`,
      {
        status,
        cause: err,
      },
    );
  }
  const gql = GraphqlErrorSchema.safeParse(err);
  if (gql.success) {
    const types = new Set(gql.data.errors.map((e) => e.type));
    const messages = gql.data.errors.map((e) => e.message).join("; ");
    if (types.has("RATE_LIMITED")) {
      return new ConnectorError("github", "rate_limit", `GraphQL ${where}: ${messages}`, {
        retryAt: toRetryAt(gql.data.headers),
        cause: err,
      });
    }
    if (types.has("NOT_FOUND")) {
      return new ConnectorError(
        "github",
        "not_found",
        `GraphQL ${where}: ${messages}; check GITHUB_REPOS (${TOKEN_ADVICE})`,
        {
          cause: err,
        },
      );
    }
    if (types.has("FORBIDDEN") || types.has("INSUFFICIENT_SCOPES")) {
      return new ConnectorError("github", "forbidden", `GraphQL ${where}: ${messages}; ${TOKEN_ADVICE}`, {
        cause: err,
      });
    }
    return new ConnectorError("github", "invalid", `GraphQL ${where}: ${messages}`, { cause: err });
  }
  const throttled = ThrottledGraphqlSchema.safeParse(err);
  if (throttled.success) {
    return new ConnectorError("github", "rate_limit", `GraphQL ${where}: rate limit exceeded`, {
      retryAt: toRetryAt(throttled.data.response.headers),
      cause: err,
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  if (
    err instanceof Error &&
    (err.name === "AbortError" || /fetch failed|ECONN|socket|network/i.test(message))
  ) {
    return new ConnectorError("github", "transient", `${where}: ${message}`, { cause: err });
  }
  return new ConnectorError("github", "invalid", `${where}: ${message}`, { cause: err });
}
