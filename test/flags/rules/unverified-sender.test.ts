/**
 * An email whose sender Gmail did not vouch for (`unverifiedSender`): its words give no sign-off, grant no
 * approval asked for, and answer no question, however convincing; the same email from a verified sender does
 * all three.
 */
import { describe, expect, it } from "vitest";
import { evaluateTaskFlags } from "../../../src/flags/rules/evaluate.ts";
import type { TaskSnapshot } from "../../../src/model/task-snapshot.ts";
import { at, CORPUS_SETTINGS, DEFAULT_NOW, email, task } from "./builder.ts";

const kindsOf = (snapshot: TaskSnapshot) =>
  evaluateTaskFlags(snapshot, { now: at(DEFAULT_NOW), settings: CORPUS_SETTINGS }).map((f) => f.kind);

describe.each([
  [false, "a verified sender"],
  [true, "an unverified sender"],
])("unverifiedSender %s: %s", (unverifiedSender) => {
  const facts = { unverifiedSender };

  it("the client's sign-off on a client-facing task", () => {
    const kinds = kindsOf(
      task({ status: "Done", labels: ["client-facing"], board: "Tue 03-11 10:00" }, [
        email("dana", "Mon 03-10 16:00", "Approved from our side, thanks!", { facts }),
      ]),
    );
    expect(kinds.includes("missing_approval")).toBe(unverifiedSender);
  });

  it("an approval asked of the client by email", () => {
    const kinds = kindsOf(
      task({}, [
        email(
          "anna",
          "Mon 03-10 09:30",
          "Hi Dana,\n\nCould you approve the final copy so we can ship on Thursday?",
          {
            to: ["dana"],
            thread: "a1",
          },
        ),
        email("dana", "Mon 03-10 11:00", "Approved, go ahead.", { thread: "a1", to: ["anna"], facts }),
      ]),
    );
    expect(kinds.includes("missing_approval")).toBe(unverifiedSender);
  });

  it("a question put to the client", () => {
    const kinds = kindsOf(
      task({}, [
        email("anna", "Mon 03-10 09:30", "Hi Dana, which format do you need the export in, CSV or XLSX?", {
          to: ["dana"],
          thread: "q1",
        }),
        email("dana", "Mon 03-10 11:00", "CSV please.", { thread: "q1", to: ["anna"], facts }),
      ]),
    );
    expect(kinds.includes("unanswered_question")).toBe(unverifiedSender);
  });
});
