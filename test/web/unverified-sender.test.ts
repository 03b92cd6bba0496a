/**
 * The task page in a real Chromium marks an email whose sender Gmail did not vouch for: a spoofed "Approved,
 * go ahead." under the client's address (dmarc=fail) says "unverified sender", with the failed check in its
 * title, and the genuine messages around it do not. PGlite only: the query behind it runs on both databases
 * in test/flags/spoofed-approval.test.ts.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type GmailSandbox,
  startGmailSandbox,
  toFailingAuthenticationResults,
} from "../../connectors/sandbox/gmail/index.ts";
import { APPROVAL_ASKED, APPROVAL_JUDGED, buildApprovalThread } from "../connectors/gmail/approval-thread.ts";
import { GMAIL_LINK_CONTEXT, quickGmail, settingsFor } from "../connectors/gmail/helpers.ts";
import { launchChromium } from "../helpers/browser.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/databases.ts";
import { fixtures } from "../helpers/fixtures.ts";
import { syncOnce } from "../helpers/sync-run.ts";
import { type ServedApp, serveApp, WEB_TOKEN } from "./web-server.ts";

describe("an unverified sender on the task page in Chromium [pglite]", () => {
  let database: TestDatabase;
  let gmail: GmailSandbox;
  let served: ServedApp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    database = await createTestDatabase("pglite");
    gmail = await startGmailSandbox(buildApprovalThread(toFailingAuthenticationResults));
    await fixtures(database.db).task({ key: "FAL-12", title: "Release 2.3", updatedAt: APPROVAL_ASKED });
    const report = await syncOnce(
      database.db,
      [{ connector: quickGmail().connector, settings: settingsFor(gmail) }],
      {
        mode: "backfill",
        now: () => APPROVAL_JUDGED,
        linkContext: GMAIL_LINK_CONTEXT,
      },
    );
    expect(report.ok).toBe(true);
    served = await serveApp(database.db, () => APPROVAL_JUDGED);
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
    await gmail?.close();
    await database?.close();
  });

  it("says so on the spoofed email only, with the check that failed", async () => {
    await page.goto(`${served.url}/tasks/FAL-12`);
    const items = page.locator("article.item");
    expect(await items.count()).toBe(3);
    const spoofed = items.filter({ hasText: "Approved, go ahead." });
    const mark = spoofed.locator(".item-head .unverified");
    expect(await mark.textContent()).toBe("unverified sender");
    expect(await mark.getAttribute("title")).toContain("dmarc=fail");
    expect(await page.locator(".unverified").count()).toBe(1);
  });
});
