import { spawn } from "node:child_process";

/** One `/healthz` answer: when it was asked (`Date.now()`) and how long the answer took. */
export interface ProbeAnswer {
  at: number;
  ms: number;
  status: number;
}

export interface HealthzProbe {
  /** Stops probing and resolves with every answer, in the order they were asked. */
  stop(): Promise<ProbeAnswer[]>;
}

// Runs in a process of its own, so that what it measures is the server's answer time and never a test's own
// busy event loop. One request at a time: an answer that takes long is one long measurement, not a pile.
const PROBE = `
const [url, everyMs] = [process.argv[1], Number(process.argv[2])];
const answers = [];
let stopping = false;
process.stdin.on("data", () => { stopping = true; });
process.stdin.resume();
while (!stopping) {
  const at = Date.now();
  const asked = performance.now();
  let status = 0;
  try {
    const res = await fetch(url);
    await res.arrayBuffer();
    status = res.status;
  } catch {}
  const answered = performance.now();
  answers.push({ at, ms: Math.round((answered - asked) * 10) / 10, status });
  await new Promise((r) => setTimeout(r, Math.max(0, everyMs - (answered - asked))));
}
process.stdout.write(JSON.stringify(answers), () => process.exit(0));
`;

/** Asks `url` (a `/healthz`) every `everyMs` from a child process until `stop`. */
export function startHealthzProbe(url: string, everyMs = 20): HealthzProbe {
  const child = spawn(process.execPath, ["--input-type=module", "-e", PROBE, url, String(everyMs)], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (d) => {
    out += d;
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    stop: async () => {
      child.stdin.end("stop\n");
      await exited;
      return JSON.parse(out) as ProbeAnswer[];
    },
  };
}
