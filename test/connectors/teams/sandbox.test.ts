/**
 * The Teams sandbox against Microsoft's documented answers, over plain HTTP (no SDK): the token endpoint,
 * auth, paths, shapes, page sizes, paging and delta links, the directory's `in` limit, and errors. The
 * connector's tests then trust it as they would trust Graph.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startTeamsSandbox,
  TEAMS_SANDBOX_LIMITS,
  TeamsDataset,
  type TeamsSandbox,
} from "../../../connectors/sandbox/teams/index.ts";

function channelData() {
  const data = new TeamsDataset({ now: "2026-02-02T08:00:00Z" })
    .addUser("ana", { displayName: "Ana Lima" })
    .addUser("dan", { displayName: "Dan (Client)", mail: "dan@client.example", userType: "Guest" })
    .addTeam("t", "Team")
    .addChannel("t", "general", "General");
  for (let i = 0; i < 60; i++) {
    data.advance(60_000);
    const root = data.post("general", {
      from: i % 2 ? "ana" : "dan",
      body: ["Post ", { mention: "ana" }, ` #${i}`],
    });
    if (i === 0) for (let k = 0; k < 7; k++) data.reply(root.id, { from: "ana", body: `Reply ${k}` });
  }
  return data;
}

describe("Teams sandbox", () => {
  let teams: TeamsSandbox;
  let token: string;
  let channelPath: string;
  beforeAll(async () => {
    teams = await startTeamsSandbox(channelData(), { expandedReplies: 5 });
    const c = teams.data.channel("general");
    channelPath = `/v1.0/teams/${c.teamId}/channels/${encodeURIComponent(c.id)}`;
    const res = await fetch(`${teams.url}/${teams.data.tenantId}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        client_id: teams.data.clientId,
        client_secret: teams.data.clientSecret,
        scope: `${teams.url}/.default`,
        grant_type: "client_credentials",
      }),
    });
    const body = (await res.json()) as { access_token: string };
    expect(body).toEqual({
      token_type: "Bearer",
      expires_in: 3599,
      ext_expires_in: 3599,
      access_token: expect.any(String),
    });
    token = body.access_token;
  });
  afterAll(() => teams.close());

  const get = async (path: string, auth = true) => {
    const res = await fetch(path.startsWith("http") ? path : `${teams.url}${path}`, {
      headers: auth ? { Authorization: `Bearer ${token}` } : {},
    });
    // biome-ignore lint/suspicious/noExplicitAny: the tests read Graph's JSON answers freely.
    return { status: res.status, headers: res.headers, body: (await res.json()) as any };
  };

  it("refuses a wrong client secret in Microsoft Entra's error shape", async () => {
    const res = await fetch(`${teams.url}/${teams.data.tenantId}/oauth2/v2.0/token`, {
      method: "POST",
      body: new URLSearchParams({
        client_id: teams.data.clientId,
        client_secret: "x",
        scope: "s/.default",
        grant_type: "client_credentials",
      }),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({
      error: "invalid_client",
      error_description: expect.stringMatching(/^AADSTS7000215: /),
      error_codes: [7000215],
      trace_id: expect.any(String),
      correlation_id: expect.any(String),
    });
  });

  it("refuses Graph requests without a valid token, in Graph's error shape", async () => {
    const res = await get(`${channelPath}/messages`, false);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      error: {
        code: "InvalidAuthenticationToken",
        message: "Access token is empty.",
        innerError: {
          date: expect.any(String),
          "request-id": expect.any(String),
          "client-request-id": expect.any(String),
        },
      },
    });
  });

  it("pages root posts newest first, 20 by default, at most 50, with a skiptoken-only nextLink", async () => {
    const first = await get(`${channelPath}/messages`);
    expect(first.body.value).toHaveLength(TEAMS_SANDBOX_LIMITS.messagesDefaultTop);
    const tooMany = await get(`${channelPath}/messages?$top=51`);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.message).toMatch(/The limit of '50' for Top query has been exceeded/);

    const page = await get(`${channelPath}/messages?$top=50&$expand=replies`);
    expect(page.body["@odata.context"]).toMatch(
      /\$metadata#teams\('.+'\)\/channels\('19%3A.+%40thread\.tacv2'\)\/messages$/,
    );
    expect(page.body.value).toHaveLength(50);
    expect(page.body["@odata.nextLink"]).toMatch(/\/messages\?\$skiptoken=[A-Za-z0-9_-]+$/);
    const created = page.body.value.map((m: { createdDateTime: string }) => m.createdDateTime);
    expect([...created].sort().reverse()).toEqual(created);
    const rest = await get(page.body["@odata.nextLink"]);
    expect(rest.body.value).toHaveLength(10);
    expect(rest.body).not.toHaveProperty("@odata.nextLink");

    // The oldest post has 7 replies: 5 expanded (newest first), the rest behind replies@odata.nextLink.
    const oldest = rest.body.value.at(-1);
    expect(oldest.replies.map((r: { body: { content: string } }) => r.body.content)).toEqual([
      "Reply 6",
      "Reply 5",
      "Reply 4",
      "Reply 3",
      "Reply 2",
    ]);
    expect(oldest["replies@odata.count"]).toBe(5);
    const more = await get(oldest["replies@odata.nextLink"]);
    expect(more.body.value.map((r: { body: { content: string } }) => r.body.content)).toEqual([
      "Reply 1",
      "Reply 0",
    ]);
  });

  it("renders messages with every documented property, mentions matched to <at> tags", async () => {
    const page = await get(`${channelPath}/messages?$top=1`);
    const message = page.body.value[0];
    expect(Object.keys(message).sort()).toEqual(
      [
        "attachments",
        "body",
        "channelIdentity",
        "chatId",
        "createdDateTime",
        "deletedDateTime",
        "etag",
        "eventDetail",
        "from",
        "id",
        "importance",
        "lastEditedDateTime",
        "lastModifiedDateTime",
        "locale",
        "mentions",
        "messageHistory",
        "messageType",
        "policyViolation",
        "reactions",
        "replyToId",
        "subject",
        "summary",
        "webUrl",
      ].sort(),
    );
    expect(message.body.content).toBe('<p>Post <at id="0">Ana Lima</at> #59</p>');
    expect(message.mentions[0]).toMatchObject({
      id: 0,
      mentionText: "Ana Lima",
      mentioned: { user: { id: teams.data.user("ana").id } },
    });
    expect(message.from.user).toEqual({
      "@odata.type": "#microsoft.graph.teamworkUserIdentity",
      id: teams.data.user("ana").id,
      displayName: "Ana Lima",
      userIdentityType: "aadUser",
      tenantId: teams.data.tenantId,
    });
    expect(message.webUrl).toMatch(/^https:\/\/teams\.microsoft\.com\/l\/message\/19%3A/);
  });

  it("runs delta rounds: nextLinks, then a deltaLink; a later round holds only the changed chains", async () => {
    let url = `${teams.url}${channelPath}/messages/delta?$top=50&$expand=replies`;
    const seen: string[] = [];
    let deltaLink = "";
    for (;;) {
      const page = await get(url);
      expect(page.body["@odata.context"]).toMatch(/\$metadata#Collection\(chatMessage\)$/);
      seen.push(...page.body.value.map((m: { id: string }) => m.id));
      if (page.body["@odata.nextLink"]) url = page.body["@odata.nextLink"];
      else {
        deltaLink = page.body["@odata.deltaLink"];
        break;
      }
    }
    expect(seen).toHaveLength(60);
    expect(deltaLink).toMatch(/\/messages\/delta\?\$deltatoken=/);
    const nothing = await get(deltaLink);
    expect(nothing.body.value).toEqual([]);

    const root = teams.data.threads.get(teams.data.channel("general").id)![0]!.root;
    teams.data.advance(60_000);
    teams.data.reply(root.id, { from: "dan", body: "One more" });
    const changed = await get(deltaLink);
    expect(changed.body.value.map((m: { id: string }) => m.id)).toEqual([root.id]);

    const filtered = await get(
      `${channelPath}/messages/delta?$filter=lastModifiedDateTime gt ${new Date(teams.data.now - 1000).toISOString()}`,
    );
    expect(filtered.body.value.map((m: { id: string }) => m.id)).toEqual([root.id]);

    teams.data.expireDeltaTokens();
    const gone = await get(deltaLink);
    expect(gone.status).toBe(410);
    expect(gone.body.error.code).toBe("syncStateNotFound");
    expect(gone.headers.get("location")).toMatch(/\/messages\/delta\?\$deltatoken=$/);
  });

  it("looks users up 15 ids at a time, with mail, user principal name and userType when selected", async () => {
    const ana = teams.data.user("ana").id;
    const dan = teams.data.user("dan").id;
    const res = await get(
      `/v1.0/users?$filter=${encodeURIComponent(`id in ('${ana}','${dan}')`)}&$select=id,mail,userPrincipalName,userType`,
    );
    expect(res.body.value).toEqual([
      { id: ana, mail: "ana@contoso.com", userPrincipalName: "ana@contoso.com", userType: "Member" },
      {
        id: dan,
        mail: "dan@client.example",
        userPrincipalName: "dan_client.example#EXT#@contoso.onmicrosoft.com",
        userType: "Guest",
      },
    ]);
    const ids = Array.from({ length: 16 }, (_, i) => `'${i}'`).join(",");
    const tooMany = await get(`/v1.0/users?$filter=${encodeURIComponent(`id in (${ids})`)}`);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.message).toMatch(/Max allowed: 15/);
  });

  it("answers an unknown team or channel with 404", async () => {
    const res = await get(`/v1.0/teams/${teams.data.team("t").id}/channels/19:nope@thread.tacv2/messages`);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("NotFound");
  });

  it("posts a reply for a delegated token with ChannelMessage.Send, as its person; refuses app-only and unconsented tokens", async () => {
    const data = teams.data;
    const root = data
      .messagesOf("general")
      .find((m) => m.replyToId === null && data.thread(m.id).replies.length > 0)!;
    const ana = data.user("ana");
    const post = (token: string, body: unknown) =>
      fetch(`${teams.url}${channelPath}/messages/${root.id}/replies`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const reply = {
      body: { contentType: "html", content: '<p><at id="0">Ana Lima</at> any news?</p>' },
      mentions: [
        {
          id: 0,
          mentionText: "Ana Lima",
          mentioned: { user: { id: ana.id, displayName: "Ana Lima", userIdentityType: "aadUser" } },
        },
      ],
    };
    const created = await post(data.delegatedToken("dan"), reply);
    expect(created.status).toBe(201);
    const message = (await created.json()) as Record<string, unknown>;
    expect(message).toMatchObject({
      replyToId: root.id,
      messageType: "message",
      from: { user: { id: data.user("dan").id } },
      body: reply.body,
      mentions: [{ id: 0, mentionText: "Ana Lima", mentioned: { user: { id: ana.id } } }],
    });
    expect(data.thread(root.id).replies.at(-1)!.id).toBe(message.id);

    const appOnly = await post(token, reply);
    expect(appOnly.status).toBe(401);
    expect(((await appOnly.json()) as { error: { message: string } }).error.message).toMatch(
      /application-only context only for import/,
    );
    const unconsented = await post(data.delegatedToken("ana", ["ChannelMessage.Read.All"]), reply);
    expect(unconsented.status).toBe(403);
    const empty = await post(data.delegatedToken("ana"), { body: { contentType: "text", content: "" } });
    expect(empty.status).toBe(400);
    const badMention = await post(data.delegatedToken("ana"), {
      ...reply,
      mentions: [{ ...reply.mentions[0], id: 3 }],
    });
    expect(badMention.status).toBe(400);
  });

  it("fails the next reply before or after saving it, as a test asks", async () => {
    const data = teams.data;
    const root = data.messagesOf("general").find((m) => m.replyToId === null)!;
    const count = () => data.thread(root.id).replies.length;
    const before = count();
    const post = () =>
      fetch(`${teams.url}${channelPath}/messages/${root.id}/replies`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${data.delegatedToken("ana")}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({ body: { contentType: "text", content: "ping" } }),
      });
    teams.control.failNextWrite = { when: "before", status: 503 };
    expect((await post()).status).toBe(503);
    expect(count()).toBe(before);
    teams.control.failNextWrite = { when: "after", status: 500 };
    expect((await post()).status).toBe(500);
    expect(count()).toBe(before + 1);
    expect((await post()).status).toBe(201);
  });
});
