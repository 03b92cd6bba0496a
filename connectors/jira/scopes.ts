import type { ScopeRequest } from "../types.ts";
import { createJiraClient, fetchJiraDeployment } from "./client.ts";
import type { JiraSettings } from "./config.ts";
import type { JiraPullOptions } from "./pull.ts";
import { JiraProjectPageSchema, JiraProjectSchema } from "./schemas.ts";

/**
 * The projects to read: JIRA_PROJECTS, or every project the account can browse.
 * Cloud pages them (GET /rest/api/3/project/search); Data Center lists them all at once (GET /rest/api/2/project).
 * https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-projects/#api-rest-api-3-project-search-get
 */
export async function listJiraProjects(
  settings: JiraSettings,
  request: ScopeRequest,
  options: JiraPullOptions,
): Promise<string[]> {
  if (settings.projects.length > 0) return [...settings.projects];
  const client = createJiraClient({ settings, signal: request.signal, report: request.report, ...options });
  const deployment = await fetchJiraDeployment(settings, client);
  if (deployment === "datacenter") {
    return JiraProjectSchema.array()
      .parse(await client.fetchAllProjects())
      .map((p) => p.key);
  }
  const keys: string[] = [];
  for (let startAt = 0; ; ) {
    const page = JiraProjectPageSchema.parse(await client.fetchProjectPage(startAt, 100));
    keys.push(...page.values.map((p) => p.key));
    startAt += page.values.length;
    if (page.values.length === 0 || page.isLast !== false) return keys;
  }
}
