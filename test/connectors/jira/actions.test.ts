/**
 * Writing back to Jira through jira.js against the sandbox, on Cloud (v3, ADF) and Data Center (v2, wiki
 * markup): each kind of write, what the next sync reads of it, the action id that makes a retry find the
 * first write instead of making a second, a 5xx before and after the write is saved, and `access` naming
 * the permission or scope that is missing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JiraSettings } from "../../../connectors/jira/index.ts";
import {
  type JiraDeployment,
  type JiraSandbox,
  jiraSandboxEnv,
  startJiraSandbox,
} from "../../../connectors/sandbox/jira/index.ts";
import type { ActionHandler, WriteKind, WritePerson, WriteRequest } from "../../../connectors/types.ts";
import { ConnectorError } from "../../../connectors/types.ts";
import { loadTimelineItems } from "../../../src/store/task-queries.ts";
import { describeEachDatabase, emptyTables } from "../../helpers/databases.ts";
import { syncOnce } from "../../helpers/sync-run.ts";
import { settingsFrom } from "../kit.ts";
import { buildSite, quickJira, settingsFor } from "./helpers.ts";

const actions = quickJira.actions as ActionHandler<JiraSettings>;

let counter = 0;
function request(
  settings: JiraSettings,
  kind: WriteKind,
  taskKey: string,
  options: { text?: string; people?: WritePerson[]; actionId?: string } = {},
): WriteRequest<JiraSettings> {
  return {
    settings,
    actionId: options.actionId ?? `act-${++counter}`,
    kind,
    target: { taskKey },
    text: options.text ?? "",
    people: options.people ?? [],
    signal: new AbortController().signal,
  };
}

/** What the action service does on every attempt after the first: look, and write only if nothing landed. */
async function attempt(req: WriteRequest<JiraSettings>) {
  return (await actions.find(req)) ?? (await actions.write(req));
}

const person = (jira: JiraSandbox, id: string): WritePerson => {
  const user = jira.data.user(id);
  return {
    source: "jira",
    externalId: jira.data.deployment === "cloud" ? user.accountId : user.name,
    name: user.displayName,
  };
};

/** Comments by the API user on an issue, as text the sandbox keeps (mentions as `@Name`). */
function writtenComments(jira: JiraSandbox, key: string) {
  const me = jira.data.apiUser();
  const text = (node: {
    type: string;
    text?: string;
    attrs?: Record<string, unknown>;
    content?: unknown[];
  }): string =>
    node.type === "mention"
      ? String(node.attrs?.text ?? "")
      : node.type === "hardBreak"
        ? "\n"
        : (node.text ?? "") +
          (node.content ?? []).map((c) => text(c as typeof node)).join(node.type === "doc" ? "\n\n" : "");
  return jira.data
    .issue(key)
    .comments.filter((c) => c.authorId === me.id)
    .map((c) => ({ id: c.id, text: text(c.body), properties: c.properties }));
}

for (const deployment of ["cloud", "datacenter"] as const satisfies JiraDeployment[]) {
  describe(`Jira writes (${deployment})`, () => {
    let jira: JiraSandbox;
    let settings: JiraSettings;
    beforeAll(async () => {
      const data = buildSite(deployment).addUser("sync-bot", {
        displayName: "Threadline Bot",
        email: "sync-bot@example.com",
      });
      jira = await startJiraSandbox(data);
      settings = settingsFor(jira, { JIRA_DEPLOYMENT: deployment });
    });
    afterAll(() => jira.close());

    it("comments with mentions and a link, carrying the action id as a comment property", async () => {
      const req = request(settings, "comment", "PROJ-3", {
        text: "Client email from Dana, 2 Feb: the credentials are on their way.\n\nSee https://mail.example/t/1 [thread]",
        people: [person(jira, "ana"), person(jira, "ben")],
      });
      const result = await actions.write(req);
      const [written] = writtenComments(jira, "PROJ-3");
      expect(written).toEqual({
        id: expect.any(String),
        text: "@Ana Lima @Ben Okafor Client email from Dana, 2 Feb: the credentials are on their way.\n\nSee https://mail.example/t/1 [thread]",
        properties: [{ key: "threadline.action", value: { actionId: req.actionId } }],
      });
      expect(result).toEqual({
        externalId: `comment:${written!.id}`,
        url: `${jira.url}/browse/PROJ-3?focusedCommentId=${written!.id}`,
      });
      // The mentions are Jira's own: the sandbox keeps them as mention nodes of the accounts.
      const body = jira.data.issue("PROJ-3").comments.at(-1)!.body;
      expect(body.content![0]!.content!.filter((n) => n.type === "mention").map((n) => n.attrs?.id)).toEqual([
        jira.data.user("ana").accountId,
        jira.data.user("ben").accountId,
      ]);
    });

    it("finds its own comment by the action id, so the same action twice comments once", async () => {
      const req = request(settings, "reply", "PROJ-1", { text: "Any news on the IdP settings?" });
      expect(await actions.find(req)).toBeNull();
      const first = await attempt(req);
      const second = await attempt(req);
      expect(second).toEqual(first);
      expect(writtenComments(jira, "PROJ-1")).toHaveLength(1);
      // Another action's comment is not mistaken for it.
      expect(await actions.find({ ...req, actionId: "another" })).toBeNull();
    });

    it("a 5xx after the comment is saved leaves it retryable, and the retry finds it: one comment", async () => {
      const req = request(settings, "comment", "OPS-1", { text: "Deployed in 1.4.1, confirmed by Ana." });
      jira.data.writeFaults.failNext("after", 502);
      const err = await actions.write(req).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConnectorError);
      expect(err).toMatchObject({ kind: "transient", status: 502 });
      expect(writtenComments(jira, "OPS-1")).toHaveLength(1);
      const retried = await attempt(req);
      expect(writtenComments(jira, "OPS-1")).toHaveLength(1);
      expect(retried.externalId).toBe(`comment:${writtenComments(jira, "OPS-1")[0]!.id}`);
    });

    it("a 5xx before the comment is saved: the retry finds nothing and comments once", async () => {
      const req = request(settings, "comment", "PROJ-2", { text: "Who owns the flaky checkout test?" });
      jira.data.writeFaults.failNext("before", 503);
      await expect(actions.write(req)).rejects.toMatchObject({ kind: "transient", status: 503 });
      expect(writtenComments(jira, "PROJ-2")).toHaveLength(0);
      await attempt(req);
      expect(writtenComments(jira, "PROJ-2")).toHaveLength(1);
    });

    it("assigns the issue to one person (accountId on Cloud, username on Data Center)", async () => {
      const req = request(settings, "assign", "PROJ-2", { people: [person(jira, "ana")] });
      expect(await actions.find(req)).toBeNull();
      expect(await actions.write(req)).toEqual({ externalId: null, url: `${jira.url}/browse/PROJ-2` });
      expect(jira.data.issue("PROJ-2").assigneeId).toBe("ana");
      expect(await actions.find(req)).not.toBeNull();
      // A Service Management customer cannot be assigned: Jira's 400, not retryable.
      await expect(
        actions.write(request(settings, "assign", "PROJ-2", { people: [person(jira, "client")] })),
      ).rejects.toMatchObject({ kind: "invalid", status: 400 });
    });

    it("reopens a done issue into an open status, and leaves an open one as it is", async () => {
      jira.data.transition("PROJ-4", "Done", { by: "ana" });
      const req = request(settings, "reopen", "PROJ-4");
      expect(await actions.find(req)).toBeNull();
      const result = await actions.write(req);
      // The status change it made, as the next sync maps it.
      const reopened = jira.data.issue("PROJ-4").histories.at(-1)!;
      expect(reopened.items[0]).toMatchObject({ field: "status", toString: "To Do" });
      expect(result).toEqual({ externalId: `history:${reopened.id}`, url: `${jira.url}/browse/PROJ-4` });
      const status = jira.data.status(jira.data.issue("PROJ-4").statusId);
      expect(status).toMatchObject({ name: "To Do", category: "new" });
      expect(await actions.find(req)).toEqual(result);
      const histories = jira.data.issue("PROJ-4").histories.length;
      await actions.write(req);
      expect(jira.data.issue("PROJ-4").histories).toHaveLength(histories);
    });

    it("access: the account, and the project permission a write lacks", async () => {
      const signal = new AbortController().signal;
      expect(await actions.access({ settings, signal })).toEqual({
        comment: { allowed: true, account: "Threadline Bot" },
        reply: { allowed: true, account: "Threadline Bot" },
        assign: { allowed: true, account: "Threadline Bot" },
        reopen: { allowed: true, account: "Threadline Bot" },
      });
      jira.data.permissions.delete("ADD_COMMENTS");
      try {
        const access = await actions.access({ settings, signal });
        expect(access.comment).toEqual({ allowed: false, needs: "ADD_COMMENTS (Add Comments) in PROJ, OPS" });
        expect(access.assign).toEqual({ allowed: true, account: "Threadline Bot" });
        // The write itself is refused with what it needs, and is not retryable.
        await expect(
          actions.write(request(settings, "comment", "PROJ-1", { text: "hi" })),
        ).rejects.toMatchObject({
          kind: "forbidden",
          message: expect.stringContaining("Add Comments permission (ADD_COMMENTS)"),
        });
      } finally {
        jira.data.permissions.add("ADD_COMMENTS");
      }
    });
  });
}

describe("Jira writes with an OAuth 2.0 token (Cloud, through the API gateway)", () => {
  let jira: JiraSandbox;
  beforeAll(async () => {
    jira = await startJiraSandbox(buildSite("cloud"));
    jira.data.oauthTokens.set("read-only-token", ["read:jira-work", "read:jira-user"]);
    jira.data.oauthTokens.set("write-token", ["read:jira-work", "write:jira-work"]);
  });
  afterAll(() => jira.close());

  const settingsWith = (token: string) =>
    settingsFrom(quickJira, {
      JIRA_BASE_URL: `${jira.url}/ex/jira/${jira.data.cloudId}`,
      JIRA_API_TOKEN: token,
      JIRA_PROJECTS: "PROJ",
    }) as JiraSettings;

  it("a token without write:jira-work shows every write disabled with the scope it needs", async () => {
    const settings = { ...settingsWith("read-only-token"), email: null };
    const access = await actions.access({ settings, signal: new AbortController().signal });
    expect(access.comment).toEqual({ allowed: false, needs: "write:jira-work (or write:comment:jira)" });
    expect(access.assign).toEqual({ allowed: false, needs: "write:jira-work (or write:issue:jira)" });
    await expect(actions.write(request(settings, "comment", "PROJ-1", { text: "hi" }))).rejects.toMatchObject(
      {
        kind: "auth",
        status: 401,
      },
    );
  });

  it("a token with write:jira-work may write, as its user", async () => {
    const settings = { ...settingsWith("write-token"), email: null };
    const access = await actions.access({ settings, signal: new AbortController().signal });
    expect(access.comment).toMatchObject({ allowed: true });
    await actions.write(request(settings, "comment", "PROJ-1", { text: "Written through the gateway" }));
    expect(writtenComments(jira, "PROJ-1").map((c) => c.text)).toEqual(["Written through the gateway"]);
  });
});

describeEachDatabase("Jira writes read back by the next sync", (ctx) => {
  for (const deployment of ["cloud", "datacenter"] as const) {
    it(`a written comment is an item of the task after a sync (${deployment})`, async () => {
      const data = buildSite(deployment).addUser("sync-bot", {
        displayName: "Threadline Bot",
        email: "sync-bot@example.com",
      });
      await emptyTables(ctx.db);
      const jira = await startJiraSandbox(data);
      try {
        const settings = settingsFrom(
          quickJira,
          jiraSandboxEnv(jira, data, ["PROJ"], { JIRA_DEPLOYMENT: deployment }),
        ) as JiraSettings;
        await syncOnce(ctx.db, [{ connector: quickJira, settings }], { mode: "backfill" });
        const result = await actions.write(
          request(settings, "comment", "PROJ-3", {
            text: "Recorded from Threadline: Dana wrote on 2 Feb that the credentials [API] are coming.",
            people: [person(jira, "ana")],
          }),
        );
        const report = await syncOnce(ctx.db, [{ connector: quickJira, settings }], { mode: "sync" });
        expect(report.sources[0]!.errors).toEqual([]);
        const item = (await loadTimelineItems(ctx.db, "PROJ-3", null)).find((i) => i.url === result.url);
        expect(item).toMatchObject({
          kind: "comment",
          source: "jira",
          text: `@${deployment === "cloud" ? "Ana Lima" : "ana"} Recorded from Threadline: Dana wrote on 2 Feb that the credentials [API] are coming.`,
          url: result.url,
        });
        expect(item!.author).toMatchObject({ name: "Threadline Bot" });
      } finally {
        await jira.close();
      }
    });
  }
});
