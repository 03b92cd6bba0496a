/**
 * Signing in as yourself, end to end: a real OpenID provider (oidc-provider) on a loopback port, the app as
 * `threadline serve` serves it, and Chromium going through the provider's own login and consent pages. Team
 * members land signed in as themselves and their actions name them; outsiders and unverified addresses are
 * refused; sign-out ends the person's sessions in every browser; idle sessions end; failed attempts wait.
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

const IDLE_MS = 30 * 60_000;

describeEachDatabase("sign-in through OpenID Connect in Chromium", (ctx) => {
  let provider: LocalOidc;
  let served: ServedApp;
  let browser: Browser;
  /** Added to the real clock: the app's sessions age without waiting (the provider's tokens use the real one). */
  let offsetMs = 0;
  let flagId = "";

  beforeAll(async () => {
    const f = fixtures(ctx.db);
    await f.task({ key: "OIDC-1", title: "Ship the sign-in" });
    flagId = (await f.flag({ taskKey: "OIDC-1", kind: "stale" })).id;
    ({ served, provider } = await serveAppWithLocalOidc(ctx.db, () => new Date(Date.now() + offsetMs), {
      admins: ["ben@team.example"],
      idleMs: IDLE_MS,
    }));
    browser = await launchChromium();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  const at = (path: string) => `${served.url}${path}`;

  /** Goes through the provider's pages as `login` (any password), starting at `path`. */
  async function signIn(context: BrowserContext, login: string, path = "/"): Promise<Page> {
    const page = await context.newPage();
    await page.goto(at(path));
    expect(new URL(page.url()).pathname).toBe("/signin");
    // Token sign-in is off: the page offers the provider only.
    expect(await page.getByLabel("API token").count()).toBe(0);
    await signInAtProvider(page, provider, served.url, login);
    return page;
  }

  it("signs a team member in through the provider, onto the page asked for, as themselves", async () => {
    const context = await browser.newContext();
    const page = await signIn(context, "ana", "/tasks/OIDC-1");
    expect(new URL(page.url()).pathname).toBe("/tasks/OIDC-1");
    expect(await page.locator("h1").textContent()).toContain("OIDC-1");
    expect(await page.locator("header .viewer").textContent()).toBe("Ana Lima");
    const cookie = (await context.cookies()).find((c) => c.name === "tl_session");
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax" });
    // The person is the People page's Ana, made from her address.
    const people = await queryRows<{ name: string }>(
      ctx.db,
      sql`select name from people where lower(email) = 'ana@team.example'`,
    );
    expect(people.map((p) => p.name)).toEqual(["Ana Lima"]);
    // No source's account is made up for her: signing in is not a mailbox.
    const accounts = await queryRows<{ source: string }>(
      ctx.db,
      sql`select i.source from identities i join people p on p.id = i.person_id
          where lower(p.email) = 'ana@team.example'`,
    );
    expect(accounts).toEqual([]);
    // Only the hash of the cookie's id is stored.
    const stored = await queryRows<{ id_hash: string }>(ctx.db, sql`select id_hash from web_sessions`);
    expect(stored.map((s) => s.id_hash)).not.toContain(cookie!.value);
    await context.close();
  });

  it("takes Entra ID's verified-domain claim (xms_edov) for a verified address", async () => {
    const context = await browser.newContext();
    const page = await signIn(context, "max");
    expect(new URL(page.url()).pathname).toBe("/");
    expect(await page.locator("header .viewer").textContent()).toBe("Max Entra");
    await context.close();
  });

  it("records the signed-in person on a snooze", async () => {
    const context = await browser.newContext();
    const page = await signIn(context, "ana", "/tasks/OIDC-1");
    const row = page.locator(`li[data-flag="${flagId}"]`).first();
    await row.locator('button[data-action="snooze"]').click();
    await row
      .locator('form[data-form="snooze"]')
      .getByRole("button", { name: /^Snooze / })
      .click();
    await page.waitForURL(/notice=snoozed/);
    const rows = await queryRows<{ state: string; state_by: string }>(
      ctx.db,
      sql`select state, state_by from flags where id = ${flagId}`,
    );
    expect(rows[0]).toEqual({ state: "snoozed", state_by: "ana@team.example" });
    await context.close();
  });

  it("refuses an address outside the team, and an unverified one, with a clear page and no session", async () => {
    for (const [login, says] of [
      ["eve", "eve@outside.example is not a team address"],
      ["una", "no verified email address"],
    ] as const) {
      const context = await browser.newContext();
      const page = await signIn(context, login);
      expect(new URL(page.url()).pathname).toBe("/auth/callback");
      expect(await page.locator("h1").textContent()).toBe("You are not signed in");
      expect(await page.getByRole("alert").textContent()).toContain(says);
      expect((await context.cookies()).some((c) => c.name === "tl_session")).toBe(false);
      await page.goto(at("/"));
      expect(new URL(page.url()).pathname).toBe("/signin");
      await context.close();
    }
  });

  it("signs a person out in every browser when they sign out in one", async () => {
    const laptop = await browser.newContext();
    const phone = await browser.newContext();
    const onLaptop = await signIn(laptop, "ben");
    const onPhone = await signIn(phone, "ben");
    const other = await browser.newContext();
    const anaPage = await signIn(other, "ana");
    await onPhone.goto(at("/"));
    expect(new URL(onPhone.url()).pathname).toBe("/");
    await onLaptop.getByRole("button", { name: "Sign out" }).click();
    await onLaptop.waitForURL(/\/signin/);
    await onPhone.goto(at("/"));
    expect(new URL(onPhone.url()).pathname).toBe("/signin");
    // Someone else's session is untouched.
    await anaPage.goto(at("/"));
    expect(new URL(anaPage.url()).pathname).toBe("/");
    await Promise.all([laptop.close(), phone.close(), other.close()]);
  });

  it("lets an admin sign a person out everywhere, and keeps merging people to admins", async () => {
    const anaContext = await browser.newContext();
    const anaPage = await signIn(anaContext, "ana");
    const benContext = await browser.newContext();
    const benPage = await signIn(benContext, "ben");
    const ana = await queryRows<{ id: string }>(
      ctx.db,
      sql`select id from people where lower(email) = 'ana@team.example'`,
    );
    // Ana, a member, has no such button; Ben, an admin, has.
    await anaPage.goto(at(`/people/${ana[0]!.id}`));
    expect(await anaPage.getByRole("button", { name: /out everywhere/ }).count()).toBe(0);
    // Nor may she merge people.
    await anaPage.getByLabel("Merge Ana Lima into").selectOption({ label: "Ben Okafor <ben@team.example>" });
    const refused = anaPage.waitForResponse((r) => r.url().endsWith("/merge"));
    await anaPage.locator("section[aria-labelledby=merge] button[type=submit]").click();
    expect((await refused).status()).toBe(403);
    expect(await anaPage.locator("main").textContent()).toContain("Only an admin of Threadline can do that.");
    await benPage.goto(at(`/people/${ana[0]!.id}`));
    await benPage.getByRole("button", { name: "Sign Ana Lima out everywhere" }).click();
    await benPage.waitForURL(/notice=revoked/);
    await anaPage.goto(at("/"));
    expect(new URL(anaPage.url()).pathname).toBe("/signin");
    await Promise.all([anaContext.close(), benContext.close()]);
  });

  it("ends a session left idle longer than the idle timeout", async () => {
    const context = await browser.newContext();
    const page = await signIn(context, "ana");
    offsetMs += IDLE_MS - 60_000;
    await page.goto(at("/"));
    expect(new URL(page.url()).pathname).toBe("/");
    // Used a minute ago: the idle time starts again from there.
    offsetMs += IDLE_MS - 60_000;
    await page.goto(at("/"));
    expect(new URL(page.url()).pathname).toBe("/");
    offsetMs += IDLE_MS + 60_000;
    await page.goto(at("/"));
    expect(new URL(page.url()).pathname).toBe("/signin");
    await context.close();
  });

  it("slows down repeated failed sign-ins with a 429 page saying when to try again", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // A callback that did not start here fails; the first two failures are free.
    const forged = at("/auth/callback?code=forged&state=forged");
    for (let n = 0; n < 3; n++) expect((await page.goto(forged))!.status()).toBe(400);
    const slowed = (await page.goto(forged))!;
    expect(slowed.status()).toBe(429);
    expect(slowed.headers()["retry-after"]).toBe("2");
    expect(await page.getByRole("alert").textContent()).toContain("Try again in 2 seconds");
    // Even the right account waits its turn.
    await page.goto(at("/auth/login"));
    expect(new URL(page.url()).origin).toBe(provider.issuer);
    // After the wait, one more failure doubles it.
    offsetMs += 3_000;
    expect((await page.goto(forged))!.status()).toBe(400);
    const longer = (await page.goto(forged))!;
    expect(longer.status()).toBe(429);
    expect(longer.headers()["retry-after"]).toBe("4");
    // A successful sign-in after the wait clears the count.
    offsetMs += 5_000;
    const signedIn = await signIn(context, "ana");
    expect(new URL(signedIn.url()).pathname).toBe("/");
    expect((await page.goto(forged))!.status()).toBe(400);
    await context.close();
  });
});
