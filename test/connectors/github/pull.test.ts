/**
 * The GitHub connector's pull on its own (no database): the real Octokit over real HTTP against the sandbox.
 * How many requests a backfill and an incremental pass make against the minimum GitHub's page sizes allow,
 * resuming from committed cursors, typed errors (401, 403, 429 and 5xx are the contract suite's, in ../contract/).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { githubConnector } from "../../../connectors/github/index.ts";
import { generateRepository } from "../../../connectors/sandbox/github/generate.ts";
import {
  GithubDataset,
  type GithubSandbox,
  startGithubSandbox,
} from "../../../connectors/sandbox/github/index.ts";
import type { ConnectorError, JsonValue } from "../../../connectors/types.ts";
import { pullAll, recordsOf } from "../kit.ts";
import { buildRepository, RUN_AT, settingsFor } from "./helpers.ts";

const ISSUES = 250;
const PULLS = 120;
const COMMENTS = 1_050;

describe("GitHub pull: request efficiency", () => {
  let sb: GithubSandbox;
  beforeAll(async () => {
    const dataset = new GithubDataset();
    generateRepository(dataset.repo("acme/web"), {
      issues: ISSUES,
      pulls: PULLS,
      comments: COMMENTS,
      reviewsPerPull: 2,
      reviewCommentsPerPull: 1,
      deployments: 12,
    });
    sb = await startGithubSandbox({ dataset });
  });
  afterAll(() => sb.close());
  // The cursors each pass commits, read by the next.
  let cursors: Record<string, JsonValue> = {};
  /** A pass over acme/web from the cursors the last one committed, at the tests' clock. */
  const pass = async (mode: "backfill" | "sync" = "sync") => {
    const run = await pullAll(githubConnector, settingsFor(sb), "acme/web", { mode, cursors, now: RUN_AT });
    cursors = run.cursors;
    return run;
  };

  it("backfills within 1.1× the minimum GitHub's page sizes allow", async () => {
    const run = await pass("backfill");
    // One GraphQL request a page of 100 issues, pull requests (with their reviews) and deployments together;
    // one REST request a page of 100 comments, and of 100 review comments.
    const minimum = Math.ceil(ISSUES / 100) + Math.ceil(COMMENTS / 100) + Math.ceil(PULLS / 100);
    expect(sb.requests.count()).toBe(run.report.requestCount);
    expect(run.report.requestCount).toBeLessThanOrEqual(Math.floor(minimum * 1.1));
    // And one more: the token may not see the organization's verified-domain emails, which GitHub refuses at
    // that field on the first page; the page is asked again without it, and so are the others.
    expect(sb.requests.count({ path: /^\/graphql/ })).toBe(Math.ceil(ISSUES / 100) + 1);
    const byType = new Map<string, number>();
    for (const page of run.pages)
      for (const r of page.records) byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
    expect(Object.fromEntries(byType)).toEqual({
      issue: ISSUES,
      pull_request: PULLS,
      review: PULLS * 3,
      deployment_status: 12,
      issue_comment: COMMENTS,
      review_comment: PULLS,
    });
    expect(run.report.estimates.at(-1)).toBe(ISSUES + PULLS);
  });

  it("makes at most two requests, and hands on nothing, in an incremental pass with nothing new", async () => {
    // The first pass after a backfill stores the comment list's ETag; from then on nothing new is a 304.
    await pass();
    sb.requests.clear();
    const run = await pass();
    expect(recordsOf(run.pages)).toEqual([]);
    expect(sb.requests.entries.map((e) => `${e.method} ${e.path.split("?")[0]} ${e.status}`)).toEqual([
      "POST /graphql 200",
      "GET /repos/acme/web/issues/comments 304",
    ]);
  });

  it("reads only what changed in an incremental pass", async () => {
    const web = sb.dataset.repo("acme/web");
    sb.dataset.setNow("2025-03-20T09:00:00Z");
    const issue = [...web.repo.issues.values()].find((i) => !i.pull)!;
    web.comment(issue.number, { author: "anna", body: "Still failing?" });
    const pr = [...web.repo.issues.values()].find((i) => i.pull)!;
    web.review(pr.number, { author: "ben", state: "APPROVED" });
    sb.requests.clear();
    const run = await pass();
    const types = run.pages.flatMap((p) => p.records.map((r) => r.type)).sort();
    // The commented issue, the comment, the reviewed pull request with its reviews (2 + 1 with its review
    // comment + the new one).
    expect(types).toEqual(["issue", "issue_comment", "pull_request", "review", "review", "review", "review"]);
    // The pull request changed, so its review comments are read (a 200 on a new `since`, then 304s).
    expect(sb.requests.entries.map((e) => e.path.split("?")[0])).toEqual([
      "/graphql",
      "/repos/acme/web/issues/comments",
      "/repos/acme/web/pulls/comments",
    ]);
  });
});

describe("GitHub pull: resuming and errors", () => {
  let sb: GithubSandbox;
  beforeAll(async () => {
    const dataset = new GithubDataset();
    buildRepository(dataset);
    generateRepository(dataset.repo("acme/web"), {
      issues: 20,
      pulls: 5,
      comments: 230,
      start: "2025-02-01T08:00:00Z",
      days: 20,
    });
    dataset.repo("acme/api");
    sb = await startGithubSandbox({ dataset });
  });
  afterAll(() => sb.close());

  it("resumes a stopped backfill from its committed cursors, losing and repeating nothing", async () => {
    const settings = settingsFor(sb);
    // Stop after the GraphQL page and the first page of comments, newest first, read in turn.
    const first = await pullAll(githubConnector, settings, "acme/web", { stopAfter: 2, now: RUN_AT });
    expect(first.pages.map((p) => p.stream)).toEqual(["repository", "comments"]);
    expect(first.cursors.comments).toMatchObject({ pass: null, back: { page: 2 } });
    const firstPage = first.pages[1]!.records.map((r) =>
      Date.parse((r.data as { updated_at: string }).updated_at),
    );
    expect(firstPage).toEqual([...firstPage].sort((a, b) => b - a));
    expect(Math.max(...firstPage)).toBe(
      Math.max(
        ...[...sb.dataset.repo("acme/web").repo.comments.values()].map((c) => Date.parse(c.updatedAt)),
      ),
    );
    const rest = await pullAll(githubConnector, settings, "acme/web", {
      cursors: first.cursors,
      now: RUN_AT,
    });
    const ids = (run: typeof first) =>
      run.pages.flatMap((p) =>
        p.records.filter((r) => r.type === "issue_comment").map((r) => (r.data as { id: number }).id),
      );
    const comments = [...ids(first), ...ids(rest)];
    expect(new Set(comments).size).toBe(sb.dataset.repo("acme/web").repo.comments.size);
    // Pages by number: none read twice.
    expect(comments.length).toBe(new Set(comments).size);
    // And the resumed read ends where one read in one go ends: the same forward mark and the same overlap,
    // so the next pass neither repeats nor skips a comment of the mark's last minutes.
    const whole = await pullAll(githubConnector, settings, "acme/web", { now: RUN_AT });
    expect(Object.keys((whole.cursors.comments as { seen: object }).seen).length).toBeGreaterThan(0);
    expect(rest.cursors.comments).toEqual(whole.cursors.comments);
  });

  it("reads a first backfill newest first, saying how far back it is, and leaves what changes meanwhile to the next pass", async () => {
    const settings = settingsFor(sb);
    const repo = sb.dataset.repo("acme/web");
    const newest = Math.max(...[...repo.repo.comments.values()].map((c) => Date.parse(c.updatedAt)));
    let late: number | null = null;
    const walk = await pullAll(githubConnector, settings, "acme/web", {
      now: RUN_AT,
      onPage: (page) => {
        // Written once the first comment page is read: it shifts the pages still to come by one.
        if (late !== null || page.stream !== "comments") return;
        const issue = [...repo.repo.issues.values()][0]!;
        late = repo.comment(issue.number, {
          author: "ana",
          body: "Written while the backfill runs.",
          at: new Date(newest + 60_000).toISOString(),
        }).id;
      },
    });
    const ids = (run: typeof walk) =>
      run.pages.flatMap((p) =>
        p.records.filter((r) => r.type === "issue_comment").map((r) => (r.data as { id: number }).id),
      );
    // Every comment there was when the walk began, once.
    expect(new Set(ids(walk)).size).toBe(repo.repo.comments.size - 1);
    expect(ids(walk).length).toBe(new Set(ids(walk)).size);
    const readBack = walk.pages.flatMap((p) => (p.readBackTo ? [Date.parse(p.readBackTo)] : []));
    expect(readBack.length).toBeGreaterThan(1);
    expect(readBack).toEqual([...readBack].sort((a, b) => b - a));
    const next = await pullAll(githubConnector, settings, "acme/web", {
      mode: "sync",
      cursors: walk.cursors,
      now: RUN_AT,
    });
    expect(ids(next)).toContain(late);
  });

  it("says which repository the token cannot see, with a typed error", async () => {
    sb.dataset.token("ghp_web_only", { repos: ["acme/web"] });
    const hidden = await pullAll(
      githubConnector,
      settingsFor(sb, { GITHUB_TOKEN: "ghp_web_only" }),
      "acme/api",
      {
        mode: "sync",
        now: RUN_AT,
      },
    ).catch((e: unknown) => e);
    expect(hidden).toMatchObject({ kind: "not_found" });
    expect((hidden as Error).message).toMatch(
      /Could not resolve to a Repository with the name 'acme\/api'.*check GITHUB_REPOS/,
    );
  });

  it("hands a spent hourly budget to the engine as rate_limit with the reset time", async () => {
    sb.dataset.token("ghp_spent");
    sb.rates.exhaust("ghp_spent", "graphql", 600);
    const error = await pullAll(githubConnector, settingsFor(sb, { GITHUB_TOKEN: "ghp_spent" }), "acme/web", {
      mode: "sync",
      now: RUN_AT,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "rate_limit" });
    const retryAt = (error as ConnectorError).retryAt!.getTime();
    expect(retryAt).toBeGreaterThan(Date.now() + 590_000);
    expect(retryAt).toBeLessThan(Date.now() + 610_000);
  });

  it("lists the repositories the token can read when GITHUB_REPOS is empty", async () => {
    const settings = settingsFor(sb, { GITHUB_REPOS: "" });
    const scopes = await githubConnector.listScopes(settings, {
      signal: new AbortController().signal,
      report: { requests: () => {}, waiting: () => {} },
    });
    expect(scopes).toEqual(["acme/web", "acme/api"]);
  });

  it("reads GitHub Enterprise Server at /api/v3 and /api/graphql, linking to the host's web address", async () => {
    const settings = settingsFor(sb, { GITHUB_API_URL: `${sb.url}/api/v3` });
    expect(settings.webUrl).toBe(sb.url);
    sb.requests.clear();
    const run = await pullAll(githubConnector, settings, "acme/web", { now: RUN_AT });
    expect(recordsOf(run.pages).length).toBeGreaterThan(0);
    expect(new Set(sb.requests.entries.map((e) => e.path.split("?")[0]))).toEqual(
      new Set([
        "/api/graphql",
        "/api/v3/repos/acme/web/issues/comments",
        "/api/v3/repos/acme/web/pulls/comments",
      ]),
    );
  });
});

describe("GitHub pull: pages that run past GitHub's 10 seconds", () => {
  const large = () => {
    const dataset = new GithubDataset();
    generateRepository(dataset.repo("acme/web"), {
      issues: 250,
      pulls: 120,
      comments: 300,
      reviewsPerPull: 2,
      reviewCommentsPerPull: 1,
      deployments: 12,
    });
    return dataset;
  };

  it("the sandbox answers a GraphQL page too large for 10 seconds with GitHub's 502", async () => {
    const sb = await startGithubSandbox({ dataset: large(), slowAnswerObjects: 10 });
    try {
      const res = await fetch(`${sb.url}/graphql`, {
        method: "POST",
        headers: { Authorization: `bearer ${sb.token}`, "Content-Type": "application/json" },
        body: JSON.stringify({
          query:
            'query { repository(owner: "acme", name: "web") { issues(first: 50) { nodes { number } } } }',
        }),
      });
      expect(res.status).toBe(502);
      const body = (await res.json()) as { errors: Array<{ message: string }> };
      expect(body.errors[0]!.message).toMatch(
        /^Something went wrong while executing your query\. This may be the result of a timeout/,
      );
    } finally {
      await sb.close();
    }
  });

  it("halves the page after a timeout and keeps the smaller size for the rest of the pass", async () => {
    // A page of 100 issues, 100 pull requests with their reviews and the deployments is too large; 50 is not.
    const sb = await startGithubSandbox({ dataset: large(), slowAnswerObjects: 2_000 });
    try {
      const run = await pullAll(githubConnector, settingsFor(sb), "acme/web", {
        mode: "backfill",
        now: RUN_AT,
      });
      const byType = new Map<string, number>();
      for (const r of recordsOf(run.pages)) byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
      expect(Object.fromEntries(byType)).toEqual({
        issue: 250,
        pull_request: 120,
        review: 360,
        deployment_status: 12,
        issue_comment: 300,
        review_comment: 120,
      });
      const graphql = sb.requests.entries.filter((e) => e.path.startsWith("/graphql"));
      // One timeout, then every page at the halved size: no second one, and no wait before asking again.
      expect(graphql.filter((e) => e.status === 502)).toHaveLength(1);
      expect(graphql.length).toBe(1 + 1 + Math.ceil(250 / 50));
    } finally {
      await sb.close();
    }
  });

  it("gives up with a transient error when even a page of one times out", async () => {
    const sb = await startGithubSandbox({ dataset: large(), slowAnswerObjects: 0 });
    try {
      const error = await pullAll(githubConnector, settingsFor(sb), "acme/web", {
        mode: "backfill",
        now: RUN_AT,
      }).catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: "transient", status: 502 });
      // 100, 50, 25, 12, 6, 3, 1.
      expect(sb.requests.count({ path: /^\/graphql/, status: 502 })).toBe(7);
    } finally {
      await sb.close();
    }
  });
});
