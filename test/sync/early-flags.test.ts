/**
 * Flags evaluated while a backfill still reads history newest first: the real Jira, Teams and Slack connectors
 * over HTTP against their sandboxes, the real engine and flag recompute, on PGlite (and PostgreSQL with
 * TEST_DATABASE_URL).
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { createJiraConnector } from "../../connectors/jira/index.ts";
import { listSources } from "../../connectors/registry.ts";
import {
  JiraDataset,
  type JiraSandbox,
  jiraSandboxEnv,
  startJiraSandbox,
} from "../../connectors/sandbox/jira/index.ts";
import {
  SlackDataset,
  type SlackSandbox,
  slackSandboxEnv,
  startSlackSandbox,
} from "../../connectors/sandbox/slack/index.ts";
import { startTeamsSandbox, TeamsDataset, type TeamsSandbox } from "../../connectors/sandbox/teams/index.ts";
import { createSlackConnector } from "../../connectors/slack/index.ts";
import { parseFlagSettings } from "../../src/flags/flag-settings.ts";
import { recomputeAfterChange } from "../../src/flags/recompute.ts";
import type { Db } from "../../src/store/db.ts";
import { queryRows } from "../../src/store/rows.ts";
import { createEarlyFlags } from "../../src/sync/early-flags.ts";
import { runSync } from "../../src/sync/engine.ts";
import { settingsFrom } from "../connectors/kit.ts";
import { QUICK_RETRY } from "../connectors/slack/helpers.ts";
import { graphRequests, quickTeams, settingsFor } from "../connectors/teams/helpers.ts";
import { describeEachDatabase, emptyTables } from "../helpers/databases.ts";
import { LINK_CONTEXT } from "../helpers/sync-run.ts";

const DAY = 86_400_000;
const NOW = new Date("2026-03-02T08:00:00.000Z");

/** PROJ-1 is old but talked about last; PROJ-2…PROJ-7 are a day apart; all in progress, quiet for weeks. */
function buildSite(): JiraDataset {
  const data = new JiraDataset({ deployment: "cloud", now: new Date(NOW.getTime() - 80 * DAY).toISOString() })
    .addUser("ana", { displayName: "Ana Lima", email: "ana@acme.dev" })
    .addUser("ben", { displayName: "Ben Okafor", email: "ben@acme.dev" })
    .addProject("PROJ", "Client portal");
  const old = data.addIssue({
    project: "PROJ",
    summary: "Old work",
    reporter: "ana",
    assignee: "ben",
    status: "In Progress",
  });
  data.advance(53 * DAY);
  for (let i = 0; i < 6; i++) {
    data.addIssue({
      project: "PROJ",
      summary: `Work ${i + 2}`,
      reporter: "ana",
      assignee: "ben",
      status: "In Progress",
    });
    data.advance(DAY);
  }
  data.addComment(old.key, { author: "ana", body: "Is this still planned?" });
  return data;
}

const settings = parseFlagSettings(undefined, {}, listSources());
const connector = createJiraConnector({ retry: { baseDelayMs: 5 }, pageSizes: { cloudSearch: 2 } });

/** The open flags, as (task, kind) in order. */
const openFlags = (db: Db) =>
  queryRows<{ task_key: string; kind: string }>(
    db,
    sql`select task_key, kind from flags where resolved_at is null order by task_key, kind`,
  );

/**
 * A backfill that evaluates flags early (as often as it can), telling `onEvaluate` the keys of each evaluation
 * before it runs, and `afterEarlyRun` when it has ended; then, into emptied tables, the same backfill evaluated
 * only at its end. Answers the first run's report and the open flags each run left.
 */
async function backfillEarlyThenAtEnd(
  db: Db,
  sources: () => Parameters<typeof runSync>[0]["sources"],
  onEvaluate: (keys: readonly string[]) => void,
  afterEarlyRun: () => void = () => {},
) {
  const run = (early: boolean) =>
    runSync({
      db,
      sources: sources(),
      mode: "backfill",
      linkContext: LINK_CONTEXT,
      now: () => NOW,
      flagSettings: settings,
      ...(early
        ? {
            earlyFlagsEveryMs: 0,
            evaluateEarly: async (keys: readonly string[]) => {
              onEvaluate(keys);
              await recomputeAfterChange(db, keys, settings, NOW);
            },
          }
        : {}),
    });
  const report = await run(true);
  afterEarlyRun();
  const withEarly = await openFlags(db);
  await emptyTables(db);
  await run(false);
  return { report, withEarly, atEnd: await openFlags(db) };
}

describeEachDatabase("Flags evaluated early in a newest-first backfill", (ctx) => {
  let jira: JiraSandbox;
  let data: JiraDataset;
  beforeAll(async () => {
    data = buildSite();
    jira = await startJiraSandbox(data);
  });
  afterAll(() => jira.close());
  beforeEach(() => emptyTables(ctx.db));

  const source = () => ({
    connector,
    settings: settingsFrom(connector, jiraSandboxEnv(jira, data, ["PROJ"])),
  });

  it("evaluates only tasks created since the frontier, and every task once the scopes are read", async () => {
    // The tasks, saved without flags.
    await runSync({
      db: ctx.db,
      sources: [source()],
      mode: "backfill",
      linkContext: LINK_CONTEXT,
      now: () => NOW,
    });
    const created = new Map(
      (
        await queryRows<{ key: string; created_at: Date | string }>(
          ctx.db,
          sql`select key, created_at from tasks`,
        )
      ).map((r) => [r.key, new Date(r.created_at).getTime()]),
    );
    expect(created.size).toBe(7);
    const calls: string[][] = [];
    const early = createEarlyFlags({
      db: ctx.db,
      sources: ["jira", "slack"],
      everyMs: 0,
      evaluate: async (keys) => {
        calls.push([...keys].sort());
      },
    });
    const settle = async () => {
      for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 5));
    };
    const all = [...created.keys()];
    const frontier = created.get("PROJ-5")!;
    early.scopesListed("jira", ["PROJ"]);
    early.pageSaved("jira", "PROJ", all, new Date(frontier));
    await settle();
    // Slack has not listed its channels: nothing anywhere is known to be complete.
    expect(calls).toEqual([]);
    early.scopesListed("slack", ["C1"]);
    await settle();
    // Its channel has not said how far back it is read.
    expect(calls).toEqual([]);
    early.pageSaved("slack", "C1", [], new Date(frontier - DAY / 2));
    await settle();
    expect(calls).toEqual([all.filter((k) => created.get(k)! >= frontier).sort()]);
    expect(calls[0]).toEqual(["PROJ-5", "PROJ-6", "PROJ-7"]);
    early.scopeEnded("jira", "PROJ");
    await settle();
    // Slack is read back only so far: PROJ-4 (created a day before PROJ-5) still waits.
    expect(calls.flat()).not.toContain("PROJ-4");
    early.scopeEnded("slack", "C1");
    await settle();
    await early.close();
    expect(calls.flat().sort()).toEqual(all.sort());
    expect(early.evaluated).toBe(7);
  });

  it("raises the flags of current work before the backfill ends, and ends where a run without it ends", async () => {
    const evaluatedEarly: string[][] = [];
    const { report, withEarly, atEnd } = await backfillEarlyThenAtEnd(
      ctx.db,
      () => [source()],
      (keys) => evaluatedEarly.push([...keys]),
    );
    expect(report.ok).toBe(true);
    expect(report.flagsEvaluatedEarly).toBeGreaterThan(0);
    // The first evaluation came after the first page (PROJ-1 and PROJ-7): PROJ-1 is older than the frontier.
    expect(evaluatedEarly[0]).not.toContain("PROJ-1");
    expect(withEarly).toEqual(atEnd);
    expect(withEarly.filter((f) => f.kind === "stale").length).toBe(7);
  });
});

/** Twelve pages of a channel's history (50 posts a page), a post every six hours up to five days ago. */
function buildChannel(): TeamsDataset {
  const data = new TeamsDataset({ now: new Date(NOW.getTime() - 155 * DAY).toISOString() })
    .addUser("ana", { displayName: "Ana Lima", mail: "ana@acme.dev" })
    .addUser("ben", { displayName: "Ben Okafor", mail: "ben@acme.dev" })
    .addTeam("portal", "Client portal")
    .addChannel("portal", "dev", "Portal dev");
  for (let i = 0; i < 600; i++) {
    data.advance(DAY / 4);
    const root = data.post("dev", { from: i % 2 ? "ana" : "ben", body: `Notes ${i} on PROJ-${(i % 7) + 1}` });
    if (i % 5 === 0) data.reply(root.id, { from: i % 2 ? "ben" : "ana", body: "Noted." });
  }
  return data;
}

describeEachDatabase("Flags evaluated early in a newest-first backfill with Teams", (ctx) => {
  let jira: JiraSandbox;
  let data: JiraDataset;
  let teams: TeamsSandbox;
  beforeAll(async () => {
    data = buildSite();
    jira = await startJiraSandbox(data);
    teams = await startTeamsSandbox(buildChannel());
  });
  afterAll(async () => {
    await jira.close();
    await teams.close();
  });
  beforeEach(() => emptyTables(ctx.db));

  const sources = () => [
    { connector, settings: settingsFrom(connector, jiraSandboxEnv(jira, data, ["PROJ"])) },
    { connector: quickTeams().connector, settings: settingsFor(teams, ["dev"]) },
  ];
  const listRequests = () => graphRequests(teams, /\/messages\?/).length;

  it("evaluates current work while the channel's older pages are still to come", async () => {
    teams.requests.clear();
    const listedAtEvaluation: number[] = [];
    let listed = 0;
    const { report, withEarly, atEnd } = await backfillEarlyThenAtEnd(
      ctx.db,
      sources,
      () => listedAtEvaluation.push(listRequests()),
      () => {
        listed = listRequests();
      },
    );
    expect(report.ok).toBe(true);
    expect(listed).toBe(12);
    // PROJ-2…PROJ-7 were created 22 to 27 days ago: the channel's second page reads back past them.
    expect(listedAtEvaluation[0]).toBeLessThan(12);
    expect(report.flagsEvaluatedEarly).toBeGreaterThan(0);
    expect(withEarly.length).toBeGreaterThan(0);
    // The same flags as a run that evaluates only at its end.
    expect(withEarly).toEqual(atEnd);
  });
});

/** One page of a channel's history: 100 messages twenty hours apart up to three days ago, each with a thread. */
function buildSlackChannel(): SlackDataset {
  const data = new SlackDataset({ now: new Date(NOW.getTime() - 86 * DAY).toISOString() });
  data.addUser("ana", { realName: "Ana Lima", email: "ana@acme.dev" });
  data.addUser("ben", { realName: "Ben Okafor", email: "ben@acme.dev" });
  data.addChannel("fal-dev", { members: ["ana", "ben"] });
  for (let i = 0; i < 100; i++) {
    data.advance((20 * DAY) / 24);
    const parent = data.post("fal-dev", { by: "ana", text: `Notes ${i} on PROJ-${(i % 7) + 1}` });
    data.reply("fal-dev", parent.ts, { by: "ben", text: "Noted." });
  }
  return data;
}

describeEachDatabase("Flags evaluated early in a newest-first backfill with Slack", (ctx) => {
  let jira: JiraSandbox;
  let data: JiraDataset;
  let slack: SlackSandbox;
  beforeAll(async () => {
    data = buildSite();
    jira = await startJiraSandbox(data);
    slack = await startSlackSandbox(buildSlackChannel());
  });
  afterAll(async () => {
    await jira.close();
    await slack.close();
  });
  beforeEach(() => emptyTables(ctx.db));

  // A page after every request, as the rate limit's pace gives in a real backfill (a page every 5 seconds).
  const slackConnector = createSlackConnector({ retry: QUICK_RETRY, flushRecords: 1 });
  const sources = () => [
    { connector, settings: settingsFrom(connector, jiraSandboxEnv(jira, data, ["PROJ"])) },
    { connector: slackConnector, settings: settingsFrom(slackConnector, slackSandboxEnv(slack)) },
  ];
  const threadRequests = () =>
    slack.requests.entries.filter((e) => e.path.includes("conversations.replies")).length;

  it("evaluates current work while the threads of the channel's one page of history are still to come", async () => {
    slack.requests.clear();
    const threadsReadAtEvaluation: number[] = [];
    let threadsRead = 0;
    const { report, withEarly, atEnd } = await backfillEarlyThenAtEnd(
      ctx.db,
      sources,
      () => threadsReadAtEvaluation.push(threadRequests()),
      () => {
        threadsRead = threadRequests();
      },
    );
    expect(report.ok).toBe(true);
    expect(threadsRead).toBe(100);
    // PROJ-2…PROJ-7 were created 22 to 27 days ago: the threads of the last 30 days are the first 35 read.
    expect(threadsReadAtEvaluation[0]).toBeLessThan(100);
    expect(withEarly.length).toBeGreaterThan(0);
    expect(withEarly).toEqual(atEnd);
  });
});
