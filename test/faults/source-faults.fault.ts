/**
 * Every source at once, each failing a fifth of its requests (429 with its own rate-limit body, and 500):
 * a backfill of all five sources through their real SDKs ends with the same database as a clean one.
 */

import { expect, it } from "vitest";
import { githubConnector } from "../../connectors/github/index.ts";
import { createGmailConnector } from "../../connectors/gmail/index.ts";
import { createJiraConnector } from "../../connectors/jira/index.ts";
import type { ConnectorSet } from "../../connectors/registry.ts";
import { listSources } from "../../connectors/registry.ts";
import { secondaryRateLimit, serverError } from "../../connectors/sandbox/github/index.ts";
import { GMAIL_RATE_LIMIT_BODY, GMAIL_SERVER_ERROR_BODY } from "../../connectors/sandbox/gmail/app.ts";
import type { FaultRule } from "../../connectors/sandbox/harness.ts";
import { JIRA_RATE_LIMIT_BODY, JIRA_SERVER_ERROR_BODY } from "../../connectors/sandbox/jira/index.ts";
import { SLACK_RATE_LIMIT_BODY } from "../../connectors/sandbox/slack/app.ts";
import { GRAPH_SERVER_ERROR_BODY, GRAPH_THROTTLED_BODY } from "../../connectors/sandbox/teams/index.ts";
import { createSlackConnector } from "../../connectors/slack/index.ts";
import { createTeamsConnector } from "../../connectors/teams/index.ts";
import type { SourceId } from "../../src/model/kinds.ts";
import type { Db } from "../../src/store/db.ts";
import { toLinkContext } from "../../src/sync/link-context.ts";
import { configureSources } from "../../src/sync/sources.ts";
import { type BulkSources, startBulkSources } from "../helpers/bulk-sources.ts";
import { createTestDatabase, TEST_DATABASE_KINDS } from "../helpers/databases.ts";
import { BOOKKEEPING, dumpDatabase } from "../helpers/dump.ts";
import { syncOnce } from "../helpers/sync-run.ts";

const RATE = 0.1;

/** The real connectors, with their in-client retries made quick (GitHub's plugins keep their own pauses). */
const QUICK: ConnectorSet = {
  jira: createJiraConnector({ retry: { baseDelayMs: 5 } }),
  github: githubConnector,
  gmail: createGmailConnector({ retry: { baseDelayMs: 1 } }),
  teams: createTeamsConnector({ retry: { delaySeconds: 0 } }),
  slack: createSlackConnector({
    retry: { retryConfig: { retries: 10, factor: 2, minTimeout: 5, maxTimeout: 40 } },
  }),
};

/** Half the faults are 429s in the API's own words, half 500s: a fifth of requests in all. */
const FAULTS: Record<SourceId, FaultRule[]> = {
  jira: [
    { status: 429, rate: RATE, retryAfterSeconds: 0, body: JIRA_RATE_LIMIT_BODY },
    { status: 500, rate: RATE, body: JIRA_SERVER_ERROR_BODY },
  ],
  // Octokit's throttling reads a Retry-After of 0 as "not given" and waits its default minute instead.
  github: [
    secondaryRateLimit({ rate: RATE, retryAfterSeconds: 1 }),
    serverError({ status: 500, rate: RATE }),
  ],
  // The sign-in endpoints stay clean: a token request is not what a sync retries.
  gmail: [
    {
      status: 429,
      path: /^\/(gmail|batch)\//,
      rate: RATE,
      retryAfterSeconds: 0,
      body: GMAIL_RATE_LIMIT_BODY,
    },
    { status: 500, path: /^\/(gmail|batch)\//, rate: RATE, body: GMAIL_SERVER_ERROR_BODY },
  ],
  teams: [
    { status: 429, path: /^\/v1\.0\//, rate: RATE, retryAfterSeconds: 0, body: GRAPH_THROTTLED_BODY },
    { status: 500, path: /^\/v1\.0\//, rate: RATE, body: GRAPH_SERVER_ERROR_BODY },
  ],
  slack: [
    { status: 429, rate: RATE, retryAfterSeconds: 0, body: SLACK_RATE_LIMIT_BODY },
    { status: 500, rate: RATE },
  ],
};

function backfill(db: Db, sources: BulkSources) {
  return syncOnce(db, configureSources(sources.env, [], QUICK), {
    linkContext: toLinkContext(sources.env, listSources()),
    retry: { baseDelayMs: 1, maxDelayMs: 5, attempts: 12 },
  });
}

// GitHub's client pauses a second or more after each fault, which no option shortens: the databases run side
// by side, each against sandboxes of its own.
for (const kind of TEST_DATABASE_KINDS) {
  it.concurrent(`a backfill of every source, each failing a fifth of its requests, ends equal to a clean one [${kind}]`, async () => {
    const sources = await startBulkSources();
    const clean = await createTestDatabase(kind);
    const faulty = await createTestDatabase(kind);
    try {
      const reference = await backfill(clean.db, sources);
      expect(reference.sources.map((s) => [s.source, s.ok, s.errors])).toEqual(
        reference.sources.map((s) => [s.source, true, []]),
      );
      expect(reference.sources).toHaveLength(5);

      for (const [id, sandbox] of Object.entries(sources.sandboxes)) {
        sandbox.requests.clear();
        // One certain fault first, so that a source with few requests is not spared by chance.
        const faults = FAULTS[id] ?? [];
        const [first] = faults;
        sandbox.faults.set([{ ...first!, times: 1 }, ...faults]);
      }
      const report = await backfill(faulty.db, sources);
      expect(report.sources.map((s) => [s.source, s.ok])).toEqual(
        report.sources.map((s) => [s.source, true]),
      );
      for (const [id, sandbox] of Object.entries(sources.sandboxes)) {
        const failed = sandbox.requests.count({ status: 429 }) + sandbox.requests.count({ status: 500 });
        expect(failed, `${id} answered no faults`).toBeGreaterThan(0);
      }
      expect(await dumpDatabase(faulty.db, { omit: BOOKKEEPING })).toEqual(
        await dumpDatabase(clean.db, { omit: BOOKKEEPING }),
      );
    } finally {
      await Promise.all([clean.close(), faulty.close(), sources.close()]);
    }
  });
}
