/**
 * Ingest benchmark: N items (default 1,000,000) over N/20 tasks through the real save path — `runSync` with
 * two synthetic connectors (Jira-like issues with comments, Slack-like threads whose keyless replies
 * inherit their root's link), pages mapped, linked and committed with their cursors as the engine does.
 * Then, in the same run on the same server, the ceiling: a raw `COPY` of the same item and link rows into
 * tables like ours (same indexes). Then the timeline query of `GET /api/tasks/{key}/timeline` at that size.
 *
 *   npm run bench:ingest -- [--items N] [--page-size N] [--url postgres://…]
 *
 * Uses DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) to create and drop a database of its
 * own. The last line printed is one JSON object with the figures.
 */
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
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
import { toPersonId } from "../src/store/identity.ts";
import { migrateDatabase } from "../src/store/migrate.ts";
import { openPostgres } from "../src/store/open-postgres.ts";
import { runSync } from "../src/sync/engine.ts";

const { values } = parseArgs({
  options: {
    items: { type: "string", default: "1000000" },
    "page-size": { type: "string", default: "500" },
    url: { type: "string" },
    queries: { type: "string", default: "2000" },
    writers: { type: "string" },
  },
});
const ITEMS = Number(values.items);
const PAGE = Number(values["page-size"]);
const ADMIN_URL = values.url ?? process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
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

/** A synthetic source: scopes of `length` records each, paged by record position (the cursor). */
function benchConnector<Id extends SourceId>(
  id: Id,
  scopes: string[],
  length: number,
  record: (scope: number, position: number) => RawRecord,
  map: (record: RawRecord) => Mapped,
): Connector<Id, object> {
  return {
    id,
    // The real source's descriptor (its name, whether its accounts are the team's), under the bench's id.
    about: { ...aboutSource(listSources(), id), id },
    fromEnv: () => ({}),
    listScopes: async () => scopes,
    async *pull(request) {
      const scope = scopes.indexOf(request.scope);
      const saved = request.cursors.main as { position?: number } | undefined;
      let position = saved?.position ?? 0;
      request.report.estimate(length - position);
      while (position < length && !request.signal.aborted) {
        const records: RawRecord[] = [];
        const end = Math.min(length, position + PAGE);
        for (let p = position; p < end; p++) records.push(record(scope, p));
        position = end;
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

async function main(): Promise<void> {
  const name = `threadline_bench_${randomBytes(4).toString("hex")}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const database = openPostgres(url.toString(), { max: 12 });
  const raw = postgres(url.toString(), { max: 2, onnotice: () => {} });
  const log = (line: string) => process.stderr.write(`${line}\n`);
  try {
    await migrateDatabase(database);
    log(
      `[bench] ${TOTAL_ITEMS.toLocaleString("en-US")} items over ${TASKS.toLocaleString("en-US")} tasks, pages of ${PAGE}`,
    );

    // 1. Ingest through the engine.
    const jira = benchConnector("jira", PROJECTS, tasksPerProject * PER_TASK, jiraRecord, mapJira);
    const slack = benchConnector("slack", CHANNELS, chatPerChannel, chatRecord, mapChat);
    let lastLog = 0;
    let seen = 0;
    const started = performance.now();
    const report = await runSync({
      db: database.db,
      sources: [
        { connector: jira, settings: {} },
        { connector: slack, settings: {} },
      ],
      mode: "backfill",
      now: () => NOW,
      ...(values.writers ? { writeConcurrency: Number(values.writers) } : {}),
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
            const rss = Math.round(process.memoryUsage().rss / 1e6);
            log(`[bench] ${Math.round((performance.now() - started) / 1000)}s: rss ${rss} MB`);
          }
        },
      },
    });
    const ingestSeconds = (performance.now() - started) / 1000;
    if (!report.ok) throw new Error(`ingest failed: ${JSON.stringify(report.sources.map((s) => s.errors))}`);
    const [counts] = await raw<{ items: number; links: number; tasks: number }[]>`
      select (select count(*) from items)::int as items, (select count(*) from item_links)::int as links,
             (select count(*) from tasks)::int as tasks`;
    if (counts!.items !== TOTAL_ITEMS)
      throw new Error(`expected ${TOTAL_ITEMS} items, found ${counts!.items}`);
    const ingestRate = TOTAL_ITEMS / ingestSeconds;
    log(
      `[bench] ingest: ${round(ingestSeconds, 1)}s, ${Math.round(ingestRate)} items/s, ${counts!.links} links`,
    );

    // 2. The ceiling: COPY of the same item and link rows into tables like ours, same server, same run.
    await raw.unsafe(`create table items_copy (like items including all)`);
    await raw.unsafe(`create table item_links_copy (like item_links including all)`);
    const scopeIds = new Map(
      (
        await raw<
          { id: number; source: string; scope: string }[]
        >`select id, source, scope from source_scopes`
      ).map((s) => [`${s.source}/${s.scope}`, s.id]),
    );
    const copyStarted = performance.now();
    const itemsIn =
      await raw`copy items_copy (id, source, external_id, scope_id, kind, author_id, at, text, url,
      thread_id, meta, raw, edited_at, deleted_at, updated_at) from stdin`.writable();
    const linksIn =
      await raw`copy item_links_copy (item_id, task_key, rule, manual, removed, created_by, created_at)
      from stdin`.writable();
    const write = async (stream: NodeJS.WritableStream, chunk: string) => {
      if (!stream.write(chunk)) await new Promise((r) => stream.once("drain", r));
    };
    const nowText = NOW.toISOString();
    const copyScope = async (
      source: SourceId,
      scope: string,
      length: number,
      record: (position: number) => RawRecord,
      map: (record: RawRecord) => Mapped,
    ) => {
      let items = "";
      let links = "";
      let rootKey = "";
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
        if (items.length > 1 << 20) {
          await write(itemsIn, items);
          await write(linksIn, links);
          items = "";
          links = "";
        }
      }
      await write(itemsIn, items);
      await write(linksIn, links);
    };
    for (let s = 0; s < PROJECTS.length; s++) {
      await copyScope("jira", PROJECTS[s]!, tasksPerProject * PER_TASK, (p) => jiraRecord(s, p), mapJira);
    }
    for (let s = 0; s < CHANNELS.length; s++) {
      await copyScope("slack", CHANNELS[s]!, chatPerChannel, (p) => chatRecord(s, p), mapChat);
    }
    const finished = (stream: NodeJS.WritableStream) =>
      new Promise<void>((resolve, reject) => {
        stream.once("finish", () => resolve());
        stream.once("error", reject);
        stream.end();
      });
    await Promise.all([finished(itemsIn), finished(linksIn)]);
    const copySeconds = (performance.now() - copyStarted) / 1000;
    const copyRate = TOTAL_ITEMS / copySeconds;
    const [copied] = await raw<{ n: number }[]>`select count(*)::int as n from items_copy`;
    if (copied!.n !== TOTAL_ITEMS) throw new Error(`COPY wrote ${copied!.n} rows`);
    log(`[bench] copy: ${round(copySeconds, 1)}s, ${Math.round(copyRate)} items/s`);
    await raw.unsafe(`drop table items_copy, item_links_copy`);

    // 3. The timeline query the API route runs, at this size.
    await raw.unsafe("analyze");
    const queries = Number(values.queries);
    const timeline = (key: string) => raw`
      select i.id, i.source, i.kind, l.task_key, i.at, i.text, i.url, i.thread_id,
             p.id as author_id, p.name as author_name, p.email as author_email
      from item_links l
      join items i on i.id = l.item_id
      left join people p on p.id = i.author_id
      where l.task_key = ${key} and not l.removed and i.deleted_at is null
      order by i.at, i.id`;
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
    const server: number[] = [];
    for (const key of keys.slice(0, 300)) {
      const [plan] = await raw.unsafe(
        `explain (analyze, format json) select i.id, i.source, i.kind, l.task_key, i.at, i.text, i.url, i.thread_id,
           p.id, p.name, p.email from item_links l join items i on i.id = l.item_id
           left join people p on p.id = i.author_id
           where l.task_key = $1 and not l.removed and i.deleted_at is null order by i.at, i.id`,
        [key],
      );
      const json = (plan as Record<string, Array<{ "Execution Time": number }>>)["QUERY PLAN"]!;
      server.push(json[0]!["Execution Time"]);
    }
    server.sort((a, b) => a - b);
    log(`[bench] timeline: ${round(rows / queries, 1)} items a task on average`);

    const figures = {
      items: TOTAL_ITEMS,
      tasks: TASKS,
      links: counts!.links,
      pageSize: PAGE,
      ingestSeconds: round(ingestSeconds, 1),
      ingestItemsPerSecond: Math.round(ingestRate),
      copyItemsPerSecond: Math.round(copyRate),
      ingestToCopyRatio: round(ingestRate / copyRate),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      timelineP50Ms: round(percentile(client, 50)),
      timelineP99Ms: round(percentile(client, 99)),
      timelineDbP50Ms: round(percentile(server, 50), 3),
      timelineDbP99Ms: round(percentile(server, 99), 3),
      goals: { ingestToCopyRatio: 0.5, peakRssMb: 300, timelineDbP99Ms: 10 },
    };
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    await raw.end({ timeout: 5 });
    await database.close();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end({ timeout: 5 });
  }
}

await main();
