/**
 * A failed production deployment end to end: GitHub's deployment statuses read by the real connector from the
 * sandbox (answering as GitHub documents: `failure`, then `success`), stored with their state, and the flag
 * raised the same day and cleared by the later success.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { githubConnector } from "../../connectors/github/index.ts";
import { listSources } from "../../connectors/registry.ts";
import {
  GithubDataset,
  type GithubSandbox,
  startGithubSandbox,
} from "../../connectors/sandbox/github/index.ts";
import { parseFlagSettings } from "../../src/flags/flag-settings.ts";
import { recomputeFlags } from "../../src/flags/recompute.ts";
import type { Db } from "../../src/store/db.ts";
import { loadFlag, toFlagId } from "../../src/store/flag-store.ts";
import { queryRows } from "../../src/store/rows.ts";
import { buildRepository, settingsFor } from "../connectors/github/helpers.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { syncOnce } from "../helpers/sync-run.ts";

const settings = parseFlagSettings(
  undefined,
  { THREADLINE_TEAM_DOMAINS: "acme.dev", THREADLINE_TIMEZONE: "Europe/London" },
  listSources(),
);

async function syncAndFlag(db: Db, sb: GithubSandbox, mode: "backfill" | "sync", now: Date) {
  const report = await syncOnce(db, [{ connector: githubConnector, settings: settingsFor(sb) }], {
    mode,
    now: () => now,
    linkContext: {
      jiraProjects: ["PROJ"],
      jiraSiteUrls: [],
      githubRepos: ["acme/web"],
      githubWebUrls: [sb.url],
    },
  });
  expect(report.sources[0]!.errors).toEqual([]);
  await recomputeFlags(db, { now, settings });
}

describeEachDatabase("a failed production deployment", (ctx) => {
  let sb: GithubSandbox;
  const id = toFlagId("acme/web#4", "done_not_deployed");
  beforeAll(async () => {
    const dataset = new GithubDataset();
    buildRepository(dataset);
    sb = await startGithubSandbox({ dataset });
    await syncAndFlag(ctx.db, sb, "backfill", new Date("2025-03-13T10:00:00Z"));
  }, 60_000);
  afterAll(() => sb.close());

  it("flags the merged pull request the same day, and a later success clears it", async () => {
    const web = sb.dataset.repo("acme/web");
    sb.dataset.setNow("2025-03-14T09:00:00Z");
    web.merge(4, { by: "anna", at: "2025-03-14T09:20:00Z" });
    const first = web.deployment({
      environment: "production",
      creator: "github-actions[bot]",
      pull: 4,
      at: "2025-03-14T09:25:00Z",
    });
    web.deploymentStatus(first.id, {
      state: "failure",
      description: "migrations failed",
      at: "2025-03-14T09:28:00Z",
    });
    await syncAndFlag(ctx.db, sb, "sync", new Date("2025-03-14T11:00:00Z"));

    const states = await queryRows<{ state: string }>(
      ctx.db,
      sql`select meta->>'deploymentState' as state from items where kind = 'deployment'
          and meta->>'deploymentId' = ${String(first.id)}`,
    );
    expect(states).toEqual([{ state: "failure" }]);
    const flag = await loadFlag(ctx.db, id);
    expect(flag).toMatchObject({ state: "open", kind: "done_not_deployed" });
    expect(flag!.reason).toMatch(/production deployment to production failed \(failure\)/);

    sb.dataset.setNow("2025-03-14T13:00:00Z");
    const second = web.deployment({
      environment: "production",
      creator: "github-actions[bot]",
      pull: 4,
      at: "2025-03-14T13:00:00Z",
    });
    web.deploymentStatus(second.id, { state: "success", at: "2025-03-14T13:05:00Z" });
    await syncAndFlag(ctx.db, sb, "sync", new Date("2025-03-14T14:00:00Z"));
    expect((await loadFlag(ctx.db, id))?.state).toBe("resolved");
  }, 60_000);
});
