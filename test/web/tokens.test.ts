/**
 * Personal API tokens in Chromium: a team member signed in through a real OpenID provider makes a token on
 * the settings page, sees its secret once, calls the API with it as herself, and revokes it.
 */
import { sql } from "drizzle-orm";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { queryRows } from "../../src/store/rows.ts";
import { launchChromium } from "../helpers/browser.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { fixtures } from "../helpers/fixtures.ts";
import { type LocalOidc, signInAtProvider } from "../helpers/local-oidc.ts";
import { type ServedApp, serveAppWithLocalOidc } from "./web-server.ts";

describeEachDatabase("personal API tokens on the settings page in Chromium", (ctx) => {
  let provider: LocalOidc;
  let served: ServedApp;
  let browser: Browser;

  beforeAll(async () => {
    await fixtures(ctx.db).task({ key: "TOK-9", title: "Script the weekly report" });
    ({ served, provider } = await serveAppWithLocalOidc(ctx.db, () => new Date()));
    browser = await launchChromium();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  const at = (path: string) => `${served.url}${path}`;

  async function signIn(context: BrowserContext, login: string): Promise<Page> {
    const page = await context.newPage();
    await page.goto(at("/"));
    await signInAtProvider(page, provider, served.url, login);
    return page;
  }

  /** The API called as a script would: plain fetch with the token. */
  const callApi = (secret: string, method: string, path: string, body?: unknown) =>
    fetch(at(path), {
      method,
      headers: {
        authorization: `Bearer ${secret}`,
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });

  it("makes a token shown once, which acts as its person on the API until it is revoked", async () => {
    const context = await browser.newContext();
    const page = await signIn(context, "ana");
    const ana = await queryRows<{ id: string }>(
      ctx.db,
      sql`select id from people where lower(email) = 'ana@team.example'`,
    );
    const flag = await fixtures(ctx.db).flag({ taskKey: "TOK-9", kind: "stale", ownerId: ana[0]!.id });

    await page.getByRole("link", { name: "API tokens" }).click();
    await page.waitForURL(/\/settings\/tokens$/);
    expect(await page.getByText("You have no tokens.").count()).toBe(1);
    await page.getByLabel("Name").fill("weekly report script");
    await page.getByLabel("Read and write").check();
    await page.getByLabel("Expires in").selectOption({ label: "30 days" });
    await page.getByRole("button", { name: "Make token" }).click();
    await page.waitForLoadState();

    const secret = await page.getByLabel("Your new token").inputValue();
    expect(secret).toMatch(/^tl_pat_[A-Za-z0-9_-]{43}$/);
    expect(await page.getByRole("status").first().textContent()).toContain("it is not shown again");
    const row = page.locator("tr", { hasText: "weekly report script" });
    expect(await row.locator("td").nth(1).textContent()).toBe("read, write");
    expect(await row.locator("td").nth(3).textContent()).toBe("Never");
    // Shown once: the page loaded again has the token's row and not its secret.
    await page.goto(at("/settings/tokens"));
    expect(await page.content()).not.toContain(secret);
    expect(await page.getByLabel("Your new token").count()).toBe(0);

    // A script uses it as Ana.
    const mine = await callApi(secret, "GET", "/api/flags?for=me");
    expect(mine.status).toBe(200);
    expect(((await mine.json()) as { flags: { id: string }[] }).flags.map((f) => f.id)).toEqual([flag.id]);
    const snooze = await callApi(secret, "POST", `/api/flags/${flag.id}/snooze`, { until: "2099-01-05" });
    expect(snooze.status).toBe(200);
    const stored = await queryRows<{ state_by: string }>(
      ctx.db,
      sql`select state_by from flags where id = ${flag.id}`,
    );
    expect(stored[0]!.state_by).toBe("ana@team.example");
    await page.reload();
    expect(await row.locator("td").nth(3).textContent()).not.toBe("Never");

    await row.getByRole("button", { name: "Revoke weekly report script" }).click();
    await page.waitForURL(/notice=token_revoked/);
    expect(await page.getByRole("status").textContent()).toContain("Token revoked");
    expect(await page.locator("tr", { hasText: "weekly report script" }).count()).toBe(0);
    const after = await callApi(secret, "GET", "/api/flags");
    expect(after.status).toBe(401);
    await context.close();
  });

  it("refuses a token without a name, and keeps each person's tokens their own", async () => {
    const anaContext = await browser.newContext();
    const anaPage = await signIn(anaContext, "ana");
    await anaPage.goto(at("/settings/tokens"));
    await anaPage.getByLabel("Name").fill("read only");
    await anaPage.getByRole("button", { name: "Make token" }).click();
    await anaPage.waitForLoadState();
    const secret = await anaPage.getByLabel("Your new token").inputValue();
    // Read only: it lists flags and cannot change one.
    expect((await callApi(secret, "GET", "/api/flags")).status).toBe(200);
    const refused = await callApi(secret, "POST", "/api/tasks/TOK-9/links", { itemId: "x" });
    expect(refused.status).toBe(403);

    const benContext = await browser.newContext();
    const benPage = await signIn(benContext, "ben");
    await benPage.goto(at("/settings/tokens"));
    expect(await benPage.locator("tr", { hasText: "read only" }).count()).toBe(0);
    // A blank name is refused by the form; sent anyway, the server says what is missing.
    await benPage.getByLabel("Name").evaluate((el) => el.removeAttribute("required"));
    await benPage.getByRole("button", { name: "Make token" }).click();
    await benPage.waitForURL(/notice=bad_token/);
    expect(await benPage.getByRole("status").textContent()).toContain("A token needs a name");
    await Promise.all([anaContext.close(), benContext.close()]);
  });
});
