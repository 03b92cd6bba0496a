/**
 * 10,000 malformed and hostile requests (see `hostile-requests.ts`) over real HTTP at `threadline serve`
 * with all five sources configured: no answer is a 5xx, the server never goes down, and the database after
 * them (with every job they queued run) equals the database before them.
 */

import { expect, it } from "vitest";
import { githubConnector } from "../../connectors/github/index.ts";
import { listSources } from "../../connectors/registry.ts";
import { parseQueueSettings } from "../../src/queue/queue-settings.ts";
import { startSyncQueue } from "../../src/queue/start-sync-queue.ts";
import type { Database } from "../../src/store/db.ts";
import { migrateDatabase } from "../../src/store/migrate.ts";
import { openPglite } from "../../src/store/open-pglite.ts";
import { openPostgres } from "../../src/store/open-postgres.ts";
import { toLinkContext } from "../../src/sync/link-context.ts";
import { createLinker } from "../../src/sync/linker.ts";
import { savePush } from "../../src/sync/push.ts";
import { settingsFrom } from "../connectors/kit.ts";
import { freePort, tempDir } from "../helpers/cli.ts";
import { dumpContent } from "../helpers/content-dump.ts";
import {
  createEmptyPostgresDatabase,
  TEST_DATABASE_KINDS,
  type TestDatabaseKind,
} from "../helpers/databases.ts";
import { githubCommentDeliveries } from "../helpers/github-deliveries.ts";
import { waitForDrain } from "../helpers/queue-state.ts";
import { bundleCli, startServerProcess } from "../helpers/server-process.ts";
import { generateHostileRequests, type HostileRequest } from "./hostile-requests.ts";

const REQUESTS = 10_000;
const CONCURRENCY = 16;
const TOKEN = "hostile-api-token-0123456789";
const SECRETS = {
  github: "hostile-github-secret",
  jira: "hostile-jira-secret",
  slack: "hostile-slack-secret",
};
const NOWHERE = "http://127.0.0.1:9";

const env = (store: Record<string, string>): Record<string, string> => ({
  ...store,
  THREADLINE_API_TOKEN: TOKEN,
  THREADLINE_DEMO: "0",
  THREADLINE_LOG_LEVEL: "error",
  JIRA_BASE_URL: NOWHERE,
  JIRA_EMAIL: "bot@acme.dev",
  JIRA_API_TOKEN: "jira-token",
  JIRA_PROJECTS: "PROJ",
  JIRA_WEBHOOK_SECRET: SECRETS.jira,
  GITHUB_TOKEN: "ghp_hostile000000000000000000000000000",
  GITHUB_REPOS: "acme/portal",
  GITHUB_API_URL: NOWHERE,
  GITHUB_WEBHOOK_SECRET: SECRETS.github,
  GMAIL_ACCESS_TOKEN: "gmail-token",
  GMAIL_API_URL: NOWHERE,
  MS_TENANT_ID: "tenant",
  MS_CLIENT_ID: "client",
  MS_CLIENT_SECRET: "teams-client-secret",
  TEAMS_CHANNELS: "team-1/19:general@thread.tacv2",
  MS_GRAPH_URL: NOWHERE,
  MS_AUTHORITY_URL: NOWHERE,
  SLACK_TOKEN: "xoxb-hostile",
  SLACK_API_URL: `${NOWHERE}/api/`,
  SLACK_SIGNING_SECRET: SECRETS.slack,
  SLACK_CHANNELS: "C0123456789",
});

/** A store for the server: a database of its own on the shared server, or an embedded one on disk. */
async function createStore(
  kind: TestDatabaseKind,
): Promise<{ env: Record<string, string>; open: () => Promise<Database>; drop: () => Promise<void> }> {
  const dataDir = await tempDir("threadline-hostile-");
  if (kind === "postgres") {
    const empty = await createEmptyPostgresDatabase();
    return {
      env: { DATABASE_URL: empty.url, THREADLINE_DATA_DIR: dataDir },
      open: async (): Promise<Database> => openPostgres(empty.url, { max: 4 }),
      drop: empty.drop,
    };
  }
  return {
    env: { THREADLINE_DATA_DIR: dataDir },
    open: () => openPglite(`${dataDir}/db`),
    drop: async () => {},
  };
}

async function send(url: string, request: HostileRequest): Promise<{ status: number; text: string }> {
  try {
    const res = await fetch(url + request.path, {
      method: request.method,
      headers: request.headers,
      ...(request.body !== undefined && request.method !== "GET" ? { body: request.body } : {}),
      signal: AbortSignal.timeout(20_000),
    });
    const text = await res.text();
    return { status: res.status, text: text.slice(0, 300) };
  } catch (err) {
    // Refused before a status (a header past Node's limit closes the connection): a client-side outcome.
    return { status: 0, text: String((err as Error).cause ?? err).slice(0, 300) };
  }
}

const quiet = { info: () => {}, error: () => {} };

/** Runs every job still queued in the store (the server was stopped), then reads it. */
async function settledContent(store: Awaited<ReturnType<typeof createStore>>, since: Date) {
  const database = await store.open();
  try {
    const queue = await startSyncQueue({
      database,
      env: env(store.env),
      settings: parseQueueSettings({ THREADLINE_QUEUE_POLL_SECONDS: "0.5" }),
      concurrency: 1,
      onTasksChanged: async () => {},
      log: quiet,
    });
    await waitForDrain(database.db, 60_000);
    await queue.stop();
    return await dumpContent(database.db, since);
  } finally {
    await database.close();
  }
}

for (const kind of TEST_DATABASE_KINDS) {
  it(`${REQUESTS} hostile requests on every webhook and API route: no 5xx, no crash, nothing stored [${kind}]`, async () => {
    const startedAt = new Date();
    const store = await createStore(kind);
    const { entry, dispose } = await bundleCli();
    let server: Awaited<ReturnType<typeof startServerProcess>> | undefined;
    try {
      // What is there before: comments pushed the way the server saves them.
      const deliveries = githubCommentDeliveries({ repo: "acme/portal", issues: 5, secret: SECRETS.github });
      const seeds = Array.from({ length: 20 }, () => deliveries.next());
      const github = githubConnector;
      const settings = settingsFrom(github, env(store.env));
      const linker = createLinker(toLinkContext(env(store.env), listSources()));
      let before: Awaited<ReturnType<typeof dumpContent>>;
      {
        const database = await store.open();
        await migrateDatabase(database);
        for (const seed of seeds) {
          const request = {
            url: "http://localhost/webhooks/github",
            headers: seed.headers,
            body: seed.body,
            now: startedAt,
          };
          const parsed = github.webhook.parse(request, settings);
          if (parsed.type !== "records") throw new Error(`the seed was read as ${parsed.type}`);
          await savePush(database.db, github, parsed, { linker, now: startedAt });
        }
        before = await dumpContent(database.db, startedAt);
        await database.close();
      }

      const port = await freePort();
      server = await startServerProcess({
        port,
        env: env(store.env),
        cwd: await tempDir(),
        entry,
        timeoutMs: 90_000,
      });

      const requests = generateHostileRequests(REQUESTS, 20260302, {
        apiToken: TOKEN,
        githubSecret: SECRETS.github,
        jiraSecret: SECRETS.jira,
        slackSecret: SECRETS.slack,
        replays: seeds.map((s) => ({ source: "github", headers: s.headers, body: s.body })),
        taskKeys: ["acme/portal#1", "acme/portal#2", "PROJ-1"],
        templates: {
          github: JSON.parse(seeds[0]!.body),
          jira: {
            webhookEvent: "comment_created",
            timestamp: 1_772_438_400_000,
            comment: { id: "10001", body: "hello", author: { accountId: "acc-1", displayName: "Ana" } },
            issue: { id: "20001", key: "PROJ-1", fields: { summary: "Login" } },
          },
          slack: {
            type: "event_callback",
            team_id: "T1",
            event_id: "Ev1",
            event: {
              type: "message",
              channel: "C0123456789",
              user: "U1",
              text: "hi",
              ts: "1772438400.000100",
            },
          },
        },
        nowSeconds: Math.floor(Date.now() / 1000),
      });
      const answers: Array<{ request: HostileRequest; status: number; text: string }> = [];
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < requests.length) {
            const request = requests[next++]!;
            answers.push({ request, ...(await send(server!.url, request)) });
          }
        }),
      );
      const serverErrors = answers.filter((a) => a.status >= 500);
      expect(
        serverErrors
          .slice(0, 5)
          .map((a) => `${a.status} ${a.request.kind} ${a.request.path.slice(0, 80)}: ${a.text}`),
      ).toEqual([]);
      expect(server.child.exitCode).toBeNull();
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      // Almost every request reached the server and got an answer (a few headers are too large to).
      const unanswered = answers.filter((a) => a.status === 0);
      expect(unanswered.length).toBeLessThan(REQUESTS / 50);
      // What is refused is refused with a 4xx; what is accepted is a replay, a handshake or an ignored event.
      const accepted = answers.filter(
        (a) => a.status < 300 && a.status > 0 && a.request.method === "POST" && !a.request.harmless,
      );
      for (const a of accepted)
        expect(a.text, `${a.request.kind} ${a.request.path}`).toMatch(/"ignored"|"challenge"|^[^{]/);

      await server.kill("SIGTERM");
      server = undefined;
      expect(await settledContent(store, startedAt)).toEqual(before!);
    } catch (err) {
      if (server) console.error(server.output().slice(-4_000));
      throw err;
    } finally {
      await server?.kill("SIGKILL");
      await dispose();
      await store.drop();
    }
  }, 240_000);
}
