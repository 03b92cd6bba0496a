/** The connector contract for GitHub: the sprint repository of the GitHub tests, read through Octokit. */
import { githubConnector } from "../../../connectors/github/index.ts";
import {
  GithubDataset,
  type GithubSandbox,
  secondaryRateLimit,
  serverError,
  startGithubSandbox,
} from "../../../connectors/sandbox/github/index.ts";
import type { WebhookRequest } from "../../../connectors/types.ts";
import { buildRepository, RUN_AT, settingsFor } from "../github/helpers.ts";
import { describeConnectorContract } from "./contract.ts";

// docs.github.com/en/rest/using-the-rest-api/troubleshooting-the-rest-api#resource-not-accessible
const FORBIDDEN_BODY = {
  message: "Resource not accessible by personal access token",
  documentation_url: "https://docs.github.com/graphql",
  status: "403",
};

const request = (headers: Record<string, string>, body: string): WebhookRequest => ({
  url: "http://localhost:8787/webhooks/github",
  headers,
  body,
  now: RUN_AT,
});
const commentDelivery = (sb: GithubSandbox, secret?: string) => {
  const comment = [...sb.dataset.repo("acme/web").repo.comments.values()][0]!;
  return sb.webhook("issue_comment", sb.payloads.issueComment("acme/web", comment, "created"), {
    ...(secret ? { secret } : {}),
  });
};

describeConnectorContract({
  source: "github",
  connector: githubConnector,
  start: async (options) => {
    const dataset = new GithubDataset();
    buildRepository(dataset);
    return startGithubSandbox({ dataset, ...options });
  },
  settings: (sb) => settingsFor(sb),
  scopes: () => ["acme/web"],
  now: RUN_AT,
  apiRequests: (sb) => sb.requests.entries,
  backfillRequests: (sb) => {
    const repo = sb.dataset.repo("acme/web").repo;
    // One GraphQL page a 100 issues and pull requests (with their reviews and deployments), one REST page a
    // 100 comments and a 100 review comments.
    return (
      Math.ceil(repo.issues.size / 100) +
      Math.max(1, Math.ceil(repo.comments.size / 100)) +
      Math.max(1, Math.ceil(repo.reviewComments.size / 100))
    );
  },
  emptyPassRequests: 2,
  // The first pass after a backfill stores the comment list's ETag; from the next one, nothing new is a 304.
  settlingPasses: 1,
  // Its streams (the GraphQL pages, the comments, the review comments) are pages of their own.
  paged: { connector: githubConnector, scope: () => "acme/web" },
  refusals: {
    401: {
      arrange: (sb) => ({ settings: settingsFor(sb, { GITHUB_TOKEN: "ghp_revoked" }) }),
      message: /^\[threadline\] \[github\] 401 from .*: the token was refused .*check GITHUB_TOKEN$/,
    },
    403: {
      arrange: () => ({ faults: [{ status: 403, path: /^\/graphql/, rate: 1, body: FORBIDDEN_BODY }] }),
      message: /Resource not accessible by personal access token.*a classic token the repo scope/,
    },
  },
  // GitHub's secondary rate limit, which Octokit's throttling plugin waits out.
  rateLimit: (seconds) => secondaryRateLimit({ path: /^\/graphql/, retryAfterSeconds: seconds }),
  briefServerErrors: [serverError({ status: 502, path: /^\/graphql/, times: 1 })],
  // Octokit's retry plugin asks three more times, 1, 4 and 9 s apart, before it gives up.
  lastingServerError: serverError({ status: 502, rate: 1 }) as ReturnType<typeof serverError> & {
    status: 502;
  },
  faultRun: () => [
    secondaryRateLimit({ path: /^\/graphql/, times: 1 }),
    serverError({ status: 502, path: /^\/graphql/, times: 1 }),
    secondaryRateLimit({ path: /issues\/comments/, times: 1 }),
    // A bare 429 neither plugin retries: the engine waits and resumes from the last committed page.
    { status: 429, path: /issues\/comments/, times: 1, retryAfterSeconds: 1 },
    serverError({ status: 500, path: /pulls\/comments/, times: 1 }),
  ],
  faultRunEngineRetries: 1,
  sync: (sb) => ({
    now: () => RUN_AT,
    linkContext: {
      jiraProjects: ["PROJ"],
      jiraSiteUrls: [],
      githubRepos: ["acme/web"],
      githubWebUrls: [sb.url],
    },
  }),
  webhook: {
    signed: (sb) => {
      const good = commentDelivery(sb);
      return request(good.headers, good.body);
    },
    forged: (sb) => {
      const good = commentDelivery(sb);
      const other = commentDelivery(sb, "another secret");
      const { "x-hub-signature-256": _, ...unsigned } = good.headers;
      return [
        request({ ...good.headers, "x-hub-signature-256": `sha256=${"0".repeat(64)}` }, good.body),
        request(other.headers, other.body),
        request(unsigned, good.body),
        request(good.headers, `${good.body}\n`),
      ];
    },
  },
});
