/**
 * `npx tsx bench/requests-teams.ts [-- --messages N]`: how many Microsoft Graph requests the Teams connector
 * makes, against the fewest the API's page sizes allow.
 *
 * Backfills a sandbox channel of 100,000 messages (root posts with threads of replies, two of them longer
 * than the 1,000 replies a page expands) through the real SDK over HTTP, then runs an incremental pass with
 * nothing new. The minimum of a backfill: the channel once (its tenant), one list request per 50 root posts
 * (`$top` ≤ 50, replies expanded), one request per 50 replies past the 1,000 expanded, one directory lookup
 * per 15 authors (`id in (…)` takes 15), and one delta request for the link the next pass starts from. The
 * minimum of a pass with nothing new is one request (the delta link). Token requests (to the sign-in
 * endpoint, not Graph) are counted apart. The last line is one JSON object with the figures.
 */
import { parseArgs } from "node:util";
import {
  BULK_CHANNEL,
  buildBulkTeamsDataset,
  startTeamsSandbox,
  teamsSandboxEnv,
} from "../connectors/sandbox/teams/index.ts";
import { createTeamsConnector } from "../connectors/teams/index.ts";
import { MESSAGES_STREAM, TEAMS_PAGE_SIZES } from "../connectors/teams/pull.ts";
import type { JsonValue, PullReporter } from "../connectors/types.ts";

const { values: args } = parseArgs({ options: { messages: { type: "string", default: "100000" } } });
const MESSAGES = Number(args.messages);
if (!(MESSAGES > 0)) throw new Error("--messages must be a positive number");

const built = performance.now();
const { data, roots, repliesPerRoot, authors } = buildBulkTeamsDataset({ messages: MESSAGES });
const buildMs = performance.now() - built;
const sandbox = await startTeamsSandbox(data);
const notices: string[] = [];
const connector = createTeamsConnector({ notice: (n) => notices.push(n.reason) });
const settings = connector.fromEnv(teamsSandboxEnv(sandbox, [BULK_CHANNEL]))!;
const scope = data.scopeOf(BULK_CHANNEL);

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
    scope,
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
  const graphBackfill = sandbox.requests.count({ path: /^\/v1\.0\// });
  const tokenRequests = sandbox.requests.count({ path: /\/oauth2\/v2\.0\/token/ });

  // The directory knows members and B2B guests; people over external access are never looked up.
  const inDirectory = [...data.users.values()].filter((u) => u.userType !== null).length;
  const overflowReplies = repliesPerRoot.reduce(
    (n, r) => n + Math.ceil(Math.max(0, r - TEAMS_PAGE_SIZES.expandedReplies) / TEAMS_PAGE_SIZES.replies),
    0,
  );
  const minimum = {
    channel: 1,
    messagePages: Math.ceil(roots / TEAMS_PAGE_SIZES.messages),
    replyPages: overflowReplies,
    directory: Math.ceil(inDirectory / TEAMS_PAGE_SIZES.users),
    deltaLink: 1,
  };
  const minimumBackfill = Object.values(minimum).reduce((a, b) => a + b, 0);

  sandbox.requests.clear();
  const incremental = await pass("sync", backfill.cursor);
  const graphIncremental = sandbox.requests.count({ path: /^\/v1\.0\// });

  console.log(
    `data set: ${MESSAGES} messages (${roots} root posts, ${authors} authors) built in ${Math.round(buildMs)} ms`,
  );
  console.log(
    `backfill: ${backfill.records} records in ${backfill.pages} pages, ${graphBackfill} Graph requests (minimum ${minimumBackfill}: ${JSON.stringify(minimum)}), ${tokenRequests} token request(s), ${backfill.ms} ms`,
  );
  console.log(
    `incremental with nothing new: ${incremental.records} records, ${graphIncremental} Graph request(s) (minimum 1)`,
  );
  if (notices.length > 0) console.log(`notices: ${notices.length} (first: ${notices[0]})`);
  console.log(
    JSON.stringify({
      messages: MESSAGES,
      rootPosts: roots,
      recordsPulled: backfill.records,
      // Messages read twice: the closing delta round looks 5 minutes before the list began (OVERLAP_MS).
      overlapRereads: backfill.records - MESSAGES,
      backfillRequests: graphBackfill,
      backfillReportedRequests: backfill.requests,
      backfillMinimumRequests: minimumBackfill,
      backfillRatio: Number((graphBackfill / minimumBackfill).toFixed(3)),
      backfillMinimum: minimum,
      tokenRequests,
      backfillMs: backfill.ms,
      incrementalRequests: graphIncremental,
      incrementalMinimumRequests: 1,
      incrementalRatio: graphIncremental,
      incrementalRecords: incremental.records,
    }),
  );
} finally {
  await sandbox.close();
}
