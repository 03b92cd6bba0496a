import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { cleanEnv } from "./cli.ts";

const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
// Bundled once, under node_modules so that its packages resolve as they do from the sources: a start
// through tsx spends seconds compiling the same files for each process. Two levels down from the root, as
// src/store/migrate.ts is, so that the migrations it finds relative to itself are the same.
const BUNDLE = fileURLToPath(new URL("../../node_modules/.cache/threadline-worker-cli.mjs", import.meta.url));

/** Bundles the CLI; test files build it side by side, so each writes a file of its own and renames it in. */
export async function bundleCli(): Promise<void> {
  const result = await build({
    entryPoints: [MAIN],
    outfile: BUNDLE,
    bundle: true,
    platform: "node",
    format: "esm",
    packages: "external",
    logLevel: "warning",
    write: false,
  });
  const own = `${BUNDLE}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  await mkdir(dirname(BUNDLE), { recursive: true });
  await writeFile(own, result.outputFiles[0]!.contents);
  await rename(own, BUNDLE);
}

/** A line `threadline worker` logged about a job (pino JSON on stderr). */
export interface JobLine {
  msg: "job started" | "job finished" | "job failed";
  time: number;
  jobId: string;
  queue: string;
  kind: string;
  source: string;
  scope?: string;
  pid: number;
  continued?: boolean;
}

export interface RunningWorker {
  child: ChildProcess;
  jobs: JobLine[];
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when a logged job line matches. */
  waitFor(match: (line: JobLine) => boolean, timeoutMs?: number): Promise<JobLine>;
}

/** Starts `threadline worker` from the bundle (see `bundleCli`), collecting the job lines it logs. */
export function startWorker(env: Record<string, string>, args: string[] = []): RunningWorker {
  return startBundled(["worker", ...args], env);
}

/** Starts any command of the bundled CLI (`serve`, `worker`), collecting the job lines it logs. */
export function startBundled(args: string[], env: Record<string, string>): RunningWorker {
  const child = spawn(process.execPath, [BUNDLE, ...args], {
    env: cleanEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const jobs: JobLine[] = [];
  let output = "";
  let pending = "";
  const waiters: Array<{ match: (l: JobLine) => boolean; resolve: (l: JobLine) => void }> = [];
  const take = (text: string) => {
    output += text;
    pending += text;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      if (!line.startsWith("{")) continue;
      const parsed = JSON.parse(line) as JobLine;
      if (!parsed.msg?.startsWith("job ")) continue;
      jobs.push(parsed);
      for (const w of [...waiters]) {
        if (w.match(parsed)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(parsed);
        }
      }
    }
  };
  child.stdout!.on("data", (d: Buffer) => take(d.toString()));
  child.stderr!.on("data", (d: Buffer) => take(d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    jobs,
    output: () => output,
    exited,
    waitFor(match, timeoutMs = 30_000) {
      const seen = jobs.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no matching job line within ${timeoutMs} ms:\n${output}`)),
          timeoutMs,
        );
        waiters.push({
          match,
          resolve: (l) => {
            clearTimeout(timer);
            resolve(l);
          },
        });
      });
    },
  };
}
