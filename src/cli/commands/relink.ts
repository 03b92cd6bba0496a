import { MultiBar } from "cli-progress";
import type { Command } from "commander";
import { CONNECTORS, type ConnectorSet, listSources } from "../../../connectors/registry.ts";
import { parseConfig } from "../../config.ts";
import { loadFlagSettings } from "../../flags/load-flag-settings.ts";
import { recomputeAfterChange } from "../../flags/recompute.ts";
import { loadPeopleFile } from "../../load-people-file.ts";
import { migrateDatabase } from "../../store/migrate.ts";
import { openDatabase } from "../../store/open-database.ts";
import { toLinkContext } from "../../sync/link-context.ts";
import { relinkAll } from "../../sync/relink.ts";
import { formatCount, formatDuration } from "../../sync/summary.ts";
import { loadConfig } from "../env.ts";

export interface RelinkCommandIo {
  env: Record<string, string | undefined>;
  connectors?: ConnectorSet;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  now?: () => Date;
  /** Where `threadline.config.json` is looked for (default: the working directory). */
  cwd?: string;
}

/**
 * `threadline relink`: replays the mappers and the linking rules over the stored raw payloads (no API is
 * asked), applies the people file, evaluates the flags of every task that changed, and reports the links
 * added and removed. Resolves to the exit status (1 when records failed to map).
 */
export async function runRelinkCommand(options: { json?: boolean }, io: RelinkCommandIo): Promise<number> {
  const config = parseConfig(io.env);
  const registry = io.connectors ?? CONNECTORS;
  const flagSettings = loadFlagSettings(config.env, io.cwd, listSources(registry));
  const people = loadPeopleFile(io.cwd);
  const database = await openDatabase(config);
  const multibar =
    io.stderr.isTTY && !options.json
      ? new MultiBar({
          stream: io.stderr,
          format: "{what} {bar} {value}/{total}",
          hideCursor: true,
          clearOnComplete: false,
        })
      : undefined;
  try {
    await migrateDatabase(database);
    const tasksBar = multibar?.create(1, 0, { what: "tasks" });
    const itemsBar = multibar?.create(1, 0, { what: "items" });
    const report = await relinkAll({
      db: database.db,
      connectors: registry,
      linkContext: toLinkContext(config.env, listSources(registry)),
      people,
      ...(io.now ? { now: io.now } : {}),
      onProgress: (p) => {
        tasksBar?.setTotal(Math.max(1, p.tasksTotal));
        tasksBar?.update(p.tasksDone);
        itemsBar?.setTotal(Math.max(1, p.itemsTotal));
        itemsBar?.update(p.itemsDone);
      },
    });
    multibar?.stop();
    const flags = await recomputeAfterChange(
      database.db,
      report.changedTaskKeys,
      flagSettings,
      (io.now ?? (() => new Date()))(),
    );
    const ok = report.failed === 0;
    if (options.json) {
      io.stdout.write(
        `${JSON.stringify({
          ok,
          tasks: report.tasks,
          items: report.items,
          tasksUpdated: report.tasksUpdated,
          itemsUpdated: report.itemsUpdated,
          linksAdded: report.linksAdded,
          linksRemoved: report.linksRemoved,
          skipped: report.skipped,
          failed: report.failed,
          errors: report.errors,
          changedTasks: report.changedTaskKeys.size,
          flagsEvaluated: flags?.tasks ?? 0,
          durationMs: report.durationMs,
        })}\n`,
      );
    } else {
      io.stdout.write(
        `Relinked ${formatCount(report.tasks)} tasks and ${formatCount(report.items)} items in ${formatDuration(report.durationMs)}: ` +
          `${formatCount(report.linksAdded)} links added, ${formatCount(report.linksRemoved)} removed` +
          `${report.skipped > 0 ? `; ${formatCount(report.skipped)} rows skipped (no raw payload or no connector for their source)` : ""}.\n`,
      );
      for (const error of report.errors) io.stdout.write(`  ${error}\n`);
    }
    return ok ? 0 : 1;
  } finally {
    multibar?.stop();
    await database.close();
  }
}

export function registerRelink(program: Command): void {
  program
    .command("relink")
    .description("re-run the mappers and linking rules over stored payloads, without asking any API")
    .option("--json", "print the report as JSON on stdout")
    .action(async (options: { json?: boolean }) => {
      loadConfig();
      process.exitCode = await runRelinkCommand(
        { json: options.json ?? false },
        { env: process.env, stdout: process.stdout, stderr: process.stderr },
      );
    });
}
