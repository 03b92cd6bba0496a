/**
 * Your own mailbox, end to end: a second team member connects their Gmail in Chromium through the local
 * Gmail server's OAuth pages (authorization code with PKCE), a sync pass reads it as a scope of the Gmail
 * source, a client's email about a task lands on the task's timeline while a private email is never stored,
 * the grant is sealed in the database, a grant revoked at Google asks for a reconnect, and disconnecting
 * revokes it and removes what no task needs.
 */
import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createGmailConnector, type GmailSettings } from "../../connectors/gmail/index.ts";
import { GmailDataset, type GmailSandbox, startGmailSandbox } from "../../connectors/sandbox/gmail/index.ts";
import type { Db } from "../../src/store/db.ts";
import { queryRows } from "../../src/store/rows.ts";
import { runSync } from "../../src/sync/engine.ts";
import type { MailboxDeps } from "../../src/web/routes.tsx";
import { launchChromium } from "../helpers/browser.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { fixtures } from "../helpers/fixtures.ts";
import { type LocalOidc, signInAtProvider } from "../helpers/local-oidc.ts";
import { type ServedApp, serveAppWithLocalOidc, WEB_TOKEN } from "./web-server.ts";

const BEN = { name: "Ben Okafor", address: "ben@team.example" };
const ANA = { name: "Ana Lima", address: "ana@team.example" };
const CLIENT = { name: "Carla Diaz (Northwind)", address: "carla@northwind.example" };
const SECRET_KEY = randomBytes(32).toString("base64");
const PRIVATE_SUBJECT = "Dinner on Friday?";

/** Ben's mailbox: a client's email about ACME-7, a client's email about nothing on the board, a private one. */
function buildBensMailbox(): GmailDataset {
  const data = new GmailDataset({ mailbox: BEN.address, now: Date.now() - 3 * 3_600_000 });
  data.send({
    from: CLIENT,
    to: [BEN],
    subject: "Export still times out (ACME-7)",
    text: "Hi Ben,\n\nThe CSV export still times out for us since Monday.\n\nCarla",
  });
  data.advance(600_000);
  data.send({
    from: CLIENT,
    to: [BEN],
    subject: "Lunch next time you are in town",
    text: "Hi Ben, let me know when you visit. Carla",
  });
  data.advance(600_000);
  data.send({
    from: ANA,
    to: [BEN],
    subject: PRIVATE_SUBJECT,
    text: "Are you and Sam free for dinner on Friday? Ana",
  });
  return data;
}

/** Every text and jsonb column of every table that holds `needle`, as `table.column`. */
async function columnsHolding(db: Db, needle: string): Promise<string[]> {
  const columns = await queryRows<{ table_name: string; column_name: string }>(
    db,
    sql`select table_name, column_name from information_schema.columns
        where table_schema = 'public' and data_type in ('text', 'jsonb', 'ARRAY', 'character varying')`,
  );
  const found: string[] = [];
  for (const { table_name, column_name } of columns) {
    const rows = await queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from ${sql.identifier(table_name)}
          where position(${needle} in ${sql.identifier(column_name)}::text) > 0`,
    );
    if ((rows[0]?.n ?? 0) > 0) found.push(`${table_name}.${column_name}`);
  }
  return found;
}

describeEachDatabase("a person's own mailbox, connected on the settings page in Chromium", (ctx) => {
  let provider: LocalOidc;
  let served: ServedApp;
  let browser: Browser;
  let gmail: GmailSandbox;
  let settings: GmailSettings;
  let mailboxes: MailboxDeps;

  beforeAll(async () => {
    await fixtures(ctx.db).task({ key: "ACME-7", title: "CSV export times out", source: "jira" });
    gmail = await startGmailSandbox(buildBensMailbox());
    const env = {
      GOOGLE_CLIENT_ID: gmail.data.clientId,
      GOOGLE_CLIENT_SECRET: gmail.data.clientSecret,
      GMAIL_API_URL: gmail.url,
    };
    settings = createGmailConnector().fromEnv(env)!;
    mailboxes = { gmail: settings, secretKey: SECRET_KEY };
    ({ served, provider } = await serveAppWithLocalOidc(ctx.db, () => new Date(), { mailboxes }));
    gmail.data.redirectUris.push(`${served.url}/settings/mailboxes/callback`);
    browser = await launchChromium();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await served?.close();
    await gmail?.close();
  });

  const at = (path: string) => `${served.url}${path}`;

  /** One sync pass, as the server runs it, over the Gmail source (whose only scopes are connected mailboxes). */
  const syncOnce = () =>
    runSync({
      db: ctx.db,
      sources: [{ connector: createGmailConnector({ retry: { retries: 0 } }), settings }],
      mode: "sync",
      linkContext: { jiraProjects: ["ACME"], jiraSiteUrls: [], githubRepos: [], githubWebUrls: [] },
      secretKey: SECRET_KEY,
      teamDomains: ["team.example"],
      retry: { attempts: 1 },
    });

  async function signIn(context: BrowserContext, login: string): Promise<Page> {
    const page = await context.newPage();
    await page.goto(at("/"));
    await signInAtProvider(page, provider, served.url, login);
    return page;
  }

  async function connect(page: Page): Promise<void> {
    await page.getByRole("link", { name: "Your mailbox" }).click();
    await page.waitForURL(/\/settings\/mailboxes$/);
    await page.getByRole("button", { name: "Connect Gmail" }).click();
    await page.waitForURL((u) => u.origin === new URL(gmail.url).origin);
    expect(await page.locator("#account").textContent()).toBe(BEN.address);
    await page.getByRole("button", { name: "Allow" }).click();
    await page.waitForURL(/\/settings\/mailboxes\?notice=mailbox_connected$/);
  }

  const timelineTexts = async () => {
    const res = await fetch(at("/api/tasks/ACME-7/timeline"), {
      headers: { authorization: `Bearer ${WEB_TOKEN}` },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: Array<{ source: string; text: string }> };
    return body.items.filter((i) => i.source === "gmail").map((i) => i.text);
  };

  const storedSubjects = async () =>
    (
      await queryRows<{ subject: string }>(
        ctx.db,
        sql`select meta->>'subject' as subject from items where source = 'gmail' order by at`,
      )
    ).map((r) => r.subject);

  it("connects Ben's mailbox, keeps the client's mail and never stores the private one; disconnecting removes what no task needs", async () => {
    const context = await browser.newContext();
    const page = await signIn(context, "ben");
    await connect(page);
    const row = page.locator("tr", { hasText: BEN.address });
    expect(await row.locator("td").nth(3).textContent()).toBe("Waiting for its first sync");

    // The grant is sealed: the refresh token Google issued appears in no column of any table.
    const issued = [...gmail.control.grants!.refresh.keys()].filter((t) => t !== gmail.data.refreshToken);
    expect(issued).toHaveLength(1);
    expect(await columnsHolding(ctx.db, issued[0]!)).toEqual([]);
    const [sealed] = await queryRows<{ sealed_refresh_token: string }>(
      ctx.db,
      sql`select sealed_refresh_token from connected_mailboxes`,
    );
    expect(sealed!.sealed_refresh_token).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{40,}$/);

    const report = await syncOnce();
    expect(report.ok).toBe(true);
    expect(report.sources[0]!.scopes.map((s) => s.scope)).toEqual([`connected:${BEN.address}`]);

    // The client's email about ACME-7 is on the task; the one naming no task is kept (a client wrote it);
    // the private one is not stored at all, not even as a raw record or its sender.
    expect(await timelineTexts()).toEqual([expect.stringContaining("CSV export still times out")]);
    expect(await storedSubjects()).toEqual([
      "Export still times out (ACME-7)",
      "Lunch next time you are in town",
    ]);
    expect(await columnsHolding(ctx.db, PRIVATE_SUBJECT)).toEqual([]);
    expect(await columnsHolding(ctx.db, "dinner on Friday")).toEqual([]);

    await page.reload();
    expect(await row.locator("td").nth(3).textContent()).toBe("Syncing");
    expect(await row.locator("td").nth(2).textContent()).not.toBe("Not yet");

    // Disconnecting revokes the grant at Google and removes the mail no task needs; ACME-7 keeps its email.
    await page.getByRole("button", { name: `Disconnect ${BEN.address}` }).click();
    await page.waitForURL(/notice=mailbox_disconnected$/);
    expect(await page.getByText("You have connected no mailbox.").count()).toBe(1);
    expect(gmail.control.grants!.refresh.has(issued[0]!)).toBe(false);
    expect(await storedSubjects()).toEqual(["Export still times out (ACME-7)"]);
    expect(await timelineTexts()).toEqual([expect.stringContaining("CSV export still times out")]);
    expect(await queryRows(ctx.db, sql`select 1 from connected_mailboxes`)).toEqual([]);
    await context.close();
  }, 120_000);

  it("shows a grant revoked at Google as one to reconnect, and reconnecting reads the mailbox again", async () => {
    const context = await browser.newContext();
    const page = await signIn(context, "ben");
    await connect(page);
    const grant = [...gmail.control.grants!.refresh.keys()].find((t) => t !== gmail.data.refreshToken)!;
    // Ben removes Threadline from his Google Account: the next refresh answers invalid_grant.
    const revoked = await fetch(`${gmail.url}/revoke`, {
      method: "POST",
      body: new URLSearchParams({ token: grant }),
    });
    expect(revoked.status).toBe(200);

    const report = await syncOnce();
    expect(report.sources[0]!.scopes[0]!.outcome).toBe("forbidden");
    await page.goto(at("/settings/mailboxes"));
    const row = page.locator("tr", { hasText: BEN.address });
    expect(await row.locator("td").nth(3).textContent()).toContain("Reconnect");

    await page.getByRole("button", { name: `Reconnect ${BEN.address}` }).click();
    await page.getByRole("button", { name: "Allow" }).click();
    await page.waitForURL(/notice=mailbox_connected$/);
    expect((await syncOnce()).ok).toBe(true);
    await page.reload();
    expect(await page.locator("tr", { hasText: BEN.address }).locator("td").nth(3).textContent()).toBe(
      "Syncing",
    );
    await context.close();
  }, 120_000);

  it("refuses to connect while THREADLINE_SECRET_KEY is not set, saying so, and asks Google nothing", async () => {
    mailboxes.secretKey = undefined;
    try {
      const context = await browser.newContext();
      const page = await signIn(context, "ana");
      await page.getByRole("link", { name: "Your mailbox" }).click();
      const requestsBefore = gmail.requests.count();
      await page.getByRole("button", { name: "Connect Gmail" }).click();
      await page.waitForLoadState();
      expect(new URL(page.url()).pathname).toBe("/settings/mailboxes/connect");
      expect(await page.getByText(/THREADLINE_SECRET_KEY is not set/).count()).toBe(1);
      expect(gmail.requests.count()).toBe(requestsBefore);
      await context.close();
    } finally {
      mailboxes.secretKey = SECRET_KEY;
    }
  }, 60_000);

  it("refuses a callback that does not belong to the session that started it", async () => {
    const res = await fetch(at("/settings/mailboxes/callback?code=4/0stolen&state=x"), {
      redirect: "manual",
    });
    // No session: to sign-in; nothing is connected.
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toMatch(/^\/signin/);
  });
});
