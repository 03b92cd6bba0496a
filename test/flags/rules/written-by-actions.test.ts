/**
 * Items Threadline wrote when someone acted on a flag: a nudge is a reminder (not the answer, not a new
 * question), a comment recorded on the task is an update of it, a confirm-deployed comment confirms.
 */
import { describe, expect, it } from "vitest";
import { evaluateTaskFlags } from "../../../src/flags/rules/evaluate.ts";
import { at, CORPUS_SETTINGS, comment, email, pullRequest, slack, status, task } from "./builder.ts";

const NOW = at("Wed 03-19 09:00");
const kinds = (t: ReturnType<typeof task>, kind: string) =>
  evaluateTaskFlags(t, { now: NOW, settings: CORPUS_SETTINGS }).filter((f) => f.kind === kind);

describe("items written by an action on a flag", () => {
  const question = slack("dana", "Tue 03-11 10:00", "Is the CSV export live on staging yet?", {
    id: "q",
    thread: "C1:1",
  });

  it("a nudge in the thread is not the answer, and asks nothing new", () => {
    const nudge = (writtenBy: string | null) =>
      slack(
        "anna",
        "Mon 03-17 09:00",
        "a reminder about Dana Ruiz's question, still waiting for an answer: Is it live?",
        {
          id: "nudge",
          thread: "C1:1",
          facts: { writtenBy },
        },
      );
    const flagged = kinds(task({}, [question, nudge("nudge")]), "unanswered_question");
    expect(flagged.map((f) => f.evidence)).toEqual([["q"]]);
    // The same words by a person, not through an action, are a reply.
    expect(kinds(task({}, [question, nudge(null)]), "unanswered_question")).toEqual([]);
  });

  it("a client email recorded on the task clears feedback_off_board, even by a bot account", () => {
    const mail = email("dana", "Tue 03-11 10:00", "The export button is missing on the invoices page.", {
      id: "m",
    });
    expect(kinds(task({}, [mail]), "feedback_off_board")).toHaveLength(1);
    const recorded = comment(
      "jiraBot",
      "Wed 03-12 09:00",
      "Dana Ruiz wrote by email: the export button is missing.",
      {
        id: "rec",
        facts: { writtenBy: "record" },
      },
    );
    expect(kinds(task({}, [mail, recorded]), "feedback_off_board")).toEqual([]);
  });

  it("a confirm-deployed comment counts as the deployment's confirmation", () => {
    const drafts = [
      pullRequest("anna", "Mon 03-10 09:00", "CSV export", {
        id: "pr",
        facts: { merged: true, mergedAt: at("Mon 03-10 12:00") },
      }),
      status("anna", "Mon 03-10 13:00", "Done", { category: "done" }),
    ];
    expect(kinds(task({ status: "Done", category: "done" }, drafts), "done_not_deployed")).toHaveLength(1);
    const confirmed = comment("jiraBot", "Tue 03-18 09:00", "Release 2025.3, checked by Anna Kowalski.", {
      id: "conf",
      facts: { writtenBy: "confirm-deployed" },
    });
    expect(
      kinds(task({ status: "Done", category: "done" }, [...drafts, confirmed]), "done_not_deployed"),
    ).toEqual([]);
  });

  it("a chase names the wait again but is not a new one, nor the wait's end", () => {
    const wait = slack(
      "anna",
      "Tue 03-11 10:00",
      "We are still waiting on the sandbox credentials from Acme.",
      {
        id: "w",
        thread: "C1:2",
      },
    );
    const chase = (writtenBy: string | null) =>
      slack(
        "anna",
        "Mon 03-17 09:00",
        "Hello, following up on CSV export: we are still waiting on the sandbox credentials from you. Could you let us know where this stands?",
        { id: "chase", thread: "C1:2", facts: { writtenBy } },
      );
    const evidence = (writtenBy: string | null) =>
      kinds(task({}, [wait, chase(writtenBy)]), "blocked_external").map((f) => f.evidence);
    expect(evidence("chase")).toEqual([["w"]]);
    // The same words by a person are part of the wait.
    expect(evidence(null)).toEqual([["w", "chase"]]);
  });
});
