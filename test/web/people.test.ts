/**
 * The People page's suggested merges and who a flag waits on, in a real Chromium over a small seeded
 * database: the evidence of both sides, "Merge", "Not the same person", and "Waiting on …" on the inbox row,
 * the task page and the person page.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listSources } from "../../connectors/registry.ts";
import { parseFlagSettings } from "../../src/flags/flag-settings.ts";
import { launchChromium } from "../helpers/browser.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/databases.ts";
import { fixtures } from "../helpers/fixtures.ts";
import { type ServedApp, serveApp, WEB_TOKEN } from "./web-server.ts";

const NOW = new Date("2025-03-10T12:00:00Z");

describe("people and suggested merges in Chromium [pglite]", () => {
  let database: TestDatabase;
  let served: ServedApp;
  let browser: Browser;
  let page: Page;
  const ids = { ana: "", anaGithub: "", ben: "", benSlack: "", carl: "", carlOther: "" };

  beforeAll(async () => {
    database = await createTestDatabase("pglite");
    const f = fixtures(database.db);
    const person = async (name: string, email: string | null) => (await f.person({ name, email })).id;
    ids.ana = await person("Ana Lima", "ana@acme.io");
    await f.identity({
      source: "jira",
      externalId: "acc-ana",
      personId: ids.ana,
      displayName: "Ana Lima",
      email: "ana@acme.io",
    });
    ids.anaGithub = await person("ana-l", null);
    await f.identity({
      source: "github",
      externalId: "4401",
      handle: "ana-l",
      personId: ids.anaGithub,
      displayName: "Ána  Lima",
    });
    ids.ben = await person("Ben Ode", "ben@acme.io");
    await f.identity({
      source: "jira",
      externalId: "acc-ben",
      personId: ids.ben,
      displayName: "Ben Ode",
      email: "ben@acme.io",
    });
    ids.benSlack = await person("ben ode", "ben.ode@gmail.com");
    await f.identity({
      source: "slack",
      externalId: "U0BEN1",
      personId: ids.benSlack,
      displayName: "ben ode",
      email: "ben.ode@gmail.com",
    });
    // Two addresses of the team are two people, whatever their names.
    ids.carl = await person("Carl Zed", "carl@acme.io");
    await f.identity({
      source: "jira",
      externalId: "acc-carl",
      personId: ids.carl,
      displayName: "Carl Zed",
      email: "carl@acme.io",
    });
    ids.carlOther = await person("Carl Zed", "carl.zed@acme.io");
    await f.identity({
      source: "slack",
      externalId: "U0CARL",
      personId: ids.carlOther,
      displayName: "Carl Zed",
      email: "carl.zed@acme.io",
    });

    await f.task({
      key: "ACME-1",
      title: "Checkout times out",
      assigneeId: ids.carl,
      updatedAt: new Date("2025-03-01T09:00:00Z"),
    });
    await f.flag({
      id: "fl-wait",
      taskKey: "ACME-1",
      kind: "missing_approval",
      reason: "The pull request waits for an approving review.",
      ownerId: ids.carl,
      waitingOn: [ids.anaGithub, ids.ben],
    });

    const flagSettings = parseFlagSettings(undefined, { THREADLINE_TEAM_DOMAINS: "acme.io" }, listSources());
    served = await serveApp(database.db, () => NOW, { flagSettings });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
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

  const at = (path: string) => `${served.url}${path}`;
  const suggestion = (other: string) => page.locator(`li.suggestion[data-other="${other}"]`);

  it("lists the suggestions on top with both sides' accounts, not two team addresses", async () => {
    await page.goto(at("/people"));
    const headings = await page.locator("h2").allTextContents();
    expect(headings[0]).toMatch(/^Suggested merges\s*2$/);
    const ana = suggestion(ids.anaGithub);
    expect(await ana.getAttribute("data-member")).toBe(ids.ana);
    const text = (await ana.textContent())?.replace(/\s+/g, " ");
    expect(text).toContain("Ána Lima: the same person?");
    expect(text).toContain("Jira account acc-ana · Ana Lima · ana@acme.io");
    expect(text).toContain("GitHub account ana-l · Ána Lima · no email");
    const ben = (await suggestion(ids.benSlack).textContent())?.replace(/\s+/g, " ");
    expect(ben).toContain("Slack account U0BEN1 · ben ode · ben.ode@gmail.com");
    expect(await suggestion(ids.carlOther).count()).toBe(0);
  });

  it("merges with one click", async () => {
    await page.goto(at("/people"));
    await suggestion(ids.anaGithub).getByRole("button", { name: "Merge" }).click();
    await page.waitForURL((url) => url.pathname === `/people/${ids.ana}`);
    expect(await page.getByRole("status").textContent()).toContain("Merged.");
    const [identity] = await database.db.query.identities.findMany({
      where: (i, { and, eq }) => and(eq(i.source, "github"), eq(i.externalId, "4401")),
    });
    expect(identity?.personId).toBe(ids.ana);
    await page.goto(at("/people"));
    expect(await suggestion(ids.anaGithub).count()).toBe(0);
    expect(await suggestion(ids.benSlack).count()).toBe(1);
  });

  it("never suggests a pair again once someone says they are not the same person", async () => {
    await page.goto(at("/people"));
    await suggestion(ids.benSlack).getByRole("button", { name: "Not the same person" }).click();
    await page.waitForURL((url) => url.pathname === "/people");
    expect(await page.getByRole("status").textContent()).toContain("not suggested again");
    expect(await suggestion(ids.benSlack).count()).toBe(0);
    await page.reload();
    expect(await page.locator("li.suggestion").count()).toBe(0);
    const [a, b] = [ids.ben, ids.benSlack].sort();
    const dismissals = await database.db.query.mergeDismissals.findMany();
    expect(dismissals).toEqual([expect.objectContaining({ personA: a, personB: b, by: "admin" })]);
    // Nothing was merged by saying no.
    const [slack] = await database.db.query.identities.findMany({
      where: (i, { eq }) => eq(i.externalId, "U0BEN1"),
    });
    expect(slack?.personId).toBe(ids.benSlack);
  });

  it("shows who a flag waits on in the inbox, on the task page and on their person page", async () => {
    await page.goto(at("/"));
    const row = page.locator('li[data-flag="fl-wait"]');
    // The GitHub account was merged into Ana since the flag named it: the survivor is shown.
    expect((await row.locator(".waiting-on").textContent())?.replace(/\s+/g, " ")).toBe(
      "Waiting on Ana Lima, Ben Ode",
    );
    await page.goto(at("/tasks/ACME-1"));
    expect(
      (await page.locator('li.flag[data-flag="fl-wait"] .waiting-on').textContent())?.replace(/\s+/g, " "),
    ).toBe("Waiting on Ana Lima, Ben Ode");
    await page.goto(at(`/people/${ids.ben}`));
    const waits = page.locator('section[aria-labelledby="waits"]');
    expect(await waits.locator("h2").textContent()).toMatch(/Waiting on them\s*1/);
    expect(await waits.locator('li[data-flag="fl-wait"]').count()).toBe(1);
    const owns = page.locator('section[aria-labelledby="owes"]');
    expect(await owns.locator("li[data-flag]").count()).toBe(0);
    await page.goto(at(`/people/${ids.carl}`));
    expect(await page.locator('section[aria-labelledby="owes"] li[data-flag="fl-wait"]').count()).toBe(1);
    expect(await page.locator('section[aria-labelledby="waits"] li[data-flag]').count()).toBe(0);
  });
});
