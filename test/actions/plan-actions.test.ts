import { describe, expect, it } from "vitest";
import {
  firstLines,
  type PlanInput,
  type PlanItem,
  type PlanPerson,
  planAction,
  planActions,
} from "../../src/actions/plan-actions.ts";
import { DEFAULT_TEMPLATES, parseActionTemplates } from "../../src/actions/templates.ts";

const dana: PlanPerson = {
  id: "p-dana",
  name: "Dana Ruiz",
  email: "dana@client.io",
  isTeam: false,
  identities: [{ source: "gmail", externalId: "dana@client.io", handle: null }],
};
const ann: PlanPerson = {
  id: "p-ann",
  name: "Ann Lee",
  email: "ann@acme.dev",
  isTeam: true,
  identities: [
    { source: "jira", externalId: "acc-ann", handle: null },
    { source: "slack", externalId: "U0ANN", handle: null },
    { source: "github", externalId: "101", handle: "annlee" },
  ],
};
const bo: PlanPerson = {
  id: "p-bo",
  name: "Bo Chen",
  email: "bo@acme.dev",
  isTeam: true,
  identities: [{ source: "jira", externalId: "acc-bo", handle: null }],
};

const item = (over: Partial<PlanItem> & Pick<PlanItem, "id" | "kind" | "source">): PlanItem => ({
  externalId: over.id.slice(over.id.indexOf(":") + 1),
  scope: "",
  threadId: null,
  url: null,
  at: new Date("2025-03-03T10:00:00Z"),
  text: "",
  author: null,
  meta: {},
  ...over,
});

const email = item({
  id: "gmail:m1",
  kind: "email",
  source: "gmail",
  scope: "pm@acme.dev",
  threadId: "t1",
  url: "https://mail.google.com/mail/#all/m1",
  at: new Date("2025-03-03T16:30:00Z"),
  author: dana,
  text: "The export button is missing on the invoices page.\n\nCould you add it back before Friday?\nThanks\nDana\n\nOn Mon, Mar 3, 2025 Ann wrote:\n> earlier text",
  meta: { subject: "Invoices export" },
});

function input(over: Partial<PlanInput> & Pick<PlanInput, "flag">): PlanInput {
  return {
    task: {
      key: "ACME-12",
      source: "jira",
      title: "Export invoices to CSV",
      url: "https://acme.atlassian.net/browse/ACME-12",
      assignee: null,
    },
    items: [email],
    team: [ann, bo],
    actor: { name: "Ann Lee" },
    templates: DEFAULT_TEMPLATES,
    sources: {
      jira: { label: "Jira", place: "on Jira" },
      github: { label: "GitHub", place: "on GitHub" },
      gmail: { label: "Gmail", place: "by email" },
      slack: { label: "Slack", place: "in Slack" },
    },
    timeZone: "Europe/Berlin",
    now: new Date("2025-03-06T09:00:00Z"),
    ...over,
  };
}

describe("the planner", () => {
  it("records a client's email on the task: a Jira comment quoting its first lines, sender, date and link", () => {
    const plan = planAction(
      input({
        flag: { id: "f1", kind: "feedback_off_board", evidence: ["gmail:m1"], owner: ann, waitingOn: [] },
      }),
      "record",
    );
    expect(plan.label).toBe("Record on the task");
    expect(plan.unavailable).toBeNull();
    expect(plan.writes).toEqual([
      {
        source: "jira",
        kind: "comment",
        where: "a comment on ACME-12 in Jira",
        url: "https://acme.atlassian.net/browse/ACME-12",
        people: [],
        target: { taskKey: "ACME-12" },
        text: "Dana Ruiz <dana@client.io> wrote by email on 3 Mar 2025:\n\n> The export button is missing on the invoices page.\n> Could you add it back before Friday?\n> Thanks\n\nhttps://mail.google.com/mail/#all/m1",
      },
    ]);
  });

  it("nudges an email question with a Gmail draft on its thread addressed to whom it waits on", () => {
    const question = { ...email, author: bo };
    const plan = planAction(
      input({
        items: [question],
        flag: { id: "f2", kind: "unanswered_question", evidence: ["gmail:m1"], owner: bo, waitingOn: [dana] },
      }),
      "nudge",
    );
    const [write] = plan.writes;
    expect(write?.kind).toBe("draft_reply");
    expect(write?.source).toBe("gmail");
    expect(write?.people).toEqual([{ source: "gmail", externalId: "dana@client.io", name: "Dana Ruiz" }]);
    expect(write?.target.item).toEqual({
      externalId: "m1",
      scope: "pm@acme.dev",
      threadId: "t1",
      url: email.url,
      meta: { subject: "Invoices export" },
    });
    expect(write?.where).toBe('a draft reply on the email thread "Invoices export" in pm@acme.dev\'s Gmail');
  });

  it("nudges a Slack question with a thread reply mentioning the people it waits on", () => {
    const chat = item({
      id: "slack:C1:1.5",
      kind: "chat_message",
      source: "slack",
      scope: "C1",
      threadId: "C1:1.0",
      author: dana,
      text: "Is the fix live yet?",
    });
    const plan = planAction(
      input({
        items: [chat],
        flag: { id: "f3", kind: "unanswered_question", evidence: [chat.id], owner: ann, waitingOn: [ann] },
      }),
      "nudge",
    );
    expect(plan.writes[0]).toMatchObject({
      source: "slack",
      kind: "reply",
      people: [{ source: "slack", externalId: "U0ANN", name: "Ann Lee" }],
      text: "a reminder about Dana Ruiz's question of 3 Mar 2025, still waiting for an answer:\n\n> Is the fix live yet?",
    });
  });

  it("asks for a review on a pull request: reviewers requested, then a comment mentioning them", () => {
    const pr = item({
      id: "github:pr-39",
      kind: "pull_request",
      source: "github",
      meta: { repo: "acme/portal", number: 39 },
    });
    const plan = planAction(
      input({
        task: {
          key: "acme/portal#39",
          source: "github",
          title: "CSV export",
          url: "https://github.com/acme/portal/pull/39",
          assignee: null,
        },
        items: [pr],
        flag: { id: "f4", kind: "missing_approval", evidence: [pr.id], owner: bo, waitingOn: [ann] },
      }),
      "request-review",
      { text: "Ann, one look please?" },
    );
    const reviewer = { source: "github", externalId: "101", name: "Ann Lee", handle: "annlee" };
    expect(plan.writes.map((w) => [w.kind, w.text, w.people])).toEqual([
      ["request_review", "", [reviewer]],
      ["comment", "Ann, one look please?", [reviewer]],
    ]);
  });

  it("assigns only to a chosen team member with an account in the task's source", () => {
    const flag = { id: "f5", kind: "no_owner" as const, evidence: [], owner: null, waitingOn: [] };
    const unchosen = planAction(input({ flag }), "assign");
    expect(unchosen.choices.map((c) => c.externalId)).toEqual(["acc-ann", "acc-bo"]);
    expect(unchosen.unavailable).toBe("Choose whom to assign.");
    const chosen = planAction(input({ flag }), "assign", { assignee: "acc-bo" });
    expect(chosen.unavailable).toBeNull();
    expect(chosen.writes[0]?.people).toEqual([{ source: "jira", externalId: "acc-bo", name: "Bo Chen" }]);
    expect(planAction(input({ flag }), "assign", { assignee: "acc-stranger" }).unavailable).toMatch(
      /not one of the team/,
    );
  });

  it("confirms a deployment naming the merged pull requests and who confirmed, or reopens the task", () => {
    const merged = item({
      id: "github:pr-7",
      kind: "pull_request",
      source: "github",
      meta: { repo: "acme/portal", number: 7, merged: true, title: "CSV export" },
    });
    const flag = {
      id: "f6",
      kind: "done_not_deployed" as const,
      evidence: [merged.id],
      owner: ann,
      waitingOn: [],
    };
    const [confirm, reopen] = planActions(input({ items: [merged], flag }));
    expect(confirm?.writes[0]?.text).toBe(
      "Deployed to production: acme/portal#7 (CSV export). Confirmed by Ann Lee on 6 Mar 2025.",
    );
    expect(reopen?.writes.map((w) => w.kind)).toEqual(["reopen"]);
    expect(reopen?.editable).toBe(false);
  });

  it("chases the outside party on the latest email thread with them, or says there is none", () => {
    const flag = { id: "f7", kind: "blocked_external" as const, evidence: [], owner: ann, waitingOn: [] };
    const plan = planAction(input({ flag }), "chase");
    expect(plan.writes[0]).toMatchObject({ kind: "draft_reply", people: [{ externalId: "dana@client.io" }] });
    expect(plan.writes[0]?.text).toContain("on Export invoices to CSV");
    const none = planAction(input({ items: [], flag }), "chase");
    expect(none.writes).toEqual([]);
    expect(none.unavailable).toMatch(/No email or shared-channel message/);
  });

  it("refuses an action that does not resolve the flag's kind", () => {
    expect(() =>
      planAction(
        input({ flag: { id: "f8", kind: "stale", evidence: [], owner: null, waitingOn: [] } }),
        "nudge",
      ),
    ).toThrow(/does not resolve/);
  });
});

describe("message templates", () => {
  it("come from threadline.config.json's actions.templates, the rest default", () => {
    const templates = parseActionTemplates({ actions: { templates: { record: "From {sender}: {quote}" } } });
    expect(templates.record).toBe("From {sender}: {quote}");
    expect(templates.nudge).toBe(DEFAULT_TEMPLATES.nudge);
    const plan = planAction(
      input({
        templates,
        flag: { id: "f1", kind: "feedback_off_board", evidence: ["gmail:m1"], owner: ann, waitingOn: [] },
      }),
      "record",
    );
    expect(plan.writes[0]?.text).toBe(
      "From Dana Ruiz <dana@client.io>: > The export button is missing on the invoices page.\n> Could you add it back before Friday?\n> Thanks",
    );
  });

  it("refuse a placeholder a template cannot fill, and unknown templates, naming them", () => {
    expect(() =>
      parseActionTemplates({ actions: { templates: { confirmDeployed: "by {sender}" } } }),
    ).toThrow(/actions\.templates\.confirmDeployed uses \{sender\}/);
    expect(() => parseActionTemplates({ actions: { templates: { shout: "hey" } } })).toThrow(/shout/);
  });

  it("quote a message's own first lines, not the history it replies to", () => {
    expect(firstLines("> old\nOn Tue, Bo wrote:\nnew")).toEqual([]);
    expect(firstLines("a\n\nb\n> quoted\nc\nd")).toEqual(["a", "b", "c"]);
  });
});
