/**
 * The Jira connector: Jira Cloud (REST v3, enhanced JQL search) and Jira Data Center (REST v2), through
 * jira.js. See README.md in this folder for the token, the scopes and the limits.
 */

import type { Connector } from "../types.ts";
import { defineConnector } from "../types.ts";
import { jiraAbout } from "./about.ts";
import { type JiraSettings, jiraSettingsFromEnv } from "./config.ts";
import { mapJiraRecord } from "./map.ts";
import type { JiraPullOptions } from "./pull.ts";
import { jiraWebhook } from "./webhook.ts";
import { JIRA_WRITE_KINDS } from "./write-kinds.ts";

export type { JiraSettings } from "./config.ts";

// The SDK and the pull load on first use (dynamic imports below), so a process that only reads what the
// product says of a source (the web view, the digest, relink) never loads them.

/** A Jira connector; options change only how it waits and retries (tests make that quick). */
export function createJiraConnector(options: JiraPullOptions = {}): Connector<"jira", JiraSettings> {
  return defineConnector({
    id: "jira",
    about: jiraAbout,
    fromEnv: jiraSettingsFromEnv,
    listScopes: async (settings, request) =>
      (await import("./scopes.ts")).listJiraProjects(settings, request, options),
    async *pull(request) {
      yield* (await import("./pull.ts")).pullJiraProject(request, options);
    },
    map: mapJiraRecord,
    webhook: jiraWebhook,
    actions: {
      kinds: JIRA_WRITE_KINDS,
      access: async (request) => (await import("./actions.ts")).jiraAccess(request, options),
      find: async (request) => (await import("./actions.ts")).findJiraWrite(request, options),
      write: async (request) => (await import("./actions.ts")).writeJira(request, options),
    },
  });
}

export const jiraConnector = createJiraConnector();
