/**
 * `npm run bench:load -- [--url postgres://…] [--pglite] [--duration S] [--connections N] [--tasks N]`:
 * the real server under concurrent clients. Goal: no error and no non-2xx answer, and every webhook that got
 * a 2xx in the database afterwards.
 *
 * A fresh database on the PostgreSQL server at `--url` (or TEST_DATABASE_URL, or DATABASE_URL; dropped
 * afterwards), or with `--pglite` the embedded database in a temporary data directory, gets 3,000 tasks (Jira
 * and GitHub, 200 people) with five items each from mixed sources and a flag on a third of them. Then
 * `threadline serve` starts on it, as a deployment runs it (GitHub configured, with its webhook secret), and
 * 64 connections (a third each) for 30 seconds ask for the task list (`GET /api/tasks`), a random task's
 * timeline (`GET /api/tasks/{key}/timeline`), and push GitHub `issue_comment` deliveries to
 * `POST /webhooks/github`, each signed and each a new comment. Afterwards the database is polled until every
 * delivery that got a 2xx is an item (a push is answered once its job is queued; the server's own workers
 * apply it), giving up only when `--settle` seconds (default 30) pass with no new item. A table goes to
 * stdout, and as the last line one JSON object with the figures.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import type { Database } from "../src/store/db.ts";
import { migrateDatabase } from "../src/store/migrate.ts";
import { openPglite } from "../src/store/open-pglite.ts";
import { openPostgres } from "../src/store/open-postgres.ts";
import { queryRows } from "../src/store/rows.ts";
import { freePort } from "../test/helpers/cli.ts";
import { githubCommentDeliveries } from "../test/helpers/github-deliveries.ts";
import { startServerProcess } from "../test/helpers/server-process.ts";

/** The part of autocannon's programmatic API used here (it ships no types). */
interface CannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}
interface CannonOptions {
  url: string;
  connections: number;
  duration: number;
  headers?: Record<string, string>;
  requests?: Array<
    CannonRequest & {
      setupRequest?: (request: CannonRequest, context: Record<string, unknown>) => CannonRequest;
      onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
    }
  >;
}
interface Histogram {
  average: number;
  p50: number;
  p99: number;
  max: number;
}
interface CannonResult {
  latency: Histogram;
  requests: Histogram & { total: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  duration: number;
  statusCodeStats: Record<string, { count: number }>;
}
const autocannon = createRequire(import.meta.url)("autocannon") as (
  options: CannonOptions,
) => Promise<CannonResult>;

const { values: args } = parseArgs({
  options: {
    url: { type: "string" },
    pglite: { type: "boolean", default: false },
    duration: { type: "string", default: "30" },
    connections: { type: "string", default: "64" },
    tasks: { type: "string", default: "3000" },
    settle: { type: "string", default: "30" },
  },
});
const ADMIN_URL = args.url ?? process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
if (!args.pglite && !ADMIN_URL) {
  throw new Error("[bench:load] pass --url postgres://… (or set TEST_DATABASE_URL), or --pglite");
}
const DURATION = Number(args.duration);
const CONNECTIONS = Number(args.connections);
const TASKS = Number(args.tasks);
const SETTLE_MS = Number(args.settle) * 1000;
if (!(DURATION > 0) || !(CONNECTIONS >= 3) || !(TASKS >= 10)) {
  throw new Error("[bench:load] --duration > 0, --connections >= 3 and --tasks >= 10, please");
}
const NOW = new Date("2026-03-02T08:00:00Z");
const TOKEN = "bench-load-token-0123456789";
const SECRET = "bench-load-webhook-secret";
const REPO = "acme/portal";
// The comments land on these issues, which are among the seeded tasks.
const WEBHOOK_ISSUES = 50;

/** A database of its own for the run, and what the server needs to open it. */
async function createStore(): Promise<{
  database: Database;
  env: Record<string, string>;
  drop: () => Promise<void>;
}> {
  const dataDir = await mkdtemp(join(tmpdir(), "threadline-load-"));
  if (args.pglite) {
    const database = await openPglite(join(dataDir, "db"));
    return {
      database,
      env: { THREADLINE_DATA_DIR: dataDir },
      drop: () => rm(dataDir, { recursive: true, force: true }),
    };
  }
  const name = `threadline_bench_load_${randomBytes(5).toString("hex")}`;
  const admin = postgres(ADMIN_URL!, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL!);
  url.pathname = `/${name}`;
  return {
    database: openPostgres(url.toString(), { max: 4 }),
    env: { DATABASE_URL: url.toString(), THREADLINE_DATA_DIR: dataDir },
    drop: async () => {
      const dropper = postgres(ADMIN_URL!, { max: 1, onnotice: () => {} });
      await dropper.unsafe(`drop database if exists ${name} with (force)`);
      await dropper.end();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Tasks, people, items with their links, and flags, written in bulk as bench:web does. */
async function seed(database: Database): Promise<string[]> {
  const db = database.db;
  const now = sql.raw(`'${NOW.toISOString()}'::timestamptz`);
  await db.execute(sql`insert into people (id, name, email)
    select 'p' || g, 'Person ' || g, 'person' || g || '@acme.dev' from generate_series(1, 200) g`);
  // Every fifth task a GitHub issue of the repository the webhooks name (#1, #2, …), the others Jira's.
  await db.execute(sql`insert into tasks (key, source, external_id, title, status, status_category, url,
      assignee_id, created_at, updated_at, last_activity_at)
    select case when g % 5 = 0 then ${REPO} || '#' || (g / 5) else 'P' || (g % 20) || '-' || g end,
           case when g % 5 = 0 then 'github' else 'jira' end, g::text,
           'Task ' || g || ' ' || (array['checkout','invoice','login','export','report','search'])[1 + g % 6],
           'In Progress', 'in_progress', 'https://example.test/' || g,
           case when g % 11 = 0 then null else 'p' || (1 + g % 200) end,
           ${now} - (g || ' minutes')::interval, ${now} - (g || ' minutes')::interval,
           ${now} - (g || ' minutes')::interval
    from generate_series(1, ${TASKS}) g`);
  await db.execute(sql`insert into items (id, source, external_id, kind, author_id, at, text)
    select s || ':' || g || '-' || n, s, g || '-' || n, 'comment', 'p' || (1 + (g + n) % 200),
           ${now} - ((g + n) || ' minutes')::interval, 'Message ' || n || ' about task ' || g
    from generate_series(1, ${TASKS}) g cross join generate_series(1, 5) n
    cross join lateral (select (array['jira','github','gmail','teams','slack'])[1 + (g + n) % 5] as s) src`);
  await db.execute(sql`insert into item_links (item_id, task_key, rule)
    select (array['jira','github','gmail','teams','slack'])[1 + (g + n) % 5] || ':' || g || '-' || n, t.key,
           'jira_key'
    from generate_series(1, ${TASKS}) g cross join generate_series(1, 5) n
    join tasks t on t.external_id = g::text`);
  await db.execute(sql`insert into flags (id, task_key, kind, fingerprint, since, reason, evidence, owner_id, state,
      state_at, last_evidence_at)
    select 'f' || g, t.key,
           (array['stale','missing_approval','unanswered_question','feedback_off_board','done_not_deployed','no_owner','blocked_external'])[1 + g % 7],
           '', ${now} - (g || ' minutes')::interval, 'Flag ' || g || ': somebody should look at this.',
           array[(array['jira','github','gmail','teams','slack'])[1 + (g + 1) % 5] || ':' || g || '-1'],
           t.assignee_id, 'open', null, ${now}
    from generate_series(1, ${TASKS}) g join tasks t on t.external_id = g::text
    where g % 3 = 0`);
  await db.execute(sql`analyze`);
  const keys = await queryRows<{ key: string }>(db, sql`select key from tasks order by key`);
  return keys.map((k) => k.key);
}

/** How many of `ids` are stored as GitHub items, and whether any is stored twice. */
async function countStored(database: Database, ids: string[]): Promise<{ distinct: number; rows: number }> {
  if (ids.length === 0) return { distinct: 0, rows: 0 };
  let distinct = 0;
  let rows = 0;
  for (let i = 0; i < ids.length; i += 5_000) {
    const chunk = ids.slice(i, i + 5_000);
    const [row] = await queryRows<{ distinct: number; rows: number }>(
      database.db,
      sql`select count(distinct external_id)::int as distinct, count(*)::int as rows from items
          where source = 'github'
            and external_id in (select unnest(string_to_array(${chunk.join("\n")}, E'\n')))`,
    );
    distinct += row!.distinct;
    rows += row!.rows;
  }
  return { distinct, rows };
}

const round = (n: number) => Number(n.toFixed(1));

async function main() {
  const store = await createStore();
  let server: Awaited<ReturnType<typeof startServerProcess>> | undefined;
  try {
    const seeding = Date.now();
    await migrateDatabase(store.database);
    const keys = await seed(store.database);
    const seedMs = Date.now() - seeding;
    // PGlite is one process's: the server opens it once the seeding has let go of it.
    if (args.pglite) await store.database.close();

    const port = await freePort();
    server = await startServerProcess({
      port,
      cwd: tmpdir(),
      env: {
        ...store.env,
        THREADLINE_API_TOKEN: TOKEN,
        THREADLINE_DEMO: "0",
        THREADLINE_LOG_LEVEL: "warn",
        GITHUB_TOKEN: "ghp_load000000000000000000000000000000",
        GITHUB_REPOS: REPO,
        // Nothing here asks GitHub for anything: the address answers no one.
        GITHUB_API_URL: "http://127.0.0.1:9",
        GITHUB_WEBHOOK_SECRET: SECRET,
      },
      timeoutMs: 120_000,
    });

    const deliveries = githubCommentDeliveries({ repo: REPO, issues: WEBHOOK_ISSUES, secret: SECRET });
    const accepted: string[] = [];
    let randomState = 12345;
    const randomKey = () => {
      randomState = (randomState * 1_103_515_245 + 12_345) & 0x7fffffff;
      return keys[randomState % keys.length]!;
    };
    const share = (n: number) => Math.floor(CONNECTIONS / 3) + (n < CONNECTIONS % 3 ? 1 : 0);
    const auth = { authorization: `Bearer ${TOKEN}` };
    const runs = {
      "GET /api/tasks": autocannon({
        url: server.url,
        connections: share(0),
        duration: DURATION,
        requests: [{ method: "GET", path: "/api/tasks", headers: auth }],
      }),
      "GET /api/tasks/{key}/timeline": autocannon({
        url: server.url,
        connections: share(1),
        duration: DURATION,
        requests: [
          {
            method: "GET",
            headers: auth,
            setupRequest: (request) => ({
              ...request,
              path: `/api/tasks/${encodeURIComponent(randomKey())}/timeline`,
            }),
          },
        ],
      }),
      "POST /webhooks/github": autocannon({
        url: server.url,
        connections: share(2),
        duration: DURATION,
        requests: [
          {
            method: "POST",
            path: "/webhooks/github",
            setupRequest: (request, context) => {
              const delivery = deliveries.next();
              context.externalId = delivery.externalId;
              return { ...request, headers: delivery.headers, body: delivery.body };
            },
            onResponse: (status, _body, context) => {
              if (status >= 200 && status < 300) accepted.push(String(context.externalId));
            },
          },
        ],
      }),
    };
    const results = Object.fromEntries(
      await Promise.all(Object.entries(runs).map(async ([route, run]) => [route, await run] as const)),
    ) as Record<keyof typeof runs, CannonResult>;

    // Every accepted delivery must become an item: wait for the queued pushes to be applied. PostgreSQL is
    // read directly; the embedded database is the server's alone, so there the timelines of the issues the
    // comments are on are read through the API until the count stops growing, then the store itself.
    const settling = Date.now();
    const reader = args.pglite ? undefined : openPostgres(store.env.DATABASE_URL!, { max: 1 });
    const commentsOnTimelines = async () => {
      let n = 0;
      for (let issue = 1; issue <= WEBHOOK_ISSUES; issue++) {
        const res = await fetch(
          `${server!.url}/api/tasks/${encodeURIComponent(`${REPO}#${issue}`)}/timeline`,
          {
            headers: auth,
          },
        );
        const body = (await res.json()) as { items: Array<{ id: string }> };
        n += body.items.filter((i) => i.id.includes(":issue_comment:")).length;
      }
      return n;
    };
    const wanted = new Set(accepted).size;
    let stored = { distinct: 0, rows: 0 };
    let progressAt = Date.now();
    for (;;) {
      const now = reader
        ? await countStored(reader, accepted)
        : { distinct: await commentsOnTimelines(), rows: 0 };
      if (now.distinct > stored.distinct) progressAt = Date.now();
      stored = now;
      if (stored.distinct >= wanted || Date.now() - progressAt > SETTLE_MS) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    await reader?.close();
    const drainedAt = Date.now();
    await server.kill("SIGTERM");
    server = undefined;
    if (args.pglite) {
      const database = await openPglite(join(store.env.THREADLINE_DATA_DIR!, "db"));
      stored = await countStored(database, accepted);
      await database.close();
    }
    const settleMs = drainedAt - settling;

    const routes = Object.fromEntries(
      Object.entries(results).map(([route, r]) => [
        route,
        {
          requests: r.requests.total,
          requestsPerSecond: round(r.requests.total / r.duration),
          p50Ms: r.latency.p50,
          p99Ms: r.latency.p99,
          maxMs: r.latency.max,
          errors: r.errors,
          timeouts: r.timeouts,
          non2xx: r.non2xx,
          statuses: Object.fromEntries(Object.entries(r.statusCodeStats).map(([s, c]) => [s, c.count])),
        },
      ]),
    );
    const all = Object.values(results);
    const total = all.reduce((n, r) => n + r.requests.total, 0);
    const errors = all.reduce((n, r) => n + r.errors + r.timeouts, 0);
    const non2xx = all.reduce((n, r) => n + r.non2xx, 0);
    const acceptedDistinct = new Set(accepted).size;
    const missing = acceptedDistinct - stored.distinct;
    const figures = {
      bench: "load",
      database: args.pglite ? "pglite" : "postgres",
      tasks: TASKS,
      items: TASKS * 5,
      seedMs,
      connections: CONNECTIONS,
      durationS: DURATION,
      requests: total,
      requestsPerSecond: round(total / DURATION),
      errors,
      non2xx,
      routes,
      webhooksAccepted: acceptedDistinct,
      webhooksStored: stored.distinct,
      webhooksMissing: missing,
      webhooksStoredTwice: stored.rows - stored.distinct,
      settleMs,
      // Pushes applied per second, from the first push to the last item stored.
      webhooksAppliedPerSecond: round((stored.distinct / (DURATION * 1000 + settleMs)) * 1000),
      ok: errors === 0 && non2xx === 0 && missing === 0 && stored.rows === stored.distinct,
    };

    console.log(`${TASKS} tasks with ${TASKS * 5} items seeded in ${seedMs} ms`);
    console.log(
      `${CONNECTIONS} connections for ${DURATION} s against threadline serve (${figures.database})`,
    );
    console.log("route                            requests   req/s   p50 ms   p99 ms  errors  non-2xx");
    for (const [route, r] of Object.entries(routes)) {
      console.log(
        `${route.padEnd(32)} ${String(r.requests).padStart(8)} ${String(r.requestsPerSecond).padStart(7)} ${String(r.p50Ms).padStart(8)} ${String(r.p99Ms).padStart(8)} ${String(r.errors + r.timeouts).padStart(7)} ${String(r.non2xx).padStart(8)}`,
      );
    }
    console.log(
      `webhooks answered 2xx: ${acceptedDistinct}; stored: ${stored.distinct} (${missing} missing, ${figures.webhooksStoredTwice} twice), settled in ${settleMs} ms`,
    );
    console.log(
      `goal: no error, no non-2xx, every accepted webhook stored: ${figures.ok ? "met" : "NOT met"}`,
    );
    console.log(JSON.stringify(figures));
    if (!figures.ok) process.exitCode = 1;
  } catch (err) {
    if (server) console.error(server.output().slice(-5_000));
    throw err;
  } finally {
    await server?.kill("SIGKILL");
    if (!args.pglite) await store.database.close();
    await store.drop();
  }
}

await main();
