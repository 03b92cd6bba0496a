/**
 * The Jira connector through the sync engine into the database: real jira.js over real HTTP against the
 * sandbox, on PGlite (and PostgreSQL with TEST_DATABASE_URL). A backfill, an incremental pass after
 * changes, and webhook pushes; what every connector must do (a pass with nothing new, a run under 429s and
 * 5xxs, a forged push) is checked by the contract suite in ../contract/.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { listSources } from "../../../connectors/registry.ts";
import {
  commentEventPayload,
  issueEventPayload,
  type JiraSandbox,
  signedDelivery,
  startJiraSandbox,
} from "../../../connectors/sandbox/jira/index.ts";
import type { WebhookRequest } from "../../../connectors/types.ts";
import { parseFlagSettings } from "../../../src/flags/flag-settings.ts";
import type { Db } from "../../../src/store/db.ts";
import { loadFlagsOfTasks } from "../../../src/store/flag-store.ts";
import { queryRows } from "../../../src/store/rows.ts";
import { loadTimelineItems } from "../../../src/store/task-queries.ts";
import { createLinker } from "../../../src/sync/linker.ts";
import { savePush } from "../../../src/sync/push.ts";
import { describeEachDatabase } from "../../helpers/databases.ts";
import { FIXED_NOW, LINK_CONTEXT, syncOnce } from "../../helpers/sync-run.ts";
import { buildSite, quickJira, settingsFor } from "./helpers.ts";

const SECRET = "jira-webhook-secret";
const linkerFor = () => createLinker(LINK_CONTEXT);

async function syncJira(db: Db, jira: JiraSandbox, mode: "backfill" | "sync" = "backfill") {
  const settings = settingsFor(jira, { JIRA_WEBHOOK_SECRET: SECRET });
  const report = await syncOnce(db, [{ connector: quickJira, settings }], { mode });
  const jiraReport = report.sources[0]!;
  expect(jiraReport.errors).toEqual([]);
  return jiraReport;
}

const tasks = (db: Db) =>
  queryRows<{
    key: string;
    status: string;
    status_category: string;
    deleted_at: Date | null;
    labels: string[];
  }>(db, sql`select key, status, status_category, deleted_at, labels from tasks order by key`);

const itemText = async (db: Db, externalId: string) =>
  (
    await queryRows<{ text: string; edited_at: Date | null; deleted_at: Date | null }>(
      db,
      sql`select text, edited_at, deleted_at from items where source = 'jira' and external_id = ${externalId}`,
    )
  )[0];

describeEachDatabase("Jira connector through the sync engine", (ctx) => {
  let jira: JiraSandbox;
  beforeAll(async () => {
    jira = await startJiraSandbox(buildSite("cloud"));
  });
  afterAll(() => jira.close());

  it("backfills every issue with its comments, status changes and people", async () => {
    const report = await syncJira(ctx.db, jira);
    expect(report.tasksNew).toBe(5);
    expect(await tasks(ctx.db)).toEqual([
      { key: "OPS-1", status: "To Do", status_category: "todo", deleted_at: null, labels: [] },
      {
        key: "PROJ-1",
        status: "In Progress",
        status_category: "in_progress",
        deleted_at: null,
        labels: ["sso", "client"],
      },
      { key: "PROJ-2", status: "To Do", status_category: "todo", deleted_at: null, labels: [] },
      { key: "PROJ-3", status: "Blocked", status_category: "in_progress", deleted_at: null, labels: [] },
      { key: "PROJ-4", status: "Done", status_category: "done", deleted_at: null, labels: [] },
    ]);
    const timeline = await loadTimelineItems(ctx.db, "PROJ-1", null);
    expect(timeline.map((i) => i.kind)).toEqual([
      "task_created",
      "status_change",
      ...Array(24).fill("comment"),
    ]);
    expect(timeline.at(-1)).toMatchObject({
      text: "Can you confirm the IdP settings, @Dana from Client?",
      source: "jira",
    });
    expect(timeline.at(-1)!.author).toMatchObject({ name: "Ben Okafor", email: "ben@acme.dev" });
    expect(
      (await loadTimelineItems(ctx.db, "PROJ-2", null)).filter((i) => i.kind === "status_change"),
    ).toHaveLength(44);
    const people = await queryRows<{
      display_name: string;
      email: string | null;
      is_bot: boolean;
      is_guest: boolean;
    }>(
      ctx.db,
      sql`select display_name, email, is_bot, is_guest from identities where source = 'jira' order by display_name`,
    );
    expect(people).toEqual([
      { display_name: "Ana Lima", email: "ana@acme.dev", is_bot: false, is_guest: false },
      { display_name: "Automation for Jira", email: null, is_bot: true, is_guest: false },
      { display_name: "Ben Okafor", email: "ben@acme.dev", is_bot: false, is_guest: false },
      { display_name: "Cleo Park", email: null, is_bot: false, is_guest: false },
    ]);
  });

  it("picks up an edit, a new comment, a status change and a deleted issue in an incremental pass", async () => {
    const data = jira.data;
    data.advance(86_400_000);
    const first = data.issue("PROJ-1").comments[0]!;
    data.editComment(first.id, { body: "Update 1 on the SSO fix (the IdP metadata URL was wrong)" });
    data.advance(60_000);
    const question = data.addComment("PROJ-3", {
      author: "ben",
      body: "Any news from the client on the credentials?",
    });
    data.advance(60_000);
    data.transition("PROJ-2", "Done", { by: "cleo" });
    data.deleteIssue("PROJ-4");
    jira.requests.clear();

    const report = await syncJira(ctx.db, jira, "sync");
    // Jira's 404 also means "you may not see it": the deleted issue goes at its second 404 in a row.
    expect(report.tasksDeleted).toBe(0);
    expect((await tasks(ctx.db)).find((t) => t.key === "PROJ-4")!.deleted_at).toBeNull();
    const requestsOfFirstPass = jira.requests.entries.length;
    expect((await syncJira(ctx.db, jira, "sync")).tasksDeleted).toBe(1);
    expect(await itemText(ctx.db, `comment:${first.id}`)).toMatchObject({
      text: "Update 1 on the SSO fix (the IdP metadata URL was wrong)",
      edited_at: expect.stringMatching(/^2026-02-03/),
    });
    expect(await itemText(ctx.db, `comment:${question.id}`)).toMatchObject({
      text: "Any news from the client on the credentials?",
    });
    expect((await tasks(ctx.db)).map((t) => [t.key, t.status, t.deleted_at !== null])).toEqual([
      ["OPS-1", "To Do", false],
      ["PROJ-1", "In Progress", false],
      ["PROJ-2", "Done", false],
      ["PROJ-3", "Blocked", false],
      ["PROJ-4", "Done", true],
    ]);
    const changes = (await loadTimelineItems(ctx.db, "PROJ-2", null)).filter(
      (i) => i.kind === "status_change",
    );
    expect(changes.at(-1)).toMatchObject({ text: "To Do → Done" });
    // PROJ: one search, PROJ-1's comments (24 > 20 embedded), the id list, the deleted issue's 404.
    // OPS: one search, the id list.
    expect(requestsOfFirstPass).toBe(6);
  });

  it("stores signed webhook pushes: a comment, a status change, a deletion", async () => {
    const data = jira.data;
    const settings = settingsFor(jira, { JIRA_WEBHOOK_SECRET: SECRET });
    data.advance(60_000);
    const comment = data.addComment("PROJ-3", {
      author: "ana",
      body: ["Chased ", { mention: "client" }, " again today."],
    });
    const payload = commentEventPayload(data, jira.url, "comment_created", data.issue("PROJ-3"), comment);
    const delivery = signedDelivery(payload, { secret: SECRET, identifier: "b4f5e9c2-delivery" });
    const request = (headers: Record<string, string>): WebhookRequest => ({
      url: "http://localhost:8787/webhooks/jira",
      headers,
      body: delivery.body,
      now: FIXED_NOW,
    });

    expect(await itemText(ctx.db, `comment:${comment.id}`)).toBeUndefined();

    const good = request(delivery.headers);
    expect(await quickJira.webhook.verify(good, settings)).toBe(true);
    const result = quickJira.webhook.parse(good, settings);
    expect(result).toMatchObject({ type: "records", scope: "PROJ", deliveryId: "b4f5e9c2-delivery" });
    if (result.type !== "records") throw new Error("expected records");
    await savePush(ctx.db, quickJira, result, { linker: linkerFor(), now: FIXED_NOW });
    // Webhooks carry wiki markup, whose mentions name the account id only.
    const text = `Chased @${data.user("client").accountId} again today.`;
    expect(await itemText(ctx.db, `comment:${comment.id}`)).toMatchObject({ text });
    expect((await loadTimelineItems(ctx.db, "PROJ-3", null)).map((i) => i.text)).toContain(text);

    // A status change pushed with the issue, then the issue's deletion.
    data.advance(60_000);
    const change = data.transition("PROJ-3", "In Progress", { by: "ana" });
    const updated = issueEventPayload(data, jira.url, "jira:issue_updated", data.issue("PROJ-3"), {
      by: "ana",
      change,
    });
    await push(updated);
    expect((await tasks(ctx.db)).find((t) => t.key === "PROJ-3")).toMatchObject({ status: "In Progress" });
    expect(await itemText(ctx.db, `history:${change.id}`)).toMatchObject({ text: "Blocked → In Progress" });
    const deleted = data.deleteIssue("OPS-1");
    await push(issueEventPayload(data, jira.url, "jira:issue_deleted", deleted, { by: "ben" }));
    expect((await tasks(ctx.db)).find((t) => t.key === "OPS-1")!.deleted_at).not.toBeNull();

    async function push(body: unknown) {
      const signed = signedDelivery(body, { secret: SECRET });
      const req: WebhookRequest = {
        url: "http://localhost/webhooks/jira",
        headers: signed.headers,
        body: signed.body,
        now: FIXED_NOW,
      };
      expect(await quickJira.webhook.verify(req, settings)).toBe(true);
      const parsed = quickJira.webhook.parse(req, settings);
      if (parsed.type !== "records") throw new Error(`expected records, got ${parsed.type}`);
      await savePush(ctx.db, quickJira, parsed, { linker: linkerFor(), now: FIXED_NOW });
    }
  });
});

describeEachDatabase("Jira comments deleted without a push", (ctx) => {
  const flagSettings = parseFlagSettings(undefined, { THREADLINE_TEAM_DOMAINS: "acme.dev" }, listSources());
  const openQuestions = async (key: string) =>
    (await loadFlagsOfTasks(ctx.db, [key])).filter(
      (f) => f.kind === "unanswered_question" && f.resolvedAt === null,
    );

  it("drops a question deleted in Jira from the timeline at the next sync, and stops flagging it", async () => {
    const data = buildSite("cloud");
    const question = data.addComment("PROJ-3", {
      author: "client",
      body: [{ mention: "ana" }, " could you send us the staging credentials form again?"],
    });
    const jira = await startJiraSandbox(data);
    try {
      const settings = settingsFor(jira);
      const sources = [{ connector: quickJira, settings }];
      await syncOnce(ctx.db, sources, { flagSettings });
      expect(await openQuestions("PROJ-3")).toHaveLength(1);

      data.advance(60_000);
      data.deleteComment(question.id);
      const report = await syncOnce(ctx.db, sources, { mode: "sync", flagSettings });
      expect(report.sources[0]!.errors).toEqual([]);
      expect((await itemText(ctx.db, `comment:${question.id}`))?.deleted_at).not.toBeNull();
      const timeline = await loadTimelineItems(ctx.db, "PROJ-3", null);
      expect(timeline.map((i) => i.text)).not.toContain(expect.stringContaining("staging credentials"));
      expect(await openQuestions("PROJ-3")).toEqual([]);
    } finally {
      await jira.close();
    }
  });
});

describeEachDatabase("Jira comments a lagging search has not seen yet", (ctx) => {
  it("keeps a pushed comment newer than the issue as the search saw it", async () => {
    const data = buildSite("cloud");
    const jira = await startJiraSandbox(data);
    try {
      const settings = settingsFor(jira, { JIRA_WEBHOOK_SECRET: SECRET });
      const sources = [{ connector: quickJira, settings }];
      await syncOnce(ctx.db, sources);
      // A comment arrives by push; the search index has not seen it yet, nor the issue's new updated time.
      const issue = data.issue("PROJ-3");
      data.advance(60_000);
      data.transition("PROJ-3", "In Progress", { by: "ana" });
      const indexed = { updated: issue.updated, comments: [...issue.comments] };
      data.advance(60_000);
      const comment = data.addComment("PROJ-3", { author: "ana", body: "Sent the credentials form again." });
      const signed = signedDelivery(commentEventPayload(data, jira.url, "comment_created", issue, comment), {
        secret: SECRET,
      });
      const parsed = quickJira.webhook.parse(
        { url: "http://localhost/webhooks/jira", headers: signed.headers, body: signed.body, now: FIXED_NOW },
        settings,
      );
      if (parsed.type !== "records") throw new Error("expected records");
      await savePush(ctx.db, quickJira, parsed, { linker: linkerFor(), now: FIXED_NOW });
      issue.comments = indexed.comments;
      issue.updated = indexed.updated;

      const report = await syncOnce(ctx.db, sources, { mode: "sync" });
      expect(report.sources[0]!.errors).toEqual([]);
      expect((await itemText(ctx.db, `comment:${comment.id}`))?.deleted_at).toBeNull();
    } finally {
      await jira.close();
    }
  });
});
