/**
 * A source whose API root cannot be reached (a host that does not resolve, a port nobody listens on) fails at
 * once with what to check, while the sources beside it finish; a connection refused later in a pass, after
 * the source has answered, is retried like any dropped connection. The real Octokit over real sockets, the
 * engine's own retry policy and clock.
 */
import { createServer } from "node:net";
import { beforeEach, expect, it } from "vitest";
import { githubConnector } from "../../connectors/github/index.ts";
import { gmailConnector } from "../../connectors/gmail/index.ts";
import { jiraConnector } from "../../connectors/jira/index.ts";
import { slackConnector } from "../../connectors/slack/index.ts";
import { teamsConnector } from "../../connectors/teams/index.ts";
import { ConnectorError } from "../../connectors/types.ts";
import { runSync } from "../../src/sync/engine.ts";
import { settingsFrom } from "../connectors/kit.ts";
import { describeEachDatabase, emptyTables } from "../helpers/databases.ts";
import { LINK_CONTEXT, scriptedWorkspace, syncOnce } from "../helpers/sync-run.ts";

/** A local port that refuses connections: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== "object" || address === null) throw new Error("no port");
  return address.port;
}

const githubAt = (apiUrl: string) => ({
  connector: githubConnector,
  settings: settingsFrom(githubConnector, {
    GITHUB_TOKEN: "ghp_test",
    GITHUB_REPOS: "acme/web,acme/api,acme/ops",
    GITHUB_API_URL: apiUrl,
  }),
});

const jiraAt = (baseUrl: string) => ({
  connector: jiraConnector,
  settings: settingsFrom(jiraConnector, {
    JIRA_BASE_URL: baseUrl,
    JIRA_EMAIL: "bot@acme.dev",
    JIRA_API_TOKEN: "jira-test-token",
    JIRA_PROJECTS: "PROJ,OPS",
  }),
});

const slackAt = (apiUrl: string) => ({
  connector: slackConnector,
  settings: settingsFrom(slackConnector, {
    SLACK_TOKEN: "xoxb-test",
    SLACK_CHANNELS: "C0DEV,C0OPS",
    SLACK_API_URL: apiUrl,
  }),
});

const teamsAt = (graphUrl: string) => ({
  connector: teamsConnector,
  settings: settingsFrom(teamsConnector, {
    MS_GRAPH_TOKEN: "graph-test-token",
    TEAMS_CHANNELS: "team-1/19:dev@thread.tacv2,team-1/19:ops@thread.tacv2",
    MS_GRAPH_URL: graphUrl,
  }),
});

/** Teams with an app's credentials: its first request goes to the token authority. */
const teamsAuthorityAt = (authorityUrl: string) => ({
  connector: teamsConnector,
  settings: settingsFrom(teamsConnector, {
    MS_TENANT_ID: "tenant-1",
    MS_CLIENT_ID: "client-1",
    MS_CLIENT_SECRET: "secret-1",
    MS_AUTHORITY_URL: authorityUrl,
    TEAMS_CHANNELS: "team-1/19:dev@thread.tacv2,team-1/19:ops@thread.tacv2",
  }),
});

const gmailAt = (apiUrl: string) => ({
  connector: gmailConnector,
  settings: settingsFrom(gmailConnector, { GMAIL_ACCESS_TOKEN: "gmail-test-token", GMAIL_API_URL: apiUrl }),
});

/** A mailbox read with a refresh token: its first request goes to the token endpoint, which follows the API root. */
const gmailTokenAt = (apiUrl: string) => ({
  connector: gmailConnector,
  settings: settingsFrom(gmailConnector, {
    GOOGLE_CLIENT_ID: "client-id",
    GOOGLE_CLIENT_SECRET: "client-secret",
    GMAIL_REFRESH_TOKEN: "refresh-token",
    GMAIL_API_URL: apiUrl,
  }),
});

/** Each source's API root wrong in both ways, and the variable its error names. */
const othersCases = [
  { source: "slack", at: slackAt, path: "/api/", variable: "SLACK_API_URL" },
  { source: "teams", at: teamsAt, path: "", variable: "MS_GRAPH_URL" },
  {
    source: "teams",
    at: teamsAuthorityAt,
    path: "",
    variable: "MS_AUTHORITY_URL",
    what: "'s token authority",
  },
  { source: "gmail", at: gmailAt, path: "", variable: "GMAIL_API_URL" },
  {
    source: "gmail",
    at: gmailTokenAt,
    path: "",
    variable: "GMAIL_API_URL (the token endpoint follows it) or GOOGLE_TOKEN_URL",
    what: "'s token endpoint",
  },
] as const;

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describeEachDatabase("a source that cannot be reached", (ctx) => {
  beforeEach(async () => {
    await emptyTables(ctx.db);
  });

  const cases = [
    {
      name: "a host that does not resolve",
      url: async () => "http://threadline-nowhere.invalid",
      says: /does not resolve \(ENOTFOUND\): check GITHUB_API_URL/,
    },
    {
      name: "a refused port",
      url: async () => `http://127.0.0.1:${await closedPort()}`,
      says: /nothing answers at .*ECONNREFUSED.*check the host and port in GITHUB_API_URL/,
    },
  ];
  for (const c of cases) {
    it(`fails GitHub within seconds on ${c.name} while the other source finishes`, async () => {
      const workspace = scriptedWorkspace();
      const started = performance.now();
      // The engine's default retry policy and real waits: only the fast failure keeps this short.
      const report = await runSync({
        db: ctx.db,
        sources: [githubAt(await c.url()), workspace.sources[0]!],
        mode: "backfill",
        linkContext: LINK_CONTEXT,
      });
      const seconds = (performance.now() - started) / 1000;
      expect(seconds).toBeLessThan(10);
      const github = report.sources.find((s) => s.source === "github")!;
      const jira = report.sources.find((s) => s.source === "jira")!;
      expect(jira.ok).toBe(true);
      expect(jira.itemsNew).toBeGreaterThan(0);
      expect(github.ok).toBe(false);
      expect(github.retries).toBe(0);
      expect(github.errors.length).toBeGreaterThan(0);
      for (const error of github.errors) {
        expect(error.kind).toBe("unreachable");
        expect(error.message).toMatch(c.says);
      }
    });
  }

  it("fails Jira within seconds on a refused port, naming JIRA_BASE_URL, while the other source finishes", async () => {
    const workspace = scriptedWorkspace();
    const started = performance.now();
    const report = await runSync({
      db: ctx.db,
      sources: [jiraAt(`http://127.0.0.1:${await closedPort()}`), workspace.sources[1]!],
      mode: "backfill",
      linkContext: LINK_CONTEXT,
    });
    expect((performance.now() - started) / 1000).toBeLessThan(10);
    const jira = report.sources.find((s) => s.source === "jira")!;
    expect(report.sources.find((s) => s.source === "slack")!.ok).toBe(true);
    expect(jira.ok).toBe(false);
    expect(jira.retries).toBe(0);
    expect(jira.errors.length).toBeGreaterThan(0);
    for (const error of jira.errors) {
      expect(error.kind).toBe("unreachable");
      expect(error.message).toMatch(
        /nothing answers at .*ECONNREFUSED.*check the host and port in JIRA_BASE_URL/,
      );
    }
  });

  for (const c of othersCases) {
    const what = "what" in c ? c.what : "";
    for (const wrong of ["a host that does not resolve", "a refused port"] as const) {
      it(`fails ${c.source}${what} within seconds on ${wrong}, naming ${c.variable}, while the other source finishes`, async () => {
        const workspace = scriptedWorkspace();
        const root =
          wrong === "a refused port"
            ? `http://127.0.0.1:${await closedPort()}${c.path}`
            : `http://threadline-nowhere.invalid${c.path}`;
        const says =
          wrong === "a refused port"
            ? new RegExp(
                `nothing answers at .*ECONNREFUSED.*check the host and port in ${escaped(c.variable)},`,
              )
            : new RegExp(`does not resolve \\(ENOTFOUND\\): check ${escaped(c.variable)} and`);
        const started = performance.now();
        // The connectors' own retry policies and the engine's, with real waits.
        const report = await runSync({
          db: ctx.db,
          sources: [c.at(root), workspace.sources[0]!],
          mode: "backfill",
          linkContext: LINK_CONTEXT,
        });
        expect((performance.now() - started) / 1000).toBeLessThan(10);
        const failing = report.sources.find((s) => s.source === c.source)!;
        const jira = report.sources.find((s) => s.source === "jira")!;
        expect(jira.ok).toBe(true);
        expect(jira.itemsNew).toBeGreaterThan(0);
        expect(failing.ok).toBe(false);
        expect(failing.retries).toBe(0);
        expect(failing.errors.length).toBeGreaterThan(0);
        for (const error of failing.errors) {
          expect(error.kind).toBe("unreachable");
          expect(error.message).toMatch(says);
        }
      });
    }
  }

  it("retries a refused connection that comes after the source has answered in the pass", async () => {
    const workspace = scriptedWorkspace();
    const refused = () =>
      new ConnectorError("jira", "unreachable", "nothing answers at http://jira.test (ECONNREFUSED)");
    workspace.jira.faults.push({ scope: "PROJ", atPosition: 30, error: refused, times: 2 });
    const report = await syncOnce(ctx.db, [workspace.sources[0]!]);
    const jira = report.sources[0]!;
    expect(jira.errors).toEqual([]);
    expect(jira.retries).toBe(2);
    expect(jira.ok).toBe(true);
  });
});
