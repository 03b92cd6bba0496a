/**
 * `npm run bench:first-flags -- [--url postgres://…] [--scale F]`: how long a team connecting a large
 * organisation waits for the first useful inbox.
 *
 * A generated organisation (Jira: 3,000 issues over six months with their comments; GitHub: a repository of
 * 1,500 issues and 300 pull requests with 8,000 comments, reviews and review comments over six months, and
 * one started four weeks ago with a sixth of that) is served by
 * the local Jira and GitHub API servers, each paced to a rate limit scaled down so the whole backfill takes
 * about a minute: Jira half a request a second, GitHub 1.4 a second (its 5,000 requests an hour, evenly
 * spread). The engine backfills both into a fresh database with the flag settings, as `threadline backfill`
 * does, evaluating flags early as it reads newest first.
 *
 * The flags that count are those the finished backfill leaves open on the last month's work (tasks created in
 * the 30 days before the run). While it runs, the open flags are read every 250 ms; the figure is the time
 * until 90% of those counted were up, beside the whole backfill's time (when a run without early evaluation
 * would show its first flag). `success`: the backfill succeeded with every item, and there were flags to count.
 *
 * The database is a fresh in-memory PGlite, or with `--url` (or DATABASE_URL) a fresh database on that
 * PostgreSQL server, dropped afterwards. A table goes to stdout, and as the last line one JSON object.
 */
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import type { Context, Next } from "hono";
import { Hono } from "hono";
import { listSources } from "../connectors/registry.ts";
import { createGithubApi } from "../connectors/sandbox/github/app.ts";
import { GithubDataset } from "../connectors/sandbox/github/dataset.ts";
import { generateRepository } from "../connectors/sandbox/github/generate.ts";
import { startSandbox } from "../connectors/sandbox/harness.ts";
import { createJiraSandboxApp, JiraDataset, jiraSandboxEnv } from "../connectors/sandbox/jira/index.ts";
import { parseFlagSettings } from "../src/flags/flag-settings.ts";
import { queryRows } from "../src/store/rows.ts";
import { runSync } from "../src/sync/engine.ts";
import { toLinkContext } from "../src/sync/link-context.ts";
import { configureSources } from "../src/sync/sources.ts";
import { freshDatabase } from "./fresh-database.ts";

const { values: args } = parseArgs({
  options: { url: { type: "string" }, scale: { type: "string", default: "1" } },
});
const SCALE = Number(args.scale);
if (!(SCALE > 0)) throw new Error("--scale must be a positive number");
const DATABASE_URL = args.url ?? process.env.DATABASE_URL;
const sized = (n: number) => Math.max(1, Math.round(n * SCALE));

const DAY = 86_400_000;
const NOW = new Date("2026-03-02T08:00:00.000Z");
const LAST_MONTH = new Date(NOW.getTime() - 30 * DAY);
/** Requests a second each server answers: the vendors' sustained rates, scaled down for a run of a minute. */
const RATES = { jira: 0.5, github: 1.4 };

/** Answers at most `perSecond` requests a second, in arrival order, the rest waiting their turn. */
function paced(app: Hono, perSecond: number): Hono {
  const gap = 1000 / perSecond;
  let next = 0;
  const outer = new Hono();
  outer.use("*", async (_c: Context, go: Next) => {
    const at = Math.max(performance.now(), next);
    next = at + gap;
    const wait = at - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    await go();
  });
  outer.route("/", app);
  return outer;
}

/** Six months of Jira work, an issue every ~1.4 hours: in progress, discussed for a day, then quiet. */
function buildJira(): { data: JiraDataset; items: number } {
  const issues = sized(3_000);
  const start = NOW.getTime() - 180 * DAY;
  const data = new JiraDataset({ deployment: "cloud", now: new Date(start).toISOString() });
  const people = ["ana", "ben", "chloe", "dev"];
  for (const id of people) data.addUser(id, { displayName: id, email: `${id}@acme.dev` });
  data.addUser("dana", { displayName: "Dana", email: "dana@client.example", accountType: "customer" });
  data.addProject("ORG", "Organisation");
  const step = (175 * DAY) / issues;
  let items = 0;
  for (let i = 0; i < issues; i++) {
    const at = start + i * step;
    const issue = data.addIssue({
      project: "ORG",
      summary: `Work item ${i}`,
      reporter: people[i % 4]!,
      assignee: i % 7 === 0 ? null : people[(i + 1) % 4]!,
      status: i % 5 === 0 ? "Done" : "In Progress",
      at: new Date(at).toISOString(),
    });
    items++;
    for (let c = 0; c < 3; c++) {
      const asker = c === 2 && i % 3 === 0 ? "dana" : people[(i + c) % 4]!;
      data.addComment(issue.key, {
        author: asker,
        body: c === 2 && i % 3 === 0 ? "Can you confirm when this ships?" : `Progress note ${c + 1}.`,
        at: new Date(at + (c + 1) * 3_600_000).toISOString(),
      });
      items++;
    }
  }
  return { data, items };
}

function buildGithub(): { dataset: GithubDataset; token: string; items: number } {
  const dataset = new GithubDataset();
  const issues = sized(1_500);
  const pulls = sized(300);
  const comments = sized(8_000);
  // Six months of one repository, and a repository started four weeks ago.
  generateRepository(dataset.repo("acme/portal"), {
    issues,
    pulls,
    comments,
    reviewsPerPull: 2,
    reviewCommentsPerPull: 1,
    deployments: 20,
    start: new Date(NOW.getTime() - 180 * DAY).toISOString(),
    days: 178,
  });
  const recent = { issues: sized(250), pulls: sized(50), comments: sized(1_300) };
  generateRepository(dataset.repo("acme/app"), {
    ...recent,
    reviewsPerPull: 2,
    reviewCommentsPerPull: 1,
    deployments: 5,
    start: new Date(NOW.getTime() - 28 * DAY).toISOString(),
    days: 27,
    seed: 2,
  });
  const token = "ghp_firstflags000000000000000000000000";
  dataset.token(token);
  return {
    dataset,
    token,
    items: issues + pulls + comments + recent.issues + recent.pulls + recent.comments,
  };
}

const jira = buildJira();
const github = buildGithub();
const jiraSandbox = await startSandbox(paced(createJiraSandboxApp(jira.data), RATES.jira));
const { app: githubApp } = createGithubApi(github.dataset, {
  rateLimit: { core: 1_000_000, graphql: 1_000_000 },
});
const githubSandbox = await startSandbox(paced(githubApp, RATES.github));
const env = {
  ...jiraSandboxEnv(jiraSandbox, jira.data, ["ORG"]),
  GITHUB_TOKEN: github.token,
  GITHUB_REPOS: "acme/portal,acme/app",
  GITHUB_API_URL: githubSandbox.url,
};
const database = await freshDatabase(DATABASE_URL);
const cpuBefore = process.cpuUsage();
try {
  const sources = configureSources(env, ["jira", "github"]);
  const flagSettings = parseFlagSettings(undefined, env, listSources());
  const firstSeen = new Map<string, number>();
  const started = performance.now();
  let polling = true;
  const openOnLastMonth = () =>
    queryRows<{ key: string }>(
      database.db,
      sql`select f.task_key || ' ' || f.kind as key from flags f join tasks t on t.key = f.task_key
          where f.state <> 'resolved' and t.created_at >= ${LAST_MONTH.toISOString()}::timestamptz`,
    );
  const poller = (async () => {
    while (polling) {
      const at = performance.now() - started;
      for (const { key } of await openOnLastMonth()) if (!firstSeen.has(key)) firstSeen.set(key, at);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  })();
  const report = await runSync({
    db: database.db,
    sources,
    mode: "backfill",
    linkContext: toLinkContext(env, listSources()),
    flagSettings,
    now: () => NOW,
  });
  const backfillMs = Math.round(performance.now() - started);
  polling = false;
  await poller;
  const counted = (await openOnLastMonth()).map((r) => r.key);
  // Flags up only at the very end count at the backfill's end.
  const times = counted.map((k) => firstSeen.get(k) ?? backfillMs).sort((a, b) => a - b);
  const at90 = times.length > 0 ? Math.round(times[Math.ceil(times.length * 0.9) - 1]!) : null;
  const firstAt = times.length > 0 ? Math.round(times[0]!) : null;
  const items = report.sources.reduce((n, s) => n + s.itemsNew + s.itemsUpdated, 0);
  const expectedItems = jira.items + github.items;
  const cpu = process.cpuUsage(cpuBefore);
  const success = report.ok && items >= expectedItems && counted.length > 0 && at90 !== null;
  const figures = {
    database: DATABASE_URL ? "postgres" : "pglite",
    scale: SCALE,
    ratesPerSecond: RATES,
    lastMonthFlags: counted.length,
    firstFlagMs: firstAt,
    lastMonthFlags90Ms: at90,
    backfillMs,
    ratio: at90 === null ? null : Number((at90 / backfillMs).toFixed(3)),
    flagsEvaluatedEarly: report.flagsEvaluatedEarly ?? 0,
    items,
    expectedItems,
    requests: { jira: jiraSandbox.requests.entries.length, github: githubSandbox.requests.entries.length },
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    errors: report.sources.flatMap((s) => s.errors.map((e) => e.message)),
    success,
  };
  console.log(
    [
      `database                    ${figures.database}`,
      `flags on last month's work  ${figures.lastMonthFlags}`,
      `first of them up            ${((firstAt ?? 0) / 1000).toFixed(1)} s`,
      `90% of them up              ${((at90 ?? 0) / 1000).toFixed(1)} s`,
      `whole backfill              ${(backfillMs / 1000).toFixed(1)} s`,
      `items                       ${items} of ${expectedItems}`,
    ].join("\n"),
  );
  console.log(JSON.stringify(figures));
} finally {
  await database.close();
  await jiraSandbox.close();
  await githubSandbox.close();
}
