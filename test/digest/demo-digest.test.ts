/**
 * The digest of the demo workspace, rendered as the mail clients get it and looked at in Chromium at desktop
 * and phone widths. The HTML, the .eml files and the screenshots stay in test-artifacts/ for people to see.
 */

import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { simpleParser } from "mailparser";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listSources } from "../../connectors/registry.ts";
import { parseConfig } from "../../src/config.ts";
import { startDemoSources } from "../../src/demo/demo-sources.ts";
import { syncDemoWorkspace } from "../../src/demo/demo-workspace.ts";
import { runDigest } from "../../src/digest/run-digest.ts";
import { parseFlagSettings } from "../../src/flags/flag-settings.ts";
import type { Database } from "../../src/store/db.ts";
import { migrateDatabase } from "../../src/store/migrate.ts";
import { openPglite } from "../../src/store/open-pglite.ts";
import { artifactPath, launchChromium } from "../helpers/browser.ts";

const NOW = new Date("2026-03-04T15:00:00Z");
const LEAD = "sofia@demo.threadline.dev";

describe("the demo workspace's digest", () => {
  let database: Database;
  let browser: Browser;
  let outDir: string;
  let result: Awaited<ReturnType<typeof runDigest>>;

  beforeAll(async () => {
    const [demo, db, chromium] = await Promise.all([
      startDemoSources({ now: NOW }),
      openPglite(undefined),
      launchChromium(),
    ]);
    database = db;
    browser = chromium;
    try {
      await migrateDatabase(database);
      await syncDemoWorkspace(database.db, demo.env, { now: () => NOW });
    } finally {
      await demo.close();
    }
    const config = parseConfig({
      THREADLINE_TEAM_DOMAINS: demo.env.THREADLINE_TEAM_DOMAINS,
      THREADLINE_DIGEST_LEADS: `${LEAD},pm@acme-corp.example`,
      THREADLINE_PUBLIC_URL: "https://threadline.demo.threadline.dev",
    });
    outDir = await artifactPath("digest-demo");
    result = await runDigest({
      db: database.db,
      config,
      flagSettings: parseFlagSettings(undefined, config.env, listSources()),
      mode: "out",
      outDir,
      now: NOW,
      day: "2026-03-04",
    });
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await database?.close();
  });

  it("goes to the team members with something stuck and the lead, nobody at the client", async () => {
    const recipients = result.recipients.map((r) => r.recipient);
    expect(recipients.length).toBeGreaterThanOrEqual(4);
    expect(recipients).toContain(LEAD);
    expect(recipients.every((r) => r.endsWith("@demo.threadline.dev"))).toBe(true);
    expect(result.skipped.map((s) => s.email)).toEqual(["pm@acme-corp.example"]);
    const files = await readdir(outDir);
    for (const r of recipients) expect(files).toContain(`${r}.eml`);
  });

  it("looks right in Chromium at desktop and phone widths", async () => {
    const mail = await simpleParser(await readFile(join(outDir, `${LEAD}.eml`)));
    expect(mail.subject).toMatch(/^Threadline Wed 4 Mar: \d+ stuck in the project/);
    expect(mail.text).toContain("EVERYTHING STUCK, LONGEST FIRST");
    const html = mail.html || "";
    const htmlFile = await artifactPath("digest-demo-lead.html");
    await writeFile(htmlFile, html);

    for (const [name, width, height] of [
      ["desktop", 1280, 900],
      ["phone", 390, 844],
    ] as const) {
      const page = await browser.newPage({ viewport: { width, height } });
      try {
        // No network: every style is inline and the message has no images to load.
        await page.setContent(html, { waitUntil: "load" });
        // A string, as the test's TypeScript has no DOM types: it runs in the page.
        const layout = (await page.evaluate(`({
          scrollWidth: document.documentElement.scrollWidth,
          bodyHeight: document.body.scrollHeight,
          links: [...document.querySelectorAll("a")].map((a) => a.getAttribute("href") ?? ""),
          card: Math.round(document.querySelector("table table").getBoundingClientRect().width),
        })`)) as { scrollWidth: number; bodyHeight: number; links: string[]; card: number };
        // Nothing wider than the screen: no sideways scrolling on a phone.
        expect(layout.scrollWidth).toBeLessThanOrEqual(width);
        expect(layout.card).toBe(name === "desktop" ? 600 : width - 16);
        expect(layout.bodyHeight).toBeGreaterThan(height);
        expect(
          layout.links.filter((l) => l.startsWith("https://threadline.demo.threadline.dev/tasks/")).length,
        ).toBeGreaterThan(20);
        const shot = await artifactPath(`digest-demo-lead-${name}.png`);
        await page.screenshot({ path: shot, fullPage: name === "phone" });
        expect((await stat(shot)).size).toBeGreaterThan(30_000);
      } finally {
        await page.close();
      }
    }
  }, 30_000);
});
