/**
 * "Mine" in Chromium, signed in through a real OpenID provider: a person lands on the flags they own and
 * those waiting on them, Team shows everything, "snooze for me" hides a flag from that person only, "snooze
 * for the team" from everyone, and the task page's history names who did what.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { launchChromium } from "../helpers/browser.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { fixtures } from "../helpers/fixtures.ts";
import { type LocalOidc, signInAtProvider } from "../helpers/local-oidc.ts";
import { type ServedApp, serveAppWithLocalOidc } from "./web-server.ts";

describeEachDatabase("Mine and Team in Chromium", (ctx) => {
  let provider: LocalOidc;
  let served: ServedApp;
  let browser: Browser;

  beforeAll(async () => {
    const f = fixtures(ctx.db);
    // The people who sign in already exist, by their addresses; Cy never signs in.
    const ana = (await f.person({ name: "Ana Lima", email: "ana@team.example" })).id;
    const ben = (await f.person({ name: "Ben Okafor", email: "ben@team.example" })).id;
    const cy = (await f.person({ name: "Cy Vale", email: "cy@team.example" })).id;
    for (const key of ["W-1", "W-2", "W-3", "W-4"]) await f.task({ key, title: `Work ${key}` });
    await f.refreshActivity(["W-1", "W-2", "W-3", "W-4"]);
    await f.flag({ id: "ana-owns", taskKey: "W-1", kind: "stale", ownerId: ana });
    await f.flag({
      id: "waits-on-ana",
      taskKey: "W-2",
      kind: "unanswered_question",
      ownerId: ben,
      waitingOn: [ana],
    });
    await f.flag({ id: "ben-owns", taskKey: "W-3", kind: "stale", ownerId: ben });
    await f.flag({ id: "cy-owns", taskKey: "W-4", kind: "stale", ownerId: cy });
    ({ served, provider } = await serveAppWithLocalOidc(ctx.db, () => new Date()));
    browser = await launchChromium();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  const at = (path: string) => `${served.url}${path}`;

  /** Goes through the provider's pages as `login`, starting at `path`. */
  async function signIn(context: BrowserContext, login: string, path = "/"): Promise<Page> {
    const page = await context.newPage();
    await page.goto(at(path));
    await signInAtProvider(page, provider, served.url, login);
    return page;
  }

  const flagsOn = async (page: Page) =>
    (
      await page.locator("li[data-flag]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-flag")))
    ).sort();
  const views = (page: Page) => page.getByRole("navigation", { name: "Views" });

  /** Snoozes a flag from its row, for "me" or the whole "team". */
  async function snooze(page: Page, flagId: string, scope: "me" | "team") {
    const row = page.locator(`li[data-flag="${flagId}"]`).first();
    await row.locator('button[data-action="snooze"]').click();
    const form = row.locator('form[data-form="snooze"]');
    await form.getByLabel("For").selectOption(scope);
    await form.getByRole("button", { name: /^Snooze/ }).click();
    await page.waitForURL(/notice=snoozed/);
  }

  let anaContext: BrowserContext;
  let benContext: BrowserContext;
  let anaPage: Page;
  let benPage: Page;

  it("lands a person on Mine: what they own and what waits on them, not the others'; Team shows all", async () => {
    anaContext = await browser.newContext();
    anaPage = await signIn(anaContext, "ana");
    expect(new URL(anaPage.url()).pathname).toBe("/");
    expect(await anaPage.locator("h1").first().textContent()).toContain("Mine");
    expect(await flagsOn(anaPage)).toEqual(["ana-owns", "waits-on-ana"]);
    expect(await views(anaPage).getByRole("link", { name: /Mine/ }).textContent()).toBe("Mine 2");
    expect(await views(anaPage).getByRole("link", { name: /Team/ }).textContent()).toBe("Team 4");
    await views(anaPage).getByRole("link", { name: /Team/ }).click();
    await anaPage.waitForURL(/view=team/);
    expect(await flagsOn(anaPage)).toEqual(["ana-owns", "ben-owns", "cy-owns", "waits-on-ana"]);
    // A search stays in the view it was made from.
    await anaPage.locator("#q").fill("W-3");
    await anaPage.locator("#q").press("Enter");
    await anaPage.waitForURL(/q=W-3/);
    expect(new URL(anaPage.url()).searchParams.get("view")).toBe("team");
    expect(await flagsOn(anaPage)).toEqual(["ben-owns"]);

    benContext = await browser.newContext();
    benPage = await signIn(benContext, "ben");
    expect(await flagsOn(benPage)).toEqual(["ben-owns", "waits-on-ana"]);
  });

  it("hides a flag snoozed for me from me, not from a colleague", async () => {
    await anaPage.goto(at("/?view=team"));
    await snooze(anaPage, "ben-owns", "me");
    expect(await anaPage.getByRole("status").textContent()).toContain("Snoozed for you");
    expect(await flagsOn(anaPage)).not.toContain("ben-owns");
    expect(await views(anaPage).getByRole("link", { name: /Team/ }).textContent()).toBe("Team 3");
    await benPage.goto(at("/"));
    expect(await flagsOn(benPage)).toContain("ben-owns");
    await benPage.goto(at("/?view=team"));
    expect(await flagsOn(benPage)).toEqual(["ana-owns", "ben-owns", "cy-owns", "waits-on-ana"]);
  });

  it("hides a flag snoozed for the team from everyone", async () => {
    await anaPage.goto(at("/?view=team"));
    await snooze(anaPage, "cy-owns", "team");
    expect(await flagsOn(anaPage)).not.toContain("cy-owns");
    await benPage.goto(at("/?view=team"));
    expect(await flagsOn(benPage)).not.toContain("cy-owns");
  });

  it("shows on the task page who changed what, when, and for whom", async () => {
    // Ben mutes W-3 for himself from its page.
    await benPage.goto(at("/tasks/W-3"));
    await benPage.getByRole("button", { name: "Mute for me" }).click();
    await benPage.waitForURL(/notice=muted_me/);
    expect(await benPage.getByRole("button", { name: "Unmute for me" }).count()).toBe(1);
    const history = benPage.locator("tr[data-history]");
    expect(await history.count()).toBe(2);
    const cells = async (row: number, at = history) =>
      (await at.nth(row).locator("td").allTextContents()).slice(1);
    expect(await cells(0)).toEqual(["ben@team.example", "muted the task", "themselves", ""]);
    expect((await cells(1)).slice(0, 3)).toEqual([
      "ana@team.example",
      "snoozed the stale flag",
      "themselves",
    ]);
    expect((await cells(1))[3]).toMatch(/^until /);
    // The team's snooze names Ana and the team.
    await benPage.goto(at("/tasks/W-4"));
    expect((await cells(0, benPage.locator("tr[data-history]"))).slice(0, 3)).toEqual([
      "ana@team.example",
      "snoozed the stale flag",
      "the team",
    ]);
    // Ben's mute is his: the task is muted in his inbox, not in Ana's nor for the team.
    await benPage.goto(at("/?view=team&q=is:muted"));
    expect(await flagsOn(benPage)).toEqual(["ben-owns"]);
    await anaPage.goto(at("/tasks/W-3"));
    expect(await anaPage.getByRole("button", { name: "Mute for me" }).count()).toBe(1);
    expect(await anaPage.getByRole("button", { name: "Mute task" }).count()).toBe(1);
    await Promise.all([anaContext.close(), benContext.close()]);
  });
});
