/**
 * `map.ts` on plain data. Golden cases: each file under golden/ holds a GitHub API object as the pull or a
 * webhook stores it, where its shape comes from (the recorded responses of @octokit/fixtures and
 * @octokit/webhooks-examples, or the published GraphQL schema), and the model it must become (times as ISO).
 */
import { describe, expect, it } from "vitest";
import { fromGraphqlActor, mapGithubRecord, toMentions, toStatus } from "../../../connectors/github/map.ts";
import type { RawRecord } from "../../../connectors/types.ts";
import { loadGoldenCases } from "../kit.ts";

const cases = loadGoldenCases(new URL("./golden/", import.meta.url));

describe("GitHub map: golden cases", () => {
  it("has the cases it is meant to have", () => {
    expect(cases.map((c) => c.file)).toEqual([
      "graphql-deployment-status-success.json",
      "graphql-issue-not-planned.json",
      "graphql-issue.json",
      "graphql-pull-request-draft.json",
      "graphql-pull-request-merged.json",
      "graphql-review-bot.json",
      "graphql-review-changes-requested.json",
      "rest-issue-list.json",
      "webhook-issue-comment-created.json",
      "webhook-issue-comment-edited.json",
      "webhook-issue-opened.json",
      "webhook-pull-request-closed.json",
      "webhook-pull-request-opened.json",
      "webhook-pull-request-review-comment-created.json",
      "webhook-pull-request-review-dismissed.json",
      "webhook-pull-request-review-submitted.json",
      "webhook-pull-request-review-thread-resolved.json",
    ]);
  });

  it.each(cases)("$file: $description", ({ record, expected }) => {
    expect(JSON.parse(JSON.stringify(mapGithubRecord(record)))).toEqual(expected);
  });
});

const graphql = cases.find((c) => c.file === "graphql-review-changes-requested.json")!.record;
const data = graphql.data as Record<string, unknown>;

describe("GitHub map: the same object through either API maps to the same model", () => {
  it("a review from GraphQL and from a webhook", () => {
    const rest: RawRecord = {
      type: "rest_review",
      context: graphql.context!,
      data: {
        id: data.databaseId as number,
        user: { login: "kofi-m", id: 1003, type: "User" },
        body: data.body as string,
        state: "changes_requested",
        html_url: data.url as string,
        submitted_at: data.submittedAt as string,
      },
    };
    expect(mapGithubRecord(rest).items).toEqual(mapGithubRecord(graphql).items);
  });

  it("a pending review is nobody's business yet", () => {
    expect(mapGithubRecord({ ...graphql, data: { ...data, state: "PENDING", submittedAt: null } })).toEqual(
      {},
    );
  });
});

describe("GitHub map: rules", () => {
  it.each([
    ["@anna please look", ["anna"]],
    ["cc @ben, @kofi-m and @anna.", ["ben", "kofi-m", "anna"]],
    ["mail anna@acme.dev", []],
    ["ping @acme/qa", []],
    ["`@not-a-mention` inside code? no: @real", ["real"]],
    ["@-x @a--b @end-", []],
  ])("mentions in %j", (text, expected) => {
    expect(toMentions(text)).toEqual(expected);
  });

  it.each([
    [
      { state: "open" as const, labels: [], pull: null },
      { status: "open", category: "todo" },
    ],
    [
      { state: "open" as const, labels: ["In Progress"], pull: null },
      { status: "open", category: "in_progress" },
    ],
    [
      { state: "open" as const, labels: ["status: doing"], pull: null },
      { status: "open", category: "in_progress" },
    ],
    [
      { state: "closed" as const, labels: [], pull: null },
      { status: "closed", category: "done" },
    ],
  ])("an issue %j is %j", (facts, expected) => {
    expect(toStatus(facts)).toEqual(expected);
  });

  it("Bot logins get back the [bot] suffix GraphQL drops; users keep theirs", () => {
    expect(fromGraphqlActor({ __typename: "Bot", login: "github-actions" })).toMatchObject({
      login: "github-actions[bot]",
      isBot: true,
    });
    expect(fromGraphqlActor({ __typename: "User", login: "anna", name: "", email: "" })).toMatchObject({
      id: null,
      login: "anna",
      name: null,
      profileEmail: null,
      isBot: false,
    });
  });

  it("keys people by numeric id with the login as handle, and keeps the best address as email", () => {
    const record: RawRecord = {
      type: "issue",
      context: { repo: "acme/web" },
      data: {
        number: 9,
        title: "Renamed",
        state: "OPEN",
        url: "https://github.com/acme/web/issues/9",
        createdAt: "2025-03-03T09:00:00Z",
        updatedAt: "2025-03-03T09:00:00Z",
        author: {
          __typename: "User",
          databaseId: 1001,
          login: "Anna-K",
          name: "Anna Kowalski",
          email: "anna@kowalski.example",
          organizationVerifiedDomainEmails: ["Anna@Acme.dev", "41+anna@users.noreply.github.com"],
        },
      },
    };
    expect(mapGithubRecord(record).identities).toEqual([
      {
        source: "github",
        externalId: "1001",
        handle: "anna-k",
        displayName: "Anna Kowalski",
        email: "anna@acme.dev",
        emails: ["anna@kowalski.example"],
        isGuest: false,
        isBot: false,
      },
    ]);
    expect(mapGithubRecord(record).tasks![0]!.reporter).toEqual({ source: "github", externalId: "1001" });
  });

  it("refuses a record it cannot read, naming it", () => {
    expect(() =>
      mapGithubRecord({ type: "issue", data: { number: "x" }, context: { repo: "a/b" } }),
    ).toThrow();
    expect(() => mapGithubRecord({ type: "gist", data: {} })).toThrow(/unknown GitHub record type "gist"/);
    expect(() => mapGithubRecord({ ...graphql, context: {} })).toThrow(/needs context\.repo/);
  });
});
