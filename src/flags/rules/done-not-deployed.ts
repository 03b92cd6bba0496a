import type { SnapshotItem, TaskSnapshot } from "../../model/task-snapshot.ts";
import { describeWorkingDays } from "./calendar.ts";
import { defaultOwner, hasListedLabel, isListed, type RuleContext, type RuleFlag } from "./common.ts";
import { textOf } from "./text/analysis.ts";

const SUCCESS = new Set([
  "success",
  "succeeded",
  "successful",
  "active",
  "published",
  "released",
  "completed",
  "deployed",
]);

/**
 * A production deployment that did not stay: GitHub's `failure` and `error` statuses, and `inactive`, which
 * GitHub never sets on a production deployment by itself (`auto_inactive` touches only non-production ones),
 * so someone took it down or rolled it back. docs.github.com/rest/deployments/statuses
 */
const FAILED = new Set(["failure", "failed", "error", "errored", "inactive", "rolled_back", "cancelled"]);

/** Whether a deployment item says the work reached production (or a release was published). */
function isProductionDeployment(item: SnapshotItem, environments: string[]): boolean {
  const f = item.facts;
  if (!f.deploymentState || !SUCCESS.has(f.deploymentState.toLowerCase())) return false;
  return isToProduction(item, environments);
}

/** Whether a deployment item says a production deployment failed, errored or was taken back. */
function isFailedProductionDeployment(item: SnapshotItem, environments: string[]): boolean {
  const state = item.facts.deploymentState?.toLowerCase();
  return state !== undefined && FAILED.has(state) && isToProduction(item, environments);
}

function isToProduction(item: SnapshotItem, environments: string[]): boolean {
  const f = item.facts;
  if (f.release) return true;
  if (!f.environment) return true;
  const env = f.environment.toLowerCase();
  return environments.some((e) => env.includes(e.toLowerCase()));
}

/** When the task went done: its latest move into a done status, or its last update. */
function doneAt(task: TaskSnapshot): { at: Date; item: SnapshotItem | null } {
  for (let i = task.items.length - 1; i >= 0; i--) {
    const item = task.items[i]!;
    if (item.kind === "status_change" && item.facts.statusToCategory === "done") return { at: item.at, item };
  }
  return { at: task.updatedAt, item: null };
}

/**
 * `done_not_deployed`: a task that is done (with code: a merged pull request linked, unless the settings drop
 * that requirement), or a pull request that was merged, with no production deployment after the merge within
 * the threshold. A successful GitHub deployment to a production environment, a published release, or a
 * message that says it is live counts; a later "rolled back" takes it away.
 */
export function evaluateDoneNotDeployed(task: TaskSnapshot, ctx: RuleContext): RuleFlag[] {
  const s = ctx.settings.deployments;
  if (hasListedLabel(task, s.exemptLabels)) return [];
  if (task.resolution && isListed(task.resolution, s.exemptResolutions)) return [];
  let since: Date;
  let windowStart: Date;
  const evidence: string[] = [];
  let what: string;
  const pr = task.pullRequest;
  if (pr) {
    if (!pr.merged) return [];
    const done = doneAt(task);
    since = pr.mergedAt ?? done.at;
    windowStart = since;
    what = "Merged";
    const own = task.items.find((i) => i.kind === "pull_request");
    if (own) evidence.push(own.id);
  } else {
    if (task.statusCategory !== "done") return [];
    const merges = task.items.filter((i) => i.kind === "pull_request" && i.facts.merged);
    const hasDeployments = task.items.some((i) => i.kind === "deployment");
    if (s.requireCodeLink && merges.length === 0 && !hasDeployments) return [];
    const done = doneAt(task);
    since = done.at;
    if (done.item) evidence.push(done.item.id);
    const mergedAt = merges.reduce<Date | null>(
      (latest, i) => (i.facts.mergedAt && (!latest || i.facts.mergedAt > latest) ? i.facts.mergedAt : latest),
      null,
    );
    windowStart = mergedAt && mergedAt < since ? mergedAt : since;
    evidence.push(...merges.map((i) => i.id));
    what = "Done";
  }
  let deployed: SnapshotItem | null = null;
  let attempts: SnapshotItem[] = [];
  // The latest production deployment attempt when it failed, and nothing succeeded after it.
  let failed: SnapshotItem | null = null;
  // A release confirmed on the task a pull request belongs to covers the pull request.
  const said = task.taskItems;
  const timeline = said
    ? [...task.items, ...said].sort((a, b) => a.at.getTime() - b.at.getTime())
    : task.items;
  for (const item of timeline) {
    if (item.at < windowStart) continue;
    if (item.kind === "deployment") {
      if (isProductionDeployment(item, s.environments)) {
        deployed = item;
        failed = null;
      } else if (isFailedProductionDeployment(item, s.environments)) {
        if (deployed) attempts.push(deployed);
        deployed = null;
        failed = item;
        attempts.push(item);
      } else if (item.facts.deploymentState) {
        // Another production deployment under way after the failure: the latest attempt is no longer the failed one.
        if (failed && item.threadId !== failed.threadId && isToProduction(item, s.environments))
          failed = null;
        attempts.push(item);
      }
      continue;
    }
    // Someone confirmed the release through Threadline: the comment names it and who confirmed it.
    if (item.facts.writtenBy === "confirm-deployed") {
      deployed = item;
      continue;
    }
    if (item.author === null) continue;
    const signal = textOf(item).deploySignal;
    if (signal === "deployed") deployed = item;
    else if (signal === "rolled_back" && deployed) {
      attempts = [...attempts, deployed, item];
      deployed = null;
    }
  }
  if (deployed) return [];
  const days = ctx.calendar.workingDaysBetween(since, ctx.now);
  // A failed production deployment is the clearest "not deployed" there is: no threshold to wait for.
  if (failed) {
    const state = failed.facts.deploymentState?.toLowerCase();
    const how = state === "inactive" ? "was taken down or rolled back" : `failed (${state})`;
    return [
      {
        kind: "done_not_deployed",
        taskKey: task.key,
        fingerprint: "failed",
        since,
        reason: `${what} ${ctx.calendar.describeDay(since, ctx.now)}, but its production deployment to ${failed.facts.environment ?? "production"} ${how} ${ctx.calendar.describeDay(failed.at, ctx.now)} and none succeeded since; fix it and deploy again.`,
        evidence: [...evidence, ...attempts.map((i) => i.id)],
        owner: defaultOwner(task),
      },
    ];
  }
  if (days <= s.days) return [];
  const tried = attempts.at(-1);
  const note = tried
    ? tried.kind === "deployment"
      ? `; the last deployment was to ${tried.facts.environment ?? "an unnamed environment"} (${tried.facts.deploymentState})`
      : "; the last production deployment was rolled back"
    : "";
  return [
    {
      kind: "done_not_deployed",
      taskKey: task.key,
      fingerprint: "",
      since,
      reason: `${what} ${ctx.calendar.describeDay(since, ctx.now)} and no production deployment confirmed in ${describeWorkingDays(days)}${note}; deploy it or confirm the release.`,
      evidence: [...evidence, ...attempts.filter((i) => !said?.includes(i)).map((i) => i.id)],
      owner: defaultOwner(task),
    },
  ];
}
