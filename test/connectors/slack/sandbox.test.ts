/**
 * The Slack sandbox answers as Slack's Web API documents: method paths, form or JSON arguments, the token
 * check, cursor pagination with each method's limits, error shapes, and the limited-app mode.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addSlackConnectChannel,
  buildBulkSlackDataset,
  buildSlackWorkspace,
  LIMITED_APP,
  type SlackSandbox,
  startSlackSandbox,
} from "../../../connectors/sandbox/slack/index.ts";

type Answer = Record<string, unknown> & { ok: boolean };

async function call(
  slack: SlackSandbox,
  method: string,
  args: Record<string, string | number> = {},
  options: { token?: string | null; json?: boolean } = {},
): Promise<{ status: number; body: Answer; headers: Headers }> {
  const token = options.token === undefined ? slack.data.botToken : options.token;
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  let body: string;
  if (options.json) {
    headers["content-type"] = "application/json; charset=utf-8";
    body = JSON.stringify(args);
  } else {
    headers["content-type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(
      Object.fromEntries(Object.entries(args).map(([k, v]) => [k, String(v)])),
    ).toString();
  }
  const res = await fetch(`${slack.url}/api/${method}`, { method: "POST", headers, body });
  return { status: res.status, body: (await res.json()) as Answer, headers: res.headers };
}

const messages = (a: Answer) => a.messages as Array<Record<string, unknown>>;
const nextCursor = (a: Answer) =>
  (a.response_metadata as { next_cursor?: string } | undefined)?.next_cursor ?? "";

describe("Slack sandbox", () => {
  let slack: SlackSandbox;
  beforeAll(async () => {
    slack = await startSlackSandbox(buildSlackWorkspace());
  });
  afterAll(() => slack.close());

  it("checks the token the way Slack does: 200 with not_authed or invalid_auth", async () => {
    expect((await call(slack, "auth.test", {}, { token: null })).body).toEqual({
      ok: false,
      error: "not_authed",
    });
    const wrong = await call(slack, "auth.test", {}, { token: "xoxb-wrong" });
    expect(wrong.status).toBe(200);
    expect(wrong.body).toEqual({ ok: false, error: "invalid_auth" });
    expect((await call(slack, "auth.test")).body).toMatchObject({
      ok: true,
      url: "https://acme.slack.com/",
      team: "Acme",
      team_id: slack.data.team.id,
      user_id: slack.data.bot.id,
      bot_id: "B0THREADLN",
    });
  });

  it("pages conversations.history newest first with next_cursor and has_more, JSON or form bodies", async () => {
    const channel = slack.data.channel("fal-dev").id;
    const first = await call(slack, "conversations.history", { channel, limit: 3 }, { json: true });
    expect(first.body).toMatchObject({ ok: true, has_more: true, pin_count: 0 });
    expect(Buffer.from(nextCursor(first.body), "base64").toString()).toMatch(/^next_ts:\d{16}$/);
    const seen = messages(first.body).map((m) => m.ts as string);
    let cursor = nextCursor(first.body);
    while (cursor) {
      const page = await call(slack, "conversations.history", { channel, limit: 3, cursor });
      seen.push(...messages(page.body).map((m) => m.ts as string));
      cursor = nextCursor(page.body);
      if (!cursor) expect(page.body.has_more).toBe(false);
    }
    expect(seen).toEqual([...seen].sort().reverse());
    expect(seen).toHaveLength(slack.data.channel("fal-dev").messages.length);
    // oldest and latest are exclusive unless inclusive is set.
    const middle = seen[3]!;
    const below = await call(slack, "conversations.history", { channel, latest: middle });
    expect(messages(below.body).map((m) => m.ts)).toEqual(seen.slice(4));
    const above = await call(slack, "conversations.history", { channel, oldest: middle, inclusive: "true" });
    expect(messages(above.body).map((m) => m.ts)).toEqual(seen.slice(0, 4));
  });

  it("renders threads, replies, edits, reactions and bot messages as the documented examples do", async () => {
    const channel = slack.data.channel("fal-dev");
    const history = messages((await call(slack, "conversations.history", { channel: channel.id })).body);
    const parent = history.find((m) => m.reply_count === 3)!;
    expect(parent).toMatchObject({
      type: "message",
      user: slack.data.user("ben").id,
      thread_ts: parent.ts,
      reply_users_count: 3,
      is_locked: false,
      subscribed: false,
      reactions: [{ name: "+1", users: [slack.data.user("cleo").id], count: 1 }],
    });
    expect(history.find((m) => m.subtype === "bot_message")).toMatchObject({
      bot_id: "B0GITHUBAP",
      username: "GitHub",
      icons: {},
    });
    const thread = await call(slack, "conversations.replies", {
      channel: channel.id,
      ts: String(parent.ts),
      limit: 2,
    });
    expect(messages(thread.body)[0]).toEqual(parent);
    expect(messages(thread.body)[1]).toMatchObject({ thread_ts: parent.ts, parent_user_id: parent.user });
    expect(thread.body.has_more).toBe(true);
    const rest = await call(slack, "conversations.replies", {
      channel: channel.id,
      ts: String(parent.ts),
      cursor: nextCursor(thread.body),
    });
    // Continuation pages leave the parent out.
    expect(messages(rest.body).map((m) => m.text)).toEqual([
      "Great. Can we merge it today?",
      "Merged, deploying after lunch",
    ]);
    const client = messages(
      (await call(slack, "conversations.history", { channel: slack.data.channel("client-acme").id })).body,
    );
    expect(client.find((m) => m.edited)).toMatchObject({ edited: { user: slack.data.user("ben").id } });
    expect(client.find((m) => m.subtype === "thread_broadcast")).toMatchObject({ root: { reply_count: 3 } });
  });

  it("answers Slack's errors for unknown channels, threads, users, cursors and channels the app is not in", async () => {
    expect((await call(slack, "conversations.history", { channel: "C0NOPE" })).body).toEqual({
      ok: false,
      error: "channel_not_found",
    });
    const secret = slack.data.channel("people-ops").id;
    expect((await call(slack, "conversations.history", { channel: secret })).body.error).toBe(
      "channel_not_found",
    );
    const general = slack.data.channel("fal-dev").id;
    expect(
      (await call(slack, "conversations.replies", { channel: general, ts: "1.000001" })).body.error,
    ).toBe("thread_not_found");
    expect(
      (await call(slack, "conversations.history", { channel: general, cursor: "bm9wZQ==" })).body.error,
    ).toBe("invalid_cursor");
    expect((await call(slack, "users.info", { user: "U0NOBODY" })).body.error).toBe("user_not_found");
    expect((await call(slack, "no.such.method")).body.error).toBe("unknown_method");
  });

  it("lists users with cursors, guests flagged, emails only with users:read.email", async () => {
    const first = await call(slack, "users.list", { limit: 4 });
    const members = first.body.members as Array<Record<string, unknown>>;
    expect(members).toHaveLength(4);
    const all = [...members];
    let cursor = nextCursor(first.body);
    while (cursor) {
      const page = await call(slack, "users.list", { limit: 4, cursor });
      all.push(...(page.body.members as Array<Record<string, unknown>>));
      cursor = nextCursor(page.body);
    }
    expect(all).toHaveLength(slack.data.users.size);
    const dana = all.find((u) => u.name === "dana")!;
    expect(dana).toMatchObject({
      is_restricted: true,
      is_ultra_restricted: false,
      profile: { email: "dana@client.example" },
    });
    slack.data.scopes.delete("users:read.email");
    try {
      const info = await call(slack, "users.info", { user: String(dana.id) });
      expect((info.body.user as { profile: Record<string, unknown> }).profile.email).toBeUndefined();
    } finally {
      slack.data.scopes.add("users:read.email");
    }
    slack.data.scopes.delete("users:read");
    try {
      expect((await call(slack, "users.list")).body).toMatchObject({
        ok: false,
        error: "missing_scope",
        needed: "users:read",
      });
    } finally {
      slack.data.scopes.add("users:read");
    }
  });

  it("answers for a Slack Connect member as Slack does: not in users.list, their own team, user_team on messages", async () => {
    const data = buildSlackWorkspace();
    addSlackConnectChannel(data);
    const connect = await startSlackSandbox(data);
    try {
      const listed = (await call(connect, "users.list")).body.members as Array<Record<string, unknown>>;
      expect(listed.map((u) => u.name)).not.toContain("gil");
      expect(listed.every((u) => u.team_id === data.team.id)).toBe(true);
      const gil = (await call(connect, "users.info", { user: data.user("gil").id })).body.user;
      expect(gil).toMatchObject({
        team_id: "T0GLOBEXSC",
        is_stranger: true,
        is_restricted: false,
        profile: { team: "T0GLOBEXSC", real_name: "Gil Moreau" },
      });
      const hana = (await call(connect, "users.info", { user: data.user("hana").id })).body.user;
      expect(hana).toMatchObject({ team_id: "T0GLOBEXSC", profile: { email: "hana@globex.example" } });
      expect(hana).not.toHaveProperty("is_stranger");
      const channel = data.channel("globex-connect").id;
      const info = (await call(connect, "conversations.info", { channel })).body.channel;
      expect(info).toMatchObject({
        is_ext_shared: true,
        shared_team_ids: [data.team.id, "T0GLOBEXSC"],
      });
      const history = messages((await call(connect, "conversations.history", { channel })).body);
      const question = history.find((m) => m.user === data.user("gil").id)!;
      expect(question).toMatchObject({
        team: "T0GLOBEXSC",
        user_team: "T0GLOBEXSC",
        source_team: "T0GLOBEXSC",
        user_profile: { real_name: "Gil Moreau", team: "T0GLOBEXSC", is_restricted: false },
      });
      const ana = history.find((m) => m.user === data.user("ana").id);
      expect(ana ?? null).toBeNull(); // Ana answered in Hana's thread only.
      // A channel of this workspace alone names nobody's team but its own.
      const local = messages(
        (await call(connect, "conversations.history", { channel: data.channel("fal-dev").id })).body,
      );
      expect(local.filter((m) => m.user).every((m) => m.team === data.team.id && !("user_team" in m))).toBe(
        true,
      );
    } finally {
      await connect.close();
    }
  });

  it("lists the channels the app is a member of", async () => {
    const answer = await call(slack, "users.conversations", {
      types: "public_channel,private_channel",
      exclude_archived: "true",
    });
    expect((answer.body.channels as Array<{ name: string }>).map((c) => c.name).sort()).toEqual([
      "client-acme",
      "fal-dev",
      "random",
    ]);
  });

  it("lists a channel's members with conversations.members, in pages, and not a private channel the app is not in", async () => {
    const channel = slack.data.channel("client-acme").id;
    const first = await call(slack, "conversations.members", { channel, limit: 2 });
    expect(first.body.ok).toBe(true);
    const ids = [...(first.body.members as string[])];
    expect(ids).toHaveLength(2);
    let cursor = nextCursor(first.body);
    while (cursor) {
      const page = await call(slack, "conversations.members", { channel, limit: 2, cursor });
      ids.push(...(page.body.members as string[]));
      cursor = nextCursor(page.body);
    }
    const expected = ["ana", "ben", "dana"].map((k) => slack.data.user(k).id);
    expect(ids.sort()).toEqual([...expected, slack.data.bot.id].sort());
    const hidden = slack.data.channel("people-ops").id;
    expect((await call(slack, "conversations.members", { channel: hidden })).body).toEqual({
      ok: false,
      error: "channel_not_found",
    });
    expect((await call(slack, "conversations.members", { channel, cursor: "bm9wZQ==" })).body.error).toBe(
      "invalid_cursor",
    );
  });

  it("caps limit at each method's maximum", async () => {
    const bulk = await startSlackSandbox(
      buildBulkSlackDataset({ messages: 4000, channels: 1, longThread: 1200 }),
    );
    try {
      const channel = bulk.data.channel("bulk-1").id;
      const page = await call(bulk, "conversations.history", { channel, limit: 5000 });
      expect(messages(page.body)).toHaveLength(999);
      expect((await call(bulk, "conversations.history", { channel })).body.messages).toHaveLength(100);
      const long = bulk.data.channel("bulk-1").messages.find((m) => m.replies.length === 1200)!;
      const replies = await call(bulk, "conversations.replies", { channel, ts: long.ts, limit: 5000 });
      expect(messages(replies.body)).toHaveLength(1000);
      expect(replies.body.has_more).toBe(true);
    } finally {
      await bulk.close();
    }
  });

  it("plays a limited app: 15 messages a page and one request a window per method, else 429 with Retry-After", async () => {
    slack.control.limited = { ...LIMITED_APP, windowMs: 60_000 };
    try {
      const channel = slack.data.channel("fal-dev").id;
      const first = await call(slack, "conversations.history", { channel, limit: 999 });
      expect(first.status).toBe(200);
      expect(messages(first.body).length).toBeLessThanOrEqual(15);
      const second = await call(slack, "conversations.history", { channel, limit: 999 });
      expect(second.status).toBe(429);
      expect(second.body).toEqual({ ok: false, error: "ratelimited" });
      expect(Number(second.headers.get("retry-after"))).toBeGreaterThan(50);
      // Other methods are not limited.
      expect((await call(slack, "users.list")).status).toBe(200);
    } finally {
      slack.control.limited = null;
    }
  });

  it("chat.postMessage posts in a thread with metadata, listed only with include_all_metadata; answers Slack's errors", async () => {
    const data = slack.data;
    const fal = data.channel("fal-dev");
    const parent = fal.messages.find((m) => m.text.startsWith("Has anyone looked"))!;
    const metadata = { event_type: "threadline_action", event_payload: { action_id: "a-1" } };
    const posted = await call(slack, "chat.postMessage", {
      channel: fal.id,
      thread_ts: parent.ts,
      text: "Still flaky?",
      metadata: JSON.stringify(metadata),
    });
    expect(posted.body).toMatchObject({
      ok: true,
      channel: fal.id,
      message: {
        type: "message",
        user: data.bot.id,
        bot_id: data.bot.botId,
        app_id: data.appId,
        text: "Still flaky?",
        thread_ts: parent.ts,
        metadata,
      },
    });
    const ts = posted.body.ts as string;
    const plain = messages(
      (await call(slack, "conversations.replies", { channel: fal.id, ts: parent.ts })).body,
    );
    expect(plain.find((m) => m.ts === ts)).not.toHaveProperty("metadata");
    const full = messages(
      (
        await call(slack, "conversations.replies", {
          channel: fal.id,
          ts: parent.ts,
          include_all_metadata: "true",
        })
      ).body,
    );
    expect(full.find((m) => m.ts === ts)?.metadata).toEqual(metadata);

    data.scopes.delete("chat:write");
    try {
      expect((await call(slack, "chat.postMessage", { channel: fal.id, text: "x" })).body).toMatchObject({
        ok: false,
        error: "missing_scope",
        needed: "chat:write",
      });
    } finally {
      data.scopes.add("chat:write");
    }
    expect(
      (await call(slack, "chat.postMessage", { channel: data.channel("people-ops").id, text: "x" })).body
        .error,
    ).toBe("channel_not_found");
    data.addChannel("no-bot", { members: ["ana"], withoutBot: true });
    expect(
      (await call(slack, "chat.postMessage", { channel: data.channel("no-bot").id, text: "x" })).body.error,
    ).toBe("not_in_channel");
    expect((await call(slack, "chat.postMessage", { channel: fal.id, text: " " })).body.error).toBe(
      "no_text",
    );
    expect(
      (await call(slack, "chat.postMessage", { channel: fal.id, text: "x", metadata: "{not json" })).body
        .error,
    ).toBe("invalid_metadata_format");
  });

  it("fails the next write before or after saving it, as a test asks", async () => {
    const fal = slack.data.channel("fal-dev");
    const count = () => fal.messages.length;
    const before = count();
    slack.control.failNextWrite = { when: "before", as: 500 };
    const refused = await call(slack, "chat.postMessage", { channel: fal.id, text: "one" });
    expect(refused.status).toBe(500);
    expect(count()).toBe(before);
    slack.control.failNextWrite = { when: "after", as: "internal_error" };
    const lost = await call(slack, "chat.postMessage", { channel: fal.id, text: "two" });
    expect(lost).toMatchObject({ status: 200, body: { ok: false, error: "internal_error" } });
    expect(count()).toBe(before + 1);
    // One-shot: the next write goes through.
    expect((await call(slack, "chat.postMessage", { channel: fal.id, text: "three" })).body.ok).toBe(true);
  });
});
