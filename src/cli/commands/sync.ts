import type { Command } from "commander";
import { CONNECTORS, type ConnectorSet, listSources } from "../../../connectors/registry.ts";
import { parseConfig } from "../../config.ts";
import { loadFlagSettings } from "../../flags/load-flag-settings.ts";
import type { RecomputeSummary } from "../../flags/recompute.ts";
import { loadPeopleFile } from "../../load-people-file.ts";
import { keepUpEmbeddedDatabase } from "../../store/embedded-upkeep.ts";
import { migrateDatabase } from "../../store/migrate.ts";
import { openDatabase } from "../../store/open-database.ts";
import { runSync, type SyncMode, type SyncObserver } from "../../sync/engine.ts";
import { toLinkContext } from "../../sync/link-context.ts";
import { sharedThreadMapper } from "../../sync/map-thread.ts";
import { createProgressBars } from "../../sync/progress-bars.ts";
import { configureSources } from "../../sync/sources.ts";
import { formatDuration, toSummaryJson, toSummaryTable } from "../../sync/summary.ts";
import { loadConfig } from "../env.ts";

export interface SyncCommandOptions {
  mode: SyncMode;
  since?: Date;
  sources?: string[];
  json?: boolean;
}

/** What a run of the command reads and writes, so a test can run it in-process with connectors of its own. */
export interface SyncCommandIo {
  env: Record<string, string | undefined>;
  connectors?: ConnectorSet;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  now?: () => Date;
  signal?: AbortSignal;
  /** Where `threadline.config.json` is looked for (default: the working directory). */
  cwd?: string;
}

/**
 * `threadline backfill` and `threadline sync`: opens and migrates the database, runs every configured source
 * (or the named ones), shows a progress line per source on a terminal, and prints the summary (a table, or
 * JSON with `--json`). Resolves to the exit status: 0 when every source succeeded, 1 otherwise.
 */
export async function runSyncCommand(options: SyncCommandOptions, io: SyncCommandIo): Promise<number> {
  const config = parseConfig(io.env);
  const registry = io.connectors ?? CONNECTORS;
  const flagSettings = loadFlagSettings(config.env, io.cwd, listSources(registry));
  const people = loadPeopleFile(io.cwd);
  const sources = configureSources(config.env, options.sources ?? [], registry);
  const verb = options.mode === "backfill" ? "Backfill" : "Sync";
  if (sources.length === 0) {
    const message = `[threadline] nothing to ${options.mode}: no source is configured (see the README's configuration table)\n`;
    if (options.json) io.stdout.write(`${JSON.stringify({ ok: true, mode: options.mode, sources: [] })}\n`);
    io.stderr.write(message);
    return 0;
  }
  const database = await openDatabase(config);
  const bars = io.stderr.isTTY && !options.json ? createProgressBars(io.stderr) : undefined;
  try {
    await migrateDatabase(database);
    const observer: SyncObserver = bars ?? {
      sourceFinished(report) {
        if (!options.json) {
          io.stderr.write(`${verb} of ${report.source}: ${report.ok ? "done" : "failed"}\n`);
        }
      },
    };
    const report = await runSync({
      db: database.db,
      sources,
      mode: options.mode,
      since: options.since ?? null,
      linkContext: toLinkContext(config.env, listSources(registry)),
      observer,
      flagSettings,
      people,
      secretKey: config.env.THREADLINE_SECRET_KEY,
      mapper: sharedThreadMapper(),
      ...(io.now ? { now: io.now } : {}),
      ...(io.signal ? { signal: io.signal } : {}),
    });
    bars?.stop();
    io.stdout.write(options.json ? `${JSON.stringify(toSummaryJson(report))}\n` : toSummaryTable(report));
    if (report.peopleError) io.stderr.write(`${report.peopleError}\n`);
    if (report.flags && !report.flags.ok) io.stderr.write(`${report.flags.error}\n`);
    else if (report.flags && !options.json)
      io.stderr.write(`${describeFlagRecompute(report.flags.summary)}\n`);
    // The embedded database has no autovacuum: a run that wrote a backfill's rows leaves its tables vacuumed
    // and analysed, as the server's autovacuum would.
    if (database.kind === "pglite") {
      try {
        await keepUpEmbeddedDatabase(database.db);
      } catch (err) {
        io.stderr.write(`Vacuuming the embedded database failed: ${(err as Error).message}\n`);
      }
    }
    return report.ok && report.flags?.ok !== false ? 0 : 1;
  } finally {
    bars?.stop();
    await database.close();
  }
}

/** `Flags: 120 tasks evaluated in 0.4s; 12 new, 3 back, 5 resolved.` */
function describeFlagRecompute(s: RecomputeSummary): string {
  return `Flags: ${s.tasks} changed task${s.tasks === 1 ? "" : "s"} evaluated in ${formatDuration(s.ms)}; ${s.opened} new, ${s.reopened} back, ${s.resolved} resolved.`;
}

/** Stops the run on the first Ctrl-C after the pages in flight are saved; a second one ends the process. */
export function stopOnInterrupt(): AbortSignal {
  const controller = new AbortController();
  process.once("SIGINT", () => {
    process.stderr.write(
      "\n[threadline] stopping after the pages in flight are saved (Ctrl-C again to quit now)\n",
    );
    controller.abort();
    process.once("SIGINT", () => process.exit(130));
  });
  process.once("SIGTERM", () => controller.abort());
  return controller.signal;
}

export function registerSync(program: Command): void {
  program
    .command("sync")
    .description("one incremental pass over every configured source")
    .option("--json", "print the summary as JSON on stdout")
    .action(async (options: { json?: boolean }) => {
      loadConfig(); // reads .env into the environment and fails fast on a bad variable
      process.exitCode = await runSyncCommand(
        { mode: "sync", json: options.json ?? false },
        { env: process.env, stdout: process.stdout, stderr: process.stderr, signal: stopOnInterrupt() },
      );
    });
}
