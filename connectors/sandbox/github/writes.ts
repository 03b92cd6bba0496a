/**
 * What Threadline writes on GitHub, as GitHub takes it: an issue (or pull request) comment, assignees,
 * requested reviewers and the issue's state, plus the reads that check them (one issue, its comments, a
 * pull request's requested reviewers, a user by id). A classic token without `repo` (or `public_repo` on a
 * public repository) gets 404, as GitHub hides what a token may not reach; a fine-grained token with
 * read-only Issues and Pull requests gets 403 "Resource not accessible by personal access token"; an
 * account without push access has its assignees silently ignored (as documented) and its review requests
 * and state changes refused. `dataset.writeFaults` makes the next write answer a 5xx before or after it is
 * saved.
 *
 * docs.github.com/rest/issues/comments#create-an-issue-comment ·
 * docs.github.com/rest/issues/assignees#add-assignees-to-an-issue ·
 * docs.github.com/rest/pulls/review-requests#request-reviewers-for-a-pull-request ·
 * docs.github.com/rest/issues/issues#update-an-issue ·
 * docs.github.com/rest/users/users#get-a-user-using-their-id
 */
import type { Context, Hono } from "hono";
import { z } from "zod";
import { type GithubDataset, REPO_ROLES, type SandboxRepo, type SandboxToken } from "./dataset.ts";
import { type RenderContext, restIssue, restIssueComment, restPullRequest, restUser } from "./render.ts";

export interface GithubWriteHelpers {
  authed(c: Context, documentationUrl: string): { token: string; entry: SandboxToken } | Response;
  answer(c: Context, token: string, body: unknown, extra?: Record<string, string>): Response;
  repoOf(c: Context, entry: SandboxToken): SandboxRepo | null;
  notFound(c: Context, doc: string, token: string): Response;
  renderContext(c: Context, prefix: string): RenderContext;
}

const DOCS = {
  comment: "https://docs.github.com/rest/issues/comments#create-an-issue-comment",
  listComments: "https://docs.github.com/rest/issues/comments#list-issue-comments",
  issue: "https://docs.github.com/rest/issues/issues#get-an-issue",
  update: "https://docs.github.com/rest/issues/issues#update-an-issue",
  assignees: "https://docs.github.com/rest/issues/assignees#add-assignees-to-an-issue",
  reviewers: "https://docs.github.com/rest/pulls/review-requests#request-reviewers-for-a-pull-request",
  listReviewers:
    "https://docs.github.com/rest/pulls/review-requests#get-all-requested-reviewers-for-a-pull-request",
  user: "https://docs.github.com/rest/users/users#get-a-user-using-their-id",
};

const error = (c: Context, status: 403 | 404 | 422 | 500 | 502 | 503 | 504, message: string, doc: string) =>
  c.json({ message, documentation_url: doc, status: String(status) }, status);

const validation = (c: Context, doc: string, message: string) =>
  c.json({ message, documentation_url: doc, status: "422" }, 422);

/** A write's answer with its status (201 for what it created). */
const withStatus = (res: Response, status: number) =>
  res.status === 200 ? new Response(res.body, { status, headers: res.headers }) : res;

const hasPush = (entry: SandboxToken) => REPO_ROLES.indexOf(entry.role) >= REPO_ROLES.indexOf("write");

export function addGithubWriteRoutes(app: Hono, dataset: GithubDataset, helpers: GithubWriteHelpers): void {
  const { authed, answer, repoOf, notFound, renderContext } = helpers;

  /** The token may write to the repository: the error to answer if not. */
  const refuse = (c: Context, entry: SandboxToken, token: string, repo: SandboxRepo, doc: string) => {
    if (entry.scopes !== null) {
      const ok = entry.scopes.includes("repo") || (!repo.private && entry.scopes.includes("public_repo"));
      return ok ? null : notFound(c, doc, token);
    }
    return entry.issuesAndPulls === "write"
      ? null
      : error(c, 403, "Resource not accessible by personal access token", doc);
  };

  const fault = (c: Context, when: "before" | "after", doc: string) => {
    const status = dataset.writeFaults.take(when);
    return status ? error(c, status, "Server Error", doc) : null;
  };

  /** Auth, repository, issue number: what every route below starts with. */
  const open = (c: Context, doc: string) => {
    const auth = authed(c, doc);
    if (auth instanceof Response) return auth;
    const repo = repoOf(c, auth.entry);
    const issue = repo?.issues.get(Number(c.req.param("number")));
    if (!repo || !issue) return notFound(c, doc, auth.token);
    return { ...auth, repo, issue };
  };

  for (const prefix of ["", "/api/v3"]) {
    const base = `${prefix}/repos/:owner/:repo`;

    // GET /repos/{owner}/{repo}/issues/{number}
    app.get(`${base}/issues/:number`, (c) => {
      const o = open(c, DOCS.issue);
      if (o instanceof Response) return o;
      return answer(c, o.token, restIssue(renderContext(c, prefix), o.repo, o.issue));
    });

    // GET /repos/{owner}/{repo}/issues/{number}/comments: oldest first, paged with `Link`.
    app.get(`${base}/issues/:number/comments`, (c) => {
      const o = open(c, DOCS.listComments);
      if (o instanceof Response) return o;
      const url = new URL(c.req.url);
      const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get("per_page") ?? "30") || 30));
      const pageNo = Math.max(1, Number(url.searchParams.get("page") ?? "1") || 1);
      const all = [...o.repo.comments.values()]
        .filter((x) => x.issueNumber === o.issue.number)
        .sort((a, b) => a.id - b.id);
      const last = Math.max(1, Math.ceil(all.length / perPage));
      const at = (n: number) => {
        const params = new URLSearchParams(url.searchParams);
        params.set("page", String(n));
        return `<${url.origin}${prefix}/repositories/${o.repo.id}/issues/${o.issue.number}/comments?${params}>`;
      };
      const rels: string[] = [];
      if (pageNo > 1) rels.push(`${at(pageNo - 1)}; rel="prev"`, `${at(1)}; rel="first"`);
      if (pageNo < last) rels.push(`${at(pageNo + 1)}; rel="next"`, `${at(last)}; rel="last"`);
      const ctx = renderContext(c, prefix);
      return answer(
        c,
        o.token,
        all.slice((pageNo - 1) * perPage, pageNo * perPage).map((x) => restIssueComment(ctx, o.repo, x)),
        rels.length > 0 ? { link: rels.join(", ") } : {},
      );
    });

    // POST /repos/{owner}/{repo}/issues/{number}/comments `{"body"}`: 201 with the comment.
    app.post(`${base}/issues/:number/comments`, async (c) => {
      const o = open(c, DOCS.comment);
      if (o instanceof Response) return o;
      const refused = refuse(c, o.entry, o.token, o.repo, DOCS.comment);
      if (refused) return refused;
      const body = z
        .object({ body: z.string().min(1).max(65_536) })
        .safeParse(await c.req.json().catch(() => null));
      if (!body.success) return validation(c, DOCS.comment, 'Invalid request.\n\n"body" wasn\'t supplied.');
      const before = fault(c, "before", DOCS.comment);
      if (before) return before;
      dataset.tick();
      const comment = dataset
        .repo(o.repo.fullName)
        .comment(o.issue.number, { author: o.entry.login, body: body.data.body });
      const after = fault(c, "after", DOCS.comment);
      if (after) return after;
      return withStatus(answer(c, o.token, restIssueComment(renderContext(c, prefix), o.repo, comment)), 201);
    });

    // POST /repos/{owner}/{repo}/issues/{number}/assignees `{"assignees": [...]}`: 201 with the issue.
    app.post(`${base}/issues/:number/assignees`, async (c) => {
      const o = open(c, DOCS.assignees);
      if (o instanceof Response) return o;
      const refused = refuse(c, o.entry, o.token, o.repo, DOCS.assignees);
      if (refused) return refused;
      const body = z
        .object({ assignees: z.array(z.string()).max(10) })
        .safeParse(await c.req.json().catch(() => null));
      if (!body.success) return validation(c, DOCS.assignees, "Invalid request.");
      const before = fault(c, "before", DOCS.assignees);
      if (before) return before;
      // "Only users with push access can add assignees to an issue. Assignees are silently ignored otherwise."
      const added = hasPush(o.entry)
        ? body.data.assignees.filter((l) => dataset.users.has(l) && !o.issue.assignees.includes(l))
        : [];
      if (added.length > 0) {
        dataset.tick();
        dataset
          .repo(o.repo.fullName)
          .editIssue(o.issue.number, { assignees: [...o.issue.assignees, ...added] });
      }
      const after = fault(c, "after", DOCS.assignees);
      if (after) return after;
      return withStatus(answer(c, o.token, restIssue(renderContext(c, prefix), o.repo, o.issue)), 201);
    });

    // PATCH /repos/{owner}/{repo}/issues/{number} `{"state": "open"}`: 200 with the issue (pull requests too).
    app.patch(`${base}/issues/:number`, async (c) => {
      const o = open(c, DOCS.update);
      if (o instanceof Response) return o;
      const refused = refuse(c, o.entry, o.token, o.repo, DOCS.update);
      if (refused) return refused;
      const body = z
        .object({ state: z.enum(["open", "closed"]).optional() })
        .safeParse(await c.req.json().catch(() => null));
      if (!body.success) return validation(c, DOCS.update, "Invalid request.");
      if (!hasPush(o.entry) && o.issue.author !== o.entry.login) {
        return error(c, 403, "Must have push access to change the state of this issue.", DOCS.update);
      }
      if (body.data.state === "open" && o.issue.pull?.mergedAt) {
        return validation(
          c,
          DOCS.update,
          "state cannot be changed. The pull request cannot be reopened because it is merged.",
        );
      }
      const before = fault(c, "before", DOCS.update);
      if (before) return before;
      if (body.data.state && body.data.state !== o.issue.state) {
        dataset.tick();
        const handle = dataset.repo(o.repo.fullName);
        if (body.data.state === "open") handle.reopen(o.issue.number);
        else handle.close(o.issue.number);
      }
      const after = fault(c, "after", DOCS.update);
      if (after) return after;
      return answer(c, o.token, restIssue(renderContext(c, prefix), o.repo, o.issue));
    });

    // GET /repos/{owner}/{repo}/pulls/{number}/requested_reviewers: `{"users", "teams"}`.
    app.get(`${base}/pulls/:number/requested_reviewers`, (c) => {
      const o = open(c, DOCS.listReviewers);
      if (o instanceof Response) return o;
      if (!o.issue.pull) return notFound(c, DOCS.listReviewers, o.token);
      const ctx = renderContext(c, prefix);
      return answer(c, o.token, {
        users: o.issue.pull.requestedReviewers.map((l) => restUser(ctx, l)),
        teams: o.issue.pull.requestedTeams.map((slug) => ({ slug, name: slug })),
      });
    });

    // POST /repos/{owner}/{repo}/pulls/{number}/requested_reviewers `{"reviewers": [...]}`: 201 with the pull.
    app.post(`${base}/pulls/:number/requested_reviewers`, async (c) => {
      const o = open(c, DOCS.reviewers);
      if (o instanceof Response) return o;
      if (!o.issue.pull) return notFound(c, DOCS.reviewers, o.token);
      const refused = refuse(c, o.entry, o.token, o.repo, DOCS.reviewers);
      if (refused) return refused;
      const body = z
        .object({ reviewers: z.array(z.string()).optional(), team_reviewers: z.array(z.string()).optional() })
        .safeParse(await c.req.json().catch(() => null));
      if (!body.success) return validation(c, DOCS.reviewers, "Invalid request.");
      if (!hasPush(o.entry)) {
        return error(
          c,
          403,
          "Must have push access to request reviews on this pull request.",
          DOCS.reviewers,
        );
      }
      const reviewers = body.data.reviewers ?? [];
      if (reviewers.includes(o.issue.author)) {
        return validation(c, DOCS.reviewers, "Review cannot be requested from pull request author.");
      }
      if (reviewers.some((l) => dataset.users.get(l)?.type !== "User")) {
        return validation(
          c,
          DOCS.reviewers,
          `Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the ${o.repo.fullName} repository.`,
        );
      }
      const before = fault(c, "before", DOCS.reviewers);
      if (before) return before;
      dataset.tick();
      dataset.repo(o.repo.fullName).requestReviewers(o.issue.number, reviewers);
      const after = fault(c, "after", DOCS.reviewers);
      if (after) return after;
      return withStatus(answer(c, o.token, restPullRequest(renderContext(c, prefix), o.repo, o.issue)), 201);
    });

    // GET /user/{account_id}: a user by numeric id.
    app.get(`${prefix}/user/:accountId{[0-9]+}`, (c) => {
      const auth = authed(c, DOCS.user);
      if (auth instanceof Response) return auth;
      const id = Number(c.req.param("accountId"));
      const user = [...dataset.users.values()].find((u) => u.id === id);
      if (!user) return notFound(c, DOCS.user, auth.token);
      return answer(c, auth.token, restUser(renderContext(c, prefix), user.login));
    });
  }
}
