/**
 * `npm run bench:requests -- [--source NAME]... [--scale F] [--url postgres://…]`: how many API requests each
 * connector makes, against the fewest the vendors' documented page maxima allow (bench/vendor-page-maxima.ts,
 * never the connectors' own constants, so a connector that shrank its pages scores above 1.0×).
 *
 * Per source, a sandbox of the size the connector issues name (Jira and GitHub: 5,000 issues with 50,000
 * comments; Gmail: 50,000 emails; Teams and Slack: 100,000 channel messages with threads) is backfilled by
 * the sync engine through the real SDK over HTTP into a fresh database, then an incremental pass with nothing
 * new runs (and a second one: some APIs answer the first with a fresh validator, the second from it). Every
 * request the sandbox answered counts; sign-in requests to a token endpoint are counted apart. Goals: a
 * backfill within 1.1 times the minimum, an incremental pass with nothing new within 2 requests a scope
 * (project, repository, mailbox, channel). A goal counts as met only when the backfill succeeded and saved at
 * least every item the data set holds; `success` per source in the JSON says whether every pass succeeded.
 *
 * The database is a fresh in-memory PGlite per source, or with `--url` (or DATABASE_URL) a fresh database on
 * that PostgreSQL server, dropped afterwards. `--scale 0.1` runs a tenth of every size, for a quick look. A
 * table goes to stdout, and as the last line one JSON object with the figures per source.
 */

import { parseArgs } from "node:util";
import { listSources } from "../connectors/registry.ts";
import { createGithubApi } from "../connectors/sandbox/github/app.ts";
import { GithubDataset } from "../connectors/sandbox/github/dataset.ts";
import { generateRepository } from "../connectors/sandbox/github/generate.ts";
import {
  buildBulkGmailDataset,
  createGmailSandboxApp,
  gmailSandboxEnv,
} from "../connectors/sandbox/gmail/index.ts";
import { type Sandbox, startSandbox } from "../connectors/sandbox/harness.ts";
import {
  buildBulkJiraDataset,
  createJiraSandboxApp,
  jiraSandboxEnv,
} from "../connectors/sandbox/jira/index.ts";
import { buildBulkSlackDataset, createSlackSandboxApp } from "../connectors/sandbox/slack/index.ts";
import {
  BULK_CHANNEL,
  buildBulkTeamsDataset,
  createTeamsSandboxApp,
  teamsSandboxEnv,
} from "../connectors/sandbox/teams/index.ts";
import { runSync, type SourceReport } from "../src/sync/engine.ts";
import { toLinkContext } from "../src/sync/link-context.ts";
import { configureSources } from "../src/sync/sources.ts";
import { freshDatabase } from "./fresh-database.ts";
import { VENDOR_PAGE_MAXIMA as V } from "./vendor-page-maxima.ts";

const BENCH_SOURCES = ["jira", "github", "gmail", "teams", "slack"] as const;
type BenchSourceId = (typeof BENCH_SOURCES)[number];

const { values: args } = parseArgs({
  options: {
    source: { type: "string", multiple: true },
    scale: { type: "string", default: "1" },
    url: { type: "string" },
  },
});
const SCALE = Number(args.scale);
if (!(SCALE > 0)) throw new Error("--scale must be a positive number");
for (const s of args.source ?? []) {
  if (!(BENCH_SOURCES as readonly string[]).includes(s)) {
    throw new Error(`--source ${s}: use one of ${BENCH_SOURCES.join(", ")}`);
  }
}
const SELECTED = BENCH_SOURCES.filter((s) => !args.source || args.source.includes(s));
const DATABASE_URL = args.url ?? process.env.DATABASE_URL;
const sized = (n: number) => Math.max(1, Math.round(n * SCALE));

/** A sandbox ready to be synced, and what the fewest requests for its data would be. */
interface Prepared {
  sandbox: Sandbox;
  env: Record<string, string>;
  /** What the data set holds, in words, for the table. */
  size: string;
  scopes: number;
  /** The items the data set holds that a complete backfill must save (at least: some sources also save changes and reviews). */
  expectedItems: number;
  /** The fewest requests a backfill needs, in parts that add up. */
  minimum: Record<string, number>;
  /** Requests to a sign-in endpoint rather than the API: counted apart. */
  isTokenRequest?: (path: string) => boolean;
  /** Requests the connector makes besides the data (a scope's name, the workspace address): shown apart. */
  isOverhead?: (path: string) => boolean;
  notes?: Record<string, number>;
}

const BUILDERS: Record<BenchSourceId, () => Promise<Prepared>> = {
  /** The minimum: one search page of 100 issues (comments up to 20 and changes up to 40 embedded), one comment page (5,000) for each issue with more, the bulk changelog (1,000 histories a request) for the issues with more. */
  async jira() {
    const data = buildBulkJiraDataset({ issues: sized(5_000), comments: sized(50_000) });
    const sandbox = await startSandbox(createJiraSandboxApp(data));
    const issues = [...data.issues.values()];
    return {
      sandbox,
      env: jiraSandboxEnv(sandbox, data, ["BULK"]),
      size: `${issues.length} issues, ${issues.reduce((n, i) => n + i.comments.length, 0)} comments`,
      scopes: 1,
      expectedItems: issues.length + issues.reduce((n, i) => n + i.comments.length, 0),
      minimum: {
        search: Math.ceil(issues.length / V.jira.searchWithFields),
        comments: issues
          .filter((i) => i.comments.length > V.jira.embeddedComments)
          .reduce((n, i) => n + Math.ceil(i.comments.length / V.jira.comments), 0),
        // The bulk changelog takes 1,000 issues and gives 1,000 histories a request.
        changelog: Math.ceil(
          issues
            .filter((i) => i.histories.length > V.jira.embeddedHistories)
            .reduce((n, i) => n + i.histories.length, 0) / V.jira.bulkChangelogHistories,
        ),
      },
    };
  },

  /** The minimum: GraphQL pages of 100 issues, pull requests (with their reviews) and deployments read side by side; REST pages of 100 issue comments and of 100 review comments. */
  async github() {
    const dataset = new GithubDataset();
    const issues = sized(4_000);
    const pulls = sized(1_000);
    const comments = sized(50_000);
    const deployments = sized(50);
    generateRepository(dataset.repo("bulk/portal"), {
      issues,
      pulls,
      comments,
      reviewsPerPull: 2,
      reviewCommentsPerPull: 1,
      deployments,
    });
    const token = "ghp_bench00000000000000000000000000000";
    dataset.token(token);
    // The request count is what is measured: a budget large enough that no run waits for its reset.
    const { app } = createGithubApi(dataset, { rateLimit: { core: 1_000_000, graphql: 1_000_000 } });
    const sandbox = await startSandbox(app);
    return {
      sandbox,
      env: { GITHUB_TOKEN: token, GITHUB_REPOS: "bulk/portal", GITHUB_API_URL: sandbox.url },
      size: `${issues} issues + ${pulls} pull requests, ${comments} comments`,
      scopes: 1,
      expectedItems: issues + pulls + comments,
      minimum: {
        graphql: Math.ceil(Math.max(issues, pulls, deployments) / V.github.graphqlFirst),
        comments: Math.ceil(comments / V.github.perPage),
        reviewComments: Math.ceil(pulls / V.github.perPage),
      },
    };
  },

  /** The minimum: the profile (the history id to start from), one list page of 500 ids, one batch of 100 messages, one history read to close the pass. */
  async gmail() {
    const { data } = buildBulkGmailDataset({ messages: sized(50_000) });
    const control = { userRateLimited: 0, batches: 0, batchCalls: 0, faults: null };
    const sandbox = await startSandbox(createGmailSandboxApp(data, control));
    const messages = data.messages.size;
    return {
      sandbox,
      env: gmailSandboxEnv({ url: sandbox.url, data }),
      size: `${messages} emails`,
      scopes: 1,
      expectedItems: messages,
      minimum: {
        profile: 1,
        list: Math.ceil(messages / V.gmail.listMaxResults),
        batches: Math.ceil(messages / V.gmail.batchCalls),
        history: 1,
      },
      isTokenRequest: (path) => path.startsWith("/token"),
      // Google recommends batches of 50 ("larger batch sizes are likely to trigger rate limiting").
      notes: {
        minimumAtRecommendedBatchOf50:
          2 +
          Math.ceil(messages / V.gmail.listMaxResults) +
          Math.ceil(messages / V.gmail.recommendedBatchCalls),
      },
    };
  },

  /** The minimum: the channel once, one list page of 50 root posts (replies expanded up to 1,000), one page of 50 for the replies past those, one directory lookup per 15 authors, one delta request for the next pass's link. */
  async teams() {
    const messages = sized(100_000);
    const { data, roots, repliesPerRoot } = buildBulkTeamsDataset({ messages });
    const sandbox = await startSandbox(createTeamsSandboxApp(data));
    const inDirectory = [...data.users.values()].filter((u) => u.userType !== null).length;
    return {
      sandbox,
      env: teamsSandboxEnv({ url: sandbox.url, data }, [BULK_CHANNEL]),
      size: `${messages} messages, ${roots} threads`,
      scopes: 1,
      expectedItems: messages,
      minimum: {
        channel: 1,
        messagePages: Math.ceil(roots / V.teams.messagesTop),
        replyPages: repliesPerRoot.reduce(
          (n, r) => n + Math.ceil(Math.max(0, r - V.teams.expandedReplies) / V.teams.repliesTop),
          0,
        ),
        directory: Math.ceil(inDirectory / V.teams.filterInValues),
        deltaLink: 1,
      },
      isTokenRequest: (path) => /\/oauth2\/v2\.0\/token/.test(path),
    };
  },

  /** The minimum: per channel one history page of 999 top-level messages (at least one), per thread one replies page of 1,000, the people once per 999. */
  async slack() {
    const data = buildBulkSlackDataset({ messages: sized(100_000), channels: 10 });
    const sandbox = await startSandbox(createSlackSandboxApp(data, { limited: null }));
    let history = 0;
    let replies = 0;
    let threads = 0;
    for (const c of data.channels.values()) {
      history += Math.max(1, Math.ceil(c.messages.length / V.slack.historyLimit));
      for (const m of c.messages) {
        if (m.replies.length === 0) continue;
        threads++;
        replies += Math.ceil((m.replies.length + 1) / V.slack.repliesLimit);
      }
    }
    return {
      sandbox,
      env: {
        SLACK_TOKEN: data.botToken,
        SLACK_API_URL: `${sandbox.url}/api/`,
        SLACK_SIGNING_SECRET: data.signingSecret,
      },
      size: `${data.countMessages()} messages, ${threads} threads, ${data.channels.size} channels`,
      scopes: data.channels.size,
      expectedItems: data.countMessages(),
      minimum: { history, replies, users: Math.ceil(data.users.size / V.slack.usersLimit) },
      isOverhead: (path) => /conversations\.info|auth\.test/.test(path),
    };
  },
};

interface PassFigures {
  requests: number;
  tokenRequests: number;
  overheadRequests: number;
  reportedRequests: number;
  items: number;
  ms: number;
  ok: boolean;
  errors: string[];
}

async function benchSource(id: BenchSourceId) {
  const built = performance.now();
  const prepared = await BUILDERS[id]();
  const buildMs = Math.round(performance.now() - built);
  const database = await freshDatabase(DATABASE_URL);
  const sources = configureSources(prepared.env, [id]);
  const linkContext = toLinkContext(prepared.env, listSources());
  const pass = async (mode: "backfill" | "sync"): Promise<PassFigures> => {
    prepared.sandbox.requests.clear();
    const started = performance.now();
    const report = await runSync({ db: database.db, sources, mode, linkContext });
    const ms = Math.round(performance.now() - started);
    const source = report.sources[0] as SourceReport;
    const paths = prepared.sandbox.requests.entries.map((e) => e.path);
    const tokenRequests = paths.filter((p) => prepared.isTokenRequest?.(p) ?? false).length;
    return {
      requests: paths.length - tokenRequests,
      tokenRequests,
      overheadRequests: paths.filter((p) => prepared.isOverhead?.(p) ?? false).length,
      reportedRequests: source.requests,
      items: source.itemsNew + source.itemsUpdated,
      ms,
      ok: report.ok,
      errors: source.errors.map((e) => e.message),
    };
  };
  try {
    const backfill = await pass("backfill");
    const incremental = await pass("sync");
    const steady = await pass("sync");
    const minimum = Object.values(prepared.minimum).reduce((a, b) => a + b, 0);
    const incrementalGoal = 2 * prepared.scopes;
    // A backfill that failed or missed items cannot meet a goal, however few requests it made.
    const backfillComplete =
      backfill.ok && backfill.errors.length === 0 && backfill.items >= prepared.expectedItems;
    const incrementalOk = incremental.ok && incremental.errors.length === 0;
    return {
      source: id,
      size: prepared.size,
      scopes: prepared.scopes,
      buildMs,
      backfillRequests: backfill.requests,
      backfillMinimumRequests: minimum,
      backfillMinimum: prepared.minimum,
      backfillRatio: Number((backfill.requests / minimum).toFixed(3)),
      backfillDataRatio: Number(((backfill.requests - backfill.overheadRequests) / minimum).toFixed(3)),
      backfillOverheadRequests: backfill.overheadRequests,
      backfillTokenRequests: backfill.tokenRequests,
      backfillReportedRequests: backfill.reportedRequests,
      backfillItems: backfill.items,
      backfillMs: backfill.ms,
      backfillOk: backfill.ok,
      backfillExpectedItems: prepared.expectedItems,
      backfillComplete,
      incrementalRequests: incremental.requests,
      incrementalRequestsPerScope: Number((incremental.requests / prepared.scopes).toFixed(2)),
      incrementalItems: incremental.items,
      incrementalMs: incremental.ms,
      secondIncrementalRequests: steady.requests,
      incrementalGoal,
      meetsBackfillGoal: backfillComplete && backfill.requests <= Math.floor(minimum * 1.1),
      meetsIncrementalGoal: backfillComplete && incrementalOk && incremental.requests <= incrementalGoal,
      success: backfillComplete && incrementalOk && steady.ok,
      ...(prepared.notes ?? {}),
      errors: [...backfill.errors, ...incremental.errors, ...steady.errors],
    };
  } finally {
    await database.close();
    await prepared.sandbox.close();
  }
}

type Figures = Awaited<ReturnType<typeof benchSource>>;

function toTable(rows: Figures[]): string {
  const header = [
    "source",
    "data set",
    "complete",
    "backfill req",
    "minimum",
    "ratio",
    "≤1.1×",
    "incr. req",
    "per scope",
    "≤2/scope",
    "2nd incr.",
    "backfill time",
  ];
  const lines = rows.map((r) => [
    r.source,
    r.size,
    r.backfillComplete ? "yes" : `NO (${r.backfillItems}/${r.backfillExpectedItems})`,
    String(r.backfillRequests),
    String(r.backfillMinimumRequests),
    r.backfillRatio.toFixed(3),
    r.meetsBackfillGoal ? "yes" : "NO",
    String(r.incrementalRequests),
    r.incrementalRequestsPerScope.toFixed(2),
    r.meetsIncrementalGoal ? "yes" : "NO",
    String(r.secondIncrementalRequests),
    `${(r.backfillMs / 1000).toFixed(1)} s`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const row = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ");
  return [row(header), row(widths.map((w) => "-".repeat(w))), ...lines.map(row)].join("\n");
}

const results: Figures[] = [];
for (const id of SELECTED) {
  process.stderr.write(`[bench] ${id}: building and backfilling…\n`);
  const figures = await benchSource(id);
  results.push(figures);
  process.stderr.write(
    `[bench] ${id}: ${figures.backfillRequests} requests (minimum ${figures.backfillMinimumRequests}) in ${(figures.backfillMs / 1000).toFixed(1)} s; incremental ${figures.incrementalRequests}\n`,
  );
  for (const error of figures.errors) process.stderr.write(`[bench] ${id}: ${error}\n`);
}
console.log(toTable(results));
for (const r of results) {
  console.log(
    `${r.source}: minimum ${JSON.stringify(r.backfillMinimum)}; overhead ${r.backfillOverheadRequests}, sign-in ${r.backfillTokenRequests}; engine counted ${r.backfillReportedRequests}`,
  );
}
console.log(
  JSON.stringify({
    scale: SCALE,
    database: DATABASE_URL ? "postgres" : "pglite",
    success: results.every((r) => r.success),
    successBySource: Object.fromEntries(results.map((r) => [r.source, r.success])),
    sources: Object.fromEntries(results.map(({ source, ...figures }) => [source, figures])),
  }),
);
