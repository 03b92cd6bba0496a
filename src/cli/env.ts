import { config as loadDotenv } from "dotenv";
import { type Config, ConfigError, parseConfig } from "../config.ts";

/** Reads `.env` from the working directory (without overriding the real environment) and validates it. */
export function loadConfig(): Config {
  loadDotenv({ quiet: true });
  return parseConfig(process.env);
}

/** Prints a configuration error as the one line it is, and stops with status 2. */
export function exitOnConfigError(err: unknown): never {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  throw err;
}
