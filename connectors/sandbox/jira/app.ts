/**
 * A Jira site over HTTP: the endpoints a sync client reads, with Jira's paths, shapes, page sizes and
 * errors, for Cloud (v3 with the enhanced search `GET /rest/api/3/search/jql`) and Data Center (v2 with
 * `GET /rest/api/2/search`). Serve it with `startJiraSandbox`; the harness in front adds 429s and 5xxs on
 * demand and logs every request.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import type { JiraDataset, SandboxIssue } from "./dataset.ts";
import { compareIssues, JqlError, parseJql, runJql } from "./jql.ts";
import {
  ALL_FIELDS,
  type ApiVersion,
  type RenderContext,
  renderComment,
  renderHistory,
  renderIssue,
} from "./render.ts";
import { addAccessibleResourcesRoute, addJiraWriteRoutes } from "./writes.ts";

/**
 * Jira's page sizes as its documentation states them, and as a recorded answer shows them where the
 * documentation is silent. Cloud: enhanced search 50 by default, at most 100 issues a page when fields are
 * asked for and 5,000 for ids or keys only; it embeds at most 20 comments and 40 change histories an issue
 * (the migration notes of the enhanced search); comments 5,000 a page; changelog 100 a page. Data Center:
 * `jira.search.views.default.max` = 1,000, with every comment and history embedded. Bulk changelog
 * (Cloud): up to 1,000 issues and 10 field ids a request, histories paged with `nextPageToken`.
 */
export const JIRA_SANDBOX_LIMITS = {
  searchDefault: 50,
  searchMax: 100,
  searchIdsMax: 5000,
  dcSearchMax: 1000,
  embeddedComments: 20,
  embeddedHistories: 40,
  commentsDefault: 5000,
  commentsMax: 5000,
  changelogDefault: 100,
  changelogMax: 100,
  bulkChangelogIssues: 1000,
  bulkChangelogFields: 10,
  bulkChangelogDefault: 1000,
  bulkChangelogMax: 1000,
  projectsDefault: 50,
  projectsMax: 100,
} as const;

type Ctx = Context;
type Json = ReturnType<typeof renderHistory>;

const BulkChangelogRequestSchema = z.object({
  issueIdsOrKeys: z.array(z.string()),
  fieldIds: z.array(z.string()).optional(),
  maxResults: z.number().int().positive().optional(),
  nextPageToken: z.string().optional(),
});

/**
 * Jira's error body: `{"errorMessages": [...], "errors": {}}`
 * (https://developer.atlassian.com/cloud/jira/platform/rest/v3/intro/#status-codes).
 */
function jiraError(c: Ctx, status: 400 | 401 | 403 | 404 | 410, ...messages: string[]) {
  return c.json({ errorMessages: messages, errors: {} }, status);
}

function intParam(c: Ctx, name: string, fallback: number): number {
  const raw = c.req.query(name);
  if (raw === undefined || raw === "" || raw === "false") return fallback;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : Number.NaN;
}

/** `fields=summary,comment&fields=status`, with `*all`, `*navigable`, `id`, `key` and `-name` as Jira reads them. */
function fieldsParam(c: Ctx, fallback: "id" | "*navigable"): Set<string> {
  const asked = (c.req.queries("fields") ?? [fallback])
    .flatMap((f) => f.split(","))
    .map((f) => f.trim())
    .filter(Boolean);
  const out = new Set<string>();
  for (const f of asked) {
    if (f === "*all" || f === "*navigable") for (const name of ALL_FIELDS) out.add(name);
    else if (!f.startsWith("-") && f !== "id" && f !== "key") out.add(f);
  }
  for (const f of asked) if (f.startsWith("-")) out.delete(f.slice(1));
  return out;
}

function expandParam(c: Ctx): Set<string> {
  return new Set(
    (c.req.queries("expand") ?? [])
      .flatMap((e) => e.split(","))
      .map((e) => e.trim())
      .filter(Boolean),
  );
}

function encodeToken(jql: string, last: SandboxIssue): string {
  const after = { id: last.id, key: last.key, updated: last.updated, created: last.created };
  return Buffer.from(JSON.stringify({ jql, after })).toString("base64url");
}

const TokenSchema = z.object({
  jql: z.string(),
  after: z.object({ id: z.string(), key: z.string(), updated: z.number(), created: z.number() }),
});

function decodeToken(
  token: string,
  jql: string,
): Pick<SandboxIssue, "id" | "key" | "updated" | "created"> | null {
  try {
    const parsed = TokenSchema.safeParse(JSON.parse(Buffer.from(token, "base64url").toString("utf8")));
    return parsed.success && parsed.data.jql === jql ? parsed.data.after : null;
  } catch {
    return null;
  }
}

function checkAuth(data: JiraDataset, header: string | undefined): boolean {
  if (!header) return false;
  if (header.startsWith("Basic ")) {
    const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
    return decoded === `${data.email}:${data.apiToken}`;
  }
  // Data Center also takes a personal access token as a bearer token; Cloud an OAuth 2.0 access token.
  if (data.deployment === "datacenter") return header === `Bearer ${data.apiToken}`;
  return header.startsWith("Bearer ") && data.oauthTokens.has(header.slice(7));
}

/** The Hono app of one Jira site. `data` is read on every request, so a test's changes show at once. */
export function createJiraSandboxApp(data: JiraDataset): Hono {
  const app = new Hono();
  const isCloud = data.deployment === "cloud";
  const isVisible = (issue: SandboxIssue) =>
    !data.hiddenProjects.has(issue.projectKey) && !data.hiddenIssues.has(issue.key);
  const ctxOf = (c: Ctx, version: ApiVersion): RenderContext => ({
    data,
    baseUrl: new URL(c.req.url).origin,
    version,
  });
  const versionOf = (c: Ctx): ApiVersion | null => {
    const v = c.req.param("v");
    if (v === "2" || v === "latest") return 2;
    if (v === "3" && isCloud) return 3;
    return null;
  };

  app.use("/rest/*", async (c, next) => {
    if (!checkAuth(data, c.req.header("authorization"))) {
      // 401: "Returned if the authentication credentials are incorrect or missing", in the error collection
      // (https://developer.atlassian.com/cloud/jira/platform/basic-auth-for-rest-apis/).
      c.header("WWW-Authenticate", 'Basic realm="protected-by-api-token"');
      return jiraError(c, 401, "Client must be authenticated to access this resource.");
    }
    await next();
  });

  // https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-server-info/
  app.get("/rest/api/:v/serverInfo", (c) => {
    if (!versionOf(c)) return jiraError(c, 404, "Not found");
    return c.json({
      baseUrl: data.siteUrl ?? new URL(c.req.url).origin,
      version: isCloud ? "1001.0.0-SNAPSHOT" : "9.12.15",
      versionNumbers: isCloud ? [1001, 0, 0] : [9, 12, 15],
      deploymentType: isCloud ? "Cloud" : "Server",
      buildNumber: isCloud ? 100283 : 9120015,
      serverTitle: "Jira",
    });
  });

  // https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/#api-rest-api-3-search-jql-get
  app.get("/rest/api/:v/search/jql", (c) => {
    const version = versionOf(c);
    if (!version || !isCloud) return jiraError(c, 404, "Not found");
    const jql = c.req.query("jql") ?? "";
    let query: ReturnType<typeof parseJql>;
    try {
      query = parseJql(jql);
      if (query.clauses.length === 0) {
        return jiraError(
          c,
          400,
          "Unbounded JQL queries are not allowed here. Please add a search restriction to your query.",
        );
      }
    } catch (err) {
      return jiraError(c, 400, (err as Error).message);
    }
    const fields = fieldsParam(c, "id");
    const cap = fields.size === 0 ? JIRA_SANDBOX_LIMITS.searchIdsMax : JIRA_SANDBOX_LIMITS.searchMax;
    const asked = intParam(c, "maxResults", JIRA_SANDBOX_LIMITS.searchDefault);
    if (Number.isNaN(asked)) return jiraError(c, 400, "The value for maxResults is invalid.");
    const pageSize = Math.min(asked, cap);
    let issues: SandboxIssue[];
    try {
      issues = runJql(data, query);
    } catch (err) {
      if (err instanceof JqlError) return jiraError(c, 400, err.message);
      throw err;
    }
    const token = c.req.query("nextPageToken");
    if (token) {
      const after = decodeToken(token, jql);
      if (!after) return jiraError(c, 400, "The provided next page token is invalid or expired.");
      const order = query.orderBy.length > 0 ? query.orderBy : [{ field: "key" as const, desc: true }];
      issues = issues.filter((i) => compareIssues(i, after, order) > 0);
    }
    const page = issues.slice(0, pageSize);
    const more = issues.length > page.length;
    const expand = expandParam(c);
    const ctx = ctxOf(c, version);
    const limits = {
      comments: JIRA_SANDBOX_LIMITS.embeddedComments,
      histories: JIRA_SANDBOX_LIMITS.embeddedHistories,
      historiesNewestFirst: true,
    };
    return c.json({
      issues: page.map((i) => renderIssue(ctx, i, { fields, changelog: expand.has("changelog"), limits })),
      // The last page has no `nextPageToken` key at all (JRACLOUD-92184).
      ...(more ? { nextPageToken: encodeToken(jql, page[page.length - 1]!) } : {}),
      isLast: !more,
    });
  });

  // https://docs.atlassian.com/software/jira/docs/api/REST/9.12.0/#api/2/search-search
  app.get("/rest/api/:v/search", (c) => {
    const version = versionOf(c);
    if (!version) return jiraError(c, 404, "Not found");
    if (isCloud) {
      return jiraError(
        c,
        410,
        "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046",
      );
    }
    const jql = c.req.query("jql") ?? "";
    const startAt = intParam(c, "startAt", 0);
    const asked = intParam(c, "maxResults", JIRA_SANDBOX_LIMITS.searchDefault);
    if (Number.isNaN(startAt) || Number.isNaN(asked))
      return jiraError(c, 400, "startAt and maxResults must be numbers.");
    const maxResults = Math.min(asked, JIRA_SANDBOX_LIMITS.dcSearchMax);
    let issues: SandboxIssue[];
    try {
      issues = runJql(data, parseJql(jql));
    } catch (err) {
      if (err instanceof JqlError) return jiraError(c, 400, err.message);
      throw err;
    }
    const fields = fieldsParam(c, "*navigable");
    const expand = expandParam(c);
    const ctx = ctxOf(c, version);
    const limits = {
      comments: Number.POSITIVE_INFINITY,
      histories: Number.POSITIVE_INFINITY,
      historiesNewestFirst: false,
    };
    return c.json({
      expand: "schema,names",
      startAt,
      maxResults,
      total: issues.length,
      issues: issues
        .slice(startAt, startAt + maxResults)
        .map((i) => renderIssue(ctx, i, { fields, changelog: expand.has("changelog"), limits })),
    });
  });

  // https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-issueidorkey-get
  app.get("/rest/api/:v/issue/:issueIdOrKey", (c) => {
    const version = versionOf(c);
    if (!version) return jiraError(c, 404, "Not found");
    const issue = data.findIssue(c.req.param("issueIdOrKey"));
    if (!issue || !isVisible(issue)) {
      return jiraError(c, 404, "Issue does not exist or you do not have permission to see it.");
    }
    const limits = {
      comments: Number.POSITIVE_INFINITY,
      histories: Number.POSITIVE_INFINITY,
      historiesNewestFirst: true,
    };
    return c.json(
      renderIssue(ctxOf(c, version), issue, {
        fields: fieldsParam(c, "*navigable"),
        changelog: expandParam(c).has("changelog"),
        limits,
      }),
    );
  });

  // https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-comments/#api-rest-api-3-issue-issueidorkey-comment-get
  app.get("/rest/api/:v/issue/:issueIdOrKey/comment", (c) => {
    const version = versionOf(c);
    if (!version) return jiraError(c, 404, "Not found");
    const issue = data.findIssue(c.req.param("issueIdOrKey"));
    if (!issue || !isVisible(issue)) {
      return jiraError(c, 404, "Issue does not exist or you do not have permission to see it.");
    }
    const startAt = intParam(c, "startAt", 0);
    const asked = intParam(c, "maxResults", JIRA_SANDBOX_LIMITS.commentsDefault);
    if (Number.isNaN(startAt) || Number.isNaN(asked))
      return jiraError(c, 400, "startAt and maxResults must be numbers.");
    const orderBy = c.req.query("orderBy");
    if (orderBy && !["created", "+created", "-created"].includes(orderBy)) {
      return jiraError(c, 400, "orderBy must be created, +created or -created.");
    }
    const ordered = orderBy === "-created" ? [...issue.comments].reverse() : issue.comments;
    const maxResults = Math.min(asked, JIRA_SANDBOX_LIMITS.commentsMax);
    const ctx = ctxOf(c, version);
    const page = ordered.slice(startAt, startAt + maxResults);
    return c.json({
      comments: page.map((comment) =>
        renderComment(ctx, issue, comment, { properties: expandParam(c).has("properties") }),
      ),
      maxResults: page.length,
      total: issue.comments.length,
      startAt,
    });
  });

  // https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-issueidorkey-changelog-get
  app.get("/rest/api/:v/issue/:issueIdOrKey/changelog", (c) => {
    const version = versionOf(c);
    if (!version || !isCloud) return jiraError(c, 404, "Not found");
    const issue = data.findIssue(c.req.param("issueIdOrKey"));
    if (!issue || !isVisible(issue)) {
      return jiraError(c, 404, "Issue does not exist or you do not have permission to see it.");
    }
    const startAt = intParam(c, "startAt", 0);
    const asked = intParam(c, "maxResults", JIRA_SANDBOX_LIMITS.changelogDefault);
    if (Number.isNaN(startAt) || Number.isNaN(asked))
      return jiraError(c, 400, "startAt and maxResults must be numbers.");
    const maxResults = Math.min(asked, JIRA_SANDBOX_LIMITS.changelogMax);
    const ctx = ctxOf(c, version);
    const page = issue.histories.slice(startAt, startAt + maxResults);
    const base = `${ctx.baseUrl}/rest/api/${version}/issue/${issue.key}/changelog`;
    const isLast = startAt + page.length >= issue.histories.length;
    return c.json({
      self: `${base}?startAt=${startAt}&maxResults=${maxResults}`,
      ...(isLast ? {} : { nextPage: `${base}?&startAt=${startAt + page.length}&maxResults=${maxResults}` }),
      maxResults,
      startAt,
      total: issue.histories.length,
      isLast,
      values: page.map((h) => renderHistory(ctx, h)),
    });
  });

  // https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-changelog-bulkfetch-post
  // "Returns a paginated list of all changelogs for given issues sorted by changelog date and issue IDs,
  // starting from the oldest changelog and smallest issue ID"; up to 1,000 issues and 10 field ids.
  app.post("/rest/api/:v/changelog/bulkfetch", async (c) => {
    const version = versionOf(c);
    if (version !== 3 || !isCloud) return jiraError(c, 404, "Not found");
    const body = BulkChangelogRequestSchema.safeParse(await c.req.json().catch(() => null));
    if (!body.success) return jiraError(c, 400, "The request body is invalid: issueIdsOrKeys is required.");
    const { issueIdsOrKeys, fieldIds, nextPageToken } = body.data;
    if (issueIdsOrKeys.length === 0 || issueIdsOrKeys.length > JIRA_SANDBOX_LIMITS.bulkChangelogIssues) {
      return jiraError(c, 400, "issueIdsOrKeys must hold between 1 and 1000 issues.");
    }
    if ((fieldIds?.length ?? 0) > JIRA_SANDBOX_LIMITS.bulkChangelogFields) {
      return jiraError(c, 400, "fieldIds may hold at most 10 field ids.");
    }
    const pageSize = Math.min(
      body.data.maxResults ?? JIRA_SANDBOX_LIMITS.bulkChangelogDefault,
      JIRA_SANDBOX_LIMITS.bulkChangelogMax,
    );
    const issues = issueIdsOrKeys
      .map((idOrKey) => data.findIssue(idOrKey))
      .filter((i): i is SandboxIssue => i !== undefined && isVisible(i));
    const wanted = fieldIds && fieldIds.length > 0 ? new Set(fieldIds) : null;
    const all = issues
      .flatMap((issue) =>
        issue.histories.map((h) => ({
          issue,
          history: wanted ? { ...h, items: h.items.filter((i) => wanted.has(i.fieldId)) } : h,
        })),
      )
      .filter((e) => e.history.items.length > 0)
      .sort((a, b) => a.history.created - b.history.created || Number(a.issue.id) - Number(b.issue.id));
    const offset = nextPageToken ? Number(Buffer.from(nextPageToken, "base64url").toString("utf8")) : 0;
    if (!Number.isInteger(offset) || offset < 0 || offset > all.length) {
      return jiraError(c, 400, "The provided next page token is invalid or expired.");
    }
    const page = all.slice(offset, offset + pageSize);
    const ctx = ctxOf(c, version);
    const byIssue = new Map<string, Json[]>();
    for (const { issue, history } of page) {
      const list = byIssue.get(issue.id) ?? [];
      list.push(renderHistory(ctx, history));
      byIssue.set(issue.id, list);
    }
    const end = offset + page.length;
    return c.json({
      issueChangeLogs: [...byIssue].map(([issueId, changeHistories]) => ({ issueId, changeHistories })),
      nextPageToken: end < all.length ? Buffer.from(String(end)).toString("base64url") : null,
    });
  });

  const visibleProjects = () => [...data.projects.values()].filter((p) => !data.hiddenProjects.has(p.key));
  const projectJson = (c: Ctx, version: ApiVersion, p: { id: string; key: string; name: string }) => ({
    expand: "description,lead,issueTypes,url,projectKeys,permissions,insight",
    self: `${new URL(c.req.url).origin}/rest/api/${version}/project/${p.id}`,
    id: p.id,
    key: p.key,
    name: p.name,
    projectTypeKey: "software",
  });

  // https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-projects/#api-rest-api-3-project-search-get
  app.get("/rest/api/:v/project/search", (c) => {
    const version = versionOf(c);
    if (!version || !isCloud) return jiraError(c, 404, "Not found");
    const startAt = intParam(c, "startAt", 0);
    const asked = intParam(c, "maxResults", JIRA_SANDBOX_LIMITS.projectsDefault);
    if (Number.isNaN(startAt) || Number.isNaN(asked))
      return jiraError(c, 400, "startAt and maxResults must be numbers.");
    const maxResults = Math.min(asked, JIRA_SANDBOX_LIMITS.projectsMax);
    const all = visibleProjects();
    const page = all.slice(startAt, startAt + maxResults);
    const isLast = startAt + page.length >= all.length;
    const base = `${new URL(c.req.url).origin}/rest/api/${version}/project/search`;
    return c.json({
      self: `${base}?startAt=${startAt}&maxResults=${maxResults}`,
      ...(isLast ? {} : { nextPage: `${base}?startAt=${startAt + page.length}&maxResults=${maxResults}` }),
      maxResults,
      startAt,
      total: all.length,
      isLast,
      values: page.map((p) => projectJson(c, version, p)),
    });
  });

  // https://docs.atlassian.com/software/jira/docs/api/REST/9.12.0/#api/2/project-getAllProjects
  app.get("/rest/api/:v/project", (c) => {
    const version = versionOf(c);
    if (!version) return jiraError(c, 404, "Not found");
    return c.json(visibleProjects().map((p) => projectJson(c, version, p)));
  });

  addJiraWriteRoutes(app, data, { versionOf, ctxOf, isVisible });

  app.notFound((c) => jiraError(c, 404, "Not found"));
  if (!isCloud) return app;
  // Cloud's API gateway for OAuth 2.0 (3LO) apps and scoped API tokens: the same API under
  // https://api.atlassian.com/ex/jira/<cloudId>/rest/… (https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/).
  const site = new Hono();
  site.all("/ex/jira/:cloudId/*", (c) => {
    if (c.req.param("cloudId") !== data.cloudId) return jiraError(c, 404, "Not found");
    const url = new URL(c.req.url);
    url.pathname = url.pathname.slice(`/ex/jira/${data.cloudId}`.length);
    return app.fetch(new Request(url, c.req.raw));
  });
  addAccessibleResourcesRoute(site, data);
  site.route("/", app);
  return site;
}
