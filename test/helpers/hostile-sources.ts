import { createGithubApi } from "../../connectors/sandbox/github/app.ts";
import { GithubDataset } from "../../connectors/sandbox/github/dataset.ts";
import type { GmailSandboxControl } from "../../connectors/sandbox/gmail/app.ts";
import {
  createGmailSandboxApp,
  GmailDataset,
  gmailSandboxEnv,
} from "../../connectors/sandbox/gmail/index.ts";
import { type Sandbox, startSandbox } from "../../connectors/sandbox/harness.ts";
import { createJiraSandboxApp, JiraDataset, jiraSandboxEnv } from "../../connectors/sandbox/jira/index.ts";
import { createSlackSandboxApp, SlackDataset } from "../../connectors/sandbox/slack/index.ts";
import {
  createTeamsSandboxApp,
  TeamsDataset,
  teamsSandboxEnv,
} from "../../connectors/sandbox/teams/index.ts";
import type { SourceId } from "../../src/model/kinds.ts";
import { HOSTILE_BODIES } from "./hostile-bodies.ts";

export interface HostileSources {
  /** The variables that configure all five sources against their sandboxes. */
  env: Record<string, string>;
  sandboxes: Record<SourceId, Sandbox>;
  /** How many items each source holds, hostile and plain ones together. */
  items: Record<SourceId, number>;
  /** The Jira issue each hostile body is about (`HOST-n`, in the order of `HOSTILE_BODIES`). */
  keys: string[];
  close(): Promise<void>;
}

/**
 * All five sandboxes, each with a few plain items and one item per hostile body (Gmail: one plain-text and one
 * HTML message per body), every hostile item about a Jira issue so linking and the rules read it too.
 */
export async function startHostileSources(): Promise<HostileSources> {
  const bodies = Object.values(HOSTILE_BODIES);
  const keys = bodies.map((_, i) => `HOST-${i + 1}`);
  const about = (i: number) => `${keys[i]} `;

  const jiraData = new JiraDataset({ deployment: "cloud", now: "2026-01-05T08:00:00Z" });
  jiraData.addUser("ana", { displayName: "Ana Lima" });
  jiraData.addUser("guest", { displayName: "Client Guest" });
  jiraData.addProject("HOST", "Hostile input");
  for (const [i, body] of bodies.entries()) {
    jiraData.advance(60_000);
    jiraData.addIssue({
      project: "HOST",
      summary: `Hostile body ${i + 1}`,
      reporter: "ana",
      assignee: "ana",
    });
    jiraData.addComment(keys[i]!, { author: "ana", body: "Can you look at the attached message?" });
    jiraData.addComment(keys[i]!, { author: "guest", body });
  }
  const jira = await startSandbox(createJiraSandboxApp(jiraData));

  const githubData = new GithubDataset({ now: "2026-01-05T08:00:00Z" });
  const repo = githubData.repo("hostile/portal");
  for (const [i, body] of bodies.entries()) {
    githubData.tick(60);
    const issue = repo.issue({ title: `${about(i)}hostile comment`, author: "octo", body: "Plain body" });
    repo.comment(issue.number, { author: "octo", body: "Does this render?" });
    repo.comment(issue.number, { author: "stranger", body: about(i) + body });
  }
  const githubToken = "ghp_hostile0000000000000000000000000000";
  githubData.token(githubToken);
  const github = await startSandbox(
    createGithubApi(githubData, { rateLimit: { core: 1_000_000, graphql: 1_000_000 } }).app,
  );

  const owner = { name: "Maya Chen", address: "maya@hostile.threadline.dev" };
  const client = { name: "A Client", address: "someone@client.example" };
  const gmailData = new GmailDataset({ mailbox: owner.address, now: "2026-01-05T08:00:00Z" });
  for (const [i, body] of bodies.entries()) {
    gmailData.advance(60_000);
    gmailData.send({ from: owner, to: [client], subject: `${about(i)}status`, text: "Any news?" });
    gmailData.send({ from: client, to: [owner], subject: `${about(i)}plain`, text: body });
    gmailData.send({ from: client, to: [owner], subject: `${about(i)}html`, text: "x", html: body });
  }
  const control: GmailSandboxControl = { userRateLimited: 0, batches: 0, batchCalls: 0, faults: null };
  const gmail = await startSandbox(createGmailSandboxApp(gmailData, control));

  const teamsData = new TeamsDataset({ now: "2026-01-05T08:00:00Z" });
  teamsData.addUser("m1", { displayName: "Member One" });
  teamsData.addUser("guest1", { displayName: "Client One", mail: "one@client.example", userType: "Guest" });
  teamsData.addTeam("hostile", "Hostile team");
  teamsData.addChannel("hostile", "hostile-general", "General");
  for (const [i, body] of bodies.entries()) {
    teamsData.advance(60_000);
    const root = teamsData.post("hostile-general", {
      from: "m1",
      body: `<p>${about(i)}what do you think?</p>`,
    });
    teamsData.reply(root.id, { from: "guest1", body: about(i) + body });
  }
  const teams = await startSandbox(createTeamsSandboxApp(teamsData));

  const slackData = new SlackDataset({ now: "2026-01-05T08:00:00Z" });
  slackData.addUser("member1", { realName: "Member One", email: "member1@hostile.threadline.dev" });
  slackData.addUser("guest1", { realName: "Client Guest", email: "guest1@client.example", guest: "multi" });
  slackData.addChannel("hostile", { members: ["member1", "guest1"] });
  for (const [i, body] of bodies.entries()) {
    slackData.advance(60_000);
    const parent = slackData.post("hostile", { by: "member1", text: `${about(i)}what do you think?` });
    slackData.reply("hostile", parent.ts, { by: "guest1", text: about(i) + body });
  }
  const slack = await startSandbox(createSlackSandboxApp(slackData, { limited: null }));

  const sandboxes = { jira, github, gmail, teams, slack };
  return {
    env: {
      ...jiraSandboxEnv(jira, jiraData, ["HOST"]),
      GITHUB_TOKEN: githubToken,
      GITHUB_REPOS: "hostile/portal",
      GITHUB_API_URL: github.url,
      ...gmailSandboxEnv({ url: gmail.url, data: gmailData }),
      ...teamsSandboxEnv({ url: teams.url, data: teamsData }, ["hostile-general"]),
      SLACK_TOKEN: slackData.botToken,
      SLACK_API_URL: `${slack.url}/api/`,
      SLACK_SIGNING_SECRET: slackData.signingSecret,
    },
    sandboxes,
    items: {
      jira: bodies.length * 3,
      github: bodies.length * 3,
      gmail: bodies.length * 3,
      teams: bodies.length * 2,
      slack: bodies.length * 2,
    },
    keys,
    close: async () => {
      await Promise.all(Object.values(sandboxes).map((s) => s.close()));
    },
  };
}
