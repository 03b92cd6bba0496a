/**
 * The Jira connector's settings and its webhook handler, on plain data.
 */
import { describe, expect, it } from "vitest";
import { jiraConnector } from "../../../connectors/jira/index.ts";
import { verifyJiraSignature } from "../../../connectors/jira/webhook.ts";
import {
  commentEventPayload,
  issueEventPayload,
  JiraDataset,
  signedDelivery,
  signJiraWebhook,
} from "../../../connectors/sandbox/jira/index.ts";
import type { WebhookRequest } from "../../../connectors/types.ts";
import { ConfigError } from "../../../src/config.ts";
import { buildSite } from "./helpers.ts";

const BASE = {
  JIRA_BASE_URL: "https://your-domain.atlassian.net/",
  JIRA_EMAIL: "sync@acme.dev",
  JIRA_API_TOKEN: "ATATT3x-token",
};

describe("Jira settings", () => {
  it("is off without its variables, and reads them when set", () => {
    expect(jiraConnector.fromEnv({})).toBeNull();
    expect(jiraConnector.fromEnv({ ...BASE, JIRA_PROJECTS: "PROJ, OPS", JIRA_WEBHOOK_SECRET: "s" })).toEqual({
      baseUrl: "https://your-domain.atlassian.net",
      email: "sync@acme.dev",
      apiToken: "ATATT3x-token",
      projects: ["PROJ", "OPS"],
      webhookSecret: "s",
      deployment: null,
    });
  });

  it.each([
    [{ ...BASE, JIRA_BASE_URL: "your-domain.atlassian.net" }, /JIRA_BASE_URL must be the site's URL/],
    [{ JIRA_API_TOKEN: "t" }, /JIRA_BASE_URL must be set/],
    [{ JIRA_BASE_URL: "https://jira.example.com" }, /JIRA_API_TOKEN must be set/],
    [{ ...BASE, JIRA_PROJECTS: "proj" }, /JIRA_PROJECTS must be comma-separated project keys/],
    [{ ...BASE, JIRA_DEPLOYMENT: "server" }, /JIRA_DEPLOYMENT must be cloud or datacenter/],
    [{ ...BASE, JIRA_EMAIL: "", JIRA_DEPLOYMENT: "cloud" }, /JIRA_EMAIL must be set on Jira Cloud/],
  ])("names the variable that is wrong: %o", (env, message) => {
    expect(() => jiraConnector.fromEnv(env)).toThrow(ConfigError);
    expect(() => jiraConnector.fromEnv(env)).toThrow(message);
  });

  it("takes a Data Center personal access token without an email", () => {
    const settings = jiraConnector.fromEnv({
      JIRA_BASE_URL: "https://jira.example.com/jira",
      JIRA_API_TOKEN: "pat",
      JIRA_DEPLOYMENT: "datacenter",
    });
    expect(settings).toMatchObject({ email: null, deployment: "datacenter", projects: [] });
  });
});

describe("Jira webhook", () => {
  const data = buildSite("cloud");
  const site = "https://your-domain.atlassian.net";
  const settings = jiraConnector.fromEnv({ ...BASE, JIRA_PROJECTS: "PROJ", JIRA_WEBHOOK_SECRET: "secret" })!;
  const request = (payload: unknown, secret = "secret", identifier = "delivery-1"): WebhookRequest => {
    const delivery = signedDelivery(payload, { secret, identifier });
    return {
      url: `${site}/webhooks/jira`,
      headers: delivery.headers,
      body: delivery.body,
      now: new Date("2026-03-02T08:00:00Z"),
    };
  };

  it("accepts the HMAC of the body with the secret, and nothing else", async () => {
    const issue = data.issue("PROJ-3");
    const good = request(commentEventPayload(data, site, "comment_created", issue, issue.comments[0]!));
    expect(await jiraConnector.webhook.verify(good, settings)).toBe(true);
    expect(await jiraConnector.webhook.verify(request(JSON.parse(good.body), "other"), settings)).toBe(false);
    expect(await jiraConnector.webhook.verify({ ...good, body: `${good.body} ` }, settings)).toBe(false);
    const upper = {
      ...good.headers,
      "x-hub-signature": good.headers["x-hub-signature"]!.toUpperCase().replace("SHA256", "sha256"),
    };
    expect(await jiraConnector.webhook.verify({ ...good, headers: upper }, settings)).toBe(true);
    expect(
      await jiraConnector.webhook.verify({ ...good, headers: { "x-hub-signature": "sha1=abc" } }, settings),
    ).toBe(false);
    expect(await jiraConnector.webhook.verify(good, { ...settings, webhookSecret: null })).toBe(false);
    expect(signJiraWebhook("{}", "k")).toMatch(/^sha256=[0-9a-f]{64}$/);
  });

  it("checks X-Hub-Signature as HMAC-SHA256 of the raw body against a published vector", async () => {
    // Atlassian documents the scheme (X-Hub-Signature: sha256=<hex HMAC-SHA256 of the body with the
    // webhook's secret>, after WebSub) but publishes no example delivery with its signature. RFC 4231's
    // test case 2 is a published HMAC-SHA256 vector: key "Jefe", data "what do ya want for nothing?".
    const vector = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
    const body = "what do ya want for nothing?";
    const pushed: WebhookRequest = {
      url: `${site}/webhooks/jira`,
      headers: { "x-hub-signature": `sha256=${vector}`, "x-atlassian-webhook-identifier": "delivery-9" },
      body,
      now: new Date("2026-03-02T08:00:00Z"),
    };
    const jefe = { ...settings, webhookSecret: "Jefe" };
    expect(await jiraConnector.webhook.verify(pushed, jefe)).toBe(true);
    expect(await verifyJiraSignature(body, `sha256=${vector}`, "Jefe")).toBe(true);
    expect(await jiraConnector.webhook.verify({ ...pushed, body: `${body} ` }, jefe)).toBe(false);
    expect(await jiraConnector.webhook.verify(pushed, { ...settings, webhookSecret: "jefe" })).toBe(false);
    expect(
      await jiraConnector.webhook.verify(
        { ...pushed, headers: { "x-hub-signature": `sha256=${vector.replace(/3$/, "4")}` } },
        jefe,
      ),
    ).toBe(false);
  });

  it("turns a comment push into the comment under its issue, with the delivery id", () => {
    const issue = data.issue("PROJ-3");
    const comment = issue.comments[0]!;
    const result = jiraConnector.webhook.parse(
      request(commentEventPayload(data, site, "comment_updated", issue, comment)),
      settings,
    );
    expect(result).toMatchObject({
      type: "records",
      scope: "PROJ",
      deliveryId: "delivery-1",
      deletions: [],
      records: [{ type: "comment", context: { issueKey: "PROJ-3", issueId: issue.id, siteUrl: site } }],
    });
  });

  it("links a push to the site named by its self link when JIRA_BASE_URL is Atlassian's API gateway", () => {
    const gateway = jiraConnector.fromEnv({
      ...BASE,
      JIRA_BASE_URL: "https://api.atlassian.com/ex/jira/11111111-2222-3333-4444-555555555555",
      JIRA_PROJECTS: "PROJ",
      JIRA_WEBHOOK_SECRET: "secret",
    })!;
    const issue = data.issue("PROJ-3");
    const result = jiraConnector.webhook.parse(
      request(commentEventPayload(data, site, "comment_created", issue, issue.comments[0]!)),
      gateway,
    );
    expect(result).toMatchObject({ records: [{ type: "comment", context: { siteUrl: site } }] });
  });

  it("turns deletions into tombstones", () => {
    const issue = data.issue("PROJ-3");
    const comment = issue.comments[0]!;
    const gone = jiraConnector.webhook.parse(
      request(commentEventPayload(data, site, "comment_deleted", issue, comment)),
      settings,
    );
    expect(gone).toMatchObject({
      type: "records",
      records: [],
      deletions: [{ type: "item", externalId: `comment:${comment.id}` }],
    });
    const deleted = jiraConnector.webhook.parse(
      request(issueEventPayload(data, site, "jira:issue_deleted", issue, { by: "ana" })),
      settings,
    );
    expect(deleted).toMatchObject({
      deletions: [{ type: "task", externalId: issue.id, at: new Date(data.now) }],
    });
  });

  it("keeps the status change an issue push carries, and nothing of other changes", () => {
    const d = buildSite("cloud");
    const status = d.transition("PROJ-1", "In Review", { by: "ben" });
    const labels = d.updateIssue("PROJ-1", { labels: ["sso"] }, { by: "ben" });
    const withStatus = jiraConnector.webhook.parse(
      request(
        issueEventPayload(d, site, "jira:issue_updated", d.issue("PROJ-1"), { by: "ben", change: status }),
      ),
      settings,
    );
    expect(withStatus.type === "records" && withStatus.records.map((r) => r.type)).toEqual([
      "issue",
      "history",
    ]);
    const mapped = withStatus.type === "records" ? jiraConnector.map(withStatus.records[1]!) : {};
    expect(mapped.items?.[0]).toMatchObject({
      kind: "status_change",
      text: "In Progress → In Review",
      externalId: `history:${status.id}`,
    });
    const withLabels = jiraConnector.webhook.parse(
      request(
        issueEventPayload(d, site, "jira:issue_updated", d.issue("PROJ-1"), { by: "ben", change: labels }),
      ),
      settings,
    );
    expect(withLabels.type === "records" && withLabels.records.map((r) => r.type)).toEqual(["issue"]);
  });

  it("ignores other projects and other events, and refuses a body it cannot read", () => {
    const other = buildSite("cloud");
    const ops = other.issue("OPS-1");
    expect(
      jiraConnector.webhook.parse(
        request(issueEventPayload(other, site, "jira:issue_created", ops, { by: "ben" })),
        settings,
      ),
    ).toMatchObject({
      type: "ignore",
    });
    expect(
      jiraConnector.webhook.parse(request({ webhookEvent: "jira:worklog_updated" }), settings),
    ).toMatchObject({ type: "ignore" });
    expect(() => jiraConnector.webhook.parse({ ...request({}), body: "not json" }, settings)).toThrow(
      /not JSON/,
    );
    expect(() => jiraConnector.webhook.parse(request({ webhookEvent: "comment_created" }), settings)).toThrow(
      /without an issue/,
    );
  });

  it("maps a Data Center push, whose users have names and no account ids", () => {
    const dc = new JiraDataset({ deployment: "datacenter" })
      .addUser("ana", { displayName: "Ana Lima" })
      .addProject("PROJ");
    const issue = dc.addIssue({ project: "PROJ", summary: "On-prem", reporter: "ana" });
    const comment = dc.addComment(issue.key, { author: "ana", body: ["ping ", { mention: "ana" }] });
    const result = jiraConnector.webhook.parse(
      request(commentEventPayload(dc, site, "comment_created", issue, comment)),
      settings,
    );
    if (result.type !== "records") throw new Error("expected records");
    expect(jiraConnector.map(result.records[0]!).items?.[0]).toMatchObject({
      text: "ping @ana",
      author: { source: "jira", externalId: "ana" },
      meta: { mentions: ["ana"] },
    });
  });
});
