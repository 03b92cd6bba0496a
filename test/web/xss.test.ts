/**
 * Hostile email and chat bodies rendered in a real Chromium: nothing runs. Each body of the corpus is stored
 * as an email (with the HTML body the task page shows, sanitised at display whatever was stored) and as a
 * chat message, all on one task, with a hostile task title, person name and flag reason besides. The test
 * listens for dialogs and page errors, checks a sentinel global stays unset, that no event-handler attribute
 * or script URL reaches the DOM, and that no remote image loads before the reader asks.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../helpers/browser.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/databases.ts";
import { fixtures } from "../helpers/fixtures.ts";
import { type ServedApp, serveApp, WEB_TOKEN } from "./web-server.ts";
import { XSS_CORPUS } from "./xss-corpus.ts";

const NOW = new Date("2025-03-10T12:00:00.000Z");

// Run in the page (as source text: the tests are type-checked without the DOM library).
const OPEN_ALL_DETAILS = `for (const d of document.querySelectorAll("details")) d.open = true`;
/** Every event-handler attribute, script URL, active element or style attribute that reached the DOM. */
const FIND_HOSTILE_DOM = `(() => {
  const found = [];
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      if (/^on/i.test(attr.name)) found.push(el.tagName + " " + attr.name);
      if (/^\\s*(javascript|data|vbscript):/i.test(attr.value) && /^(href|src|action|xlink:href|formaction)$/i.test(attr.name)) {
        found.push(el.tagName + " " + attr.name + "=" + attr.value);
      }
    }
  }
  const active = "main script, main iframe, main object, main embed, main style, main base, main meta, main link, main form:not([action^='/'])";
  for (const el of document.querySelectorAll(active)) found.push(el.tagName);
  if (document.querySelectorAll("main [style]").length > 0) found.push("style attribute");
  return found;
})()`;

describe("hostile content in the web view [pglite]", () => {
  let database: TestDatabase;
  let served: ServedApp;
  let browser: Browser;
  let page: Page;
  const dialogs: string[] = [];
  const errors: string[] = [];
  const remote: string[] = [];
  let personId = "";
  let flagId = "";

  beforeAll(async () => {
    database = await createTestDatabase("pglite");
    const f = fixtures(database.db);
    const evil = await f.person({ name: `<img src=x onerror="window.__xss='name'">Mallory` });
    personId = evil.id;
    const task = await f.task({
      key: "XSS-1",
      title: `<script>window.__xss='title'</script>Hostile`,
      assigneeId: evil.id,
    });
    const ids: string[] = [];
    for (const [n, body] of XSS_CORPUS.entries()) {
      const email = await f.item({
        source: "gmail",
        externalId: `xss-mail-${n}`,
        kind: "email",
        authorId: evil.id,
        text: body,
        threadId: `thread-${n % 5}`,
        url: n % 2 === 0 ? "javascript:window.__xss='url'" : "https://mail.example/x",
        meta: { subject: body, body: { text: body, html: `<div>${body}</div>` } },
        linkTo: task.key,
      });
      ids.push(email.id);
      await f.item({
        source: "slack",
        externalId: `xss-chat-${n}`,
        authorId: evil.id,
        text: body,
        linkTo: task.key,
      });
      // Unlinked: the "discussed but never put on a task" page shows it.
      await f.item({ source: "teams", externalId: `xss-loose-${n}`, authorId: evil.id, text: body });
    }
    await f.item({
      source: "gmail",
      externalId: "xss-image",
      kind: "email",
      text: "pixel",
      meta: { body: { text: "", html: `<p>hi</p><img src="https://tracker.example/open.gif" alt="logo">` } },
      linkTo: task.key,
    });
    await f.refreshActivity([task.key]);
    const flag = await f.flag({
      taskKey: task.key,
      kind: "unanswered_question",
      reason: `<svg onload="window.__xss='reason'"></svg> asked`,
      evidence: ids.slice(0, 5),
      ownerId: evil.id,
    });
    flagId = flag.id;
    served = await serveApp(database.db, () => NOW);
    browser = await launchChromium();
    const context = await browser.newContext();
    page = await context.newPage();
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on("pageerror", (err) => errors.push(String(err)));
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith(served.url)) return route.continue();
      remote.push(url);
      return route.abort();
    });
    await page.goto(`${served.url}/signin`);
    await page.getByLabel("API token").fill(WEB_TOKEN);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${served.url}/`);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await served?.close();
    await database?.close();
  });

  it(`holds a corpus of at least 30 hostile bodies (${XSS_CORPUS.length})`, () => {
    expect(XSS_CORPUS.length).toBeGreaterThanOrEqual(30);
  });

  it.each(["/tasks/XSS-1", "/", "/?q=hostile", "/items", "/people", "PERSON", "NUDGE"])(
    "renders %s inert",
    async (path) => {
      const target =
        path === "PERSON"
          ? `/people/${encodeURIComponent(personId)}`
          : path === "NUDGE"
            ? `/flags/${encodeURIComponent(flagId)}/actions/nudge`
            : path;
      await page.goto(`${served.url}${target}`);
      // The preview itself, with the hostile title and the question it quotes, not a page saying it cannot be.
      if (path === "NUDGE") expect(await page.locator("h1").textContent()).toContain("Nudge: XSS-1");
      // Give anything that would run (onload, autofocus, timers) its chance.
      await page.focus("body").catch(() => {});
      await page.waitForTimeout(150);
      await page.evaluate(OPEN_ALL_DETAILS);
      await page.waitForTimeout(50);
      expect(await page.evaluate("window.__xss")).toBeUndefined();
      const bad = await page.evaluate(FIND_HOSTILE_DOM);
      expect(bad).toEqual([]);
      expect(dialogs).toEqual([]);
      expect(errors).toEqual([]);
      expect(remote).toEqual([]);
    },
  );

  it("shows the hostile text as text", async () => {
    await page.goto(`${served.url}/tasks/XSS-1`);
    expect(await page.locator("h1").textContent()).toContain("<script>window.__xss='title'</script>Hostile");
    expect(await page.locator("article[data-source=slack] .text").first().textContent()).toBe(XSS_CORPUS[0]);
  });

  it("loads an email's remote images only when asked", async () => {
    await page.goto(`${served.url}/tasks/XSS-1`);
    expect(remote).toEqual([]);
    await page
      .locator("article", { has: page.locator('img[data-src^="https://tracker.example/"]') })
      .last()
      .getByRole("button", { name: "Load remote images" })
      .click();
    await expect.poll(() => remote.some((u) => u.startsWith("https://tracker.example/"))).toBe(true);
    remote.length = 0;
  });
});
