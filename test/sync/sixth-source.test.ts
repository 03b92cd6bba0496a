/**
 * A new source is one folder and one registry line: Chatter (a made-up chat tool, `./chatter/`) is registered
 * beside the product's five in one line, and then syncs, links, raises flags and shows up by its own name in
 * the inbox, the digest and the CLI's help, through the same entry points the product uses.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONNECTORS, defineRegistry, listSources } from "../../connectors/registry.ts";
import { createApp } from "../../src/api/app.ts";
import { registerBackfill } from "../../src/cli/commands/backfill.ts";
import { parseConfig } from "../../src/config.ts";
import { runDigest } from "../../src/digest/run-digest.ts";
import { parseFlagSettings } from "../../src/flags/flag-settings.ts";
import { runSync, type SyncReport } from "../../src/sync/engine.ts";
import { toLinkContext } from "../../src/sync/link-context.ts";
import { configureSources } from "../../src/sync/sources.ts";
import { createTestDatabase, TEST_DATABASE_KINDS, type TestDatabase } from "../helpers/databases.ts";
import { fixtures } from "../helpers/fixtures.ts";
import { createChatterConnector } from "./chatter/index.ts";

const ROSA = { id: "U-rosa", name: "Rosa Park", email: "rosa@acme.dev" };

const chatter = createChatterConnector([
  {
    id: "m1",
    room: "general",
    thread: "t1",
    at: "2026-03-02T09:00:00.000Z",
    text: "FAL-7: can someone confirm the invoice export keeps the VAT column?",
    user: ROSA,
  },
  {
    id: "m2",
    room: "general",
    thread: "t2",
    at: "2026-03-02T09:30:00.000Z",
    text: "Pushed the copy deck for FAL-7 to the shared drive.",
    user: ROSA,
  },
]);

/** The one line that adds a source. */
const REGISTRY = defineRegistry({ ...CONNECTORS, chatter });

const SOURCES = listSources(REGISTRY);
const NOW = new Date("2026-03-06T12:00:00.000Z");
const TOKEN = "sixth-source-token-7d1e";
const HOST = "inbox.example";
const ENV = { CHATTER_TOKEN: "chatter-token", JIRA_PROJECTS: "FAL", THREADLINE_TEAM_DOMAINS: "acme.dev" };

it("lists the sixth source in `threadline backfill --help`, with what it reads", () => {
  const program = new Command("threadline");
  registerBackfill(program, REGISTRY);
  const backfill = program.commands.find((c) => c.name() === "backfill")!;
  let help = "";
  backfill.configureOutput({ writeOut: (text) => (help += text) });
  backfill.outputHelp();
  // Commander wraps long lines to the terminal's width.
  expect(help.replace(/\s+/g, " ")).toContain(
    "only this source (jira, github, gmail, teams, slack, chatter); repeatable",
  );
  expect(help).toMatch(/^ {2}chatter +Chatter: room messages of CHATTER_ROOMS$/m);
});

for (const kind of TEST_DATABASE_KINDS) {
  describe(`a sixth source, registered in one line [${kind}]`, () => {
    let database: TestDatabase;
    let report: SyncReport;
    const request = (path: string, init: RequestInit & { headers?: Record<string, string> } = {}) =>
      createApp({ db: database.db, apiToken: TOKEN, now: () => NOW, sources: SOURCES }).request(
        `http://${HOST}${path}`,
        { ...init, headers: { host: HOST, ...init.headers } },
      );

    beforeAll(async () => {
      database = await createTestDatabase(kind);
      const f = fixtures(database.db);
      const dana = await f.person({ name: "Dana Whitfield", email: "dana@acme.dev" });
      await f.task({
        key: "FAL-7",
        source: "jira",
        title: "Invoice export",
        status: "In Progress",
        statusCategory: "in_progress",
        assigneeId: dana.id,
        createdAt: new Date("2026-02-20T09:00:00.000Z"),
        updatedAt: new Date("2026-02-27T09:00:00.000Z"),
        lastActivityAt: new Date("2026-02-27T09:00:00.000Z"),
      });
      // What `threadline backfill` does, over the six-source registry.
      report = await runSync({
        db: database.db,
        sources: configureSources(ENV, [], REGISTRY),
        mode: "backfill",
        linkContext: toLinkContext(ENV, SOURCES),
        flagSettings: parseFlagSettings(undefined, ENV, SOURCES),
        now: () => NOW,
      });
    }, 60_000);
    afterAll(() => database?.close());

    it("syncs only the configured source, page by page", () => {
      expect(report.ok).toBe(true);
      expect(report.sources.map((s) => s.source)).toEqual(["chatter"]);
    });

    it("shows its items and flags in the inbox under its own name and colour", async () => {
      const cookie = await signIn(request);
      const inbox = await (await request("/", { headers: { cookie } })).text();
      expect(inbox).toContain(
        "Rosa Park asked in Chatter on Mon: “FAL-7: can someone confirm the invoice export keeps the VAT column?”",
      );
      expect(inbox).toContain("the last was a Chatter message from Rosa Park");
      expect(inbox).toContain('<span class="src src-chatter">Chatter</span>');

      const styles = /href="(\/assets\/sources\.[^"]+\.css)"/.exec(inbox)?.[1];
      const css = await (await request(styles ?? "/missing.css")).text();
      expect(css).toContain(".src-chatter { background: #0f766e; }");

      const filtered = await (await request("/?q=source%3Achatter", { headers: { cookie } })).text();
      expect(filtered).not.toContain("is not one of");
      expect(filtered).toContain("FAL-7");

      const task = await (
        await request(`/tasks/${encodeURIComponent("FAL-7")}`, { headers: { cookie } })
      ).text();
      expect(task).toContain('aria-label="Chatter chat message"');
    });

    it("names it in the digest, with a link that opens in it", async () => {
      const outDir = await mkdtemp(join(tmpdir(), "threadline-sixth-"));
      try {
        const result = await runDigest({
          db: database.db,
          config: parseConfig(ENV),
          flagSettings: parseFlagSettings(undefined, ENV, SOURCES),
          mode: "out",
          outDir,
          now: NOW,
          day: "2026-03-06",
        });
        expect(result.recipients.map((r) => r.recipient)).toEqual(["dana@acme.dev"]);
        const mail = await simpleParser(await readFile(join(outDir, "dana@acme.dev.eml")));
        expect(mail.text).toContain("Rosa Park asked in Chatter on Mon");
        expect(mail.text).toContain("Chatter: https://chatter.example/general/m1");
        expect(mail.html || "").toContain("Open in Chatter</a>");
      } finally {
        await rm(outDir, { recursive: true, force: true });
      }
    });
  });
}

/** Signs in to the web view as a browser would: the form, its cookie, the POST. Answers the session cookie. */
async function signIn(
  request: (
    path: string,
    init?: RequestInit & { headers?: Record<string, string> },
  ) => Response | Promise<Response>,
) {
  const page = await request("/signin");
  const pre = page.headers.get("set-cookie")!.split(";")[0]!;
  const signinToken = /name="_signin" value="([^"]+)"/.exec(await page.text())![1]!;
  const res = await request("/signin", {
    method: "POST",
    headers: { cookie: pre, origin: `http://${HOST}`, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ _signin: signinToken, token: TOKEN, next: "/" }).toString(),
  });
  return res.headers.get("set-cookie")!.split(";")[0]!;
}
