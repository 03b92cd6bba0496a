import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { chown, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import postgres from "postgres";
import { freePort } from "./cli.ts";

const run = promisify(execFile);

/**
 * The directory of the PostgreSQL server binaries (initdb, pg_ctl): PG_BIN when set, else what `pg_config
 * --bindir` says, else the newest version under Debian's /usr/lib/postgresql. Null when there are none.
 */
export async function findPostgresBin(): Promise<string | null> {
  const has = (dir: string) => existsSync(join(dir, "initdb")) && existsSync(join(dir, "pg_ctl"));
  if (process.env.PG_BIN && has(process.env.PG_BIN)) return process.env.PG_BIN;
  try {
    const { stdout } = await run("pg_config", ["--bindir"]);
    if (has(stdout.trim())) return stdout.trim();
  } catch {
    // No pg_config on the PATH: look where Debian puts each version.
  }
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => /^\d+(\.\d+)?$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  for (const version of versions) if (has(join(root, version, "bin"))) return join(root, version, "bin");
  return null;
}

export interface PrivatePostgres {
  /** The URL of `database` on this cluster (as the `postgres` superuser, trusted on loopback). */
  url(database?: string): string;
  createDatabase(name: string): Promise<string>;
  /** `pg_ctl stop -m immediate`: the server goes away as in a crash, with no shutdown checkpoint. */
  crash(): Promise<void>;
  start(): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * A PostgreSQL cluster of the test's own, in a temporary directory on a free port, for tests that stop the
 * server (the shared one serves every other test). initdb refuses to run as root: as root the cluster is the
 * `postgres` user's, and its commands run as that user through `runuser`.
 */
export async function startPrivatePostgres(bin: string): Promise<PrivatePostgres> {
  const dir = await mkdtemp(join(tmpdir(), "threadline-pg-"));
  const data = join(dir, "data");
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { stdout } = await run("id", ["-u", "postgres"]);
    const uid = Number(stdout.trim());
    const { stdout: gid } = await run("id", ["-g", "postgres"]);
    await chown(dir, uid, Number(gid.trim()));
  }
  const pg = (tool: string, args: string[]) =>
    asRoot
      ? run("runuser", ["-u", "postgres", "--", join(bin, tool), ...args], { cwd: dir })
      : run(join(bin, tool), args, { cwd: dir });

  await pg("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    "-c listen_addresses=127.0.0.1",
    // Durability across a crash is the server's own (the WAL); fsync only guards against losing power.
    "-c fsync=off",
    "-c max_connections=60",
  ].join(" ");
  const start = async () => {
    await pg("pg_ctl", ["-D", data, "-o", options, "-l", join(dir, "log"), "-w", "-t", "60", "start"]);
  };
  await start();
  const url = (database = "postgres") => `postgres://postgres@127.0.0.1:${port}/${database}`;
  return {
    url,
    async createDatabase(name) {
      const admin = postgres(url(), { max: 1, onnotice: () => {} });
      await admin.unsafe(`create database ${name}`);
      await admin.end();
      return url(name);
    },
    crash: async () => {
      await pg("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
    },
    start,
    dispose: async () => {
      await pg("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]).catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}
