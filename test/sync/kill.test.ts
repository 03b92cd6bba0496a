import { type ChildProcess, spawn } from "node:child_process";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { build } from "esbuild";
import { beforeAll, expect, it } from "vitest";
import * as schema from "../../schema/index.ts";
import type { Database, Db } from "../../src/store/db.ts";
import { migrateDatabase } from "../../src/store/migrate.ts";
import { openPglite } from "../../src/store/open-pglite.ts";
import { openPostgres } from "../../src/store/open-postgres.ts";
import { tempDir } from "../helpers/cli.ts";
import {
  createEmptyPostgresDatabase,
  createTestDatabase,
  TEST_DATABASE_KINDS,
} from "../helpers/databases.ts";
import { dumpDatabase } from "../helpers/dump.ts";
import { killWorkspace } from "../helpers/kill-workspace.ts";
import { seededRandom } from "../helpers/sync-dataset.ts";
import { syncOnce } from "../helpers/sync-run.ts";

const CHILD_SOURCE = fileURLToPath(new URL("../helpers/sync-child.ts", import.meta.url));
// The child is bundled once: twenty-odd starts through tsx would spend a minute compiling the same files.
// It sits under node_modules so that its packages resolve as they do from the sources.
const CHILD = fileURLToPath(
  new URL("../../node_modules/.cache/threadline-test/sync-child.mjs", import.meta.url),
);

beforeAll(async () => {
  await build({
    entryPoints: [CHILD_SOURCE],
    outfile: CHILD,
    bundle: true,
    platform: "node",
    format: "esm",
    packages: "external",
    logLevel: "warning",
  });
});
const SEED = 11;
/**
 * Ten kills on the server, or on PGlite when it is the only database. Each PGlite child spends seconds
 * opening its files, so beside the server run PGlite takes three: enough to prove its files survive a kill.
 */
const killsFor = (kind: string) => (kind === "pglite" && TEST_DATABASE_KINDS.includes("postgres") ? 3 : 10);

/** Runs the child; with `killAfterPages`, SIGKILLs it that many committed pages (plus a few ms) in. */
function runChild(
  target: string[],
  pageDelayMs: number,
  killAfter?: { pages: number; extraMs: number },
): Promise<{ killed: boolean; code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(
      process.execPath,
      [CHILD, ...target, "--seed", String(SEED), "--page-delay", String(pageDelayMs)],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    let pages = 0;
    let killed = false;
    child.stdout!.on("data", (d: Buffer) => {
      output += d;
      pages += (d.toString().match(/^page$/gm) ?? []).length;
      if (killAfter && !killed && pages >= killAfter.pages) {
        killed = true;
        setTimeout(() => child.kill("SIGKILL"), killAfter.extraMs);
      }
    });
    child.stderr!.on("data", (d: Buffer) => {
      output += d;
    });
    child.once("error", reject);
    child.once("exit", (code, signal) => resolve({ killed: signal === "SIGKILL", code, output }));
  });
}

/** An in-memory PGlite that can hand over its files. */
async function openMemoryPglite(): Promise<Database & { dumpDataDir(): Promise<Blob> }> {
  const client = new PGlite();
  await client.waitReady;
  return {
    db: drizzle(client, { schema }) as unknown as Db,
    kind: "pglite",
    close: () => client.close(),
    dumpDataDir: () => client.dumpDataDir("none") as Promise<Blob>,
  };
}

for (const kind of TEST_DATABASE_KINDS) {
  const KILLS = killsFor(kind);
  it(`a backfill SIGKILLed ${KILLS} times at random points ends equal to an uninterrupted one [${kind}]`, async () => {
    // The uninterrupted run, in process. PGlite's migrated but empty files also seed the database on disk,
    // which saves its slow first start (initdb).
    let template: Blob | undefined;
    let reference: Database;
    if (kind === "pglite") {
      const memory = await openMemoryPglite();
      await migrateDatabase(memory);
      template = await memory.dumpDataDir();
      reference = memory;
    } else {
      reference = await createTestDatabase(kind);
    }
    let expected: Awaited<ReturnType<typeof dumpDatabase>>;
    try {
      const report = await syncOnce(reference.db, killWorkspace(SEED).sources);
      expect(report.ok).toBe(true);
      expected = await dumpDatabase(reference.db);
    } finally {
      await reference.close();
    }

    // The killed one, in child processes against a database on disk (PGlite) or on the server.
    // Pages on the server take a few ms: a short pause spreads the kills over every phase of a page.
    const pageDelayMs = kind === "postgres" ? 3 : 0;
    let target: string[];
    let open: () => Promise<Database>;
    let cleanup: () => Promise<void>;
    if (kind === "postgres") {
      const empty = await createEmptyPostgresDatabase();
      target = ["--postgres", empty.url];
      open = async () => openPostgres(empty.url, { max: 2 });
      cleanup = empty.drop;
      const first = await open();
      await migrateDatabase(first);
      await first.close();
    } else {
      const dir = join(await tempDir("threadline-kill-"), "db");
      const seeded = new PGlite(dir, { loadDataDir: template! });
      await seeded.waitReady;
      await seeded.close();
      target = ["--pglite", dir];
      open = () => openPglite(dir);
      cleanup = () => rm(dir, { recursive: true, force: true });
    }
    try {
      const random = seededRandom(SEED);
      let kills = 0;
      for (let attempt = 0; attempt < KILLS; attempt++) {
        const run = await runChild(target, pageDelayMs, {
          pages: 1 + Math.floor(random() * 6),
          extraMs: Math.floor(random() * 25),
        });
        if (!run.killed) throw new Error(`the run ended before its kill (${run.code}):\n${run.output}`);
        kills++;
      }
      expect(kills).toBe(KILLS);
      const last = await runChild(target, pageDelayMs);
      expect(last.code, last.output).toBe(0);

      const database = await open();
      try {
        expect(await dumpDatabase(database.db)).toEqual(expected);
      } finally {
        await database.close();
      }
    } finally {
      await cleanup();
    }
  }, 120_000);
}
