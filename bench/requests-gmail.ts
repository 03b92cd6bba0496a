/**
 * `npx tsx bench/requests-gmail.ts [--messages N]`: how many HTTP requests the Gmail connector makes, against
 * the fewest the API's page sizes allow.
 *
 * Backfills a sandbox mailbox of 50,000 emails (threads of one to eight over a year) through the real
 * `@googleapis/gmail` client over HTTP, then runs an incremental pass with nothing new. The minimum of a
 * backfill: one `messages.list` request per 500 ids, and the full messages through batch requests of at
 * most 100 calls (Google recommends 50, which the connector uses; both figures are printed). What the
 * connector asks besides (the token, the profile for the starting history id, the closing `history.list`)
 * is counted apart as overhead. The minimum of a pass with nothing new is one `history.list` request. Each
 * message still costs its 5 quota units inside a batch: batching saves round trips, not quota. The last
 * line is one JSON object with the figures.
 */
import { parseArgs } from "node:util";
import { GMAIL_BATCH_SIZE } from "../connectors/gmail/client.ts";
import { createGmailConnector } from "../connectors/gmail/index.ts";
import { GMAIL_PAGE_SIZES, MESSAGES_STREAM } from "../connectors/gmail/pull.ts";
import {
  buildBulkGmailDataset,
  gmailSandboxEnv,
  startGmailSandbox,
} from "../connectors/sandbox/gmail/index.ts";
import type { JsonValue, PullReporter } from "../connectors/types.ts";

const { values: args } = parseArgs({ options: { messages: { type: "string", default: "50000" } } });
const MESSAGES = Number(args.messages);
if (!(MESSAGES > 0)) throw new Error("--messages must be a positive number");

const built = performance.now();
const { data, threads } = buildBulkGmailDataset({ messages: MESSAGES });
const buildMs = performance.now() - built;
const sandbox = await startGmailSandbox(data);
const notices: string[] = [];
const connector = createGmailConnector({ notice: (n) => notices.push(n.reason) });
const settings = connector.fromEnv(gmailSandboxEnv(sandbox))!;

async function pass(mode: "backfill" | "sync", cursor: JsonValue | undefined) {
  let requests = 0;
  let records = 0;
  let pages = 0;
  let last = cursor;
  const report: PullReporter = {
    estimate: () => {},
    waiting: () => {},
    requests: (n = 1) => {
      requests += n;
    },
  };
  const started = performance.now();
  for await (const page of connector.pull({
    settings,
    scope: settings.user,
    mode,
    since: null,
    cursors: cursor === undefined ? {} : { [MESSAGES_STREAM]: cursor },
    now: new Date(data.now),
    signal: new AbortController().signal,
    report,
  })) {
    pages++;
    records += page.records.length;
    last = page.cursor;
  }
  return { requests, records, pages, cursor: last, ms: Math.round(performance.now() - started) };
}

try {
  sandbox.requests.clear();
  const backfill = await pass("backfill", undefined);
  const count = (path: RegExp) => sandbox.requests.count({ path });
  const made = {
    list: count(/^\/gmail\/v1\/users\/[^/]+\/messages\?/),
    batch: count(/^\/batch\/gmail\/v1/),
    token: count(/^\/token/),
    profile: count(/\/profile/),
    history: count(/\/history\?/),
  };
  const backfillRequests = sandbox.requests.entries.length;
  const minimum = {
    list: Math.ceil(MESSAGES / GMAIL_PAGE_SIZES.list),
    batch: Math.ceil(MESSAGES / GMAIL_PAGE_SIZES.batchMax),
  };
  const minimumBackfill = minimum.list + minimum.batch;
  const minimumRecommended = minimum.list + Math.ceil(MESSAGES / GMAIL_BATCH_SIZE);
  const dataRequests = made.list + made.batch;
  const overhead = made.token + made.profile + made.history;
  const unbatched = minimum.list + MESSAGES;

  sandbox.requests.clear();
  const incremental = await pass("sync", backfill.cursor);
  const incrementalRequests = sandbox.requests.entries.length;
  const incrementalApiRequests = sandbox.requests.count({ path: /^\/gmail\// });

  console.log(`data set: ${MESSAGES} emails in ${threads} threads, built in ${Math.round(buildMs)} ms`);
  console.log(
    `backfill: ${backfill.records} messages in ${backfill.pages} pages, ${backfillRequests} requests: ${dataRequests} for the data (minimum ${minimumBackfill} with batches of ${GMAIL_PAGE_SIZES.batchMax}, ${minimumRecommended} with the recommended ${GMAIL_BATCH_SIZE}; made ${JSON.stringify({ list: made.list, batch: made.batch })}; ${sandbox.control.batchCalls} calls inside batches; ${unbatched} without batching) + ${overhead} overhead (token ${made.token}, profile ${made.profile}, history ${made.history}), ${backfill.ms} ms`,
  );
  console.log(
    `incremental with nothing new: ${incremental.records} records, ${incrementalRequests} request(s), ${incrementalApiRequests} to the Gmail API (minimum 1: history.list), ${incremental.ms} ms`,
  );
  if (notices.length > 0) console.log(`notices: ${notices.length} (first: ${notices[0]})`);
  console.log(
    JSON.stringify({
      messages: MESSAGES,
      threads,
      messagesPulled: backfill.records,
      backfillRequests,
      backfillReportedRequests: backfill.requests,
      backfillDataRequests: dataRequests,
      backfillMinimumRequests: minimumBackfill,
      backfillMinimumRequestsRecommendedBatch: minimumRecommended,
      backfillRatio: Number((dataRequests / minimumBackfill).toFixed(3)),
      backfillRatioRecommendedBatch: Number((dataRequests / minimumRecommended).toFixed(3)),
      backfillRatioWithOverhead: Number((backfillRequests / minimumBackfill).toFixed(3)),
      backfillMade: made,
      backfillOverheadRequests: overhead,
      batchCalls: sandbox.control.batchCalls,
      unbatchedRequests: unbatched,
      backfillMs: backfill.ms,
      incrementalRequests,
      incrementalApiRequests,
      incrementalMinimumRequests: 1,
      incrementalRatio: incrementalApiRequests,
      incrementalRecords: incremental.records,
    }),
  );
} finally {
  await sandbox.close();
}
