import pino from "pino";
import { redactSecrets } from "./log-redact.ts";

/** A logger writing JSON lines to `destination`, secrets redacted by key name wherever they sit. */
export function createLogger(destination?: pino.DestinationStream) {
  return pino(
    {
      level: process.env.THREADLINE_LOG_LEVEL ?? "info",
      base: undefined,
      // Any depth, any case (pino's own `redact` takes fixed paths only).
      formatters: { log: (object) => redactSecrets(object) as Record<string, unknown> },
    },
    destination,
  );
}

/**
 * The process's logger: JSON lines on stderr, so stdout stays for a command's own output (summaries, --json).
 * Workers bundle pino's browser build, which has no destination and writes through the console instead.
 */
export const log = createLogger(typeof pino.destination === "function" ? pino.destination(2) : undefined);

export type Logger = typeof log;

/** What code shared by Node and Workers logs through: pino on Node, the console on Workers. */
export interface RunLog {
  info(message: string, context: Record<string, unknown>): void;
  error(message: string, err: unknown, context: Record<string, unknown>): void;
}
