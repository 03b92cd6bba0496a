/**
 * `npm run bench:flags [-- --url postgres://… --tasks N --items N --keep --name NAME]`: the flag engine at scale, on a
 * database of its own on the PostgreSQL server at `--url` (or DATABASE_URL), or with neither on an in-memory
 * PGlite (there 10,000 tasks and 200,000 items by default: the same 20 items a task).
 *
 * Creates a database of its own (dropped at the end), fills it with COPY (default 50,000 tasks and 1,000,000
 * items: Jira issues and GitHub pull requests with comments, emails, chat, reviews, status changes and
 * deployments written from a few hundred realistic texts), then measures:
 * - the read ceiling: the product's own snapshot queries (`loadTaskSnapshots`) over every task in the
 *   recompute's batches, warm (the second of two passes), with nothing evaluated or saved;
 * - a full recompute (time, tasks/s, its ratio to the read ceiling, peak RSS while it runs and the RSS it
 *   started from after a garbage collection, peak JavaScript heap);
 * - the same full recompute again, when nothing changed (no writes);
 * - incremental recomputes after a sync that changed 100 items (goal: under 100 ms): median, p95, best and
 *   worst of 15 runs, and the median CPU time they took in this process (steadier than wall time on a busy
 *   machine); and the same figures for a follow-up sync that edits those items again right after.
 * After the timed runs a full recompute must change nothing (the incremental ones left every flag as a full
 * one would). The last line is one JSON object with the figures, the database, `ok` (the incremental median
 * within the goal) and `success` (every item seeded, every task recomputed, the check above held).
 */
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import postgres from "postgres";
import { listSources } from "../connectors/registry.ts";
import * as schema from "../schema/index.ts";
import { parseFlagSettings } from "../src/flags/flag-settings.ts";
import { recomputeFlags } from "../src/flags/recompute.ts";
import { loadTaskKeysAfter } from "../src/store/all-task-keys.ts";
import type { Database, Db } from "../src/store/db.ts";
import { loadTaskKeysOfItems, loadTaskSnapshots } from "../src/store/load-task-snapshots.ts";
import { migrateDatabase } from "../src/store/migrate.ts";
import { openPostgres } from "../src/store/open-postgres.ts";

const { values: args } = parseArgs({
  options: {
    url: { type: "string" },
    tasks: { type: "string" },
    items: { type: "string" },
    /** Leave the database behind (its name is printed) to look into a slow query. */
    keep: { type: "boolean", default: false },
    /** The database's name on the server (default: `threadline_bench_` and a random suffix). */
    name: { type: "string" },
  },
});
const adminUrl = args.url ?? process.env.DATABASE_URL;
const PGLITE = !adminUrl;
const TASKS = Number(args.tasks ?? (PGLITE ? 10_000 : 50_000));
const ITEMS = Number(args.items ?? (PGLITE ? 200_000 : 1_000_000));
if (!(TASKS > 0 && ITEMS >= 0)) throw new Error("--tasks and --items must be positive numbers");
const NOW = new Date("2025-03-12T15:00:00Z");
const DAY = 86_400_000;

// A seeded generator, so two runs bench the same data.
let seed = 20250312;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

const TEAM = 60;
const CLIENTS = 40;
const GUESTS = 8;
const BOTS = ["github-actions[bot]", "dependabot[bot]", "Automation for Jira", "Deploy Bot"];

const TEXT = {
  comment: [
    "Started on this, first pass tomorrow.",
    "Pushed the fix, moving to review.",
    "Can you take a look at the retry logic when you get a sec?",
    "Do we need a migration for this? Nope, the column is nullable.",
    "Still waiting on the client to send the test data, can't finish the import until then.",
    "Got the credentials from Raj, unblocked.",
    "Reproduced on staging: https://staging.acme.dev/reports?range=30d — totals are off by one.",
    "Great, another flaky test?? Quarantined it.",
    "@anna could you double-check the rounding on the totals",
    "Blocked by a flaky test in CI, looking into it.",
    "Tested on staging build 482, all good ✅ signed off from QA",
    "Retested, still failing on Safari, can't sign off yet.",
    "Proposal: drop IE11 for this release. Thoughts?",
    "Left a few notes inline, nothing blocking.",
  ],
  email: [
    "Hi Anna,\n\nQuick one — what format do you need the export in? CSV or XLSX?\n\nThanks,\nDana\n\nDana Ruiz | Head of Ops",
    "Thanks so much, looks great! 🙌",
    "Hi team, any update on this?\n\nOn Mon, 10 Mar 2025 at 16:20, Anna <anna@acme.dev> wrote:\n> Should be ready this week?\n> Anna",
    "Approved once the typo in the footer is fixed.",
    "Approved from our side, thanks!",
    "We're still waiting for our IT team to whitelist your IPs, should be done by Thursday.",
    "Could you approve the final copy so we can ship Thursday?",
    "The dates come out as MM/DD but we need DD/MM for the UK entities.",
    "Please find attached the brand guidelines you asked for.",
    "Hi all, we're fine with the new wording.\n\nFrom: Anna <anna@acme.dev>\nSent: Tuesday, March 11, 2025 5:02 PM\nSubject: RE: copy\n\nDoes this work for you?",
  ],
  chat: [
    "deployed to prod 🚀 v2.14.0 is live",
    "will deploy tomorrow morning, release freeze today",
    "anyone know why the build is red on main??",
    "yep, redeploying, give it 10 min",
    "hey cn u send me the staging url again pls",
    "ok to merge the export PR?",
    "yep go for it",
    "still no acess to their staging VPN, pinged their IT again",
    "lunch at 1?",
    "fyi the hero image is blurry on retina, we'd need a 2x asset",
  ],
  review: ["LGTM 🚀", "The retry loop never backs off — see inline.", "Nice cleanup.", ""],
};

const STATUSES = [
  ["To Do", "todo"],
  ["Backlog", "todo"],
  ["In Progress", "in_progress"],
  ["In Progress", "in_progress"],
  ["Code Review", "in_progress"],
  ["Ready for Release", "in_progress"],
  ["Done", "done"],
  ["Done", "done"],
] as const;

/** COPY's text format: tabs between columns, `\N` for null, backslash escapes. */
const cell = (v: string | number | boolean | null) =>
  v === null
    ? "\\N"
    : String(v).replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r");
const line = (...cells: Array<string | number | boolean | null>) => `${cells.map(cell).join("\t")}\n`;

/** Where the benchmark's data lives: a database of its own on the server, or an in-memory PGlite. */
interface Target {
  name: string;
  database: Database;
  /** Bulk-loads rows written in COPY's text format. */
  copy(table: string, columns: string, rows: () => Generator<string>): Promise<void>;
  analyze(): Promise<void>;
  close(): Promise<void>;
}

/** The rows in chunks of about a megabyte. */
function* chunksOf(rows: () => Generator<string>): Generator<string> {
  let buffer = "";
  for (const row of rows()) {
    buffer += row;
    if (buffer.length > 1 << 20) {
      yield buffer;
      buffer = "";
    }
  }
  if (buffer) yield buffer;
}

async function postgresTarget(): Promise<Target> {
  const name = args.name ?? `threadline_bench_${randomBytes(4).toString("hex")}`;
  const admin = postgres(adminUrl!, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl!);
  url.pathname = `/${name}`;
  const database = openPostgres(url.toString(), { max: 10 });
  const client = postgres(url.toString(), { max: 1, onnotice: () => {} });
  return {
    name,
    database,
    copy: async (table, columns, rows) => {
      const writable = await client.unsafe(`copy ${table} (${columns}) from stdin`).writable();
      await pipeline(Readable.from(chunksOf(rows)), writable);
    },
    analyze: async () => {
      await client`analyze`;
    },
    close: async () => {
      await client.end();
      await database.close();
      if (args.keep) process.stderr.write(`[bench:flags] kept the database ${name}\n`);
      else await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

async function pgliteTarget(): Promise<Target> {
  const client = new PGlite();
  await client.waitReady;
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    name: "an in-memory PGlite",
    database: { db, kind: "pglite", close: () => client.close() },
    copy: async (table, columns, rows) => {
      const blob = new Blob([...chunksOf(rows)]);
      await client.query(`copy ${table} (${columns}) from '/dev/blob'`, [], { blob });
    },
    analyze: async () => {
      await client.exec("analyze");
    },
    close: () => client.close(),
  };
}

interface TaskPlan {
  key: string;
  isPr: boolean;
  created: number;
  status: string;
  category: string;
  assignee: string | null;
}

async function seedData(target: Target): Promise<{ seconds: number; items: number }> {
  const started = performance.now();
  const copy = (table: string, columns: string, rows: () => Generator<string>) =>
    target.copy(table, columns, rows);
  const team = Array.from({ length: TEAM }, (_, i) => `p_team${i}`);
  const clients = Array.from({ length: CLIENTS }, (_, i) => `p_client${i}`);
  const guests = Array.from({ length: GUESTS }, (_, i) => `p_guest${i}`);
  const bots = BOTS.map((_, i) => `p_bot${i}`);
  await copy("people", "id, name, email, is_bot", function* () {
    for (const [i, id] of team.entries()) yield line(id, `Team Member ${i}`, `dev${i}@acme.dev`, false);
    for (const [i, id] of clients.entries()) yield line(id, `Client ${i}`, `client${i}@brightside.co`, false);
    for (const [i, id] of guests.entries()) yield line(id, `Guest ${i}`, null, false);
    for (const [i, id] of bots.entries()) yield line(id, BOTS[i]!, null, true);
  });
  await copy(
    "identities",
    "source, external_id, person_id, display_name, email, is_guest, is_bot",
    function* () {
      for (const [i, id] of team.entries()) {
        yield line("jira", `acc-${i}`, id, `Team Member ${i}`, `dev${i}@acme.dev`, false, false);
        yield line("slack", `U${i}`, id, `Team Member ${i}`, `dev${i}@acme.dev`, false, false);
        yield line("github", `dev${i}`, id, `dev${i}`, null, false, false);
      }
      for (const [i, id] of clients.entries())
        yield line("gmail", `client${i}@brightside.co`, id, null, `client${i}@brightside.co`, false, false);
      for (const [i, id] of guests.entries())
        yield line("slack", `G${i}`, id, `Guest ${i}`, null, true, false);
      for (const [i, id] of bots.entries()) yield line("github", `bot${i}`, id, BOTS[i]!, null, false, true);
    },
  );

  const plans: TaskPlan[] = [];
  await copy(
    "tasks",
    "key, source, external_id, title, status, status_category, url, assignee_id, reporter_id, labels, due_at, created_at, updated_at, last_activity_at, raw",
    function* () {
      for (let n = 0; n < TASKS; n++) {
        const isPr = random() < 0.3;
        const key = isPr ? `acme/web#${n + 1}` : `WEB-${n + 1}`;
        const created = NOW.getTime() - Math.floor(random() * 120 * DAY);
        const [status, category] = isPr
          ? random() < 0.5
            ? (["open", "in_progress"] as const)
            : (["closed", "done"] as const)
          : pick(STATUSES);
        const assignee = random() < 0.9 ? pick(team) : null;
        const merged = isPr && category === "done" ? new Date(created + DAY).toISOString() : null;
        const raw = isPr
          ? {
              type: "pull_request",
              data: {
                number: n + 1,
                state: category === "done" ? "closed" : "open",
                draft: random() < 0.05,
                merged_at: merged,
                head: { ref: `feature/WEB-${n}` },
                requested_reviewers: [{ login: `dev${Math.floor(random() * TEAM)}` }],
              },
            }
          : { type: "issue", data: { key, fields: { resolution: null, issuelinks: [] } } };
        const labels = random() < 0.05 ? "{blocked}" : random() < 0.05 ? "{client-facing}" : "{}";
        plans.push({ key, isPr, created, status, category, assignee });
        const at = new Date(created).toISOString();
        yield line(
          key,
          isPr ? "github" : "jira",
          key,
          `Task ${n}`,
          status,
          category,
          `https://x.test/${n}`,
          assignee,
          pick(team),
          labels,
          null,
          at,
          at,
          at,
          JSON.stringify(raw),
        );
      }
    },
  );

  let written = 0;
  const perTask = ITEMS / TASKS;
  const itemIds: Array<[string, string]> = [];
  const pullRequests = plans.filter((p) => p.isPr);
  await copy("items", "id, source, external_id, kind, author_id, at, text, thread_id, meta", function* () {
    for (const [t, plan] of plans.entries()) {
      const want =
        t === plans.length - 1 ? ITEMS - written : Math.max(0, Math.round(perTask * (0.3 + random() * 1.4)));
      const span = NOW.getTime() - plan.created;
      const count = Math.min(want, ITEMS - written);
      for (let k = 0; k < count; k++) {
        const id = `i${written + k}`;
        const at = new Date(
          plan.created + Math.floor(((k + random()) / Math.max(count, 1)) * span),
        ).toISOString();
        const r = random();
        let row: string;
        if (k === 0) {
          row = line(
            id,
            plan.isPr ? "github" : "jira",
            id,
            "status_change",
            plan.assignee ?? pick(team),
            at,
            "",
            null,
            JSON.stringify({ statusTo: plan.status }),
          );
        } else if (r < 0.4) {
          row = line(
            id,
            plan.isPr ? "github" : "jira",
            id,
            "comment",
            random() < 0.1 ? pick(bots) : pick(team),
            at,
            pick(TEXT.comment),
            null,
            "{}",
          );
        } else if (r < 0.55) {
          const client_ = random() < 0.6;
          row = line(
            id,
            "gmail",
            id,
            "email",
            client_ ? pick(clients) : pick(team),
            at,
            pick(TEXT.email),
            `th${t}`,
            JSON.stringify({ to: ["dev1@acme.dev"], messageId: `<${id}@x>` }),
          );
        } else if (r < 0.75) {
          row = line(
            id,
            "slack",
            id,
            "chat_message",
            random() < 0.15 ? pick(guests) : pick(team),
            at,
            pick(TEXT.chat),
            `ts${t}`,
            JSON.stringify(random() < 0.2 ? { reactions: [{ name: "+1", count: 1, users: ["U3"] }] } : {}),
          );
        } else if (r < 0.85 && plan.isPr) {
          row = line(
            id,
            "github",
            id,
            "review",
            pick(team),
            at,
            pick(TEXT.review),
            null,
            JSON.stringify({ reviewState: pick(["approved", "changes_requested", "commented"]) }),
          );
        } else if (r < 0.92) {
          row = line(
            id,
            plan.isPr ? "github" : "jira",
            id,
            "status_change",
            pick(team),
            at,
            "",
            null,
            JSON.stringify({ statusFrom: "To Do", statusTo: plan.status }),
          );
        } else if (r < 0.96) {
          row = line(
            id,
            "github",
            id,
            "deployment",
            pick(bots),
            at,
            "",
            null,
            JSON.stringify({
              deploymentState: pick(["success", "failure"]),
              environment: pick(["production", "staging"]),
            }),
          );
        } else {
          // A pull request item names its pull request; on a Jira task it is one of that task's pull
          // requests, linked to both, so the task's timeline takes that pull request's items too.
          const pr = plan.isPr ? plan : pullRequests.length > 0 ? pick(pullRequests) : null;
          const number = pr ? Number(pr.key.slice(pr.key.indexOf("#") + 1)) : null;
          row = line(
            id,
            "github",
            id,
            "pull_request",
            pick(team),
            at,
            "WEB PR",
            null,
            JSON.stringify(
              number === null
                ? { merged: random() < 0.6 }
                : { repo: "acme/web", number, merged: random() < 0.6 },
            ),
          );
          if (pr && pr !== plan) itemIds.push([id, pr.key]);
        }
        itemIds.push([id, plan.key]);
        yield row;
      }
      written += count;
    }
  });
  await copy("item_links", "item_id, task_key, rule", function* () {
    for (const [id, key] of itemIds) yield line(id, key, "jira_key");
  });
  await target.analyze();
  return { seconds: (performance.now() - started) / 1000, items: written };
}

interface Run {
  ms: number;
  /** CPU time of this process (user and system): less at the mercy of other work on the machine. */
  cpuMs: number;
}

const INCREMENTAL_RUNS = 15;

/** Median, 95th percentile, best and worst of the runs' wall time, and the median of their CPU time. */
function summarise(runs: Run[]) {
  const ms = runs.map((r) => r.ms).sort((a, b) => a - b);
  const cpu = runs.map((r) => r.cpuMs).sort((a, b) => a - b);
  const at = (list: number[], q: number) => list[Math.min(list.length - 1, Math.ceil(q * list.length) - 1)]!;
  return {
    median: Math.round(at(ms, 0.5)),
    p95: Math.round(at(ms, 0.95)),
    min: Math.round(ms[0]!),
    max: Math.round(ms.at(-1)!),
    cpuMedian: Math.round(at(cpu, 0.5)),
    runs: runs.map((r) => Math.round(r.ms)),
  };
}

/** Collects garbage when the runtime lets us, so that the seeding's garbage is not counted as the recompute's. */
const collectGarbage: () => void = (() => {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as unknown;
  return typeof gc === "function" ? (gc as () => void) : () => {};
})();

/**
 * Peak RSS and peak JavaScript heap while `work` runs, sampled every 20 ms, and the RSS it started from (after
 * a collection). The RSS keeps what seeding left behind; the heap's peak is the work's own.
 */
async function withPeakMemory<T>(
  work: () => Promise<T>,
): Promise<{ result: T; peakMb: number; startMb: number; peakHeapMb: number }> {
  collectGarbage();
  const startMb = Math.round(process.memoryUsage.rss() / 1048576);
  let peak = process.memoryUsage.rss();
  let peakHeap = process.memoryUsage().heapUsed;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage.rss());
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  };
  const timer = setInterval(sample, 20);
  try {
    const result = await work();
    sample();
    const mb = (bytes: number) => Math.round(bytes / 1048576);
    return { result, peakMb: mb(peak), startMb, peakHeapMb: mb(peakHeap) };
  } finally {
    clearInterval(timer);
  }
}

async function main() {
  const target = PGLITE ? await pgliteTarget() : await postgresTarget();
  const { database } = target;
  try {
    await migrateDatabase(database);
    const log = (s: string) => process.stderr.write(`${s}\n`);
    log(`[bench:flags] seeding ${TASKS} tasks, ${ITEMS} items into ${target.name}…`);
    const seeded = await seedData(target);
    log(`[bench:flags] seeded in ${seeded.seconds.toFixed(1)} s`);
    const settings = parseFlagSettings(
      undefined,
      {
        THREADLINE_TEAM_DOMAINS: "acme.dev",
        THREADLINE_TIMEZONE: "Europe/London",
      },
      listSources(),
    );

    // The read ceiling: the recompute's own snapshot queries over every task, in its batches, warm.
    const readAll = async () => {
      let after: string | null = null;
      let tasks = 0;
      for (;;) {
        const keys = await loadTaskKeysAfter(database.db, after, 1000);
        if (keys.length === 0) break;
        tasks += (await loadTaskSnapshots(database.db, keys, settings)).length;
        after = keys.at(-1)!;
      }
      return tasks;
    };
    await readAll();
    const readStarted = performance.now();
    const read = await readAll();
    const readMs = performance.now() - readStarted;
    log(`[bench:flags] read ceiling (warm): ${read} tasks' snapshots in ${(readMs / 1000).toFixed(1)} s`);

    const full = await withPeakMemory(() =>
      recomputeFlags(database.db, {
        now: NOW,
        settings,
        onBatch: (p) => p.tasks % 10_000 === 0 && log(`  ${p.tasks} tasks…`),
      }),
    );
    log(
      `[bench:flags] full recompute: ${full.result.tasks} tasks, ${full.result.raised} flags in ${(full.result.ms / 1000).toFixed(1)} s`,
    );
    // A server vacuums and analyses on its own; the bench's server may not (CI runs it with autovacuum off),
    // and the flags' statistics would still say the table is empty.
    if (!PGLITE) await database.db.execute(sql`analyze flags`);
    const steady = await recomputeFlags(database.db, { now: NOW, settings });
    log(
      `[bench:flags] again, nothing changed: ${(steady.ms / 1000).toFixed(1)} s, ${steady.unchanged} unchanged`,
    );

    // Incremental: a sync changed 100 items (new text, a newer time); recompute their tasks. Each run picks
    // other items, so the tasks' other items were last read by the full recompute (long evicted from the
    // text analysis cache); a follow-up sync then edits the same items again, as a busy thread does.
    const cold: Run[] = [];
    const warm: Run[] = [];
    const timed = async (ids: string[], text: string, at: Date, into: Run[]) => {
      await database.db.execute(
        sql`update items set text = ${text}, at = ${at.toISOString()}::timestamptz
            where id = any(${sql.param(ids)}::text[])`,
      );
      const cpu = process.cpuUsage();
      const started = performance.now();
      const keys = await loadTaskKeysOfItems(database.db, ids);
      await recomputeFlags(database.db, { taskKeys: keys, now: NOW, settings });
      const ms = performance.now() - started;
      const used = process.cpuUsage(cpu);
      into.push({ ms, cpuMs: (used.user + used.system) / 1000 });
    };
    for (let run = 0; run < INCREMENTAL_RUNS; run++) {
      const ids = Array.from({ length: 100 }, () => `i${Math.floor(random() * seeded.items)}`);
      const at = new Date(NOW.getTime() - (run + 1) * 60_000);
      await timed(ids, "Any update on this? We need it for Friday.", at, cold);
      const again = new Date(at.getTime() + 1000);
      await timed(ids, "Any update on this? We need it for Friday, sorry.", again, warm);
    }
    log(`[bench:flags] incremental: ${cold.map((r) => Math.round(r.ms)).join(", ")} ms`);
    // The incremental runs must have left every flag as a full recompute leaves it.
    const check = await recomputeFlags(database.db, { now: NOW, settings });
    const matchesFull = check.opened + check.reopened + check.updated + check.resolved === 0;
    const incremental = summarise(cold);
    const result = {
      bench: "flags",
      database: database.kind,
      tasks: TASKS,
      items: seeded.items,
      flags: full.result.raised,
      seedSeconds: Number(seeded.seconds.toFixed(1)),
      readCeilingMs: Math.round(readMs),
      readCeilingTasks: read,
      fullRecomputeMs: Math.round(full.result.ms),
      fullTasksPerSecond: Math.round(full.result.tasks / (full.result.ms / 1000)),
      fullToReadRatio: Number((full.result.ms / readMs).toFixed(2)),
      fullRecomputePhasesMs: full.result.phases,
      fullRecomputePeakRssMb: full.peakMb,
      fullRecomputeStartRssMb: full.startMb,
      fullRecomputePeakHeapMb: full.peakHeapMb,
      unchangedRecomputeMs: Math.round(steady.ms),
      incrementalMs: incremental,
      followUpIncrementalMs: summarise(warm),
      incrementalGoalMs: 100,
      incrementalWithinGoal: incremental.median < 100,
      incrementalMatchesFull: matchesFull,
      ok: incremental.median < 100,
      success: seeded.items === ITEMS && full.result.tasks === TASKS && matchesFull,
      processPeakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    };
    console.log(JSON.stringify(result));
  } finally {
    await target.close();
  }
}

await main();
