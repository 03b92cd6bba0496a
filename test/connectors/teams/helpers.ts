/**
 * What the Teams connector's tests share: a small realistic organisation, a connector that retries without
 * pauses and keeps its notices, and the settings that point it at a sandbox (../kit.ts has the rest).
 */

import { TeamsDataset, type TeamsSandbox, teamsSandboxEnv } from "../../../connectors/sandbox/teams/index.ts";
import { createTeamsConnector, type TeamsSettings } from "../../../connectors/teams/index.ts";
import type { TeamsPullNotice, TeamsPullOptions } from "../../../connectors/teams/pull.ts";
import type { LinkContext } from "../../../src/linking/index.ts";
import { settingsFrom } from "../kit.ts";

/** The sandbox's clock at the end of `buildOrg`, and the tests' run clock just after it. */
export const ORG_NOW = new Date("2026-03-02T07:00:00Z");
export const RUN_NOW = new Date("2026-03-02T08:00:00Z");

/** The link context of the organisation's tasks: Jira project FAL, GitHub repository acme/portal. */
export const TEAMS_LINK_CONTEXT: LinkContext = {
  jiraProjects: ["FAL"],
  jiraSiteUrls: ["https://acme.atlassian.net"],
  githubRepos: ["acme/portal"],
  githubWebUrls: ["https://github.com"],
};

/**
 * A client project's two channels: `dev` (the team) and `client` (shared with Acme: Dan is a B2B guest,
 * Priya writes over external access). Threads name tasks by Jira key or pull request link, with replies
 * that do not; one thread has more replies than a page expands in the tests' sandbox (5); a bot posts a
 * card; there is a system event.
 */
export function buildOrg(): TeamsDataset {
  const data = new TeamsDataset({ now: "2026-02-02T08:00:00Z" })
    .addUser("ana", { displayName: "Ana Lima" })
    .addUser("ben", { displayName: "Ben Okafor", mail: null, userPrincipalName: "ben.okafor@contoso.com" })
    .addUser("cleo", { displayName: "Cleo Park" })
    .addUser("dan", {
      displayName: "Dan Miller (Acme)",
      mail: "dan.miller@acme-corp.example",
      userType: "Guest",
    })
    .addUser("priya", {
      displayName: "Priya Nair (Acme IT)",
      identityType: "federatedUser",
      tenantId: "9a3b2c1d-0000-4c8e-b2a1-acme00000001",
      userType: null,
    })
    .addApp("github", "GitHub")
    .addTeam("portal", "Acme portal")
    .addChannel("portal", "dev", "Portal dev")
    .addChannel("portal", "client", "Acme shared");

  const sso = data.post("dev", {
    from: "ana",
    body: "SSO login fails for Acme staff, tracking it in FAL-12.",
  });
  data.advance(3_600_000);
  data.reply(sso.id, { from: "ben", body: "The SAML assertion has no email attribute." });
  data.advance(600_000);
  data.reply(sso.id, {
    from: "cleo",
    body: ["Can you ask Acme for the Okta settings, ", { mention: "ana" }, "?"],
  });

  data.advance(3_600_000);
  const pr = data.post("dev", {
    from: "ben",
    body: '<p>Index for order history: <a href="https://github.com/acme/portal/pull/41">acme/portal#41</a></p>',
  });
  for (let i = 0; i < 7; i++) {
    data.advance(60_000);
    data.reply(pr.id, { from: i % 2 ? "ana" : "cleo", body: `Review note ${i + 1}` });
  }
  data.advance(60_000);
  data.reply(pr.id, {
    from: { app: "github" },
    body: '<attachment id="c1"></attachment>',
    attachments: [
      {
        id: "c1",
        contentType: "application/vnd.microsoft.card.adaptive",
        contentUrl: null,
        content: JSON.stringify({
          type: "AdaptiveCard",
          body: [{ type: "TextBlock", text: "Merged acme/portal#41" }],
        }),
        name: null,
        thumbnailUrl: null,
        teamsAppId: null,
      },
    ],
  });

  data.advance(3_600_000);
  data.systemEvent("dev");

  data.advance(3_600_000);
  const erp = data.post("client", {
    from: "ana",
    body: ["For the ERP connection (FAL-15): ", { mention: "dan" }, " do you have sandbox credentials?"],
  });
  data.advance(7_200_000);
  data.reply(erp.id, { from: "dan", body: "Asking our IT team, should be this week." });
  data.advance(7_200_000);
  data.reply(erp.id, { from: "priya", body: "Credentials are in the vault entry Acme-ERP-Sandbox." });
  data.now = ORG_NOW.getTime();
  return data;
}

/** A connector that retries 503s at once and keeps what it would log. */
export function quickTeams(options: TeamsPullOptions = {}) {
  const notices: TeamsPullNotice[] = [];
  const connector = createTeamsConnector({
    retry: { delaySeconds: 0 },
    notice: (n) => notices.push(n),
    ...options,
  });
  return { connector, notices };
}

export function settingsFor(
  sandbox: TeamsSandbox,
  channels: readonly string[] = ["dev", "client"],
  options: { token?: boolean | string; extra?: Record<string, string> } = {},
): TeamsSettings {
  return settingsFrom(createTeamsConnector(), teamsSandboxEnv(sandbox, channels, options));
}

/** Graph requests the sandbox answered (the token endpoint left out). */
export const graphRequests = (sandbox: TeamsSandbox, path?: RegExp) =>
  sandbox.requests.entries.filter(
    (e) => e.path.startsWith("/v1.0/") && (!path || path.test(decodeURIComponent(e.path))),
  );
