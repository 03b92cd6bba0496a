import { describe, expect, it } from "vitest";
import { evaluateTaskFlags } from "../../../src/flags/rules/evaluate.ts";
import { at, CORPUS_SETTINGS, email, task } from "./builder.ts";

const now = at("Thu 03-13 15:00");
const unanswered = (text: string) =>
  evaluateTaskFlags(
    task({ key: "WEB-900" }, [email("dana", "Mon 03-10 09:00", text, { id: "gmail:m900" })]),
    {
      now,
      settings: CORPUS_SETTINGS,
    },
  ).filter((f) => f.kind === "unanswered_question");

describe("the text analysis kept between evaluations", () => {
  it("analyses an item again when its text was edited, and gives the same answers as a fresh analysis", () => {
    const question = "Hi Anna, could you send the export in CSV by Friday?";
    expect(unanswered(question)).toHaveLength(1);
    // The same item, edited: the analysis of its first text must not be reused.
    expect(unanswered("Thanks, the export arrived.")).toHaveLength(0);
    expect(unanswered(question)).toHaveLength(1);
    expect(unanswered(question)[0]?.reason).toContain("could you send the export in CSV by Friday?");
  });
});
