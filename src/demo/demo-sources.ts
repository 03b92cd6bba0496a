/**
 * The demo workspace's sources: each sandbox server started in-process on a loopback port with the demo's
 * data, and the environment that points its real connector at it. The data sets tell one story (the Acme
 * customer portal, see `story/jira.ts`), so each is built knowing where the others answer:
 * chat messages link to the Jira and GitHub sandboxes' own addresses, which the linker then recognises.
 *
 * A source joins the demo with one entry in `DEMO_SOURCES`.
 */
import { createServer } from "node:net";
import { createGithubApi } from "../../connectors/sandbox/github/app.ts";
import { createGmailSandboxApp, type GmailSandboxControl } from "../../connectors/sandbox/gmail/app.ts";
import { gmailSandboxEnv } from "../../connectors/sandbox/gmail/index.ts";
import { type Sandbox, startSandbox } from "../../connectors/sandbox/harness.ts";
import { createJiraSandboxApp, jiraSandboxEnv } from "../../connectors/sandbox/jira/index.ts";
import { createSlackSandboxApp } from "../../connectors/sandbox/slack/app.ts";
import { createTeamsSandboxApp, teamsSandboxEnv } from "../../connectors/sandbox/teams/index.ts";
import type { SourceId } from "../model/kinds.ts";
import { buildGithubDemoDataset, GITHUB_DEMO_REPO } from "./story/github.ts";
import { buildGmailDemoDataset } from "./story/gmail.ts";
import { buildJiraDemoDataset, JIRA_DEMO_PROJECT, JIRA_DEMO_TEAM_DOMAIN } from "./story/jira.ts";
import { buildSlackDemoDataset } from "./story/slack.ts";
import { buildTeamsDemoDataset, TEAMS_DEMO_CHANNELS } from "./story/teams.ts";

/** What every demo source may know while it builds its data: the demo's clock and where each sandbox answers. */
export interface DemoContext {
  /** The time the demo's story ends at; every data set is relative to it. */
  now: Date;
  /** Each demo source's base URL (`http://127.0.0.1:PORT`), known before any of them starts. */
  urls: Readonly<Record<string, string>>;
}

export interface DemoSource {
  id: SourceId;
  /** Builds the data set, serves it on `port`, and says which variables point the connector at it. */
  start(context: DemoContext, port: number): Promise<{ sandbox: Sandbox; env: Record<string, string> }>;
}

const githubToken = "ghp_demo000000000000000000000000000000";

export const DEMO_SOURCES: readonly DemoSource[] = [
  {
    id: "jira",
    async start({ now }, port) {
      const data = buildJiraDemoDataset({ now });
      const sandbox = await startSandbox(createJiraSandboxApp(data), { port });
      return { sandbox, env: jiraSandboxEnv(sandbox, data, [JIRA_DEMO_PROJECT]) };
    },
  },
  {
    id: "github",
    async start({ now }, port) {
      const dataset = buildGithubDemoDataset({ now });
      dataset.token(githubToken);
      const sandbox = await startSandbox(createGithubApi(dataset).app, { port });
      return {
        sandbox,
        env: { GITHUB_TOKEN: githubToken, GITHUB_REPOS: GITHUB_DEMO_REPO, GITHUB_API_URL: sandbox.url },
      };
    },
  },
  {
    id: "gmail",
    async start({ now }, port) {
      const data = buildGmailDemoDataset(now);
      const control: GmailSandboxControl = { userRateLimited: 0, batches: 0, batchCalls: 0, faults: null };
      const sandbox = await startSandbox(createGmailSandboxApp(data, control), { port });
      control.faults = sandbox.faults;
      return { sandbox, env: gmailSandboxEnv({ url: sandbox.url, data }) };
    },
  },
  {
    id: "teams",
    async start({ now, urls }, port) {
      const data = buildTeamsDemoDataset({ now, ...(urls.github ? { githubWebUrl: urls.github } : {}) });
      const sandbox = await startSandbox(createTeamsSandboxApp(data), { port });
      return {
        sandbox,
        env: teamsSandboxEnv({ url: sandbox.url, data }, Object.values(TEAMS_DEMO_CHANNELS)),
      };
    },
  },
  {
    id: "slack",
    async start({ now, urls }, port) {
      const data = buildSlackDemoDataset({
        now,
        ...(urls.jira ? { jiraSiteUrl: urls.jira } : {}),
        ...(urls.github ? { githubWebUrl: urls.github } : {}),
        repo: GITHUB_DEMO_REPO,
      });
      const sandbox = await startSandbox(createSlackSandboxApp(data, { limited: null }), { port });
      return {
        sandbox,
        env: {
          SLACK_TOKEN: data.botToken,
          SLACK_API_URL: `${sandbox.url}/api/`,
          SLACK_SIGNING_SECRET: data.signingSecret,
        },
      };
    },
  },
];

export interface DemoSources {
  /** The variables that configure every demo source, and the team's email domain. Never written to disk. */
  env: Record<string, string>;
  /** The port each source answers on, to ask for the same ones next time. */
  ports: Partial<Record<SourceId, number>>;
  sandboxes: Partial<Record<SourceId, Sandbox>>;
  close(): Promise<void>;
}

/** Whether nothing listens on `port` of the loopback interface right now. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** A port nothing listens on right now, as the system picks it. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/**
 * Starts every demo source with its data ending at `now`, on `ports` where given (else free ones). On any
 * failure the sources already started are closed again.
 */
export async function startDemoSources(
  options: { now: Date; ports?: Partial<Record<SourceId, number>>; sources?: readonly DemoSource[] } = {
    now: new Date(),
  },
): Promise<DemoSources> {
  const sources = options.sources ?? DEMO_SOURCES;
  const ports: Partial<Record<SourceId, number>> = {};
  for (const source of sources) ports[source.id] = options.ports?.[source.id] ?? (await findFreePort());
  const urls = Object.fromEntries(sources.map((s) => [s.id, `http://127.0.0.1:${ports[s.id]}`]));
  const context: DemoContext = { now: options.now, urls };
  const sandboxes: Record<SourceId, Sandbox> = {};
  const close = async () => {
    await Promise.all(Object.values(sandboxes).map((s) => s.close()));
  };
  const env: Record<string, string> = { THREADLINE_TEAM_DOMAINS: JIRA_DEMO_TEAM_DOMAIN };
  try {
    const started = await Promise.all(
      sources.map(async (source) => {
        const result = await source.start(context, ports[source.id]!);
        sandboxes[source.id] = result.sandbox;
        return result;
      }),
    );
    for (const result of started) Object.assign(env, result.env);
  } catch (err) {
    await close();
    throw err;
  }
  return { env, ports, sandboxes, close };
}
