/**
 * Writing back to GitHub through Octokit against the sandbox: an issue or pull request comment with
 * mentions and the hidden marker of its action, assignees, requested reviewers, a reopen; what the next
 * sync reads of a written comment; the marker that makes a retry find the first comment instead of making a
 * second; a 5xx before and after the comment is saved; `access` for classic and fine-grained tokens.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GithubSettings } from "../../../connectors/github/config.ts";
import { githubConnector } from "../../../connectors/github/index.ts";
import {
  GithubDataset,
  type GithubSandbox,
  startGithubSandbox,
} from "../../../connectors/sandbox/github/index.ts";
import type { ActionHandler, WriteKind, WritePerson, WriteRequest } from "../../../connectors/types.ts";
import { loadTimelineItems } from "../../../src/store/task-queries.ts";
import { describeEachDatabase } from "../../helpers/databases.ts";
import { syncOnce } from "../../helpers/sync-run.ts";
import { buildRepository, RUN_AT, SANDBOX_VIEWER, settingsFor } from "./helpers.ts";

const actions = githubConnector.actions as ActionHandler<GithubSettings>;

let counter = 0;
function request(
  settings: GithubSettings,
  kind: WriteKind,
  taskKey: string,
  options: { text?: string; people?: WritePerson[]; actionId?: string } = {},
): WriteRequest<GithubSettings> {
  return {
    settings,
    actionId: options.actionId ?? `7f0c1e2a-0000-4000-8000-${String(++counter).padStart(12, "0")}`,
    kind,
    target: { taskKey },
    text: options.text ?? "",
    people: options.people ?? [],
    signal: new AbortController().signal,
  };
}

/** What the action service does on every attempt after the first: look, and write only if nothing landed. */
async function attempt(req: WriteRequest<GithubSettings>) {
  return (await actions.find(req)) ?? (await actions.write(req));
}

/** A person as the store knows them: GitHub's numeric id, with the login as handle unless `noHandle`. */
function person(sb: GithubSandbox, login: string, options: { noHandle?: boolean } = {}): WritePerson {
  const user = sb.dataset.ensureUser(login);
  return {
    source: "github",
    externalId: String(user.id),
    name: user.name ?? login,
    ...(options.noHandle ? {} : { handle: login }),
  };
}

const commentsBy = (sb: GithubSandbox, number: number, login = SANDBOX_VIEWER) =>
  [...sb.dataset.repo("acme/web").repo.comments.values()].filter(
    (c) => c.issueNumber === number && c.author === login,
  );

describe("GitHub writes", () => {
  let sb: GithubSandbox;
  let settings: GithubSettings;
  beforeAll(async () => {
    const dataset = new GithubDataset();
    buildRepository(dataset);
    sb = await startGithubSandbox({ dataset });
    settings = settingsFor(sb);
  });
  afterAll(() => sb.close());

  it("comments with @mentions and a hidden marker of the action", async () => {
    const req = request(settings, "comment", "acme/web#2", {
      text: "Who takes this one? The client asked again on 6 Mar: https://mail.example/t/9",
      people: [person(sb, "anna"), person(sb, "kofi-m", { noHandle: true })],
    });
    const result = await actions.write(req);
    const [written] = commentsBy(sb, 2);
    expect(written!.body).toBe(
      `@anna @kofi-m Who takes this one? The client asked again on 6 Mar: https://mail.example/t/9\n\n<!-- threadline-action: ${req.actionId} -->`,
    );
    expect(result).toEqual({
      externalId: `acme/web:issue_comment:${written!.id}`,
      url: `${sb.url}/acme/web/issues/2#issuecomment-${written!.id}`,
    });
  });

  it("finds its comment by the marker among many, newest first, so the same action twice comments once", async () => {
    const web = sb.dataset.repo("acme/web");
    for (let i = 0; i < 130; i++) web.comment(1, { author: "ben", body: `Status ${i + 1}` });
    const req = request(settings, "reply", "acme/web#1", { text: "Any news from the client?" });
    expect(await actions.find(req)).toBeNull();
    const first = await attempt(req);
    for (let i = 0; i < 120; i++) web.comment(1, { author: "anna", body: `Later ${i + 1}` });
    sb.requests.clear();
    expect(await attempt(req)).toEqual(first);
    expect(commentsBy(sb, 1)).toHaveLength(1);
    // Page 1 gives the last page's number; the marker is found on the page before it.
    expect(sb.requests.count({ method: "GET", path: /\/issues\/1\/comments/ })).toBe(3);
    expect(await actions.find({ ...req, actionId: "another-action" })).toBeNull();
  });

  it("a 5xx after the comment is saved leaves it retryable, and the retry finds it: one comment", async () => {
    const req = request(settings, "comment", "acme/web#4", { text: "@ben the client is waiting on this." });
    sb.dataset.writeFaults.failNext("after", 502);
    await expect(actions.write(req)).rejects.toMatchObject({ kind: "transient", status: 502 });
    expect(commentsBy(sb, 4)).toHaveLength(1);
    const retried = await attempt(req);
    expect(commentsBy(sb, 4)).toHaveLength(1);
    expect(retried.externalId).toBe(`acme/web:issue_comment:${commentsBy(sb, 4)[0]!.id}`);
  });

  it("a 5xx before the comment is saved: the retry finds nothing and comments once", async () => {
    const req = request(settings, "comment", "acme/web#5", { text: "Is the passkeys spike still going?" });
    sb.dataset.writeFaults.failNext("before", 503);
    await expect(actions.write(req)).rejects.toMatchObject({ kind: "transient", status: 503 });
    expect(commentsBy(sb, 5)).toHaveLength(0);
    await attempt(req);
    expect(commentsBy(sb, 5)).toHaveLength(1);
  });

  it("assigns by login, and finds the assignment done", async () => {
    const req = request(settings, "assign", "acme/web#2", { people: [person(sb, "kofi-m")] });
    expect(await actions.find(req)).toBeNull();
    expect(await actions.write(req)).toEqual({ externalId: null, url: `${sb.url}/acme/web/issues/2` });
    expect(sb.dataset.repo("acme/web").issueOf(2).assignees).toEqual(["kofi-m"]);
    expect(await actions.find(req)).not.toBeNull();
  });

  it("requests a review by login; the pull request's author cannot be asked", async () => {
    const req = request(settings, "request_review", "acme/web#4", { people: [person(sb, "kofi-m")] });
    expect(await actions.find(req)).toBeNull();
    await actions.write(req);
    expect(sb.dataset.repo("acme/web").pullOf(4).pull.requestedReviewers).toEqual(["ben", "kofi-m"]);
    expect(await actions.find(req)).not.toBeNull();
    await expect(
      actions.write(request(settings, "request_review", "acme/web#4", { people: [person(sb, "anna")] })),
    ).rejects.toMatchObject({ kind: "invalid", status: 422 });
  });

  it("reopens a closed issue", async () => {
    sb.dataset.repo("acme/web").close(2);
    const req = request(settings, "reopen", "acme/web#2");
    expect(await actions.find(req)).toBeNull();
    await actions.write(req);
    expect(sb.dataset.repo("acme/web").issueOf(2).state).toBe("open");
    expect(await actions.find(req)).not.toBeNull();
  });

  it("access: a classic token's scopes; a fine-grained token's role on the repository", async () => {
    const signal = new AbortController().signal;
    const all = { allowed: true, account: SANDBOX_VIEWER };
    expect(await actions.access({ settings, signal })).toEqual({
      comment: all,
      reply: all,
      assign: all,
      request_review: all,
      reopen: all,
    });

    sb.dataset.token("ghp_readorg", { scopes: ["read:org"] });
    const classic = { ...settings, token: "ghp_readorg" };
    expect((await actions.access({ settings: classic, signal })).comment).toEqual({
      allowed: false,
      needs: "repo (or public_repo for public repositories)",
    });
    sb.dataset.token("ghp_public", { scopes: ["public_repo"] });
    expect((await actions.access({ settings: { ...settings, token: "ghp_public" }, signal })).assign).toEqual(
      {
        allowed: false,
        needs: "repo (for acme/web)",
      },
    );
    // GitHub hides a private repository from a token that may not write to it: 404, with what it needs.
    await expect(
      actions.write(request(classic, "comment", "acme/web#2", { text: "hello" })),
    ).rejects.toMatchObject({ kind: "not_found", message: expect.stringContaining("needs the repo scope") });

    sb.dataset.token("github_pat_reader", { scopes: null, role: "read", login: "kofi-m" });
    const reader = { ...settings, token: "github_pat_reader" };
    const access = await actions.access({ settings: reader, signal });
    expect(access.comment).toEqual({ allowed: true, account: "kofi-m" });
    expect(access.assign).toEqual({ allowed: false, needs: "push access to acme/web" });
    expect(access.request_review).toEqual({ allowed: false, needs: "push access to acme/web" });
    // GitHub drops an assignee the account may not add without an error; the write says so.
    await expect(
      actions.write(request(reader, "assign", "acme/web#1", { people: [person(sb, "anna")] })),
    ).rejects.toMatchObject({ kind: "forbidden", message: expect.stringContaining("push access") });

    sb.dataset.token("github_pat_readonly_issues", { scopes: null, issuesAndPulls: "read" });
    await expect(
      actions.write(
        request({ ...settings, token: "github_pat_readonly_issues" }, "comment", "acme/web#2", {
          text: "hi",
        }),
      ),
    ).rejects.toMatchObject({
      kind: "forbidden",
      status: 403,
      message: expect.stringContaining("Issues: write"),
    });
  });
});

describeEachDatabase("GitHub writes read back by the next sync", (ctx) => {
  it("a written comment is an item of the task after a sync, without its marker", async () => {
    const dataset = new GithubDataset();
    buildRepository(dataset);
    const sb = await startGithubSandbox({ dataset });
    try {
      const settings = settingsFor(sb);
      const run = (mode: "backfill" | "sync") =>
        syncOnce(ctx.db, [{ connector: githubConnector, settings }], { mode, now: () => RUN_AT });
      await run("backfill");
      const result = await actions.write(
        request(settings, "comment", "acme/web#2", {
          text: "Recorded from Threadline: the client wrote on 6 Mar that accents are lost in Excel.",
          people: [person(sb, "kofi-m")],
        }),
      );
      const report = await run("sync");
      expect(report.sources[0]!.errors).toEqual([]);
      const item = (await loadTimelineItems(ctx.db, "acme/web#2", null)).find((i) => i.url === result.url);
      expect(item).toMatchObject({
        kind: "comment",
        source: "github",
        text: "@kofi-m Recorded from Threadline: the client wrote on 6 Mar that accents are lost in Excel.",
      });
      expect(item!.author).toMatchObject({ name: SANDBOX_VIEWER });
    } finally {
      await sb.close();
    }
  });
});
