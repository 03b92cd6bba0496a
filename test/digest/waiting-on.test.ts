/**
 * "Yours" and "Waiting on you" from end to end: tasks written by hand, flags raised by the real rules and
 * stored, the digest input loaded from the database, composed and rendered as the email's text and HTML.
 */
import { beforeAll, expect, it } from "vitest";
import { listSources } from "../../connectors/registry.ts";
import { composeDigests } from "../../src/digest/compose-digests.ts";
import type { Digest, DigestOptions } from "../../src/digest/digest-model.ts";
import { loadDigestInput } from "../../src/digest/load-digest-input.ts";
import { renderDigest } from "../../src/digest/render-digest.ts";
import { evaluateTaskFlags } from "../../src/flags/rules/evaluate.ts";
import { saveFlags } from "../../src/store/flag-store.ts";
import {
  at,
  CORPUS_SETTINGS,
  DEFAULT_NOW,
  email,
  P,
  pullRequest,
  RECORDS,
  task,
} from "../flags/rules/builder.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { fixtures } from "../helpers/fixtures.ts";

const NOW = at(DEFAULT_NOW);
const PUBLIC_URL = "https://threadline.acme.dev";

/** Ben is asked to review Anna's pull request and has not. */
const review = task(
  {
    key: "acme/web#901",
    title: "Add CSV export for invoices",
    pr: { reviewers: ["ben"] },
    created: "Mon 03-10 09:00",
  },
  [pullRequest("anna", "Mon 03-10 09:00", "Add CSV export for invoices")],
);

/** Anna asked the client for an approval that never came; Maya is assigned. */
const clientApproval = task({ key: "WEB-902", title: "Final copy for the pricing page", assignee: "maya" }, [
  email(
    "anna",
    "Mon 03-10 09:30",
    "Hi Dana,\n\nCould you approve the final copy so we can ship on Thursday?\n\nThanks,\nAnna",
    { to: ["dana"] },
  ),
]);

/** Three questions from the client in three threads, on Ben's task. */
const questions = task({ key: "WEB-903", title: "Invoice export for auditors", assignee: "ben" }, [
  email("dana", "Mon 03-10 10:00", "Hi team, what format do you need the export in? CSV or XLSX?", {
    thread: "q1",
  }),
  email("dana", "Mon 03-10 11:00", "Could you send over the final invoice breakdown?", { thread: "q2" }),
  email("dana", "Mon 03-10 12:00", "When will the staging site be ready for our auditors?", { thread: "q3" }),
]);

const TASKS = [review, clientApproval, questions];

const OPTIONS: DigestOptions = {
  now: NOW,
  day: "2025-03-12",
  publicUrl: PUBLIC_URL,
  sources: listSources(),
  teamDomains: ["acme.dev"],
  admins: [],
  leads: [],
  sendWhenEmpty: false,
  changesSince: at("Tue 03-11 07:00"),
};

describeEachDatabase("the digest's Yours and Waiting on you", (ctx) => {
  let digests: Map<string, Digest>;

  beforeAll(async () => {
    const f = fixtures(ctx.db);
    for (const who of ["anna", "ben", "maya", "dana"] as const) {
      const { id, name, email: address } = RECORDS[who];
      await f.person({ id, name, email: address });
    }
    for (const t of TASKS) {
      await f.task({
        key: t.key,
        source: t.source,
        title: t.title,
        url: t.pullRequest
          ? `https://github.com/acme/web/pull/${t.key.split("#")[1]}`
          : `https://acme.atlassian.net/browse/${t.key}`,
        assigneeId: t.assignee?.id ?? null,
      });
    }
    const flags = TASKS.flatMap((t) => evaluateTaskFlags(t, { now: NOW, settings: CORPUS_SETTINGS }));
    await saveFlags(ctx.db, { taskKeys: TASKS.map((t) => t.key), flags, now: NOW });
    const input = await loadDigestInput(ctx.db, {
      now: NOW,
      day: OPTIONS.day,
      changesSince: OPTIONS.changesSince,
      leads: [],
    });
    digests = new Map(composeDigests(input, OPTIONS).digests.map((d) => [d.recipient.email, d]));
  });

  const section = (d: Digest | undefined, which: "owned" | "waiting") =>
    (d?.[which] ?? []).map((t) => [t.taskKey, t.reasons.map((r) => r.kind)]);
  const rendered = (who: string) => renderDigest(digests.get(who)!, PUBLIC_URL);

  it("puts a review requested and not given under the reviewer's Waiting on you, and the author's Yours", () => {
    const ben = digests.get("ben@acme.dev");
    expect(section(ben, "waiting")).toEqual([["acme/web#901", ["missing_approval"]]]);
    expect(ben!.waiting[0]!.reasons[0]!.waitingFor).toBe("review");
    expect(section(ben, "owned").map(([key]) => key)).not.toContain("acme/web#901");
    expect(section(digests.get("anna@acme.dev"), "owned")).toContainEqual([
      "acme/web#901",
      ["missing_approval"],
    ]);
    expect(section(digests.get("anna@acme.dev"), "waiting")).toEqual([]);

    const { text, html } = rendered("ben@acme.dev");
    const waiting = text.slice(text.indexOf("WAITING ON YOU"));
    expect(waiting).toContain("* acme/web#901 Add CSV export for invoices");
    expect(waiting).toContain("- Review requested of you · Missing approval: Open for 2 working days");
    expect(html).toContain("Review requested of you · Missing approval");
    expect(rendered("anna@acme.dev").text).not.toContain("requested of you");
  });

  it("never tells a team member who asked a client for approval that it is asked of them", () => {
    const anna = digests.get("anna@acme.dev");
    expect(section(anna, "owned")).toContainEqual(["WEB-902", ["missing_approval"]]);
    const { text, html } = rendered("anna@acme.dev");
    expect(text).toContain("- Missing approval: Anna Kowalski asked Dana Ruiz for approval by email");
    for (const part of [text, html]) {
      expect(part).not.toContain("Approval asked of you");
      expect(part).not.toMatch(/WAITING ON YOU|Waiting on you/);
    }
    // Nobody in the team was asked: it waits on nobody, and the client gets nothing.
    for (const d of digests.values())
      expect(section(d, "waiting").map(([key]) => key)).not.toContain("WEB-902");
    expect(digests.has("dana@brightside.co")).toBe(false);
  });

  it("shows a task with three unanswered questions once in its owner's digest, with all three", () => {
    const ben = digests.get("ben@acme.dev")!;
    const task = ben.owned.filter((t) => t.taskKey === "WEB-903");
    expect(task).toHaveLength(1);
    const asked = task[0]!.reasons.filter((r) => r.kind === "unanswered_question");
    // One row for the kind, saying every question.
    expect(asked).toHaveLength(1);
    expect(asked[0]!.reason).toContain("what format do you need the export in?");
    expect(asked[0]!.reason).toContain("send over the final invoice breakdown");
    expect(asked[0]!.reason).toContain("When will the staging site be ready");
    expect(task[0]!.since).toEqual(at("Mon 03-10 10:00"));
    const { text, html } = rendered("ben@acme.dev");
    expect(text.match(/\* WEB-903 /g)).toHaveLength(1);
    expect(text.match(/ {2}- Unanswered question: /g)).toHaveLength(1);
    expect(html.match(/>WEB-903<\/a>/g)).toHaveLength(1);
    expect(html.match(/>Unanswered question</g)).toHaveLength(1);
    expect(P.ben.isTeam).toBe(true);
  });
});
