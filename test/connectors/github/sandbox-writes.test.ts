/**
 * The GitHub sandbox's write endpoints against GitHub's documentation, over plain HTTP (no SDK): create an
 * issue comment (201; 422 without a body; 404 for a classic token without `repo` on a private repository,
 * 403 "Resource not accessible by personal access token" for a fine-grained token with read-only Issues),
 * add assignees (201; silently ignored without push access), request reviewers (201; 422 for the author),
 * reopen (PATCH state), a classic token's `X-OAuth-Scopes`, the repository's `permissions`, and the test hook
 * that fails the next write before or after saving it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  GithubDataset,
  type GithubSandbox,
  startGithubSandbox,
} from "../../../connectors/sandbox/github/index.ts";
import { buildRepository } from "./helpers.ts";

// biome-ignore lint/suspicious/noExplicitAny: these tests walk raw API answers, whose shapes are what they check.
type Json = any;

describe("GitHub sandbox writes", () => {
  let sb: GithubSandbox;
  beforeAll(async () => {
    const dataset = new GithubDataset();
    buildRepository(dataset);
    dataset.token("ghp_noscope", { scopes: ["read:org"] });
    dataset.token("github_pat_read", { scopes: null, issuesAndPulls: "read" });
    dataset.token("github_pat_triage", { scopes: null, role: "read", login: "kofi-m" });
    sb = await startGithubSandbox({ dataset });
  });
  afterAll(() => sb.close());

  const send = (method: string, path: string, body?: unknown, token = sb.token) =>
    fetch(`${sb.url}${path}`, {
      method,
      headers: { authorization: `token ${token}`, accept: "application/vnd.github+json" },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });

  it("creates an issue comment: 201 with it; 422 without a body", async () => {
    const res = await send("POST", "/repos/acme/web/issues/2/comments", { body: "Hello <!-- marker -->" });
    expect(res.status).toBe(201);
    expect((await res.json()) as Json).toMatchObject({
      id: expect.any(Number),
      body: "Hello <!-- marker -->",
      user: { login: "threadline-bot" },
      html_url: expect.stringMatching(/\/acme\/web\/issues\/2#issuecomment-\d+$/),
    });
    expect((await send("POST", "/repos/acme/web/issues/2/comments", {})).status).toBe(422);
    const list = (await (await send("GET", "/repos/acme/web/issues/2/comments?per_page=100")).json()) as Json;
    expect(list.at(-1).body).toBe("Hello <!-- marker -->");
  });

  it("tells a token's scopes and the account's permissions; refuses a write as GitHub does", async () => {
    expect((await send("GET", "/user")).headers.get("x-oauth-scopes")).toBe("repo");
    expect(
      (await send("GET", "/user", undefined, "github_pat_read")).headers.get("x-oauth-scopes"),
    ).toBeNull();
    const repo = (await (
      await send("GET", "/repos/acme/web", undefined, "github_pat_triage")
    ).json()) as Json;
    expect(repo.permissions).toEqual({
      admin: false,
      maintain: false,
      push: false,
      triage: false,
      pull: true,
    });
    expect(
      (await send("POST", "/repos/acme/web/issues/2/comments", { body: "x" }, "ghp_noscope")).status,
    ).toBe(404);
    const fineGrained = await send(
      "POST",
      "/repos/acme/web/issues/2/comments",
      { body: "x" },
      "github_pat_read",
    );
    expect(fineGrained.status).toBe(403);
    expect((await fineGrained.json()) as Json).toMatchObject({
      message: "Resource not accessible by personal access token",
    });
  });

  it("adds assignees (ignored without push access), requests reviewers, reopens", async () => {
    const ignored = await send(
      "POST",
      "/repos/acme/web/issues/2/assignees",
      { assignees: ["anna"] },
      "github_pat_triage",
    );
    expect(ignored.status).toBe(201);
    expect(((await ignored.json()) as Json).assignees).toEqual([]);
    const added = await send("POST", "/repos/acme/web/issues/2/assignees", { assignees: ["anna"] });
    expect(added.status).toBe(201);
    expect(((await added.json()) as Json).assignees.map((a: { login: string }) => a.login)).toEqual(["anna"]);
    const review = await send("POST", "/repos/acme/web/pulls/4/requested_reviewers", {
      reviewers: ["kofi-m"],
    });
    expect(review.status).toBe(201);
    expect(
      ((await review.json()) as Json).requested_reviewers.map((u: { login: string }) => u.login),
    ).toEqual(["ben", "kofi-m"]);
    const author = await send("POST", "/repos/acme/web/pulls/4/requested_reviewers", { reviewers: ["anna"] });
    expect(author.status).toBe(422);
    expect(
      (await (await send("GET", "/repos/acme/web/pulls/4/requested_reviewers")).json()) as Json,
    ).toMatchObject({
      users: [{ login: "ben" }, { login: "kofi-m" }],
      teams: [],
    });
    sb.dataset.repo("acme/web").close(2);
    const reopened = await send("PATCH", "/repos/acme/web/issues/2", { state: "open" });
    expect(reopened.status).toBe(200);
    expect(((await reopened.json()) as Json).state).toBe("open");
    expect((await send("PATCH", "/repos/acme/web/issues/3", { state: "open" })).status).toBe(422);
  });

  it("the test hook fails the next write with a 5xx before or after saving it", async () => {
    const count = () =>
      [...sb.dataset.repo("acme/web").repo.comments.values()].filter((c) => c.issueNumber === 1).length;
    const start = count();
    sb.dataset.writeFaults.failNext("before", 502);
    expect((await send("POST", "/repos/acme/web/issues/1/comments", { body: "a" })).status).toBe(502);
    expect(count()).toBe(start);
    sb.dataset.writeFaults.failNext("after", 500);
    expect((await send("POST", "/repos/acme/web/issues/1/comments", { body: "b" })).status).toBe(500);
    expect(count()).toBe(start + 1);
  });
});
