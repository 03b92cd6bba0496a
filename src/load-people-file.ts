import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { type PeopleFileEntry, parsePeopleFile } from "./model/people-file.ts";

/**
 * The `people` list of `threadline.config.json` in `cwd` (none: `[]`). Read once at each entry point, beside
 * the flag settings; throws a ConfigError naming the malformed entry. A file that cannot be read or is not
 * JSON is reported by the flag settings loader, which every entry point calls too.
 */
export function loadPeopleFile(cwd: string = process.cwd()): PeopleFileEntry[] {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, "threadline.config.json"), "utf8");
  } catch {
    return [];
  }
  let file: unknown;
  try {
    file = JSON.parse(text);
  } catch {
    return [];
  }
  return parsePeopleFile(file);
}
