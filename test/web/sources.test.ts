/**
 * The Sources page in a real Chromium, after the real `threadline sync` met a GitHub API root nobody answers:
 * GitHub shows as failing with the reason and what to check, the other sources as disabled, and
 * `threadline status --json` and `GET /api/sources` say the same. A member is refused the page.
 */
import { rm } from "node:fs/promises";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SourceStatus } from "../../src/model/source-status.ts";
import { createApiToken } from "../../src/store/api-tokens.ts";
import type { Database } from "../../src/store/db.ts";
import { openPglite } from "../../src/store/open-pglite.ts";
import { openPostgres } from "../../src/store/open-postgres.ts";
import { toSourceSetups } from "../../src/sync/source-setups.ts";
import { launchChromium } from "../helpers/browser.ts";
import { freePort, runCli, tempDir } from "../helpers/cli.ts";
import { createEmptyPostgresDatabase, TEST_DATABASE_KINDS } from "../helpers/databases.ts";
import { type ServedApp, serveApp, WEB_TOKEN } from "./web-server.ts";

for (const kind of TEST_DATABASE_KINDS) {
  describe(`the Sources page and threadline status [${kind}]`, { timeout: 120_000 }, () => {
    let cwd: string;
    let env: Record<string, string>;
    let drop = async () => {};
    let database: Database;
    let served: ServedApp;
    let browser: Browser;
    let page: Page;
    let cliStatus: { sources: SourceStatus[] };

    beforeAll(async () => {
      cwd = await tempDir("threadline-sources-");
      const port = await freePort();
      const github = {
        GITHUB_TOKEN: "ghp_sources_test",
        GITHUB_REPOS: "acme/web",
        GITHUB_API_URL: `http://127.0.0.1:${port}`,
      };
      if (kind === "postgres") {
        const empty = await createEmptyPostgresDatabase();
        env = { DATABASE_URL: empty.url, ...github };
        drop = empty.drop;
      } else {
        env = { THREADLINE_DATA_DIR: `${cwd}/data`, ...github };
      }
      const sync = await runCli(["sync"], { cwd, env });
      expect(sync.code, sync.stderr).toBe(1);
      const status = await runCli(["status", "--json"], { cwd, env });
      expect(status.code, status.stderr).toBe(0);
      cliStatus = JSON.parse(status.stdout);

      database =
        kind === "postgres"
          ? openPostgres(env.DATABASE_URL!, { max: 2 })
          : await openPglite(`${cwd}/data/db`);
      served = await serveApp(database.db, () => new Date(), { sourceSetups: toSourceSetups(env) });
      browser = await launchChromium();
      page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
      await page.goto(`${served.url}/signin`);
      await page.getByLabel("API token").fill(WEB_TOKEN);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(`${served.url}/`);
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
      await served?.close();
      await database?.close();
      await drop();
      await rm(cwd, { recursive: true, force: true });
    });

    it("prints GitHub as failing, with what to check, and the unconfigured sources as disabled", () => {
      const github = cliStatus.sources.find((s) => s.source === "github")!;
      expect(github).toMatchObject({ scope: "acme/web", state: "failing", errorKind: "unreachable" });
      expect(github.lastError).toMatch(/nothing answers at .*ECONNREFUSED.*GITHUB_API_URL/);
      expect(cliStatus.sources.filter((s) => s.source !== "github").map((s) => [s.source, s.state])).toEqual([
        ["jira", "disabled"],
        ["gmail", "disabled"],
        ["teams", "disabled"],
        ["slack", "disabled"],
      ]);
    });

    it("shows the same states on the Sources page, reached from the nav, with the reason", async () => {
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sources" }).click();
      await page.waitForURL(`${served.url}/sources`);
      await expect(page.getByRole("heading", { name: "Sources" }).isVisible()).resolves.toBe(true);
      const rows = page.locator("table.sources tbody tr");
      const shown = await rows.evaluateAll((trs) =>
        trs.map((tr) => [
          tr.getAttribute("data-source"),
          tr.getAttribute("data-scope"),
          tr.getAttribute("data-state"),
        ]),
      );
      expect(shown).toEqual(cliStatus.sources.map((s) => [s.source, s.scope ?? "", s.state]));
      const github = page.locator('tr[data-source="github"][data-scope="acme/web"]');
      await expect(github.locator("td.state").textContent()).resolves.toBe("Failing");
      const reason = await github.locator("td.reason").textContent();
      expect(reason).toContain("ECONNREFUSED");
      expect(reason).toContain("check the host and port in GITHUB_API_URL");
    });

    it("answers GET /api/sources with what the command printed", async () => {
      const res = await fetch(`${served.url}/api/sources`, {
        headers: { authorization: `Bearer ${WEB_TOKEN}` },
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual(cliStatus);
      const refused = await fetch(`${served.url}/api/sources`);
      expect(refused.status).toBe(401);
      // A member's own token reads tasks and flags, not the sources' state.
      const member = await createApiToken(database.db, {
        personId: "p_member",
        email: "member@acme.dev",
        name: "member's script",
        scopes: ["read"],
        expiresAt: new Date(Date.now() + 86_400_000),
        now: new Date(),
      });
      const forbidden = await fetch(`${served.url}/api/sources`, {
        headers: { authorization: `Bearer ${member.secret}` },
      });
      expect(forbidden.status).toBe(403);
      expect(await forbidden.json()).toEqual({
        error: { code: "forbidden", message: "Only an admin of Threadline can see the sources' state." },
      });
    });
  });
}
