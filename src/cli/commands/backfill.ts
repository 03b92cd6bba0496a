import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { CONNECTORS, type ConnectorSet, listSources } from "../../../connectors/registry.ts";
import { loadConfig } from "../env.ts";
import { runSyncCommand, stopOnInterrupt } from "./sync.ts";

/** `YYYY-MM-DD` as the start of that day in UTC. */
export const parseSince = (value: string): Date => {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = match
    ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])))
    : undefined;
  if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    throw new InvalidArgumentError("must be a date as YYYY-MM-DD");
  }
  return date;
};

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `  slack   Slack: channel messages and threads of SLACK_CHANNELS`, one line a registered source. */
function toSourcesHelp(registry: ConnectorSet): string {
  const sources = listSources(registry);
  const width = Math.max(...sources.map((s) => s.id.length));
  return ["", "Sources:", ...sources.map((s) => `  ${s.id.padEnd(width)}  ${s.label}: ${s.help}`)].join("\n");
}

/** `threadline backfill`, over the sources of `registry` (the product's by default; a test passes its own). */
export function registerBackfill(program: Command, registry: ConnectorSet = CONNECTORS): void {
  const ids = listSources(registry).map((s) => s.id);
  program
    .command("backfill")
    .description("pull history from every configured source (or the named ones); resumable")
    .option("--since <YYYY-MM-DD>", "pull what changed since this day (UTC)", parseSince)
    .option("--source <name>", `only this source (${ids.join(", ")}); repeatable`, collect)
    .option("--json", "print the summary as JSON on stdout")
    .addHelpText("after", toSourcesHelp(registry))
    .action(async (options: { since?: Date; source?: string[]; json?: boolean }) => {
      loadConfig(); // reads .env into the environment and fails fast on a bad variable
      process.exitCode = await runSyncCommand(
        {
          mode: "backfill",
          ...(options.since ? { since: options.since } : {}),
          sources: options.source ?? [],
          json: options.json ?? false,
        },
        {
          env: process.env,
          connectors: registry,
          stdout: process.stdout,
          stderr: process.stderr,
          signal: stopOnInterrupt(),
        },
      );
    });
}
