import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { listSources } from "../../connectors/registry.ts";
import { parseFlagSettings } from "../../src/flags/flag-settings.ts";
import { recomputeFlags } from "../../src/flags/recompute.ts";
import { loadFlag, loadFlagsOfTasks, saveFlags, toFlagId } from "../../src/store/flag-store.ts";
import { loadTaskKeysOfItems, loadTaskSnapshots } from "../../src/store/load-task-snapshots.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { insertItem, insertPeople, insertTask } from "./seed.ts";

const settings = parseFlagSettings(
  undefined,
  {
    THREADLINE_TEAM_DOMAINS: "acme.dev",
    THREADLINE_TIMEZONE: "Europe/London",
  },
  listSources(),
);
const NOW = new Date("2025-03-12T15:00:00Z");

describeEachDatabase("flag recompute", (ctx) => {
  beforeAll(async () => {
    const db = ctx.db;
    await insertPeople(db, [
      {
        id: "p_anna",
        name: "Anna Kowalski",
        email: "anna@acme.dev",
        identities: [
          { source: "jira", externalId: "acc-anna", email: "anna@acme.dev" },
          { source: "slack", externalId: "U_ANNA", email: "anna@acme.dev" },
        ],
      },
      { id: "p_ben", name: "bencodes", identities: [{ source: "github", externalId: "4242" }] },
      {
        id: "p_dana",
        name: "Dana Ruiz",
        email: "dana@brightside.co",
        identities: [{ source: "gmail", externalId: "dana@brightside.co", email: "dana@brightside.co" }],
      },
      { id: "p_dana_old", name: "D. Ruiz", mergedInto: "p_dana" },
      {
        id: "p_tom",
        name: "Tom Becker",
        identities: [{ source: "slack", externalId: "U_TOM", isGuest: true }],
      },
      {
        id: "p_bot",
        name: "Automation for Jira",
        identities: [{ source: "jira", externalId: "acc-bot", isBot: true }],
      },
    ]);
    // A Jira task with a client's question by email and a guest's message in Slack.
    await insertTask(db, {
      key: "WEB-1",
      assigneeId: "p_anna",
      reporterId: "p_anna",
      createdAt: "2025-03-03T09:00:00Z",
      raw: { key: "WEB-1", fields: { resolution: null, issuelinks: [] } },
    });
    await insertItem(db, {
      id: "jira:c1",
      taskKey: "WEB-1",
      kind: "status_change",
      authorId: "p_anna",
      at: "2025-03-10T09:00:00Z",
      meta: { statusFrom: "To Do", statusTo: "In Progress" },
    });
    await insertItem(db, {
      id: "gmail:m1",
      taskKey: "WEB-1",
      source: "gmail",
      kind: "email",
      authorId: "p_dana_old",
      at: "2025-03-10T10:12:00Z",
      threadId: "th1",
      text: "Hi Anna,\n\nwhat format do you need the export in? CSV or XLSX?\n\nThanks,\nDana",
      meta: { to: ["Anna Kowalski <anna@acme.dev>"], messageId: "<m1@brightside.co>" },
    });
    await insertItem(db, {
      id: "slack:s1",
      taskKey: "WEB-1",
      source: "slack",
      kind: "chat_message",
      authorId: "p_tom",
      at: "2025-03-11T11:00:00Z",
      text: "<@U_ANNA> fyi the hero image is blurry on retina",
      meta: { mentions: ["U_ANNA"], reactions: [{ name: "eyes", count: 1, users: ["U_ANNA"] }] },
    });
    // Neither a deleted item nor an unlinked one counts.
    await insertItem(db, {
      id: "jira:gone",
      taskKey: "WEB-1",
      authorId: "p_anna",
      at: "2025-03-11T12:00:00Z",
      text: "Answered Dana by phone: CSV.",
      deletedAt: "2025-03-11T13:00:00Z",
    });
    await insertItem(db, {
      id: "jira:moved",
      taskKey: "WEB-1",
      authorId: "p_anna",
      at: "2025-03-11T12:30:00Z",
      text: "CSV it is.",
      removedLink: true,
    });
    // A pull request waiting for its requested reviewer, as GitHub's REST API describes it.
    await insertTask(db, {
      key: "acme/web#7",
      source: "github",
      status: "open",
      reporterId: "p_anna",
      createdAt: "2025-03-10T09:00:00Z",
      raw: {
        number: 7,
        state: "open",
        draft: false,
        merged_at: null,
        head: { ref: "feature/WEB-1-export" },
        requested_reviewers: [{ login: "bencodes", id: 4242 }],
      },
    });
    // A deleted task still flagged, and a flag of a task that no longer exists.
    await insertTask(db, {
      key: "WEB-9",
      assigneeId: null,
      createdAt: "2025-03-01T09:00:00Z",
      deletedAt: "2025-03-11T09:00:00Z",
    });
    const orphan = {
      kind: "no_owner" as const,
      fingerprint: "",
      since: new Date("2025-03-01T09:00:00Z"),
      reason: "x",
      reasons: ["x"],
      evidence: [],
      owner: null,
      waitingOn: [],
      lastEvidenceAt: new Date("2025-03-01T09:00:00Z"),
    };
    await saveFlags(db, {
      taskKeys: ["WEB-9", "GONE-1"],
      flags: [
        { ...orphan, taskKey: "WEB-9" },
        { ...orphan, taskKey: "GONE-1" },
      ],
      now: new Date("2025-03-02T09:00:00Z"),
    });
  });

  it("loads snapshots with people judged team or not, handles resolved, and only live links", async () => {
    const snapshots = await loadTaskSnapshots(ctx.db, ["WEB-1", "acme/web#7", "WEB-9", "NOPE-1"], settings);
    expect(snapshots.map((s) => s.key).sort()).toEqual(["WEB-1", "acme/web#7"]);
    const web1 = snapshots.find((t) => t.key === "WEB-1")!;
    const pr = snapshots.find((t) => t.key === "acme/web#7")!;
    expect(web1.items.map((i) => i.id)).toEqual(["jira:c1", "gmail:m1", "slack:s1"]);
    const [status, mail, chat] = web1.items;
    expect(status!.facts).toMatchObject({ statusTo: "In Progress", statusToCategory: "in_progress" });
    expect(mail!.author).toMatchObject({ id: "p_dana", isTeam: false, isBot: false });
    expect(mail!.facts.to.map((p) => p.id)).toEqual(["p_anna"]);
    expect(chat!.author).toMatchObject({ id: "p_tom", isTeam: false });
    expect(chat!.facts.mentions).toMatchObject([{ id: "p_anna", isTeam: true }]);
    expect(chat!.facts.reactions).toEqual([{ name: "eyes", by: ["p_anna"], count: 1 }]);
    expect(web1.assignee).toMatchObject({ id: "p_anna", isTeam: true });
    expect(pr.pullRequest).toMatchObject({
      repository: "acme/web",
      draft: false,
      merged: false,
      requestedReviewers: [{ id: "p_ben", isTeam: true }],
    });
  });

  it("raises, keeps and resolves flags for the tasks that changed", async () => {
    const summary = await recomputeFlags(ctx.db, { taskKeys: ["WEB-1", "acme/web#7"], now: NOW, settings });
    expect(summary.tasks).toBe(2);
    const flags = await loadFlagsOfTasks(ctx.db, ["WEB-1", "acme/web#7"]);
    const open = flags
      .filter((f) => f.state === "open")
      .map((f) => [f.taskKey, f.kind, f.ownerId, f.waitingOn]);
    expect(open).toEqual(
      expect.arrayContaining([
        ["WEB-1", "unanswered_question", "p_anna", ["p_anna"]],
        ["WEB-1", "feedback_off_board", "p_anna", []],
        // The author answers for the pull request; the review waits on the requested reviewer.
        ["acme/web#7", "missing_approval", "p_anna", ["p_ben"]],
      ]),
    );
    expect(open).toHaveLength(3);
    const question = await loadFlag(ctx.db, toFlagId("WEB-1", "unanswered_question"));
    expect(question?.reason).toMatch(/^Dana Ruiz \(brightside\.co\) asked by email on Mon: “what format/);

    // Anna answers on the ticket: the question and the off-board feedback are resolved.
    await insertItem(ctx.db, {
      id: "jira:c2",
      taskKey: "WEB-1",
      authorId: "p_anna",
      at: "2025-03-12T14:00:00Z",
      text: "Dana wants CSV. Tom: retina assets are on the way.",
    });
    const keys = await loadTaskKeysOfItems(ctx.db, ["jira:c2"]);
    expect(keys).toEqual(["WEB-1"]);
    const again = await recomputeFlags(ctx.db, {
      taskKeys: keys,
      now: new Date("2025-03-12T15:00:00Z"),
      settings,
    });
    expect(again.resolved).toBe(2);
    expect(question && (await loadFlag(ctx.db, question.id))?.state).toBe("resolved");
  });

  it("recomputes everything in batches and resolves flags of deleted and vanished tasks", async () => {
    const batches: number[] = [];
    const summary = await recomputeFlags(ctx.db, {
      now: NOW,
      settings,
      batchSize: 1,
      onBatch: (p) => batches.push(p.tasks),
    });
    expect(batches.length).toBe(3);
    expect(summary.tasks).toBe(2);
    expect(summary.resolved).toBe(2);
    for (const key of ["WEB-9", "GONE-1"]) {
      expect((await loadFlag(ctx.db, toFlagId(key, "no_owner")))?.state).toBe("resolved");
    }
    expect((await loadFlag(ctx.db, toFlagId("acme/web#7", "missing_approval")))?.state).toBe("open");
    const count = await ctx.db.execute(sql`select count(*)::int as n from flags where state = 'open'`);
    expect(JSON.stringify(count)).toContain('"n":1');
  });
});

describe("flag settings", () => {
  it("take the team's time zone and domains from the environment", () => {
    expect(settings.timeZone).toBe("Europe/London");
    expect(settings.teamDomains).toEqual(["acme.dev"]);
  });
});
