/**
 * What the queue's tests share: a GitHub sandbox with a few repositories (one scope each), the environment
 * that points the real connector at it, and the database a single uninterrupted pass leaves.
 */
import { listSources } from "../../connectors/registry.ts";
import { generateRepository } from "../../connectors/sandbox/github/generate.ts";
import {
  GithubDataset,
  type GithubSandbox,
  startGithubSandbox,
} from "../../connectors/sandbox/github/index.ts";
import { parseFlagSettings } from "../../src/flags/flag-settings.ts";
import { runSync } from "../../src/sync/engine.ts";
import { toLinkContext } from "../../src/sync/link-context.ts";
import { configureSources } from "../../src/sync/sources.ts";
import { buildRepository } from "../connectors/github/helpers.ts";
import { createTestDatabase, type TestDatabaseKind } from "../helpers/databases.ts";
import { BOOKKEEPING, dumpDatabase } from "../helpers/dump.ts";

export const REPOS = ["acme/web", "acme/api", "acme/app", "acme/docs", "acme/infra", "acme/ops"];

export async function startQueueSandbox(issuesPerRepo = 6): Promise<GithubSandbox> {
  const dataset = new GithubDataset();
  buildRepository(dataset);
  REPOS.slice(1).forEach((name, i) => {
    generateRepository(dataset.repo(name), {
      issues: issuesPerRepo,
      pulls: Math.ceil(issuesPerRepo / 3),
      comments: issuesPerRepo * 2,
      seed: 100 + i,
    });
  });
  return startGithubSandbox({ dataset });
}

export function githubEnv(sb: GithubSandbox, apiUrl = sb.url): Record<string, string> {
  return {
    GITHUB_TOKEN: sb.token,
    GITHUB_REPOS: REPOS.join(","),
    GITHUB_API_URL: apiUrl,
    GITHUB_WEBHOOK_SECRET: sb.webhookSecret,
  };
}

/**
 * Rows compared between a queued run and a single one. Write times differ by when each ran, and so does
 * the time a GitHub cursor records its last check at. So does a GitHub list's ETag: a first read newest
 * first ends without one, and a second job of the same scope (which a queued run may give it) reads the
 * list forward once and keeps the ETag of that answer, with the same rows.
 */
export async function dumpForComparison(db: Parameters<typeof dumpDatabase>[0]) {
  const dump = await dumpDatabase(db, { omit: BOOKKEEPING });
  for (const row of dump.sync_cursors) {
    const cursor = row.cursor as Record<string, unknown> | null;
    if (cursor && typeof cursor === "object" && "checkedAt" in cursor) cursor.checkedAt = "(when it ran)";
    if (cursor && typeof cursor === "object" && "etag" in cursor) cursor.etag = "(when it ran)";
  }
  return dump;
}

/** The database one in-process pass over every repository leaves (flags evaluated after it). */
export async function singleRunDump(kind: TestDatabaseKind, env: Record<string, string>) {
  const database = await createTestDatabase(kind);
  try {
    const report = await runSync({
      db: database.db,
      sources: configureSources(env),
      mode: "sync",
      linkContext: toLinkContext(env, listSources()),
      flagSettings: parseFlagSettings(undefined, env, listSources()),
    });
    if (!report.ok) throw new Error(`the reference run failed: ${JSON.stringify(report.sources[0]?.errors)}`);
    return await dumpForComparison(database.db);
  } finally {
    await database.close();
  }
}
