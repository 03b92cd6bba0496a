/**
 * What the GitHub connector's tests share: a small, realistic repository and settings pointing the connector at
 * a sandbox (what every connector's tests share is in ../kit.ts).
 */
import type { GithubSettings } from "../../../connectors/github/config.ts";
import { githubConnector } from "../../../connectors/github/index.ts";
import type { GithubDataset, GithubSandbox } from "../../../connectors/sandbox/github/index.ts";
import { settingsFrom } from "../kit.ts";

/** When the tests' runs start: a week after the data set's last change. */
export const RUN_AT = new Date("2025-03-14T08:00:00Z");

export function settingsFor(sb: GithubSandbox, env: Record<string, string> = {}): GithubSettings {
  return settingsFrom(githubConnector, {
    GITHUB_TOKEN: sb.token,
    GITHUB_REPOS: "acme/web",
    GITHUB_API_URL: sb.url,
    GITHUB_WEBHOOK_SECRET: sb.webhookSecret,
    ...env,
  });
}

/** The login the sandbox's default token reads as: an owner of the acme organization. */
export const SANDBOX_VIEWER = "threadline-bot";

/**
 * acme/web in the middle of a sprint: an issue with a question and its answer, a bug nobody owns, a pull
 * request for PROJ-12 with changes requested then approved, merged and deployed, an open one waiting for
 * review with a review thread, a draft, and a bot's pull request.
 *
 * People and their addresses: anna shows a public email and has verified one on acme's verified domain
 * (which the token, an owner's, may read); ben keeps his private but commits with a verified one; kofi-m
 * shows none and commits with GitHub's no-reply address.
 */
export function buildRepository(dataset: GithubDataset): void {
  dataset.setNow("2025-03-03T09:00:00Z");
  dataset.user("anna", {
    name: "Anna Kowalski",
    email: "anna.kowalski@fastmail.example",
    verifiedEmails: ["anna@acme.dev"],
  });
  dataset.user("ben", {
    name: "Ben Okafor",
    verifiedEmails: ["ben.okafor@gmail.example"],
    commitEmail: "ben.okafor@gmail.example",
  });
  dataset.user("kofi-m", { name: null });
  dataset.organization("acme", {
    verifiedDomains: ["acme.dev"],
    owners: [SANDBOX_VIEWER],
    members: ["anna", "ben", "kofi-m"],
  });
  const web = dataset.repo("acme/web");
  const sso = web.issue({
    title: "SSO login loops back to the sign-in page",
    body: "Seen by the client on staging. Which IdP settings did they change?",
    author: "anna",
    assignees: ["ben"],
    labels: ["bug", "priority: high"],
    milestone: { title: "Sprint 12", dueOn: "2025-03-14T00:00:00Z" },
    createdAt: "2025-03-03T09:00:00Z",
  });
  web.comment(sso.number, {
    author: "ben",
    body: "@anna do we have the SAML metadata from them?",
    at: "2025-03-03T10:00:00Z",
  });
  web.comment(sso.number, { author: "anna", body: "Yes, attached to PROJ-12.", at: "2025-03-03T11:30:00Z" });
  web.issue({
    title: "Export to CSV drops accents",
    author: "kofi-m",
    labels: ["bug"],
    createdAt: "2025-03-03T12:00:00Z",
  });

  const fix = web.pullRequest({
    title: "PROJ-12: accept the IdP's new ACS URL",
    body: `Fixes #${sso.number}.`,
    author: "ben",
    head: "feature/PROJ-12-acs-url",
    requestedReviewers: ["anna", "kofi-m"],
    createdAt: "2025-03-04T09:00:00Z",
  });
  web.review(fix.number, {
    author: "kofi-m",
    state: "CHANGES_REQUESTED",
    body: "Needs a test for the redirect.",
    at: "2025-03-04T11:00:00Z",
  });
  const thread = web.reviewComment(fix.number, {
    author: "kofi-m",
    body: "Why not read it from the metadata?",
    path: "src/sso.ts",
    line: 42,
    at: "2025-03-04T11:05:00Z",
  });
  web.reviewComment(fix.number, {
    author: "ben",
    body: "The client pins it; done in the test.",
    inReplyTo: thread.id,
    at: "2025-03-04T13:00:00Z",
  });
  web.review(fix.number, { author: "kofi-m", state: "APPROVED", at: "2025-03-05T09:00:00Z" });
  web.merge(fix.number, { by: "ben", at: "2025-03-05T10:00:00Z" });
  const deploy = web.deployment({
    environment: "staging",
    creator: "github-actions[bot]",
    pull: fix.number,
    at: "2025-03-05T10:05:00Z",
  });
  web.deploymentStatus(deploy.id, { state: "in_progress", at: "2025-03-05T10:05:30Z" });
  web.deploymentStatus(deploy.id, { state: "success", at: "2025-03-05T10:08:00Z" });

  const waiting = web.pullRequest({
    title: "Rate-limit the login endpoint",
    author: "anna",
    head: "rate-limit-login",
    requestedReviewers: ["ben"],
    createdAt: "2025-03-06T09:00:00Z",
  });
  web.comment(waiting.number, {
    author: "anna",
    body: "@ben could you review this today?",
    at: "2025-03-06T09:05:00Z",
  });
  web.pullRequest({
    title: "WIP: passkeys",
    author: "kofi-m",
    head: "spike/passkeys",
    draft: true,
    createdAt: "2025-03-06T15:00:00Z",
  });
  web.pullRequest({
    title: "Bump undici from 6.21.0 to 6.21.1",
    author: "dependabot[bot]",
    head: "dependabot/npm_and_yarn/undici-6.21.1",
    labels: ["dependencies"],
    createdAt: "2025-03-07T06:00:00Z",
  });
  dataset.setNow("2025-03-07T08:00:00Z");
}
