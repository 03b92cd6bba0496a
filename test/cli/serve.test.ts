import { stat } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { freePort, runCli, startCli, tempDir } from "../helpers/cli.ts";
import { createEmptyPostgresDatabase } from "../helpers/databases.ts";

describe("threadline serve", () => {
  it("serves /healthz on the embedded database with no set-up, and keeps /api closed", async () => {
    const cwd = await tempDir();
    const port = await freePort();
    const server = await startCli(["serve", "--port", String(port)], {
      cwd,
      // A workspace of its own, not the demo (test/demo covers that).
      env: { THREADLINE_DEMO: "0" },
      readyUrl: `http://127.0.0.1:${port}/healthz`,
      timeoutMs: 45_000,
    });
    try {
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ ok: true });

      const api = await fetch(`http://127.0.0.1:${port}/api/tasks`);
      expect(api.status).toBe(401);

      // With no THREADLINE_API_TOKEN a token is made once and kept where only its owner can read it.
      const tokenFile = join(cwd, ".threadline", "api-token");
      expect((await stat(tokenFile)).mode & 0o077).toBe(0);
      expect((await stat(join(cwd, ".threadline", "db"))).isDirectory()).toBe(true);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  }, 120_000);

  it("answers /api with the configured token", async () => {
    const cwd = await tempDir();
    const port = await freePort();
    const token = "a-test-token-of-some-length";
    const server = await startCli(["serve", "--port", String(port)], {
      cwd,
      env: { THREADLINE_API_TOKEN: token, THREADLINE_DATA_DIR: join(cwd, "data"), THREADLINE_DEMO: "0" },
      readyUrl: `http://127.0.0.1:${port}/healthz`,
      timeoutMs: 45_000,
    });
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/tasks`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ tasks: [], nextCursor: null });
      expect(server.output()).not.toContain(token);
    } finally {
      await server.stop();
    }
  }, 120_000);

  it("stops at start with one line naming a malformed setting", async () => {
    const cwd = await tempDir();
    const result = await runCli(["serve"], { cwd, env: { THREADLINE_DIGEST_TIME: "seven" } });
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe("[threadline] THREADLINE_DIGEST_TIME must be HH:MM, such as 07:00");
  });

  it("rejects a port that is not a port", async () => {
    const cwd = await tempDir();
    const result = await runCli(["serve", "--port", "99999"], { cwd, env: {} });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("must be a port number from 1 to 65535");
  });
});

describe("threadline migrate", () => {
  it("applies the migrations to the embedded database, and again safely", async () => {
    const cwd = await tempDir();
    const env = { THREADLINE_DATA_DIR: join(cwd, "data") };
    const first = await runCli(["migrate"], { cwd, env });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("Migrations applied (embedded database)");
    const second = await runCli(["migrate"], { cwd, env });
    expect(second.code).toBe(0);
  }, 120_000);

  it.runIf(process.env.TEST_DATABASE_URL)(
    "applies the migrations to PostgreSQL from DATABASE_URL",
    async () => {
      const cwd = await tempDir();
      const empty = await createEmptyPostgresDatabase();
      try {
        const result = await runCli(["migrate"], { cwd, env: { DATABASE_URL: empty.url } });
        expect(result.stderr).toBe("");
        expect(result.code).toBe(0);
        expect(result.stdout).toContain("Migrations applied (PostgreSQL)");
        const again = await runCli(["migrate"], { cwd, env: { DATABASE_URL: empty.url } });
        expect(again.code).toBe(0);
      } finally {
        await empty.drop();
      }
    },
    60_000,
  );
});

describe("threadline --help", () => {
  it.each([[[]], [["serve"]], [["migrate"]]])("explains %j", async (command) => {
    const cwd = await tempDir();
    const result = await runCli([...command, "--help"], { cwd, env: {} });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: threadline/);
  });
});
