/**
 * `threadline serve` killed (SIGKILL) and started again twice while signed GitHub webhooks arrive: every
 * delivery that got a 2xx ends in the database exactly once, redelivering the ones that did not (what GitHub
 * does) completes the set, and the database equals the one a server that was never interrupted leaves.
 * On PostgreSQL only: the pushes are applied by jobs after the answer, and only a database other processes
 * can read shows them while the server runs (the embedded one is the server's alone).
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Database } from "../../src/store/db.ts";
import { openPostgres } from "../../src/store/open-postgres.ts";
import { queryRows } from "../../src/store/rows.ts";
import { freePort, tempDir } from "../helpers/cli.ts";
import { dumpContent } from "../helpers/content-dump.ts";
import { createEmptyPostgresDatabase, TEST_DATABASE_KINDS } from "../helpers/databases.ts";
import { type CommentDelivery, githubCommentDeliveries } from "../helpers/github-deliveries.ts";
import { bundleCli, type ServerProcess, startServerProcess } from "../helpers/server-process.ts";

const SECRET = "restart-webhook-secret";
const REPO = "acme/portal";
const DELIVERIES = 240;
const SENDERS = 6;

let cli: Awaited<ReturnType<typeof bundleCli>>;
beforeAll(async () => {
  cli = await bundleCli();
});
afterAll(() => cli?.dispose());

/** A database of its own for one server on the shared PostgreSQL. */
async function createStore() {
  const dataDir = await tempDir("threadline-restart-");
  const empty = await createEmptyPostgresDatabase();
  return {
    env: { DATABASE_URL: empty.url, THREADLINE_DATA_DIR: dataDir },
    open: (): Database => openPostgres(empty.url, { max: 2 }),
    drop: empty.drop,
  };
}

const serverEnv = (store: { env: Record<string, string> }) => ({
  ...store.env,
  THREADLINE_API_TOKEN: "restart-test-token-0123456789",
  THREADLINE_DEMO: "0",
  THREADLINE_LOG_LEVEL: "warn",
  GITHUB_TOKEN: "ghp_restart0000000000000000000000000000",
  GITHUB_REPOS: REPO,
  GITHUB_API_URL: "http://127.0.0.1:9",
  GITHUB_WEBHOOK_SECRET: SECRET,
  // A job held by a killed server goes back to the queue after this long.
  THREADLINE_JOB_EXPIRE_SECONDS: "3",
  THREADLINE_QUEUE_POLL_SECONDS: "0.5",
  THREADLINE_QUEUE_MAINTENANCE_SECONDS: "1",
});

const deliveriesOf = () => {
  const make = githubCommentDeliveries({ repo: REPO, issues: 20, secret: SECRET });
  return Array.from({ length: DELIVERIES }, () => make.next());
};

async function post(url: string, delivery: CommentDelivery): Promise<number> {
  try {
    const res = await fetch(`${url}/webhooks/github`, {
      method: "POST",
      headers: delivery.headers,
      body: delivery.body,
      signal: AbortSignal.timeout(15_000),
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0; // No answer: the server is down or went down mid-request.
  }
}

/** How many item rows each external id has, among GitHub's. */
async function storedRows(database: Database): Promise<Map<string, number>> {
  const rows = await queryRows<{ external_id: string; n: number }>(
    database.db,
    sql`select external_id, count(*)::int as n from items where source = 'github' group by external_id`,
  );
  return new Map(rows.map((r) => [r.external_id, r.n]));
}

/** The stored rows once every one of `ids` is there (the jobs applying them run after the answers), or at the timeout. */
async function waitForStored(
  store: Awaited<ReturnType<typeof createStore>>,
  ids: string[],
  timeoutMs = 60_000,
): Promise<Map<string, number>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const database = store.open();
    const stored = await storedRows(database).finally(() => database.close());
    if (ids.every((id) => stored.has(id)) || Date.now() > deadline) return stored;
    await new Promise((r) => setTimeout(r, 300));
  }
}

it.skipIf(!TEST_DATABASE_KINDS.includes("postgres"))(
  "a server killed and restarted during a webhook burst keeps every accepted push once [postgres]",
  async () => {
    const startedAt = new Date();
    const deliveries = deliveriesOf();
    const store = await createStore();
    const reference = await createStore();
    const port = await freePort();
    const cwd = await tempDir("threadline-restart-cwd-");
    const start = (env: Record<string, string>, on = port) =>
      startServerProcess({ port: on, env, cwd, entry: cli.entry, timeoutMs: 90_000 });
    let server: ServerProcess | undefined;
    try {
      server = await start(serverEnv(store));
      const status = new Map<string, number>();
      let next = 0;
      let restarting: Promise<void> | undefined;
      const restartAt = [Math.floor(DELIVERIES / 3), Math.floor((2 * DELIVERIES) / 3)];
      const restart = async () => {
        await server!.kill("SIGKILL");
        server = await start(serverEnv(store));
      };
      await Promise.all(
        Array.from({ length: SENDERS }, async () => {
          while (next < DELIVERIES) {
            const n = next++;
            if (restartAt.includes(n)) restarting = restart();
            const delivery = deliveries[n]!;
            const code = await post(`http://127.0.0.1:${port}`, delivery);
            status.set(delivery.externalId, code);
            // A sender that got no answer waits a little, as a source's retry would, so the burst
            // spreads over the restart instead of failing through in a moment.
            if (code === 0) await new Promise((r) => setTimeout(r, 50));
          }
        }),
      );
      await restarting;
      const accepted = deliveries.filter(
        (d) => (status.get(d.externalId) ?? 0) >= 200 && status.get(d.externalId)! < 300,
      );
      const failed = deliveries.filter((d) => !accepted.includes(d));
      // The kills landed in the burst: some deliveries went unanswered.
      expect(failed.length).toBeGreaterThan(0);
      expect(accepted.length).toBeGreaterThan(DELIVERIES / 10);
      expect(failed.every((d) => status.get(d.externalId) === 0)).toBe(true);

      const afterBurst = await waitForStored(
        store,
        accepted.map((d) => d.externalId),
      );
      for (const d of accepted) expect(afterBurst.get(d.externalId), d.externalId).toBe(1);

      // GitHub redelivers what it got no 2xx for.
      for (const d of failed) expect(await post(server.url, d)).toBeLessThan(300);
      const all = await waitForStored(
        store,
        deliveries.map((d) => d.externalId),
      );
      expect(all.size).toBe(DELIVERIES);
      expect([...all.values()].every((n) => n === 1)).toBe(true);
      await server.kill("SIGTERM");
      server = undefined;

      // The same deliveries to a server nobody interrupts.
      const refPort = await freePort();
      const clean = await start(serverEnv(reference), refPort);
      try {
        for (let i = 0; i < DELIVERIES; i += SENDERS) {
          await Promise.all(
            deliveries.slice(i, i + SENDERS).map(async (d) => expect(await post(clean.url, d)).toBe(202)),
          );
        }
        expect(
          (
            await waitForStored(
              reference,
              deliveries.map((d) => d.externalId),
            )
          ).size,
        ).toBe(DELIVERIES);
      } finally {
        await clean.kill("SIGTERM");
      }
      const [a, b] = [store.open(), reference.open()];
      try {
        expect(await dumpContent(a.db, startedAt)).toEqual(await dumpContent(b.db, startedAt));
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    } catch (err) {
      if (server) console.error(server.output().slice(-4_000));
      throw err;
    } finally {
      await server?.kill("SIGKILL");
      await Promise.all([store.drop(), reference.drop()]);
    }
  },
  180_000,
);
