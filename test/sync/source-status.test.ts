/**
 * What the passes store of each source and scope, as `threadline status` and `GET /api/sources` read it: a
 * refused token shows as such after one pass with what to do, a scope that gave up on a rate limit says
 * until when, a source without credentials is disabled, and a good pass clears what the failing one left.
 */
import { sql } from "drizzle-orm";
import { beforeEach, expect, it } from "vitest";
import { githubConnector } from "../../connectors/github/index.ts";
import { GithubDataset, startGithubSandbox } from "../../connectors/sandbox/github/index.ts";
import { teamsConnector } from "../../connectors/teams/index.ts";
import { ConnectorError } from "../../connectors/types.ts";
import { SyncService } from "../../src/server/sync-service.ts";
import { loadSourceStatuses } from "../../src/store/load-source-statuses.ts";
import { toSourceSetups } from "../../src/sync/source-setups.ts";
import { buildRepository, RUN_AT, settingsFor } from "../connectors/github/helpers.ts";
import { describeEachDatabase, emptyTables } from "../helpers/databases.ts";
import { FIXED_NOW, type ScriptedWorkspace, scriptedWorkspace, syncOnce } from "../helpers/sync-run.ts";

const NEXT_PASS = new Date(FIXED_NOW.getTime() + 15 * 60_000);

describeEachDatabase("source status", (ctx) => {
  beforeEach(async () => {
    await emptyTables(ctx.db);
  });

  const statusOf = (workspace: ScriptedWorkspace, now = FIXED_NOW) =>
    loadSourceStatuses(ctx.db, toSourceSetups({}, { ...workspace.connectors, teams: teamsConnector }), now);

  it("shows a revoked token, a rate limit and a source without credentials after one pass, and a good pass clears them", async () => {
    const first = scriptedWorkspace();
    await syncOnce(ctx.db, first.sources, { nextPassAt: NEXT_PASS });
    const healthy = await statusOf(first);
    expect(
      healthy.filter((s) => s.source !== "teams").every((s) => s.state === "ok" && s.lastError === null),
    ).toBe(true);
    const proj = healthy.find((s) => s.source === "jira" && s.scope === "PROJ")!;
    expect(proj).toMatchObject({
      lastSuccessAt: FIXED_NOW.toISOString(),
      nextRunAt: NEXT_PASS.toISOString(),
    });
    expect(proj.itemsSeen).toBeGreaterThan(0);
    expect(healthy.find((s) => s.source === "teams")).toMatchObject({
      scope: null,
      state: "disabled",
      action: expect.stringContaining("MS_GRAPH_TOKEN"),
    });

    // The token is revoked and Slack's limit will not reset within the pass.
    const later = new Date(FIXED_NOW.getTime() + 3_600_000);
    const resetAt = new Date(later.getTime() + 40 * 60_000);
    const failing = scriptedWorkspace();
    failing.jira.authFails = true;
    const slackScope = [...failing.slack.scopes.keys()][0]!;
    failing.slack.faults.push({
      scope: slackScope,
      atPosition: 0,
      error: () =>
        new ConnectorError("slack", "rate_limit", "429 from https://scripted.test/slack", {
          retryAt: resetAt,
        }),
      times: 99,
    });
    // Slack reads its channel again from the start, so the pass meets the limit.
    await ctx.db.execute(
      sql`delete from sync_cursors where scope_id in (select id from source_scopes where source = 'slack')`,
    );
    await syncOnce(ctx.db, failing.sources, { now: () => later });
    const after = await statusOf(failing, later);
    const jira = after.filter((s) => s.source === "jira");
    expect(jira.map((s) => s.scope)).toEqual(["OPS", "PROJ"]);
    for (const line of jira) {
      expect(line).toMatchObject({
        state: "failing",
        errorKind: "auth",
        // The last good pass is still shown.
        lastSuccessAt: FIXED_NOW.toISOString(),
      });
      expect(line.lastError).toMatch(/401 from .*: check SCRIPTED_TOKEN/);
      expect(line.action).toMatch(
        /refused \(expired or revoked\): set new ones in JIRA_BASE_URL, .*JIRA_API_TOKEN/,
      );
    }
    expect(after.find((s) => s.source === "slack" && s.scope === slackScope)).toMatchObject({
      state: "rate_limited",
      rateLimitedUntil: resetAt.toISOString(),
      errorKind: "rate_limit",
    });
    expect(after.find((s) => s.source === "gmail")).toMatchObject({
      state: "ok",
      lastSuccessAt: later.toISOString(),
    });

    // Credentials renewed, limit reset: the next pass clears both.
    const fixedAt = new Date(resetAt.getTime() + 60_000);
    await syncOnce(ctx.db, scriptedWorkspace().sources, { now: () => fixedAt });
    const fixed = await statusOf(first, fixedAt);
    for (const line of fixed.filter((s) => s.source !== "teams")) {
      expect(line).toMatchObject({ state: "ok", lastError: null, action: null, rateLimitedUntil: null });
    }
  });

  it("shows the next pass the schedule running the passes names", async () => {
    const workspace = scriptedWorkspace();
    const service = new SyncService({
      db: ctx.db,
      env: {},
      connectors: workspace.connectors,
      now: () => FIXED_NOW,
      nextPassAt: () => NEXT_PASS,
    });
    service.request();
    await service.idle();
    const lines = await statusOf(workspace);
    for (const line of lines.filter((l) => l.source !== "teams")) {
      expect(line).toMatchObject({ state: "ok", nextRunAt: NEXT_PASS.toISOString() });
    }
  });

  it("shows a GitHub token the API refuses as failing within one pass, with what to renew", async () => {
    const dataset = new GithubDataset();
    buildRepository(dataset);
    const sb = await startGithubSandbox({ dataset });
    try {
      const revoked = settingsFor(sb, { GITHUB_TOKEN: "ghp_revoked00000000000000000000000000000" });
      await syncOnce(ctx.db, [{ connector: githubConnector, settings: revoked }], { now: () => RUN_AT });
      const lines = await loadSourceStatuses(
        ctx.db,
        toSourceSetups({ GITHUB_TOKEN: "set", GITHUB_REPOS: "acme/web" }, { github: githubConnector }),
        RUN_AT,
      );
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        source: "github",
        scope: "acme/web",
        state: "failing",
        errorKind: "auth",
      });
      expect(lines[0]!.lastError).toMatch(/401 from .*the token was refused.*check GITHUB_TOKEN/);
      expect(lines[0]!.action).toMatch(
        /^The credentials were refused \(expired or revoked\): set new ones in GITHUB_TOKEN/,
      );
    } finally {
      await sb.close();
    }
  });
});
