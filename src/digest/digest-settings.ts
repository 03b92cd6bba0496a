import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { ConfigError } from "../config.ts";
import { FLAG_SETTINGS_FILE } from "../flags/flag-settings.ts";

/** The `digest` object of `threadline.config.json`; every part optional. */
export const DigestSettingsSchema = z.object({
  /** Send every team member a digest, saying "nothing is stuck" when that is so (default: only who has news). */
  sendWhenEmpty: z.boolean().default(false),
});
export type DigestSettings = z.infer<typeof DigestSettingsSchema>;

export const DEFAULT_DIGEST_SETTINGS: DigestSettings = DigestSettingsSchema.parse({});

/** The digest settings from a parsed settings file (undefined: none); throws a ConfigError naming the key. */
export function parseDigestSettings(file: unknown): DigestSettings {
  const section = file && typeof file === "object" && "digest" in file ? file.digest : undefined;
  const parsed = DigestSettingsSchema.safeParse(section ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(
      `[threadline] [digest] ${FLAG_SETTINGS_FILE}: digest.${issue.path.join(".")} ${issue.message}`,
    );
  }
  return parsed.data;
}

/** Reads `threadline.config.json` in `cwd` (a missing file: the defaults). Node only. */
export function loadDigestSettings(cwd: string = process.cwd()): DigestSettings {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, FLAG_SETTINGS_FILE), "utf8");
  } catch {
    return DEFAULT_DIGEST_SETTINGS;
  }
  try {
    return parseDigestSettings(JSON.parse(text));
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    // The flag settings loader reports a file that is not JSON, with the fix.
    return DEFAULT_DIGEST_SETTINGS;
  }
}
