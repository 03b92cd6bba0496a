/**
 * `npm run bench:web -- [--url postgres://…] [--tasks N] [--requests N] [--concurrency N] [--pool N] [--keep]`:
 * the web inbox's first page with 50,000 tasks in the store, under 32 concurrent requests. Goal: p50 and p99
 * server time under 200 ms.
 *
 * A fresh database on the PostgreSQL server at `--url` (or TEST_DATABASE_URL, or DATABASE_URL), dropped
 * afterwards, gets 50,000 tasks (Jira and GitHub, 400 people), three items each from mixed sources, and a
 * flag on about a third of them across every kind and state (half the snoozes ended, half still running), some
 * tasks muted and some marked done. The signed-in `GET /` is then requested through `app.fetch` (in process:
 * the time is the server's, from request to the last byte of the page), after a warm-up. A table goes to
 * stdout, and as the last line one JSON object with the figures, among them this process's CPU per request
 * and its peak RSS.
 */
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { createApp } from "../src/api/app.ts";
import { migrateDatabase } from "../src/store/migrate.ts";
import { openPostgres } from "../src/store/open-postgres.ts";
import { saveWebSession } from "../src/store/web-sessions.ts";
import { hashSessionId, newSessionId } from "../src/web/session.ts";

const { values: args } = parseArgs({
  options: {
    url: { type: "string" },
    tasks: { type: "string", default: "50000" },
    requests: { type: "string", default: "640" },
    concurrency: { type: "string", default: "32" },
    /** Connections in the pool (the server's default is 10). */
    pool: { type: "string", default: "10" },
    /** Keep the database afterwards (its URL is printed), to look at the query plans. */
    keep: { type: "boolean", default: false },
  },
});
const ADMIN_URL = args.url ?? process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
if (!ADMIN_URL) throw new Error("[bench:web] pass --url postgres://… (or set TEST_DATABASE_URL)");
const TASKS = Number(args.tasks);
const REQUESTS = Number(args.requests);
const CONCURRENCY = Number(args.concurrency);
const POOL = Number(args.pool);
const GOAL_MS = 200;
const NOW = new Date("2026-03-04T15:00:00Z");
const TOKEN = "bench-web-token";

async function createDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `threadline_bench_web_${randomBytes(5).toString("hex")}`;
  const admin = postgres(ADMIN_URL!, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL!);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const dropper = postgres(ADMIN_URL!, { max: 1, onnotice: () => {} });
      await dropper.unsafe(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;

async function main() {
  const fresh = await createDatabase();
  const database = openPostgres(fresh.url, { max: POOL });
  try {
    await migrateDatabase(database);
    const db = database.db;
    const load = Date.now();
    const now = sql.raw(`'${NOW.toISOString()}'::timestamptz`);
    await db.execute(sql`insert into people (id, name, email)
      select 'p' || g, 'Person ' || g, 'person' || g || '@acme.dev' from generate_series(1, 400) g`);
    await db.execute(sql`insert into tasks (key, source, external_id, title, status, status_category, url,
        assignee_id, created_at, updated_at, last_activity_at)
      select case when g % 5 = 0 then 'acme/repo' || (g % 7) || '#' || g else 'P' || (g % 20) || '-' || g end,
             case when g % 5 = 0 then 'github' else 'jira' end, g::text,
             'Task ' || g || ' ' || (array['checkout','invoice','login','export','report','search'])[1 + g % 6],
             'In Progress', 'in_progress', 'https://example.test/' || g,
             case when g % 11 = 0 then null else 'p' || (1 + g % 400) end,
             ${now} - (g || ' minutes')::interval, ${now} - (g || ' minutes')::interval,
             ${now} - (g || ' minutes')::interval
      from generate_series(1, ${TASKS}) g`);
    await db.execute(sql`insert into items (id, source, external_id, kind, author_id, at, text)
      select s || ':' || g || '-' || n, s, g || '-' || n, 'comment', 'p' || (1 + (g + n) % 400),
             ${now} - ((g + n) || ' minutes')::interval, 'Message ' || n || ' about task ' || g
      from generate_series(1, ${TASKS}) g cross join generate_series(1, 3) n
      cross join lateral (select (array['jira','github','gmail','teams','slack'])[1 + (g + n) % 5] as s) src`);
    await db.execute(sql`insert into item_links (item_id, task_key, rule)
      select i.source || ':' || g || '-' || n, t.key, 'jira_key'
      from generate_series(1, ${TASKS}) g cross join generate_series(1, 3) n
      join lateral (select (array['jira','github','gmail','teams','slack'])[1 + (g + n) % 5] as source) i on true
      join tasks t on t.external_id = g::text`);
    await db.execute(sql`insert into flags (id, task_key, kind, fingerprint, since, reason, evidence, owner_id, state,
        snoozed_until, state_at, last_evidence_at)
      select 'f' || g, t.key,
             (array['stale','missing_approval','unanswered_question','feedback_off_board','done_not_deployed','no_owner','blocked_external'])[1 + g % 7],
             '', ${now} - (g || ' minutes')::interval, 'Flag ' || g || ': somebody should look at this.',
             array[(array['jira','github','gmail','teams','slack'])[1 + (g + 1) % 5] || ':' || g || '-1'],
             t.assignee_id,
             case when g % 13 = 0 then 'snoozed' when g % 17 = 0 then 'dismissed' when g % 19 = 0 then 'resolved' else 'open' end,
             case when g % 26 = 0 then ${now} - interval '1 day' when g % 13 = 0 then ${now} + interval '3 days' end,
             case when g % 13 = 0 or g % 17 = 0 then ${now} end,
             ${now}
      from generate_series(1, ${TASKS}) g join tasks t on t.external_id = g::text
      where g % 3 = 0`);
    await db.execute(sql`insert into inbox_task_states (task_key, muted_at, done_at)
      select key, case when external_id::int % 97 = 0 then ${now} end, case when external_id::int % 89 = 0 then ${now} end
      from tasks where external_id::int % 97 = 0 or external_id::int % 89 = 0`);
    await db.execute(sql`analyze`);
    const loadMs = Date.now() - load;

    const app = createApp({ db, apiToken: TOKEN, now: () => NOW });
    const sessionId = newSessionId();
    await saveWebSession(db, {
      idHash: await hashSessionId(sessionId),
      personId: null,
      email: null,
      name: "admin",
      role: "admin",
      csrf: "bench",
      now: NOW,
      expiresAt: new Date(NOW.getTime() + 86_400_000),
    });
    const cookie = `tl_session=${sessionId}`;
    // The time ends with the last byte of the body; turning the bytes into text is the browser's work, so only
    // the head of each page is decoded, after the clock stops, to check it is the inbox.
    const decoder = new TextDecoder();
    let last = new Uint8Array();
    const one = async (): Promise<number> => {
      const start = performance.now();
      const res = await app.request("/", { headers: { cookie } });
      const bytes = new Uint8Array(await res.arrayBuffer());
      const ms = performance.now() - start;
      if (res.status !== 200 || !decoder.decode(bytes.subarray(0, 2048)).includes("<title>Inbox"))
        throw new Error(`[bench:web] GET / answered ${res.status}`);
      last = bytes;
      return ms;
    };
    // Warm-up: alone, then as many at once as the measured run, so every connection of the pool has served.
    for (let i = 0; i < 20; i++) await one();
    for (let round = 0; round < 5; round++) await Promise.all(Array.from({ length: CONCURRENCY }, one));
    // A full first page: every kind's first rows.
    const rows = decoder.decode(last).split('<li class="row" data-row').length - 1;
    if (rows < 7 * 10) throw new Error(`[bench:web] the page has ${rows} rows, not a full first page`);
    const single = (await one()).toFixed(1);

    const times: number[] = [];
    let next = 0;
    const cpu = process.cpuUsage();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < REQUESTS) {
          next++;
          times.push(await one());
        }
      }),
    );
    const wall = performance.now() - started;
    const used = process.cpuUsage(cpu);
    times.sort((a, b) => a - b);
    const p50 = percentile(times, 50);
    const p99 = percentile(times, 99);
    const figures = {
      bench: "web",
      tasks: TASKS,
      concurrency: CONCURRENCY,
      pool: POOL,
      requests: times.length,
      loadMs,
      singleMs: Number(single),
      p50Ms: Number(p50.toFixed(1)),
      p99Ms: Number(p99.toFixed(1)),
      requestsPerSecond: Number(((times.length / wall) * 1000).toFixed(1)),
      // This process's CPU per request (the app and the client side of the database driver; the database
      // server's share is not in it): less sensitive than the latencies to whatever else the machine runs.
      nodeCpuMsPerRequest: Number(((used.user + used.system) / 1000 / times.length).toFixed(2)),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      goalMs: GOAL_MS,
      ok: p50 < GOAL_MS && p99 < GOAL_MS,
    };
    console.log(`tasks ${TASKS}, data loaded in ${loadMs} ms; one request alone: ${single} ms`);
    console.log(
      `${times.length} requests, ${CONCURRENCY} at a time: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`,
    );
    console.log(`this process's CPU: ${figures.nodeCpuMsPerRequest} ms per request`);
    console.log(`goal: under ${GOAL_MS} ms: ${figures.ok ? "met" : "NOT met"}`);
    console.log(JSON.stringify(figures));
  } finally {
    await database.close();
    if (args.keep) console.error(`[bench:web] kept ${fresh.url}`);
    else await fresh.drop();
  }
}

await main();
