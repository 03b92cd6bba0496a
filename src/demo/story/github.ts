/**
 * The GitHub side of the demo workspace: the Acme customer portal's repository (`acme/portal`) over the same
 * six weeks and with the same people as the Jira demo (`JIRA_DEMO_PEOPLE`). Pull requests name the ACME
 * issues the way teams do (branch `feature/ACME-7-csv-export`, a key in the title, "Fixes ACME-9" in the
 * body), and every state a pull request can be stuck in is here: changes requested and never re-reviewed,
 * merged without an approving review, merged and deployed to staging only, open and waiting for a reviewer.
 * A deployment to production shows what "done" looks like. The numbers match the pull requests the Teams
 * and Slack demos link to (#41, #44, #57).
 */

import { GithubDataset, type RepoHandle, toGithubTime } from "../../../connectors/sandbox/github/dataset.ts";
import { JIRA_DEMO_PEOPLE, JIRA_DEMO_PROJECT } from "./jira.ts";

export const GITHUB_DEMO_REPO = "acme/portal";

/** The team's GitHub logins, by the Jira demo's person ids. */
export const GITHUB_DEMO_LOGINS = {
  maya: "maya-chen",
  tom: "tomokoro",
  lena: "lena-fischer",
  raj: "rajpatel-dev",
  sofia: "sofiarossi",
} as const;

const DAY = 86_400_000;
const HOUR = 3_600_000;
const key = (n: number) => `${JIRA_DEMO_PROJECT}-${n}`;

/** The demo's GitHub data, its last event before `now`. */
export function buildGithubDemoDataset(options: { now?: Date } = {}): GithubDataset {
  const now = (options.now ?? new Date()).getTime();
  /** `daysAgo` days before `now`, at `hour` o'clock relative to the time of day of `now` minus two hours. */
  const at = (daysAgo: number, hours = 0) => toGithubTime(new Date(now - daysAgo * DAY + (hours - 2) * HOUR));
  const data = new GithubDataset({ now: new Date(now - 45 * DAY) });
  const login = GITHUB_DEMO_LOGINS;
  // How GitHub shows each one's address, which joins them with their Jira, Slack, Teams and Gmail selves:
  // Maya and Sofia show their work address on their profile; Tom and Raj keep theirs private but commit with
  // it (a verified address, which GitHub links to the account); Lena shows a personal address and commits
  // with her work one.
  const people = JIRA_DEMO_PEOPLE;
  data.user(login.maya, { name: people.maya.displayName, email: people.maya.email });
  data.user(login.sofia, { name: people.sofia.displayName, email: people.sofia.email });
  for (const id of ["tom", "raj"] as const) {
    data.user(login[id], {
      name: people[id].displayName,
      verifiedEmails: [people[id].email],
      commitEmail: people[id].email,
    });
  }
  data.user(login.lena, {
    name: people.lena.displayName,
    email: "lena.fischer@posteo.example",
    verifiedEmails: [people.lena.email],
    commitEmail: people.lena.email,
  });
  data.user("acme", { type: "Organization", name: "Acme Corp" });
  data.user("github-actions[bot]", { type: "Bot" });
  data.user("dependabot[bot]", { type: "Bot" });
  const repo = data.repo(GITHUB_DEMO_REPO);
  /** The repository is older than the demo: its numbers start where the story needs them. */
  const numbered = (n: number, create: (repo: RepoHandle) => void) => {
    repo.repo.nextNumber = n;
    create(repo);
  };
  const deployTo = (pull: number, environment: string, daysAgo: number, hours: number) => {
    const deployment = repo.deployment({
      environment,
      creator: "github-actions[bot]",
      pull,
      description: `Deploy ${GITHUB_DEMO_REPO}#${pull}`,
      at: at(daysAgo, hours),
    });
    repo.deploymentStatus(deployment.id, { state: "in_progress", at: at(daysAgo, hours) });
    repo.deploymentStatus(deployment.id, {
      state: "success",
      environmentUrl: environment === "production" ? "https://portal.acme-corp.example" : undefined,
      at: at(daysAgo, hours + 0.25),
    });
  };

  // ACME-1: a change request nobody re-reviewed; the pull request then sat still.
  numbered(39, (r) => {
    r.pullRequest({
      title: `${key(1)}: fall back to NameID when the SAML assertion has no email`,
      body: `Acme's Okta sends no email attribute, so the login mapper throws.\n\nRelates to ${key(1)}.`,
      author: login.tom,
      assignees: [login.tom],
      head: `fix/${key(1)}-saml-nameid-fallback`,
      requestedReviewers: [login.lena],
      labels: ["sso"],
      createdAt: at(37, 3),
    });
    r.review(39, {
      author: login.lena,
      state: "CHANGES_REQUESTED",
      body: "Please don't fall back silently: log the missing attribute so we notice when Okta changes. Is the NameID stable across Acme's tenants?",
      at: at(36, 2),
    });
    r.reviewComment(39, {
      author: login.lena,
      body: "This swallows the error; log it at warn level with the tenant id.",
      path: "src/auth/saml.ts",
      line: 48,
      at: at(36, 2),
    });
    r.comment(39, {
      author: login.tom,
      body: "Logging added. Priya fixed the attribute in Okta anyway.",
      at: at(33, 5),
    });
  });

  // ACME-2: the way it should go: reviewed, approved, merged, deployed.
  numbered(41, (r) => {
    r.pullRequest({
      title: `${key(2)}: index orders(account_id, created_at)`,
      body: `Order history for large accounts scans every order. p95 from 14 s to 300 ms on staging.\n\nFixes ${key(2)}`,
      author: login.raj,
      assignees: [login.raj],
      head: `perf/${key(2)}-order-history-index`,
      requestedReviewers: [login.lena],
      createdAt: at(31, 4),
    });
    r.review(41, { author: login.lena, state: "APPROVED", body: "Approved, nice one.", at: at(30, 3) });
    r.merge(41, { by: login.raj, at: at(30, 4) });
  });
  deployTo(41, "staging", 30, 5);
  deployTo(41, "production", 28, 9);

  // ACME-7: approved and merged, deployed to staging only; production waits for the 2.3 release.
  numbered(44, (r) => {
    r.pullRequest({
      title: `Export orders as CSV (${key(7)})`,
      body: `Adds an "Export CSV" button to the order list.\n\nFixes ${key(7)}`,
      author: login.raj,
      assignees: [login.raj],
      head: `feature/${key(7)}-csv-export`,
      requestedReviewers: [login.sofia],
      milestone: { title: "2.3" },
      createdAt: at(24, 2),
    });
    r.reviewComment(44, {
      author: login.sofia,
      body: "Should the header row be translated for Dutch users?",
      path: "src/orders/export.ts",
      line: 12,
      at: at(23, 3),
    });
    r.comment(44, {
      author: login.raj,
      body: "Not for now, Dan said their tools expect English headers.",
      at: at(23, 5),
    });
    r.review(44, { author: login.sofia, state: "APPROVED", body: "LGTM", at: at(22, 2) });
    r.merge(44, { by: login.raj, at: at(21, 3) });
  });
  deployTo(44, "staging", 21, 4);

  // ACME-22: a draft, not ready for review yet.
  numbered(46, (r) => {
    r.pullRequest({
      title: `Remove the legacy v1 API endpoints (${key(22)})`,
      body: `Draft: waiting for Acme to confirm nobody calls /v1 any more.\n\nRelates to ${key(22)}`,
      author: login.tom,
      head: `chore/${key(22)}-remove-v1-api`,
      draft: true,
      createdAt: at(20, 6),
    });
  });

  // ACME-10: merged by its author without an approving review, and never deployed to production.
  numbered(49, (r) => {
    r.pullRequest({
      title: `${key(10)}: upgrade Node to 22`,
      body: `Bumps the runtime in the Dockerfile and CI.\n\nFixes ${key(10)}`,
      author: login.tom,
      assignees: [login.tom],
      head: `chore/${key(10)}-node-22`,
      createdAt: at(13, 2),
    });
    r.comment(49, { author: login.lena, body: "Staging runs on 22 since Monday, no errors.", at: at(9, 4) });
    r.merge(49, { by: login.tom, at: at(8, 3) });
  });
  deployTo(49, "staging", 8, 4);

  // A GitHub issue beside the Jira ones: the flaky test of ACME-19.
  numbered(50, (r) => {
    const issue = r.issue({
      title: "Flaky e2e test: coupon applied twice",
      body: `The checkout spec fails about one run in ten on main. Tracked in ${key(19)}.`,
      author: login.lena,
      assignees: [login.lena],
      labels: ["test"],
      createdAt: at(40, 3),
    });
    r.comment(issue.number, {
      author: login.raj,
      body: "It's the coupon request racing the cart refresh; waiting for the network idle fixes it.",
      at: at(39, 2),
    });
    r.close(issue.number, { at: at(38, 5) });
  });

  // ACME-13: approved, merged and on production the next day.
  numbered(52, (r) => {
    r.pullRequest({
      title: `Add Dutch translations (${key(13)})`,
      body: `Translations from Acme's agency.\n\nRelates to ${key(13)}`,
      author: login.sofia,
      assignees: [login.sofia],
      head: `feature/${key(13)}-dutch`,
      requestedReviewers: [login.maya],
      createdAt: at(3, 1),
    });
    r.review(52, {
      author: login.maya,
      state: "APPROVED",
      body: "Checked the checkout pages, all good.",
      at: at(2, 2),
    });
    r.merge(52, { by: login.sofia, at: at(2, 3) });
  });
  deployTo(52, "production", 1, 2);

  // A dependency update: bots' pull requests need no approval.
  numbered(53, (r) => {
    r.pullRequest({
      title: "Bump undici from 6.19.2 to 6.21.1",
      body: "Bumps [undici](https://github.com/nodejs/undici) from 6.19.2 to 6.21.1.",
      author: "dependabot[bot]",
      head: "dependabot/npm_and_yarn/undici-6.21.1",
      labels: ["dependencies"],
      createdAt: at(3, 0),
    });
  });

  // ACME-14: waiting for a review Lena was asked for.
  numbered(55, (r) => {
    r.pullRequest({
      title: "Exclude archived products from search",
      body: `Filters archived products in the search index query.\n\nFixes ${key(14)}`,
      author: login.raj,
      assignees: [login.raj],
      head: `fix/${key(14)}-archived-search`,
      requestedReviewers: [login.lena],
      createdAt: at(4, 3),
    });
  });

  // ACME-9: open, a question in review, no approval yet.
  numbered(57, (r) => {
    r.pullRequest({
      title: `${key(9)}: rate-limit the public quote API`,
      body: `Per API key for now; per IP later if we need it.\n\nFixes ${key(9)}`,
      author: login.raj,
      assignees: [login.raj],
      head: `feature/${key(9)}-quote-rate-limit`,
      requestedReviewers: [login.tom],
      createdAt: at(2, 0),
    });
    r.review(57, {
      author: login.tom,
      state: "COMMENTED",
      body: "One question on the migration: does it need a reindex?",
      at: at(2, 5),
    });
    r.requestReviewers(57, [login.tom], at(2, 6));
  });

  data.setNow(new Date(now));
  return data;
}
