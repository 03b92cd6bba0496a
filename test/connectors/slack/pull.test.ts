/**
 * The Slack connector's pull against the sandbox, over HTTP through @slack/web-api, without the engine: the
 * requests it makes, what it yields, its cursor, and the limited-app pace (resuming, 401/403/429/5xx are
 * the contract suite's, in ../contract/).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addMalformedMessages,
  addSlackConnectChannel,
  buildBulkSlackDataset,
  buildSlackWorkspace,
  LIMITED_APP,
  SlackDataset,
  type SlackSandbox,
  startSlackSandbox,
} from "../../../connectors/sandbox/slack/index.ts";
import { createSlackConnector } from "../../../connectors/slack/index.ts";
import { SLACK_PAGE_SIZES } from "../../../connectors/slack/pull.ts";
import type { PulledPage } from "../../../connectors/types.ts";
import { deletionsOf, pullAll, recordingReporter } from "../kit.ts";
import { itemsOf, QUICK_RETRY, quickSlack, recordingLog, settingsFor } from "./helpers.ts";

const idsOf = (pages: PulledPage[]) => itemsOf(pages).map((i) => i.externalId);
const sorted = (list: string[]) => [...new Set(list)].sort();

/** What a full read of a channel must find: every message a person or app said, replies included. */
function expectedIds(data: SlackDataset, channel: string): string[] {
  const c = data.channel(channel);
  const ids: string[] = [];
  for (const m of c.byTs.values()) {
    if (m.deleted || m.omit.includes("ts") || m.omit.includes("user")) continue;
    if (m.subtype === "channel_join" || m.subtype === "poll_vote") continue;
    ids.push(`${c.id}:${m.ts}`);
  }
  return ids.sort();
}

describe("Slack pull", () => {
  let slack: SlackSandbox;
  beforeAll(async () => {
    slack = await startSlackSandbox(buildSlackWorkspace());
  });
  afterAll(() => slack.close());

  it("backfills every message, reply and person with the fewest requests the page sizes allow", async () => {
    slack.requests.clear();
    const channel = slack.data.channel("fal-dev");
    const { pages, report } = await pullAll(quickSlack, settingsFor(slack), channel.id);
    expect(sorted(idsOf(pages))).toEqual(expectedIds(slack.data, "fal-dev"));
    expect(idsOf(pages)).toHaveLength(11);
    // One history page, one replies page a thread: the minimum. Then once a run: the channel's name,
    // the workspace's address and the people.
    expect(slack.requests.count({ path: /conversations\.history/ })).toBe(1);
    expect(slack.requests.count({ path: /conversations\.replies/ })).toBe(3);
    expect(slack.requests.count({ path: /conversations\.info|auth\.test|users\.list/ })).toBe(3);
    expect(report.requestCount).toBe(slack.requests.entries.length);
    expect(report.estimates.at(-1)).toBe(11);

    const items = itemsOf(pages);
    const byText = (text: string) => items.find((i) => i.text.startsWith(text))!;
    const pr = byText("PR for FAL-12");
    expect(pr).toMatchObject({
      kind: "chat_message",
      author: { source: "slack", externalId: slack.data.user("ben").id },
      text: "PR for FAL-12 is up: https://github.com/acme/portal/pull/42",
      url: `https://acme.slack.com/archives/${channel.id}/p${pr.externalId.split(":")[1]!.replace(".", "")}`,
      threadId: pr.externalId,
      meta: { reactions: [{ name: "+1", count: 1 }], replyCount: 3, channelName: "fal-dev" },
    });
    const merged = byText("Merged");
    expect(merged.threadId).toBe(pr.externalId);
    expect(merged.url).toMatch(/\?thread_ts=\d+\.\d+&cid=C/);
    expect(merged.meta.reactions).toEqual([
      { name: "white_check_mark", count: 1, users: [slack.data.user("ana").id] },
    ]);
    expect(byText("@Ben is FAL-15").meta.mentions).toEqual([slack.data.user("ben").id]);
    expect(byText("Deployed").text).toBe(
      "Deployed acme/portal#42 (https://github.com/acme/portal/pull/42) to production for @Ben",
    );
    const people = pages.flatMap((p) => p.records).flatMap((r) => quickSlack.map(r).identities ?? []);
    expect(people.find((p) => p.externalId === slack.data.user("ana").id)).toMatchObject({
      displayName: "Ana Lima",
      email: "ana@acme.dev",
      isGuest: false,
    });
  });

  it("reads the guest client's messages and marks the guest outside the team", async () => {
    const { pages } = await pullAll(quickSlack, settingsFor(slack), slack.data.channel("client-acme").id);
    const dana = pages
      .flatMap((p) => p.records)
      .flatMap((r) => quickSlack.map(r).identities ?? [])
      .find((i) => i.email === "dana@client.example");
    expect(dana).toMatchObject({ isGuest: true, displayName: "Dana Whitfield" });
    const texts = itemsOf(pages).map((i) => i.text);
    expect(texts).toContain(
      "Hi team, SSO login still fails for our EU users & we have a demo on Thursday. Is there an ETA?",
    );
    // The reply also sent to the channel is read once.
    expect(texts.filter((t) => t.startsWith("Also: could you send"))).toHaveLength(1);
  });

  it("asks once a channel in an incremental pass with nothing new, and yields nothing", async () => {
    const settings = settingsFor(slack);
    for (const name of ["fal-dev", "client-acme", "random"]) {
      const id = slack.data.channel(name).id;
      const first = await pullAll(quickSlack, settings, id);
      slack.requests.clear();
      const again = await pullAll(quickSlack, settings, id, { mode: "sync", cursors: first.cursors });
      expect(again.pages.flatMap((p) => p.records)).toEqual([]);
      expect(deletionsOf(again.pages)).toEqual([]);
      expect(again.cursors).toEqual(first.cursors);
      expect(slack.requests.entries.map((e) => e.path)).toEqual(["/api/conversations.history"]);
    }
  });

  it("brings new messages, edits, reactions, new replies and deletions in an incremental pass", async () => {
    const data = buildSlackWorkspace();
    const local = await startSlackSandbox(data);
    try {
      const settings = settingsFor(local);
      const channel = data.channel("fal-dev");
      const first = await pullAll(quickSlack, settings, channel.id);
      const items = itemsOf(first.pages);
      const find = (prefix: string) =>
        items.find((i) => i.text.startsWith(prefix))!.externalId.split(":")[1]!;
      data.advance(3_600_000);
      const kickoff = find("Kicking off");
      data.edit("fal-dev", kickoff, "Kicking off the sprint: FAL-12 first, then FAL-15 and FAL-16", {
        by: "ana",
      });
      data.react("fal-dev", find("Has anyone looked"), "eyes", "ben");
      const newReply = data.reply("fal-dev", find("PR for FAL-12"), {
        by: "cleo",
        text: "Verified in production",
      });
      const blocked = find("@Ben is FAL-15");
      const blockedReply = channel.byTs.get(blocked)!.replies[0]!;
      data.delete("fal-dev", blockedReply.ts);
      const github = find("Pull request opened");
      data.delete("fal-dev", github);
      const fresh = data.post("fal-dev", { by: "ben", text: "FAL-16 estimate: 3 days" });
      local.requests.clear();

      const next = await pullAll(quickSlack, settings, channel.id, { mode: "sync", cursors: first.cursors });
      const changed = itemsOf(next.pages);
      const text = (ts: string) => changed.find((i) => i.externalId === `${channel.id}:${ts}`);
      expect(text(kickoff)).toMatchObject({
        text: "Kicking off the sprint: FAL-12 first, then FAL-15 and FAL-16",
        editedAt: expect.any(Date),
      });
      expect(text(find("Has anyone looked"))!.meta.reactions).toEqual([
        { name: "eyes", count: 1, users: [data.user("ben").id] },
      ]);
      expect(text(newReply.ts)).toMatchObject({ text: "Verified in production" });
      expect(text(fresh.ts)).toMatchObject({ text: "FAL-16 estimate: 3 days" });
      expect(sorted(deletionsOf(next.pages).map((d) => d.externalId))).toEqual(
        sorted([`${channel.id}:${blockedReply.ts}`, `${channel.id}:${github}`]),
      );
      // Nothing that did not change comes again.
      expect(changed.map((i) => i.externalId).sort()).toEqual(
        sorted([
          kickoff,
          find("Has anyone looked"),
          find("PR for FAL-12"),
          newReply.ts,
          blocked,
          fresh.ts,
        ]).map((ts) => `${channel.id}:${ts}`),
      );
      // One history page, the two threads that moved (PR for FAL-12 and the one that lost its reply).
      expect(local.requests.count({ path: /conversations\.history/ })).toBe(1);
      expect(local.requests.count({ path: /conversations\.replies/ })).toBe(2);
    } finally {
      await local.close();
    }
  });

  it("sees only new messages with SLACK_RESCAN_DAYS=0: edits of older ones wait for the webhook", async () => {
    const data = buildSlackWorkspace();
    const local = await startSlackSandbox(data);
    try {
      const settings = settingsFor(local, { extra: { SLACK_RESCAN_DAYS: "0" } });
      const channel = data.channel("random");
      const first = await pullAll(quickSlack, settings, channel.id);
      const lunch = channel.messages[0]!;
      data.advance(60_000);
      data.edit("random", lunch.ts, "Lunch at 13:00?", { by: "ana" });
      const fresh = data.post("random", { by: "ben", text: "Coffee?" });
      const next = await pullAll(quickSlack, settings, channel.id, { mode: "sync", cursors: first.cursors });
      expect(idsOf(next.pages)).toEqual([`${channel.id}:${fresh.ts}`]);
    } finally {
      await local.close();
    }
  });

  it("stays correct at whatever page size the API gives", async () => {
    const data = buildSlackWorkspace();
    const local = await startSlackSandbox(data, { limited: { ...LIMITED_APP, windowMs: 0, pageMax: 1 } });
    try {
      const settings = settingsFor(local);
      for (const name of ["fal-dev", "client-acme"]) {
        const { pages } = await pullAll(quickSlack, settings, data.channel(name).id);
        expect(sorted(idsOf(pages))).toEqual(expectedIds(data, name));
      }
    } finally {
      await local.close();
    }
  });
});

describe("Slack pull: how far back a backfill has read", () => {
  it("says how far back it has read while it reads the threads of a page of history, newest first", async () => {
    const data = new SlackDataset({ now: "2026-01-05T09:00:00Z" });
    data.addUser("ana", { realName: "Ana Lima" });
    data.addChannel("fal-dev", { members: ["ana"] });
    const parents: string[] = [];
    for (let i = 0; i < 30; i++) {
      data.advance(3_600_000);
      const parent = data.post("fal-dev", { by: "ana", text: `Note ${i}` });
      if (i % 3 === 0) parents.push(parent.ts);
    }
    for (const ts of parents) {
      data.advance(60_000);
      data.reply("fal-dev", ts, { by: "ana", text: `Reply to ${ts}` });
    }
    const local = await startSlackSandbox(data);
    try {
      // A page after every step: one history page of all 30, then the ten threads one by one.
      const connector = createSlackConnector({ retry: QUICK_RETRY, flushRecords: 1 });
      const channel = data.channel("fal-dev");
      const { pages } = await pullAll(connector, settingsFor(local), channel.id);
      expect(sorted(idsOf(pages))).toEqual(expectedIds(data, "fal-dev"));
      const said = pages.flatMap((p, i) => (p.readBackTo ? [{ i, at: Date.parse(p.readBackTo) }] : []));
      // Said with the history page and after each thread but the last (the channel is then read to its end).
      expect(said.length).toBeGreaterThanOrEqual(parents.length);
      expect(said.map((s) => s.at)).toEqual(said.map((s) => s.at).sort((a, b) => b - a));
      const secondsOfTs = (ts: string) => Number(ts) * 1000;
      for (const { i, at } of said) {
        const read = new Set(idsOf(pages.slice(0, i + 1)));
        // Every message of a thread (or a lone message) posted at or after `at`, replies included.
        const due = [...channel.byTs.values()].filter(
          (m) => secondsOfTs(m.threadTs ?? m.ts) >= at && m.subtype !== "channel_join",
        );
        expect(due.map((m) => `${channel.id}:${m.ts}`).filter((id) => !read.has(id))).toEqual([]);
      }
      // The newest thread's parent is read with its replies after the first thread page, the oldest last.
      expect(said.at(-1)!.at).toBeLessThanOrEqual(secondsOfTs(parents[0]!) + 1);
    } finally {
      await local.close();
    }
  });
});

describe("Slack pull: errors and the limited-app pace", () => {
  let slack: SlackSandbox;
  beforeAll(async () => {
    slack = await startSlackSandbox(buildSlackWorkspace());
  });
  afterAll(() => slack.close());

  it("reports a channel that is not there as not found, naming SLACK_CHANNELS", async () => {
    await expect(pullAll(quickSlack, settingsFor(slack), "C0GONE0000")).rejects.toMatchObject({
      kind: "not_found",
      message: expect.stringMatching(/SLACK_CHANNELS/),
    });
  });

  it("reads a limited app's workspace completely at 15 a page and one request a second, with waits and an estimate", async () => {
    const data = buildSlackWorkspace();
    for (let i = 0; i < 40; i++) {
      data.advance(60_000);
      data.post("fal-dev", {
        by: i % 2 ? "ana" : "ben",
        text: `Standup note ${i + 1} for FAL-${20 + (i % 3)}`,
      });
    }
    const long = data.post("fal-dev", { by: "cleo", text: "Release checklist for FAL-12" });
    for (let i = 0; i < 20; i++)
      data.reply("fal-dev", long.ts, { by: i % 2 ? "ben" : "ana", text: `Item ${i + 1} done` });
    const clean = await startSlackSandbox(data);
    const limited = await startSlackSandbox(data, { limited: { ...LIMITED_APP, windowMs: 1000 } });
    try {
      const channel = data.channel("fal-dev").id;
      const reference = await pullAll(quickSlack, settingsFor(clean), channel);
      const report = recordingReporter();
      const { pages } = await pullAll(quickSlack, settingsFor(limited), channel, { report });
      expect(sorted(idsOf(pages))).toEqual(sorted(idsOf(reference.pages)));
      expect(sorted(idsOf(pages))).toEqual(expectedIds(data, "fal-dev"));
      // 48 top-level messages at 15 a page; the long thread's 21 messages at 15 a page.
      expect(limited.requests.count({ path: /conversations\.history/, status: 200 })).toBe(4);
      expect(limited.requests.count({ path: /conversations\.replies/, status: 200 })).toBe(3 + 2);
      expect(limited.requests.count({ status: 429 })).toBeGreaterThan(0);
      expect(report.waits.filter((w) => w !== null).length).toBeGreaterThan(0);
      expect(report.waits.at(-1)).toBeNull();
      // The estimate follows what was read: never below what came, exact at the end.
      const total = idsOf(pages).length;
      expect(report.estimates.at(-1)).toBe(total);
      expect(report.estimates[0]!).toBeGreaterThan(0);
    } finally {
      await Promise.all([clean.close(), limited.close()]);
    }
  }, 30_000);
});

describe("Slack pull and what it cannot read", () => {
  it("skips malformed messages with a logged reason and loses nothing else", async () => {
    const data = buildSlackWorkspace();
    const { unknownBlock } = addMalformedMessages(data, "fal-dev", "cleo");
    const slack = await startSlackSandbox(data);
    try {
      const log = recordingLog();
      const connector = createSlackConnector({ retry: QUICK_RETRY, log });
      const channel = data.channel("fal-dev").id;
      const { pages } = await pullAll(connector, settingsFor(slack), channel);
      expect(sorted(idsOf(pages))).toEqual(expectedIds(data, "fal-dev"));
      expect(itemsOf(pages).find((i) => i.externalId === `${channel}:${unknownBlock}`)).toMatchObject({
        text: "Status board updated for the release",
      });
      const warnings = log.lines.filter((l) => l.level === "warn");
      expect(
        warnings.map((w) => [w.msg, Reflect.get(w.obj, "reason") ?? Reflect.get(w.obj, "blockTypes")]),
      ).toEqual(
        expect.arrayContaining([
          ["blocks of these types were not read; the message's text was kept", ["mystery_widget"]],
          ["message skipped", "no user and no bot_id: nobody to attribute it to"],
          ["message skipped", "subtype poll_vote is not one Threadline reads"],
          ["message skipped", "unreadable message: ts Invalid input: expected string, received undefined"],
        ]),
      );
      expect(warnings).toHaveLength(4);
    } finally {
      await slack.close();
    }
  });
});

describe("Slack pull of a Slack Connect channel", () => {
  const identitiesOf = (pages: PulledPage[]) =>
    pages.flatMap((p) => p.records).flatMap((r) => quickSlack.map(r).identities ?? []);

  it("marks the other organisation's members outside the team, one users.info each a run", async () => {
    const data = buildSlackWorkspace();
    addSlackConnectChannel(data);
    const slack = await startSlackSandbox(data);
    try {
      const channel = data.channel("globex-connect").id;
      const first = await pullAll(quickSlack, settingsFor(slack), channel);
      const pages = first.pages;
      const people = identitiesOf(pages);
      const person = (key: string) => people.find((p) => p.externalId === data.user(key).id);
      // Gil: is_stranger and Globex's team id; Hana: Globex's team id only.
      expect(person("gil")).toMatchObject({ displayName: "Gil Moreau", isGuest: true, email: null });
      expect(person("hana")).toMatchObject({ isGuest: true, email: "hana@globex.example" });
      expect(person("ana")).toMatchObject({ isGuest: false });
      expect(itemsOf(pages).find((i) => i.text.startsWith("Is FAL-12"))).toMatchObject({
        author: { source: "slack", externalId: data.user("gil").id },
      });
      // users.list does not have them: one users.info each, and auth.test once, as for any run.
      expect(slack.requests.count({ path: /users\.info/ })).toBe(2);
      expect(slack.requests.count({ path: /auth\.test/ })).toBe(1);

      // A sync pass with something new asks auth.test no more: the cursor remembers the workspace.
      data.advance(60_000);
      data.post("globex-connect", { by: "gil", text: "Any news on this?" });
      slack.requests.clear();
      const again = await pullAll(quickSlack, settingsFor(slack), channel, {
        mode: "sync",
        cursors: first.cursors,
      });
      expect(identitiesOf(again.pages).find((p) => p.externalId === data.user("gil").id)).toMatchObject({
        isGuest: true,
      });
      expect(slack.requests.count({ path: /auth\.test/ })).toBe(0);
    } finally {
      await slack.close();
    }
  });

  it("knows a Slack Connect author is outside from the message's user_team when people cannot be read", async () => {
    const data = buildSlackWorkspace();
    addSlackConnectChannel(data);
    data.scopes.delete("users:read");
    const slack = await startSlackSandbox(data);
    try {
      const channel = data.channel("globex-connect").id;
      const { pages } = await pullAll(quickSlack, settingsFor(slack), channel);
      const people = identitiesOf(pages);
      expect(people.find((p) => p.externalId === data.user("gil").id)).toMatchObject({
        displayName: "Gil Moreau",
        isGuest: true,
      });
      expect(people.find((p) => p.externalId === data.user("ana").id)).toMatchObject({ isGuest: false });
      expect(slack.requests.count({ path: /users\.info/ })).toBe(0);
    } finally {
      await slack.close();
    }
  });
});

describe("Slack pull without some scopes", () => {
  it("reads messages without users:read (authors by id) and without channels:read (no channel name, admins only)", async () => {
    const data = buildSlackWorkspace();
    data.scopes.delete("users:read");
    data.scopes.delete("channels:read");
    const slack = await startSlackSandbox(data);
    try {
      const log = recordingLog();
      const connector = createSlackConnector({ retry: QUICK_RETRY, log });
      const channel = data.channel("random").id;
      const { pages } = await pullAll(connector, settingsFor(slack, { channels: ["random"] }), channel);
      const [lunch] = itemsOf(pages);
      expect(lunch).toMatchObject({
        text: "Lunch at 12:30? :pizza:",
        author: { externalId: data.user("ana").id },
      });
      expect(lunch!.meta.channelName).toBeUndefined();
      // Whether the channel is private is unknown too: its messages show to admins only.
      expect(lunch!.audience).toEqual([]);
      expect(pages.flatMap((p) => p.records).filter((r) => r.type === "user")).toEqual([]);
      expect(log.lines.filter((l) => l.level === "warn").map((l) => l.msg)).toEqual([
        "channel name not read",
        "who may read the channel is unknown: its messages show to admins only (grant channels:read and groups:read)",
        "people not read: messages keep their authors' ids only",
      ]);
    } finally {
      await slack.close();
    }
  });
});

describe("Slack scopes", () => {
  it("lists the channels the app is a member of, or those of SLACK_CHANNELS", async () => {
    const slack = await startSlackSandbox(buildSlackWorkspace());
    try {
      const request = { signal: new AbortController().signal, report: recordingReporter() };
      const ids = await quickSlack.listScopes(settingsFor(slack), request);
      expect(ids.sort()).toEqual(
        ["fal-dev", "client-acme", "random"].map((n) => slack.data.channel(n).id).sort(),
      );
      const only = await quickSlack.listScopes(settingsFor(slack, { channels: ["random"] }), request);
      expect(only).toEqual([slack.data.channel("random").id]);
    } finally {
      await slack.close();
    }
  });
});

describe("Slack request efficiency", () => {
  it("backfills 6,000 messages with threads within the minimum of requests plus one a channel and two a run", async () => {
    const data = buildBulkSlackDataset({ messages: 6000, channels: 3, longThread: 1200 });
    const slack = await startSlackSandbox(data);
    try {
      const settings = settingsFor(slack);
      const run = new AbortController().signal;
      let items = 0;
      let minimum = 0;
      for (const c of data.channels.values()) {
        const { pages } = await pullAll(quickSlack, settings, c.id, { signal: run });
        items += idsOf(pages).length;
        const tops = c.messages.length;
        minimum += Math.max(1, Math.ceil(tops / SLACK_PAGE_SIZES.history));
        for (const m of c.messages)
          if (m.replies.length > 0) minimum += Math.ceil((m.replies.length + 1) / SLACK_PAGE_SIZES.replies);
      }
      expect(items).toBe(6000);
      // conversations.info a channel; auth.test and users.list once a run.
      expect(slack.requests.entries.length).toBe(minimum + data.channels.size + 2);
    } finally {
      await slack.close();
    }
  });
});

describe("Slack within its limits", () => {
  it("a limited app rescans one day, not SLACK_RESCAN_DAYS, and says at start that the Events API brings the rest", async () => {
    const data = buildSlackWorkspace();
    const old = data.post("fal-dev", { by: "ana", text: "Old plan for FAL-12" });
    data.advance(2 * 86_400_000);
    const notes = [];
    for (let i = 0; i < 20; i++) {
      data.advance(60_000);
      notes.push(data.post("fal-dev", { by: i % 2 ? "ana" : "ben", text: `Standup note ${i + 1}` }));
    }
    const limited = await startSlackSandbox(data, { limited: { ...LIMITED_APP, windowMs: 0 } });
    try {
      const log = recordingLog();
      const connector = createSlackConnector({ retry: QUICK_RETRY, log });
      const settings = settingsFor(limited);
      const channel = data.channel("fal-dev").id;
      const first = await pullAll(connector, settings, channel);
      const said = () =>
        log.lines.filter((l) => l.level === "warn" && /one conversations\.history/.test(l.msg));
      expect(said()).toHaveLength(1);
      expect(said()[0]!.msg).toMatch(
        /rescans the last 1 day\(s\) instead of SLACK_RESCAN_DAYS=7.*Events API/,
      );

      data.advance(60_000);
      data.edit("fal-dev", old.ts, "Old plan for FAL-12, revised", { by: "ana" });
      data.edit("fal-dev", notes[3]!.ts, "Standup note 4, corrected", { by: "ben" });
      const next = await pullAll(connector, settings, channel, { mode: "sync", cursors: first.cursors });
      // The edit two days back is the Events API's to bring; the one inside the day is read again.
      expect(idsOf(next.pages)).toEqual([`${channel}:${notes[3]!.ts}`]);
      expect(said()).toHaveLength(1);
    } finally {
      await limited.close();
    }
  });

  it("warns at start when SLACK_SIGNING_SECRET is unset", async () => {
    const slack = await startSlackSandbox(buildSlackWorkspace());
    try {
      const log = recordingLog();
      const connector = createSlackConnector({ retry: QUICK_RETRY, log });
      const request = { signal: new AbortController().signal, report: recordingReporter() };
      await connector.listScopes(settingsFor(slack), request);
      expect(log.lines.filter((l) => l.level === "warn")).toEqual([]);
      const unsigned = { ...settingsFor(slack), signingSecret: null };
      await connector.listScopes(unsigned, request);
      await connector.listScopes(unsigned, request);
      expect(log.lines.filter((l) => l.level === "warn").map((l) => l.msg)).toEqual([
        expect.stringMatching(/^\[threadline\] \[slack\] SLACK_SIGNING_SECRET is not set: .*Events API/),
      ]);
    } finally {
      await slack.close();
    }
  });

  it("reads users.list once a day, not on every pass", async () => {
    const data = buildSlackWorkspace();
    const slack = await startSlackSandbox(data);
    try {
      const settings = settingsFor(slack);
      const start = new Date("2026-03-02T08:00:00Z");
      const run = (hours: number, channel: string) =>
        pullAll(quickSlack, settings, data.channel(channel).id, {
          now: new Date(start.getTime() + hours * 3_600_000),
          signal: new AbortController().signal,
        });
      const usersList = () => slack.requests.count({ path: /users\.list/ });
      const first = await run(0, "fal-dev");
      expect(usersList()).toBe(1);
      const second = await run(1, "client-acme");
      await run(12, "random");
      expect(usersList()).toBe(1);
      // The people still come with their names from the kept list.
      expect(second.pages.flatMap((p) => p.records).some((r) => r.type === "user")).toBe(true);
      await run(25, "fal-dev");
      expect(usersList()).toBe(2);
      expect(first.pages.length).toBeGreaterThan(0);
    } finally {
      await slack.close();
    }
  });
});
