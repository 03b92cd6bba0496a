import { type ChildProcess, spawn } from "node:child_process";
import { rm } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { BIN, cleanEnv } from "./cli.ts";

/**
 * `threadline <command>` as one bundled file, for tests that start and kill it many times: through tsx each
 * start compiles the same files again. The bundle sits directly under node_modules/.cache, two levels below
 * the repository like the sources it replaces, so the migrations folder (found relative to the module) and
 * the packages (left external) resolve as they do from the sources. One file per test process, removed by
 * `dispose`.
 */
export async function bundleCli(): Promise<{ entry: string; dispose: () => Promise<void> }> {
  const entry = fileURLToPath(
    new URL(`../../node_modules/.cache/threadline-cli-${process.pid}.mjs`, import.meta.url),
  );
  await build({
    entryPoints: [fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url))],
    outfile: entry,
    bundle: true,
    platform: "node",
    format: "esm",
    packages: "external",
    logLevel: "warning",
  });
  return { entry, dispose: () => rm(entry, { force: true }) };
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | string | null>;
  kill(signal?: NodeJS.Signals): Promise<number | string | null>;
}

/**
 * Starts `threadline serve --port PORT` (the bundle from `bundleCli`, or the real bin through tsx) with only
 * `env` and the PATH, and resolves once `/healthz` answers.
 */
export async function startServerProcess(options: {
  port: number;
  env: Record<string, string>;
  cwd: string;
  entry?: string;
  timeoutMs?: number;
}): Promise<ServerProcess> {
  const url = `http://127.0.0.1:${options.port}`;
  const child = spawn(process.execPath, [options.entry ?? BIN, "serve", "--port", String(options.port)], {
    cwd: options.cwd,
    env: cleanEnv(options.env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (d: Buffer) => {
    // The log of a long run is only read when something failed: keep its end.
    output = (output + d.toString()).slice(-200_000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<number | string | null>((resolve) =>
    child.once("exit", (code, signal) => resolve(signal ?? code)),
  );
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`threadline serve exited early:\n${output}`);
    }
    const ok = await fetch(`${url}/healthz`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`threadline serve did not answer ${url}/healthz:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    url,
    output: () => output,
    exited,
    kill: (signal = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export interface CliProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `threadline <args>` from the bundle with only `env` and the PATH. */
export function spawnCli(
  entry: string,
  args: string[],
  env: Record<string, string>,
  cwd: string,
): CliProcess {
  const child = spawn(process.execPath, [entry, ...args], {
    cwd,
    env: cleanEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (d: Buffer) => {
    output = (output + d.toString()).slice(-200_000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  return {
    child,
    output: () => output,
    exited: new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal }))),
  };
}
