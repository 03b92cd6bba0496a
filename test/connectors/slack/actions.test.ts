/**
 * Writing back to Slack through the real @slack/web-api against the sandbox: a reply in the thread of the
 * item a flag is about, read back by the next sync as an item of that thread; the action id in the message's
 * metadata, so a second attempt finds the first instead of posting again (also when the answer to the first
 * was a 5xx after Slack saved it); the token's scopes and the channel membership the write needs.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  buildSlackWorkspace,
  type SlackSandbox,
  startSlackSandbox,
} from "../../../connectors/sandbox/slack/index.ts";
import type { SlackSettings } from "../../../connectors/slack/index.ts";
import type { ItemMeta, WritePerson, WriteRequest, WriteTarget } from "../../../connectors/types.ts";
import { ConnectorError } from "../../../connectors/types.ts";
import type { Db } from "../../../src/store/db.ts";
import { queryRows } from "../../../src/store/rows.ts";
import { describeEachDatabase } from "../../helpers/databases.ts";
import { syncOnce } from "../../helpers/sync-run.ts";
import { quickSlack, settingsFor } from "./helpers.ts";

const LINKS = {
  jiraProjects: ["FAL"],
  jiraSiteUrls: ["https://acme.atlassian.net"],
  githubRepos: ["acme/portal"],
  githubWebUrls: ["https://github.com"],
};

interface ItemRow {
  external_id: string;
  scope: string;
  thread_id: string | null;
  url: string | null;
  text: string;
  meta: ItemMeta;
}

const actions = quickSlack.actions!;

async function sync(db: Db, slack: SlackSandbox, mode: "backfill" | "sync") {
  const report = await syncOnce(db, [{ connector: quickSlack, settings: settingsFor(slack) }], {
    mode,
    linkContext: LINKS,
  });
  expect(report.sources[0]!.errors).toEqual([]);
}

const itemWhere = async (db: Db, where: { prefix?: string; externalId?: string }) => {
  const rows = await queryRows<ItemRow>(
    db,
    sql`select external_id, meta->>'channel' as scope, thread_id, url, text, meta
        from items where source = 'slack' order by external_id`,
  );
  return rows.find((r) =>
    where.externalId ? r.external_id === where.externalId : r.text.startsWith(where.prefix ?? ""),
  );
};

/** The target of a reply to the item as the store holds it. */
async function replyTo(db: Db, prefix: string): Promise<WriteTarget> {
  const row = await itemWhere(db, { prefix });
  if (!row) throw new Error(`no item "${prefix}"`);
  return {
    taskKey: "FAL-12",
    item: {
      externalId: row.external_id,
      scope: row.scope,
      threadId: row.thread_id,
      url: row.url,
      meta: row.meta,
    },
  };
}

let actionCount = 0;
function request(
  settings: SlackSettings,
  target: WriteTarget,
  people: WritePerson[],
  text: string,
  actionId = `act-${++actionCount}`,
): WriteRequest<SlackSettings> {
  return { settings, actionId, kind: "reply", target, text, people, signal: new AbortController().signal };
}

describeEachDatabase("Slack write-back", (ctx) => {
  let slack: SlackSandbox;
  let settings: SlackSettings;
  beforeAll(async () => {
    slack = await startSlackSandbox(buildSlackWorkspace());
    settings = settingsFor(slack);
    await sync(ctx.db, slack, "backfill");
  });
  afterAll(() => slack.close());

  const ben = (): WritePerson => ({
    source: "slack",
    externalId: slack.data.user("ben").id,
    name: "@Ben Okafor",
  });
  const thread = (channel: string, ts: string) =>
    slack.data.message(channel, ts).replies.filter((r) => !r.deleted);

  it("replies in the thread of a reply, mentioning the people, and the next sync reads it as an item of that thread", async () => {
    const target = await replyTo(ctx.db, "Great. Can we merge it today?");
    const [channelId, parentTs] = target.item!.threadId!.split(":") as [string, string];
    const result = await actions.write(
      request(
        settings,
        target,
        [ben()],
        "Ana's question above is still open: can we merge <today> & deploy?",
      ),
    );

    const written = thread("fal-dev", parentTs).at(-1)!;
    expect(written.user).toBe(slack.data.bot.id);
    expect(written.text).toBe(
      `<@${slack.data.user("ben").id}> Ana's question above is still open: can we merge &lt;today&gt; &amp; deploy?`,
    );
    expect(written.metadata).toEqual({
      event_type: "threadline_action",
      event_payload: { action_id: `act-${actionCount}` },
    });
    expect(result.externalId).toBe(`${channelId}:${written.ts}`);
    expect(result.url).toBe(
      `https://acme.slack.com/archives/${channelId}/p${written.ts.replace(".", "")}?thread_ts=${parentTs}&cid=${channelId}`,
    );

    await sync(ctx.db, slack, "sync");
    const item = await itemWhere(ctx.db, { externalId: result.externalId! });
    expect(item).toMatchObject({
      thread_id: `${channelId}:${parentTs}`,
      text: "@Ben Ana's question above is still open: can we merge <today> & deploy?",
      url: result.url,
    });
    expect(item!.meta).toMatchObject({
      isBot: true,
      botName: "Threadline",
      mentions: [slack.data.user("ben").id],
    });
  });

  it("replies to a message nobody answered by starting its thread", async () => {
    const target = await replyTo(ctx.db, "Could you confirm the staging URL");
    const ts = target.item!.externalId.split(":")[1]!;
    const dana: WritePerson = {
      source: "slack",
      externalId: slack.data.user("dana").id,
      name: "Dana Whitfield",
    };
    const result = await actions.write(request(settings, target, [dana], "Following up on this one."));
    expect(thread("client-acme", ts).map((r) => r.text)).toEqual([
      `<@${slack.data.user("dana").id}> Following up on this one.`,
    ]);
    await sync(ctx.db, slack, "sync");
    expect(await itemWhere(ctx.db, { externalId: result.externalId! })).toMatchObject({
      thread_id: target.item!.externalId,
    });
  });

  it("finds the message an action already wrote, so writing it again is never needed", async () => {
    const target = await replyTo(ctx.db, "Has anyone looked at the flaky checkout test?");
    const ts = target.item!.externalId.split(":")[1]!;
    const first = request(settings, target, [], "Is this still flaky?");
    expect(await actions.find(first)).toBeNull();
    const result = await actions.write(first);
    expect(await actions.find(first)).toEqual(result);
    // Another action in the same thread is not mistaken for it.
    expect(await actions.find({ ...first, actionId: "another-action" })).toBeNull();
    expect(thread("fal-dev", ts).filter((r) => r.user === slack.data.bot.id)).toHaveLength(1);
  });

  it("a 5xx or internal_error after Slack saved the message: the write fails as retryable, find sees the message, one message in all", async () => {
    const target = await replyTo(ctx.db, "Lunch at 12:30?");
    const ts = target.item!.externalId.split(":")[1]!;
    for (const as of [500, "internal_error"] as const) {
      const attempt = request(settings, target, [], `Who is in? (${as})`);
      slack.control.failNextWrite = { when: "after", as };
      slack.requests.clear();
      const failure = await actions.write(attempt).catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(ConnectorError);
      expect((failure as ConnectorError).retryable).toBe(true);
      // The SDK did not post again on its own.
      expect(slack.requests.count({ path: /chat\.postMessage/ })).toBe(1);
      // The action's retry asks first, and finds it.
      const found = await actions.find(attempt);
      const mine = thread("random", ts).filter((r) => r.text === `Who is in? (${as})`);
      expect(mine).toHaveLength(1);
      expect(found?.externalId).toBe(`${slack.data.channel("random").id}:${mine[0]!.ts}`);
    }
  });

  it("a 5xx before saving: nothing to find, and the retry writes the one message", async () => {
    const target = await replyTo(ctx.db, "Lunch at 12:30?");
    const ts = target.item!.externalId.split(":")[1]!;
    const attempt = request(settings, target, [], "Pizza again?");
    slack.control.failNextWrite = { when: "before", as: 503 };
    await expect(actions.write(attempt)).rejects.toMatchObject({ kind: "transient" });
    expect(await actions.find(attempt)).toBeNull();
    await actions.write(attempt);
    expect(thread("random", ts).filter((r) => r.text === "Pizza again?")).toHaveLength(1);
  });

  it("says which account writes, and names chat:write when the token lacks it", async () => {
    const signal = new AbortController().signal;
    expect(await actions.access({ settings, signal })).toEqual({
      reply: { allowed: true, account: "threadline" },
    });
    slack.data.scopes.delete("chat:write");
    try {
      expect(await actions.access({ settings, signal })).toEqual({
        reply: { allowed: false, needs: "chat:write" },
      });
      const target = await replyTo(ctx.db, "Lunch at 12:30?");
      await expect(actions.write(request(settings, target, [], "Anyone?"))).rejects.toMatchObject({
        kind: "forbidden",
        message: expect.stringContaining("chat:write"),
      });
    } finally {
      slack.data.scopes.add("chat:write");
    }
  });

  it("a channel the app is not in fails at once with not_in_channel and what to do", async () => {
    slack.data.addChannel("ops", { members: ["ana"], withoutBot: true });
    const posted = slack.data.post("ops", { by: "ana", text: "Who owns the pager this week?" });
    const channel = slack.data.channel("ops").id;
    const target: WriteTarget = {
      taskKey: "FAL-12",
      item: {
        externalId: `${channel}:${posted.ts}`,
        scope: channel,
        threadId: `${channel}:${posted.ts}`,
        url: null,
        meta: {},
      },
    };
    slack.requests.clear();
    await expect(actions.write(request(settings, target, [], "Nudge"))).rejects.toMatchObject({
      kind: "forbidden",
      retryable: false,
      message: expect.stringMatching(/not_in_channel.*\/invite/),
    });
    expect(slack.requests.count({ path: /chat\.postMessage/ })).toBe(1);
    expect(slack.data.message("ops", posted.ts).replies).toEqual([]);
  });
});
