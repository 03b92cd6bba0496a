import { describe, expect, it } from "vitest";
import { evaluateTaskFlags } from "../../../src/flags/rules/evaluate.ts";
import { at, CORPUS_SETTINGS, comment, DEFAULT_NOW, email, task } from "./builder.ts";

const NOW = at(DEFAULT_NOW);
const flagsOf = (t: ReturnType<typeof task>) => evaluateTaskFlags(t, { now: NOW, settings: CORPUS_SETTINGS });

describe("one flag per task and kind", () => {
  it("makes one blocked flag of two labels and the comment saying so, with all their reasons and evidence", () => {
    const t = task({ labels: ["blocked", "Waiting for client"] }, [
      comment(
        "anna",
        "Tue 03-11 10:00",
        "Still waiting on Stripe to enable Connect on our sandbox account, can't test the payout webhooks until then.",
        { id: "w" },
      ),
    ]);
    const blocked = flagsOf(t).filter((f) => f.kind === "blocked_external");
    expect(blocked).toHaveLength(1);
    const [flag] = blocked;
    expect(flag!.reasons).toHaveLength(3);
    expect(flag!.reasons.some((r) => r.includes("“blocked”"))).toBe(true);
    expect(flag!.reasons.some((r) => r.includes("“Waiting for client”"))).toBe(true);
    expect(flag!.reasons.some((r) => r.includes("Stripe"))).toBe(true);
    // The leading reason is the one stuck longest, and `since` is the earliest signal's.
    expect(flag!.reason).toBe(flag!.reasons[0]);
    expect(flag!.since.getTime()).toBeLessThanOrEqual(at("Tue 03-11 10:00").getTime());
    expect(flag!.evidence).toContain("w");
  });

  it("makes one question flag of two clients' unanswered questions, since the first, newest evidence the second", () => {
    const t = task({}, [
      email("dana", "Mon 03-10 10:00", "Hi Anna, what format do you need the export in? CSV or XLSX?", {
        id: "q1",
        to: ["anna"],
        thread: "e1",
      }),
      email(
        "klaus",
        "Tue 03-11 10:00",
        "Hello Anna, when will the export for Nordwerk be ready? Regards, Klaus",
        {
          id: "q2",
          to: ["anna"],
          thread: "e2",
        },
      ),
    ]);
    const questions = flagsOf(t).filter((f) => f.kind === "unanswered_question");
    expect(questions).toHaveLength(1);
    expect(questions[0]).toMatchObject({
      since: at("Mon 03-10 10:00"),
      evidence: ["q1", "q2"],
      lastEvidenceAt: at("Tue 03-11 10:00"),
      fingerprint: "q1",
    });
    expect(questions[0]!.reasons).toHaveLength(2);
    expect(questions[0]!.reason).toContain("Dana Ruiz");
    expect(questions[0]!.reasons[1]).toContain("Klaus Weber");
  });

  it("never raises two flags of one kind on any task of the corpus", async () => {
    const { activityCases } = await import("./corpus/activity.ts");
    const { approvalCases } = await import("./corpus/approvals.ts");
    const { deliveryCases } = await import("./corpus/delivery.ts");
    const { questionCases } = await import("./corpus/questions.ts");
    for (const c of [...activityCases, ...approvalCases, ...deliveryCases, ...questionCases]) {
      const kinds = flagsOf(c.task).map((f) => f.kind);
      expect(new Set(kinds).size, c.name).toBe(kinds.length);
    }
  });
});
