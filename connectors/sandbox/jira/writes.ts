/**
 * What Threadline writes on a Jira site, as Jira takes it: add a comment (v3 ADF body, v2 wiki markup, with
 * `properties`), assign an issue, list and do transitions, and what the credentials may do (`myself`,
 * `mypermissions`, and for an OAuth 2.0 token its scopes). Every write checks the API user's project
 * permission (403 without it) and an OAuth token's `write:jira-work` scope (401 "scope does not match"), and
 * `data.writeFaults` can make the next one answer a 5xx before or after it is saved.
 *
 * https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-comments/#api-rest-api-3-issue-issueidorkey-comment-post
 * https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-issueidorkey-assignee-put
 * https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-issueidorkey-transitions-get
 * https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-permissions/#api-rest-api-3-mypermissions-get
 * https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/ (accessible-resources)
 */
import type { Context, Hono } from "hono";
import { z } from "zod";
import type { AdfNode, JiraDataset, SandboxIssue, WritePermission } from "./dataset.ts";
import { WRITE_PERMISSIONS } from "./dataset.ts";
import { type ApiVersion, type RenderContext, renderComment, renderStatus, renderUser } from "./render.ts";

type Status = 400 | 401 | 403 | 404 | 500 | 502 | 503 | 504;

const jiraError = (c: Context, status: Status, ...messages: string[]) =>
  c.json({ errorMessages: messages, errors: {} }, status);

/** The answer of a write whose fault hook fired: Jira's error collection with a 5xx. */
const serverError = (c: Context, status: 500 | 502 | 503 | 504) =>
  jiraError(c, status, "Internal server error");

/** The bearer token of an OAuth 2.0 request, if the request has one the site knows. */
export function oauthTokenOf(data: JiraDataset, c: Context): string | null {
  const header = c.req.header("authorization") ?? "";
  const token = header.startsWith("Bearer ") ? header.slice(7) : null;
  return token !== null && data.oauthTokens.has(token) ? token : null;
}

const PERMISSION_NAMES: Record<WritePermission, { id: string; name: string; description: string }> = {
  ADD_COMMENTS: { id: "15", name: "Add Comments", description: "Ability to comment on issues." },
  ASSIGN_ISSUES: {
    id: "13",
    name: "Assign Issues",
    description: "Ability to assign issues to other people.",
  },
  TRANSITION_ISSUES: {
    id: "46",
    name: "Transition Issues",
    description: "Ability to transition issues.",
  },
};

const PropertySchema = z.object({ key: z.string().min(1).max(255), value: z.unknown() });

const AdfSchema: z.ZodType<AdfNode> = z.lazy(() =>
  z.object({
    type: z.string(),
    version: z.number().optional(),
    text: z.string().optional(),
    attrs: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
    marks: z
      .array(
        z.object({
          type: z.string(),
          attrs: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
        }),
      )
      .optional(),
    content: z.array(AdfSchema).optional(),
  }),
);

/** Wiki markup as the v2 API takes it, to the ADF the sandbox keeps: paragraphs, line breaks, mentions, links. */
export function wikiToAdf(data: JiraDataset, wiki: string): AdfNode {
  const inline = (line: string): AdfNode[] => {
    const out: AdfNode[] = [];
    const pattern = /\[~(?:accountid:)?([^\]]+)\]|(?<!\\)\[([^|\]]+)\|(https?:[^\]]+)\]/g;
    let last = 0;
    for (const m of line.matchAll(pattern)) {
      if (m.index > last) out.push({ type: "text", text: line.slice(last, m.index) });
      if (m[1] !== undefined) {
        const user = [...data.users.values()].find((u) => u.accountId === m[1] || u.name === m[1]);
        out.push(
          user
            ? {
                type: "mention",
                attrs: { id: user.accountId, text: `@${user.displayName}`, accessLevel: "" },
              }
            : { type: "text", text: m[0] },
        );
      } else {
        out.push({ type: "text", text: m[2]!, marks: [{ type: "link", attrs: { href: m[3]! } }] });
      }
      last = m.index + m[0].length;
    }
    if (last < line.length) out.push({ type: "text", text: line.slice(last) });
    return out.map((n) =>
      n.type === "text" && n.text ? { ...n, text: n.text.replace(/\\([{}[\]|])/g, "$1") } : n,
    );
  };
  return {
    type: "doc",
    version: 1,
    content: wiki
      .split(/\n{2,}/)
      .filter((p) => p.trim().length > 0)
      .map((p) => ({
        type: "paragraph",
        content: p
          .split("\n")
          .flatMap((line, i) => (i === 0 ? inline(line) : [{ type: "hardBreak" }, ...inline(line)])),
      })),
  };
}

export interface JiraWriteHelpers {
  versionOf(c: Context): ApiVersion | null;
  ctxOf(c: Context, version: ApiVersion): RenderContext;
  isVisible(issue: SandboxIssue): boolean;
}

/** Adds the write endpoints (and what the credentials may do) to the site's app. */
export function addJiraWriteRoutes(app: Hono, data: JiraDataset, helpers: JiraWriteHelpers): void {
  const isCloud = data.deployment === "cloud";
  const { versionOf, ctxOf, isVisible } = helpers;

  /** The issue a write names, or the error to answer: 404 when missing or hidden, as Jira does. */
  const issueOf = (c: Context): SandboxIssue | Response => {
    const issue = data.findIssue(c.req.param("issueIdOrKey") ?? "");
    if (!issue || !isVisible(issue)) {
      return jiraError(c, 404, "Issue does not exist or you do not have permission to see it.");
    }
    return issue;
  };

  /** 401 for an OAuth token without `write:jira-work` (Atlassian's gateway answer), 403 without the permission. */
  const refuse = (c: Context, permission: WritePermission, message: string): Response | null => {
    const token = oauthTokenOf(data, c);
    if (token !== null && !data.oauthTokens.get(token)?.includes("write:jira-work")) {
      return c.json({ code: 401, message: "Unauthorized; scope does not match" }, 401);
    }
    return data.permissions.has(permission) ? null : jiraError(c, 403, message);
  };

  // POST /rest/api/{2,3}/issue/{issueIdOrKey}/comment: 201 with the comment.
  app.post("/rest/api/:v/issue/:issueIdOrKey/comment", async (c) => {
    const version = versionOf(c);
    if (!version) return jiraError(c, 404, "Not found");
    const issue = issueOf(c);
    if (issue instanceof Response) return issue;
    const refused = refuse(c, "ADD_COMMENTS", "You do not have the permission to comment on this issue.");
    if (refused) return refused;
    const body = z
      .object({
        body: version === 3 ? AdfSchema : z.string(),
        properties: z.array(PropertySchema).optional(),
      })
      .safeParse(await c.req.json().catch(() => null));
    if (!body.success) {
      return c.json({ errorMessages: [], errors: { comment: "Comment body is not valid!" } }, 400);
    }
    const adf = typeof body.data.body === "string" ? wikiToAdf(data, body.data.body) : body.data.body;
    if ((adf.content ?? []).length === 0) {
      return c.json({ errorMessages: [], errors: { comment: "Comment body can not be empty!" } }, 400);
    }
    const before = data.writeFaults.take("before");
    if (before) return serverError(c, before);
    data.advance(1_000);
    const comment = data.addComment(issue.key, {
      author: data.apiUser().id,
      body: adf,
      properties: (body.data.properties ?? []).map((p) => ({ key: p.key, value: p.value })),
    });
    const after = data.writeFaults.take("after");
    if (after) return serverError(c, after);
    return c.json(renderComment(ctxOf(c, version), issue, comment, { properties: true }) as object, 201);
  });

  // PUT /rest/api/{2,3}/issue/{issueIdOrKey}/assignee: `accountId` (Cloud) or `name` (Data Center); 204.
  app.put("/rest/api/:v/issue/:issueIdOrKey/assignee", async (c) => {
    const version = versionOf(c);
    if (!version) return jiraError(c, 404, "Not found");
    const issue = issueOf(c);
    if (issue instanceof Response) return issue;
    const refused = refuse(c, "ASSIGN_ISSUES", "You do not have permission to assign issues.");
    if (refused) return refused;
    const body = z
      .object({ accountId: z.string().nullable().optional(), name: z.string().nullable().optional() })
      .safeParse(await c.req.json().catch(() => null));
    if (!body.success) return jiraError(c, 400, "The request body is invalid.");
    const wanted = isCloud ? body.data.accountId : (body.data.name ?? body.data.accountId);
    let userId: string | null = null;
    if (wanted !== null && wanted !== undefined) {
      const found = [...data.users].find(([, u]) => (isCloud ? u.accountId === wanted : u.name === wanted));
      if (!found) {
        return c.json(
          { errorMessages: [], errors: { assignee: `User '${wanted}' does not exist.` } },
          isCloud ? 404 : 400,
        );
      }
      if (found[1].accountType === "customer" || !found[1].active) {
        return c.json(
          {
            errorMessages: [],
            errors: { assignee: `User '${found[1].displayName}' cannot be assigned issues.` },
          },
          400,
        );
      }
      userId = found[0];
    }
    const before = data.writeFaults.take("before");
    if (before) return serverError(c, before);
    if (issue.assigneeId !== userId) {
      data.advance(1_000);
      data.updateIssue(issue.key, { assignee: userId }, { by: data.apiUser().id });
    }
    const after = data.writeFaults.take("after");
    if (after) return serverError(c, after);
    return c.body(null, 204);
  });

  // GET /rest/api/{2,3}/issue/{issueIdOrKey}/transitions: the sandbox's workflow lets any status go to any
  // other (Jira's "all statuses" global transitions), one transition per status but the current one.
  const transitionId = (statusIndex: number) => String(11 + statusIndex * 10);
  app.get("/rest/api/:v/issue/:issueIdOrKey/transitions", (c) => {
    const version = versionOf(c);
    if (!version) return jiraError(c, 404, "Not found");
    const issue = issueOf(c);
    if (issue instanceof Response) return issue;
    const ctx = ctxOf(c, version);
    // Without the permission Jira lists no transition at all.
    const list = data.permissions.has("TRANSITION_ISSUES")
      ? data.statuses.flatMap((status, i) =>
          status.id === issue.statusId
            ? []
            : [
                {
                  id: transitionId(i),
                  name: status.name,
                  to: renderStatus(ctx, status),
                  hasScreen: false,
                  isGlobal: true,
                  isInitial: false,
                  isAvailable: true,
                  isConditional: false,
                  isLooped: false,
                },
              ],
        )
      : [];
    return c.json({ expand: "transitions", transitions: list });
  });

  // POST /rest/api/{2,3}/issue/{issueIdOrKey}/transitions `{"transition": {"id"}}`: 204.
  app.post("/rest/api/:v/issue/:issueIdOrKey/transitions", async (c) => {
    const version = versionOf(c);
    if (!version) return jiraError(c, 404, "Not found");
    const issue = issueOf(c);
    if (issue instanceof Response) return issue;
    const refused = refuse(c, "TRANSITION_ISSUES", "You do not have permission to transition this issue.");
    if (refused) return refused;
    const body = z
      .object({ transition: z.object({ id: z.string() }) })
      .safeParse(await c.req.json().catch(() => null));
    if (!body.success) return jiraError(c, 400, "Missing 'transition' identifier");
    const index = data.statuses.findIndex((_, i) => transitionId(i) === body.data.transition.id);
    const status = data.statuses[index];
    if (!status || status.id === issue.statusId) {
      return jiraError(c, 400, `Transition id '${body.data.transition.id}' is not valid for this issue.`);
    }
    const before = data.writeFaults.take("before");
    if (before) return serverError(c, before);
    data.advance(1_000);
    data.transition(issue.key, status.name, { by: data.apiUser().id });
    const after = data.writeFaults.take("after");
    if (after) return serverError(c, after);
    return c.body(null, 204);
  });

  // GET /rest/api/{2,3}/myself: the credentials' user.
  app.get("/rest/api/:v/myself", (c) => {
    const version = versionOf(c);
    if (!version) return jiraError(c, 404, "Not found");
    return c.json(renderUser(ctxOf(c, version), data.apiUser()) as object);
  });

  // GET /rest/api/{2,3}/mypermissions?projectKey=&permissions=A,B: `permissions` is required on Cloud.
  app.get("/rest/api/:v/mypermissions", (c) => {
    const version = versionOf(c);
    if (!version) return jiraError(c, 404, "Not found");
    const asked = (c.req.query("permissions") ?? "").split(",").filter(Boolean);
    if (asked.length === 0 && isCloud) {
      return jiraError(c, 400, "The 'permissions' query parameter is required.");
    }
    const projectKey = c.req.query("projectKey");
    if (projectKey && (!data.projects.has(projectKey) || data.hiddenProjects.has(projectKey))) {
      return jiraError(c, 404, `No project could be found with key '${projectKey}'.`);
    }
    const keys = asked.length > 0 ? asked : [...WRITE_PERMISSIONS, "BROWSE_PROJECTS"];
    const permissions: Record<string, object> = {};
    for (const key of keys) {
      const known = (WRITE_PERMISSIONS as readonly string[]).includes(key)
        ? PERMISSION_NAMES[key as WritePermission]
        : key === "BROWSE_PROJECTS"
          ? { id: "10", name: "Browse Projects", description: "Ability to browse projects." }
          : null;
      if (!known) return jiraError(c, 400, `Permission '${key}' does not exist.`);
      permissions[key] = {
        ...known,
        key,
        type: "PROJECT",
        havePermission: key === "BROWSE_PROJECTS" || data.permissions.has(key as WritePermission),
      };
    }
    return c.json({ permissions });
  });
}

/**
 * `GET https://api.atlassian.com/oauth/token/accessible-resources`: the sites an OAuth 2.0 token reaches,
 * with the scopes granted on each.
 */
export function addAccessibleResourcesRoute(app: Hono, data: JiraDataset): void {
  app.get("/oauth/token/accessible-resources", (c) => {
    const token = oauthTokenOf(data, c);
    if (token === null) return c.json({ code: 401, message: "Unauthorized" }, 401);
    return c.json([
      {
        id: data.cloudId,
        url: data.siteUrl ?? new URL(c.req.url).origin,
        name: new URL(data.siteUrl ?? c.req.url).hostname.split(".")[0] ?? "site",
        scopes: data.oauthTokens.get(token) ?? [],
        avatarUrl: "https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/koala.png",
      },
    ]);
  });
}
