/**
 * The GitHub sandbox answers as GitHub does: the REST objects have the keys of the recorded responses in
 * @octokit/fixtures and @octokit/webhooks-examples, pagination is GitHub's (`per_page` ≤ 100, `Link` headers
 * with `/repositories/{id}` addresses that the real Octokit follows), and so are auth, 404s, conditional
 * requests, the rate-limit headers, GraphQL's errors and costs, and webhook signatures.
 */
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { Octokit } from "@octokit/rest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPOSITORY_QUERY } from "../../../connectors/github/queries.ts";
import {
  type GithubSandbox,
  secondaryRateLimit,
  serverError,
  startGithubSandbox,
} from "../../../connectors/sandbox/github/index.ts";
import {
  restDeployment,
  restDeploymentStatus,
  restIssue,
  restIssueComment,
  restPullRequest,
  restRepository,
  restReview,
  restReviewComment,
} from "../../../connectors/sandbox/github/render.ts";

const fixtures = JSON.parse(
  readFileSync(
    new URL(
      "../../../node_modules/@octokit/fixtures/scenarios/api.github.com/paginate-issues/normalized-fixture.json",
      import.meta.url,
    ),
    "utf8",
  ),
) as Array<{ response: Array<Record<string, unknown>>; headers: Record<string, string> }>;
const examples = JSON.parse(
  readFileSync(
    new URL("../../../node_modules/@octokit/webhooks-examples/api.github.com/index.json", import.meta.url),
    "utf8",
  ),
) as Array<{ name: string; examples: Array<Record<string, Record<string, unknown>>> }>;
const example = (name: string, action: string) =>
  examples.find((e) => e.name === name)!.examples.find((e) => (e.action as unknown) === action)!;
const keys = (o: unknown) => Object.keys(o as Record<string, unknown>).sort();

let sb: GithubSandbox;
const QUERY_VARS = {
  owner: "acme",
  name: "web",
  withIssues: true,
  issuesFirst: 2,
  issuesAfter: null,
  issuesSince: null,
  withPulls: true,
  pullsFirst: 10,
  pullsAfter: null,
  withDeployments: true,
  deploymentsFirst: 10,
  deploymentsAfter: null,
  org: "acme",
  withOrgEmails: false,
};

beforeAll(async () => {
  sb = await startGithubSandbox();
  sb.dataset.token("ghp_other", { repos: ["acme/api"] });
  const web = sb.dataset.repo("acme/web");
  sb.dataset.repo("acme/api");
  for (let i = 1; i <= 205; i++) {
    web.issue({
      title: `Issue ${i}`,
      author: "anna",
      createdAt: new Date(Date.UTC(2025, 2, 3, 9, 0, i)).toISOString(),
    });
  }
  const pr = web.pullRequest({
    title: "WEB-1 login",
    author: "ben",
    head: "feature/WEB-1",
    requestedReviewers: ["anna", "kofi-m"],
    labels: ["bug"],
    createdAt: "2025-03-04T09:00:00Z",
  });
  web.comment(1, { author: "ben", body: "First", at: "2025-03-04T10:00:00Z" });
  web.comment(pr.number, { author: "anna", body: "On the PR", at: "2025-03-04T10:01:00Z" });
  web.review(pr.number, { author: "dependabot[bot]", state: "COMMENTED", at: "2025-03-04T10:02:00Z" });
  web.reviewComment(pr.number, { author: "anna", body: "nit", at: "2025-03-04T10:03:00Z" });
  web.merge(pr.number, { by: "ben", at: "2025-03-04T11:00:00Z" });
  const d = web.deployment({
    environment: "production",
    creator: "github-actions[bot]",
    pull: pr.number,
    at: "2025-03-04T11:05:00Z",
  });
  web.deploymentStatus(d.id, { state: "success", at: "2025-03-04T11:06:00Z" });
});
afterAll(() => sb.close());

const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${sb.url}${path}`, { headers: { authorization: `token ${sb.token}`, ...headers } });
const graphql = async (query: string, variables: Record<string, unknown>, token = sb.token) => {
  const res = await fetch(`${sb.url}/graphql`, {
    method: "POST",
    headers: { authorization: `bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  return {
    res,
    // biome-ignore lint/suspicious/noExplicitAny: the tests read deep into the answer's JSON.
    body: (await res.json()) as { data?: Record<string, any>; errors?: Array<Record<string, unknown>> },
  };
};

describe("GitHub sandbox: REST shapes are the recorded ones", () => {
  const ctx = () => ({ dataset: sb.dataset, apiUrl: sb.url, webUrl: sb.url });
  const repo = () => sb.dataset.findRepo("acme", "web")!;

  it("an issue has the keys of @octokit/fixtures' paginate-issues, its user too", () => {
    const recorded = fixtures[0]!.response[0]!;
    const issue = restIssue(ctx(), repo(), repo().issues.get(1)!);
    expect(keys(issue)).toEqual(keys(recorded));
    expect(keys(issue.user)).toEqual(keys(recorded.user));
    // A pull request in the issues list: the same, with `pull_request` and `draft`.
    const pr = restIssue(ctx(), repo(), repo().issues.get(206)!);
    expect(keys(pr)).toEqual([...keys(recorded), "draft", "pull_request"].sort());
    expect(keys(pr.pull_request)).toEqual(["diff_url", "html_url", "merged_at", "patch_url", "url"]);
  });

  it("comments, review comments, reviews, pull requests, deployments and repositories have the webhook examples' keys", () => {
    const r = repo();
    const comment = [...r.comments.values()][0]!;
    const reviewComment = [...r.reviewComments.values()][0]!;
    const review = [...r.reviews.values()][0]!;
    const deployment = [...r.deployments.values()][0]!;
    const recordedComment = example("issue_comment", "created").comment;
    // The recording predates `reactions` and `performed_via_github_app`, which today's API sends (OpenAPI).
    expect(keys(restIssueComment(ctx(), r, comment))).toEqual(
      [...keys(recordedComment), "performed_via_github_app", "reactions"].sort(),
    );
    const recordedReviewComment = example("pull_request_review_comment", "created").comment;
    expect(keys(restReviewComment(ctx(), r, reviewComment))).toEqual(
      expect.arrayContaining(keys(recordedReviewComment)),
    );
    expect(keys(restReview(ctx(), r, review))).toEqual(
      keys(example("pull_request_review", "submitted").review),
    );
    const recordedPr = example("pull_request", "opened").pull_request!;
    const pr = restPullRequest(ctx(), r, r.issues.get(206)!);
    expect(keys(pr)).toEqual(keys(recordedPr));
    expect(keys(pr.head)).toEqual(keys(recordedPr.head));
    expect(keys(pr._links)).toEqual(keys(recordedPr._links));
    expect(keys(restRepository(ctx(), r))).toEqual(keys(example("pull_request", "opened").repository));
    const recordedStatus = examples.find((e) => e.name === "deployment_status")!.examples[0]!;
    expect(keys(restDeployment(ctx(), r, deployment))).toEqual(
      [...keys(recordedStatus.deployment), "performed_via_github_app"].sort(),
    );
    expect(keys(restDeploymentStatus(ctx(), r, deployment, deployment.statuses[0]!))).toEqual(
      [
        ...keys(recordedStatus.deployment_status),
        "environment_url",
        "log_url",
        "performed_via_github_app",
      ].sort(),
    );
  });
});

describe("GitHub sandbox: REST behaviour", () => {
  it("caps per_page at 100 and paginates with Link headers the real Octokit follows", async () => {
    const res = await get("/repos/acme/web/issues?state=all&per_page=500");
    expect(res.status).toBe(200);
    expect((await res.json()) as unknown[]).toHaveLength(100);
    const id = sb.dataset.findRepo("acme", "web")!.id;
    expect(res.headers.get("link")).toBe(
      `<${sb.url}/repositories/${id}/issues?state=all&per_page=500&page=2>; rel="next", <${sb.url}/repositories/${id}/issues?state=all&per_page=500&page=3>; rel="last"`,
    );
    const octokit = new Octokit({ auth: sb.token, baseUrl: sb.url });
    const all = await octokit.paginate(octokit.rest.issues.listForRepo, {
      owner: "acme",
      repo: "web",
      state: "all",
      per_page: 100,
    });
    expect(all).toHaveLength(206);
    expect(all.filter((i) => i.pull_request)).toHaveLength(1);
  });

  it("lists comments by update, from `since`, oldest first", async () => {
    const res = await get(
      "/repos/acme/web/issues/comments?sort=updated&direction=asc&since=2025-03-04T10:00:30Z",
    );
    expect(((await res.json()) as Array<{ body: string }>).map((c) => c.body)).toEqual(["On the PR"]);
    const bad = await get("/repos/acme/web/issues/comments?since=yesterday");
    expect(bad.status).toBe(422);
  });

  it("answers 401 without a valid token and 404 for a repository the token cannot see", async () => {
    const none = await fetch(`${sb.url}/repos/acme/web/issues`);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ message: "Requires authentication", status: "401" });
    const bad = await get("/repos/acme/web/issues", { authorization: "token nope" });
    expect(await bad.json()).toEqual({
      message: "Bad credentials",
      documentation_url: "https://docs.github.com/rest",
      status: "401",
    });
    const hidden = await get("/repos/acme/web/issues", { authorization: "token ghp_other" });
    expect(hidden.status).toBe(404);
    expect(await hidden.json()).toEqual({
      message: "Not Found",
      documentation_url: "https://docs.github.com/rest/issues/issues#list-repository-issues",
      status: "404",
    });
  });

  it("answers 304 to If-None-Match with the current ETag, without spending rate limit", async () => {
    const first = await get("/repos/acme/web/pulls/comments?sort=updated&direction=asc");
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^W\/"[0-9a-f]{64}"$/);
    const remaining = first.headers.get("x-ratelimit-remaining");
    const again = await get("/repos/acme/web/pulls/comments?sort=updated&direction=asc", {
      "if-none-match": etag,
    });
    expect(again.status).toBe(304);
    expect(again.headers.get("x-ratelimit-remaining")).toBe(remaining);
    expect(first.headers.get("x-ratelimit-resource")).toBe("core");
  });

  it("answers 403 with x-ratelimit-remaining 0 once a token's hourly budget is spent", async () => {
    sb.dataset.token("ghp_spent");
    sb.rates.exhaust("ghp_spent", "core", 30);
    const res = await get("/repos/acme/web/issues", { authorization: "token ghp_spent" });
    expect(res.status).toBe(403);
    expect(res.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(Number(res.headers.get("x-ratelimit-reset"))).toBeGreaterThan(Date.now() / 1000);
    expect(((await res.json()) as { message: string }).message).toMatch(
      /^API rate limit exceeded for user ID \d+\./,
    );
  });

  it("injects GitHub's secondary rate limit and server errors on demand", async () => {
    sb.faults.set([secondaryRateLimit({ times: 1 }), serverError({ times: 1 })]);
    const limited = await get("/repos/acme/web/issues");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("1");
    expect(((await limited.json()) as { message: string }).message).toMatch(/secondary rate limit/);
    expect((await get("/repos/acme/web/issues")).status).toBe(502);
    expect((await get("/repos/acme/web/issues")).status).toBe(200);
    sb.faults.clear();
  });
});

describe("GitHub sandbox: GraphQL", () => {
  it("answers the connector's query in the documented shape, with its rate-limit cost", async () => {
    const { res, body } = await graphql(REPOSITORY_QUERY, QUERY_VARS);
    expect(res.headers.get("x-ratelimit-resource")).toBe("graphql");
    expect(body.errors).toBeUndefined();
    const repo = body.data!.repository;
    expect(repo.issues.totalCount).toBe(205);
    expect(repo.issues.nodes).toHaveLength(2);
    expect(repo.issues.pageInfo.hasNextPage).toBe(true);
    expect(repo.pullRequests.nodes[0]).toMatchObject({
      number: 206,
      state: "MERGED",
      merged: true,
      headRefName: "feature/WEB-1",
      mergedBy: { __typename: "User", login: "ben", name: null },
      // anna reviewed (a review comment comes with a review), which answers her request.
      reviewRequests: { nodes: [{ requestedReviewer: { __typename: "User", login: "kofi-m", name: null } }] },
      labels: { nodes: [{ name: "bug" }] },
    });
    // A bot's GraphQL login has no [bot] suffix.
    expect(repo.pullRequests.nodes[0].reviews.nodes.map((r: { author: unknown }) => r.author)).toEqual([
      { __typename: "Bot", login: "dependabot", databaseId: sb.dataset.users.get("dependabot[bot]")!.id },
      // A private profile email reads "".
      {
        __typename: "User",
        login: "anna",
        name: null,
        email: "",
        databaseId: sb.dataset.users.get("anna")!.id,
      },
    ]);
    expect(repo.deployments.nodes[0]).toMatchObject({
      environment: "production",
      ref: { name: "main" },
      latestStatus: { state: "SUCCESS" },
      commit: { associatedPullRequests: { nodes: [{ number: 206 }] } },
    });
    // GitHub's arithmetic: a request per connection per parent, / 100, rounded, at least 1.
    // (1 + 2 labels + 2 assignees) + (1 + 10 × 6 nested + 10 × 20 review threads' first comments)
    // + (1 + 10 statuses + 10 commits' pull requests) = 287 → 3.
    expect(body.data!.rateLimit.cost).toBe(3);
    // A backfill page: (1 + 100 + 100) + (1 + 100 × 6 + 100 × 20) + (1 + 100 + 100) = 3,003 → 30 points.
    const full = await graphql(REPOSITORY_QUERY, {
      ...QUERY_VARS,
      issuesFirst: 100,
      pullsFirst: 100,
      deploymentsFirst: 100,
    });
    expect(full.body.data!.rateLimit.cost).toBe(30);
  });

  it("tells a review thread marked resolved, which only GraphQL's reviewThreads shows", async () => {
    // docs.github.com/en/graphql/reference/objects#pullrequestreviewthread
    const web = sb.dataset.findRepo("acme", "web")!;
    const root = [...web.reviewComments.values()].find((c) => c.inReplyToId === null)!;
    const handle = sb.dataset.repo("acme/web");
    const reply = handle.reviewComment(root.pullNumber, {
      author: "ben",
      body: "Renamed it.",
      inReplyTo: root.id,
      at: "2025-03-04T11:00:00Z",
    });
    const query = `query($n: Int!) { repository(owner: "acme", name: "web") { pullRequest(number: $n) {
      reviewThreads(first: 10) { nodes { id isResolved comments(first: 10) { nodes { databaseId } } } } } } }`;
    const threads = async () =>
      (await graphql(query, { n: root.pullNumber })).body.data!.repository.pullRequest.reviewThreads.nodes;
    expect(await threads()).toEqual([
      {
        id: expect.any(String),
        isResolved: false,
        comments: { nodes: [{ databaseId: root.id }, { databaseId: reply.id }] },
      },
    ]);
    handle.resolveReviewThread(reply.id);
    expect((await threads())[0].isResolved).toBe(true);
    handle.resolveReviewThread(root.id, false);
    expect((await threads())[0].isResolved).toBe(false);

    // The push says so too: the thread and every comment in it, as the recorded example has them.
    // docs.github.com/en/webhooks/webhook-events-and-payloads#pull_request_review_thread
    handle.resolveReviewThread(root.id);
    const recorded = example("pull_request_review_thread", "resolved");
    const pushed = sb.payloads.pullRequestReviewThread("acme/web", reply.id, "resolved", "ben") as Record<
      string,
      // biome-ignore lint/suspicious/noExplicitAny: the test reads into the payload's JSON.
      any
    >;
    expect(keys(pushed)).toEqual(keys(recorded).filter((k) => k !== "organization"));
    expect(keys(pushed.thread)).toEqual(keys(recorded.thread));
    expect(pushed.thread.comments.map((c: { id: number }) => c.id)).toEqual([root.id, reply.id]);
    handle.resolveReviewThread(root.id, false);

    // One pull request's review comments, as REST lists them.
    // docs.github.com/en/rest/pulls/comments#list-review-comments-on-a-pull-request
    const listed = await get(`/repos/acme/web/pulls/${root.pullNumber}/comments?per_page=100`);
    expect(listed.status).toBe(200);
    const ids = ((await listed.json()) as Array<{ id: number; pull_request_url: string }>).map((c) => c.id);
    expect(ids).toEqual(
      [...web.reviewComments.values()]
        .filter((c) => c.pullNumber === root.pullNumber)
        .map((c) => c.id)
        .sort((a, b) => a - b),
    );
    expect(ids).toContain(reply.id);
    expect((await get("/repos/acme/web/pulls/1/comments")).status).toBe(404);
    handle.deleteReviewComment(reply.id);
  });

  it("pages by cursor, newest change first, and drops a connection with @include(if: false)", async () => {
    const one = await graphql(REPOSITORY_QUERY, { ...QUERY_VARS, withPulls: false, withDeployments: false });
    const after = one.body.data!.repository.issues.pageInfo.endCursor as string;
    expect(Buffer.from(after, "base64").toString()).toMatch(/^cursor:v2:/);
    expect(one.body.data!.repository.pullRequests).toBeUndefined();
    const two = await graphql(REPOSITORY_QUERY, {
      ...QUERY_VARS,
      issuesAfter: after,
      withPulls: false,
      withDeployments: false,
    });
    const numbers = [
      ...one.body.data!.repository.issues.nodes,
      ...two.body.data!.repository.issues.nodes,
    ].map((n: { number: number }) => n.number);
    expect(numbers).toEqual([1, 205, 204, 203]);
    const since = await graphql(REPOSITORY_QUERY, {
      ...QUERY_VARS,
      issuesSince: "2025-03-03T09:03:20Z",
      issuesFirst: 100,
    });
    // Issues 200–205, and issue 1, whose comment updated it.
    expect(since.body.data!.repository.issues.totalCount).toBe(7);
  });

  it("refuses what GitHub's schema refuses: a 200 with only `errors`, pointing into the query", async () => {
    const refused = async (query: string, variables: Record<string, unknown> = {}) => {
      const { res, body } = await graphql(query, variables);
      expect(res.status).toBe(200);
      expect(body.data).toBeUndefined();
      expect(body.errors).toHaveLength(1);
      return body.errors![0]!;
    };
    const unknown = 'query { repository(owner: "acme", name: "web") { nameWithOwner colour } }';
    expect(await refused(unknown)).toEqual({
      message: expect.stringMatching(/"colour".*"Repository"/),
      locations: [{ line: 1, column: unknown.indexOf("colour") + 1 }],
    });
    // An argument of the wrong type, an enum value the schema does not have, a required argument left out, and a
    // variable of the wrong type: each one is refused before anything runs.
    expect(await refused('query { repository(owner: 1, name: "web") { nameWithOwner } }')).toMatchObject({
      message: expect.stringMatching(/String cannot represent a non string value: 1/),
    });
    expect(
      await refused(
        'query { repository(owner: "acme", name: "web") { issues(first: 1, orderBy: {field: UPDATED, direction: DESC}) { totalCount } } }',
      ),
    ).toMatchObject({ message: expect.stringMatching(/IssueOrderField.*UPDATED/) });
    expect(await refused('query { repository(owner: "acme") { nameWithOwner } }')).toMatchObject({
      message: expect.stringMatching(/argument "name" of type "String!" is required/),
    });
    expect(
      await refused(
        'query($n: String) { repository(owner: "acme", name: "web") { issues(first: $n) { totalCount } } }',
        { n: "10" },
      ),
    ).toMatchObject({
      message: expect.stringMatching(/Variable "\$n" of type "String" used in position expecting type "Int"/),
    });
  });

  it("names a field of GitHub's schema that the sandbox does not serve, instead of inventing a value", async () => {
    const { body } = await graphql('query { repository(owner: "acme", name: "web") { stargazerCount } }', {});
    expect(body.data).toEqual({ repository: null });
    expect(body.errors![0]!.message).toMatch(/Repository\.stargazerCount .*sandbox serves no value/);
  });

  it("refuses past GitHub's own limits, and answers a missing repository at its field", async () => {
    const big = await graphql(REPOSITORY_QUERY, { ...QUERY_VARS, pullsFirst: 101 });
    expect(big.body.errors).toEqual([
      expect.objectContaining({
        type: "EXCESSIVE_PAGINATION",
        message:
          "Requesting 101 records on the `pullRequests` connection exceeds the `first` limit of 100 records.",
      }),
    ]);
    const missing = await graphql(REPOSITORY_QUERY, { ...QUERY_VARS, name: "nope" });
    expect(missing.body).toEqual({
      data: { rateLimit: expect.any(Object), repository: null },
      errors: [
        {
          type: "NOT_FOUND",
          path: ["repository"],
          locations: [{ line: 19, column: 3 }],
          message: "Could not resolve to a Repository with the name 'acme/nope'.",
        },
      ],
    });
    const hidden = await graphql(REPOSITORY_QUERY, QUERY_VARS, "ghp_other");
    expect(hidden.body.errors![0]).toMatchObject({ type: "NOT_FOUND" });
    const bad = await graphql(REPOSITORY_QUERY, QUERY_VARS, "nope");
    expect(bad.res.status).toBe(401);
  });
});

describe("GitHub sandbox: webhooks", () => {
  it("signs deliveries with X-Hub-Signature-256 over the raw body, and shapes them like the examples", () => {
    const comment = [...sb.dataset.findRepo("acme", "web")!.comments.values()][0]!;
    const delivery = sb.webhook("issue_comment", sb.payloads.issueComment("acme/web", comment, "created"));
    expect(delivery.headers["x-hub-signature-256"]).toBe(
      `sha256=${createHmac("sha256", sb.webhookSecret).update(delivery.body).digest("hex")}`,
    );
    expect(delivery.headers["x-github-delivery"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys(JSON.parse(delivery.body))).toEqual(keys(example("issue_comment", "created")));
    const review = [...sb.dataset.findRepo("acme", "web")!.reviews.values()][0]!;
    const payload = sb.payloads.pullRequestReview("acme/web", review, "submitted");
    expect(keys(payload)).toEqual(keys(example("pull_request_review", "submitted")));
    expect(JSON.parse(JSON.stringify(payload)).review.state).toBe("commented");
  });
});
