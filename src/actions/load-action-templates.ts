import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { ConfigError } from "../config.ts";
import { FLAG_SETTINGS_FILE } from "../flags/flag-settings.ts";
import { type ActionTemplates, parseActionTemplates } from "./templates.ts";

/**
 * The message templates of this installation: `actions.templates` of `threadline.config.json` in the working
 * directory, the defaults for what it leaves out (no file: all of them). Read once at the server's start;
 * throws a ConfigError naming the file and the template.
 */
export function loadActionTemplates(cwd: string = process.cwd()): ActionTemplates {
  const path = resolve(cwd, FLAG_SETTINGS_FILE);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return parseActionTemplates(undefined);
    throw new ConfigError(`[threadline] [actions] cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    return parseActionTemplates(JSON.parse(text));
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(
      `[threadline] [actions] ${FLAG_SETTINGS_FILE} is not valid JSON (${(err as Error).message}); fix it or remove it to use the defaults`,
    );
  }
}
