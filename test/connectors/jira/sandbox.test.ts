/**
 * The Jira sandbox against Jira's documented answers, over plain HTTP (no SDK): paths, shapes, page sizes,
 * auth and errors. The connector's tests then trust it as they would trust a Jira site.
 */
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  commentEventPayload,
  JIRA_SANDBOX_LIMITS,
  JiraDataset,
  type JiraSandbox,
  signedDelivery,
  startJiraSandbox,
} from "../../../connectors/sandbox/jira/index.ts";
import { buildJiraDemoDataset } from "../../../src/demo/story/jira.ts";

function site(deployment: "cloud" | "datacenter") {
  const data = new JiraDataset({ deployment, userTimeZone: "Asia/Shanghai", now: "2026-03-02T09:00:00Z" })
    .addUser("ana", { displayName: "Ana Lima" })
    .addUser("ben", { displayName: "Ben Okafor", email: null })
    .addProject("PROJ", "Project")
    .addProject("OPS", "Operations");
  for (let i = 0; i < 130; i++) {
    data.advance(60_000);
    data.addIssue({
      project: "PROJ",
      summary: `Issue ${i + 1}`,
      reporter: "ana",
      assignee: i % 2 ? "ben" : null,
    });
  }
  const busy = data.issue("PROJ-1");
  for (let i = 0; i < 25; i++)
    data.addComment(busy.key, { author: "ben", body: ["Ping ", { mention: "ana" }, `#${i}`] });
  for (let i = 0; i < 45; i++) data.transition(busy.key, i % 2 ? "To Do" : "In Progress", { by: "ana" });
  data.addIssue({ project: "OPS", summary: "Other project", reporter: "ana" });
  return data;
}

// biome-ignore lint/suspicious/noExplicitAny: these tests walk raw API answers, whose shapes are what they check.
async function get(sandbox: JiraSandbox, path: string, auth = true): Promise<{ status: number; body: any }> {
  const data = sandbox.data;
  const res = await fetch(`${sandbox.url}${path}`, {
    headers: auth
      ? { Authorization: `Basic ${Buffer.from(`${data.email}:${data.apiToken}`).toString("base64")}` }
      : {},
  });
  return { status: res.status, body: await res.json() };
}

describe("Jira sandbox, Cloud", () => {
  let jira: JiraSandbox;
  beforeAll(async () => {
    jira = await startJiraSandbox(site("cloud"));
  });
  afterAll(() => jira.close());

  it("refuses requests without the API token, in Jira's error shape", async () => {
    const res = await get(jira, "/rest/api/3/search/jql?jql=project=PROJ", false);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ errorMessages: [expect.any(String)], errors: {} });
  });

  it("refuses an unbounded query and JQL it cannot read", async () => {
    const unbounded = await get(
      jira,
      `/rest/api/3/search/jql?jql=${encodeURIComponent("order by key desc")}`,
    );
    expect(unbounded.status).toBe(400);
    expect(unbounded.body.errorMessages[0]).toMatch(/Unbounded JQL/);
    const unknown = await get(jira, `/rest/api/3/search/jql?jql=${encodeURIComponent("project = NOPE")}`);
    expect(unknown.status).toBe(400);
    expect(unknown.body.errorMessages).toEqual(["The value 'NOPE' does not exist for the field 'project'."]);
  });

  it("returns ids only by default, at most 100 issues a page with fields and 5000 with ids only", async () => {
    const ids = await get(jira, "/rest/api/3/search/jql?jql=project=PROJ&maxResults=5000");
    expect(ids.body.issues).toHaveLength(130);
    expect(Object.keys(ids.body.issues[0]).sort()).toEqual(["expand", "id", "key", "self"]);
    expect(ids.body.isLast).toBe(true);
    expect("nextPageToken" in ids.body).toBe(false);

    const first = await get(
      jira,
      "/rest/api/3/search/jql?jql=project=PROJ+ORDER+BY+key+ASC&maxResults=500&fields=summary",
    );
    expect(first.body.issues).toHaveLength(JIRA_SANDBOX_LIMITS.searchMax);
    expect(first.body.isLast).toBe(false);
    expect(first.body.issues[0].fields).toEqual({ summary: "Issue 1" });
    const second = await get(
      jira,
      `/rest/api/3/search/jql?jql=project=PROJ+ORDER+BY+key+ASC&maxResults=500&fields=summary&nextPageToken=${encodeURIComponent(first.body.nextPageToken)}`,
    );
    expect(second.body.issues.map((i: { key: string }) => i.key).slice(0, 2)).toEqual([
      "PROJ-101",
      "PROJ-102",
    ]);
    expect(second.body.issues).toHaveLength(30);
    expect(second.body).toMatchObject({ isLast: true });
    expect(second.body.nextPageToken).toBeUndefined();
  });

  it("embeds at most 20 comments (oldest first) and the 40 newest change histories", async () => {
    const res = await get(
      jira,
      "/rest/api/3/search/jql?jql=key=PROJ-1&fields=comment,status,assignee&expand=changelog",
    );
    const issue = res.body.issues[0];
    expect(issue.fields.comment).toMatchObject({ total: 25, startAt: 0, maxResults: 20 });
    expect(issue.fields.comment.comments).toHaveLength(20);
    const body = issue.fields.comment.comments[0].body;
    expect(body.type).toBe("doc");
    expect(body.content[0].content[1]).toMatchObject({ type: "mention", attrs: { text: "@Ana Lima" } });
    expect(issue.changelog).toMatchObject({ startAt: 0, total: 45, maxResults: 40 });
    const created = issue.changelog.histories.map((h: { created: string }) => Date.parse(h.created));
    expect(created[0]).toBeGreaterThanOrEqual(created[39]);
    expect(issue.changelog.histories[0].items[0]).toMatchObject({ field: "status", fieldtype: "jira" });
    expect(issue.fields.assignee).toBeNull();
    // Times are written in the API user's zone (Asia/Shanghai here).
    expect(issue.changelog.histories[0].created).toMatch(/\+0800$/);
  });

  it("hides an email the user keeps private and writes users with their accountId", async () => {
    const res = await get(jira, "/rest/api/3/search/jql?jql=key=PROJ-2&fields=assignee,reporter");
    const { assignee, reporter } = res.body.issues[0].fields;
    expect(assignee).toMatchObject({ displayName: "Ben Okafor", accountType: "atlassian" });
    expect(assignee.emailAddress).toBeUndefined();
    expect(reporter).toMatchObject({ displayName: "Ana Lima", emailAddress: "ana@example.com" });
    expect(reporter.accountId).toMatch(/^[0-9a-f]{24}$/);
  });

  it("reads JQL date literals in the user's zone and numbers as epoch milliseconds", async () => {
    const data = jira.data;
    const tenth = data.issue("PROJ-10").updated;
    const wall = new Date(tenth + 8 * 3_600_000).toISOString().slice(0, 16).replace("T", " ");
    const byLiteral = await get(
      jira,
      `/rest/api/3/search/jql?jql=${encodeURIComponent(`project = PROJ AND updated >= "${wall}"`)}&maxResults=5000`,
    );
    const byMillis = await get(
      jira,
      `/rest/api/3/search/jql?jql=${encodeURIComponent(`project = PROJ AND updated >= ${tenth}`)}&maxResults=5000`,
    );
    const expected = [...data.issues.values()].filter(
      (i) => i.projectKey === "PROJ" && i.updated >= tenth,
    ).length;
    expect(expected).toBe(122); // PROJ-10 to PROJ-130, and PROJ-1 (commented on last)
    expect(byLiteral.body.issues).toHaveLength(expected);
    expect(byMillis.body.issues).toHaveLength(expected);
    const wrongZone = new Date(tenth).toISOString().slice(0, 16).replace("T", " ");
    const byUtcLiteral = await get(
      jira,
      `/rest/api/3/search/jql?jql=${encodeURIComponent(`project = PROJ AND updated >= "${wrongZone}"`)}&maxResults=5000`,
    );
    expect(byUtcLiteral.body.issues.length).toBeGreaterThan(expected);
  });

  it("bulk-fetches changelogs oldest first, filtered by field id, paged with nextPageToken", async () => {
    const post = async (body: unknown) => {
      const data = jira.data;
      const res = await fetch(`${jira.url}/rest/api/3/changelog/bulkfetch`, {
        method: "POST",
        headers: {
          Authorization: `Basic ${Buffer.from(`${data.email}:${data.apiToken}`).toString("base64")}`,
          "Content-Type": "application/json",
        },
        body: JSON.stringify(body),
      });
      // biome-ignore lint/suspicious/noExplicitAny: the raw answer's shape is what is checked.
      return { status: res.status, body: (await res.json()) as any };
    };
    const first = await post({ issueIdsOrKeys: ["PROJ-1", "PROJ-2"], fieldIds: ["status"], maxResults: 30 });
    expect(first.status).toBe(200);
    const histories = first.body.issueChangeLogs.flatMap(
      (l: { changeHistories: unknown[] }) => l.changeHistories,
    );
    expect(histories).toHaveLength(30);
    expect(first.body.issueChangeLogs[0].issueId).toBe(jira.data.issue("PROJ-1").id);
    const created = histories.map((h: { created: string }) => Date.parse(h.created));
    expect(created).toEqual([...created].sort((a, b) => a - b));
    const second = await post({
      issueIdsOrKeys: ["PROJ-1", "PROJ-2"],
      fieldIds: ["status"],
      maxResults: 30,
      nextPageToken: first.body.nextPageToken,
    });
    expect(second.body.issueChangeLogs[0].changeHistories).toHaveLength(15);
    expect(second.body.nextPageToken).toBeNull();
    const other = await post({ issueIdsOrKeys: ["PROJ-1"], fieldIds: ["assignee"] });
    expect(other.body.issueChangeLogs).toEqual([]);
    const tooMany = await post({ issueIdsOrKeys: Array.from({ length: 1001 }, (_, i) => `PROJ-${i + 1}`) });
    expect(tooMany.status).toBe(400);
    const tooManyFields = await post({
      issueIdsOrKeys: ["PROJ-1"],
      fieldIds: Array.from({ length: 11 }, (_, i) => `customfield_${i}`),
    });
    expect(tooManyFields.status).toBe(400);
  });

  it("pages comments with startAt/maxResults/total and the changelog with isLast", async () => {
    const comments = await get(jira, "/rest/api/3/issue/PROJ-1/comment?startAt=20&maxResults=10");
    expect(comments.body).toMatchObject({ startAt: 20, total: 25, maxResults: 5 });
    expect(comments.body.comments).toHaveLength(5);
    const changelog = await get(jira, "/rest/api/3/issue/PROJ-1/changelog?startAt=0&maxResults=500");
    expect(changelog.body).toMatchObject({ startAt: 0, maxResults: 100, total: 45, isLast: true });
    expect(changelog.body.values).toHaveLength(45);
    const missing = await get(jira, "/rest/api/3/issue/PROJ-999/comment");
    expect(missing.status).toBe(404);
    expect(missing.body.errorMessages).toEqual([
      "Issue does not exist or you do not have permission to see it.",
    ]);
  });

  it("answers the removed v2 search with 410 and reports itself as Cloud", async () => {
    expect((await get(jira, "/rest/api/2/search?jql=project=PROJ")).status).toBe(410);
    expect((await get(jira, "/rest/api/3/serverInfo")).body.deploymentType).toBe("Cloud");
  });

  it("shows a test's changes at once", async () => {
    const data = jira.data;
    data.advance(60_000);
    const comment = data.addComment("PROJ-130", { author: "ana", body: "first" });
    data.editComment(comment.id, { body: "edited" });
    let res = await get(jira, "/rest/api/3/issue/PROJ-130/comment");
    expect(res.body.comments[0].body.content[0].content[0].text).toBe("edited");
    data.deleteIssue("PROJ-130");
    res = await get(jira, "/rest/api/3/search/jql?jql=key=PROJ-130");
    expect(res.body.issues).toEqual([]);
  });
});

describe("Jira sandbox, Data Center", () => {
  let jira: JiraSandbox;
  beforeAll(async () => {
    jira = await startJiraSandbox(site("datacenter"));
  });
  afterAll(() => jira.close());

  it("pages the v2 search with startAt, maxResults and total, every comment embedded in wiki markup", async () => {
    const res = await get(
      jira,
      "/rest/api/2/search?jql=project=PROJ+ORDER+BY+key+ASC&startAt=0&maxResults=2000&expand=changelog",
    );
    expect(res.body).toMatchObject({ startAt: 0, maxResults: JIRA_SANDBOX_LIMITS.dcSearchMax, total: 130 });
    const issue = res.body.issues[0];
    expect(issue.fields.comment.comments).toHaveLength(25);
    expect(issue.fields.comment.comments[0].body).toBe("Ping [~ana]#0");
    expect(issue.fields.reporter).toMatchObject({ name: "ana", key: expect.stringMatching(/^JIRAUSER/) });
    expect(issue.fields.reporter.accountId).toBeUndefined();
    expect(issue.changelog.histories).toHaveLength(45);
    const page2 = await get(
      jira,
      "/rest/api/2/search?jql=project=PROJ+ORDER+BY+key+ASC&startAt=120&maxResults=50",
    );
    expect(page2.body.issues).toHaveLength(10);
  });

  it("has no v3, no enhanced search and no changelog endpoint", async () => {
    expect((await get(jira, "/rest/api/3/search/jql?jql=project=PROJ")).status).toBe(404);
    expect((await get(jira, "/rest/api/2/search/jql?jql=project=PROJ")).status).toBe(404);
    expect((await get(jira, "/rest/api/2/issue/PROJ-1/changelog")).status).toBe(404);
    expect((await get(jira, "/rest/api/2/serverInfo")).body.deploymentType).toBe("Server");
  });

  it("takes a personal access token as a bearer token", async () => {
    const res = await fetch(`${jira.url}/rest/api/2/project`, {
      headers: { Authorization: `Bearer ${jira.data.apiToken}` },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Array<{ key: string }>).map((p) => p.key)).toEqual(["PROJ", "OPS"]);
  });
});

describe("Jira sandbox webhooks", () => {
  it("signs the raw body with HMAC-SHA256 as X-Hub-Signature and keeps one identifier a delivery", () => {
    const data = site("cloud");
    const issue = data.issue("PROJ-1");
    const payload = commentEventPayload(
      data,
      "https://example.atlassian.net",
      "comment_created",
      issue,
      issue.comments[0]!,
    );
    expect(payload).toMatchObject({
      webhookEvent: "comment_created",
      comment: { id: issue.comments[0]!.id, body: expect.stringContaining("[~accountid:") },
      issue: { key: "PROJ-1", fields: { summary: "Issue 1" } },
    });
    const delivery = signedDelivery(payload, { secret: "s3cret", identifier: "d-1" });
    const expected = createHmac("sha256", "s3cret").update(delivery.body).digest("hex");
    expect(delivery.headers["x-hub-signature"]).toBe(`sha256=${expected}`);
    expect(delivery.headers["x-atlassian-webhook-identifier"]).toBe("d-1");
  });
});

describe("Jira demo site", () => {
  it("holds a client project of 30 issues over six weeks, its last event at now", () => {
    const now = new Date("2026-05-04T12:00:00Z");
    const data = buildJiraDemoDataset({ now });
    const issues = [...data.issues.values()];
    expect(issues).toHaveLength(30);
    expect(issues.map((i) => i.key)).toEqual(Array.from({ length: 30 }, (_, i) => `ACME-${i + 1}`));
    const updated = issues.map((i) => i.updated);
    expect(Math.max(...updated)).toBeLessThanOrEqual(now.getTime());
    expect(Math.min(...issues.map((i) => i.created))).toBeLessThan(now.getTime() - 40 * 86_400_000);
    expect(new Set(issues.map((i) => data.status(i.statusId).name))).toEqual(
      new Set(["To Do", "In Progress", "In Review", "Blocked", "Done"]),
    );
    expect(issues.filter((i) => i.assigneeId === null).length).toBeGreaterThanOrEqual(3);
    expect(data.issue("ACME-3").comments.at(-1)!.created).toBe(
      Math.max(...data.issue("ACME-3").comments.map((c) => c.created)),
    );
  });
});
