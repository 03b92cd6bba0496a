/** Who gets which digest, on plain data: no database, no clock. */

import { describe, expect, it } from "vitest";
import { listSources } from "../../connectors/registry.ts";
import { composeDigests, isTeamEmail, toDigestSummary } from "../../src/digest/compose-digests.ts";
import type {
  DigestFlag,
  DigestInput,
  DigestOptions,
  DigestPerson,
  DigestTask,
  DigestTaskEntry,
} from "../../src/digest/digest-model.ts";
import { renderDigest } from "../../src/digest/render-digest.ts";

const NOW = new Date("2026-03-04T15:00:00Z");
const maya: DigestPerson = { id: "p_maya", name: "Maya Chen", email: "maya@team.example" };
const raj: DigestPerson = { id: "p_raj", name: "Raj Patel", email: "Raj@Team.example" };
const tom: DigestPerson = { id: "p_tom", name: "Tom Okoro", email: "tom@eu.team.example" };
const dan: DigestPerson = { id: "p_dan", name: "Dan Miller", email: "dan@client.example" };
const ghOnly: DigestPerson = { id: "p_gh", name: "lena-gh", email: null };

const task = (key: string, assignee: DigestPerson | null, title = `Task ${key}`): DigestTask => ({
  key,
  title,
  status: "In Progress",
  source: key.includes("#") ? "github" : "jira",
  url: `https://src.example/${key}`,
  assignee,
});

const flag = (
  id: string,
  taskKey: string,
  kind: DigestFlag["kind"],
  since: string,
  owner: DigestPerson | null,
  extra: Partial<DigestFlag> = {},
): DigestFlag => ({
  id,
  kind,
  fingerprint: "",
  taskKey,
  since: new Date(since),
  reason: `Reason of ${id}.`,
  owner,
  evidence: [],
  waitingOn: [],
  ...extra,
});

const TASKS = [
  task("T-1", maya, "Checkout <rounding> & totals"),
  task("T-2", dan),
  task("T-3", null),
  task("acme/web#5", tom),
  task("T-4", ghOnly),
];

const FLAGS: DigestFlag[] = [
  flag("f_q", "T-1", "unanswered_question", "2026-02-27T10:00:00Z", raj, {
    evidence: [{ id: "slack:C1/1", url: "https://slack.example/p1" }],
    waitingOn: [raj, tom],
  }),
  flag("f_stale", "T-1", "stale", "2026-02-20T09:00:00Z", maya),
  flag("f_fob", "T-2", "feedback_off_board", "2026-02-25T10:00:00Z", dan),
  flag("f_owner", "T-3", "no_owner", "2026-03-01T10:00:00Z", null),
  flag("f_pr", "acme/web#5", "missing_approval", "2026-03-02T13:00:00Z", tom, {
    fingerprint: "pr-review",
    waitingOn: [raj],
  }),
  flag("f_dnd", "T-4", "done_not_deployed", "2026-02-24T16:00:00Z", ghOnly),
  flag("f_new", "T-3", "stale", "2026-03-04T09:00:00Z", null),
];

const input = (extra: Partial<DigestInput> = {}): DigestInput => ({
  flags: FLAGS,
  tasks: new Map(TASKS.map((t) => [t.key, t])),
  resolved: [],
  people: [maya, raj, tom, dan, { id: "p_quiet", name: "Quinn", email: "quinn@team.example" }],
  previous: new Map(),
  audiences: new Map(),
  readers: new Map(),
  ...extra,
});

const OPTIONS: DigestOptions = {
  now: NOW,
  day: "2026-03-04",
  publicUrl: "https://tl.example",
  sources: listSources(),
  teamDomains: ["team.example"],
  admins: [],
  leads: ["lead@team.example", "boss@client.example"],
  sendWhenEmpty: false,
  changesSince: new Date("2026-03-03T07:00:00Z"),
};

const byEmail = (result: ReturnType<typeof composeDigests>) =>
  new Map(result.digests.map((d) => [d.recipient.email, d]));
const ids = (entries: Array<{ flagId: string }>) => entries.map((e) => e.flagId);
/** A section as `[task key, [flag ids]]`, in its order. */
const tasksOf = (tasks: DigestTaskEntry[]) => tasks.map((t) => [t.taskKey, ids(t.reasons)]);
const waitingFor = (tasks: DigestTaskEntry[]) =>
  tasks.flatMap((t) => t.reasons.map((e) => [e.flagId, e.waitingFor]));

describe("composeDigests", () => {
  const result = composeDigests(input(), OPTIONS);
  const digests = byEmail(result);

  it("sends only to addresses in the team domains (subdomains too), and to the leads among them", () => {
    expect([...digests.keys()]).toEqual([
      "lead@team.example",
      "maya@team.example",
      "raj@team.example",
      "tom@eu.team.example",
    ]);
    expect(result.skipped).toEqual([
      { email: "boss@client.example", why: expect.stringMatching(/THREADLINE_TEAM_DOMAINS/) },
    ]);
    expect(isTeamEmail("x@evil-team.example", ["team.example"])).toBe(false);
  });

  it("gives the owner their flags under Yours, longest stuck first", () => {
    expect(tasksOf(digests.get("maya@team.example")!.owned)).toEqual([["T-1", ["f_stale"]]]);
    expect(digests.get("maya@team.example")!.waiting).toEqual([]);
    // The pull request's author answers for it; the review waits on Raj.
    expect(tasksOf(digests.get("tom@eu.team.example")!.owned)).toEqual([["acme/web#5", ["f_pr"]]]);
  });

  it("gives what waits on someone to them: the question put to them, the review requested of them", () => {
    const rajs = digests.get("raj@team.example")!;
    // Raj owns the question too, but it waits on him: it shows under "Waiting on you" only.
    expect(rajs.owned).toEqual([]);
    expect(waitingFor(rajs.waiting)).toEqual([
      ["f_q", "question"],
      ["f_pr", "review"],
    ]);
    // Tom is named in the question too: it waits on him as well as on Raj.
    expect(waitingFor(digests.get("tom@eu.team.example")!.waiting)).toEqual([["f_q", "question"]]);
  });

  it("links each task to Threadline and its source, and each reason to the most specific place", () => {
    const t1 = digests.get("raj@team.example")!.waiting[0]!;
    expect(t1.threadlineUrl).toBe("https://tl.example/tasks/T-1");
    expect(t1.taskUrl).toBe("https://src.example/T-1");
    expect(t1.reasons[0]!.sourceUrl).toBe("https://slack.example/p1");
    expect(t1.reasons[0]!.linkSource).toBe("slack");
    const pr = digests.get("tom@eu.team.example")!.owned[0]!;
    expect(pr.threadlineUrl).toBe("https://tl.example/tasks/acme%2Fweb%235");
    expect(pr.taskUrl).toBe("https://src.example/acme/web#5");
    expect(t1.stuckDays).toBe(5);
  });

  it("shows a task once per section with every reason, stuck as long as its oldest", () => {
    const questions = ["02-24", "02-26", "03-01"].map((day, i) =>
      flag(`f_q${i + 1}`, "T-1", "unanswered_question", `2026-${day}T10:00:00Z`, maya),
    );
    const many = byEmail(composeDigests(input({ flags: [...questions, FLAGS[1]!] }), OPTIONS));
    const mayas = many.get("maya@team.example")!;
    expect(tasksOf(mayas.owned)).toEqual([["T-1", ["f_stale", "f_q1", "f_q2", "f_q3"]]]);
    expect(mayas.owned[0]!.stuckDays).toBe(12);
    const { text, html, subject } = renderDigest(mayas, "https://tl.example");
    expect(subject).toBe("Threadline Wed 4 Mar: 1 of yours stuck");
    expect(text.match(/\* T-1 /g)).toHaveLength(1);
    expect(text).toContain("* T-1 Checkout <rounding> & totals [stuck 12 days, 4 reasons]");
    for (const id of ["f_q1", "f_q2", "f_q3"])
      expect(text).toContain(`  - Unanswered question: Reason of ${id}.`);
    expect(html.match(/>T-1<\/a>/g)).toHaveLength(1);
    for (const id of ["f_stale", "f_q1", "f_q2", "f_q3"]) expect(html).toContain(`Reason of ${id}.`);
    // The lead still counts each flag.
    expect(many.get("lead@team.example")!.lead!.counts.unanswered_question).toBe(3);
  });

  it("gives the leads the whole project, counts per kind, and what nobody in the team gets", () => {
    const lead = digests.get("lead@team.example")!.lead!;
    expect(lead.total).toBe(7);
    expect(lead.counts).toMatchObject({
      stale: 2,
      unanswered_question: 1,
      no_owner: 1,
      missing_approval: 1,
      feedback_off_board: 1,
      done_not_deployed: 1,
      blocked_external: 0,
    });
    expect(ids(lead.entries)).toEqual(["f_stale", "f_dnd", "f_fob", "f_q", "f_owner", "f_pr", "f_new"]);
    // The client's task, the task with no assignee, the account with no address.
    expect(ids(lead.unowned)).toEqual(["f_dnd", "f_fob", "f_owner", "f_new"]);
    expect(digests.get("lead@team.example")!.recipient.name).toBe("lead");
  });

  it("never gives a person outside the team anything, though they own flags", () => {
    expect(digests.has("dan@client.example")).toBe(false);
    expect(result.digests.every((d) => isTeamEmail(d.recipient.email, ["team.example"]))).toBe(true);
  });

  it("tells a lead what changed since the last digest they got", () => {
    const previous = new Map([
      [
        "lead@team.example",
        {
          day: "2026-03-03",
          flags: [
            ...["f_stale", "f_dnd", "f_fob", "f_q"].map((id) => ({
              id,
              kind: "stale" as const,
              taskKey: "T-1",
              title: "x",
              reason: "r",
            })),
            { id: "f_fixed", kind: "blocked_external" as const, taskKey: "T-9", title: "Fixed", reason: "r" },
          ],
        },
      ],
    ]);
    const lead = byEmail(composeDigests(input({ previous }), OPTIONS)).get("lead@team.example")!.lead!;
    expect(lead.changes.since).toEqual({ day: "2026-03-03" });
    expect(ids(lead.changes.added)).toEqual(["f_owner", "f_pr", "f_new"]);
    expect(lead.changes.resolved.map((f) => f.id)).toEqual(["f_fixed"]);
    expect(lead.changes.stillStuck).toBe(4);
  });

  it("without an earlier digest, judges what changed from the flags' times", () => {
    const resolved = [
      {
        id: "f_gone",
        kind: "blocked_external" as const,
        taskKey: "T-1",
        title: "T",
        reason: "r",
        resolvedAt: new Date("2026-03-04T10:00:00Z"),
        evidence: [],
      },
    ];
    const lead = byEmail(composeDigests(input({ resolved }), OPTIONS)).get("lead@team.example")!.lead!;
    expect(ids(lead.changes.added)).toEqual(["f_new"]);
    expect(lead.changes.resolved.map((f) => f.id)).toEqual(["f_gone"]);
    expect(lead.changes.stillStuck).toBe(6);
  });

  it("sends nothing to a person with nothing stuck, unless the settings ask", () => {
    expect(digests.has("quinn@team.example")).toBe(false);
    const all = byEmail(composeDigests(input(), { ...OPTIONS, sendWhenEmpty: true }));
    expect(all.get("quinn@team.example")).toMatchObject({ owned: [], waiting: [], lead: null });
    expect(all.has("dan@client.example")).toBe(false);
  });

  it("keeps what a digest named in its summary, for the next day's comparison", () => {
    const summary = toDigestSummary(digests.get("raj@team.example")!);
    expect(summary).toMatchObject({ owned: 0, waiting: 2, project: null });
    expect(summary.flags.map((f) => f.id)).toEqual(["f_q", "f_pr"]);
    expect(toDigestSummary(digests.get("lead@team.example")!).flags).toHaveLength(7);
  });
});

describe("renderDigest", () => {
  const digests = byEmail(composeDigests(input(), OPTIONS));

  it("puts the counts in the subject", () => {
    expect(renderDigest(digests.get("maya@team.example")!, "https://tl.example").subject).toBe(
      "Threadline Wed 4 Mar: 1 of yours stuck",
    );
    expect(renderDigest(digests.get("raj@team.example")!, "https://tl.example").subject).toBe(
      "Threadline Wed 4 Mar: 2 waiting on you",
    );
    expect(renderDigest(digests.get("lead@team.example")!, "https://tl.example").subject).toBe(
      "Threadline Wed 4 Mar: 7 stuck in the project (1 new, 0 resolved)",
    );
  });

  it("escapes what people wrote in the HTML and keeps it as it is in the text", () => {
    const { html, text } = renderDigest(digests.get("maya@team.example")!, "https://tl.example");
    expect(html).toContain("Checkout &lt;rounding&gt; &amp; totals");
    expect(html).not.toContain("<rounding>");
    expect(text).toContain("T-1 Checkout <rounding> & totals");
    expect(text).toContain("Threadline: https://tl.example/tasks/T-1");
    expect(html).toContain('href="https://tl.example/tasks/T-1"');
    expect(html).toMatch(/<table role="presentation"/);
    expect(html).not.toMatch(/<style|display:\s*flex|class=/);
  });
});

describe("action links", () => {
  const digests = byEmail(composeDigests(input(), OPTIONS));

  it("links each reason to the previews of the actions that resolve it, and a stale flag to none", () => {
    const rajs = renderDigest(digests.get("raj@team.example")!, "https://tl.example");
    expect(rajs.text).toContain(
      "  - Question to you · Unanswered question: Reason of f_q.\n    Slack: https://slack.example/p1\n    Nudge: https://tl.example/flags/f_q/actions/nudge\n",
    );
    expect(rajs.text).toContain("    Ask for review: https://tl.example/flags/f_pr/actions/request-review\n");
    expect(rajs.html).toContain('href="https://tl.example/flags/f_q/actions/nudge"');
    expect(rajs.html).toMatch(
      /href="https:\/\/tl\.example\/flags\/f_pr\/actions\/request-review"[^>]*>Ask for review</,
    );
    const mayas = renderDigest(digests.get("maya@team.example")!, "https://tl.example");
    expect(mayas.text).not.toContain("/flags/");
    expect(mayas.html).not.toContain("/flags/");
  });

  it("gives a done task both of its actions, and the lead's list every entry's", () => {
    const lead = renderDigest(digests.get("lead@team.example")!, "https://tl.example");
    expect(lead.text).toContain(
      "  Confirm deployed: https://tl.example/flags/f_dnd/actions/confirm-deployed\n  Reopen: https://tl.example/flags/f_dnd/actions/reopen\n",
    );
    for (const link of ["f_fob/actions/record", "f_owner/actions/assign", "f_dnd/actions/reopen"])
      expect(lead.html).toContain(`href="https://tl.example/flags/${link}"`);
  });

  it("encodes a flag id that holds characters a path cannot", () => {
    const odd = flag("f/1 #x", "T-1", "unanswered_question", "2026-03-01T10:00:00Z", maya);
    const mine = byEmail(composeDigests(input({ flags: [odd] }), OPTIONS)).get("maya@team.example")!;
    expect(mine.owned[0]!.reasons[0]!.actions).toEqual([
      { action: "nudge", label: "Nudge", url: "https://tl.example/flags/f%2F1%20%23x/actions/nudge" },
    ]);
  });
});

describe("links from the sources", () => {
  it("puts only http(s) links in a digest: a javascript: or data: link from a payload is left out", () => {
    const hostile = {
      ...task("T-9", maya),
      url: "javascript:alert(document.cookie)",
    };
    const flags = [
      flag("f_x", "T-9", "unanswered_question", "2026-03-01T10:00:00Z", maya, {
        evidence: [{ id: "slack:C1/9", url: "data:text/html,<script>alert(1)</script>" }],
      }),
    ];
    const result = composeDigests(input({ flags, tasks: new Map([[hostile.key, hostile]]) }), OPTIONS);
    const mine = byEmail(result).get("maya@team.example")!;
    const rendered = renderDigest(mine, "https://tl.example");
    for (const body of [rendered.html, rendered.text]) {
      expect(body).not.toMatch(/javascript:|data:text/);
      expect(body).toContain("https://tl.example/tasks/T-9");
    }
    expect(rendered.html).not.toContain("Open in Jira");
  });
});
