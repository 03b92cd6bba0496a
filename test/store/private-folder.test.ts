/** The data folder on disk: the embedded database, the API token and sealed credentials are the owner's only. */
import { chmod, mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { loadApiToken } from "../../src/server/api-token.ts";
import { openPglite } from "../../src/store/open-pglite.ts";

const made: string[] = [];
afterEach(async () => {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempRoot() {
  const dir = await mkdtemp(join(tmpdir(), "threadline-private-"));
  made.push(dir);
  return dir;
}

/** Every path under `dir` with group or other permission bits set. */
async function openToOthers(dir: string): Promise<string[]> {
  const found: string[] = [];
  const visit = async (path: string) => {
    const s = await stat(path);
    if ((s.mode & 0o077) !== 0) found.push(path);
    if (s.isDirectory()) for (const name of await readdir(path)) await visit(join(path, name));
  };
  await visit(dir);
  return found;
}

it("creates the embedded database in a 0700 folder with 0600 files", async () => {
  const dir = join(await tempRoot(), "data", "db");
  const database = await openPglite(dir);
  await database.close();
  expect((await stat(dir)).mode & 0o777).toBe(0o700);
  expect((await readdir(dir)).length).toBeGreaterThan(0);
  expect(await openToOthers(dir)).toEqual([]);
}, 60_000);

it("tightens a data folder and token file that others could read, and keeps the token", async () => {
  const dir = join(await tempRoot(), "data");
  await mkdir(join(dir, "nested"), { recursive: true, mode: 0o755 });
  await chmod(dir, 0o755);
  await writeFile(join(dir, "api-token"), "a-token-that-is-long-enough\n", { mode: 0o644 });
  await writeFile(join(dir, "nested", "file"), "x", { mode: 0o664 });
  expect((await openToOthers(dir)).length).toBe(4);

  const { token } = await loadApiToken(undefined, dir);
  expect(token).toBe("a-token-that-is-long-enough");
  expect(await openToOthers(dir)).toEqual([]);
  expect((await stat(join(dir, "api-token"))).mode & 0o777).toBe(0o600);
  expect((await stat(join(dir, "nested"))).mode & 0o777).toBe(0o700);
});
