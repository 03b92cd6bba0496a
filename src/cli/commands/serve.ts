import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import type { Config } from "../../config.ts";
import { DEMO_SWITCH, type DemoWorkspace, startDemoWorkspace, wantsDemo } from "../../demo/demo-workspace.ts";
import { log } from "../../log.ts";
import { startServer } from "../../server/start-server.ts";
import { loadConfig } from "../env.ts";

export const parsePort = (value: string): number => {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InvalidArgumentError("must be a port number from 1 to 65535");
  }
  return port;
};

/**
 * With no source configured (and `THREADLINE_DEMO` not `0`), the demo workspace: simulated sources synced
 * into a database of its own, served like a real workspace.
 */
async function startDemoIfUnconfigured(config: Config): Promise<DemoWorkspace | null> {
  if (!wantsDemo(config.env)) return null;
  const started = performance.now();
  log.info("no source is configured: starting the demo workspace");
  const demo = await startDemoWorkspace(config);
  const failed = demo.report.sources.filter((s) => !s.ok);
  for (const source of failed) {
    log.warn({ source: source.source, errors: source.errors }, "the demo source did not sync completely");
  }
  log.info(
    {
      sources: demo.sources,
      tasks: demo.report.sources.reduce((n, s) => n + s.tasksNew + s.tasksUpdated, 0),
      items: demo.report.sources.reduce((n, s) => n + s.itemsNew + s.itemsUpdated, 0),
      flags: demo.flags,
      incremental: demo.reused,
      database: demo.config.dataDir,
      ...(demo.apiTokenFile ? { apiTokenFile: demo.apiTokenFile } : {}),
      ms: Math.round(performance.now() - started),
    },
    `DEMO WORKSPACE: serving simulated ${demo.sources.join(", ")} data about a client project (ACME). To use your own sources, set their credentials (JIRA_BASE_URL, JIRA_EMAIL, JIRA_API_TOKEN, JIRA_PROJECTS; GITHUB_TOKEN, GITHUB_REPOS; … see the README's configuration table) in the environment or .env; ${DEMO_SWITCH}=0 turns the demo off.`,
  );
  return demo;
}

export function registerServe(program: Command): void {
  program
    .command("serve")
    .description("serve the HTTP API, the webhooks and the web inbox")
    .option("--port <n>", "port to listen on (default 8787, or PORT)", parsePort)
    .action(async (options: { port?: number }) => {
      const config = loadConfig();
      const demo = await startDemoIfUnconfigured(config);
      try {
        await startServer(demo?.config ?? config, {
          port: options.port ?? config.port ?? 8787,
          ...(demo ? { database: demo.database } : {}),
        });
      } catch (err) {
        await demo?.database.close();
        await demo?.close();
        throw err;
      }
    });
}
