/** The connector contract for Jira: the Cloud site of the Jira tests, read through jira.js. */
import { createJiraConnector } from "../../../connectors/jira/index.ts";
import {
  commentEventPayload,
  JIRA_RATE_LIMIT_BODY,
  JIRA_SERVER_ERROR_BODY,
  type JiraSandbox,
  signedDelivery,
  startJiraSandbox,
} from "../../../connectors/sandbox/jira/index.ts";
import type { WebhookRequest } from "../../../connectors/types.ts";
import { FIXED_NOW } from "../../helpers/sync-run.ts";
import { buildSite, quickJira, settingsFor } from "../jira/helpers.ts";
import { describeConnectorContract } from "./contract.ts";

const SECRET = "jira-webhook-secret";
// https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/#api-rest-api-3-search-jql-get
// (403: "Returned if the user does not have the necessary permission"), in Jira's error collection.
const FORBIDDEN_BODY = {
  errorMessages: ["You do not have the permission to see the specified issue."],
  errors: {},
};

const delivery = (jira: JiraSandbox, secret: string) => {
  const issue = jira.data.issue("PROJ-3");
  const payload = commentEventPayload(jira.data, jira.url, "comment_created", issue, issue.comments[0]!);
  return signedDelivery(payload, { secret });
};
const request = (headers: Record<string, string>, body: string): WebhookRequest => ({
  url: "http://localhost:8787/webhooks/jira",
  headers,
  body,
  now: FIXED_NOW,
});

describeConnectorContract({
  source: "jira",
  connector: quickJira,
  start: (options) => startJiraSandbox(buildSite("cloud"), options),
  settings: (jira) => settingsFor(jira, { JIRA_WEBHOOK_SECRET: SECRET }),
  scopes: () => ["PROJ", "OPS"],
  apiRequests: (jira) => jira.requests.entries,
  backfillRequests: (jira, scope) => {
    const issues = [...jira.data.issues.values()].filter((i) => i.key.startsWith(`${scope}-`));
    // One search page (100 issues), one more request for the comments past the 20 a search embeds and
    // for the change histories past its 40.
    return (
      Math.ceil(issues.length / 100) +
      issues.filter((i) => i.comments.length > 20).length +
      issues.filter((i) => i.histories.length > 40).length
    );
  },
  emptyPassRequests: 2,
  // The site's server info (its deployment), once a connector.
  oncePerConnector: 1,
  paged: {
    connector: createJiraConnector({ retry: { baseDelayMs: 5 }, pageSizes: { cloudSearch: 2, dcSearch: 2 } }),
    scope: () => "PROJ",
  },
  refusals: {
    401: {
      arrange: (jira) => ({ settings: settingsFor(jira, { JIRA_API_TOKEN: "wrong" }) }),
      message: /check JIRA_EMAIL and JIRA_API_TOKEN/,
    },
    403: {
      arrange: () => ({ faults: [{ status: 403, path: /search/, rate: 1, body: FORBIDDEN_BODY }] }),
      message: /JIRA_EMAIL may not browse this project/,
    },
  },
  rateLimit: (seconds) => ({
    status: 429,
    path: /search\/jql/,
    retryAfterSeconds: seconds,
    body: JIRA_RATE_LIMIT_BODY,
  }),
  briefServerErrors: [
    { status: 503, times: 2, body: JIRA_SERVER_ERROR_BODY },
    { status: 500, path: /comment/, times: 1, body: JIRA_SERVER_ERROR_BODY },
  ],
  lastingServerError: { status: 502, rate: 1 },
  faultRun: () => [
    { status: 429, rate: 0.25, retryAfterSeconds: 0, body: JIRA_RATE_LIMIT_BODY },
    { status: 500, rate: 0.2, body: JIRA_SERVER_ERROR_BODY },
    { status: 503, path: /comment|changelog/, times: 2 },
  ],
  webhook: {
    signed: (jira) => {
      const good = delivery(jira, SECRET);
      return request(good.headers, good.body);
    },
    forged: (jira) => {
      const good = delivery(jira, SECRET);
      const other = delivery(jira, "another secret");
      const { "x-hub-signature": _, ...unsigned } = good.headers;
      return [
        request({ ...good.headers, "x-hub-signature": `sha256=${"0".repeat(64)}` }, good.body),
        request(other.headers, other.body),
        request(unsigned, good.body),
        request(good.headers, good.body.replace("PROJ-3", "PROJ-4")),
      ];
    },
  },
});
