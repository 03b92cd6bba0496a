/**
 * The GitHub sandbox's HTTP API: the REST list endpoints Threadline reads and GraphQL, at the paths
 * api.github.com serves them (and under `/api/v3` and `/api/graphql`, as GitHub Enterprise Server does). It
 * answers as GitHub documents: token auth (401 `Bad credentials`), 404 for a repository the token cannot see,
 * `per_page` capped at 100, `Link` pagination with `/repositories/{id}/…` addresses, ETags and `304 Not
 * Modified` for `If-None-Match` (free of rate limit), the `x-ratelimit-*` headers and the primary-limit 403,
 * and GraphQL with GitHub's errors, connection limits and point costs.
 *
 * docs.github.com/en/rest/using-the-rest-api/using-pagination-in-the-rest-api ·
 * docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api#use-conditional-requests-if-appropriate ·
 * docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api
 */
import { createHash } from "node:crypto";
import { type Context, Hono } from "hono";
import {
  type GithubDataset,
  REPO_ROLES,
  type RepoRole,
  type SandboxRepo,
  type SandboxToken,
} from "./dataset.ts";
import { executeGithubGraphql, type GraphqlRequest } from "./graphql/execute-request.ts";
import type { GithubGraphqlContext } from "./graphql/resolvers.ts";
import {
  type RenderContext,
  restDeployment,
  restDeploymentStatus,
  restIssue,
  restIssueComment,
  restRepository,
  restReview,
  restReviewComment,
  restUser,
} from "./render.ts";
import { addGithubWriteRoutes } from "./writes.ts";

export interface GithubSandboxOptions {
  /** Requests per hour per token (REST `core`) and GraphQL points per hour; GitHub's are 5,000 each. */
  rateLimit?: { core?: number; graphql?: number };
  /**
   * How many objects a GraphQL answer can hold before its query runs past GitHub's 10 seconds: a larger
   * answer is a 502 with GitHub's timeout message instead (unset: no query is that slow).
   * docs.github.com/en/graphql/overview/rate-limits-and-query-limits-for-the-graphql-api#timeouts
   */
  slowAnswerObjects?: number;
}

/** The objects of an answer: what its query had to load. */
function countObjects(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + countObjects(v), 0);
  if (typeof value !== "object" || value === null) return 0;
  return 1 + Object.values(value).reduce((n: number, v) => n + countObjects(v), 0);
}

type Resource = "core" | "graphql";

/** The primary rate limit of each token, on the wall clock (clients compute their waits from it). */
export class RateLimits {
  private windows = new Map<string, { used: number; resetAt: number }>();
  constructor(private readonly limits: Record<Resource, number>) {}

  state(token: string, resource: Resource) {
    const key = `${resource}:${token}`;
    let w = this.windows.get(key);
    const now = Date.now();
    if (!w || w.resetAt <= now) {
      w = { used: 0, resetAt: now + 3_600_000 };
      this.windows.set(key, w);
    }
    const limit = this.limits[resource];
    return { window: w, limit, remaining: Math.max(0, limit - w.used) };
  }

  /** Charges `cost`; false when the budget cannot pay it. */
  take(token: string, resource: Resource, cost: number): boolean {
    const { window, remaining } = this.state(token, resource);
    if (remaining < cost) return false;
    window.used += cost;
    return true;
  }

  headers(token: string, resource: Resource): Record<string, string> {
    const { window, limit, remaining } = this.state(token, resource);
    return {
      "x-ratelimit-limit": String(limit),
      "x-ratelimit-remaining": String(remaining),
      "x-ratelimit-reset": String(Math.ceil(window.resetAt / 1000)),
      "x-ratelimit-used": String(window.used),
      "x-ratelimit-resource": resource,
    };
  }

  /** Spends the rest of a token's budget, for tests of the primary limit. */
  exhaust(token: string, resource: Resource, resetInSeconds: number): void {
    const { window, limit } = this.state(token, resource);
    window.used = limit;
    window.resetAt = Date.now() + resetInSeconds * 1000;
  }
}

const DOCS = "https://docs.github.com/rest";
// A refused token: 401 `{"message": "Bad credentials", "documentation_url", "status": "401"}`.
// https://docs.github.com/en/rest/using-the-rest-api/troubleshooting-the-rest-api#bad-credentials
const ROUTE_DOCS: Record<string, string> = {
  issues: "https://docs.github.com/rest/issues/issues#list-repository-issues",
  comments: "https://docs.github.com/rest/issues/comments#list-issue-comments-for-a-repository",
  reviewComments: "https://docs.github.com/rest/pulls/comments#list-review-comments-in-a-repository",
  reviews: "https://docs.github.com/rest/pulls/reviews#list-reviews-for-a-pull-request",
  pullReviewComments: "https://docs.github.com/rest/pulls/comments#list-review-comments-on-a-pull-request",
  deployments: "https://docs.github.com/rest/deployments/deployments#list-deployments",
  statuses: "https://docs.github.com/rest/deployments/statuses#list-deployment-statuses",
  repo: "https://docs.github.com/rest/repos/repos#get-a-repository",
  userRepos: "https://docs.github.com/rest/repos/repos#list-repositories-for-the-authenticated-user",
};

const COMMON_HEADERS: Record<string, string> = {
  "x-github-media-type": "github.v3; format=json",
  "x-github-api-version-selected": "2022-11-28",
  "x-accepted-oauth-scopes": "repo",
  "access-control-expose-headers":
    "ETag, Link, Location, Retry-After, X-GitHub-OTP, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Used, X-RateLimit-Resource, X-RateLimit-Reset, X-OAuth-Scopes, X-Accepted-OAuth-Scopes, X-Poll-Interval, X-GitHub-Media-Type, X-GitHub-SSO, X-GitHub-Request-Id, Deprecation, Sunset",
  "cache-control": "private, max-age=60, s-maxage=60",
  vary: "Accept, Authorization, Cookie, X-GitHub-OTP",
};

let requestCounter = 0;

function tokenOf(c: Context): string | null {
  const header = c.req.header("authorization") ?? "";
  const m = /^(?:token|bearer)\s+(\S+)$/i.exec(header.trim());
  return m ? m[1]! : null;
}

function errorBody(message: string, documentationUrl: string, status: number) {
  return { message, documentation_url: documentationUrl, status: String(status) };
}

/** A weak ETag of the body, as GitHub sends them. */
function etagOf(body: string): string {
  return `W/"${createHash("sha256").update(body).digest("hex")}"`;
}

const parseSince = (value: string | undefined): number | null | "invalid" => {
  if (value === undefined || value === "") return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? "invalid" : t;
};

/** The sandbox's HTTP API over `dataset`. `rates` is exposed so tests can spend a token's budget. */
export function createGithubApi(
  dataset: GithubDataset,
  options: GithubSandboxOptions & { rates?: RateLimits } = {},
): { app: Hono; rates: RateLimits } {
  const rates =
    options.rates ??
    new RateLimits({ core: options.rateLimit?.core ?? 5_000, graphql: options.rateLimit?.graphql ?? 5_000 });
  const app = new Hono();

  const renderContext = (c: Context, prefix: string): RenderContext => {
    const origin = new URL(c.req.url).origin;
    return { dataset, apiUrl: `${origin}${prefix}`, webUrl: origin };
  };

  /** Auth, then the handler; answers 401 for a missing or unknown token. */
  const authed = (
    c: Context,
    documentationUrl: string,
  ): { token: string; entry: SandboxToken } | Response => {
    const token = tokenOf(c);
    const entry = token ? dataset.tokens.get(token) : undefined;
    if (!token || !entry) {
      return c.json(
        token
          ? errorBody("Bad credentials", DOCS, 401)
          : errorBody("Requires authentication", documentationUrl, 401),
        401,
        { ...COMMON_HEADERS, "x-github-request-id": `SANDBOX:${++requestCounter}` },
      );
    }
    return { token, entry };
  };

  /** A JSON answer with GitHub's headers, an ETag (304 for a matching If-None-Match), and the rate limit. */
  const answer = (c: Context, token: string, body: unknown, extra: Record<string, string> = {}): Response => {
    const text = JSON.stringify(body);
    const etag = etagOf(text);
    const scopes = dataset.tokens.get(token)?.scopes;
    const headers = {
      ...COMMON_HEADERS,
      etag,
      "x-github-request-id": `SANDBOX:${++requestCounter}`,
      // A classic token's scopes; GitHub sends no such header for a fine-grained token.
      ...(scopes ? { "x-oauth-scopes": scopes.join(", ") } : {}),
      ...extra,
    };
    const match = c.req.header("if-none-match");
    if (match?.split(",").some((t) => t.trim() === etag)) {
      // A conditional request that finds nothing new does not count against the primary rate limit.
      return new Response(null, { status: 304, headers: { ...headers, ...rates.headers(token, "core") } });
    }
    if (!rates.take(token, "core", 1)) {
      const limited = rates.headers(token, "core");
      const user = dataset.ensureUser(dataset.tokens.get(token)?.login ?? "unknown");
      return c.json(
        errorBody(
          `API rate limit exceeded for user ID ${user.id}. If you reach out to GitHub Support for help, please include the request ID ${headers["x-github-request-id"]}.`,
          "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
          403,
        ),
        403,
        { ...COMMON_HEADERS, ...limited },
      );
    }
    return new Response(text, {
      status: 200,
      headers: {
        ...headers,
        ...rates.headers(token, "core"),
        "content-type": "application/json; charset=utf-8",
      },
    });
  };

  /** The repository a route names, if the token can see it; GitHub answers 404 for both absent and hidden. */
  const repoOf = (c: Context, entry: SandboxToken): SandboxRepo | null => {
    const id = c.req.param("id");
    const repo = id
      ? dataset.findRepoById(Number(id))
      : dataset.findRepo(c.req.param("owner") ?? "", c.req.param("repo") ?? "");
    return repo && dataset.canRead(entry, repo) ? repo : null;
  };

  const notFound = (c: Context, doc: string, token: string) =>
    c.json(errorBody("Not Found", doc, 404), 404, {
      ...COMMON_HEADERS,
      ...rates.headers(token, "core"),
      "x-github-request-id": `SANDBOX:${++requestCounter}`,
    });

  /**
   * One page of `list` with GitHub's `Link` header (`next`, `last`, `first`, `prev`), whose addresses use the
   * repository's id as GitHub's do (`/repositories/1296269/issues?…&page=2`).
   */
  const page = <T>(c: Context, list: T[], linkBase: string): { items: T[]; link: Record<string, string> } => {
    const url = new URL(c.req.url);
    const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get("per_page") ?? "30") || 30));
    const pageNo = Math.max(1, Number(url.searchParams.get("page") ?? "1") || 1);
    const last = Math.max(1, Math.ceil(list.length / perPage));
    const items = list.slice((pageNo - 1) * perPage, pageNo * perPage);
    const at = (n: number) => {
      const params = new URLSearchParams(url.searchParams);
      params.set("page", String(n));
      return `<${url.origin}${linkBase}?${params.toString()}>`;
    };
    const rels: string[] = [];
    if (pageNo > 1) rels.push(`${at(pageNo - 1)}; rel="prev"`);
    if (pageNo < last) rels.push(`${at(pageNo + 1)}; rel="next"`, `${at(last)}; rel="last"`);
    if (pageNo > 1) rels.push(`${at(1)}; rel="first"`);
    return { items, link: rels.length > 0 ? { link: rels.join(", ") } : {} };
  };

  const sortAndFilter = <T extends { id: number }>(
    c: Context,
    list: T[],
    times: (t: T) => { created: string; updated: string },
    defaults: { sort: "created" | "updated" | null; direction: "asc" | "desc" },
  ): T[] | "invalid" => {
    const since = parseSince(c.req.query("since"));
    if (since === "invalid") return "invalid";
    const sort = c.req.query("sort") ?? defaults.sort;
    const direction = c.req.query("sort") ? (c.req.query("direction") ?? "desc") : defaults.direction;
    const sign = direction === "asc" ? 1 : -1;
    const filtered = since === null ? list : list.filter((t) => Date.parse(times(t).updated) >= since);
    return [...filtered].sort((a, b) => {
      const ka = sort === "updated" ? times(a).updated : sort === "created" ? times(a).created : "";
      const kb = sort === "updated" ? times(b).updated : sort === "created" ? times(b).created : "";
      if (ka !== kb) return ka < kb ? -sign : sign;
      return sort === null ? a.id - b.id : sign * (a.id - b.id);
    });
  };

  const invalidSince = (c: Context, doc: string) =>
    c.json(
      {
        message: "Validation Failed",
        errors: [{ resource: "Search", field: "since", code: "invalid" }],
        documentation_url: doc,
        status: "422",
      },
      422,
      COMMON_HEADERS,
    );

  for (const prefix of ["", "/api/v3"]) {
    const repoPaths = (rest: string) => [
      `${prefix}/repos/:owner/:repo${rest}`,
      `${prefix}/repositories/:id${rest}`,
    ];
    const linkBase = (repo: SandboxRepo, rest: string) => `${prefix}/repositories/${repo.id}${rest}`;

    // GET /repos/{owner}/{repo}/issues: issues and pull requests (docs: "List repository issues").
    for (const path of repoPaths("/issues")) {
      app.get(path, (c) => {
        const auth = authed(c, ROUTE_DOCS.issues!);
        if (auth instanceof Response) return auth;
        const repo = repoOf(c, auth.entry);
        if (!repo) return notFound(c, ROUTE_DOCS.issues!, auth.token);
        const state = c.req.query("state") ?? "open";
        const list = [...repo.issues.values()].filter((i) => state === "all" || i.state === state);
        const sorted = sortAndFilter(c, list, (i) => ({ created: i.createdAt, updated: i.updatedAt }), {
          sort: "created",
          direction: "desc",
        });
        if (sorted === "invalid") return invalidSince(c, ROUTE_DOCS.issues!);
        const { items, link } = page(c, sorted, linkBase(repo, "/issues"));
        const ctx = renderContext(c, prefix);
        return answer(
          c,
          auth.token,
          items.map((i) => restIssue(ctx, repo, i)),
          link,
        );
      });
    }

    // GET /repos/{owner}/{repo}/issues/comments: every issue and pull request conversation comment.
    for (const path of repoPaths("/issues/comments")) {
      app.get(path, (c) => {
        const auth = authed(c, ROUTE_DOCS.comments!);
        if (auth instanceof Response) return auth;
        const repo = repoOf(c, auth.entry);
        if (!repo) return notFound(c, ROUTE_DOCS.comments!, auth.token);
        const sorted = sortAndFilter(
          c,
          [...repo.comments.values()],
          (x) => ({ created: x.createdAt, updated: x.updatedAt }),
          { sort: null, direction: "asc" },
        );
        if (sorted === "invalid") return invalidSince(c, ROUTE_DOCS.comments!);
        const { items, link } = page(c, sorted, linkBase(repo, "/issues/comments"));
        const ctx = renderContext(c, prefix);
        return answer(
          c,
          auth.token,
          items.map((x) => restIssueComment(ctx, repo, x)),
          link,
        );
      });
    }

    // GET /repos/{owner}/{repo}/pulls/comments: every review comment of the repository.
    for (const path of repoPaths("/pulls/comments")) {
      app.get(path, (c) => {
        const auth = authed(c, ROUTE_DOCS.reviewComments!);
        if (auth instanceof Response) return auth;
        const repo = repoOf(c, auth.entry);
        if (!repo) return notFound(c, ROUTE_DOCS.reviewComments!, auth.token);
        const sorted = sortAndFilter(
          c,
          [...repo.reviewComments.values()],
          (x) => ({ created: x.createdAt, updated: x.updatedAt }),
          { sort: null, direction: "asc" },
        );
        if (sorted === "invalid") return invalidSince(c, ROUTE_DOCS.reviewComments!);
        const { items, link } = page(c, sorted, linkBase(repo, "/pulls/comments"));
        const ctx = renderContext(c, prefix);
        return answer(
          c,
          auth.token,
          items.map((x) => restReviewComment(ctx, repo, x)),
          link,
        );
      });
    }

    // GET /repos/{owner}/{repo}/pulls/{n}/comments: one pull request's review comments, by id (GitHub's default
    // `sort=created`, ascending).
    for (const path of repoPaths("/pulls/:number/comments")) {
      app.get(path, (c) => {
        const auth = authed(c, ROUTE_DOCS.pullReviewComments!);
        if (auth instanceof Response) return auth;
        const repo = repoOf(c, auth.entry);
        const number = Number(c.req.param("number"));
        if (!repo?.issues.get(number)?.pull) return notFound(c, ROUTE_DOCS.pullReviewComments!, auth.token);
        const sorted = sortAndFilter(
          c,
          [...repo.reviewComments.values()].filter((x) => x.pullNumber === number),
          (x) => ({ created: x.createdAt, updated: x.updatedAt }),
          { sort: null, direction: "asc" },
        );
        if (sorted === "invalid") return invalidSince(c, ROUTE_DOCS.pullReviewComments!);
        const { items, link } = page(c, sorted, linkBase(repo, `/pulls/${number}/comments`));
        const ctx = renderContext(c, prefix);
        return answer(
          c,
          auth.token,
          items.map((x) => restReviewComment(ctx, repo, x)),
          link,
        );
      });
    }

    // GET /repos/{owner}/{repo}/pulls/{n}/reviews: one pull request's reviews, oldest first.
    for (const path of repoPaths("/pulls/:number/reviews")) {
      app.get(path, (c) => {
        const auth = authed(c, ROUTE_DOCS.reviews!);
        if (auth instanceof Response) return auth;
        const repo = repoOf(c, auth.entry);
        const number = Number(c.req.param("number"));
        if (!repo?.issues.get(number)?.pull) return notFound(c, ROUTE_DOCS.reviews!, auth.token);
        const list = [...repo.reviews.values()]
          .filter((r) => r.pullNumber === number && (r.state !== "PENDING" || r.author === auth.entry.login))
          .sort((a, b) => a.id - b.id);
        const { items, link } = page(c, list, linkBase(repo, `/pulls/${number}/reviews`));
        const ctx = renderContext(c, prefix);
        return answer(
          c,
          auth.token,
          items.map((r) => restReview(ctx, repo, r)),
          link,
        );
      });
    }

    // GET /repos/{owner}/{repo}/deployments: newest first.
    for (const path of repoPaths("/deployments")) {
      app.get(path, (c) => {
        const auth = authed(c, ROUTE_DOCS.deployments!);
        if (auth instanceof Response) return auth;
        const repo = repoOf(c, auth.entry);
        if (!repo) return notFound(c, ROUTE_DOCS.deployments!, auth.token);
        const q = (name: string) => c.req.query(name);
        const list = [...repo.deployments.values()]
          .filter(
            (d) =>
              (!q("environment") || d.environment === q("environment")) &&
              (!q("ref") || d.ref === q("ref")) &&
              (!q("sha") || d.sha === q("sha")) &&
              (!q("task") || d.task === q("task")),
          )
          .sort((a, b) => b.id - a.id);
        const { items, link } = page(c, list, linkBase(repo, "/deployments"));
        const ctx = renderContext(c, prefix);
        return answer(
          c,
          auth.token,
          items.map((d) => restDeployment(ctx, repo, d)),
          link,
        );
      });
    }

    // GET /repos/{owner}/{repo}/deployments/{id}/statuses: newest first.
    for (const path of repoPaths("/deployments/:deployment/statuses")) {
      app.get(path, (c) => {
        const auth = authed(c, ROUTE_DOCS.statuses!);
        if (auth instanceof Response) return auth;
        const repo = repoOf(c, auth.entry);
        const deployment = repo?.deployments.get(Number(c.req.param("deployment")));
        if (!repo || !deployment) return notFound(c, ROUTE_DOCS.statuses!, auth.token);
        const list = [...deployment.statuses].sort((a, b) => b.id - a.id);
        const { items, link } = page(c, list, linkBase(repo, `/deployments/${deployment.id}/statuses`));
        const ctx = renderContext(c, prefix);
        return answer(
          c,
          auth.token,
          items.map((s) => restDeploymentStatus(ctx, repo, deployment, s)),
          link,
        );
      });
    }

    for (const path of repoPaths("")) {
      app.get(path, (c) => {
        const auth = authed(c, ROUTE_DOCS.repo!);
        if (auth instanceof Response) return auth;
        const repo = repoOf(c, auth.entry);
        if (!repo) return notFound(c, ROUTE_DOCS.repo!, auth.token);
        // "permissions" is the authenticated user's role on the repository.
        const rank = REPO_ROLES.indexOf(auth.entry.role);
        const has = (role: RepoRole) => rank >= REPO_ROLES.indexOf(role);
        return answer(c, auth.token, {
          ...restRepository(renderContext(c, prefix), repo),
          permissions: {
            admin: has("admin"),
            maintain: has("maintain"),
            push: has("write"),
            triage: has("triage"),
            pull: true,
          },
        });
      });
    }

    // GET /user/repos: the repositories the token can read.
    app.get(`${prefix}/user/repos`, (c) => {
      const auth = authed(c, ROUTE_DOCS.userRepos!);
      if (auth instanceof Response) return auth;
      const list = [...dataset.repos.values()]
        .filter((r) => dataset.canRead(auth.entry, r))
        .sort((a, b) => a.id - b.id);
      const { items, link } = page(c, list, `${prefix}/user/repos`);
      const ctx = renderContext(c, prefix);
      return answer(
        c,
        auth.token,
        items.map((r) => restRepository(ctx, r)),
        link,
      );
    });

    app.get(`${prefix}/user`, (c) => {
      const auth = authed(c, DOCS);
      if (auth instanceof Response) return auth;
      return answer(c, auth.token, restUser(renderContext(c, prefix), auth.entry.login));
    });

    // GET /rate_limit does not count against the limit.
    app.get(`${prefix}/rate_limit`, (c) => {
      const auth = authed(c, DOCS);
      if (auth instanceof Response) return auth;
      const view = (resource: Resource) => {
        const { window, limit, remaining } = rates.state(auth.token, resource);
        return { limit, used: window.used, remaining, reset: Math.ceil(window.resetAt / 1000) };
      };
      return c.json(
        { resources: { core: view("core"), graphql: view("graphql") }, rate: view("core") },
        200,
        { ...COMMON_HEADERS, ...rates.headers(auth.token, "core") },
      );
    });
  }

  addGithubWriteRoutes(app, dataset, { authed, answer, repoOf, notFound, renderContext });

  // POST /graphql (GitHub Enterprise Server: /api/graphql).
  for (const path of ["/graphql", "/api/graphql"]) {
    app.post(path, async (c) => {
      const token = tokenOf(c);
      const entry = token ? dataset.tokens.get(token) : undefined;
      if (!token || !entry) {
        return c.json(
          token
            ? errorBody("Bad credentials", "https://docs.github.com/graphql", 401)
            : errorBody(
                "This endpoint requires you to be authenticated.",
                "https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql",
                401,
              ),
          401,
        );
      }
      let request: GraphqlRequest;
      try {
        request = (await c.req.json()) as GraphqlRequest;
      } catch {
        return c.json(
          {
            message: "Problems parsing JSON",
            documentation_url: "https://docs.github.com/graphql",
            status: "400",
          },
          400,
        );
      }
      const user = dataset.ensureUser(entry.login);
      const state = rates.state(token, "graphql");
      const ctx: GithubGraphqlContext = {
        dataset,
        token: entry,
        webUrl: new URL(c.req.url).origin,
        rate: {
          limit: state.limit,
          remaining: state.remaining,
          used: state.window.used,
          resetAt: new Date(state.window.resetAt).toISOString().replace(/\.\d{3}Z$/, "Z"),
          cost: 1,
          nodeCount: 0,
        },
      };
      const response = executeGithubGraphql(request, ctx, (cost, nodeCount) => {
        if (!rates.take(token, "graphql", cost)) {
          return { type: "RATE_LIMITED", message: `API rate limit already exceeded for user ID ${user.id}.` };
        }
        const after = rates.state(token, "graphql");
        ctx.rate = { ...ctx.rate, cost, nodeCount, remaining: after.remaining, used: after.window.used };
        return null;
      });
      const requestId = `SANDBOX:${++requestCounter}`;
      if (
        options.slowAnswerObjects !== undefined &&
        countObjects(response.data) > options.slowAnswerObjects
      ) {
        // GitHub ends the request at 10 s; its gateway answers 502 with this message.
        return c.json(
          {
            data: null,
            errors: [
              {
                message: `Something went wrong while executing your query. This may be the result of a timeout, or it could be a GitHub bug. Please include \`${requestId}\` when reporting this issue.`,
              },
            ],
          },
          502,
          { ...COMMON_HEADERS, "x-github-request-id": requestId },
        );
      }
      return c.json(response, 200, {
        ...COMMON_HEADERS,
        "x-github-request-id": requestId,
        ...rates.headers(token, "graphql"),
      });
    });
  }

  return { app, rates };
}
