import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { keepPrivate } from "../store/private-folder.ts";

/**
 * The token `/api/*` requires: THREADLINE_API_TOKEN when set; otherwise one generated on first start and kept
 * (readable by the owner only) in the data directory, so a fresh clone is never served open.
 */
export async function loadApiToken(
  configured: string | undefined,
  dataDir: string,
): Promise<{ token: string; file?: string }> {
  if (configured) return { token: configured };
  await keepPrivate(dataDir);
  const file = join(dataDir, "api-token");
  try {
    const saved = (await readFile(file, "utf8")).trim();
    if (saved.length >= 16) return { token: saved, file };
  } catch {
    // No token saved yet: make one below.
  }
  const token = randomBytes(24).toString("base64url");
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  return { token, file };
}
