/**
 * `npm run bench:first-flags -- [--url postgres://…] [--scale F] [--config jira+gmail]...`: how long a team
 * connecting a large organisation waits for the first useful inbox.
 *
 * A generated organisation, six months of it, is served by the local API servers of every source:
 * - Jira: 3,000 issues with three comments each (a third end in a client's question);
 * - GitHub: a repository of 1,500 issues and 300 pull requests with 8,000 comments, reviews and review
 *   comments, and one started four weeks ago with a sixth of that;
 * - Gmail: 2,500 emails in 1,500 threads, each a client asking about the newest task by its key, two in three
 *   answered by the team;
 * - Slack: two channels of 1,000 top-level messages each, a thread of two replies on every 20th; every third a
 *   guest's question about the newest task, the rest the team's updates naming it;
 * - Teams: two channels of 1,000 root posts each with up to three replies; every third a guest's question
 *   about the newest task, the rest the team's updates naming it.
 * Each server is paced to a rate limit scaled down so that a source's whole backfill takes a minute or two:
 * Jira half a request a second, GitHub 1.4 (its 5,000 an hour, evenly spread), Gmail one (its 250 quota units
 * a second per user: one batch of 50 message reads), Slack 50 a minute (Tier 3 of conversations.history and
 * conversations.replies), Teams one (Graph allows more).
 *
 * Each configuration (by default Jira with GitHub, Jira with each of Gmail, Slack and Teams, and all five)
 * backfills into a fresh database with the flag settings, as `threadline backfill` does, evaluating flags
 * early as the sources read newest first. The flags that count are those the finished backfill leaves open on
 * the last month's work (tasks created in the 30 days before the run). While it runs, the open flags are read
 * every 250 ms; the figure is the time until 90% of those counted were up, beside the whole backfill's time
 * (when a run without early evaluation would show its first flag). `success`: the backfill succeeded with
 * every item, and there were flags to count.
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
import {
  createGmailSandboxApp,
  GmailDataset,
  type GmailSandboxControl,
  gmailSandboxEnv,
  type Mailbox,
} from "../connectors/sandbox/gmail/index.ts";
import { type Sandbox, startSandbox } from "../connectors/sandbox/harness.ts";
import { createJiraSandboxApp, JiraDataset, jiraSandboxEnv } from "../connectors/sandbox/jira/index.ts";
import { createSlackSandboxApp, SlackDataset } from "../connectors/sandbox/slack/index.ts";
import { createTeamsSandboxApp, TeamsDataset, teamsSandboxEnv } from "../connectors/sandbox/teams/index.ts";
import { parseFlagSettings } from "../src/flags/flag-settings.ts";
import { queryRows } from "../src/store/rows.ts";
import { runSync } from "../src/sync/engine.ts";
import { toLinkContext } from "../src/sync/link-context.ts";
import { configureSources } from "../src/sync/sources.ts";
import { freshDatabase } from "./fresh-database.ts";

const SOURCES = ["jira", "github", "gmail", "slack", "teams"] as const;
type BenchSource = (typeof SOURCES)[number];
const CONFIGURATIONS = ["jira+github", "jira+gmail", "jira+slack", "jira+teams", SOURCES.join("+")];

const { values: args } = parseArgs({
  options: {
    url: { type: "string" },
    scale: { type: "string", default: "1" },
    config: { type: "string", multiple: true },
  },
});
const configurations = (args.config ?? CONFIGURATIONS).map((c) => {
  const sources = c.split("+");
  for (const s of sources)
    if (!(SOURCES as readonly string[]).includes(s))
      throw new Error(`--config ${c}: sources joined by +, of ${SOURCES.join(", ")}`);
  return sources as BenchSource[];
});
const SCALE = Number(args.scale);
if (!(SCALE > 0)) throw new Error("--scale must be a positive number");
const DATABASE_URL = args.url ?? process.env.DATABASE_URL;
const sized = (n: number) => Math.max(1, Math.round(n * SCALE));

const DAY = 86_400_000;
const NOW = new Date("2026-03-02T08:00:00.000Z");
const LAST_MONTH = new Date(NOW.getTime() - 30 * DAY);
/** Requests a second each server answers: the vendors' sustained rates, scaled down for a run of a minute. */
const RATES: Record<BenchSource, number> = { jira: 0.5, github: 1.4, gmail: 1, slack: 50 / 60, teams: 1 };
const JIRA_ISSUES = sized(3_000);
const JIRA_START = NOW.getTime() - 180 * DAY;
const JIRA_STEP = (175 * DAY) / JIRA_ISSUES;
/** The newest Jira task created at or before `at`: what a message then talks about. */
const taskAt = (at: number) =>
  `ORG-${Math.min(JIRA_ISSUES, Math.max(1, Math.floor((at - JIRA_START) / JIRA_STEP) + 1))}`;

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
  const issues = JIRA_ISSUES;
  const start = JIRA_START;
  const data = new JiraDataset({ deployment: "cloud", now: new Date(start).toISOString() });
  const people = ["ana", "ben", "chloe", "dev"];
  for (const id of people) data.addUser(id, { displayName: id, email: `${id}@acme.dev` });
  data.addUser("dana", { displayName: "Dana", email: "dana@client.example", accountType: "customer" });
  data.addProject("ORG", "Organisation");
  const step = JIRA_STEP;
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

const TEAM = ["ana", "ben", "chloe", "dev"];
/** Six months of conversation, `count` moments evenly spread, each naming the task created just before it. */
function moments(count: number): Array<{ at: number; task: string }> {
  const start = NOW.getTime() - 178 * DAY;
  const step = (177 * DAY) / count;
  return Array.from({ length: count }, (_, i) => {
    const at = start + (i + 0.5) * step;
    return { at, task: taskAt(at) };
  });
}

/** A client's mail about the newest task, two in three answered by the team an hour later. */
function buildGmail(): { data: GmailDataset; items: number } {
  const owner: Mailbox = { name: "Ana", address: "ana@acme.dev" };
  const team: Mailbox[] = [owner, ...TEAM.slice(1).map((id) => ({ name: id, address: `${id}@acme.dev` }))];
  const clients: Mailbox[] = [
    { name: "Dana", address: "dana@client.example" },
    { name: "Eli", address: "eli@client.example" },
  ];
  const data = new GmailDataset({ mailbox: owner.address, now: NOW.getTime() - 179 * DAY });
  moments(sized(1_500)).forEach(({ at, task }, n) => {
    data.now = at;
    const client = clients[n % clients.length]!;
    const question = data.send({
      from: client,
      to: [owner],
      subject: `${task}: release date`,
      text: `Hi,\n\nCan you confirm when ${task} ships to production?\n\nBest regards,\n${client.name}`,
    });
    if (n % 3 === 0) return;
    data.now = at + 3_600_000;
    data.reply(question, {
      from: team[n % team.length]!,
      to: [client],
      text: `It is planned for this week; we will write once ${task} is live.`,
    });
  });
  data.now = NOW.getTime() - 3_600_000;
  return { data, items: data.messages.size };
}

/** Two channels; every third message a guest's question about the newest task, the rest the team's updates. */
function buildSlack(): { data: SlackDataset; items: number } {
  const data = new SlackDataset({ now: new Date(NOW.getTime() - 179 * DAY).toISOString() });
  for (const id of TEAM) data.addUser(id, { realName: id, email: `${id}@acme.dev` });
  data.addUser("dana", { realName: "Dana", email: "dana@client.example", guest: "multi" });
  const channels = ["org-dev", "org-client"];
  for (const c of channels) data.addChannel(c, { members: [...TEAM, "dana"] });
  moments(sized(2_000)).forEach(({ at, task }, n) => {
    data.now = at;
    const channel = channels[n % channels.length]!;
    const parent = data.post(
      channel,
      n % 3 === 0
        ? { by: "dana", text: `Any news on ${task}? We need it before our launch.` }
        : { by: TEAM[n % TEAM.length]!, text: `${task}: deployed to staging, checking it today.` },
    );
    if (n % 20 !== 1) return;
    for (let r = 0; r < 2; r++) {
      data.advance(600_000);
      data.reply(channel, parent.ts, {
        by: TEAM[(n + r + 1) % TEAM.length]!,
        text: `Looked at ${task}, fine.`,
      });
    }
  });
  data.now = NOW.getTime() - 3_600_000;
  return { data, items: data.countMessages() };
}

/** Two channels; every third root post a guest's question about the newest task, the rest the team's updates. */
function buildTeams(): { data: TeamsDataset; channels: string[]; items: number } {
  const data = new TeamsDataset({ now: new Date(NOW.getTime() - 179 * DAY).toISOString() });
  for (const id of TEAM) data.addUser(id, { displayName: id, mail: `${id}@acme.dev` });
  data.addUser("dana", { displayName: "Dana (Client)", mail: "dana@client.example", userType: "Guest" });
  data.addTeam("org", "Organisation");
  const channels = ["dev", "client"];
  data.addChannel("org", "dev", "Development").addChannel("org", "client", "Client");
  let items = 0;
  moments(sized(2_000)).forEach(({ at, task }, n) => {
    data.now = at;
    const root = data.post(
      channels[n % channels.length]!,
      n % 3 === 0
        ? { from: "dana", body: `<p>Could you tell us where ${task} stands? We plan our launch on it.</p>` }
        : { from: TEAM[n % TEAM.length]!, body: `<p>${task}: merged, waiting for the release.</p>` },
    );
    items++;
    if (n % 3 === 0) return;
    for (let r = 0; r < n % 4; r++) {
      data.advance(600_000);
      data.reply(root.id, { from: TEAM[(n + r + 1) % TEAM.length]!, body: `<p>Noted for ${task}.</p>` });
      items++;
    }
  });
  data.now = NOW.getTime() - 3_600_000;
  return { data, channels, items };
}

const jira = buildJira();
const github = buildGithub();
const gmail = buildGmail();
const slack = buildSlack();
const teams = buildTeams();

/** Each source's paced server for one run, its environment and the items its backfill must save. */
async function startSource(
  source: BenchSource,
): Promise<{ sandbox: Sandbox; env: Record<string, string>; items: number }> {
  switch (source) {
    case "jira": {
      const sandbox = await startSandbox(paced(createJiraSandboxApp(jira.data), RATES.jira));
      return { sandbox, env: jiraSandboxEnv(sandbox, jira.data, ["ORG"]), items: jira.items };
    }
    case "github": {
      const { app } = createGithubApi(github.dataset, {
        rateLimit: { core: 1_000_000, graphql: 1_000_000 },
      });
      const sandbox = await startSandbox(paced(app, RATES.github));
      const env = {
        GITHUB_TOKEN: github.token,
        GITHUB_REPOS: "acme/portal,acme/app",
        GITHUB_API_URL: sandbox.url,
      };
      return { sandbox, env, items: github.items };
    }
    case "gmail": {
      const control: GmailSandboxControl = {
        userRateLimited: 0,
        batches: 0,
        batchCalls: 0,
        faults: null,
        failNextDraft: null,
      };
      const sandbox = await startSandbox(paced(createGmailSandboxApp(gmail.data, control), RATES.gmail));
      return { sandbox, env: gmailSandboxEnv({ url: sandbox.url, data: gmail.data }), items: gmail.items };
    }
    case "slack": {
      const sandbox = await startSandbox(
        paced(createSlackSandboxApp(slack.data, { limited: null }), RATES.slack),
      );
      const env = {
        SLACK_TOKEN: slack.data.botToken,
        SLACK_API_URL: `${sandbox.url}/api/`,
        SLACK_SIGNING_SECRET: slack.data.signingSecret,
      };
      return { sandbox, env, items: slack.items };
    }
    case "teams": {
      const sandbox = await startSandbox(paced(createTeamsSandboxApp(teams.data), RATES.teams));
      return {
        sandbox,
        env: teamsSandboxEnv({ url: sandbox.url, data: teams.data }, teams.channels),
        items: teams.items,
      };
    }
  }
}

async function measure(sources: readonly BenchSource[]) {
  const started = await Promise.all(sources.map(startSource));
  const env = Object.assign({ THREADLINE_TEAM_DOMAINS: "acme.dev" }, ...started.map((s) => s.env));
  const database = await freshDatabase(DATABASE_URL, "first_flags");
  const cpuBefore = process.cpuUsage();
  try {
    const configured = configureSources(env, sources);
    const flagSettings = parseFlagSettings(undefined, env, listSources());
    const firstSeen = new Map<string, number>();
    const begun = performance.now();
    let polling = true;
    const openOnLastMonth = () =>
      queryRows<{ key: string }>(
        database.db,
        sql`select f.task_key || ' ' || f.kind as key from flags f join tasks t on t.key = f.task_key
            where f.state <> 'resolved' and t.created_at >= ${LAST_MONTH.toISOString()}::timestamptz`,
      );
    const poller = (async () => {
      while (polling) {
        const at = performance.now() - begun;
        for (const { key } of await openOnLastMonth()) if (!firstSeen.has(key)) firstSeen.set(key, at);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();
    const report = await runSync({
      db: database.db,
      sources: configured,
      mode: "backfill",
      linkContext: toLinkContext(env, listSources()),
      flagSettings,
      teamDomains: ["acme.dev"],
      now: () => NOW,
    });
    const backfillMs = Math.round(performance.now() - begun);
    polling = false;
    await poller;
    const counted = (await openOnLastMonth()).map((r) => r.key);
    // Flags up only at the very end count at the backfill's end.
    const times = counted.map((k) => firstSeen.get(k) ?? backfillMs).sort((a, b) => a - b);
    const at90 = times.length > 0 ? Math.round(times[Math.ceil(times.length * 0.9) - 1]!) : null;
    const firstAt = times.length > 0 ? Math.round(times[0]!) : null;
    const items = report.sources.reduce((n, s) => n + s.itemsNew + s.itemsUpdated, 0);
    const expectedItems = started.reduce((n, s) => n + s.items, 0);
    const cpu = process.cpuUsage(cpuBefore);
    const bySource = Object.fromEntries(
      sources.map((s) => [s, report.sources.filter((r) => r.source === s)]),
    ) as Record<BenchSource, typeof report.sources>;
    const itemsBySource = Object.fromEntries(
      sources.map((s) => [s, bySource[s].reduce((n, r) => n + r.itemsNew + r.itemsUpdated, 0)]),
    );
    const complete = sources.every((s, i) => (itemsBySource[s] ?? 0) >= started[i]!.items);
    const success = report.ok && complete && counted.length > 0 && at90 !== null;
    return {
      configuration: sources.join("+"),
      lastMonthFlags: counted.length,
      firstFlagMs: firstAt,
      lastMonthFlags90Ms: at90,
      backfillMs,
      ratio: at90 === null ? null : Number((at90 / backfillMs).toFixed(3)),
      flagsEvaluatedEarly: report.flagsEvaluatedEarly ?? 0,
      items,
      expectedItems,
      itemsBySource,
      requests: Object.fromEntries(sources.map((s, i) => [s, started[i]!.sandbox.requests.entries.length])),
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      errors: report.sources.flatMap((s) => s.errors.map((e) => e.message)),
      success,
    };
  } finally {
    await database.close();
    for (const s of started) await s.sandbox.close();
  }
}

const runs: Array<Awaited<ReturnType<typeof measure>>> = [];
for (const sources of configurations) {
  const figures = await measure(sources);
  runs.push(figures);
  console.error(`[first-flags] ${figures.configuration}: ${JSON.stringify(figures)}`);
}
const seconds = (ms: number | null) => `${((ms ?? 0) / 1000).toFixed(1)} s`;
const rows = [
  ["configuration", "last month's flags", "first up", "90% up", "whole backfill", "ratio", "success"],
  ...runs.map((r) => [
    r.configuration,
    String(r.lastMonthFlags),
    seconds(r.firstFlagMs),
    seconds(r.lastMonthFlags90Ms),
    seconds(r.backfillMs),
    r.ratio === null ? "-" : r.ratio.toFixed(2),
    String(r.success),
  ]),
];
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
console.log(`database ${DATABASE_URL ? "postgres" : "pglite"}, scale ${SCALE}`);
for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join("  "));
console.log(
  JSON.stringify({
    database: DATABASE_URL ? "postgres" : "pglite",
    scale: SCALE,
    ratesPerSecond: RATES,
    configurations: runs,
    success: runs.every((r) => r.success),
  }),
);
