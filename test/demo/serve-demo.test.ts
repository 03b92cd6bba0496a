/** `threadline serve` with no source configured: the demo workspace, served like a real one, and again. */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { freePort, startCli, tempDir } from "../helpers/cli.ts";

const TOKEN = "a-demo-test-token-of-some-length";

async function tasksOf(port: number): Promise<string[]> {
  const res = await fetch(`http://127.0.0.1:${port}/api/tasks?limit=200`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { tasks: Array<{ key: string; flags: unknown[] }> };
  return body.tasks.map((t) => t.key);
}

describe("threadline serve without sources", () => {
  it("serves the demo workspace's ~30 tasks, and serves it again from the same data directory", async () => {
    const cwd = await tempDir();
    const env = { THREADLINE_API_TOKEN: TOKEN, THREADLINE_DATA_DIR: join(cwd, "data") };
    const serve = async () => {
      const port = await freePort();
      const server = await startCli(["serve", "--port", String(port)], {
        cwd,
        env,
        readyUrl: `http://127.0.0.1:${port}/healthz`,
        timeoutMs: 120_000,
      });
      return { port, server };
    };

    const first = await serve();
    let keys: string[];
    try {
      keys = await tasksOf(first.port);
      expect(keys.filter((k) => k.startsWith("ACME-")).length).toBe(30);
      expect(first.server.output()).toContain("DEMO WORKSPACE");
      expect(first.server.output()).toContain("THREADLINE_DEMO=0");
      expect(first.server.output()).not.toContain(TOKEN);
    } finally {
      expect(await first.server.stop()).toBe(0);
    }

    const second = await serve();
    try {
      expect(await tasksOf(second.port)).toEqual(keys);
      expect(second.server.output()).toContain('"incremental":true');
    } finally {
      expect(await second.server.stop()).toBe(0);
    }
  }, 300_000);
});
