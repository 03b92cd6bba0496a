import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { listSources } from "../../connectors/registry.ts";
import { ConfigError } from "../config.ts";
import type { SourceAbout } from "../model/source-about.ts";
import { FLAG_SETTINGS_FILE, type FlagSettings, parseFlagSettings } from "./flag-settings.ts";

/**
 * The flag settings of this installation: the `flags` object of `threadline.config.json` in the working
 * directory (thresholds per status, holidays, exemptions, sign-offs… — every part optional), with
 * `THREADLINE_TIMEZONE` and `THREADLINE_TEAM_DOMAINS` from the environment winning over the file. No file:
 * the defaults. `sources` are the registered ones (a test passes its own registry's). Read once at each entry point (the CLI, the server); throws a ConfigError that names the file
 * or variable and what is wrong.
 */
export function loadFlagSettings(
  env: Readonly<Record<string, string | undefined>>,
  cwd: string = process.cwd(),
  sources: readonly SourceAbout[] = listSources(),
): FlagSettings {
  const path = resolve(cwd, FLAG_SETTINGS_FILE);
  let text: string | undefined;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") {
      throw new ConfigError(`[threadline] [flags] cannot read ${path}: ${(err as Error).message}`);
    }
  }
  let file: unknown;
  if (text !== undefined) {
    try {
      file = JSON.parse(text);
    } catch (err) {
      throw new ConfigError(
        `[threadline] [flags] ${FLAG_SETTINGS_FILE} is not valid JSON (${(err as Error).message}); fix it or remove it to use the defaults`,
      );
    }
  }
  return parseFlagSettings(file, { ...env }, sources);
}
