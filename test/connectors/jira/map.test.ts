/**
 * `map.ts` on plain data. Golden cases: each file under golden/ holds a Jira API object (as the pull or the
 * webhook stores it), where its shape comes from, and the model it must become (times as ISO strings).
 */
import { describe, expect, it } from "vitest";
import { mapJiraRecord, toSiteUrl, toStatusCategory } from "../../../connectors/jira/map.ts";
import { toBodyText, wikiToText } from "../../../connectors/jira/text.ts";
import { loadGoldenCases } from "../kit.ts";

const cases = loadGoldenCases(new URL("./golden/", import.meta.url));

describe("Jira map: golden cases", () => {
  it("has the cases it is meant to have", () => {
    expect(cases.map((c) => c.file)).toEqual([
      "cloud-comment-adf.json",
      "cloud-history-label.json",
      "cloud-history-other.json",
      "cloud-history-status.json",
      "cloud-issue-v3.json",
      "customer-identity.json",
      "dc-comment-wiki.json",
      "dc-issue-v2.json",
      "webhook-comment-created.json",
    ]);
  });

  it.each(cases)("$file: $description", ({ record, expected }) => {
    expect(JSON.parse(JSON.stringify(mapJiraRecord(record)))).toEqual(expected);
  });
});

describe("Jira map", () => {
  it.each([
    ["new", "todo"],
    ["indeterminate", "in_progress"],
    ["done", "done"],
    ["undefined", "todo"],
    [undefined, "todo"],
  ] as const)("maps status category %s to %s", (key, category) => {
    expect(toStatusCategory(key)).toBe(category);
  });

  it("finds the site of an object behind a context path", () => {
    expect(toSiteUrl("https://jira.example.com/jira/rest/api/2/issue/10002")).toBe(
      "https://jira.example.com/jira",
    );
    expect(toSiteUrl("https://x.atlassian.net/rest/api/3/issue/1/comment/2")).toBe("https://x.atlassian.net");
    expect(toSiteUrl(undefined)).toBeNull();
  });

  it("refuses a record it does not know, and an issue without its fields", () => {
    expect(() => mapJiraRecord({ type: "worklog", data: {} })).toThrow(/unknown Jira record type/);
    expect(() => mapJiraRecord({ type: "issue", data: { id: "1", key: "A-1" } })).toThrow();
    expect(() =>
      mapJiraRecord({ type: "comment", data: { id: "1", created: "2024-01-01T00:00:00.000+0000" } }),
    ).toThrow(/context.issueKey/);
  });
});

describe("Jira bodies as text", () => {
  it.each([
    ["an empty body", null, "", []],
    [
      "a mention without its text",
      { type: "doc", content: [{ type: "paragraph", content: [{ type: "mention", attrs: { id: "abc" } }] }] },
      "@abc",
      ["abc"],
    ],
    [
      "an ordered list, a quote, a rule and a table",
      {
        type: "doc",
        content: [
          {
            type: "orderedList",
            attrs: { order: 3 },
            content: [
              {
                type: "listItem",
                content: [{ type: "paragraph", content: [{ type: "text", text: "third" }] }],
              },
            ],
          },
          {
            type: "blockquote",
            content: [{ type: "paragraph", content: [{ type: "text", text: "quoted" }] }],
          },
          { type: "rule" },
          {
            type: "table",
            content: [
              {
                type: "tableRow",
                content: [
                  {
                    type: "tableHeader",
                    content: [{ type: "paragraph", content: [{ type: "text", text: "env" }] }],
                  },
                  {
                    type: "tableCell",
                    content: [{ type: "paragraph", content: [{ type: "text", text: "prod" }] }],
                  },
                ],
              },
            ],
          },
        ],
      },
      "3. third\n\n> quoted\n\n---\n\nenv | prod",
      [],
    ],
    [
      "a task list, a status lozenge and a date",
      {
        type: "doc",
        content: [
          {
            type: "taskList",
            content: [
              { type: "taskItem", attrs: { state: "DONE" }, content: [{ type: "text", text: "deploy" }] },
              { type: "taskItem", attrs: { state: "TODO" }, content: [{ type: "text", text: "announce" }] },
            ],
          },
          {
            type: "paragraph",
            content: [
              { type: "status", attrs: { text: "BLOCKED" } },
              { type: "text", text: " since " },
              { type: "date", attrs: { timestamp: "1767225600000" } },
            ],
          },
        ],
      },
      "[x] deploy\n[ ] announce\n\n[BLOCKED] since 2026-01-01",
      [],
    ],
  ] as const)("reads %s", (_what, body, text, mentions) => {
    expect(toBodyText(body as never)).toEqual({ text, mentions });
  });

  it("reads wiki markup mentions, links and macros", () => {
    expect(
      wikiToText(
        "h2. Status\n{code:java}x(){code} [~accountid:5b10a2844c20165700ede21g] [https://a.example/b]",
      ),
    ).toEqual({
      text: "Status\nx() @5b10a2844c20165700ede21g https://a.example/b",
      mentions: ["5b10a2844c20165700ede21g"],
    });
  });
});
