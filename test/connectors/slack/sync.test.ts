/**
 * The Slack connector through the sync engine into the database: the real @slack/web-api over real HTTP
 * against the sandbox, on PGlite (and PostgreSQL with TEST_DATABASE_URL). A backfill, an incremental pass
 * after changes, Events API pushes through `POST /webhooks/slack`, a run as a limited app that ends like a
 * clean run, and malformed messages (a pass with nothing new and a fault run are the contract suite's).
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  addMalformedMessages,
  buildSlackWorkspace,
  LIMITED_APP,
  messageChangedEvent,
  messageDeletedEvent,
  messageEvent,
  renderMessage,
  type SlackSandbox,
  signSlackRequest,
  startSlackSandbox,
  urlVerificationPayload,
} from "../../../connectors/sandbox/slack/index.ts";
import { createSlackConnector } from "../../../connectors/slack/index.ts";
import type { LinkContext } from "../../../src/linking/index.ts";
import type { Db } from "../../../src/store/db.ts";
import { queryRows } from "../../../src/store/rows.ts";
import { createLinker } from "../../../src/sync/linker.ts";
import { createWebhookRoutes } from "../../../src/webhooks/webhook-routes.ts";
import { describeEachDatabase } from "../../helpers/databases.ts";
import { dumpDatabase } from "../../helpers/dump.ts";
import { syncOnce } from "../../helpers/sync-run.ts";
import { QUICK_RETRY, quickSlack, recordingLog, settingsFor } from "./helpers.ts";

const LINKS: LinkContext = {
  jiraProjects: ["FAL"],
  jiraSiteUrls: ["https://acme.atlassian.net"],
  githubRepos: ["acme/portal"],
  githubWebUrls: ["https://github.com"],
};

async function syncSlack(
  db: Db,
  slack: SlackSandbox,
  mode: "backfill" | "sync" = "backfill",
  connector = quickSlack,
) {
  const report = await syncOnce(db, [{ connector, settings: settingsFor(slack) }], {
    mode,
    linkContext: LINKS,
  });
  const slackReport = report.sources[0]!;
  expect(slackReport.errors).toEqual([]);
  return slackReport;
}

interface ItemRow {
  external_id: string;
  text: string;
  url: string | null;
  thread_id: string | null;
  edited_at: unknown;
  deleted_at: unknown;
}

const items = (db: Db) =>
  queryRows<ItemRow>(
    db,
    sql`select external_id, text, url, thread_id, edited_at, deleted_at from items where source = 'slack' order by external_id`,
  );
const itemByText = async (db: Db, prefix: string) => (await items(db)).find((i) => i.text.startsWith(prefix));
const linksOf = (db: Db, externalId: string) =>
  queryRows<{ task_key: string; rule: string }>(
    db,
    sql`select l.task_key, l.rule from item_links l join items i on i.id = l.item_id
        where i.source = 'slack' and i.external_id = ${externalId} and not l.removed order by l.task_key`,
  );
const omit = { omit: ["updated_at", "last_success_at", "created_at"] };

/** Empties every table, so one database serves several runs (creating one is the slow part of a test). */
async function resetDatabase(db: Db): Promise<void> {
  const tables = await queryRows<{ tablename: string }>(
    db,
    sql`select tablename from pg_tables where schemaname = 'public' order by tablename`,
  );
  await db.execute(
    sql.raw(`truncate ${tables.map((t) => `"${t.tablename}"`).join(", ")} restart identity cascade`),
  );
}

describeEachDatabase("Slack connector through the sync engine", (ctx) => {
  let slack: SlackSandbox;
  beforeAll(async () => {
    slack = await startSlackSandbox(buildSlackWorkspace());
  });
  afterAll(() => slack.close());

  it("backfills every channel the app is in, with threads, people, guests and task links", async () => {
    const report = await syncSlack(ctx.db, slack);
    expect(report.scopes.map((s) => s.outcome)).toEqual(["ok", "ok", "ok"]);
    // fal-dev 6 + 5 replies, client-acme 4 + 2 replies, random 1.
    expect(report.itemsNew).toBe(18);
    const people = await queryRows<{
      display_name: string;
      email: string | null;
      is_guest: boolean;
      is_bot: boolean;
    }>(
      ctx.db,
      sql`select display_name, email, is_guest, is_bot from identities where source = 'slack' order by display_name`,
    );
    expect(people).toEqual([
      { display_name: "Ana Lima", email: "ana@acme.dev", is_guest: false, is_bot: false },
      { display_name: "Ben Okafor", email: "ben@acme.dev", is_guest: false, is_bot: false },
      { display_name: "Cleo Park", email: "cleo@acme.dev", is_guest: false, is_bot: false },
      { display_name: "Dana Whitfield", email: "dana@client.example", is_guest: true, is_bot: false },
      { display_name: "Deploy Bot", email: null, is_guest: false, is_bot: true },
    ]);
    const merged = (await itemByText(ctx.db, "Merged, deploying after lunch"))!;
    // A reply without a key takes its thread's task.
    expect(await linksOf(ctx.db, merged.external_id)).toEqual([
      { task_key: "FAL-12", rule: "thread" },
      { task_key: "acme/portal#42", rule: "thread" },
    ]);
    const kickoff = (await itemByText(ctx.db, "Kicking off the sprint"))!;
    expect((await linksOf(ctx.db, kickoff.external_id)).map((l) => l.task_key)).toEqual(["FAL-12", "FAL-15"]);
    expect(kickoff.url).toMatch(/^https:\/\/acme\.slack\.com\/archives\/C\w+\/p\d{16}$/);
    const pr = (await itemByText(ctx.db, "PR for FAL-12"))!;
    expect((await linksOf(ctx.db, pr.external_id)).map((l) => l.task_key)).toEqual([
      "FAL-12",
      "acme/portal#42",
    ]);
    const meta = await queryRows<{ meta: { reactions?: unknown } }>(
      ctx.db,
      sql`select meta from items where source = 'slack' and external_id = ${pr.external_id}`,
    );
    expect(meta[0]!.meta.reactions).toEqual([{ name: "+1", count: 1, users: [slack.data.user("cleo").id] }]);
  });

  it("picks up an edit, a reaction, a new reply, a new message and deletions in an incremental pass", async () => {
    const data = slack.data;
    data.advance(86_400_000);
    const channel = data.channel("fal-dev");
    const tsOf = async (prefix: string) => (await itemByText(ctx.db, prefix))!.external_id.split(":")[1]!;
    const kickoff = await tsOf("Kicking off the sprint");
    data.edit("fal-dev", kickoff, "Kicking off the sprint: FAL-12 first, then FAL-16", { by: "ana" });
    data.react("fal-dev", await tsOf("Has anyone looked"), "eyes", "ben");
    const verified = data.reply("fal-dev", await tsOf("PR for FAL-12"), {
      by: "cleo",
      text: "Verified in production",
    });
    const github = await tsOf("Pull request opened");
    data.delete("fal-dev", github);
    data.post("client-acme", { by: "dana", text: "Any news on FAL-15?" });
    slack.requests.clear();

    const report = await syncSlack(ctx.db, slack, "sync");
    expect(report.itemsDeleted).toBe(1);
    expect(await itemByText(ctx.db, "Kicking off the sprint")).toMatchObject({
      text: "Kicking off the sprint: FAL-12 first, then FAL-16",
      edited_at: expect.anything(),
    });
    const reply = (await items(ctx.db)).find((i) => i.external_id === `${channel.id}:${verified.ts}`)!;
    expect(reply).toMatchObject({
      text: "Verified in production",
      thread_id: `${channel.id}:${await tsOf("PR for FAL-12")}`,
    });
    expect(await linksOf(ctx.db, reply.external_id)).toEqual([
      { task_key: "FAL-12", rule: "thread" },
      { task_key: "acme/portal#42", rule: "thread" },
    ]);
    expect(
      (await items(ctx.db)).find((i) => i.external_id === `${channel.id}:${github}`)!.deleted_at,
    ).not.toBeNull();
    expect(await itemByText(ctx.db, "Any news on FAL-15?")).toBeDefined();
    // One history request a channel, one thread re-read.
    expect(slack.requests.count({ path: /conversations\.history/ })).toBe(3);
    expect(slack.requests.count({ path: /conversations\.replies/ })).toBe(1);
  });

  it("takes signed Events API pushes: url_verification, messages, edits, deletions; refuses forged and stale ones", async () => {
    const data = slack.data;
    const now = new Date(data.now);
    const timestamp = Math.floor(now.getTime() / 1000);
    const settings = settingsFor(slack);
    const app = createWebhookRoutes({
      db: ctx.db,
      sources: { slack: { connector: quickSlack, settings } },
      linker: createLinker(LINKS),
      now: () => now,
    });
    const post = (signed: { headers: Record<string, string>; body: string }) =>
      app.request("/webhooks/slack", { method: "POST", headers: signed.headers, body: signed.body });
    const sign = (payload: unknown, extra: { retryNum?: number; timestamp?: number } = {}) =>
      signSlackRequest(payload, { secret: data.signingSecret, timestamp, ...extra });

    const challenge = await post(
      sign(urlVerificationPayload("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P")),
    );
    expect(challenge.status).toBe(200);
    expect(await challenge.text()).toBe("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");

    data.advance(60_000);
    const question = data.post("client-acme", {
      by: "dana",
      text: `<@${data.user("ana").id}> is FAL-15 on track for Friday?`,
    });
    const event = messageEvent(data, question);
    const before = await dumpDatabase(ctx.db, omit);
    const forged = signSlackRequest(event, { secret: "not-the-secret", timestamp });
    expect((await post(forged)).status).toBe(401);
    const stale = sign(event, { timestamp: timestamp - 6 * 60 });
    expect((await post(stale)).status).toBe(401);
    expect(await dumpDatabase(ctx.db, omit)).toEqual(before);

    const first = await post(sign(event));
    expect(first.status).toBe(200);
    const id = `${question.channel}:${question.ts}`;
    const saved = (await items(ctx.db)).find((i) => i.external_id === id)!;
    // A push carries no names nor workspace address; the next pull fills them in.
    expect(saved).toMatchObject({
      text: `@${data.user("ana").id} is FAL-15 on track for Friday?`,
      url: null,
    });
    expect((await linksOf(ctx.db, id)).map((l) => l.task_key)).toEqual(["FAL-15"]);
    const afterFirst = await dumpDatabase(ctx.db, omit);
    // Slack's retry of the same event (same event_id): harmless.
    const retry = await post(sign(event, { retryNum: 1 }));
    expect(retry.status).toBe(200);
    expect(await dumpDatabase(ctx.db, omit)).toEqual(afterFirst);

    const previous = renderMessage(data, question)!;
    data.edit("client-acme", question.ts, "Is FAL-15 on track for Thursday?", { by: "dana" });
    expect((await post(sign(messageChangedEvent(data, question, previous)))).status).toBe(200);
    expect((await items(ctx.db)).find((i) => i.external_id === id)).toMatchObject({
      text: "Is FAL-15 on track for Thursday?",
      edited_at: expect.anything(),
    });
    const edited = renderMessage(data, question)!;
    data.delete("client-acme", question.ts);
    expect((await post(sign(messageDeletedEvent(data, question, edited)))).status).toBe(200);
    expect((await items(ctx.db)).find((i) => i.external_id === id)!.deleted_at).not.toBeNull();

    // A body that is not JSON: refused with its reason, nothing else touched.
    const beforeBroken = await dumpDatabase(ctx.db, omit);
    const broken = await post(sign('{"type":"event_callback","event":{"type":"message",'));
    expect(broken.status).toBe(400);
    expect(await dumpDatabase(ctx.db, omit)).toEqual(beforeBroken);

    // A pushed reply: stored at once, its names and address come with the next pull, which keeps the deletion.
    const sso = data.channel("client-acme").messages[0]!;
    data.advance(60_000);
    const reply = data.reply("client-acme", sso.ts, {
      by: "ben",
      text: `<@${data.user("dana").id}> fixed on staging`,
    });
    expect((await post(sign(messageEvent(data, reply)))).status).toBe(200);
    const replyId = `${reply.channel}:${reply.ts}`;
    expect((await items(ctx.db)).find((i) => i.external_id === replyId)).toMatchObject({
      text: `@${data.user("dana").id} fixed on staging`,
      url: null,
      thread_id: `${reply.channel}:${sso.ts}`,
    });
    await syncSlack(ctx.db, slack, "sync");
    expect((await items(ctx.db)).find((i) => i.external_id === replyId)).toMatchObject({
      text: "@Dana (Client Co) fixed on staging",
      url: expect.stringMatching(/^https:\/\/acme\.slack\.com\/archives\/C\w+\/p\d{16}\?thread_ts=/),
    });
    expect((await items(ctx.db)).find((i) => i.external_id === id)!.deleted_at).not.toBeNull();
  });

  it("ends a backfill as a limited app (one request a window, 429s past it) with the same database as a clean run", async () => {
    const clean = await startSlackSandbox(buildSlackWorkspace());
    const limited = await startSlackSandbox(buildSlackWorkspace(), {
      limited: { ...LIMITED_APP, windowMs: 1000 },
    });
    try {
      await resetDatabase(ctx.db);
      await syncSlack(ctx.db, clean);
      const expected = await dumpDatabase(ctx.db, omit);

      await resetDatabase(ctx.db);
      await syncSlack(ctx.db, limited);
      expect(limited.requests.count({ status: 429 })).toBeGreaterThan(0);
      expect(await dumpDatabase(ctx.db, omit)).toEqual(expected);
    } finally {
      await Promise.all([clean.close(), limited.close()]);
    }
  }, 40_000);

  it("skips malformed messages with a logged reason and saves everything else", async () => {
    const data = buildSlackWorkspace();
    addMalformedMessages(data, "fal-dev", "cleo");
    const local = await startSlackSandbox(data);
    try {
      await resetDatabase(ctx.db);
      const log = recordingLog();
      const report = await syncSlack(
        ctx.db,
        local,
        "backfill",
        createSlackConnector({ retry: QUICK_RETRY, log }),
      );
      // The 18 of the clean workspace, and the message whose unknown block was stepped over.
      expect(report.itemsNew).toBe(19);
      expect(await itemByText(ctx.db, "Status board updated")).toBeDefined();
      expect(log.lines.filter((l) => l.level === "warn").map((l) => l.msg)).toEqual([
        "message skipped",
        "message skipped",
        "message skipped",
        "blocks of these types were not read; the message's text was kept",
      ]);
    } finally {
      await local.close();
    }
  });
});
