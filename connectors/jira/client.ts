/**
 * The Jira REST client: jira.js (the only file that imports it) configured once for the site, the
 * credentials and the run, with the retry behaviour jira.js does not have. jira.js 5.4 sends each request
 * once through axios and throws `HttpException` on any error status, 429 included, so a 429 is honoured
 * here: wait what `Retry-After` says (telling the progress line "waiting until …"), then send the same
 * request again; a longer wait than `maxInlineWaitMs` goes back to the sync engine as a `rate_limit` error
 * with its `retryAt`. 5xx answers and dropped connections are retried a few times with a growing pause.
 * https://developer.atlassian.com/cloud/jira/platform/rate-limiting/
 */
import { type Config, HttpException, Version2Client, Version3Client, type Version3Models } from "jira.js";
import { z } from "zod";
import { trimTrailing } from "../../src/model/trim-text.ts";
import { abortableSleep } from "../kit/abortable-sleep.ts";
import { describeUnreachable, toUnreachable } from "../kit/unreachable.ts";
import type { PullReporter } from "../types.ts";
import { ConnectorError, errorKindOfStatus } from "../types.ts";
import type { JiraDeployment, JiraSettings } from "./config.ts";
import { deploymentOfHost, isGatewayRoot } from "./config.ts";
import { JiraErrorBodySchema, JiraServerInfoSchema } from "./schemas.ts";

export interface JiraRetryPolicy {
  /** 429s in a row on one request before giving up to the engine (default 6). */
  rateLimitAttempts: number;
  /** 5xx or dropped connections in a row on one request before failing it (default 4). */
  transientAttempts: number;
  /** First pause after a 5xx, doubled each time; also the 429 pause when Retry-After is missing (default 1 s). */
  baseDelayMs: number;
  /** A 429 asking for a longer wait than this is handed to the engine instead (default 60 s). */
  maxInlineWaitMs: number;
}

export const DEFAULT_JIRA_RETRY: JiraRetryPolicy = {
  rateLimitAttempts: 6,
  transientAttempts: 4,
  baseDelayMs: 1_000,
  maxInlineWaitMs: 60_000,
};

export interface JiraClientOptions {
  settings: JiraSettings;
  signal: AbortSignal;
  report: Pick<PullReporter, "requests" | "waiting">;
  retry?: Partial<JiraRetryPolicy>;
  /** How the client waits; tests may shorten it. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Request timeout (default 60 s). */
  timeoutMs?: number;
}

export interface EnhancedSearchParams {
  jql: string;
  fields: string[];
  expand?: string;
  maxResults: number;
  nextPageToken?: string | undefined;
}

export interface OffsetSearchParams {
  jql: string;
  fields: string[];
  expand?: string;
  maxResults: number;
  startAt: number;
}

export interface BulkChangelogParams {
  issueIdsOrKeys: string[];
  fieldIds: string[];
  maxResults: number;
  nextPageToken?: string | undefined;
}

/** The calls the connector makes, each answering the parsed JSON body (to be read with `schemas.ts`). */
export interface JiraClient {
  /** `GET /rest/api/3/search/jql` (Cloud). */
  searchEnhanced(params: EnhancedSearchParams): Promise<unknown>;
  /** `GET /rest/api/2/search` (Data Center). */
  searchOffset(params: OffsetSearchParams): Promise<unknown>;
  /** `GET /rest/api/{3,2}/issue/{key}/comment`, oldest first. */
  fetchComments(
    deployment: JiraDeployment,
    issueIdOrKey: string,
    startAt: number,
    maxResults: number,
  ): Promise<unknown>;
  /** `POST /rest/api/3/changelog/bulkfetch` (Cloud): the histories of up to 1,000 issues, oldest first. */
  fetchBulkChangelogs(params: BulkChangelogParams): Promise<unknown>;
  /** `GET /rest/api/2/issue/{idOrKey}?fields=project`: where an issue is now (404 once it is deleted). */
  fetchIssueProject(issueIdOrKey: string): Promise<unknown>;
  /** `GET /rest/api/3/project/search` (Cloud). */
  fetchProjectPage(startAt: number, maxResults: number): Promise<unknown>;
  /** `GET /rest/api/2/project` (Data Center; every project at once). */
  fetchAllProjects(): Promise<unknown>;
  /** `GET /rest/api/2/serverInfo`. */
  fetchServerInfo(): Promise<unknown>;
  /**
   * `POST /rest/api/{3,2}/issue/{key}/comment` with `properties`: `body` is ADF (v3) or wiki markup (v2).
   * Sent once: a 5xx or a lost answer is not retried here (the comment may have been saved).
   */
  addComment(
    deployment: JiraDeployment,
    issueIdOrKey: string,
    body: unknown,
    properties: Array<{ key: string; value: unknown }>,
  ): Promise<unknown>;
  /** `GET /rest/api/{3,2}/issue/{key}/comment?orderBy=-created&expand=properties`: the newest comments. */
  fetchNewestComments(deployment: JiraDeployment, issueIdOrKey: string, maxResults: number): Promise<unknown>;
  /** `PUT /rest/api/{3,2}/issue/{key}/assignee`: `accountId` on Cloud, `name` on Data Center. */
  assignIssue(deployment: JiraDeployment, issueIdOrKey: string, assignee: string): Promise<void>;
  /** `GET /rest/api/{3,2}/issue/{key}/transitions`. */
  fetchTransitions(deployment: JiraDeployment, issueIdOrKey: string): Promise<unknown>;
  /** `POST /rest/api/{3,2}/issue/{key}/transitions`; sent once, as `addComment`. */
  doTransition(deployment: JiraDeployment, issueIdOrKey: string, transitionId: string): Promise<void>;
  /** `GET /rest/api/2/issue/{key}?fields=…` (with `expand=changelog`: its change histories too). */
  fetchIssueFields(issueIdOrKey: string, fields: string[], expand?: "changelog"): Promise<unknown>;
  /** `GET /rest/api/{3,2}/myself`: the credentials' user. */
  fetchMyself(deployment: JiraDeployment): Promise<unknown>;
  /** `GET /rest/api/{3,2}/mypermissions?projectKey=&permissions=`. */
  fetchMyPermissions(
    deployment: JiraDeployment,
    projectKey: string | null,
    permissions: string[],
  ): Promise<unknown>;
  /** `GET https://api.atlassian.com/oauth/token/accessible-resources` (OAuth 2.0): the sites and their scopes. */
  fetchAccessibleResources(): Promise<unknown>;
}

const AxiosLikeErrorSchema = z.object({
  code: z.string().optional(),
  response: z.object({ status: z.number(), headers: z.unknown(), data: z.unknown() }).optional(),
});

interface Failure {
  status: number | null;
  /** Milliseconds the server asked to wait (Retry-After), if it said. */
  retryAfterMs: number | null;
  body: unknown;
  code: string | undefined;
  cause: unknown;
}

function header(headers: unknown, name: string): string | null {
  if (typeof headers !== "object" || headers === null) return null;
  const value = Reflect.get(headers, name);
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : null;
}

/** `Retry-After: 30` or `Retry-After: Wed, 21 Oct 2026 07:28:00 GMT`; else `X-RateLimit-Reset` (ISO time). */
export function toRetryAfterMs(headers: unknown, now: number): number | null {
  const retryAfter = header(headers, "retry-after");
  if (retryAfter !== null) {
    if (/^\d+(\.\d+)?$/.test(retryAfter.trim())) return Math.round(Number(retryAfter) * 1000);
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  const reset = header(headers, "x-ratelimit-reset");
  if (reset !== null) {
    const at = Date.parse(reset);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  return null;
}

function toFailure(err: unknown): Failure {
  // jira.js wraps an HTTP error answer in HttpException, with the axios error (and its headers) as cause;
  // an error without an answer (refused, reset, timed out) comes as the axios error itself.
  const status = err instanceof HttpException ? err.status : null;
  const axiosLike = AxiosLikeErrorSchema.safeParse(err instanceof HttpException ? err.cause : err);
  const response = axiosLike.success ? axiosLike.data.response : undefined;
  return {
    status: response?.status ?? status,
    retryAfterMs: response ? toRetryAfterMs(response.headers, Date.now()) : null,
    body: response?.data,
    code: axiosLike.success ? axiosLike.data.code : undefined,
    cause: err,
  };
}

function describeBody(body: unknown): string {
  const parsed = JiraErrorBodySchema.safeParse(body);
  if (!parsed.success) return "";
  const messages = [
    ...(parsed.data.errorMessages ?? []),
    ...Object.entries(parsed.data.errors ?? {}).map(([k, v]) => `${k}: ${v}`),
    ...(parsed.data.message ? [parsed.data.message] : []),
  ];
  return messages.length > 0 ? ` (${messages.join("; ")})` : "";
}

/**
 * What to do about an error answer, in words a person can act on. `forbidden`: what a 403 means for this
 * call (by default, that the account may not browse the project).
 */
function toConnectorError(failure: Failure, url: string, forbidden?: string): ConnectorError {
  const detail = describeBody(failure.body);
  const options = { cause: failure.cause, ...(failure.status !== null ? { status: failure.status } : {}) };
  if (failure.status === null) {
    return new ConnectorError(
      "jira",
      "transient",
      `no answer from ${url}: ${failure.code ?? "connection failed"}`,
      options,
    );
  }
  const status = failure.status;
  const where = `${status} from ${url}${detail}`;
  if (status === 401)
    return new ConnectorError("jira", "auth", `${where}: check JIRA_EMAIL and JIRA_API_TOKEN`, options);
  if (status === 403) {
    return new ConnectorError(
      "jira",
      "forbidden",
      `${where}: ${forbidden ?? "the account of JIRA_EMAIL may not browse this project"}`,
      options,
    );
  }
  if (status === 400 && /does not exist for the field 'project'/.test(detail)) {
    return new ConnectorError(
      "jira",
      "not_found",
      `${where}: the project does not exist or JIRA_EMAIL's account cannot browse it; check JIRA_PROJECTS`,
      options,
    );
  }
  if (status === 404 || status === 410) {
    return new ConnectorError(
      "jira",
      errorKindOfStatus(status),
      `${where}: check JIRA_BASE_URL (and JIRA_DEPLOYMENT: cloud or datacenter)`,
      options,
    );
  }
  const kind = errorKindOfStatus(status);
  return new ConnectorError(
    "jira",
    kind,
    kind === "invalid" ? `${where}: a request Jira did not accept` : where,
    options,
  );
}

/** What a 403 on a write means: the project permission the account lacks. */
const NEEDS = {
  comment: "the account of JIRA_EMAIL needs the Add Comments permission (ADD_COMMENTS) in this project",
  assign: "the account of JIRA_EMAIL needs the Assign Issues permission (ASSIGN_ISSUES) in this project",
  reopen:
    "the account of JIRA_EMAIL needs the Transition Issues permission (TRANSITION_ISSUES) in this project",
};

const isTransient = (f: Failure) =>
  f.status === null ? f.code !== "ERR_CANCELED" : f.status >= 500 || f.status === 408;

/** A jira.js client for the site, with Jira's rate limits and transient failures handled. */
export function createJiraClient(options: JiraClientOptions): JiraClient {
  const { settings, signal, report } = options;
  const retry = { ...DEFAULT_JIRA_RETRY, ...options.retry };
  const sleep = options.sleep ?? abortableSleep;
  const common = {
    host: settings.baseUrl,
    baseRequestConfig: { timeout: options.timeoutMs ?? 60_000, signal },
  };
  const config: Config = settings.email
    ? { ...common, authentication: { basic: { email: settings.email, apiToken: settings.apiToken } } }
    : // Data Center's personal access token goes as `Authorization: Bearer …`, which is what jira.js sends
      // for an OAuth 2.0 access token given alone.
      { ...common, authentication: { oauth2: { accessToken: settings.apiToken } } };
  const v3 = new Version3Client(config);
  const v2 = new Version2Client(config);

  const stopped = () => new ConnectorError("jira", "transient", "stopped: the run was cancelled");

  // Until the site has answered once, a host that cannot be reached goes back at once as `unreachable`.
  let reached = false;

  /** `once`: a write that may have been saved though its answer failed is not sent again here. */
  async function call<T>(
    path: string,
    send: () => Promise<T>,
    options: { once?: boolean; forbidden?: string } = {},
  ): Promise<T> {
    const url = /^https?:/.test(path) ? path : `${settings.baseUrl}${path}`;
    let rateLimited = 0;
    let failed = 0;
    for (;;) {
      if (signal.aborted) throw stopped();
      report.requests(1);
      try {
        const answer = await send();
        reached = true;
        return answer;
      } catch (err) {
        if (signal.aborted) throw stopped();
        const failure = toFailure(err);
        const unreachable = failure.status === null ? toUnreachable(err) : null;
        if (unreachable && !reached) {
          throw new ConnectorError(
            "jira",
            "unreachable",
            describeUnreachable(unreachable, "JIRA_BASE_URL", url),
            {
              cause: err,
            },
          );
        }
        if (failure.status !== null) reached = true;
        if (failure.status === 429) {
          rateLimited++;
          const waitMs = failure.retryAfterMs ?? Math.min(retry.baseDelayMs * 2 ** (rateLimited - 1), 30_000);
          const until = new Date(Date.now() + waitMs);
          if (rateLimited >= retry.rateLimitAttempts || waitMs > retry.maxInlineWaitMs) {
            throw new ConnectorError(
              "jira",
              "rate_limit",
              `429 from ${url}: Jira asks to wait until ${until.toISOString()}`,
              {
                status: 429,
                retryAt: until,
                cause: err,
              },
            );
          }
          report.waiting(until);
          await sleep(waitMs, signal);
          report.waiting(null);
          continue;
        }
        if (!options.once && isTransient(failure) && ++failed < retry.transientAttempts) {
          await sleep(retry.baseDelayMs * 2 ** (failed - 1), signal);
          continue;
        }
        throw toConnectorError(failure, url, options.forbidden);
      }
    }
  }

  return {
    // https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/#api-rest-api-3-search-jql-get
    searchEnhanced: (p) =>
      call("/rest/api/3/search/jql", () =>
        v3.issueSearch.searchForIssuesUsingJqlEnhancedSearch<unknown>({
          jql: p.jql,
          fields: p.fields,
          maxResults: p.maxResults,
          ...(p.expand ? { expand: p.expand } : {}),
          ...(p.nextPageToken ? { nextPageToken: p.nextPageToken } : {}),
        }),
      ),
    // https://docs.atlassian.com/software/jira/docs/api/REST/9.12.0/#api/2/search-search
    searchOffset: (p) =>
      call("/rest/api/2/search", () =>
        v2.issueSearch.searchForIssuesUsingJql<unknown>({
          jql: p.jql,
          fields: p.fields,
          maxResults: p.maxResults,
          startAt: p.startAt,
          ...(p.expand ? { expand: p.expand } : {}),
        }),
      ),
    // https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-comments/#api-rest-api-3-issue-issueidorkey-comment-get
    fetchComments: (deployment, issueIdOrKey, startAt, maxResults) => {
      const params = { issueIdOrKey, startAt, maxResults, orderBy: "created" };
      return deployment === "cloud"
        ? call(`/rest/api/3/issue/${issueIdOrKey}/comment`, () =>
            v3.issueComments.getComments<unknown>(params),
          )
        : call(`/rest/api/2/issue/${issueIdOrKey}/comment`, () =>
            v2.issueComments.getComments<unknown>(params),
          );
    },
    // https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-changelog-bulkfetch-post
    fetchBulkChangelogs: (p) =>
      call("/rest/api/3/changelog/bulkfetch", () =>
        v3.issues.getBulkChangelogs<unknown>({
          issueIdsOrKeys: p.issueIdsOrKeys,
          fieldIds: p.fieldIds,
          maxResults: p.maxResults,
          ...(p.nextPageToken ? { nextPageToken: p.nextPageToken } : {}),
        }),
      ),
    // https://developer.atlassian.com/cloud/jira/platform/rest/v2/api-group-issues/#api-rest-api-2-issue-issueidorkey-get
    fetchIssueProject: (issueIdOrKey) =>
      call(`/rest/api/2/issue/${issueIdOrKey}`, () =>
        v2.issues.getIssue<unknown>({ issueIdOrKey, fields: ["project"] }),
      ),
    // https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-projects/#api-rest-api-3-project-search-get
    fetchProjectPage: (startAt, maxResults) =>
      call("/rest/api/3/project/search", () => v3.projects.searchProjects<unknown>({ startAt, maxResults })),
    // https://docs.atlassian.com/software/jira/docs/api/REST/9.12.0/#api/2/project-getAllProjects (jira.js 5
    // has no method for it: it is gone from Cloud).
    fetchAllProjects: () =>
      call("/rest/api/2/project", async () => {
        const response = await v2.sendRequestFullResponse<unknown>({
          url: "/rest/api/2/project",
          method: "GET",
        });
        return response.data;
      }),
    // https://developer.atlassian.com/cloud/jira/platform/rest/v2/api-group-server-info/
    fetchServerInfo: () => call("/rest/api/2/serverInfo", () => v2.serverInfo.getServerInfo<unknown>()),
    // https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-comments/#api-rest-api-3-issue-issueidorkey-comment-post
    addComment: (deployment, issueIdOrKey, body, properties) => {
      const entityProperties = properties.map((p) => ({ key: p.key, value: p.value }));
      return deployment === "cloud"
        ? call(
            `/rest/api/3/issue/${issueIdOrKey}/comment`,
            () =>
              v3.issueComments.addComment<unknown>({
                issueIdOrKey,
                comment: body as Version3Models.Document,
                properties: entityProperties,
              }),
            { once: true, forbidden: NEEDS.comment },
          )
        : call(
            `/rest/api/2/issue/${issueIdOrKey}/comment`,
            () =>
              v2.issueComments.addComment<unknown>({
                issueIdOrKey,
                comment: String(body),
                properties: entityProperties,
              }),
            { once: true, forbidden: NEEDS.comment },
          );
    },
    fetchNewestComments: (deployment, issueIdOrKey, maxResults) => {
      const params = { issueIdOrKey, startAt: 0, maxResults, orderBy: "-created", expand: "properties" };
      return deployment === "cloud"
        ? call(`/rest/api/3/issue/${issueIdOrKey}/comment`, () =>
            v3.issueComments.getComments<unknown>(params),
          )
        : call(`/rest/api/2/issue/${issueIdOrKey}/comment`, () =>
            v2.issueComments.getComments<unknown>(params),
          );
    },
    // https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-issueidorkey-assignee-put
    // (Data Center names the user by `name`: docs.atlassian.com/software/jira/docs/api/REST/9.12.0/#api/2/issue-assign)
    assignIssue: async (deployment, issueIdOrKey, assignee) => {
      await (deployment === "cloud"
        ? call(
            `/rest/api/3/issue/${issueIdOrKey}/assignee`,
            () => v3.issues.assignIssue<unknown>({ issueIdOrKey, accountId: assignee }),
            { forbidden: NEEDS.assign },
          )
        : call(
            `/rest/api/2/issue/${issueIdOrKey}/assignee`,
            () => v2.issues.assignIssue<unknown>({ issueIdOrKey, accountId: null, name: assignee }),
            { forbidden: NEEDS.assign },
          ));
    },
    // https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-issueidorkey-transitions-get
    fetchTransitions: (deployment, issueIdOrKey) =>
      deployment === "cloud"
        ? call(`/rest/api/3/issue/${issueIdOrKey}/transitions`, () =>
            v3.issues.getTransitions<unknown>({ issueIdOrKey }),
          )
        : call(`/rest/api/2/issue/${issueIdOrKey}/transitions`, () =>
            v2.issues.getTransitions<unknown>({ issueIdOrKey }),
          ),
    // https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-issueidorkey-transitions-post
    doTransition: async (deployment, issueIdOrKey, transitionId) => {
      const params = { issueIdOrKey, transition: { id: transitionId } };
      await (deployment === "cloud"
        ? call(
            `/rest/api/3/issue/${issueIdOrKey}/transitions`,
            () => v3.issues.doTransition<unknown>(params),
            {
              once: true,
              forbidden: NEEDS.reopen,
            },
          )
        : call(
            `/rest/api/2/issue/${issueIdOrKey}/transitions`,
            () => v2.issues.doTransition<unknown>(params),
            {
              once: true,
              forbidden: NEEDS.reopen,
            },
          ));
    },
    fetchIssueFields: (issueIdOrKey, fields, expand) =>
      call(`/rest/api/2/issue/${issueIdOrKey}`, () =>
        v2.issues.getIssue<unknown>({ issueIdOrKey, fields, ...(expand ? { expand } : {}) }),
      ),
    // https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-myself/#api-rest-api-3-myself-get
    fetchMyself: (deployment) =>
      deployment === "cloud"
        ? call("/rest/api/3/myself", () => v3.myself.getCurrentUser<unknown>())
        : call("/rest/api/2/myself", () => v2.myself.getCurrentUser<unknown>()),
    // https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-permissions/#api-rest-api-3-mypermissions-get
    fetchMyPermissions: (deployment, projectKey, permissions) => {
      const params = { ...(projectKey ? { projectKey } : {}), permissions: permissions.join(",") };
      return deployment === "cloud"
        ? call("/rest/api/3/mypermissions", () => v3.permissions.getMyPermissions<unknown>(params))
        : call("/rest/api/2/mypermissions", () => v2.permissions.getMyPermissions<unknown>(params));
    },
    // https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/#3-1-get-the-cloudid-for-your-site
    fetchAccessibleResources: () => {
      const url = `${new URL(settings.baseUrl).origin}/oauth/token/accessible-resources`;
      return call(url, async () => {
        // An absolute URL: axios leaves the site's base aside for it.
        const response = await v3.sendRequestFullResponse<unknown>({ url, method: "GET" });
        return response.data;
      });
    },
  };
}

const detected = new Map<string, JiraDeployment>();

/**
 * Cloud or Data Center: JIRA_DEPLOYMENT when set, a known Cloud domain, or what `serverInfo` says (asked
 * once per site and process).
 */
export async function fetchJiraDeployment(
  settings: JiraSettings,
  client: JiraClient,
): Promise<JiraDeployment> {
  const known = settings.deployment ?? deploymentOfHost(settings.baseUrl) ?? detected.get(settings.baseUrl);
  if (known) return known;
  const info = JiraServerInfoSchema.parse(await client.fetchServerInfo());
  const deployment: JiraDeployment = info.deploymentType === "Cloud" ? "cloud" : "datacenter";
  detected.set(settings.baseUrl, deployment);
  return deployment;
}

const siteUrls = new Map<string, string>();

/**
 * The address people open the site at, for links: JIRA_BASE_URL itself, or behind the API gateway what
 * `serverInfo` names as `baseUrl` (asked once per API root and process).
 * https://developer.atlassian.com/cloud/jira/platform/rest/v2/api-group-server-info/
 */
export async function fetchJiraSiteUrl(settings: JiraSettings, client: JiraClient): Promise<string> {
  if (!isGatewayRoot(settings.baseUrl)) return settings.baseUrl;
  const known = siteUrls.get(settings.baseUrl);
  if (known) return known;
  const info = JiraServerInfoSchema.parse(await client.fetchServerInfo());
  const site =
    info.baseUrl && URL.canParse(info.baseUrl) ? trimTrailing(info.baseUrl, "/") : settings.baseUrl;
  siteUrls.set(settings.baseUrl, site);
  return site;
}
