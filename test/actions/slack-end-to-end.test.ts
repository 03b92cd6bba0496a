/**
 * Acting on chat flags end to end with the real Slack connector (@slack/web-api against the local Slack
 * server): the workspace syncs into the database, the rules raise the flags, and `runFlagAction` writes a
 * reply in the thread. The next sync brings the reply onto the task's timeline; a nudge answers nothing, so
 * its flag stays open; a chase writes one reply in the shared channel's thread, however often it is sent, also
 * when the blocker was raised by a message in that shared channel.
 */
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, expect, it } from "vitest";
import { listSources } from "../../connectors/registry.ts";
import {
  buildSlackWorkspace,
  type SlackSandbox,
  startSlackSandbox,
} from "../../connectors/sandbox/slack/index.ts";
import { type ActionDeps, DEFAULT_TEMPLATES, runFlagAction } from "../../src/actions/index.ts";
import { parseFlagSettings } from "../../src/flags/flag-settings.ts";
import { recomputeFlags } from "../../src/flags/recompute.ts";
import { queryRows } from "../../src/store/rows.ts";
import { loadTimelineItems } from "../../src/store/task-queries.ts";
import { quickSlack, settingsFor } from "../connectors/slack/helpers.ts";
import { describeEachDatabase, emptyTables } from "../helpers/databases.ts";
import { fixtures } from "../helpers/fixtures.ts";
import { syncOnce } from "../helpers/sync-run.ts";

const LINKS = {
  jiraProjects: ["FAL"],
  jiraSiteUrls: ["https://acme.atlassian.net"],
  githubRepos: ["acme/portal"],
  githubWebUrls: ["https://github.com"],
};
/** Four days after the workspace's story: the questions have waited long enough to be flagged. */
const JUDGED = new Date("2026-02-06T09:00:00Z");
const ana = { by: "ana@acme.dev", email: "ana@acme.dev" };

describeEachDatabase("acting on chat flags through Slack", (ctx) => {
  let slack: SlackSandbox;
  let deps: ActionDeps;
  const flagSettings = parseFlagSettings(undefined, { THREADLINE_TEAM_DOMAINS: "acme.dev" }, listSources());

  beforeEach(async () => {
    await emptyTables(ctx.db);
    slack = await startSlackSandbox(buildSlackWorkspace());
    for (const [key, title] of [
      ["FAL-12", "SSO login"],
      ["FAL-15", "CSV export"],
    ] as const) {
      await fixtures(ctx.db).task({
        key,
        title,
        createdAt: new Date("2026-01-20T09:00:00Z"),
        updatedAt: new Date("2026-02-01T09:00:00Z"),
      });
    }
    deps = {
      db: ctx.db,
      now: () => JUDGED,
      connectors: { slack: quickSlack },
      sourceSettings: { slack: settingsFor(slack) },
      templates: DEFAULT_TEMPLATES,
      flagSettings,
      log: { info: () => {}, error: () => {} },
    };
    await sync("backfill");
  });
  afterEach(() => slack.close());

  async function sync(mode: "backfill" | "sync") {
    const report = await syncOnce(ctx.db, [{ connector: quickSlack, settings: settingsFor(slack) }], {
      mode,
      now: () => JUDGED,
      linkContext: LINKS,
      flagSettings,
    });
    expect(report.sources[0]!.errors).toEqual([]);
  }
  const openFlag = async (kind: string, taskKey: string) =>
    (
      await queryRows<{ id: string; waiting_on: string[]; evidence: string[] }>(
        ctx.db,
        sql`select id, waiting_on, evidence from flags
            where state = 'open' and kind = ${kind} and task_key = ${taskKey}`,
      )
    )[0] ?? null;
  /** The channel and ts of an item id `slack:<channel>:<ts>`. */
  const messageOf = (itemId: string) => {
    const [, channel, ts] = itemId.split(":") as [string, string, string];
    return { channel, ts };
  };
  const channelName = (id: string) =>
    ["fal-dev", "client-acme", "random"].find((name) => slack.data.channel(name).id === id)!;
  const botReplies = (channel: string, rootTs: string) =>
    slack.data.message(channel, rootTs).replies.filter((r) => !r.deleted && r.user === slack.data.bot.id);

  it("nudges on an unanswered question with a reply in its thread mentioning whom it waits on; the reply reaches the timeline and the flag stays", async () => {
    // Ben owns the task, so the client's question waits on him.
    await ctx.db.execute(
      sql`update tasks set assignee_id = (select id from people where email = 'ben@acme.dev') where key = 'FAL-15'`,
    );
    await recomputeFlags(ctx.db, { now: JUDGED, settings: flagSettings, taskKeys: ["FAL-15"] });
    const flag = await openFlag("unanswered_question", "FAL-15");
    expect(flag).not.toBeNull();
    const question = await queryRows<{ id: string; thread_id: string | null; text: string }>(
      ctx.db,
      sql`select id, thread_id, text from items where id = ${flag!.evidence.at(-1)!}`,
    );
    expect(question[0]!.text).toContain("could you send the export format for FAL-15");
    const root = messageOf(`slack:${question[0]!.thread_id ?? question[0]!.id.slice("slack:".length)}`);
    const channel = channelName(root.channel);
    expect(channel).toBe("client-acme");

    const outcome = await runFlagAction(deps, {
      flagId: flag!.id,
      action: "nudge",
      idempotencyKey: "nudge-fal-15",
      caller: ana,
    });
    expect(outcome).toMatchObject({ state: "done", by: "ana@acme.dev", error: null });
    const [written] = outcome.results;

    const replies = botReplies(channel, root.ts);
    expect(replies).toHaveLength(1);
    const ben = slack.data.user("ben").id;
    expect(outcome.writes[0]!.people).toMatchObject([{ source: "slack", externalId: ben }]);
    expect(replies[0]!.text).toMatch(new RegExp(`^<@${ben}> a reminder about Dana`));
    expect(replies[0]!.text).toContain("export format for FAL-15");
    expect(written!.externalId).toBe(`${root.channel}:${replies[0]!.ts}`);

    await sync("sync");
    const onTimeline = (await loadTimelineItems(ctx.db, "FAL-15", null)).find(
      (i) => i.id === `slack:${written!.externalId}`,
    );
    expect(onTimeline).toMatchObject({ source: "slack", url: written!.url });
    expect(onTimeline!.text).toContain("a reminder about");
    expect((await openFlag("unanswered_question", "FAL-15"))?.id).toBe(flag!.id);
  });

  it("chases the outside party blocking a task with one reply in the shared channel's thread, however often it is sent", async () => {
    const flag = await openFlag("blocked_external", "FAL-15");
    expect(flag).not.toBeNull();
    const request = {
      flagId: flag!.id,
      action: "chase" as const,
      idempotencyKey: "chase-fal-15",
      caller: ana,
    };
    const [a, b] = await Promise.all([runFlagAction(deps, request), runFlagAction(deps, request)]);
    expect(a.id).toBe(b.id);
    const done = await runFlagAction(deps, request);
    expect(done).toMatchObject({ state: "done", by: "ana@acme.dev" });

    const dana = slack.data.user("dana").id;
    const written = done.results[0]!;
    const [channelId, ts] = written.externalId!.split(":") as [string, string];
    expect(channelName(channelId)).toBe("client-acme");
    const allBot = ["fal-dev", "client-acme", "random"].flatMap((name) => slack.data.botMessages(name));
    expect(allBot.map((m) => m.ts)).toEqual([ts]);
    expect(allBot[0]!.text).toMatch(new RegExp(`^<@${dana}> Hello, following up on CSV export`));
    // A reply in a thread, not a new message in the channel.
    expect(allBot[0]!.threadTs).not.toBeNull();

    await sync("sync");
    const onTimeline = (await loadTimelineItems(ctx.db, "FAL-15", null)).filter(
      (i) => i.id === `slack:${written.externalId}`,
    );
    expect(onTimeline).toHaveLength(1);
  });

  it("chases on a blocker raised in the shared channel itself with one reply in that thread, mentioning the client", async () => {
    await fixtures(ctx.db).task({
      key: "FAL-16",
      title: "ERP test orders",
      createdAt: new Date("2026-01-20T09:00:00Z"),
      updatedAt: new Date("2026-02-01T09:00:00Z"),
    });
    const dana = slack.data.user("dana").id;
    slack.data.advance(3_600_000);
    const asked = slack.data.post("client-acme", {
      by: "ben",
      text: `<@${dana}> for FAL-16 we are still waiting on the sandbox credentials and test orders from your IT before we can start.`,
    });
    slack.data.advance(3_600_000);
    slack.data.reply("client-acme", asked.ts, { by: "dana", text: "Asking IT, should be this week." });
    await sync("sync");
    const flag = await openFlag("blocked_external", "FAL-16");
    expect(flag).not.toBeNull();
    const channel = slack.data.channel("client-acme").id;
    expect(flag!.evidence).toContain(`slack:${channel}:${asked.ts}`);

    const outcome = await runFlagAction(deps, {
      flagId: flag!.id,
      action: "chase",
      idempotencyKey: "chase-fal-16",
      caller: ana,
    });
    expect(outcome).toMatchObject({ state: "done", by: "ana@acme.dev" });
    const bot = slack.data
      .liveReplies(slack.data.message("client-acme", asked.ts))
      .filter((r) => r.user === slack.data.bot.id);
    expect(bot).toHaveLength(1);
    expect(bot[0]!.text).toMatch(new RegExp(`^<@${dana}> Hello, following up on ERP test orders`));
    expect(["fal-dev", "client-acme", "random"].flatMap((name) => slack.data.botMessages(name))).toHaveLength(
      1,
    );
    expect(outcome.results[0]!.externalId).toBe(`${channel}:${bot[0]!.ts}`);

    await sync("sync");
    expect(
      (await loadTimelineItems(ctx.db, "FAL-16", null)).filter(
        (i) => i.id === `slack:${channel}:${bot[0]!.ts}`,
      ),
    ).toHaveLength(1);
  });
});
