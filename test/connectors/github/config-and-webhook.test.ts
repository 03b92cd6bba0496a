/**
 * GitHub settings from the environment, and the webhook handler on its own: the signature check (good, bad,
 * missing, no secret configured) and what each event becomes.
 */
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { githubSettingsFromEnv, toGithubWebUrl } from "../../../connectors/github/config.ts";
import { mapGithubRecord } from "../../../connectors/github/map.ts";
import {
  githubWebhook,
  parseGithubWebhook,
  verifyGithubSignature,
} from "../../../connectors/github/webhook.ts";
import type { WebhookRequest } from "../../../connectors/types.ts";
import { ConfigError } from "../../../src/config.ts";

const examples = JSON.parse(
  readFileSync(
    new URL("../../../node_modules/@octokit/webhooks-examples/api.github.com/index.json", import.meta.url),
    "utf8",
  ),
) as Array<{ name: string; examples: Array<Record<string, unknown>> }>;
const example = (name: string, action: string) =>
  examples.find((e) => e.name === name)!.examples.find((e) => e.action === action)!;

const SECRET = "It's a Secret to Everybody";
const settings = githubSettingsFromEnv({
  GITHUB_TOKEN: "ghp_x",
  GITHUB_REPOS: "codertocat/hello-world",
  GITHUB_WEBHOOK_SECRET: SECRET,
})!;

function delivery(event: string, payload: unknown, secret = SECRET): WebhookRequest {
  const body = JSON.stringify(payload);
  return {
    url: "https://threadline.example/webhooks/github",
    body,
    now: new Date("2025-03-14T08:00:00Z"),
    headers: {
      "x-github-event": event,
      "x-github-delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958",
      "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`,
    },
  };
}

describe("GitHub settings", () => {
  it("reads the token, the repositories and the API root, and derives the web address", () => {
    expect(githubSettingsFromEnv({ GITHUB_TOKEN: " ghp_abc ", GITHUB_REPOS: "acme/web, acme/api" })).toEqual({
      token: "ghp_abc",
      repos: ["acme/web", "acme/api"],
      apiUrl: "https://api.github.com",
      webUrl: "https://github.com",
      webhookSecret: null,
    });
    expect(
      githubSettingsFromEnv({ GITHUB_TOKEN: "t", GITHUB_API_URL: "https://ghe.example.com/api/v3/" }),
    ).toMatchObject({
      apiUrl: "https://ghe.example.com/api/v3",
      webUrl: "https://ghe.example.com",
      repos: [],
    });
    expect(githubSettingsFromEnv({})).toBeNull();
  });

  it.each([
    ["https://api.github.com", "https://github.com"],
    ["https://ghe.example.com/api/v3", "https://ghe.example.com"],
    ["https://code.example.com/github/api/v3", "https://code.example.com/github"],
    ["https://api.acme.ghe.com", "https://acme.ghe.com"],
    ["http://127.0.0.1:4000", "http://127.0.0.1:4000"],
  ])("the web address of %s is %s", (api, web) => {
    expect(toGithubWebUrl(api)).toBe(web);
  });

  it("names the variable that is wrong", () => {
    expect(() => githubSettingsFromEnv({ GITHUB_REPOS: "acme/web" })).toThrow(ConfigError);
    expect(() => githubSettingsFromEnv({ GITHUB_REPOS: "acme/web" })).toThrow(
      /^\[threadline\] \[github\] GITHUB_TOKEN must be set/,
    );
    expect(() => githubSettingsFromEnv({ GITHUB_TOKEN: "t", GITHUB_REPOS: "acme" })).toThrow(
      /GITHUB_REPOS must be comma-separated owner\/name/,
    );
    expect(() => githubSettingsFromEnv({ GITHUB_TOKEN: "t", GITHUB_API_URL: "api.github.com" })).toThrow(
      /GITHUB_API_URL must be the API root/,
    );
  });
});

describe("GitHub webhook: signatures", () => {
  it("accepts GitHub's documented example signature", async () => {
    // docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries#testing-the-webhook-payload-validation
    expect(
      await verifyGithubSignature(
        SECRET,
        "Hello, World!",
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
      ),
    ).toBe(true);
    // The same vector through the handler the server calls, and refused once any part of it changes.
    const documented: WebhookRequest = {
      url: "https://threadline.example/webhooks/github",
      body: "Hello, World!",
      now: new Date("2025-03-14T08:00:00Z"),
      headers: {
        "x-github-event": "ping",
        "x-hub-signature-256": "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
      },
    };
    expect(await githubWebhook.verify(documented, settings)).toBe(true);
    expect(await githubWebhook.verify({ ...documented, body: "Hello, World?" }, settings)).toBe(false);
    expect(
      await githubWebhook.verify(documented, { ...settings, webhookSecret: "It's a secret to everybody" }),
    ).toBe(false);
  });

  it("accepts a good signature and refuses a bad, a truncated, a missing one, or any without a secret", async () => {
    const good = delivery("ping", { zen: "hi" });
    expect(await githubWebhook.verify(good, settings)).toBe(true);
    expect(await githubWebhook.verify(delivery("ping", { zen: "hi" }, "other secret"), settings)).toBe(false);
    expect(await githubWebhook.verify({ ...good, body: `${good.body} ` }, settings)).toBe(false);
    const sig = good.headers["x-hub-signature-256"]!;
    expect(
      await githubWebhook.verify(
        { ...good, headers: { ...good.headers, "x-hub-signature-256": sig.slice(0, -2) } },
        settings,
      ),
    ).toBe(false);
    expect(
      await githubWebhook.verify(
        { ...good, headers: { ...good.headers, "x-hub-signature-256": "sha1=00" } },
        settings,
      ),
    ).toBe(false);
    expect(await githubWebhook.verify({ ...good, headers: { "x-github-event": "ping" } }, settings)).toBe(
      false,
    );
    expect(await githubWebhook.verify(good, { ...settings, webhookSecret: null })).toBe(false);
  });
});

describe("GitHub webhook: events", () => {
  it("turns an issue comment into the record the pull stores, named by the configured repository", () => {
    const payload = example("issue_comment", "created");
    const result = parseGithubWebhook(delivery("issue_comment", payload), settings);
    expect(result).toEqual({
      type: "records",
      scope: "codertocat/hello-world",
      records: [
        { type: "issue_comment", data: payload.comment, context: { repo: "codertocat/hello-world" } },
      ],
      deletions: [],
      deliveryId: "72d3162e-cc78-11e3-81ab-4c9367dc0958",
    });
  });

  it("keeps a label added to an issue as a status change naming it, by whom and when", () => {
    const payload = example("issues", "labeled");
    const result = parseGithubWebhook(delivery("issues", payload), settings);
    if (result.type !== "records") throw new Error(`expected records, got ${result.type}`);
    expect(result.records.map((r) => r.type)).toEqual(["rest_issue", "labeled"]);
    const mapped = mapGithubRecord(result.records[1]!);
    expect(mapped.items).toEqual([
      expect.objectContaining({
        kind: "status_change",
        text: "Labelled bug",
        at: new Date("2019-05-15T15:20:18Z"),
        parentTaskKey: "codertocat/hello-world#1",
        author: expect.objectContaining({ source: "github" }),
        meta: expect.objectContaining({ labelsAdded: ["bug"] }),
      }),
    ]);
    // Any other action on an issue adds no label change.
    const opened = parseGithubWebhook(delivery("issues", example("issues", "opened")), settings);
    expect(opened.type === "records" && opened.records.map((r) => r.type)).toEqual(["rest_issue"]);
  });

  it("tombstones deleted comments, review comments and issues", () => {
    const comment = example("issue_comment", "deleted");
    expect(parseGithubWebhook(delivery("issue_comment", comment), settings)).toMatchObject({
      records: [],
      deletions: [
        {
          type: "item",
          externalId: `codertocat/hello-world:issue_comment:${(comment.comment as { id: number }).id}`,
          at: null,
        },
      ],
    });
    const reviewComment = example("pull_request_review_comment", "deleted");
    expect(
      parseGithubWebhook(delivery("pull_request_review_comment", reviewComment), settings),
    ).toMatchObject({
      deletions: [
        { type: "item", externalId: expect.stringMatching(/^codertocat\/hello-world:review_comment:\d+$/) },
      ],
    });
    expect(parseGithubWebhook(delivery("issues", example("issues", "deleted")), settings)).toMatchObject({
      deletions: [
        { type: "task", externalId: "codertocat/hello-world#1" },
        { type: "item", externalId: "codertocat/hello-world:issue:1" },
      ],
    });
  });

  it("reads pull requests, reviews with their pull request's number, and review comments", () => {
    const review = example("pull_request_review", "submitted");
    expect(parseGithubWebhook(delivery("pull_request_review", review), settings)).toMatchObject({
      records: [{ type: "rest_review", context: { repo: "codertocat/hello-world", number: "2" } }],
    });
    expect(
      parseGithubWebhook(delivery("pull_request", example("pull_request", "opened")), settings),
    ).toMatchObject({
      records: [{ type: "rest_pull_request" }],
    });
    expect(
      parseGithubWebhook(
        delivery("pull_request_review_comment", example("pull_request_review_comment", "created")),
        settings,
      ),
    ).toMatchObject({ records: [{ type: "review_comment" }] });
  });

  it("asks for a pull of the repository on a deployment status, and ignores the rest", () => {
    expect(
      parseGithubWebhook(delivery("deployment_status", example("deployment_status", "created")), settings),
    ).toEqual({
      type: "sync",
      scopes: ["codertocat/hello-world"],
    });
    expect(parseGithubWebhook(delivery("ping", { zen: "hi", hook_id: 1 }), settings)).toMatchObject({
      type: "ignore",
    });
    expect(
      parseGithubWebhook(
        delivery("star", { action: "created", repository: { full_name: "Codertocat/Hello-World" } }),
        settings,
      ),
    ).toMatchObject({
      type: "ignore",
    });
    const elsewhere = { ...example("issues", "opened"), repository: { full_name: "someone/else" } };
    expect(parseGithubWebhook(delivery("issues", elsewhere), settings)).toEqual({
      type: "ignore",
      reason: "someone/else is not in GITHUB_REPOS",
    });
  });

  it("refuses a body it cannot read with an invalid error", () => {
    const bad = { ...delivery("issues", {}), body: "{" };
    expect(() => parseGithubWebhook(bad, settings)).toThrow(/webhook: the issues body is not JSON/);
    expect(() =>
      parseGithubWebhook(
        delivery("issue_comment", { action: "created", repository: { full_name: "Codertocat/Hello-World" } }),
        settings,
      ),
    ).toThrow(/issue_comment\.created: cannot read comment/);
  });
});
