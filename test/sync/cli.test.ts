import { spawn } from "node:child_process";
import { rm } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSince } from "../../src/cli/commands/backfill.ts";
import { cleanEnv, runCli, tempDir } from "../helpers/cli.ts";
import { createEmptyPostgresDatabase, TEST_DATABASE_KINDS } from "../helpers/databases.ts";
import { TSX_LOADER } from "../helpers/tsx-loader.ts";

const SCRIPT = fileURLToPath(new URL("../helpers/scripted-cli.ts", import.meta.url));

/** The scripted CLI entry (`runSyncCommand`, `runRelinkCommand`) in a child process, as the bin runs them. */
function runScripted(
  args: string[],
  env: Record<string, string>,
  cwd: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", TSX_LOADER, SCRIPT, ...args], {
      cwd,
      env: cleanEnv(env),
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

for (const kind of TEST_DATABASE_KINDS) {
  // Child processes: the first one on PGlite also creates its database files.
  describe(`threadline backfill / sync / relink [${kind}]`, { timeout: 90_000 }, () => {
    let cwd: string;
    let env: Record<string, string>;
    let drop = async () => {};
    beforeAll(async () => {
      cwd = await tempDir("threadline-sync-cli-");
      if (kind === "postgres") {
        const empty = await createEmptyPostgresDatabase();
        env = { DATABASE_URL: empty.url, JIRA_PROJECTS: "PROJ,OPS" };
        drop = empty.drop;
      } else {
        env = { THREADLINE_DATA_DIR: `${cwd}/data`, JIRA_PROJECTS: "PROJ,OPS" };
      }
    });
    afterAll(async () => {
      await drop();
      await rm(cwd, { recursive: true, force: true });
    });

    it("backfill exits 1 when a source fails, after the others finished, and says what to check", async () => {
      const run = await runScripted(["backfill", "--auth-fails", "slack"], env, cwd);
      expect(run.code, run.stderr).toBe(1);
      expect(run.stdout).toMatch(/^source\s+result\s+new items\s+updated\s+deleted/m);
      expect(run.stdout).toMatch(/^jira\s+ok\s/m);
      expect(run.stdout).toMatch(/^gmail\s+ok\s/m);
      expect(run.stdout).toMatch(/^slack\s+failed\s/m);
      expect(run.stdout).toContain(
        "[threadline] [slack] 401 from https://scripted.test/slack: check SCRIPTED_TOKEN",
      );
      expect(run.stdout).toMatch(/Backfill finished in .* with errors in slack\.$/m);
    });

    it("backfill --json --source pulls the named source and prints the summary for scripts", async () => {
      const run = await runScripted(["backfill", "--json", "--source", "slack"], env, cwd);
      expect(run.code, run.stderr).toBe(0);
      const summary = JSON.parse(run.stdout);
      expect(summary).toMatchObject({ ok: true, mode: "backfill", startedAt: "2026-03-02T08:00:00.000Z" });
      expect(summary.sources).toHaveLength(1);
      expect(summary.sources[0]).toMatchObject({ source: "slack", ok: true, errors: [], retries: 0 });
      expect(summary.sources[0].items.new).toBeGreaterThan(0);
      expect(summary.sources[0].requests).toBe(summary.sources[0].pages);
      expect(summary.sources[0].scopes).toEqual([
        expect.objectContaining({ scope: "C1", outcome: "ok", error: null }),
        expect.objectContaining({ scope: "C2", outcome: "ok", error: null }),
      ]);
      expect(summary.changedTasks).toBeGreaterThan(0);
    });

    it("sync --json runs every source from its cursors and finds nothing new", async () => {
      const run = await runScripted(["sync", "--json"], env, cwd);
      expect(run.code, run.stderr).toBe(0);
      const summary = JSON.parse(run.stdout);
      expect(summary).toMatchObject({ ok: true, mode: "sync", changedTasks: 0 });
      // In the order of the registry the scripted CLI runs with.
      expect(summary.sources.map((s: { source: string }) => s.source)).toEqual(["jira", "slack", "gmail"]);
      for (const source of summary.sources)
        expect(source).toMatchObject({ pages: 0, items: { new: 0, updated: 0 } });
    });

    it("relink --json replays the stored payloads and reports the links", async () => {
      const run = await runScripted(["relink", "--json"], env, cwd);
      expect(run.code, run.stderr).toBe(0);
      const report = JSON.parse(run.stdout);
      expect(report).toMatchObject({ ok: true, linksAdded: 0, linksRemoved: 0, skipped: 0, failed: 0 });
      expect(report.items).toBeGreaterThan(100);
    });
  });
}

describe("threadline backfill with the built-in registry", () => {
  it("rejects an unknown source with exit status 2 and one line", async () => {
    const cwd = await tempDir("threadline-sync-cli-");
    const unknown = await runCli(["backfill", "--source", "nope"], {
      cwd,
      env: { THREADLINE_DATA_DIR: `${cwd}/data` },
    });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toBe(
      '[threadline] unknown source "nope": use one of jira, github, gmail, teams, slack',
    );
    await rm(cwd, { recursive: true, force: true });
  });

  it("reads --since as a calendar day in UTC", () => {
    expect(parseSince("2026-02-01")).toEqual(new Date("2026-02-01T00:00:00Z"));
    for (const bad of ["2026-02-30", "2026-2-1", "yesterday"])
      expect(() => parseSince(bad)).toThrow(/YYYY-MM-DD/);
  });
});
