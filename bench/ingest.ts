/**
 * Ingest benchmark: N items (default 1,000,000) over N/20 tasks through the real save path — `runSync` with
 * two synthetic connectors (Jira-like issues with comments, Slack-like threads whose keyless replies
 * inherit their root's link), pages mapped, linked and committed with their cursors as the engine does,
 * with `--writers` (default 8) writes at a time. The vendors' answers are generated before the clock starts, as
 * JSON text in files, and each page is read and parsed on the clock as an SDK parses a response.
 *
 * Then, in the same run on the same database, the ceiling: a raw `COPY` of the same item and link rows into
 * tables like ours (same indexes). Only the database's work is timed: the rows are generated, mapped and
 * rendered as COPY text into files before the clock starts, and on PostgreSQL the files are copied over as
 * many connections at once as the engine writes with. Then the task timeline at that size, timed through the
 * product's own `loadTimelineItems` (what `GET /api/tasks/{key}/timeline` runs, merged people followed).
 *
 *   npm run bench:ingest -- [--items N] [--page-size N] [--writers N] [--queries N] [--url postgres://…]
 *                           [--database-name NAME] [--pglite-dir DIR | --pglite-memory]
 *
 * With `--url` (or DATABASE_URL) it creates and drops a database of its own on that PostgreSQL server (named
 * `--database-name`, else a random one); without either it measures a PGlite on disk (in `--pglite-dir`, else
 * a temporary folder it removes; `--pglite-memory`: in memory, in the process), whose one connection takes
 * one COPY at a time. `ingestPeakRssMb` is the process's peak up to the end of the backfill, `peakRssMb` over
 * the whole run. The last line printed is one JSON object with the figures, the database and whether the run
 * succeeded.
 */
import { randomBytes } from "node:crypto";
import {
  appendFileSync,
  closeSync,
  createReadStream,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import type { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";
import { listSources } from "../connectors/registry.ts";
import type {
  Connector,
  Identity,
  JsonValue,
  Mapped,
  MappedItem,
  MappedTask,
  RawRecord,
} from "../connectors/types.ts";
import type { SourceId } from "../src/model/kinds.ts";
import { aboutSource } from "../src/model/source-about.ts";
import type { Database } from "../src/store/db.ts";
import { toPersonId } from "../src/store/identity.ts";
import { migrateDatabase } from "../src/store/migrate.ts";
import { openPostgres } from "../src/store/open-postgres.ts";
import { loadTimelineItems } from "../src/store/task-queries.ts";
import { runSync } from "../src/sync/engine.ts";

const { values } = parseArgs({
  options: {
    items: { type: "string", default: "1000000" },
    "page-size": { type: "string", default: "500" },
    url: { type: "string" },
    queries: { type: "string", default: "2000" },
    writers: { type: "string" },
    "database-name": { type: "string" },
    "pglite-dir": { type: "string" },
    "pglite-memory": { type: "boolean", default: false },
  },
});
const ITEMS = Number(values.items);
const PAGE = Number(values["page-size"]);
const ADMIN_URL = values.url ?? process.env.DATABASE_URL;
const DATABASE = ADMIN_URL ? "postgres" : "pglite";
/** The engine's writes at a time, and so the COPY ceiling's connections (PGlite has one connection). */
const WRITERS = Number(values.writers ?? "8");
const NOW = new Date("2026-03-02T08:00:00Z");
const BASE = Date.UTC(2025, 0, 1);

// The shape of the data: 80% Jira-like (one task_created and 15 comments a task), 20% Slack-like (threads of
// five: a root naming a task, four keyless replies). About 20 items a task.
const PROJECTS = ["BA", "BB", "BC", "BD"];
const CHANNELS = ["C0", "C1"];
const PER_TASK = 16;
const THREAD = 5;
const jiraItems = Math.round((ITEMS * 0.8) / PER_TASK / PROJECTS.length) * PER_TASK * PROJECTS.length;
const chatItems = Math.round((ITEMS - jiraItems) / THREAD / CHANNELS.length) * THREAD * CHANNELS.length;
const TOTAL_ITEMS = jiraItems + chatItems;
const TASKS = jiraItems / PER_TASK;
const tasksPerProject = TASKS / PROJECTS.length;
const chatPerChannel = chatItems / CHANNELS.length;
const USERS = 200;

const user = (n: number) => ({
  id: `u${n % USERS}`,
  name: `User ${n % USERS}`,
  email: `user${n % USERS}@team.example`,
});
const WORDS =
  "the invoice export fails for large accounts when the batch job runs overnight please check logs".split(
    " ",
  );
const sentence = (n: number, length: number) =>
  Array.from({ length }, (_, i) => WORDS[(n * 7 + i * 3) % WORDS.length]).join(" ");
const taskKey = (n: number) => `${PROJECTS[n % PROJECTS.length]}-${1 + Math.floor(n / PROJECTS.length)}`;

/** Record `position` of a Jira-like project: a task (position % 16 == 0) or one of its comments. */
function jiraRecord(project: number, position: number): RawRecord {
  const local = Math.floor(position / PER_TASK);
  const j = position % PER_TASK;
  const task = local * PROJECTS.length + project;
  const key = taskKey(task);
  const at = new Date(BASE + task * 600_000 + j * 60_000).toISOString();
  if (j === 0) {
    return {
      type: "issue",
      data: {
        id: String(100_000 + task),
        key,
        summary: `${sentence(task, 6)} (${key})`,
        status: "In Progress",
        assignee: user(task),
        reporter: user(task + 1),
        created: at,
        updated: at,
      },
    };
  }
  return {
    type: "comment",
    data: {
      id: `${task}-${j}`,
      issueKey: key,
      author: user(task + j),
      body: sentence(task + j, 18),
      created: at,
    },
  };
}

/** Message `position` of a Slack-like channel: a root naming a task, then four keyless replies. */
function chatRecord(channel: number, position: number): RawRecord {
  const thread = Math.floor(position / THREAD);
  const r = position % THREAD;
  const n = thread * CHANNELS.length + channel;
  const task = (n * 7919) % TASKS;
  const ts = `${1_700_000_000 + n}.${String(r).padStart(6, "0")}`;
  return {
    type: "message",
    data: {
      ts,
      thread_ts: `${1_700_000_000 + n}.000000`,
      user: user(n + r),
      text: r === 0 ? `Anyone looking at ${taskKey(task)}? ${sentence(n, 8)}` : sentence(n + r, 10),
      at: new Date(BASE + task * 600_000 + 30_000 + r * 60_000).toISOString(),
    },
    context: { channel: CHANNELS[channel]! },
  };
}

const identity = (source: SourceId, u: { id: string; name: string; email: string }): Identity => ({
  source,
  externalId: u.id,
  displayName: u.name,
  email: u.email,
  isGuest: false,
  isBot: false,
});

type Data = Record<string, JsonValue> & { author: { id: string; name: string; email: string } };
const obj = (record: RawRecord) => record.data as Record<string, JsonValue>;

function mapJira(record: RawRecord): Mapped {
  const d = obj(record);
  if (record.type === "issue") {
    const assignee = d.assignee as Data["author"];
    const reporter = d.reporter as Data["author"];
    const key = String(d.key);
    const task: MappedTask = {
      key,
      externalId: String(d.id),
      title: String(d.summary),
      status: String(d.status),
      statusCategory: "in_progress",
      url: `https://bench.atlassian.net/browse/${key}`,
      assignee: { source: "jira", externalId: assignee.id },
      reporter: { source: "jira", externalId: reporter.id },
      labels: [],
      priority: null,
      dueAt: null,
      createdAt: new Date(String(d.created)),
      updatedAt: new Date(String(d.updated)),
    };
    const created: MappedItem = {
      externalId: `issue-${d.id}`,
      kind: "task_created",
      author: task.reporter,
      at: task.createdAt,
      text: task.title,
      url: task.url,
      threadId: null,
      meta: {},
      parentTaskKey: key,
      editedAt: null,
    };
    return {
      tasks: [task],
      items: [created],
      identities: [identity("jira", assignee), identity("jira", reporter)],
    };
  }
  const author = d.author as Data["author"];
  const key = String(d.issueKey);
  return {
    items: [
      {
        externalId: `comment-${d.id}`,
        kind: "comment",
        author: { source: "jira", externalId: author.id },
        at: new Date(String(d.created)),
        text: String(d.body),
        url: `https://bench.atlassian.net/browse/${key}?focusedCommentId=${d.id}`,
        threadId: null,
        meta: {},
        parentTaskKey: key,
        editedAt: null,
      },
    ],
    identities: [identity("jira", author)],
  };
}

function mapChat(record: RawRecord): Mapped {
  const d = obj(record);
  const author = d.user as Data["author"];
  const channel = record.context?.channel ?? "";
  return {
    items: [
      {
        externalId: `${channel}-${d.ts}`,
        kind: "chat_message",
        author: { source: "slack", externalId: author.id },
        at: new Date(String(d.at)),
        text: String(d.text),
        url: `https://bench.slack.com/archives/${channel}/p${String(d.ts).replace(".", "")}`,
        threadId: `${channel}-${d.thread_ts}`,
        meta: {},
        parentTaskKey: null,
        editedAt: null,
      },
    ],
    identities: [identity("slack", author)],
  };
}

/**
 * A scope's records as the vendor would answer them, page by page: rendered as JSON text into a file before the
 * clock starts (generating them is the vendor's work, not ours), with the byte where each page starts.
 */
interface RenderedScope {
  file: string;
  /** Where page n starts; one more entry than pages, the last the file's end. */
  starts: number[];
}

function renderScopePages(
  file: string,
  length: number,
  record: (position: number) => RawRecord,
): RenderedScope {
  const starts = [0];
  const fd = openSync(file, "w");
  try {
    for (let position = 0; position < length; position += PAGE) {
      const records: RawRecord[] = [];
      for (let p = position; p < Math.min(length, position + PAGE); p++) records.push(record(p));
      const text = Buffer.from(JSON.stringify(records));
      writeSync(fd, text);
      starts.push(starts.at(-1)! + text.length);
    }
  } finally {
    closeSync(fd);
  }
  return { file, starts };
}

/** Page n of a rendered scope, parsed as an SDK parses a response body. */
function readScopePage(scope: RenderedScope, page: number): RawRecord[] {
  const start = scope.starts[page]!;
  const body = Buffer.alloc(scope.starts[page + 1]! - start);
  const fd = openSync(scope.file, "r");
  try {
    readSync(fd, body, 0, body.length, start);
  } finally {
    closeSync(fd);
  }
  return JSON.parse(body.toString("utf8")) as RawRecord[];
}

/** A synthetic source: scopes of `length` records each, paged by record position (the cursor). */
function benchConnector<Id extends SourceId>(
  id: Id,
  scopes: string[],
  length: number,
  rendered: RenderedScope[],
  map: (record: RawRecord) => Mapped,
): Connector<Id, object> {
  return {
    id,
    // The real source's descriptor (its name, whether its accounts are the team's), under the bench's id.
    about: { ...aboutSource(listSources(), id), id },
    fromEnv: () => ({}),
    listScopes: async () => scopes,
    async *pull(request) {
      const scope = rendered[scopes.indexOf(request.scope)]!;
      const saved = request.cursors.main as { position?: number } | undefined;
      let position = saved?.position ?? 0;
      request.report.estimate(length - position);
      while (position < length && !request.signal.aborted) {
        const records = readScopePage(scope, position / PAGE);
        position = Math.min(length, position + PAGE);
        request.report.requests(1);
        yield { stream: "main", records, cursor: { position } };
      }
    },
    map,
    webhook: { verify: async () => false, parse: () => ({ type: "ignore", reason: "bench" }) },
  };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** COPY text format: backslash, tab, newline and carriage return escaped; null as \N. */
function copyField(value: string | null): string {
  if (value === null) return "\\N";
  return value.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r");
}

/** A query runner over either database, for the bench's own statements (not the product's). */
interface Raw {
  query<T>(text: string, params?: unknown[]): Promise<T[]>;
  /** Copies a file of COPY text into a table; several at once on PostgreSQL, one after another on PGlite. */
  copy(table: string, columns: string, file: string): Promise<void>;
  end(): Promise<void>;
}

async function openDatabase(): Promise<{ database: Database; raw: Raw; drop: () => Promise<void> }> {
  if (!ADMIN_URL) {
    // On disk by default, as `threadline` runs it, so that the process's memory is its own and not the
    // database's pages too; `--pglite-memory` keeps the database in the process.
    const { openPglite } = await import("../src/store/open-pglite.ts");
    const dataDir = values["pglite-memory"]
      ? undefined
      : (values["pglite-dir"] ?? mkdtempSync(join(tmpdir(), "threadline-bench-pglite-")));
    const database = await openPglite(dataDir);
    const client = (database.db as unknown as { $client: PGlite }).$client;
    return {
      database,
      raw: {
        query: async <T>(text: string, params: unknown[] = []) => (await client.query<T>(text, params)).rows,
        async copy(table, columns, file) {
          await client.query(`copy ${table} (${columns}) from '/dev/blob'`, [], {
            blob: new Blob([readFileSync(file)]),
          });
        },
        end: async () => {},
      },
      drop: async () => {
        if (dataDir && !values["pglite-dir"]) rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const name = values["database-name"] ?? `threadline_bench_${randomBytes(4).toString("hex")}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const sqlClient = postgres(url.toString(), { max: WRITERS, onnotice: () => {} });
  return {
    database: openPostgres(url.toString(), { max: WRITERS + 4 }),
    raw: {
      query: async <T>(text: string, params: unknown[] = []) =>
        (await sqlClient.unsafe(text, params as never[])) as unknown as T[],
      async copy(table, columns, file) {
        const into = await sqlClient.unsafe(`copy ${table} (${columns}) from stdin`).writable();
        await pipeline(createReadStream(file), into);
      },
      end: () => sqlClient.end({ timeout: 5 }),
    },
    drop: async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}

const cpuSeconds = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1e6;
const less = (a: number | null, b: number | null) => (a === null || b === null ? null : round(a - b));

/**
 * CPU seconds the server's backends for this database have used (those connected now: the pools keep theirs
 * open), read from /proc; null on PGlite or when the server is not on this machine.
 */
async function serverCpuSeconds(raw: Raw): Promise<number | null> {
  if (DATABASE !== "postgres") return null;
  const rows = await raw.query<{ pid: number }>(
    `select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`,
  );
  let ticks = 0;
  for (const { pid } of rows) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
      return null;
    }
    // After the command name in parentheses: utime and stime are the 12th and 13th fields.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / 100; // USER_HZ, 100 on Linux
}

const ITEM_COLUMNS =
  "id, source, external_id, scope_id, kind, author_id, at, text, url, thread_id, meta, raw, edited_at, deleted_at, updated_at";
const LINK_COLUMNS = "item_id, task_key, rule, manual, removed, created_by, created_at";

async function main(): Promise<void> {
  const { database, raw, drop } = await openDatabase();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const folder = mkdtempSync(join(tmpdir(), "threadline-bench-ingest-"));
  try {
    await migrateDatabase(database);
    log(
      `[bench] ${DATABASE}: ${TOTAL_ITEMS.toLocaleString("en-US")} items over ${TASKS.toLocaleString("en-US")} tasks, pages of ${PAGE}, ${WRITERS} writers`,
    );

    // 1. Ingest through the engine.
    const jiraLength = tasksPerProject * PER_TASK;
    const jira = benchConnector(
      "jira",
      PROJECTS,
      jiraLength,
      PROJECTS.map((_, s) =>
        renderScopePages(join(folder, `jira-${s}.json`), jiraLength, (p) => jiraRecord(s, p)),
      ),
      mapJira,
    );
    const slack = benchConnector(
      "slack",
      CHANNELS,
      chatPerChannel,
      CHANNELS.map((_, s) =>
        renderScopePages(join(folder, `slack-${s}.json`), chatPerChannel, (p) => chatRecord(s, p)),
      ),
      mapChat,
    );
    let lastLog = 0;
    let seen = 0;
    const serverCpuBefore = await serverCpuSeconds(raw);
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const report = await runSync({
      db: database.db,
      sources: [
        { connector: jira, settings: {} },
        { connector: slack, settings: {} },
      ],
      mode: "backfill",
      now: () => NOW,
      writeConcurrency: WRITERS,
      linkContext: {
        jiraProjects: PROJECTS,
        jiraSiteUrls: ["https://bench.atlassian.net"],
        githubRepos: [],
        githubWebUrls: ["https://github.com"],
      },
      observer: {
        progress(_source, progress) {
          seen = Math.max(seen, progress.items);
          if (performance.now() - lastLog > 10_000) {
            lastLog = performance.now();
            const memory = process.memoryUsage();
            const mb = (n: number) => Math.round(n / 1e6);
            log(
              `[bench] ${Math.round((performance.now() - started) / 1000)}s: ${seen} items, rss ${mb(memory.rss)} MB, heap ${mb(memory.heapUsed)}/${mb(memory.heapTotal)} MB, external ${mb(memory.external)} MB`,
            );
          }
        },
      },
    });
    const ingestSeconds = (performance.now() - started) / 1000;
    const ingestCpu = cpuSeconds(process.cpuUsage(cpuBefore));
    // The process's peak up to the end of the backfill (set-up included), before the ceiling's own work.
    const ingestPeakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    const serverCpuAfterIngest = await serverCpuSeconds(raw);
    if (!report.ok) throw new Error(`ingest failed: ${JSON.stringify(report.sources.map((s) => s.errors))}`);
    const [counts] = await raw.query<{ items: number; links: number; tasks: number }>(
      `select (select count(*) from items)::int as items, (select count(*) from item_links)::int as links,
              (select count(*) from tasks)::int as tasks`,
    );
    if (counts!.items !== TOTAL_ITEMS)
      throw new Error(`expected ${TOTAL_ITEMS} items, found ${counts!.items}`);
    const ingestRate = TOTAL_ITEMS / ingestSeconds;
    log(
      `[bench] ingest: ${round(ingestSeconds, 1)}s, ${Math.round(ingestRate)} items/s, ${counts!.links} links`,
    );

    // 2. The ceiling: COPY of the same item and link rows into tables like ours, same database, same run.
    // Rendered first, off the clock, into one pair of files per connection the copy will use.
    await raw.query(`create table items_copy (like items including all)`);
    await raw.query(`create table item_links_copy (like item_links including all)`);
    const scopeIds = new Map(
      (
        await raw.query<{ id: number; source: string; scope: string }>(
          `select id, source, scope from source_scopes`,
        )
      ).map((s) => [`${s.source}/${s.scope}`, s.id]),
    );
    const copiers = DATABASE === "postgres" ? WRITERS : 1;
    const parts = Array.from({ length: copiers }, (_, n) => ({
      items: join(folder, `items-${n}.copy`),
      links: join(folder, `links-${n}.copy`),
    }));
    for (const part of parts) {
      appendFileSync(part.items, "");
      appendFileSync(part.links, "");
    }
    let chunk = 0;
    const nowText = NOW.toISOString();
    const renderScope = (
      source: SourceId,
      scope: string,
      length: number,
      record: (position: number) => RawRecord,
      map: (record: RawRecord) => Mapped,
    ) => {
      let items = "";
      let links = "";
      let rootKey = "";
      const flush = () => {
        const part = parts[chunk++ % parts.length]!;
        appendFileSync(part.items, items);
        appendFileSync(part.links, links);
        items = "";
        links = "";
      };
      for (let p = 0; p < length; p++) {
        const r = record(p);
        const mapped = map(r);
        for (const item of mapped.items ?? []) {
          const id = `${source}:${item.externalId}`;
          const who = mapped.identities?.find((i) => i.externalId === item.author?.externalId);
          const author = who ? toPersonId(who) : null;
          items += `${[
            id,
            source,
            item.externalId,
            String(scopeIds.get(`${source}/${scope}`)),
            item.kind,
            author,
            item.at.toISOString(),
            item.text,
            item.url,
            item.threadId,
            JSON.stringify(item.meta),
            JSON.stringify(r),
            null,
            null,
            nowText,
          ]
            .map(copyField)
            .join("\t")}\n`;
          let key = item.parentTaskKey;
          let rule = "source_parent";
          if (!key) {
            const named = /[A-Z]{2}-\d+/.exec(item.text)?.[0];
            if (named) rootKey = named;
            key = rootKey;
            rule = named ? "jira_key" : "thread";
          }
          links += `${[id, key, rule, "f", "f", null, nowText].map(copyField).join("\t")}\n`;
        }
        if (items.length > 1 << 20) flush();
      }
      flush();
    };
    for (let s = 0; s < PROJECTS.length; s++) {
      renderScope("jira", PROJECTS[s]!, tasksPerProject * PER_TASK, (p) => jiraRecord(s, p), mapJira);
    }
    for (let s = 0; s < CHANNELS.length; s++) {
      renderScope("slack", CHANNELS[s]!, chatPerChannel, (p) => chatRecord(s, p), mapChat);
    }
    const copyCpuBefore = process.cpuUsage();
    const copyStarted = performance.now();
    await Promise.all(
      parts.map(async (part) => {
        await raw.copy("items_copy", ITEM_COLUMNS, part.items);
        await raw.copy("item_links_copy", LINK_COLUMNS, part.links);
      }),
    );
    const copySeconds = (performance.now() - copyStarted) / 1000;
    const copyCpu = cpuSeconds(process.cpuUsage(copyCpuBefore));
    const serverCpuAfterCopy = await serverCpuSeconds(raw);
    const copyRate = TOTAL_ITEMS / copySeconds;
    const [copied] = await raw.query<{ n: number }>(`select count(*)::int as n from items_copy`);
    if (copied!.n !== TOTAL_ITEMS) throw new Error(`COPY wrote ${copied!.n} rows`);
    log(
      `[bench] copy: ${round(copySeconds, 1)}s, ${Math.round(copyRate)} items/s over ${copiers} connections`,
    );
    await raw.query(`drop table items_copy, item_links_copy`);

    // 3. The timeline as the API route reads it, through the product's own query, at this size.
    await raw.query("analyze");
    const queries = Number(values.queries);
    const timeline = (key: string) => loadTimelineItems(database.db, key, null);
    const keys = Array.from({ length: queries }, (_, n) => taskKey((n * 104_729) % TASKS));
    for (const key of keys.slice(0, 100)) await timeline(key); // warm the cache, as a running server's is
    const client: number[] = [];
    let rows = 0;
    for (const key of keys) {
      const t = performance.now();
      rows += (await timeline(key)).length;
      client.push(performance.now() - t);
    }
    client.sort((a, b) => a - b);
    log(`[bench] timeline: ${round(rows / queries, 1)} items a task on average`);
    if (rows === 0) throw new Error("the timelines read no items");

    const figures = {
      bench: "ingest",
      database: DATABASE,
      items: TOTAL_ITEMS,
      tasks: TASKS,
      links: counts!.links,
      pageSize: PAGE,
      writers: WRITERS,
      copyConnections: copiers,
      ingestSeconds: round(ingestSeconds, 1),
      ingestItemsPerSecond: Math.round(ingestRate),
      copyItemsPerSecond: Math.round(copyRate),
      ingestToCopyRatio: round(ingestRate / copyRate),
      // CPU seconds, steadier than wall time on a machine other work loads: this process's (on PGlite the
      // database's work too), and on a PostgreSQL server on this machine its backends' for this database.
      ingestProcessCpuSeconds: round(ingestCpu),
      copyProcessCpuSeconds: round(copyCpu),
      ingestServerCpuSeconds: less(serverCpuAfterIngest, serverCpuBefore),
      copyServerCpuSeconds: less(serverCpuAfterCopy, serverCpuAfterIngest),
      ingestPeakRssMb,
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      timelineP50Ms: round(percentile(client, 50)),
      timelineP99Ms: round(percentile(client, 99)),
      timelineItemsPerTask: round(rows / queries, 1),
      goals: { ingestToCopyRatio: 0.7, ingestPeakRssMb: 300 },
      success: true,
    };
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    rmSync(folder, { recursive: true, force: true });
    await raw.end();
    await database.close();
    await drop();
  }
}

try {
  await main();
} catch (error) {
  // The last line is still the JSON a script reads: this run failed, and why.
  process.exitCode = 1;
  process.stdout.write(
    `${JSON.stringify({ bench: "ingest", database: DATABASE, success: false, error: String(error) })}\n`,
  );
}
