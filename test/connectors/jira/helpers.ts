/**
 * What the Jira connector's tests share: a small realistic site and the settings that point a connector
 * with quick retries at it (what every connector's tests share is in ../kit.ts).
 */

import { createJiraConnector, type JiraSettings } from "../../../connectors/jira/index.ts";
import {
  JiraDataset,
  type JiraDeployment,
  type JiraSandbox,
  jiraSandboxEnv,
} from "../../../connectors/sandbox/jira/index.ts";
import { settingsFrom } from "../kit.ts";

/** Retries without the long pauses: a 5xx is retried after 5 ms. Retry-After is still honoured. */
export const quickJira = createJiraConnector({ retry: { baseDelayMs: 5 } });

/**
 * A client project in the middle of its life: PROJ with a handful of issues (one with more comments than a
 * search embeds, one with more status changes than it embeds, one blocked by another), OPS beside it.
 */
export function buildSite(
  deployment: JiraDeployment = "cloud",
  timeZone = "America/Los_Angeles",
): JiraDataset {
  const data = new JiraDataset({ deployment, userTimeZone: timeZone, now: "2026-02-02T08:00:00Z" })
    .addUser("ana", { displayName: "Ana Lima", email: "ana@acme.dev" })
    .addUser("ben", { displayName: "Ben Okafor", email: "ben@acme.dev" })
    .addUser("cleo", { displayName: "Cleo Park", email: null })
    .addUser("robot", { displayName: "Automation for Jira", email: null, accountType: "app" })
    .addUser("client", {
      displayName: "Dana from Client",
      email: "dana@client.example",
      accountType: "customer",
    })
    .addProject("PROJ", "Client portal")
    .addProject("OPS", "Operations");

  const login = data.addIssue({
    project: "PROJ",
    summary: "Login fails with SSO",
    description: ["Reported by ", { mention: "client" }, ". See https://github.com/acme/portal/issues/12"],
    reporter: "ana",
    assignee: "ben",
    labels: ["sso", "client"],
    priority: "High",
    duedate: "2026-02-20",
    fixVersions: ["1.4.0"],
  });
  data.advance(3_600_000);
  data.transition(login.key, "In Progress", { by: "ben" });
  for (let i = 0; i < 23; i++) {
    data.advance(600_000);
    data.addComment(login.key, { author: i % 2 ? "ana" : "ben", body: `Update ${i + 1} on the SSO fix` });
  }
  data.addComment(login.key, {
    author: "ben",
    body: ["Can you confirm the IdP settings, ", { mention: "client" }, "?"],
  });

  data.advance(3_600_000);
  const flaky = data.addIssue({
    project: "PROJ",
    summary: "Flaky checkout test",
    reporter: "cleo",
    assignee: null,
  });
  for (let i = 0; i < 44; i++) {
    data.advance(60_000);
    data.transition(flaky.key, i % 2 ? "To Do" : "In Progress", { by: i % 3 ? "cleo" : "robot" });
  }

  data.advance(3_600_000);
  const api = data.addIssue({
    project: "PROJ",
    summary: "Waiting on client API credentials",
    reporter: "ben",
    assignee: "ana",
  });
  data.addLink(login.key, api.key);
  data.transition(api.key, "Blocked", { by: "ana" });
  data.addComment(api.key, { author: "ana", body: "Still no credentials from the client." });

  data.advance(3_600_000);
  const done = data.addIssue({
    project: "PROJ",
    summary: "Ship release notes",
    reporter: "ana",
    assignee: "ana",
  });
  data.transition(done.key, "Done", { by: "ana" });

  data.addIssue({ project: "OPS", summary: "Rotate certificates", reporter: "ben", assignee: "ben" });
  return data;
}

export function settingsFor(jira: JiraSandbox, extra: Record<string, string> = {}): JiraSettings {
  return settingsFrom(quickJira, jiraSandboxEnv(jira, jira.data, ["PROJ", "OPS"], extra));
}
