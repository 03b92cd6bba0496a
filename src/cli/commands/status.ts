import type { Command } from "commander";
import { CONNECTORS, type ConnectorSet } from "../../../connectors/registry.ts";
import { parseConfig } from "../../config.ts";
import type { SourceStatus } from "../../model/source-status.ts";
import { loadSourceStatuses } from "../../store/load-source-statuses.ts";
import { migrateDatabase } from "../../store/migrate.ts";
import { openDatabase } from "../../store/open-database.ts";
import { toSourceSetups } from "../../sync/source-setups.ts";

export interface StatusCommandIo {
  env: Record<string, string | undefined>;
  stdout: { write(text: string): unknown };
  now?: Date;
  connectors?: ConnectorSet;
}

const STATE_WORDS = {
  ok: "ok",
  failing: "FAILING",
  rate_limited: "rate-limited",
  disabled: "disabled",
} as const;

/** One source or scope as a few lines a person reads. */
export function toStatusText(line: SourceStatus): string {
  const name = line.scope ? `${line.source} ${line.scope}` : line.source;
  const facts = [
    STATE_WORDS[line.state] + (line.rateLimitedUntil ? ` until ${line.rateLimitedUntil}` : ""),
    line.lastSuccessAt
      ? `last success ${line.lastSuccessAt}`
      : line.state === "disabled"
        ? null
        : "never read to its end",
    line.itemsSeen !== null ? `${line.itemsSeen} items last pass` : null,
    line.nextRunAt ? `next pass ${line.nextRunAt}` : null,
    line.push
      ? `${line.push.kind} ${line.push.state}${line.push.lastDeliveryAt ? ` (last delivery ${line.push.lastDeliveryAt})` : ""}${line.push.expiresAt ? ` (expires ${line.push.expiresAt})` : ""}`
      : null,
  ].filter((f): f is string => f !== null);
  const lines = [`${name}: ${facts.join("; ")}`];
  if (line.lastError) lines.push(`  ${line.lastError}`);
  if (line.action && line.state !== "ok") lines.push(`  → ${line.action}`);
  return lines.join("\n");
}

/**
 * `threadline status [--json]`: each source and scope as the last passes left them. The JSON is what
 * `GET /api/sources` answers.
 */
export async function runStatusCommand(options: { json: boolean }, io: StatusCommandIo): Promise<number> {
  const config = parseConfig(io.env);
  const setups = toSourceSetups(config.env, io.connectors ?? CONNECTORS);
  const database = await openDatabase(config);
  try {
    await migrateDatabase(database);
    const sources = await loadSourceStatuses(database.db, setups, io.now ?? new Date());
    if (options.json) io.stdout.write(`${JSON.stringify({ sources }, null, 2)}\n`);
    else io.stdout.write(`${sources.map(toStatusText).join("\n")}\n`);
    return 0;
  } finally {
    await database.close();
  }
}

export function registerStatus(program: Command): void {
  program
    .command("status")
    .description(
      "each source and scope: state (ok, failing and why, rate-limited until, disabled), last successful pass, next pass, webhook or subscription state",
    )
    .option("--json", "print what GET /api/sources answers")
    .action(async (options: { json?: boolean }) => {
      const { loadConfig } = await import("../env.ts");
      const config = loadConfig();
      process.exitCode = await runStatusCommand(
        { json: options.json === true },
        {
          env: config.env,
          stdout: process.stdout,
        },
      );
    });
}
