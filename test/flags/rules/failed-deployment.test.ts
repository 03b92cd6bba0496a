import { describe, expect, it } from "vitest";
import { evaluateTaskFlags } from "../../../src/flags/rules/evaluate.ts";
import { at, CORPUS_SETTINGS, type Draft, deployment, pullRequest, status, task } from "./builder.ts";

// The same afternoon as the merge: far inside the working days the rule otherwise waits.
const NOW = at("Wed 03-12 17:00");
const notDeployed = (drafts: Draft[]) =>
  evaluateTaskFlags(task({ pr: { merged: "Wed 03-12 10:00" } }, drafts), {
    now: NOW,
    settings: CORPUS_SETTINGS,
  }).filter((f) => f.kind === "done_not_deployed");
const jiraNotDeployed = (drafts: Draft[]) =>
  evaluateTaskFlags(task({ status: "Done" }, drafts), { now: NOW, settings: CORPUS_SETTINGS }).filter(
    (f) => f.kind === "done_not_deployed",
  );
const pr = pullRequest("anna", "Tue 03-11 09:00", "CSV export", { merged: "Wed 03-12 10:00", id: "pr" });

describe("a failed production deployment", () => {
  it("flags a merged pull request the same day, naming the failure", () => {
    const flags = notDeployed([pr, deployment("Wed 03-12 11:00", "failure", "production", { id: "d1" })]);
    expect(flags).toHaveLength(1);
    expect(flags[0]!.reason).toMatch(/production deployment to production failed \(failure\)/);
    expect(flags[0]!.evidence).toContain("d1");
  });

  it("flags an errored one and one rolled back (GitHub's inactive on a production deployment)", () => {
    expect(notDeployed([pr, deployment("Wed 03-12 11:00", "error", "production")])).toHaveLength(1);
    const rolledBack = notDeployed([
      pr,
      deployment("Wed 03-12 11:00", "success", "production", { thread: "dep1" }),
      deployment("Wed 03-12 12:00", "inactive", "production", { thread: "dep1", id: "off" }),
    ]);
    expect(rolledBack).toHaveLength(1);
    expect(rolledBack[0]!.reason).toMatch(/taken down or rolled back/);
    expect(rolledBack[0]!.evidence).toContain("off");
  });

  it("is cleared by a later success, and a staging failure alone waits for the threshold", () => {
    expect(
      notDeployed([
        pr,
        deployment("Wed 03-12 11:00", "failure", "production", { thread: "dep1" }),
        deployment("Wed 03-12 13:00", "success", "production", { thread: "dep2" }),
      ]),
    ).toEqual([]);
    expect(notDeployed([pr, deployment("Wed 03-12 11:00", "failure", "staging")])).toEqual([]);
    // A new attempt under way after the failure: not the failure any more.
    expect(
      notDeployed([
        pr,
        deployment("Wed 03-12 11:00", "failure", "production", { thread: "dep1" }),
        deployment("Wed 03-12 12:00", "in_progress", "production", { thread: "dep2" }),
      ]),
    ).toEqual([]);
  });

  it("flags a done Jira task whose pull request's production deployment failed", () => {
    const flags = jiraNotDeployed([
      pr,
      status("anna", "Wed 03-12 10:30", "Done", { id: "done" }),
      deployment("Wed 03-12 11:00", "failure", "production", { id: "d1" }),
    ]);
    expect(flags).toHaveLength(1);
    expect(flags[0]!.evidence).toEqual(expect.arrayContaining(["done", "d1"]));
  });
});
