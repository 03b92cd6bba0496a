import { sql } from "drizzle-orm";
import { beforeEach, expect, it } from "vitest";
import { listSources } from "../../connectors/registry.ts";
import { ConnectorError } from "../../connectors/types.ts";
import { parseFlagSettings } from "../../src/flags/flag-settings.ts";
import { toPersonId } from "../../src/store/identity.ts";
import { queryRows } from "../../src/store/rows.ts";
import { createLinker } from "../../src/sync/linker.ts";
import { savePush } from "../../src/sync/push.ts";
import { relinkAll } from "../../src/sync/relink.ts";
import { describeEachDatabase, emptyTables } from "../helpers/databases.ts";
import { dumpDatabase } from "../helpers/dump.ts";
import {
  chatRecord,
  commentRecord,
  createScriptedConnector,
  emailRecord,
} from "../helpers/scripted-connector.ts";
import { people } from "../helpers/sync-dataset.ts";
import { FIXED_NOW, LINK_CONTEXT, scriptedWorkspace, syncOnce } from "../helpers/sync-run.ts";

describeEachDatabase("sync engine", (ctx) => {
  beforeEach(async () => {
    await emptyTables(ctx.db);
  });

  const linksOf = (itemId: string) =>
    queryRows<{ task_key: string; rule: string; manual: boolean; removed: boolean }>(
      ctx.db,
      sql`select task_key, rule, manual, removed from item_links where item_id = ${itemId} order by task_key`,
    );

  it("leaves the database identical when a backfill is repeated three times", async () => {
    const workspace = scriptedWorkspace();
    const first = await syncOnce(ctx.db, workspace.sources);
    expect(first.ok).toBe(true);
    expect(first.sources.map((s) => s.itemsNew).every((n) => n > 0)).toBe(true);
    const once = await dumpDatabase(ctx.db);
    expect(once.items.length).toBeGreaterThan(100);
    expect(once.item_links.length).toBeGreaterThan(100);

    for (let run = 2; run <= 3; run++) {
      // Forget the cursors: every page is pulled and saved again.
      await ctx.db.execute(sql`delete from sync_cursors`);
      const again = await syncOnce(ctx.db, scriptedWorkspace().sources);
      expect(again.ok).toBe(true);
      expect(again.sources.reduce((n, s) => n + s.itemsNew, 0)).toBe(0);
      // Bookkeeping times included: nothing is rewritten that did not change.
      expect(await dumpDatabase(ctx.db)).toEqual(once);
    }
    // With the cursors kept, a backfill resumes from them and finds nothing new.
    const resumed = await syncOnce(ctx.db, scriptedWorkspace().sources);
    expect(resumed.sources.reduce((n, s) => n + s.pages, 0)).toBe(0);
    expect(await dumpDatabase(ctx.db)).toEqual(once);
  });

  it("evaluates every task of the scopes a run died on between saving its pages and evaluating their flags", async () => {
    const settings = parseFlagSettings(undefined, {}, listSources());
    const flagRows = () =>
      queryRows(ctx.db, sql`select task_key, kind, reason, state from flags order by 1, 2, 3`);
    await syncOnce(ctx.db, scriptedWorkspace().sources, { flagSettings: settings });
    const reference = await flagRows();
    expect(reference.length).toBeGreaterThan(5);
    const pending = sql`select count(*)::int as n from source_scopes where flags_pending_since is not null`;
    expect(await queryRows(ctx.db, pending)).toEqual([{ n: 0 }]);

    await emptyTables(ctx.db);
    // What such a run leaves: every page saved, no flag evaluated, its scopes still marked.
    await syncOnce(ctx.db, scriptedWorkspace().sources);
    await ctx.db.execute(
      sql`update source_scopes set flags_pending_since = ${FIXED_NOW.toISOString()}::timestamptz`,
    );
    expect(await flagRows()).toEqual([]);
    // The next run pulls nothing new, yet evaluates the tasks of the marked scopes, and clears the marks.
    const next = await syncOnce(ctx.db, scriptedWorkspace().sources, { flagSettings: settings });
    expect(next.sources.reduce((n, s) => n + s.pages, 0)).toBe(0);
    expect(await flagRows()).toEqual(reference);
    expect(await queryRows(ctx.db, pending)).toEqual([{ n: 0 }]);
  });

  it("resumes after transient errors and rate limits and ends where an uninterrupted run ends", async () => {
    const clean = scriptedWorkspace();
    await syncOnce(ctx.db, clean.sources);
    const reference = await dumpDatabase(ctx.db, { omit: ["last_success_at"] });
    await emptyTables(ctx.db);

    const faulty = scriptedWorkspace();
    const transient = () =>
      new ConnectorError("jira", "transient", "503 from https://scripted.test: try again");
    const limited = () =>
      new ConnectorError("slack", "rate_limit", "429 from https://scripted.test", {
        retryAt: new Date(FIXED_NOW.getTime() + 1000),
      });
    faulty.jira.faults.push({ scope: "PROJ", atPosition: 30, error: transient, times: 2 });
    faulty.jira.faults.push({ scope: "OPS", atPosition: 0, error: transient, times: 1 });
    faulty.slack.faults.push({ scope: "C1", atPosition: 15, error: limited, times: 3 });
    const statuses: string[] = [];
    const report = await syncOnce(ctx.db, faulty.sources, {
      observer: { progress: (_source, p) => p.status && statuses.push(p.status) },
    });
    expect(report.ok).toBe(true);
    expect(report.sources.find((s) => s.source === "jira")!.retries).toBe(3);
    expect(report.sources.find((s) => s.source === "slack")!.retries).toBe(3);
    expect(statuses).toContain("waiting for rate limit until 08:00:01");
    expect(await dumpDatabase(ctx.db, { omit: ["last_success_at"] })).toEqual(reference);
  });

  it("reports a failing source, finishes the others, and gives up on a fault that persists", async () => {
    const workspace = scriptedWorkspace();
    workspace.slack.authFails = true;
    workspace.gmail.faults.push({
      scope: "me",
      atPosition: 15,
      error: () => new ConnectorError("gmail", "transient", "503 from https://scripted.test/gmail"),
      times: 99,
    });
    const report = await syncOnce(ctx.db, workspace.sources);
    expect(report.ok).toBe(false);
    const [jira, slack, gmail] = report.sources;
    expect(jira).toMatchObject({ source: "jira", ok: true, errors: [] });
    expect(jira!.itemsNew).toBeGreaterThan(0);
    expect(slack).toMatchObject({ source: "slack", ok: false });
    expect(slack!.errors[0]).toMatchObject({ scope: null, kind: "auth" });
    expect(slack!.errors[0]!.message).toMatch(/^\[threadline\] \[slack\] 401 from .*: check SCRIPTED_TOKEN$/);
    expect(gmail).toMatchObject({ source: "gmail", ok: false, pages: 1 });
    expect(gmail!.errors[0]).toMatchObject({ scope: "me", kind: "transient" });
    expect(gmail!.scopes[0]).toMatchObject({ scope: "me", outcome: "failed" });
    // The page before the fault is committed with its cursor.
    const cursors = await queryRows<{ cursor: unknown }>(
      ctx.db,
      sql`select cursor from sync_cursors s
      join source_scopes sc on sc.id = s.scope_id where sc.source = 'gmail'`,
    );
    expect(cursors).toEqual([{ cursor: { position: 15 } }]);
  });

  it("marks a scope the token can no longer read, keeps its items, and clears the mark once it can", async () => {
    const workspace = scriptedWorkspace();
    await syncOnce(ctx.db, workspace.sources);
    const count = async () =>
      (
        await queryRows<{ n: number }>(
          ctx.db,
          sql`select count(*)::int as n from items i join source_scopes s on s.id = i.scope_id where s.scope = 'C2'`,
        )
      )[0]!.n;
    const before = await count();
    expect(before).toBeGreaterThan(0);

    workspace.slack.forbidden.add("C2");
    const report = await syncOnce(ctx.db, workspace.sources, { mode: "sync" });
    expect(report.ok).toBe(false);
    const slack = report.sources.find((s) => s.source === "slack")!;
    expect(slack.scopes).toEqual([
      expect.objectContaining({ scope: "C1", outcome: "ok" }),
      expect.objectContaining({ scope: "C2", outcome: "forbidden" }),
    ]);
    expect(slack.errors).toEqual([expect.objectContaining({ scope: "C2", kind: "forbidden" })]);
    const scopes = await queryRows(
      ctx.db,
      sql`select scope, status, status_reason from source_scopes where source = 'slack' order by scope`,
    );
    expect(scopes).toEqual([
      { scope: "C1", status: "active", status_reason: null },
      {
        scope: "C2",
        status: "forbidden",
        status_reason: expect.stringMatching(/^\[threadline\] \[slack\] 403 from/),
      },
    ]);
    expect(await count()).toBe(before);

    workspace.slack.forbidden.clear();
    expect((await syncOnce(ctx.db, workspace.sources, { mode: "sync" })).ok).toBe(true);
    const after = await queryRows(
      ctx.db,
      sql`select status from source_scopes where source = 'slack' and scope = 'C2'`,
    );
    expect(after).toEqual([{ status: "active" }]);
  });

  it("reflects edits and deletions under incremental sync, with activity and changed tasks", async () => {
    const workspace = scriptedWorkspace();
    await syncOnce(ctx.db, workspace.sources);
    const log = workspace.jira.scopes.get("PROJ")!;
    const comment = {
      id: "c-new",
      issueKey: "PROJ-2",
      author: people.jira(0),
      body: "Edited later",
      created: "2026-02-20T10:00:00.000Z",
      edited: null,
    };
    log.push({ record: commentRecord(comment) });
    const first = await syncOnce(ctx.db, workspace.sources, { mode: "sync" });
    expect(first.changedTaskKeys).toEqual(new Set(["PROJ-2"]));
    const activity = async () =>
      (
        await queryRows<{ ms: number }>(
          ctx.db,
          sql`select (extract(epoch from last_activity_at) * 1000)::float8 as ms
        from tasks where key = 'PROJ-2'`,
        )
      )[0]!.ms;
    expect(await activity()).toBe(Date.parse("2026-02-20T10:00:00.000Z"));

    log.push({
      record: commentRecord({ ...comment, body: "Edited now", edited: "2026-02-21T09:00:00.000Z" }),
    });
    const edited = await syncOnce(ctx.db, workspace.sources, { mode: "sync" });
    expect(edited.sources[0]).toMatchObject({ itemsNew: 0, itemsUpdated: 1 });
    const rows = await queryRows(
      ctx.db,
      sql`select text, edited_at = '2026-02-21T09:00:00Z' as edited, deleted_at from items where id = 'jira:comment-c-new'`,
    );
    expect(rows).toEqual([{ text: "Edited now", edited: true, deleted_at: null }]);

    log.push({
      deletion: { type: "item", externalId: "comment-c-new", at: new Date("2026-02-22T00:00:00Z") },
    });
    const deleted = await syncOnce(ctx.db, workspace.sources, { mode: "sync" });
    expect(deleted.sources[0]).toMatchObject({ itemsDeleted: 1 });
    expect(deleted.changedTaskKeys).toEqual(new Set(["PROJ-2"]));
    const gone = await queryRows(
      ctx.db,
      sql`select text, deleted_at = '2026-02-22T00:00:00Z' as deleted from items where id = 'jira:comment-c-new'`,
    );
    expect(gone).toEqual([{ text: "Edited now", deleted: true }]);
    // The deleted comment no longer counts as activity; the link stays for the record.
    expect(await activity()).toBeLessThan(Date.parse("2026-02-20T10:00:00Z"));
    expect(await linksOf("jira:comment-c-new")).toEqual([
      { task_key: "PROJ-2", rule: "source_parent", manual: false, removed: false },
    ]);
  });

  it("links keyless thread replies once their root arrives, and unlinks them when the root stops naming the task", async () => {
    const workspace = scriptedWorkspace({ pageSize: 1 });
    const slackLog = workspace.slack.scopes.get("C1")!;
    const gmailLog = workspace.gmail.scopes.get("me")!;
    slackLog.length = 0;
    gmailLog.length = 0;
    const root = {
      ts: "1.000100",
      threadTs: "1.000100",
      channel: "C1",
      user: people.slack(0),
      text: "Anyone on PROJ-4?",
      at: "2026-01-10T10:00:00.000Z",
      edited: null,
    };
    const reply = { ...root, ts: "1.000200", text: "yes, me", at: "2026-01-10T10:05:00.000Z" };
    const email = {
      id: "e1",
      threadId: "t1",
      messageId: "<a@x>",
      inReplyTo: null,
      references: [],
      from: people.gmail(1),
      subject: "OPS-3 access",
      body: "Need access",
      date: "2026-01-11T10:00:00.000Z",
    };
    // A reply in another Gmail thread that names the root only by References.
    const answer = {
      ...email,
      id: "e2",
      threadId: "t2",
      messageId: "<b@x>",
      inReplyTo: "<a@x>",
      references: ["<a@x>"],
      subject: "Re: access",
      body: "granted",
    };
    slackLog.push({ record: chatRecord(reply) });
    gmailLog.push({ record: emailRecord(answer) });
    await syncOnce(ctx.db, workspace.sources);
    expect(await linksOf("slack:C1-1.000200")).toEqual([]);
    expect(await linksOf("gmail:e2")).toEqual([]);

    slackLog.push({ record: chatRecord(root) });
    gmailLog.push({ record: emailRecord(email) });
    const report = await syncOnce(ctx.db, workspace.sources, { mode: "sync" });
    expect(await linksOf("slack:C1-1.000200")).toEqual([
      { task_key: "PROJ-4", rule: "thread", manual: false, removed: false },
    ]);
    expect(await linksOf("gmail:e2")).toEqual([
      { task_key: "OPS-3", rule: "email_thread", manual: false, removed: false },
    ]);
    expect(report.changedTaskKeys).toEqual(new Set(["PROJ-4", "OPS-3"]));

    slackLog.push({
      record: chatRecord({ ...root, text: "Anyone around?", edited: "2026-01-10T11:00:00.000Z" }),
    });
    await syncOnce(ctx.db, workspace.sources, { mode: "sync" });
    expect(await linksOf("slack:C1-1.000100")).toEqual([]);
    expect(await linksOf("slack:C1-1.000200")).toEqual([]);
  });

  it("stops lending a thread a link that a person removed from its root", async () => {
    const workspace = scriptedWorkspace({ pageSize: 5 });
    const log = workspace.slack.scopes.get("C1")!;
    log.length = 0;
    workspace.slack.scopes.delete("C2");
    const root = {
      ts: "2.000100",
      threadTs: "2.000100",
      channel: "C1",
      user: people.slack(0),
      text: "PROJ-5 needs a decision",
      at: "2026-01-12T10:00:00.000Z",
      edited: null,
    };
    log.push(
      { record: chatRecord(root) },
      { record: chatRecord({ ...root, ts: "2.000200", text: "agreed" }) },
    );
    await syncOnce(ctx.db, workspace.sources);
    expect(await linksOf("slack:C1-2.000200")).toEqual([
      { task_key: "PROJ-5", rule: "thread", manual: false, removed: false },
    ]);
    await ctx.db.execute(sql`update item_links set manual = true, removed = true
      where item_id = 'slack:C1-2.000100' and task_key = 'PROJ-5'`);
    log.push({
      record: chatRecord({ ...root, text: "PROJ-5 needs a decision!", edited: "2026-01-12T11:00:00.000Z" }),
    });
    await syncOnce(ctx.db, workspace.sources, { mode: "sync" });
    expect(await linksOf("slack:C1-2.000100")).toEqual([
      { task_key: "PROJ-5", rule: "jira_key", manual: true, removed: true },
    ]);
    expect(await linksOf("slack:C1-2.000200")).toEqual([]);
  });

  it("keeps manual links and manual removals through a re-sync and a relink", async () => {
    const workspace = scriptedWorkspace();
    await syncOnce(ctx.db, workspace.sources);
    const [linked] = await queryRows<{ item_id: string; task_key: string }>(
      ctx.db,
      sql`select item_id, task_key from item_links where rule = 'thread' order by item_id limit 1`,
    );
    expect(linked).toBeDefined();
    // A person removed that inherited link, and linked an unrelated message by hand.
    await ctx.db.execute(sql`update item_links set manual = true, removed = true, created_by = 'ana'
      where item_id = ${linked!.item_id} and task_key = ${linked!.task_key}`);
    const [loose] = await queryRows<{ id: string }>(
      ctx.db,
      sql`select id from items where text = 'unrelated chatter' order by id limit 1`,
    );
    await ctx.db.execute(sql`insert into item_links (item_id, task_key, rule, manual, created_by)
      values (${loose!.id}, 'OPS-1', 'manual', true, 'ana')`);
    const manual = sql`select item_id, task_key, rule, manual, removed, created_by from item_links where manual order by item_id`;
    const before = await queryRows(ctx.db, manual);
    expect(before).toHaveLength(2);

    await ctx.db.execute(sql`delete from sync_cursors`);
    await syncOnce(ctx.db, scriptedWorkspace().sources);
    expect(await queryRows(ctx.db, manual)).toEqual(before);
    await relinkAll({
      db: ctx.db,
      connectors: workspace.connectors,
      linkContext: LINK_CONTEXT,
      now: () => FIXED_NOW,
    });
    expect(await queryRows(ctx.db, manual)).toEqual(before);
  });

  it("makes one person of one email across sources, and never undoes a merge made by hand", async () => {
    const workspace = scriptedWorkspace();
    await syncOnce(ctx.db, workspace.sources);
    const personOf = async (source: string, id: string) =>
      (
        await queryRows<{ person_id: string }>(
          ctx.db,
          sql`select person_id from identities where source = ${source} and external_id = ${id}`,
        )
      )[0]?.person_id;
    const ana = toPersonId({ source: "jira", externalId: "acc-0", email: "ana@team.example" });
    expect(await personOf("jira", "acc-0")).toBe(ana);
    expect(await personOf("slack", "U100")).toBe(ana);
    expect(await personOf("gmail", "ana@team.example")).toBe(ana);
    // The client: a Slack guest and a Gmail sender.
    expect(await personOf("slack", "U900")).toBe(await personOf("gmail", "carla@customer.test"));
    // Chloe hides her email in Jira: that identity is a person of its own.
    const chloeJira = await personOf("jira", "acc-2");
    expect(chloeJira).toBe(toPersonId({ source: "jira", externalId: "acc-2", email: null }));
    expect(chloeJira).not.toBe(await personOf("slack", "U102"));
    const people = await queryRows(ctx.db, sql`select id, name, email, is_bot from people where id = ${ana}`);
    expect(people).toEqual([{ id: ana, name: "ANA", email: "ana@team.example", is_bot: false }]);

    // Merge Jira-Chloe into Slack-Chloe by hand, as the API does; a full re-sync leaves it so.
    const chloe = (await personOf("slack", "U102"))!;
    await ctx.db.execute(sql`update identities set person_id = ${chloe} where person_id = ${chloeJira!}`);
    await ctx.db.execute(sql`update people set merged_into = ${chloe} where id = ${chloeJira!}`);
    await ctx.db.execute(sql`delete from sync_cursors`);
    await syncOnce(ctx.db, scriptedWorkspace().sources);
    expect(await personOf("jira", "acc-2")).toBe(chloe);
  });

  it("links items it could not link before once relink runs with a new project key", async () => {
    const workspace = scriptedWorkspace();
    await syncOnce(ctx.db, workspace.sources, { linkContext: { ...LINK_CONTEXT, jiraProjects: ["PROJ"] } });
    const opsLinks = (
      others: boolean,
    ) => sql`select count(*)::int as n from item_links l join items i on i.id = l.item_id
      where l.task_key like 'OPS-%' and (${others} = false or i.source <> 'jira')`;
    const count = async (others: boolean) => (await queryRows<{ n: number }>(ctx.db, opsLinks(others)))[0]!.n;
    expect(await count(true)).toBe(0);
    const before = await count(false);
    const withAll = await dumpDatabase(ctx.db);

    const connectors = workspace.connectors;
    const report = await relinkAll({
      db: ctx.db,
      connectors,
      linkContext: LINK_CONTEXT,
      now: () => FIXED_NOW,
      batchSize: 17,
    });
    expect(report.items).toBe(withAll.items.length);
    expect(report.tasks).toBe(withAll.tasks.length);
    expect(report.skipped).toBe(0);
    expect(report.linksAdded).toBeGreaterThan(0);
    expect(await count(true)).toBeGreaterThan(0);
    expect(await count(false)).toBe(before + report.linksAdded);

    // The same as a backfill that knew OPS from the start (cursors aside, which relink does not move).
    const relinked = await dumpDatabase(ctx.db, { omit: ["created_at", "updated_at"] });
    await emptyTables(ctx.db);
    await syncOnce(ctx.db, scriptedWorkspace().sources);
    expect(relinked).toEqual(await dumpDatabase(ctx.db, { omit: ["created_at", "updated_at"] }));

    // Back to PROJ only: the OPS links go again.
    const back = await relinkAll({
      db: ctx.db,
      connectors,
      linkContext: { ...LINK_CONTEXT, jiraProjects: ["PROJ"] },
    });
    expect(back.linksRemoved).toBe(report.linksAdded);
  });

  it("keeps last_activity_at at the newest of the task's update and its linked items", async () => {
    const workspace = scriptedWorkspace();
    await syncOnce(ctx.db, workspace.sources);
    const wrong = await queryRows(
      ctx.db,
      sql`select t.key from tasks t where t.last_activity_at <> greatest(t.updated_at, (
            select max(i.at) from item_links l join items i on i.id = l.item_id
            where l.task_key = t.key and not l.removed and i.deleted_at is null))`,
    );
    expect(wrong).toEqual([]);
    const moved = await queryRows<{ n: number }>(
      ctx.db,
      sql`select count(*)::int as n from tasks where last_activity_at > updated_at`,
    );
    expect(moved[0]!.n).toBeGreaterThan(0);
  });

  /** A signed scripted Slack push of one message in channel C9. */
  const slackPush = (ts: string, text: string) => {
    const message = {
      ts,
      threadTs: null,
      channel: "C9",
      user: people.slack(1),
      text,
      at: "2026-02-01T10:00:00.000Z",
      edited: null,
    };
    return {
      url: "http://localhost:8787/webhooks/slack",
      headers: { "x-scripted-signature": "valid" },
      body: JSON.stringify({ scope: "C9", records: [chatRecord(message)] }),
      now: FIXED_NOW,
    };
  };

  it("saves a verified webhook push like a page, without moving any cursor", async () => {
    const connector = scriptedWorkspace().connectors.slack;
    const request = slackPush("9.000100", "PROJ-7 is deployed");
    expect(await connector.webhook.verify(request, {})).toBe(true);
    const push = connector.webhook.parse(request, {});
    if (push.type !== "records") throw new Error(`unexpected ${push.type}`);
    const saved = await savePush(ctx.db, connector, push, {
      linker: createLinker(LINK_CONTEXT),
      now: FIXED_NOW,
    });
    expect(saved).toMatchObject({ itemsNew: 1, linksAdded: 1, changedTaskKeys: ["PROJ-7"] });
    expect(await linksOf("slack:C9-9.000100")).toEqual([
      { task_key: "PROJ-7", rule: "jira_key", manual: false, removed: false },
    ]);
    expect(await queryRows(ctx.db, sql`select * from sync_cursors`)).toEqual([]);
    // Delivered twice (webhooks retry): nothing changes.
    expect(
      await savePush(ctx.db, connector, push, { linker: createLinker(LINK_CONTEXT), now: FIXED_NOW }),
    ).toMatchObject({ itemsNew: 0, itemsUpdated: 0, linksAdded: 0, changedTaskKeys: [] });
  });

  it("keeps a pushed message whose text holds U+0000, without the character PostgreSQL cannot store", async () => {
    const connector = scriptedWorkspace().connectors.slack;
    const push = connector.webhook.parse(slackPush("9.000200", "PROJ-8 log:\u0000\u0000 deployed"), {});
    if (push.type !== "records") throw new Error(`unexpected ${push.type}`);
    const saved = await savePush(ctx.db, connector, push, {
      linker: createLinker(LINK_CONTEXT),
      now: FIXED_NOW,
    });
    expect(saved).toMatchObject({ itemsNew: 1, changedTaskKeys: ["PROJ-8"] });
    const rows = await queryRows<{ text: string }>(
      ctx.db,
      sql`select text from items where id = ${"slack:C9-9.000200"}`,
    );
    expect(rows).toEqual([{ text: "PROJ-8 log: deployed" }]);
  });

  it("saves a page far past the 65,534-parameter limit of a multi-row insert in one transaction", async () => {
    const { createScriptedSource } = await import("../helpers/scripted-connector.ts");
    const log = Array.from({ length: 6_000 }, (_, n) => ({
      record: commentRecord({
        id: `big-${n}`,
        issueKey: `PROJ-${1 + (n % 50)}`,
        author: people.jira(n % 6),
        body: `comment ${n} about PROJ-${1 + ((n * 7) % 50)}`,
        created: new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString(),
        edited: null,
      }),
    }));
    const script = createScriptedSource({ PROJ: log }, 6_000);
    const report = await syncOnce(ctx.db, [
      { connector: createScriptedConnector("jira", script), settings: {} },
    ]);
    expect(report.ok).toBe(true);
    expect(report.sources[0]).toMatchObject({ pages: 1, itemsNew: 6_000 });
  });
});
