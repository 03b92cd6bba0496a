/**
 * The Jira connector: Jira Cloud (REST v3, enhanced JQL search) and Jira Data Center (REST v2), through
 * jira.js. See README.md in this folder for the token, the scopes and the limits.
 */

import type { Connector } from "../types.ts";
import { defineConnector } from "../types.ts";
import { jiraAbout } from "./about.ts";
import { createJiraClient, fetchJiraDeployment } from "./client.ts";
import { type JiraSettings, jiraSettingsFromEnv } from "./config.ts";
import { mapJiraRecord } from "./map.ts";
import { type JiraPullOptions, pullJiraProject } from "./pull.ts";
import { JiraProjectPageSchema, JiraProjectSchema } from "./schemas.ts";
import { jiraWebhook } from "./webhook.ts";

export type { JiraSettings } from "./config.ts";

/** A Jira connector; options change only how it waits and retries (tests make that quick). */
export function createJiraConnector(options: JiraPullOptions = {}): Connector<"jira", JiraSettings> {
  return defineConnector({
    id: "jira",
    about: jiraAbout,
    fromEnv: jiraSettingsFromEnv,
    async listScopes(settings, request) {
      if (settings.projects.length > 0) return [...settings.projects];
      const client = createJiraClient({
        settings,
        signal: request.signal,
        report: request.report,
        ...options,
      });
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
    },
    pull: (request) => pullJiraProject(request, options),
    map: mapJiraRecord,
    webhook: jiraWebhook,
  });
}

export const jiraConnector = createJiraConnector();
