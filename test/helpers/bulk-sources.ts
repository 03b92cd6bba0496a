import { createGithubApi } from "../../connectors/sandbox/github/app.ts";
import { GithubDataset } from "../../connectors/sandbox/github/dataset.ts";
import { generateRepository } from "../../connectors/sandbox/github/generate.ts";
import type { GmailSandboxControl } from "../../connectors/sandbox/gmail/app.ts";
import {
  buildBulkGmailDataset,
  createGmailSandboxApp,
  gmailSandboxEnv,
} from "../../connectors/sandbox/gmail/index.ts";
import { type Sandbox, startSandbox } from "../../connectors/sandbox/harness.ts";
import {
  buildBulkJiraDataset,
  createJiraSandboxApp,
  jiraSandboxEnv,
} from "../../connectors/sandbox/jira/index.ts";
import { buildBulkSlackDataset, createSlackSandboxApp } from "../../connectors/sandbox/slack/index.ts";
import {
  BULK_CHANNEL,
  buildBulkTeamsDataset,
  createTeamsSandboxApp,
  teamsSandboxEnv,
} from "../../connectors/sandbox/teams/index.ts";
import type { SourceId } from "../../src/model/kinds.ts";

export interface BulkSources {
  /** The variables that configure all five sources against their sandboxes. */
  env: Record<string, string>;
  sandboxes: Record<SourceId, Sandbox>;
  close(): Promise<void>;
}

/**
 * All five sandboxes with the benchmarks' generated data at a small size: a few dozen pages a source, so a
 * share of failed requests lands on every kind of request a backfill makes.
 */
export async function startBulkSources(): Promise<BulkSources> {
  const jiraData = buildBulkJiraDataset({ issues: 300, comments: 1_500 });
  const jira = await startSandbox(createJiraSandboxApp(jiraData));

  const githubData = new GithubDataset();
  generateRepository(githubData.repo("bulk/portal"), {
    issues: 60,
    pulls: 20,
    comments: 500,
    reviewsPerPull: 2,
    reviewCommentsPerPull: 1,
    deployments: 5,
  });
  const githubToken = "ghp_faults0000000000000000000000000000";
  githubData.token(githubToken);
  const github = await startSandbox(
    createGithubApi(githubData, { rateLimit: { core: 1_000_000, graphql: 1_000_000 } }).app,
  );

  const { data: gmailData } = buildBulkGmailDataset({ messages: 800 });
  const control: GmailSandboxControl = { userRateLimited: 0, batches: 0, batchCalls: 0, faults: null };
  const gmail = await startSandbox(createGmailSandboxApp(gmailData, control));
  // The batch endpoint applies the plan to each call inside a batch as well.
  control.faults = gmail.faults;

  const { data: teamsData } = buildBulkTeamsDataset({ messages: 1_000 });
  const teams = await startSandbox(createTeamsSandboxApp(teamsData));

  const slackData = buildBulkSlackDataset({ messages: 1_000, channels: 4 });
  const slack = await startSandbox(createSlackSandboxApp(slackData, { limited: null }));

  const sandboxes = { jira, github, gmail, teams, slack };
  return {
    env: {
      ...jiraSandboxEnv(jira, jiraData, ["BULK"]),
      GITHUB_TOKEN: githubToken,
      GITHUB_REPOS: "bulk/portal",
      GITHUB_API_URL: github.url,
      ...gmailSandboxEnv({ url: gmail.url, data: gmailData }),
      ...teamsSandboxEnv({ url: teams.url, data: teamsData }, [BULK_CHANNEL]),
      SLACK_TOKEN: slackData.botToken,
      SLACK_API_URL: `${slack.url}/api/`,
      SLACK_SIGNING_SECRET: slackData.signingSecret,
    },
    sandboxes,
    close: async () => {
      await Promise.all(Object.values(sandboxes).map((s) => s.close()));
    },
  };
}
