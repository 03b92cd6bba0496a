/**
 * The GitHub connector through the sync engine into the database: the real Octokit over real HTTP against the
 * sandbox, on PGlite (and PostgreSQL with TEST_DATABASE_URL). A backfill, an incremental pass after changes, a
 * pass with nothing new (ETags, the review comments' daily sweep), webhook pushes (good, redelivered, a
 * deletion). A run under rate limits and 5xxs and a forged push are the contract suite's (../contract/).
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { GithubSettings } from "../../../connectors/github/config.ts";
import { githubConnector } from "../../../connectors/github/index.ts";
import { REVIEW_COMMENT_SWEEP_MS } from "../../../connectors/github/pull.ts";
import {
  GithubDataset,
  type GithubSandbox,
  startGithubSandbox,
} from "../../../connectors/sandbox/github/index.ts";
import type { WebhookRequest } from "../../../connectors/types.ts";
import type { LinkContext } from "../../../src/linking/index.ts";
import type { Db } from "../../../src/store/db.ts";
import { queryRows } from "../../../src/store/rows.ts";
import { loadTimelineItems } from "../../../src/store/task-queries.ts";
import { createLinker } from "../../../src/sync/linker.ts";
import { savePush } from "../../../src/sync/push.ts";
import { describeEachDatabase } from "../../helpers/databases.ts";
import { dumpDatabase } from "../../helpers/dump.ts";
import { syncOnce } from "../../helpers/sync-run.ts";
import { buildRepository, RUN_AT, settingsFor } from "./helpers.ts";

const linkContextFor = (sb: GithubSandbox): LinkContext => ({
  jiraProjects: ["PROJ"],
  jiraSiteUrls: [],
  githubRepos: ["acme/web"],
  githubWebUrls: [sb.url],
});

async function syncGithub(
  db: Db,
  sb: GithubSandbox,
  mode: "backfill" | "sync",
  now = RUN_AT,
  settings?: GithubSettings,
) {
  const report = await syncOnce(db, [{ connector: githubConnector, settings: settings ?? settingsFor(sb) }], {
    mode,
    now: () => now,
    linkContext: linkContextFor(sb),
  });
  const github = report.sources[0]!;
  expect(github.errors).toEqual([]);
  return github;
}

const tasks = (db: Db) =>
  queryRows<{
    key: string;
    status: string;
    status_category: string;
    title: string;
    deleted_at: string | null;
  }>(db, sql`select key, status, status_category, title, deleted_at from tasks order by key`);

const item = async (db: Db, externalId: string) =>
  (
    await queryRows<{
      text: string;
      kind: string;
      meta: Record<string, unknown>;
      edited_at: string | null;
      deleted_at: string | null;
    }>(
      db,
      sql`select text, kind, meta, edited_at, deleted_at from items where source = 'github' and external_id = ${externalId}`,
    )
  )[0];

describeEachDatabase("GitHub connector through the sync engine", (ctx) => {
  let sb: GithubSandbox;
  beforeAll(async () => {
    const dataset = new GithubDataset();
    buildRepository(dataset);
    sb = await startGithubSandbox({ dataset });
  });
  afterAll(() => sb.close());

  it("backfills issues, pull requests with reviews, comments, merges and deployments, linked to their tasks", async () => {
    const report = await syncGithub(ctx.db, sb, "backfill");
    expect(report.tasksNew).toBe(6);
    expect((await tasks(ctx.db)).map((t) => [t.key, t.status, t.status_category])).toEqual([
      ["acme/web#1", "open", "todo"],
      ["acme/web#2", "open", "todo"],
      ["acme/web#3", "merged", "done"],
      ["acme/web#4", "open", "in_progress"],
      ["acme/web#5", "draft", "in_progress"],
      ["acme/web#6", "open", "in_progress"],
    ]);
    const timeline = await loadTimelineItems(ctx.db, "acme/web#3", null);
    expect(timeline.map((i) => [i.kind, i.author?.name ?? null, i.text])).toEqual([
      ["pull_request", "Ben Okafor", "Fixes #1."],
      ["review", "kofi-m", "Needs a test for the redirect."],
      ["review_comment", "kofi-m", "Why not read it from the metadata?"],
      ["review_comment", "Ben Okafor", "The client pins it; done in the test."],
      ["review", "kofi-m", ""],
      ["status_change", "Ben Okafor", "Merged feature/PROJ-12-acs-url into main"],
      ["deployment", "github-actions[bot]", "Deployment to staging: in progress"],
      ["deployment", "github-actions[bot]", "Deployment to staging: success"],
    ]);
    // The pull request names PROJ-12 in its branch and title: its items join that issue's timeline too.
    const links = await queryRows<{ item_id: string; rule: string }>(
      ctx.db,
      sql`select item_id, rule from item_links where task_key = 'PROJ-12' and not removed order by item_id`,
    );
    expect(links).toContainEqual({ item_id: "github:acme/web:pull_request:3", rule: expect.any(String) });
    // Bots are keyed by their numeric id too; their handle keeps the [bot] suffix REST and mentions use.
    const bots = await queryRows<{ external_id: string; handle: string; is_bot: boolean }>(
      ctx.db,
      sql`select external_id, handle, is_bot from identities where source = 'github' and is_bot order by handle`,
    );
    expect(bots).toEqual([
      {
        external_id: String(sb.dataset.users.get("dependabot[bot]")!.id),
        handle: "dependabot[bot]",
        is_bot: true,
      },
      {
        external_id: String(sb.dataset.users.get("github-actions[bot]")!.id),
        handle: "github-actions[bot]",
        is_bot: true,
      },
    ]);
    expect(await item(ctx.db, "acme/web:pull_request:4")).toMatchObject({
      meta: { requestedReviewers: ["ben"], branch: "rate-limit-login", draft: false, merged: false },
    });
  });

  it("picks up edits, comments, reviews, a merge, a deployment and a closed issue in an incremental pass", async () => {
    const web = sb.dataset.repo("acme/web");
    sb.dataset.setNow("2025-03-14T09:00:00Z");
    const question = [...web.repo.comments.values()][0]!;
    web.editComment(question.id, "@anna do we have the SAML metadata from them? (asked twice)");
    web.comment(4, { author: "ben", body: "Looks good, one nit.", at: "2025-03-14T09:10:00Z" });
    web.review(4, { author: "ben", state: "APPROVED", at: "2025-03-14T09:11:00Z" });
    web.merge(4, { by: "anna", at: "2025-03-14T09:20:00Z" });
    const deploy = web.deployment({
      environment: "production",
      creator: "github-actions[bot]",
      pull: 4,
      at: "2025-03-14T09:25:00Z",
    });
    web.deploymentStatus(deploy.id, { state: "success", at: "2025-03-14T09:28:00Z" });
    web.close(2, { at: "2025-03-14T09:30:00Z", reason: "not_planned" });
    // An edit of an old review comment on a pull request that saw nothing else: found by the daily sweep.
    const nit = [...web.repo.reviewComments.values()][0]!;
    web.editReviewComment(nit.id, "Why not read it from the metadata? (answered)", "2025-03-14T09:31:00Z");
    sb.requests.clear();

    const now = new Date("2025-03-14T10:00:00Z");
    const report = await syncGithub(ctx.db, sb, "sync", now);
    expect(report.tasksUpdated).toBe(2);
    expect(await item(ctx.db, `acme/web:issue_comment:${question.id}`)).toMatchObject({
      text: "@anna do we have the SAML metadata from them? (asked twice)",
      edited_at: expect.stringMatching(/^2025-03-14/),
    });
    expect(
      (await tasks(ctx.db)).filter((t) => ["acme/web#2", "acme/web#4"].includes(t.key)).map((t) => t.status),
    ).toEqual(["closed", "merged"]);
    expect((await loadTimelineItems(ctx.db, "acme/web#4", null)).map((i) => [i.kind, i.text])).toEqual([
      ["pull_request", ""],
      ["comment", "@ben could you review this today?"],
      ["comment", "Looks good, one nit."],
      ["review", ""],
      ["status_change", "Merged rate-limit-login into main"],
      ["deployment", "Deployment to production: success"],
    ]);
    // GraphQL, comments, and review comments because a pull request changed.
    expect(sb.requests.entries.map((e) => e.path.split("?")[0])).toEqual([
      "/graphql",
      "/repos/acme/web/issues/comments",
      "/repos/acme/web/pulls/comments",
    ]);
    expect(await item(ctx.db, `acme/web:review_comment:${nit.id}`)).toMatchObject({
      text: "Why not read it from the metadata? (answered)",
    });
  });

  it("makes at most two requests in a pass with nothing new, and changes nothing", async () => {
    const now = new Date("2025-03-14T11:00:00Z");
    await syncGithub(ctx.db, sb, "sync", now);
    const before = await dumpDatabase(ctx.db, { omit: ["updated_at", "last_success_at"] });
    sb.requests.clear();
    const report = await syncGithub(ctx.db, sb, "sync", now);
    expect(report.itemsNew + report.itemsUpdated + report.tasksUpdated + report.tasksNew).toBe(0);
    expect(sb.requests.entries.map((e) => `${e.method} ${e.path.split("?")[0]} ${e.status}`)).toEqual([
      "POST /graphql 200",
      "GET /repos/acme/web/issues/comments 304",
    ]);
    expect(await dumpDatabase(ctx.db, { omit: ["updated_at", "last_success_at"] })).toEqual(before);
    // A day later the review comments are read again, for edits nothing else announced: a free 304.
    sb.requests.clear();
    await syncGithub(ctx.db, sb, "sync", new Date(now.getTime() + REVIEW_COMMENT_SWEEP_MS));
    expect(sb.requests.entries.map((e) => `${e.path.split("?")[0]} ${e.status}`)).toEqual([
      "/graphql 200",
      "/repos/acme/web/issues/comments 304",
      "/repos/acme/web/pulls/comments 304",
    ]);
  });

  it("stores a signed webhook push, takes a redelivery harmlessly, and a deletion", async () => {
    const settings = settingsFor(sb);
    const linker = createLinker(linkContextFor(sb));
    const web = sb.dataset.repo("acme/web");
    sb.dataset.setNow("2025-03-15T08:00:00Z");
    const comment = web.comment(6, { author: "kofi-m", body: "@dependabot rebase" });
    const delivery = sb.webhook("issue_comment", sb.payloads.issueComment("acme/web", comment, "created"));
    const request = (headers: Record<string, string>, body = delivery.body): WebhookRequest => ({
      url: "http://localhost:8787/webhooks/github",
      headers,
      body,
      now: RUN_AT,
    });
    expect(await item(ctx.db, `acme/web:issue_comment:${comment.id}`)).toBeUndefined();

    const good = request(delivery.headers);
    expect(await githubConnector.webhook.verify(good, settings)).toBe(true);
    const parsed = githubConnector.webhook.parse(good, settings);
    expect(parsed).toMatchObject({ type: "records", scope: "acme/web", deliveryId: delivery.deliveryId });
    if (parsed.type !== "records") throw new Error("expected records");
    const first = await savePush(ctx.db, githubConnector, parsed, { linker, now: RUN_AT });
    expect(first.itemsNew).toBe(1);
    expect((await loadTimelineItems(ctx.db, "acme/web#6", null)).at(-1)).toMatchObject({
      text: "@dependabot rebase",
    });

    // GitHub redelivers the same delivery (same X-GitHub-Delivery): nothing changes.
    const again = await savePush(
      ctx.db,
      githubConnector,
      githubConnector.webhook.parse(good, settings) as typeof parsed,
      {
        linker,
        now: RUN_AT,
      },
    );
    expect(again.itemsNew + again.itemsUpdated + again.linksAdded).toBe(0);

    // Deleted: GitHub's lists no longer show it, the webhook tombstones it.
    const gone = web.deleteComment(comment.id);
    const deleted = sb.webhook("issue_comment", sb.payloads.issueComment("acme/web", gone, "deleted"));
    const deletion = githubConnector.webhook.parse(request(deleted.headers, deleted.body), settings);
    if (deletion.type !== "records") throw new Error("expected records");
    await savePush(ctx.db, githubConnector, deletion, { linker, now: RUN_AT });
    expect(await item(ctx.db, `acme/web:issue_comment:${comment.id}`)).toMatchObject({
      deleted_at: expect.any(String),
    });
    expect((await loadTimelineItems(ctx.db, "acme/web#6", null)).map((i) => i.text)).not.toContain(
      "@dependabot rebase",
    );
  });
});
