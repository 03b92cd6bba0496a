import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { startServer } from "../../server/start-server.ts";
import { loadConfig } from "../env.ts";

export const parsePort = (value: string): number => {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InvalidArgumentError("must be a port number from 1 to 65535");
  }
  return port;
};

export function registerServe(program: Command): void {
  program
    .command("serve")
    .description("serve the HTTP API, the webhooks and the web inbox")
    .option("--port <n>", "port to listen on (default 8787, or PORT)", parsePort)
    .action(async (options: { port?: number }) => {
      const config = loadConfig();
      await startServer(config, { port: options.port ?? config.port ?? 8787 });
    });
}
