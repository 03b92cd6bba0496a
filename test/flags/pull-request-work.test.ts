/**
 * A task's pull requests are its work: their reviews, review comments, comments and deployments are on the
 * task's timeline (API and web page, marked as coming through the pull request), and every rule judges the
 * task on all of it, while each pull request stays a task of its own.
 */
import { sql } from "drizzle-orm";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listSources } from "../../connectors/registry.ts";
import { parseFlagSettings } from "../../src/flags/flag-settings.ts";
import { recomputeFlags } from "../../src/flags/recompute.ts";
import type { Item } from "../../src/model/api-schemas.ts";
import type { Db } from "../../src/store/db.ts";
import { loadFlagsOfTasks } from "../../src/store/flag-store.ts";
import { loadInbox, loadTaskFlags } from "../../src/store/inbox-queries.ts";
import { loadTaskSnapshots } from "../../src/store/load-task-snapshots.ts";
import { apiOver, enc } from "../api/harness.ts";
import { launchChromium } from "../helpers/browser.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { type ServedApp, serveApp, WEB_TOKEN } from "../web/web-server.ts";
import { insertItem, insertPeople, insertTask } from "./seed.ts";

const settings = parseFlagSettings(
  undefined,
  { THREADLINE_TEAM_DOMAINS: "acme.dev", THREADLINE_TIMEZONE: "Europe/London" },
  listSources(),
);
/** Friday 14 March 2025. */
const NOW = new Date("2025-03-14T15:00:00Z");

/** Links an item to one more task, as a key in a pull request's title or branch links it. */
const linkAlso = (db: Db, itemId: string, taskKey: string) =>
  db.execute(
    sql`insert into item_links (item_id, task_key, rule) values (${itemId}, ${taskKey}, 'jira_key')`,
  );

/**
 * A Jira task and its pull request `acme/web#<n>`: the pull request item sits on both timelines, as the
 * linker puts it when the branch names the task.
 */
async function taskWithPullRequest(
  db: Db,
  n: number,
  task: { status?: string; statusCategory?: string; createdAt?: string },
  pr: { merged?: boolean; draft?: boolean; at?: string },
): Promise<{ key: string; prKey: string; prItem: string }> {
  const key = `WEB-${n}`;
  const prKey = `acme/web#${n}`;
  const createdAt = task.createdAt ?? "2025-03-03T09:00:00Z";
  await insertTask(db, {
    key,
    assigneeId: "p_anna",
    reporterId: "p_anna",
    createdAt,
    ...(task.status ? { status: task.status } : {}),
    ...(task.statusCategory ? { statusCategory: task.statusCategory } : {}),
    raw: { key, fields: { resolution: null, issuelinks: [] } },
  });
  const prAt = pr.at ?? "2025-03-03T10:00:00Z";
  const mergedAt = pr.merged ? "2025-03-04T10:00:00Z" : null;
  await insertTask(db, {
    key: prKey,
    source: "github",
    status: pr.merged ? "merged" : pr.draft ? "draft" : "open",
    statusCategory: pr.merged ? "done" : "in_progress",
    assigneeId: "p_anna",
    reporterId: "p_anna",
    createdAt: prAt,
    updatedAt: mergedAt ?? prAt,
    raw: {
      number: n,
      state: pr.merged ? "closed" : "open",
      draft: pr.draft ?? false,
      merged: pr.merged ?? false,
      merged_at: mergedAt,
      head: { ref: `feature/${key}-export` },
      requested_reviewers: [],
    },
  });
  const prItem = `github:acme/web:pull_request:${n}`;
  await insertItem(db, {
    id: prItem,
    taskKey: prKey,
    source: "github",
    kind: "pull_request",
    authorId: "p_anna",
    at: prAt,
    text: `${key}: export invoices`,
    meta: {
      repo: "acme/web",
      number: n,
      merged: pr.merged ?? false,
      mergedAt,
      draft: pr.draft ?? false,
    },
  });
  await linkAlso(db, prItem, key);
  return { key, prKey, prItem };
}

describeEachDatabase("a task's pull requests are its work", (ctx) => {
  const db = () => ctx.db;
  let stale: { key: string; prKey: string };
  let staleAlone: { key: string; prKey: string };
  let deployed: { key: string; prKey: string };
  let undeployed: { key: string; prKey: string };
  let approved: { key: string; prKey: string };
  let refused: { key: string; prKey: string };
  let confirmed: { key: string; prKey: string };
  let unconfirmed: { key: string; prKey: string };
  let shared: { key: string; prKey: string };
  let answered: { key: string; prKey: string };
  let unanswered: { key: string; prKey: string };

  beforeAll(async () => {
    await insertPeople(db(), [
      {
        id: "p_anna",
        name: "Anna Kowalski",
        email: "anna@acme.dev",
        identities: [
          { source: "jira", externalId: "acc-anna", email: "anna@acme.dev" },
          { source: "github", externalId: "1001", email: "anna@acme.dev" },
        ],
      },
      {
        id: "p_carl",
        name: "Carl Meyer",
        email: "carl@acme.dev",
        identities: [{ source: "github", externalId: "1002", email: "carl@acme.dev" }],
      },
    ]);

    // Stale: the task itself has been quiet since Monday 3 March, its draft pull request had a comment today.
    stale = await taskWithPullRequest(db(), 10, {}, { draft: true });
    await insertItem(db(), {
      id: "github:acme/web:issue_comment:10",
      taskKey: stale.prKey,
      source: "github",
      kind: "comment",
      authorId: "p_anna",
      at: "2025-03-14T09:00:00Z",
      text: "Pushed the CSV writer, tests next.",
      meta: { repo: "acme/web", number: 10 },
    });
    // The same without the pull request's comment: stale.
    staleAlone = await taskWithPullRequest(db(), 11, {}, { draft: true });

    // Done, and GitHub deployed its merged pull request to production.
    deployed = await taskWithPullRequest(
      db(),
      20,
      { status: "Done", statusCategory: "done" },
      { merged: true },
    );
    await insertItem(db(), {
      id: "github:acme/web:deployment_status:20",
      taskKey: deployed.prKey,
      source: "github",
      kind: "deployment",
      at: "2025-03-05T10:00:00Z",
      text: "Deployment to production: success",
      threadId: "acme/web:deployment:20",
      meta: { repo: "acme/web", deploymentState: "success", environment: "production" },
    });
    // Done, merged, deployed to staging only.
    undeployed = await taskWithPullRequest(
      db(),
      21,
      { status: "Done", statusCategory: "done" },
      { merged: true },
    );
    await insertItem(db(), {
      id: "github:acme/web:deployment_status:21",
      taskKey: undeployed.prKey,
      source: "github",
      kind: "deployment",
      at: "2025-03-05T10:00:00Z",
      text: "Deployment to staging: success",
      meta: { repo: "acme/web", deploymentState: "success", environment: "staging" },
    });

    // Ready for Release needs a reviewer's sign-off: Carl approved the pull request.
    approved = await taskWithPullRequest(db(), 30, { status: "Ready for Release" }, { merged: true });
    await insertItem(db(), {
      id: "github:acme/web:review:30",
      taskKey: approved.prKey,
      source: "github",
      kind: "review",
      authorId: "p_carl",
      at: "2025-03-04T09:00:00Z",
      text: "",
      meta: { repo: "acme/web", number: 30, reviewState: "approved" },
    });
    // The same with Carl's change request.
    refused = await taskWithPullRequest(db(), 31, { status: "Ready for Release" }, { merged: true });
    await insertItem(db(), {
      id: "github:acme/web:review:31",
      taskKey: refused.prKey,
      source: "github",
      kind: "review",
      authorId: "p_carl",
      at: "2025-03-04T09:00:00Z",
      text: "The totals are off by the tax; please fix before release.",
      meta: { repo: "acme/web", number: 31, reviewState: "changes_requested" },
    });

    // The release confirmed on the task (a Jira comment) covers its merged pull request.
    confirmed = await taskWithPullRequest(
      db(),
      40,
      { status: "Done", statusCategory: "done" },
      { merged: true },
    );
    await insertItem(db(), {
      id: "jira:c40",
      taskKey: confirmed.key,
      authorId: "p_anna",
      at: "2025-03-05T11:00:00Z",
      text: "Deployed to production this morning.",
    });
    unconfirmed = await taskWithPullRequest(
      db(),
      41,
      { status: "Done", statusCategory: "done" },
      { merged: true },
    );

    // A merged pull request that is the work of two tasks.
    shared = await taskWithPullRequest(
      db(),
      50,
      { status: "Done", statusCategory: "done" },
      { merged: true },
    );
    await insertTask(db(), {
      key: "WEB-51",
      assigneeId: "p_anna",
      status: "Done",
      statusCategory: "done",
      createdAt: "2025-03-03T09:00:00Z",
    });
    await linkAlso(db(), "github:acme/web:pull_request:50", "WEB-51");

    // A reviewer's question on the pull request, answered in Slack by a message that names the task.
    const question = (n: number) =>
      insertItem(db(), {
        id: `github:acme/web:review_comment:${n}`,
        taskKey: `acme/web#${n}`,
        source: "github",
        kind: "review_comment",
        authorId: "p_carl",
        at: "2025-03-10T10:00:00Z",
        text: "Which endpoint should the export call, v1 or v2?",
        threadId: `acme/web:review_thread:${n}`,
        meta: { repo: "acme/web", number: n },
      });
    answered = await taskWithPullRequest(db(), 60, {}, {});
    await question(60);
    await insertItem(db(), {
      id: "slack:C1/1741610000.000100",
      taskKey: answered.key,
      source: "slack",
      kind: "chat_message",
      authorId: "p_anna",
      at: "2025-03-10T12:00:00Z",
      text: "WEB-60: the export calls v2, v1 goes away in April.",
    });
    unanswered = await taskWithPullRequest(db(), 61, {}, {});
    await question(61);

    // Everything recomputed from the pull requests' side only: their tasks follow.
    await recomputeFlags(db(), {
      taskKeys: [
        stale.prKey,
        staleAlone.prKey,
        deployed.prKey,
        undeployed.prKey,
        approved.prKey,
        refused.prKey,
        confirmed.prKey,
        unconfirmed.prKey,
        shared.prKey,
        answered.prKey,
        unanswered.prKey,
      ],
      now: NOW,
      settings,
    });
  });

  const kindsOf = async (key: string) =>
    (await loadFlagsOfTasks(db(), [key])).filter((f) => f.state === "open").map((f) => f.kind);

  it("has the pull request's items on the task's timeline, each with the pull request's key", async () => {
    const api = apiOver(db());
    const task = await api.get(`/api/tasks/${enc(approved.key)}/timeline`);
    expect(task.status).toBe(200);
    const items = (task.body as { items: Item[] }).items;
    expect(items.map((i) => [i.id, i.taskKey])).toEqual([
      ["github:acme/web:pull_request:30", approved.key],
      ["github:acme/web:review:30", approved.prKey],
    ]);
    const deploymentTimeline = await api.get(`/api/tasks/${enc(deployed.key)}/timeline`);
    const deployment = (deploymentTimeline.body as { items: Item[] }).items.find(
      (i) => i.kind === "deployment",
    );
    expect(deployment?.taskKey).toBe(deployed.prKey);
    // The pull request stays a task of its own, with its own items under its key.
    const pr = await api.get(`/api/tasks/${enc(approved.prKey)}/timeline`);
    expect((pr.body as { items: Item[] }).items.map((i) => [i.id, i.taskKey])).toEqual([
      ["github:acme/web:pull_request:30", approved.prKey],
      ["github:acme/web:review:30", approved.prKey],
    ]);
  });

  it("leaves off the task an item a person took off it", async () => {
    await db().execute(
      sql`insert into item_links (item_id, task_key, rule, manual, removed)
          values ('github:acme/web:review:31', ${refused.key}, 'manual', true, true)`,
    );
    const api = apiOver(db());
    const task = await api.get(`/api/tasks/${enc(refused.key)}/timeline`);
    expect((task.body as { items: Item[] }).items.map((i) => i.id)).toEqual([
      "github:acme/web:pull_request:31",
    ]);
    // The rules see the same timeline, whether the pull request is loaded with the task (its items are then
    // taken from its own rows) or not (they are read for the task).
    for (const keys of [[refused.key], [refused.key, refused.prKey]]) {
      const [snapshot] = await loadTaskSnapshots(db(), keys, settings);
      expect(snapshot?.items.map((i) => i.id)).toEqual(["github:acme/web:pull_request:31"]);
    }
    await db().execute(
      sql`delete from item_links where item_id = 'github:acme/web:review:31' and task_key = ${refused.key}`,
    );
  });

  it("counts activity on the pull request as activity on the task", async () => {
    expect(await kindsOf(stale.key)).not.toContain("stale");
    expect(await kindsOf(staleAlone.key)).toContain("stale");
  });

  it("counts the pull request's production deployment as the task's", async () => {
    expect(await kindsOf(deployed.key)).not.toContain("done_not_deployed");
    expect(await kindsOf(undeployed.key)).toContain("done_not_deployed");
    const [flag] = (await loadFlagsOfTasks(db(), [undeployed.key])).filter(
      (f) => f.kind === "done_not_deployed",
    );
    // Its evidence is on the task's timeline: the staging deployment came through the pull request.
    expect(flag?.evidence).toContain("github:acme/web:deployment_status:21");
  });

  it("counts the pull request's approving review as the task's sign-off", async () => {
    expect(await kindsOf(approved.key)).not.toContain("missing_approval");
    const [flag] = (await loadFlagsOfTasks(db(), [refused.key])).filter((f) => f.kind === "missing_approval");
    expect(flag?.reason).toContain("without a reviewer's sign-off");
    expect(flag?.evidence).toContain("github:acme/web:review:31");
  });

  it("lets a release confirmed on the task cover its pull request", async () => {
    expect(await kindsOf(confirmed.prKey)).not.toContain("done_not_deployed");
    expect(await kindsOf(confirmed.key)).not.toContain("done_not_deployed");
    expect(await kindsOf(unconfirmed.prKey)).toContain("done_not_deployed");
  });

  it("takes an answer on the task for an answer to its pull request's question, and raises the question once", async () => {
    expect(await kindsOf(answered.prKey)).not.toContain("unanswered_question");
    expect(await kindsOf(answered.key)).not.toContain("unanswered_question");
    expect(await kindsOf(unanswered.prKey)).toContain("unanswered_question");
    // The pull request's question is its flag, not a second one on the task.
    expect(await kindsOf(unanswered.key)).not.toContain("unanswered_question");
  });

  it("recomputes the task when only its pull request changed", async () => {
    await insertItem(db(), {
      id: "github:acme/web:issue_comment:11",
      taskKey: staleAlone.prKey,
      source: "github",
      kind: "comment",
      authorId: "p_anna",
      at: "2025-03-14T11:00:00Z",
      text: "Back on this today.",
      meta: { repo: "acme/web", number: 11 },
    });
    const summary = await recomputeFlags(db(), { taskKeys: [staleAlone.prKey], now: NOW, settings });
    expect(summary.tasks).toBe(2);
    expect(await kindsOf(staleAlone.key)).not.toContain("stale");
  });

  it("reads the words of a pull request's other task when only one of its tasks changed", async () => {
    const mine = await taskWithPullRequest(
      db(),
      70,
      { status: "Done", statusCategory: "done" },
      { merged: true },
    );
    await insertTask(db(), {
      key: "WEB-71",
      assigneeId: "p_anna",
      status: "Done",
      statusCategory: "done",
      createdAt: "2025-03-03T09:00:00Z",
    });
    await linkAlso(db(), mine.prItem, "WEB-71");
    await insertItem(db(), {
      id: "jira:c71",
      taskKey: "WEB-71",
      authorId: "p_anna",
      at: "2025-03-05T11:00:00Z",
      text: "Deployed to production this morning.",
    });
    // WEB-70 changed: it and its pull request are evaluated, the other task is only read.
    const summary = await recomputeFlags(db(), { taskKeys: [mine.key], now: NOW, settings });
    expect(summary.tasks).toBe(2);
    expect(await kindsOf(mine.prKey)).not.toContain("done_not_deployed");
    await db().execute(sql`update items set deleted_at = now() where id = 'jira:c71'`);
    await recomputeFlags(db(), { taskKeys: [mine.key], now: NOW, settings });
    expect(await kindsOf(mine.prKey)).toContain("done_not_deployed");
  });

  it("shows a pull request's flags with the one task it belongs to", async () => {
    const inbox = await loadInbox(db(), { filter: { kinds: ["done_not_deployed"] }, now: NOW, perKind: 50 });
    const rows = inbox.groups.flatMap((g) => g.rows);
    const of = (key: string) => rows.find((r) => r.taskKey === key);
    expect(of(unconfirmed.prKey)?.partOf).toEqual({ key: unconfirmed.key, title: "Export invoices" });
    // The work of two tasks stays a row of its own.
    expect(of(shared.prKey)?.partOf).toBeNull();
    expect(of(unconfirmed.key)?.partOf).toBeNull();
    // The task's page lists the flag of its pull request; the pull request's own page too.
    const onTask = await loadTaskFlags(db(), unconfirmed.key, NOW);
    expect(onTask.map((r) => [r.taskKey, r.kind])).toContainEqual([unconfirmed.prKey, "done_not_deployed"]);
    const onShared = await loadTaskFlags(db(), shared.key, NOW);
    expect(onShared.map((r) => r.taskKey)).not.toContain(shared.prKey);
    const onPr = await loadTaskFlags(db(), unconfirmed.prKey, NOW);
    expect(onPr.map((r) => r.kind)).toContain("done_not_deployed");
  });

  describe("the web task page", () => {
    let served: ServedApp;
    let browser: Browser;
    beforeAll(async () => {
      served = await serveApp(db(), () => NOW, { flagSettings: settings });
      browser = await launchChromium();
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
      await served?.close();
    });

    it("marks the pull request's items as coming through it", async () => {
      const page = await browser.newPage();
      await page.goto(`${served.url}/tasks/${enc(approved.key)}`);
      await page.getByLabel("API token").fill(WEB_TOKEN);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(`${served.url}/tasks/${enc(approved.key)}`);
      const review = page.locator('[data-item="github:acme/web:review:30"]');
      await expect.poll(() => review.locator("a.via").textContent()).toBe(`via ${approved.prKey}`);
      expect(await review.locator("a.via").getAttribute("href")).toBe(`/tasks/${enc(approved.prKey)}`);
      // The task's own pull request item is its own.
      expect(await page.locator('[data-item="github:acme/web:pull_request:30"] a.via').count()).toBe(0);

      // In the inbox, the pull request's flag is a row of its task.
      await page.goto(`${served.url}/?q=${enc("kind:done_not_deployed")}`);
      const flagId = (await loadFlagsOfTasks(db(), [unconfirmed.prKey])).find(
        (f) => f.kind === "done_not_deployed",
      )!.id;
      const row = page.locator(`[data-flag="${flagId}"] .row-title`);
      await expect.poll(() => row.textContent()).toMatch(/WEB-41\s+Export invoices\s+· via acme\/web#41/);
      expect(await row.locator("a[data-open]").getAttribute("href")).toBe("/tasks/WEB-41");
      await page.close();
    });
  });
});
