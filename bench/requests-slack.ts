/**
 * `npx tsx bench/requests-slack.ts [--messages N] [--channels N]`: how many Web API requests the Slack
 * connector makes, against the fewest the API's page sizes allow.
 *
 * Backfills a sandbox workspace of 100,000 channel messages (top-level messages over a year, a thread of 1 to
 * 9 replies on every tenth, one thread of 1,500 replies) in 10 channels through the real @slack/web-api over
 * HTTP, as one engine run does (the channels' pulls share the run), then runs an incremental pass with
 * nothing new. The minimum of a backfill: per channel one conversations.history request per 999 top-level
 * messages (at least one), per thread one conversations.replies request per 1,000 of its messages (the
 * parent included), and users.list once per 999 people. What the connector asks besides (conversations.info
 * once a channel for its name and age, auth.test once a run for the workspace's address) is counted apart
 * as overhead. The minimum of a pass with nothing new is one history request a channel. The last line is
 * one JSON object with the figures.
 */
import { parseArgs } from "node:util";
import {
  buildBulkSlackDataset,
  slackSandboxEnv,
  startSlackSandbox,
} from "../connectors/sandbox/slack/index.ts";
import { USERS_PAGE_SIZE } from "../connectors/slack/directory.ts";
import { createSlackConnector } from "../connectors/slack/index.ts";
import { HISTORY_STREAM, SLACK_PAGE_SIZES } from "../connectors/slack/pull.ts";
import type { JsonValue, PullReporter } from "../connectors/types.ts";

const { values: args } = parseArgs({
  options: { messages: { type: "string", default: "100000" }, channels: { type: "string", default: "10" } },
});
const MESSAGES = Number(args.messages);
const CHANNELS = Number(args.channels);
if (!(MESSAGES > 0) || !(CHANNELS > 0)) throw new Error("--messages and --channels must be positive numbers");

const built = performance.now();
const data = buildBulkSlackDataset({ messages: MESSAGES, channels: CHANNELS });
const buildMs = performance.now() - built;
const sandbox = await startSlackSandbox(data);
const skipped: string[] = [];
const connector = createSlackConnector({
  log: { debug: () => {}, warn: (_obj, msg) => skipped.push(msg) },
});
const settings = connector.fromEnv(slackSandboxEnv(sandbox))!;
const scopes = [...data.channels.values()].map((c) => c.id);

/** One pass over every channel, as one engine run: one signal shared by the run's pulls. */
async function pass(mode: "backfill" | "sync", cursors: Map<string, JsonValue>) {
  let requests = 0;
  let records = 0;
  let items = 0;
  let pages = 0;
  const report: PullReporter = {
    estimate: () => {},
    waiting: () => {},
    requests: (n = 1) => {
      requests += n;
    },
  };
  const run = new AbortController();
  const started = performance.now();
  for (const scope of scopes) {
    const cursor = cursors.get(scope);
    for await (const page of connector.pull({
      settings,
      scope,
      mode,
      since: null,
      cursors: cursor === undefined ? {} : { [HISTORY_STREAM]: cursor },
      now: new Date(data.now),
      signal: run.signal,
      report,
    })) {
      pages++;
      records += page.records.length;
      items += page.records.filter((r) => r.type === "message").length;
      cursors.set(scope, page.cursor);
    }
  }
  return { requests, records, items, pages, ms: Math.round(performance.now() - started) };
}

try {
  const cursors = new Map<string, JsonValue>();
  sandbox.requests.clear();
  const backfill = await pass("backfill", cursors);
  const count = (path: RegExp) => sandbox.requests.count({ path });
  const made = {
    history: count(/conversations\.history/),
    replies: count(/conversations\.replies/),
    users: count(/users\.list|users\.info/),
    channelInfo: count(/conversations\.info/),
    authTest: count(/auth\.test/),
  };
  const backfillRequests = sandbox.requests.entries.length;

  let topLevel = 0;
  let threads = 0;
  const minimum = { history: 0, replies: 0, users: Math.ceil(data.users.size / USERS_PAGE_SIZE) };
  for (const c of data.channels.values()) {
    topLevel += c.messages.length;
    minimum.history += Math.max(1, Math.ceil(c.messages.length / SLACK_PAGE_SIZES.history));
    for (const m of c.messages) {
      if (m.replies.length === 0) continue;
      threads++;
      minimum.replies += Math.ceil((m.replies.length + 1) / SLACK_PAGE_SIZES.replies);
    }
  }
  const minimumBackfill = minimum.history + minimum.replies + minimum.users;
  const dataRequests = made.history + made.replies + made.users;
  const overhead = made.channelInfo + made.authTest;

  sandbox.requests.clear();
  const incremental = await pass("sync", cursors);
  const incrementalRequests = sandbox.requests.entries.length;

  console.log(
    `data set: ${MESSAGES} messages in ${CHANNELS} channels (${topLevel} top-level, ${threads} threads, ${data.users.size} people) built in ${Math.round(buildMs)} ms`,
  );
  console.log(
    `backfill: ${backfill.items} messages in ${backfill.pages} pages, ${backfillRequests} requests: ${dataRequests} for the data (minimum ${minimumBackfill}: ${JSON.stringify(minimum)}; made ${JSON.stringify({ history: made.history, replies: made.replies, users: made.users })}) + ${overhead} overhead (conversations.info ${made.channelInfo}, auth.test ${made.authTest}), ${backfill.ms} ms`,
  );
  console.log(
    `incremental with nothing new: ${incremental.records} records, ${incrementalRequests} request(s) (minimum ${CHANNELS}: one history request a channel), ${incremental.ms} ms`,
  );
  if (skipped.length > 0) console.log(`skipped: ${skipped.length} (first: ${skipped[0]})`);
  console.log(
    JSON.stringify({
      messages: MESSAGES,
      channels: CHANNELS,
      topLevelMessages: topLevel,
      threads,
      messagesPulled: backfill.items,
      backfillRequests,
      backfillReportedRequests: backfill.requests,
      backfillDataRequests: dataRequests,
      backfillMinimumRequests: minimumBackfill,
      backfillRatio: Number((dataRequests / minimumBackfill).toFixed(3)),
      backfillRatioWithOverhead: Number((backfillRequests / minimumBackfill).toFixed(3)),
      backfillMinimum: minimum,
      backfillOverheadRequests: overhead,
      backfillMs: backfill.ms,
      incrementalRequests,
      incrementalMinimumRequests: CHANNELS,
      incrementalRatio: Number((incrementalRequests / CHANNELS).toFixed(3)),
      incrementalRecords: incremental.records,
    }),
  );
} finally {
  await sandbox.close();
}
