/**
 * The Jira sandbox: a data set (`JiraDataset`), the Hono app that serves it as Jira's REST API, signed
 * webhook pushes, and a bulk data set for benchmarks.
 *
 *   const data = new JiraDataset({ deployment: "cloud" }).addUser("ana", { displayName: "Ana Lima" })...;
 *   const jira = await startJiraSandbox(data);
 *   const env = jiraSandboxEnv(jira, data, ["PROJ"]); // JIRA_BASE_URL, JIRA_EMAIL, JIRA_API_TOKEN, …
 *   jira.faults.set([{ status: 429, times: 2, retryAfterSeconds: 1, body: JIRA_RATE_LIMIT_BODY }]);
 */
import { type FaultRule, type Sandbox, startSandbox } from "../harness.ts";
import { createJiraSandboxApp } from "./app.ts";
import { JiraDataset } from "./dataset.ts";

export { createJiraSandboxApp, JIRA_SANDBOX_LIMITS } from "./app.ts";
export * from "./dataset.ts";
export { compareKeys } from "./jql.ts";
export { formatJiraTime, parseJqlDate } from "./time.ts";
export * from "./webhooks.ts";

/**
 * Jira's error collection (`errorMessages`, `errors`), the body of every error of the REST API:
 * https://developer.atlassian.com/cloud/jira/platform/rest/v3/intro/#status-codes. A 429's own body.
 */
export const JIRA_RATE_LIMIT_BODY = { errorMessages: ["Rate limit exceeded."], errors: {} };
export const JIRA_SERVER_ERROR_BODY = { errorMessages: ["Internal server error"], errors: {} };
/**
 * A 403 of the issue search: "Returned if the user does not have the necessary permission"
 * (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/#api-rest-api-3-search-jql-get).
 */
export const JIRA_FORBIDDEN_BODY = {
  errorMessages: ["You do not have the permission to see the specified issue."],
  errors: {},
};

/**
 * Jira Cloud's 429 (https://developer.atlassian.com/cloud/jira/platform/rate-limiting/): `Retry-After` in
 * seconds, `X-RateLimit-Reset` as the request's time plus that wait (ISO 8601, `yyyy-MM-ddTHH:mmZ`) and
 * `RateLimit-Reason` naming the limit met, with the error collection as its body.
 */
export function jiraRateLimit(rule: Omit<FaultRule, "status" | "body" | "headers"> = {}): FaultRule {
  const seconds = rule.retryAfterSeconds ?? 1;
  return {
    ...rule,
    status: 429,
    retryAfterSeconds: seconds,
    body: JIRA_RATE_LIMIT_BODY,
    headers: (now) => ({
      "X-RateLimit-Reset": `${new Date(now.getTime() + seconds * 1000).toISOString().slice(0, 16)}Z`,
      "RateLimit-Reason": "jira-burst-based",
    }),
  };
}

export interface JiraSandbox extends Sandbox {
  data: JiraDataset;
}

/** Serves `data` on a free loopback port. */
export async function startJiraSandbox(
  data: JiraDataset,
  options: { seed?: number } = {},
): Promise<JiraSandbox> {
  const sandbox = await startSandbox(createJiraSandboxApp(data), options);
  return Object.assign(sandbox, { data });
}

/** The environment that points the Jira connector at a sandbox. */
export function jiraSandboxEnv(
  sandbox: Pick<Sandbox, "url">,
  data: JiraDataset,
  projects: readonly string[] = [...data.projects.keys()],
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    JIRA_BASE_URL: sandbox.url,
    JIRA_EMAIL: data.email,
    JIRA_API_TOKEN: data.apiToken,
    JIRA_PROJECTS: projects.join(","),
    ...extra,
  };
}

/**
 * A large site for request-efficiency benchmarks: `issues` issues in `project`, `comments` comments spread
 * unevenly (most issues a few, some many more than a search page embeds) and a status change on every
 * third issue. Deterministic.
 */
export function buildBulkJiraDataset(options: {
  issues: number;
  comments: number;
  project?: string;
  deployment?: JiraDataset["deployment"];
}): JiraDataset {
  const project = options.project ?? "BULK";
  const data = new JiraDataset({ deployment: options.deployment ?? "cloud", now: "2025-01-01T00:00:00Z" });
  for (const [id, displayName] of [
    ["ana", "Ana Lima"],
    ["ben", "Ben Okafor"],
    ["chloe", "Chloé Martin"],
    ["dev", "Devi Rao"],
  ] as const) {
    data.addUser(id, { displayName });
  }
  const people = ["ana", "ben", "chloe", "dev"];
  data.addProject(project, "Bulk project");
  // Weights: every tenth issue gets eight shares of the comments, the rest one each; what rounding leaves
  // goes one by one to the first issues.
  const weights = Array.from({ length: options.issues }, (_, i) => (i % 10 === 0 ? 8 : 1));
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const shares = weights.map((w) => Math.floor((options.comments * w) / totalWeight));
  let left = options.comments - shares.reduce((a, b) => a + b, 0);
  for (let i = 0; left > 0; i = (i + 1) % shares.length, left--) shares[i]!++;
  for (let i = 0; i < options.issues; i++) {
    data.advance(60_000);
    const issue = data.addIssue({
      project,
      summary: `Bulk issue ${i + 1}`,
      reporter: people[i % 4]!,
      assignee: i % 7 === 0 ? null : people[(i + 1) % 4]!,
    });
    for (let k = 0; k < shares[i]!; k++) {
      data.advance(1_000);
      data.addComment(issue.key, { author: people[(i + k) % 4]!, body: `Comment ${k + 1} on ${issue.key}` });
    }
    if (i % 3 === 0) data.transition(issue.key, "In Progress", { by: people[i % 4]! });
  }
  return data;
}
