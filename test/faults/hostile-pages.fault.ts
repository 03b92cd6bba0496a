/**
 * `threadline serve` syncing all five sources while each holds megabyte hostile bodies (spaces, tabs, `@`s, `<`
 * without `>`, nested elements and brackets, a long word, mixed scripts, blank line ends): the pass saves every
 * item, a record that ran past its mapping budget kept and marked as not analysed, and `/healthz`, asked every
 * 20 ms from another process, answers without a stall (the goal is 100 ms throughout; not met yet, see the
 * last test). On the embedded database the same process serves the web, runs the sync and writes the
 * database, so nothing of the sync may hold its event loop.
 */
import { rm } from "node:fs/promises";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ITEM_TEXT_BUDGET } from "../../src/model/text-budget.ts";
import { openDatabase } from "../../src/store/open-database.ts";
import { queryRows } from "../../src/store/rows.ts";
import { freePort, tempDir } from "../helpers/cli.ts";
import {
  createEmptyPostgresDatabase,
  TEST_DATABASE_KINDS,
  type TestDatabaseKind,
} from "../helpers/databases.ts";
import { type ProbeAnswer, startHealthzProbe } from "../helpers/healthz-probe.ts";
import { startHostileSources } from "../helpers/hostile-sources.ts";
import { bundleCli, startServerProcess } from "../helpers/server-process.ts";

const TOKEN = "hostile-pages-token-0123456789";
/** The longest a `/healthz` answer should take while the sync runs (issue 18's goal). */
const HEALTHZ_MS = 100;
/** The longest one may take today (see the test). */
const STALL_MS = 10_000;
const NOT_ANALYSED = "[Threadline did not analyse this message:";

let cli: Awaited<ReturnType<typeof bundleCli>>;
beforeAll(async () => {
  cli = await bundleCli();
});
afterAll(() => cli?.dispose());

interface SourceLine {
  source: string;
  scope: string | null;
  state: string;
  lastError: string | null;
  lastPassAt: string | null;
}

async function sourceLines(url: string): Promise<SourceLine[]> {
  const res = await fetch(`${url}/api/sources`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { sources: SourceLine[] }).sources;
}

/** Waits until every source has a line with a pass after `since`; fails on a source that failed. */
async function waitForPass(url: string, since: Date, timeoutMs: number): Promise<SourceLine[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lines = await sourceLines(url);
    const failing = lines.filter((l) => l.state === "failing" || l.state === "rate_limited");
    expect(failing).toEqual([]);
    const passed = new Set(
      lines.filter((l) => l.lastPassAt && new Date(l.lastPassAt) >= since).map((l) => l.source),
    );
    if (passed.size === 5 && lines.every((l) => l.lastPassAt && new Date(l.lastPassAt) >= since))
      return lines;
    if (Date.now() > deadline) throw new Error(`the sync did not end in time: ${JSON.stringify(lines)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

interface HostileRun {
  /** Every `/healthz` answer asked from the sync's request to its end. */
  answers: ProbeAnswer[];
  stored: Array<{ source: string; items: number; not_analysed: number; longest: number }>;
  expected: Record<string, number>;
}

/** Starts the sources and the server, syncs once while probing, and reads what was stored. */
async function runHostileSync(kind: TestDatabaseKind): Promise<HostileRun> {
  const sources = await startHostileSources();
  const dataDir = await tempDir("threadline-hostile-pages-");
  const postgres = kind === "postgres" ? await createEmptyPostgresDatabase() : null;
  const server = await startServerProcess({
    port: await freePort(),
    cwd: dataDir,
    entry: cli.entry,
    env: {
      ...sources.env,
      THREADLINE_DATA_DIR: dataDir,
      ...(postgres ? { DATABASE_URL: postgres.url } : {}),
      THREADLINE_API_TOKEN: TOKEN,
      THREADLINE_DEMO: "0",
      THREADLINE_LOG_LEVEL: "warn",
    },
  });
  try {
    const probe = startHealthzProbe(`${server.url}/healthz`);
    let answers: ProbeAnswer[];
    let syncAskedAt = 0;
    try {
      // The server has just started: the probe's first answers are its own warm-up, not the sync's.
      await new Promise((r) => setTimeout(r, 1_000));
      const since = new Date();
      syncAskedAt = Date.now();
      const res = await fetch(`${server.url}/api/sync`, {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(res.status).toBe(202);
      await waitForPass(server.url, since, 600_000);
    } finally {
      answers = await probe.stop();
    }
    await server.kill();
    const database = await openDatabase({ databaseUrl: postgres?.url, dataDir });
    try {
      const stored = await queryRows<HostileRun["stored"][number]>(
        database.db,
        sql`select source, count(*)::int as items,
              count(*) filter (where starts_with(text, ${NOT_ANALYSED}))::int as not_analysed,
              max(length(text))::int as longest
            from items group by source order by source`,
      );
      const during = answers.filter((a) => a.at >= syncAskedAt);
      const worst = [...during].sort((a, b) => b.ms - a.ms).slice(0, 5);
      console.log(
        `[${kind}] ${during.length} /healthz answers during the sync, the slowest ${JSON.stringify(worst)}; stored ${JSON.stringify(stored)}`,
      );
      return { answers: during, stored, expected: sources.items };
    } finally {
      await database.close();
    }
  } finally {
    await server.kill();
    await sources.close();
    await postgres?.drop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

for (const kind of TEST_DATABASE_KINDS) {
  describe(`threadline serve syncing hostile megabyte bodies from every source [${kind}]`, () => {
    let run: HostileRun;
    beforeAll(async () => {
      run = await runHostileSync(kind);
    }, 900_000);

    it("saves every item while the probe runs, each analysed within the text budget or marked as not", () => {
      expect(Object.fromEntries(run.stored.map((s) => [s.source, s.items]))).toEqual(run.expected);
      // A body past the budget keeps its start and a line saying the rest is in the source.
      for (const s of run.stored) expect(s.longest, s.source).toBeLessThan(ITEM_TEXT_BUDGET + 200);
      // Asked every 20 ms through a sync of tens of seconds.
      expect(run.answers.length).toBeGreaterThan(50);
    });

    // The goal is HEALTHZ_MS and it is not met yet: what still holds the event loop (the embedded database's
    // statements of megabyte rows, Jira's 20 MB answer parsed and copied to the mapping thread, the pulls' own
    // reading of bodies) is listed in docs/faults-and-load.md, with the longest answers measured. What this
    // asserts is the bound that holds today on two cores: no stall of the kind these bodies caused before
    // (minutes), nor the seconds a megabyte row's escaping cost. A probe left without an answer counts with the
    // time it waited.
    it(`answers /healthz within ${STALL_MS / 1000} s throughout (goal ${HEALTHZ_MS} ms, not met yet)`, () => {
      const worst = Math.max(...run.answers.map((a) => a.ms));
      expect(worst).toBeLessThan(STALL_MS);
    });
  });
}
