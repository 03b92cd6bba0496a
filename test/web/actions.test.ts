/**
 * Acting on a flag from the web view, in Chromium, on the app as `threadline serve` wires it: the real Jira
 * and Gmail connectors against the local Jira and Gmail servers, sign-in through a local OpenID provider. A
 * client emails Ana about ACME-1; the flag "feedback off the board" is in Ana's Mine; from there she records
 * the email on the Jira issue, editing the text first, with a double click. Jira gets one comment, with her
 * text; the task page shows it pending at once and lists the action with her name; after the next sync the
 * comment is on the timeline and the flag has left Mine. Before that, while Jira's API user may not comment,
 * the action is disabled with the permission it needs; and on a second task, a 502 after Jira saved the
 * comment shows why, and pressing again finishes the action with the one comment.
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  GmailDataset,
  type GmailSandbox,
  gmailSandboxEnv,
  startGmailSandbox,
} from "../../connectors/sandbox/gmail/index.ts";
import {
  type AdfNode,
  JiraDataset,
  type JiraSandbox,
  jiraSandboxEnv,
  startJiraSandbox,
} from "../../connectors/sandbox/jira/index.ts";
import { parseConfig } from "../../src/config.ts";
import type { SyncService } from "../../src/server/sync-service.ts";
import { wireApp } from "../../src/server/wire-app.ts";
import { artifactPath, launchChromium } from "../helpers/browser.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { LOCAL_CLIENT, type LocalOidc, signInAtProvider, startLocalOidc } from "../helpers/local-oidc.ts";

const DAY = 86_400_000;
const TOKEN = "actions-web-test-token-3c9e";
const CLIENT = { name: "Carla Diaz (Northwind)", address: "carla@northwind.example" };
const ANA = { name: "Ana Lima", address: "ana@team.example" };
const EDITED = "Carla says the CSV export still times out since Monday.\nAna is on it: fix due Thursday.";

const quiet = {
  info: () => {},
  // The failure a test makes Jira answer is expected; anything else is shown.
  error: (message: string, err: unknown) => {
    if (message !== "action write failed") console.error(message, err);
  },
};

/** Jira: ACME-1, Ana's, quiet for three days. */
function buildJira(now: number): JiraDataset {
  const jira = new JiraDataset({ now: new Date(now - 3 * DAY).toISOString() });
  jira.addUser("ana", { displayName: ANA.name, email: ANA.address });
  jira.addProject("ACME", "Acme portal");
  jira.addIssue({
    project: "ACME",
    summary: "CSV export times out",
    reporter: "ana",
    assignee: "ana",
    status: "To Do",
  });
  jira.addIssue({
    project: "ACME",
    summary: "Invoice totals round wrongly",
    reporter: "ana",
    assignee: "ana",
    status: "To Do",
  });
  // The site's clock is the real one from here: what Threadline writes is stamped now.
  jira.setClock(new Date(now).toISOString());
  return jira;
}

/** Ana's mailbox: the client's email about ACME-1, a day after the issue last moved. */
function buildMailbox(now: number): GmailDataset {
  const data = new GmailDataset({ mailbox: ANA.address, now: now - DAY });
  data.send({
    from: CLIENT,
    to: [ANA],
    subject: "Export still times out (ACME-1)",
    text: "Hi Ana,\n\nThe CSV export still times out for us since Monday.\n\nCarla",
  });
  data.send({
    from: CLIENT,
    to: [ANA],
    subject: "Invoice totals (ACME-2)",
    text: "Hi Ana,\n\nThe invoice totals are off by a cent again.\n\nCarla",
  });
  return data;
}

/** The plain text of an ADF body, paragraphs on their own lines. */
function adfText(node: AdfNode): string {
  if (node.type === "text") return node.text ?? "";
  if (node.type === "hardBreak") return "\n";
  const inner = (node.content ?? []).map(adfText);
  return node.type === "doc" ? inner.join("\n") : inner.join("");
}

describeEachDatabase("acting on a flag in Chromium", (ctx) => {
  let jira: JiraSandbox;
  let gmail: GmailSandbox;
  let provider: LocalOidc;
  let server: ReturnType<typeof serve>;
  let url: string;
  let sync: SyncService;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** How far the app's clock is ahead of the real one: moved past the few minutes access answers are kept. */
  let clockAhead = 0;

  beforeAll(async () => {
    const now = Date.now();
    jira = await startJiraSandbox(buildJira(now));
    gmail = await startGmailSandbox(buildMailbox(now));
    let fetch: (request: Request, env: unknown) => Response | Promise<Response> = () =>
      new Response("starting", { status: 503 });
    server = serve({ fetch: (request, env) => fetch(request, env), port: 0, hostname: "127.0.0.1" });
    await new Promise<void>((resolve) => server.once("listening", () => resolve()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    provider = await startLocalOidc([`${url}/auth/callback`]);
    const env: Record<string, string> = {
      ...jiraSandboxEnv(jira, jira.data, ["ACME"]),
      ...gmailSandboxEnv(gmail),
      THREADLINE_TEAM_DOMAINS: "team.example",
      THREADLINE_PUBLIC_URL: url,
      THREADLINE_DEMO: "0",
      OIDC_ISSUER: provider.issuer,
      OIDC_CLIENT_ID: LOCAL_CLIENT.id,
      OIDC_CLIENT_SECRET: LOCAL_CLIENT.secret,
    };
    const wired = wireApp({
      db: ctx.db,
      config: parseConfig(env),
      apiToken: TOKEN,
      log: quiet,
      now: () => new Date(Date.now() + clockAhead),
    });
    sync = wired.sync;
    fetch = (request, e) => wired.app.fetch(request, e as Record<string, unknown>);
    sync.request();
    await sync.idle();
    browser = await launchChromium();
    context = await browser.newContext();
    page = await context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await sync?.stop();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await provider?.close();
    await gmail?.close();
    await jira?.close();
  });

  const at = (path: string) => `${url}${path}`;
  const flagsOn = (p: Page) =>
    p.locator("li[data-flag]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-task")));
  const jiraComments = (key = "ACME-1") => jira.data.issue(key).comments.map((c) => adfText(c.body));

  it("shows the action disabled, with the permission it needs, while Jira's API user may not comment", async () => {
    jira.data.permissions.delete("ADD_COMMENTS");
    await page.goto(at("/tasks/ACME-1"));
    await signInAtProvider(page, provider, url, "ana");
    const flag = page.locator("li.flag[data-flag]");
    const off = flag.locator('button[data-flag-action="record"]');
    expect(await off.isDisabled()).toBe(true);
    expect(await off.textContent()).toBe("Record on the task");
    expect(await flag.locator(".needs").textContent()).toBe("needs ADD_COMMENTS (Add Comments) in ACME");
    // The preview, reached from a digest's link, says the same and cannot be submitted.
    const flagId = await flag.getAttribute("data-flag");
    await page.goto(at(`/flags/${flagId}/actions/record`));
    expect(await page.getByRole("button", { name: "Record on the task" }).isDisabled()).toBe(true);
    expect(await page.getByRole("alert").textContent()).toContain("ADD_COMMENTS (Add Comments) in ACME");
    expect(jiraComments()).toEqual([]);
    jira.data.permissions.add("ADD_COMMENTS");
    clockAhead += 6 * 60_000;
  });

  it("records a client's email on its Jira task from Mine: one comment, the edited text, pending at once", async () => {
    await page.goto(at("/"));
    expect(await page.locator("h1").first().textContent()).toContain("Mine");
    const row = page.locator('li[data-flag][data-task="ACME-1"]');
    expect(await row.locator(".reason").textContent()).toMatch(/Carla|client/i);

    await row.getByRole("link", { name: "Record on the task" }).click();
    await page.waitForURL(/\/flags\/.+\/actions\/record/);
    // What, where, as whom; the quote of the client's email is the text to edit.
    expect(await page.locator("h1").textContent()).toContain("Record on the task: ACME-1");
    expect(await page.locator("[data-where]").first().textContent()).toContain("ACME-1");
    expect(await page.locator("[data-account]").textContent()).not.toBe("");
    const editor = page.getByLabel(/The message/);
    expect(await editor.inputValue()).toContain("The CSV export still times out for us since Monday.");
    expect(jiraComments()).toEqual([]);
    await page.screenshot({ path: await artifactPath("web-action-preview.png"), fullPage: true });

    await editor.fill(EDITED);
    // The form as it stands, to post it again later as a second tab or a replayed request would.
    const form = page.locator("form.action-form");
    const field = (name: string) => form.locator(`input[name="${name}"]`).inputValue();
    const again = {
      action: `${url}${await form.getAttribute("action")}`,
      body: new URLSearchParams({
        _csrf: await field("_csrf"),
        return: await field("return"),
        idempotencyKey: await field("idempotencyKey"),
        text: await editor.inputValue(),
      }).toString(),
    };
    expect(again.body).toMatch(/idempotencyKey=[0-9a-f-]{36}/);
    await page.getByRole("button", { name: "Record on the task" }).dblclick();
    // Two submits start two navigations and the second aborts the first, which `waitForURL` reports as an
    // error: wait on where the page ends instead.
    await expect
      .poll(() => new URL(page.url()), { timeout: 15_000 })
      .toSatisfy((u: URL) => u.pathname === "/" && /notice=action_(done|pending)/.test(u.search));
    await page.waitForLoadState("load");
    await expect.poll(() => jiraComments(), { timeout: 10_000 }).toHaveLength(1);
    expect(jiraComments()[0]).toContain(EDITED);
    // The same form posted twice more at once, with its key: answered with the action taken, nothing written.
    const statuses = await page.evaluate(async ({ action, body }) => {
      const post = () =>
        fetch(action, {
          method: "POST",
          body,
          headers: { "content-type": "application/x-www-form-urlencoded" },
        }).then((r) => new URL(r.url).search);
      return Promise.all([post(), post()]);
    }, again);
    expect(statuses).toEqual(["?notice=action_done", "?notice=action_done"]);
    expect(jiraComments()).toHaveLength(1);

    await page.goto(at("/tasks/ACME-1"));
    const pending = page.locator("article.item.pending");
    expect(await pending.count()).toBe(1);
    expect(await pending.locator(".text").textContent()).toBe(EDITED);
    const taken = page.locator("tr[data-task-action]");
    expect(await taken.count()).toBe(1);
    const cells = await taken.first().locator("td").allTextContents();
    expect(cells.slice(1, 3)).toEqual(["ana@team.example", "Record on the task"]);
    expect(cells[3]).toContain("ACME-1");
    expect(await taken.first().getAttribute("data-state")).toBe("done");
    await page.screenshot({ path: await artifactPath("web-action-pending.png"), fullPage: true });
  });

  it("takes the flag out of Mine once the comment arrives by sync, and shows the real comment instead", async () => {
    sync.request();
    await sync.idle();
    await page.goto(at("/"));
    expect(await flagsOn(page)).not.toContain("ACME-1");
    await page.goto(at("/tasks/ACME-1"));
    expect(await page.locator("article.item.pending").count()).toBe(0);
    const texts = await page.locator("article.item .text").allTextContents();
    expect(texts.some((t) => t.includes("Ana is on it: fix due Thursday."))).toBe(true);
  });

  it("says why when Jira fails mid-write, and a second press finishes it without a second comment", async () => {
    await page.goto(at("/tasks/ACME-2"));
    await page.locator("li.flag").getByRole("link", { name: "Record on the task" }).click();
    await page.waitForURL(/\/actions\/record/);
    // Jira saves the comment and its answer is lost: a 502 after the write.
    jira.data.writeFaults.failNext("after", 502);
    const answer = page.waitForResponse((r) => r.request().method() === "POST");
    await page.getByRole("button", { name: "Record on the task" }).click();
    expect((await answer).status()).toBe(502);
    expect(await page.getByRole("alert").textContent()).toMatch(/did not go through yet: .*502/s);
    expect(jiraComments("ACME-2")).toHaveLength(1);
    // The task page, in another tab, lists it as failed, with why.
    const other = await context.newPage();
    await other.goto(at("/tasks/ACME-2"));
    const failed = other.locator("tr[data-task-action]");
    expect(await failed.first().getAttribute("data-state")).toBe("failed");
    expect(await failed.first().locator(".action-error").textContent()).toMatch(/502/);
    await other.close();
    await page.getByRole("button", { name: "Record on the task" }).click();
    await page.waitForURL(/\/tasks\/ACME-2\?notice=action_done/);
    expect(jiraComments("ACME-2")).toHaveLength(1);
    expect(await page.locator("tr[data-task-action]").first().getAttribute("data-state")).toBe("done");
  });
});
