/**
 * Actions on tracker flags end to end, with the real GitHub and Jira connectors (Octokit and jira.js over
 * HTTP against the local servers): `runFlagAction` writes, the next sync brings the written item onto the
 * task's timeline, and the rules judge the flag again with it.
 */
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, expect, it } from "vitest";
import { githubConnector } from "../../connectors/github/index.ts";
import { listSources } from "../../connectors/registry.ts";
import {
  GithubDataset,
  type GithubSandbox,
  startGithubSandbox,
} from "../../connectors/sandbox/github/index.ts";
import { type JiraSandbox, startJiraSandbox } from "../../connectors/sandbox/jira/index.ts";
import { type ActionDeps, DEFAULT_TEMPLATES, runFlagAction } from "../../src/actions/index.ts";
import { parseFlagSettings } from "../../src/flags/flag-settings.ts";
import { recomputeFlags } from "../../src/flags/recompute.ts";
import type { Db } from "../../src/store/db.ts";
import { queryRows } from "../../src/store/rows.ts";
import { loadTimelineItems } from "../../src/store/task-queries.ts";
import { buildRepository, settingsFor as githubSettingsFor, RUN_AT } from "../connectors/github/helpers.ts";
import { buildSite, settingsFor as jiraSettingsFor, quickJira } from "../connectors/jira/helpers.ts";
import { describeEachDatabase, emptyTables } from "../helpers/databases.ts";
import { FIXED_NOW, syncOnce } from "../helpers/sync-run.ts";

const quiet = { info: () => {}, error: () => {} };

const flagOf = async (db: Db, kind: string, taskKey: string) =>
  (
    await queryRows<{ id: string; state: string; waiting_on: string[] }>(
      db,
      sql`select id, state, waiting_on from flags where kind = ${kind} and task_key = ${taskKey}
          order by state = 'resolved'`,
    )
  )[0] ?? null;

describeEachDatabase("requesting a review on GitHub", (ctx) => {
  let sb: GithubSandbox;
  let deps: ActionDeps;
  const flagSettings = parseFlagSettings(undefined, { THREADLINE_TEAM_DOMAINS: "acme.dev" }, listSources());

  async function sync(mode: "backfill" | "sync") {
    const report = await syncOnce(ctx.db, [{ connector: githubConnector, settings: githubSettingsFor(sb) }], {
      mode,
      now: () => RUN_AT,
      linkContext: {
        jiraProjects: ["PROJ"],
        jiraSiteUrls: [],
        githubRepos: ["acme/web"],
        githubWebUrls: [sb.url],
      },
    });
    expect(report.sources[0]!.errors).toEqual([]);
    await recomputeFlags(ctx.db, { now: RUN_AT, settings: flagSettings });
  }

  beforeEach(async () => {
    await emptyTables(ctx.db);
    const dataset = new GithubDataset();
    buildRepository(dataset);
    // Ben's pull request waits on Anna, who is on the team (acme.dev), so the flag names her.
    dataset.repo("acme/web").pullRequest({
      title: "Audit log for admin sign-ins",
      author: "ben",
      head: "audit-log",
      requestedReviewers: ["anna"],
      createdAt: "2025-03-06T10:00:00Z",
    });
    sb = await startGithubSandbox({ dataset });
    deps = {
      db: ctx.db,
      now: () => RUN_AT,
      connectors: { github: githubConnector },
      sourceSettings: { github: githubSettingsFor(sb) },
      templates: DEFAULT_TEMPLATES,
      flagSettings,
      log: quiet,
    };
    await sync("backfill");
  });
  afterEach(() => sb.close());

  it("requests the reviewer on the pull request and comments; the comment is on the timeline after a sync", async () => {
    const flag = await flagOf(ctx.db, "missing_approval", "acme/web#7");
    const anna = (
      await queryRows<{ id: string }>(ctx.db, sql`select id from people where name = 'Anna Kowalski'`)
    )[0]!.id;
    expect(flag).toMatchObject({ state: "open", waiting_on: [anna] });
    const pull = sb.dataset.repo("acme/web").repo.issues.get(7)!.pull!;
    // Anna's request dropped since the sync (as when a reviewer removes themselves): only the action puts it back.
    pull.requestedReviewers = [];
    sb.requests.clear();
    const outcome = await runFlagAction(deps, {
      flagId: flag!.id,
      action: "request-review",
      idempotencyKey: "review-audit-log-1",
      caller: { by: "ben@acme.dev", email: "ben@acme.dev" },
    });
    expect(outcome).toMatchObject({ state: "done", by: "ben@acme.dev" });
    expect(outcome.writes.map((w) => [w.kind, w.people.map((p) => p.handle)])).toEqual([
      ["request_review", ["anna"]],
      ["comment", ["anna"]],
    ]);
    expect(sb.requests.count({ method: "POST", path: /\/pulls\/7\/requested_reviewers/ })).toBe(1);
    expect(pull.requestedReviewers).toEqual(["anna"]);

    await sync("sync");
    const comment = (await loadTimelineItems(ctx.db, "acme/web#7", null)).find(
      (i) => i.url === outcome.results[1]!.url,
    );
    expect(comment).toMatchObject({
      kind: "comment",
      source: "github",
      text: "@anna could you review acme/web#7, please? It is waiting for an approving review.",
    });
    // A review request is not an approval: the flag stays, still waiting on Anna.
    expect(await flagOf(ctx.db, "missing_approval", "acme/web#7")).toEqual({
      id: flag!.id,
      state: "open",
      waiting_on: [anna],
    });
  });
});

describeEachDatabase("acting on Jira flags", (ctx) => {
  let jira: JiraSandbox;
  let deps: ActionDeps;
  // "Ship release notes" went done with no code linked: counted here, so it waits for a confirmed deployment.
  const flagSettings = parseFlagSettings(
    { flags: { deployments: { requireCodeLink: false } } },
    { THREADLINE_TEAM_DOMAINS: "acme.dev" },
    listSources(),
  );
  const ana = { by: "ana@acme.dev", email: "ana@acme.dev" };

  async function sync(mode: "backfill" | "sync") {
    const report = await syncOnce(ctx.db, [{ connector: quickJira, settings: jiraSettingsFor(jira) }], {
      mode,
    });
    expect(report.ok).toBe(true);
    await recomputeFlags(ctx.db, { now: FIXED_NOW, settings: flagSettings });
  }
  const keyOf = (summary: string) => [...jira.data.issues.values()].find((i) => i.summary === summary)!.key;
  const timelineItem = async (taskKey: string, url: string | null) =>
    (await loadTimelineItems(ctx.db, taskKey, null)).find((i) => i.url === url);

  beforeEach(async () => {
    await emptyTables(ctx.db);
    jira = await startJiraSandbox(buildSite("cloud"));
    deps = {
      db: ctx.db,
      now: () => FIXED_NOW,
      connectors: { jira: quickJira },
      sourceSettings: { jira: jiraSettingsFor(jira) },
      templates: DEFAULT_TEMPLATES,
      flagSettings,
      log: quiet,
    };
    await sync("backfill");
  });
  afterEach(() => jira.close());

  it("confirms a deployment with a comment; after a sync the comment is on the timeline and the flag resolved", async () => {
    const key = keyOf("Ship release notes");
    const flag = await flagOf(ctx.db, "done_not_deployed", key);
    expect(flag?.state).toBe("open");
    const outcome = await runFlagAction(deps, {
      flagId: flag!.id,
      action: "confirm-deployed",
      idempotencyKey: "confirm-release-notes-1",
      caller: ana,
    });
    expect(outcome).toMatchObject({ state: "done", by: "ana@acme.dev" });
    const text = `Deployed to production: ${key} (Ship release notes). Confirmed by Ana Lima on 2 Mar 2026.`;
    expect(outcome.writes).toMatchObject([{ kind: "comment", text }]);
    // Not judged until the sync brings the comment: the flag is still open before it.
    expect((await flagOf(ctx.db, "done_not_deployed", key))?.state).toBe("open");
    await sync("sync");
    expect(await timelineItem(key, outcome.results[0]!.url)).toMatchObject({
      source: "jira",
      kind: "comment",
      text,
    });
    expect(await flagOf(ctx.db, "done_not_deployed", key)).toMatchObject({ id: flag!.id, state: "resolved" });
  });

  it("reopens a done task; after a sync the task is open again", async () => {
    const key = keyOf("Ship release notes");
    const flag = await flagOf(ctx.db, "done_not_deployed", key);
    expect(flag?.state).toBe("open");
    const outcome = await runFlagAction(deps, {
      flagId: flag!.id,
      action: "reopen",
      idempotencyKey: "reopen-release-notes-1",
      caller: ana,
    });
    expect(outcome).toMatchObject({ state: "done", by: "ana@acme.dev", writes: [{ kind: "reopen" }] });
    const task = () =>
      queryRows<{ status: string; status_category: string }>(
        ctx.db,
        sql`select status, status_category from tasks where key = ${key}`,
      );
    expect(await task()).toEqual([{ status: "Done", status_category: "done" }]);
    await sync("sync");
    expect(await task()).toEqual([{ status: "To Do", status_category: "todo" }]);
    const reopened = (await loadTimelineItems(ctx.db, key, null)).find(
      (i) => i.id === `jira:${outcome.results[0]!.externalId}`,
    );
    expect(reopened).toMatchObject({ kind: "status_change", text: "Done → To Do" });
    // A task no longer done is not waiting for a deployment.
    expect(await flagOf(ctx.db, "done_not_deployed", key)).toMatchObject({ id: flag!.id, state: "resolved" });
  });

  it("nudges on an unanswered question; after a sync the reply is on the timeline and the flag stays", async () => {
    const key = keyOf("Login fails with SSO");
    const flag = await flagOf(ctx.db, "unanswered_question", key);
    expect(flag?.state).toBe("open");
    const outcome = await runFlagAction(deps, {
      flagId: flag!.id,
      action: "nudge",
      idempotencyKey: "nudge-sso-1",
      caller: ana,
    });
    expect(outcome).toMatchObject({ state: "done", by: "ana@acme.dev" });
    // Nobody on the team is asked (the client is), so the nudge mentions the flag's owner.
    expect(outcome.writes).toMatchObject([{ kind: "reply", people: [{ name: "Ana Lima" }] }]);
    await sync("sync");
    expect(await timelineItem(key, outcome.results[0]!.url)).toMatchObject({
      source: "jira",
      kind: "comment",
      text: "@Ana Lima a reminder about Ben Okafor's question of 2 Feb 2026, still waiting for an answer:\n\n> Can you confirm the IdP settings, @Dana from Client?",
    });
    // A nudge is not an answer: the question still waits.
    expect(await flagOf(ctx.db, "unanswered_question", key)).toMatchObject({ id: flag!.id, state: "open" });
  });
});
