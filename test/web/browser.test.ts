/**
 * The web inbox end to end in a real Chromium, over the demo workspace (all five sources, every flag kind):
 * sign in, filter, search, read a task's timeline, snooze, the keyboard, phone width. Screenshots go to
 * `test-artifacts/`. PGlite only: the queries behind the pages run on both databases in
 * `inbox-queries.test.ts`, and a second demo load would double the slowest file of the suite.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DemoSources, startDemoSources } from "../../src/demo/demo-sources.ts";
import { syncDemoWorkspace } from "../../src/demo/demo-workspace.ts";
import { FLAG_KINDS } from "../../src/model/kinds.ts";
import { artifactPath, launchChromium } from "../helpers/browser.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/databases.ts";
import { type ServedApp, serveApp, WEB_TOKEN } from "./web-server.ts";

const NOW = new Date("2026-03-04T15:00:00Z");

describe("web inbox in Chromium [pglite]", () => {
  let database: TestDatabase;
  let demo: DemoSources;
  let served: ServedApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase("pglite");
    demo = await startDemoSources({ now: NOW });
    await syncDemoWorkspace(database.db, demo.env, { now: () => NOW });
    served = await serveApp(database.db, () => NOW);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on("pageerror", (err) => pageErrors.push(String(err)));
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await served?.close();
    await demo?.close();
    await database?.close();
  });

  const at = (path: string) => `${served.url}${path}`;

  it("sends a visitor who is not signed in to sign-in, and back to the page asked for", async () => {
    await page.goto(at("/tasks/ACME-7"));
    expect(new URL(page.url()).pathname).toBe("/signin");
    await page.getByLabel("API token").fill("not-the-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect
      .poll(() => page.getByRole("alert").textContent())
      .toContain("not this deployment's API token");
    await page.getByLabel("API token").fill(WEB_TOKEN);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(at("/tasks/ACME-7"));
    expect(await page.locator("h1").textContent()).toContain("ACME-7");
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === "tl_session");
    expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax" });
  });

  it("groups what needs attention by kind, longest stuck first, with counts", async () => {
    await page.goto(at("/"));
    const groups = await page.locator("section.group h2").allTextContents();
    expect(groups).toHaveLength(FLAG_KINDS.length);
    for (const kind of FLAG_KINDS) {
      const rows = page.locator(`section[aria-labelledby="group-${kind}"] li[data-row]`);
      expect(await rows.count()).toBeGreaterThan(0);
      const since = await rows
        .locator("time")
        .evaluateAll((els) => els.map((e) => e.getAttribute("datetime")));
      expect(since).toEqual([...since].sort());
    }
    const first = page.locator("li[data-row]").first();
    expect(await first.locator(".reason").textContent()).not.toBe("");
    expect(await first.locator(".meta").textContent()).toMatch(/Owner:.*Stuck/s);
    expect(await first.locator(".src").count()).toBeGreaterThan(0);
    await page.screenshot({ path: await artifactPath("web-inbox.png"), fullPage: true });
  });

  it("filters by kind from the sidebar and by prefix search", async () => {
    await page.goto(at("/"));
    await page
      .locator("aside.filters")
      .getByRole("link", { name: /^Stale/ })
      .click();
    await page.waitForURL(/q=kind%3Astale/);
    expect(await page.locator("section.group h2").allTextContents()).toEqual([
      expect.stringMatching(/^Stale/),
    ]);

    await page.locator("#q").fill("source:gmail project:ACME");
    await page.locator("#q").press("Enter");
    await page.waitForURL(/source%3Agmail/);
    const rows = page.locator("li[data-row]");
    expect(await rows.count()).toBeGreaterThan(0);
    for (const text of await rows.locator(".sources").allTextContents()) expect(text).toContain("Gmail");
    for (const key of await rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-task")))) {
      expect(key).toMatch(/^ACME-/);
    }
  });

  it("finds tasks by full-text search over titles and over the text of their items", async () => {
    await page.goto(at(`/?q=${encodeURIComponent("ACME-3")}`));
    expect(
      await page.locator("[data-task]").evaluateAll((els) => els.map((e) => e.getAttribute("data-task"))),
    ).toContain("ACME-3");
    // "Okta" is in no task's title, only in the emails and chat of ACME-1.
    await page.locator("#q").fill("okta");
    await page.locator("#q").press("Enter");
    await page.waitForURL(/q=okta/);
    const found = await page.locator("li[data-row] .key").allTextContents();
    expect(found).toContain("ACME-1");
  });

  it("shows a task's timeline: several sources interleaved in time, replies nested, evidence marked", async () => {
    await page.goto(at("/tasks/ACME-1"));
    const top = page.locator("ol.timeline > li > article");
    const sources = await page
      .locator("article[data-source]")
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-source")));
    expect(new Set(sources).size).toBeGreaterThanOrEqual(3);
    const times = await top.evaluateAll((els) =>
      els.map((e) => e.querySelector(":scope > header time")?.getAttribute("datetime") ?? ""),
    );
    expect(times).toEqual([...times].sort());
    for (const link of await page
      .locator("article .item-head a[target=_blank]")
      .evaluateAll((els) => els.map((e) => e.getAttribute("href")))) {
      expect(link).toMatch(/^https?:\/\//);
    }
    await page.screenshot({ path: await artifactPath("web-task.png"), fullPage: true });

    await page.goto(at("/tasks/ACME-7"));
    expect(await page.locator("ol.replies article").count()).toBeGreaterThan(0);
    expect(await page.locator(".flag").count()).toBeGreaterThan(0);
    expect(await page.locator("article.item.evidence").count()).toBeGreaterThan(0);
  });

  it("snoozes a flag from the inbox, and it leaves the inbox", async () => {
    await page.goto(at("/?q=kind%3Ablocked_external"));
    const row = page.locator("li[data-row]").first();
    const flagId = await row.getAttribute("data-flag");
    const before = await page.locator("li[data-row]").count();
    // The row's button opens the page's one snooze form inside the row, for this flag.
    await row.locator('button[data-action="snooze"]').click();
    expect(await row.locator('button[data-action="snooze"]').getAttribute("aria-expanded")).toBe("true");
    await row
      .locator('form[data-form="snooze"]')
      .getByRole("button", { name: /^Snooze / })
      .click();
    await page.waitForURL(/notice=snoozed/);
    expect(await page.getByRole("status").textContent()).toContain("Snoozed");
    expect(await page.locator(`li[data-flag="${flagId}"]`).count()).toBe(0);
    expect(await page.locator("li[data-row]").count()).toBe(before - 1);
    // It is listed among the snoozed flags instead.
    await page.goto(at("/?q=is%3Asnoozed"));
    expect(await page.locator(`li[data-flag="${flagId}"]`).count()).toBe(1);
  });

  it("dismisses a flag without the script: the page's form above the list, the row's button", async () => {
    const plain = await browser.newContext({
      javaScriptEnabled: false,
      storageState: await context.storageState(),
    });
    try {
      const noScript = await plain.newPage();
      await noScript.goto(at("/?q=kind%3Ano_owner"));
      const row = noScript.locator("li[data-row]").first();
      const flagId = await row.getAttribute("data-flag");
      await noScript.getByLabel("Reason to dismiss").fill("Owned by the platform team");
      await row.getByRole("button", { name: /^Dismiss / }).click();
      await noScript.waitForURL(/notice=dismissed/);
      expect(await noScript.locator(`li[data-flag="${flagId}"]`).count()).toBe(0);
    } finally {
      await plain.close();
    }
  });

  it("works from the keyboard: j/k, o, /, ? and s", async () => {
    await page.goto(at("/"));
    const rows = page.locator("li[data-row]");
    // Which rows are selected, and the row of the focused link: each key must move both.
    const selection = () =>
      page.evaluate(`(() => {
        const rows = Array.from(document.querySelectorAll("li[data-row]"));
        const focused = document.activeElement?.closest("li[data-row]");
        return {
          selected: rows.flatMap((row, n) => (row.classList.contains("is-selected") ? [n] : [])),
          focused: focused && document.activeElement.hasAttribute("data-open") ? rows.indexOf(focused) : null,
        };
      })()`);
    expect(await rows.count()).toBeGreaterThan(2);
    expect(await selection()).toEqual({ selected: [], focused: null });
    await page.keyboard.press("j");
    expect(await selection()).toEqual({ selected: [0], focused: 0 });
    await page.keyboard.press("j");
    expect(await selection()).toEqual({ selected: [1], focused: 1 });
    await page.keyboard.press("j");
    expect(await selection()).toEqual({ selected: [2], focused: 2 });
    await page.keyboard.press("k");
    expect(await selection()).toEqual({ selected: [1], focused: 1 });
    await page.keyboard.press("k");
    expect(await selection()).toEqual({ selected: [0], focused: 0 });
    await page.keyboard.press("s");
    expect(await rows.nth(0).locator('form[data-form="snooze"]').isVisible()).toBe(true);
    expect(await page.evaluate("document.activeElement?.type")).toBe("date");
    // Escape closes the form and gives the focus back to the row's button; `e` opens the other form there.
    await page.keyboard.press("Escape");
    expect(await rows.nth(0).locator('form[data-form="snooze"]').count()).toBe(0);
    expect(await page.evaluate(`document.activeElement?.getAttribute("data-action")`)).toBe("snooze");
    await page.keyboard.press("e");
    expect(await rows.nth(0).locator('form[data-form="dismiss"]').isVisible()).toBe(true);
    expect(await page.evaluate("document.activeElement?.name")).toBe("reason");
    await page.keyboard.press("Escape");
    await page.keyboard.press("?");
    expect(await page.locator("dialog#help").isVisible()).toBe(true);
    await page.keyboard.press("Escape");
    expect(await page.locator("dialog#help").isVisible()).toBe(false);
    await page.keyboard.press("/");
    expect(await page.evaluate("document.activeElement?.id")).toBe("q");
    await page.keyboard.press("Escape");
    const key = await rows.nth(0).getAttribute("data-task");
    await page.keyboard.press("o");
    await page.waitForURL(at(`/tasks/${encodeURIComponent(key!)}`));
  });

  it("reads at phone width without sideways scrolling", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of ["/", "/tasks/ACME-1"]) {
      await page.goto(at(path));
      const overflow = await page.evaluate<number>(
        "document.documentElement.scrollWidth - window.innerWidth",
      );
      expect(overflow, path).toBeLessThanOrEqual(0);
    }
    await page.goto(at("/"));
    await page.screenshot({ path: await artifactPath("web-inbox-phone.png"), fullPage: false });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it("raised no script error on any page", () => {
    expect(pageErrors).toEqual([]);
  });
});
