/**
 * The contract's real "resume after a kill": a source's backfill in a child process against its sandbox,
 * SIGKILLed once its first page is committed, then run again to the end; the database must equal a clean
 * run's. The in-process resume of the contract proves the cursors; this proves the database side (what a
 * killed process leaves committed, on PGlite's files and on the server).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { build } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../../connectors/sandbox/harness.ts";
import * as schema from "../../../schema/index.ts";
import type { Database, Db } from "../../../src/store/db.ts";
import { migrateDatabase } from "../../../src/store/migrate.ts";
import { openPglite } from "../../../src/store/open-pglite.ts";
import { openPostgres } from "../../../src/store/open-postgres.ts";
import { tempDir } from "../../helpers/cli.ts";
import {
  createEmptyPostgresDatabase,
  createTestDatabase,
  TEST_DATABASE_KINDS,
  type TestDatabaseKind,
} from "../../helpers/databases.ts";
import { BOOKKEEPING, dumpDatabase } from "../../helpers/dump.ts";
import { syncOnce } from "../../helpers/sync-run.ts";
import type { ChildSyncOptions } from "./backfill-child.ts";
import type { ConnectorFixture } from "./contract.ts";

const CHILD_SOURCE = fileURLToPath(new URL("./backfill-child.ts", import.meta.url));
// Bundled once, as the engine's kill test does: ten starts through tsx would compile the same files ten times.
const CHILD = fileURLToPath(
  new URL("../../../node_modules/.cache/threadline-test/backfill-child.mjs", import.meta.url),
);
let bundled: Promise<unknown> | undefined;
const bundleChild = () => {
  bundled ??= build({
    entryPoints: [CHILD_SOURCE],
    outfile: CHILD,
    bundle: true,
    platform: "node",
    format: "esm",
    packages: "external",
    logLevel: "warning",
  });
  return bundled;
};

/** Runs the child; with `killAfterFirstPage`, SIGKILLs it as soon as it says a page is committed. */
function runChild(
  args: string[],
  killAfterFirstPage: boolean,
): Promise<{ killed: boolean; pages: number; code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [CHILD, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    let pages = 0;
    child.stdout!.on("data", (d: Buffer) => {
      output += d;
      pages += (d.toString().match(/^page$/gm) ?? []).length;
      if (killAfterFirstPage && pages >= 1) child.kill("SIGKILL");
    });
    child.stderr!.on("data", (d: Buffer) => {
      output += d;
    });
    child.once("error", reject);
    child.once("exit", (code, signal) => resolve({ killed: signal === "SIGKILL", pages, code, output }));
  });
}

let template: Promise<Blob> | undefined;
/** The files of a migrated PGlite, made once for every source of the file. */
function pgliteTemplate(): Promise<Blob> {
  template ??= (async () => {
    const client = new PGlite();
    await client.waitReady;
    await migrateDatabase({
      db: drizzle(client, { schema }) as unknown as Db,
      kind: "pglite",
      close: () => client.close(),
    });
    const files = (await client.dumpDataDir("none")) as Blob;
    await client.close();
    return files;
  })();
  return template;
}

/**
 * The clean run's database, and one for the child: on the server, a fresh one; on PGlite, a directory
 * seeded with the migrated files of the in-memory one (as the engine's kill test does: a first start on
 * disk, initdb and migrations, costs seconds).
 */
async function databasesFor(kind: TestDatabaseKind): Promise<{
  reference: Database;
  args: string[];
  open(): Promise<Database>;
  drop(): Promise<void>;
}> {
  if (kind === "postgres") {
    const reference = await createTestDatabase(kind);
    const empty = await createEmptyPostgresDatabase();
    const first = openPostgres(empty.url, { max: 2 });
    await migrateDatabase(first);
    await first.close();
    return {
      reference,
      args: ["--postgres", empty.url],
      open: async () => openPostgres(empty.url, { max: 2 }),
      drop: empty.drop,
    };
  }
  const template = await pgliteTemplate();
  const client = new PGlite({ loadDataDir: template });
  await client.waitReady;
  const reference: Database = {
    db: drizzle(client, { schema }) as unknown as Db,
    kind: "pglite",
    close: () => client.close(),
  };
  const dir = join(await tempDir("threadline-contract-kill-"), "db");
  const seeded = new PGlite(dir, { loadDataDir: template });
  await seeded.waitReady;
  await seeded.close();
  return {
    reference,
    args: ["--pglite", dir],
    open: () => openPglite(dir),
    drop: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Registers the kill test of one source, once a database kind. */
export function describeConnectorKill<Settings, Sb extends Sandbox>(
  fixture: ConnectorFixture<Settings, Sb>,
): void {
  describe(`${fixture.source} backfill killed in a child process`, () => {
    beforeAll(async () => {
      await bundleChild();
      if (TEST_DATABASE_KINDS.includes("pglite")) await pgliteTemplate();
    });
    // Two child starts, each opening the database, take most of it: about 5 s on the server and 10 to 25 s
    // on PGlite's files when the machine is busy.
    for (const kind of TEST_DATABASE_KINDS) {
      it(`resumes after a SIGKILL past its first committed page to the database of a clean run [${kind}]`, async () => {
        const sandbox = await (fixture.paged.start?.() ?? fixture.start());
        try {
          const settings = fixture.settings(sandbox);
          // The child gets the settings as JSON: they must survive it.
          expect(JSON.parse(JSON.stringify(settings))).toEqual(settings);
          const sync = fixture.sync?.(sandbox) ?? {};
          const options: ChildSyncOptions = {
            ...(sync.now ? { now: sync.now().toISOString() } : {}),
            ...(sync.linkContext ? { linkContext: sync.linkContext } : {}),
            ...(sync.retry ? { retry: sync.retry } : {}),
          };

          const { reference, ...target } = await databasesFor(kind);
          let clean: Awaited<ReturnType<typeof dumpDatabase>>;
          try {
            const report = await syncOnce(reference.db, [{ connector: fixture.paged.connector, settings }], {
              mode: "backfill",
              ...sync,
            });
            expect(report.sources[0]!.errors).toEqual([]);
            clean = await dumpDatabase(reference.db, { omit: BOOKKEEPING });
            expect(clean.items.length).toBeGreaterThan(0);
          } finally {
            await reference.close();
          }

          try {
            const args = [
              "--source",
              fixture.source,
              "--settings",
              JSON.stringify(settings),
              "--options",
              JSON.stringify(options),
              ...target.args,
            ];
            const killed = await runChild(args, true);
            expect(killed.killed, `the run ended before its kill (${killed.code}):\n${killed.output}`).toBe(
              true,
            );
            expect(killed.pages).toBeGreaterThanOrEqual(1);
            const last = await runChild(args, false);
            expect(last.code, last.output).toBe(0);
            const database = await target.open();
            try {
              expect(await dumpDatabase(database.db, { omit: BOOKKEEPING })).toEqual(clean);
            } finally {
              await database.close();
            }
          } finally {
            await target.drop();
          }
        } finally {
          await sandbox.close();
        }
      }, 60_000);
    }
  });
}
