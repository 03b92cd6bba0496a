import pino from "pino";

/**
 * The process's logger: JSON lines on stderr, so stdout stays for a command's own output (summaries, --json).
 * Anything that could hold a secret is redacted by key name wherever it sits.
 */
export const log = pino(
  {
    level: process.env.THREADLINE_LOG_LEVEL ?? "info",
    base: undefined,
    redact: {
      paths: [
        "*.token",
        "*.apiToken",
        "*.password",
        "*.secret",
        "*.clientSecret",
        "*.refreshToken",
        "*.refresh_token",
        "*.sealedRefreshToken",
        "*.settings.auth",
        "*.settings.connected",
        "*.authorization",
        "*.headers.authorization",
        "*.headers.cookie",
        "*.databaseUrl",
        "*.url_with_credentials",
      ],
      censor: "[redacted]",
    },
  },
  // Workers bundle pino's browser build, which has no destination and writes through the console instead.
  typeof pino.destination === "function" ? pino.destination(2) : undefined,
);

export type Logger = typeof log;

/** What code shared by Node and Workers logs through: pino on Node, the console on Workers. */
export interface RunLog {
  info(message: string, context: Record<string, unknown>): void;
  error(message: string, err: unknown, context: Record<string, unknown>): void;
}
