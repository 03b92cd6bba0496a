import { describe, expect, it } from "vitest";
import { evaluateTaskFlags } from "../../../src/flags/rules/evaluate.ts";
import { at, CORPUS_SETTINGS, type Draft, pullRequest, reviewComment, task } from "./builder.ts";

// A week after the question: far past the working days the rule waits.
const NOW = at("Wed 03-19 09:00");
const questions = (drafts: Draft[]) =>
  evaluateTaskFlags(task({ pr: {} }, drafts), { now: NOW, settings: CORPUS_SETTINGS }).filter(
    (f) => f.kind === "unanswered_question",
  );
const pr = pullRequest("anna", "Tue 03-11 09:00", "Rate-limit the login endpoint", { id: "pr" });
const asked = (facts: { threadResolved?: boolean } = {}) =>
  reviewComment("ben", "Wed 03-12 10:00", "Should the limit count per IP or per account?", {
    id: "q",
    thread: "acme/web:review_thread:7",
    facts,
  });

describe("a question in a review thread marked resolved", () => {
  it("is answered, while the same question in an open thread flags", () => {
    expect(questions([pr, asked()]).map((f) => f.evidence)).toEqual([["q"]]);
    expect(questions([pr, asked({ threadResolved: true })])).toEqual([]);
  });

  it("answers only its own thread", () => {
    const other = reviewComment("ben", "Wed 03-12 10:05", "And which header carries the retry time?", {
      id: "q2",
      thread: "acme/web:review_thread:8",
    });
    expect(questions([pr, asked({ threadResolved: true }), other]).map((f) => f.evidence)).toEqual([["q2"]]);
  });
});
