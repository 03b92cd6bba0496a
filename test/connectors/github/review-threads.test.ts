/**
 * A review thread marked resolved on GitHub answers the questions in it: read with its pull request by a sync,
 * changed by a `pull_request_review_thread` push, kept through a push of the pull request and a relink. The
 * real Octokit against the sandbox, on PGlite (and PostgreSQL with TEST_DATABASE_URL).
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { githubConnector } from "../../../connectors/github/index.ts";
import { listSources } from "../../../connectors/registry.ts";
import {
  GithubDataset,
  type GithubSandbox,
  startGithubSandbox,
} from "../../../connectors/sandbox/github/index.ts";
import { parseFlagSettings } from "../../../src/flags/flag-settings.ts";
import { recomputeAfterChange } from "../../../src/flags/recompute.ts";
import type { LinkContext } from "../../../src/linking/index.ts";
import type { Db } from "../../../src/store/db.ts";
import { queryRows } from "../../../src/store/rows.ts";
import { createLinker } from "../../../src/sync/linker.ts";
import { savePush } from "../../../src/sync/push.ts";
import { relinkAll } from "../../../src/sync/relink.ts";
import { describeEachDatabase } from "../../helpers/databases.ts";
import { syncOnce } from "../../helpers/sync-run.ts";
import { settingsFor } from "./helpers.ts";

const PR = "acme/web#1";
const settings = parseFlagSettings(undefined, { THREADLINE_TEAM_DOMAINS: "acme.dev" }, listSources());

const linkContextFor = (sb: GithubSandbox): LinkContext => ({
  jiraProjects: [],
  jiraSiteUrls: [],
  githubRepos: ["acme/web"],
  githubWebUrls: [sb.url],
});

describeEachDatabase("GitHub review threads marked resolved", (ctx) => {
  let sb: GithubSandbox;
  let question: number;
  beforeAll(async () => {
    const dataset = new GithubDataset();
    dataset.setNow("2025-03-03T09:00:00Z");
    dataset.user("anna", { name: "Anna Kowalski", verifiedEmails: ["anna@acme.dev"] });
    dataset.user("ben", { name: "Ben Okafor", verifiedEmails: ["ben@acme.dev"] });
    dataset.organization("acme", {
      verifiedDomains: ["acme.dev"],
      owners: ["threadline-bot"],
      members: ["anna", "ben"],
    });
    const web = dataset.repo("acme/web");
    web.pullRequest({
      title: "Rate-limit the login endpoint",
      author: "anna",
      head: "rate-limit-login",
      requestedReviewers: ["ben"],
      createdAt: "2025-03-04T09:00:00Z",
    });
    question = web.reviewComment(1, {
      author: "ben",
      body: "Should the limit count per IP or per account?",
      path: "src/login.ts",
      line: 12,
      at: "2025-03-04T11:00:00Z",
    }).id;
    sb = await startGithubSandbox({ dataset });
  });
  afterAll(() => sb.close());

  const sync = async (mode: "backfill" | "sync", now: Date) => {
    const report = await syncOnce(ctx.db, [{ connector: githubConnector, settings: settingsFor(sb) }], {
      mode,
      now: () => now,
      linkContext: linkContextFor(sb),
    });
    expect(report.sources[0]!.errors).toEqual([]);
  };

  const push = async (event: string, payload: unknown, now: Date) => {
    const delivery = sb.webhook(event, payload);
    const parsed = githubConnector.webhook.parse(
      { url: "http://localhost:8787/webhooks/github", headers: delivery.headers, body: delivery.body, now },
      settingsFor(sb),
    );
    if (parsed.type !== "records") throw new Error(`expected records, got ${parsed.type}`);
    await savePush(ctx.db, githubConnector, parsed, { linker: createLinker(linkContextFor(sb)), now });
  };

  const questionFlags = async (db: Db, now: Date) => {
    await recomputeAfterChange(db, [PR], settings, now);
    return queryRows<{ reason: string }>(
      db,
      sql`select reason from flags where task_key = ${PR} and kind = 'unanswered_question' and state = 'open'`,
    );
  };

  it("does not flag a question whose thread was resolved after a sync, and flags it again once reopened", async () => {
    const monday = new Date("2025-03-10T08:00:00Z");
    await sync("backfill", monday);
    expect(await questionFlags(ctx.db, monday)).toEqual([
      { reason: expect.stringContaining("Should the limit count per IP or per account?") },
    ]);

    // Resolved on GitHub; the pull request changes later (a reviewer asked), and the next sync reads it.
    const web = sb.dataset.repo("acme/web");
    web.resolveReviewThread(question);
    web.requestReviewers(1, ["anna"], "2025-03-10T09:00:00Z");
    const tuesday = new Date("2025-03-11T08:00:00Z");
    await sync("sync", tuesday);
    expect(await questionFlags(ctx.db, tuesday)).toEqual([]);

    // A push of the pull request itself leaves the thread's state alone.
    await push("pull_request", sb.payloads.pullRequest("acme/web", 1, "edited", "anna"), tuesday);
    expect(await questionFlags(ctx.db, tuesday)).toEqual([]);

    // Reopened on GitHub: the webhook says so at once.
    web.resolveReviewThread(question, false);
    await push(
      "pull_request_review_thread",
      sb.payloads.pullRequestReviewThread("acme/web", question, "unresolved", "anna"),
      tuesday,
    );
    expect(await questionFlags(ctx.db, tuesday)).toHaveLength(1);

    // Resolved again by webhook: answered, and a relink (no API calls) keeps it so.
    web.resolveReviewThread(question);
    await push(
      "pull_request_review_thread",
      sb.payloads.pullRequestReviewThread("acme/web", question, "resolved", "anna"),
      tuesday,
    );
    expect(await questionFlags(ctx.db, tuesday)).toEqual([]);
    await relinkAll({
      db: ctx.db,
      connectors: { github: githubConnector },
      linkContext: linkContextFor(sb),
      now: () => tuesday,
    });
    expect(await questionFlags(ctx.db, tuesday)).toEqual([]);
  });

  it("reads a thread already resolved on the first sync", async () => {
    await ctx.db.execute(
      sql`truncate item_links, items, identities, tasks, flags, people, sync_cursors, source_scopes cascade`,
    );
    const monday = new Date("2025-03-10T08:00:00Z");
    await sync("backfill", monday);
    const rows = await queryRows<{ meta: Record<string, unknown> }>(
      ctx.db,
      sql`select meta from items where source = 'github' and external_id = ${`acme/web:review_comment:${question}`}`,
    );
    expect(rows[0]?.meta).toMatchObject({ threadResolved: true });
    expect(await questionFlags(ctx.db, monday)).toEqual([]);
  });
});
