/** The connector contract for Slack: the client workspace of the Slack tests, read through @slack/web-api. */
import {
  buildSlackWorkspace,
  LIMITED_APP,
  SLACK_RATE_LIMIT_BODY,
  type SlackSandbox,
  signSlackRequest,
  startSlackSandbox,
  urlVerificationPayload,
} from "../../../connectors/sandbox/slack/index.ts";
import { createSlackConnector } from "../../../connectors/slack/index.ts";
import { SLACK_PAGE_SIZES } from "../../../connectors/slack/pull.ts";
import type { WebhookRequest } from "../../../connectors/types.ts";
import { QUICK_RETRY, quickSlack, recordingLog, settingsFor } from "../slack/helpers.ts";
import { describeConnectorContract } from "./contract.ts";

const CHANNELS = ["fal-dev", "client-acme", "random"];

const request = (slack: SlackSandbox, options: { secret?: string; skew?: number } = {}): WebhookRequest => {
  const now = new Date(slack.data.now);
  const signed = signSlackRequest(
    urlVerificationPayload("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"),
    {
      secret: options.secret ?? slack.data.signingSecret,
      timestamp: Math.floor(now.getTime() / 1000) + (options.skew ?? 0),
    },
  );
  return {
    url: "https://threadline.example/webhooks/slack",
    headers: signed.headers,
    body: signed.body,
    now,
  };
};

describeConnectorContract({
  source: "slack",
  connector: quickSlack,
  start: (options) => startSlackSandbox(buildSlackWorkspace(), options),
  settings: (slack) => settingsFor(slack),
  scopes: (slack) => CHANNELS.map((c) => slack.data.channel(c).id),
  apiRequests: (slack) => slack.requests.entries,
  backfillRequests: (slack, scope) => {
    const channel = [...slack.data.channels.values()].find((c) => c.id === scope)!;
    const threads = channel.messages.filter((m) => m.replies.length > 0).length;
    // The history pages, one replies page a thread; then once a run the channel's name, the workspace's
    // address and the people.
    return Math.max(1, Math.ceil(channel.messages.length / SLACK_PAGE_SIZES.history)) + threads + 3;
  },
  emptyPassRequests: 1,
  // SLACK_CHANNELS is empty: the run lists the channels the app is in (users.conversations) first.
  listScopesRequests: 1,
  paged: {
    // A limited app's 2 messages a page, committed after each record.
    connector: createSlackConnector({ retry: QUICK_RETRY, log: recordingLog(), flushRecords: 1 }),
    scope: (slack) => slack.data.channel("fal-dev").id,
    start: () =>
      startSlackSandbox(buildSlackWorkspace(), { limited: { ...LIMITED_APP, windowMs: 0, pageMax: 2 } }),
  },
  refusals: {
    // Slack answers 200 with `ok: false` (https://api.slack.com/web#errors): invalid_auth, not_in_channel.
    401: {
      arrange: (slack) => ({ settings: settingsFor(slack, { extra: { SLACK_TOKEN: "xoxb-revoked" } }) }),
      message: /check SLACK_TOKEN/,
    },
    403: {
      arrange: (slack) => {
        if (!slack.data.channels.has("outside"))
          slack.data.addChannel("outside", { members: ["ana"], withoutBot: true });
        return { scope: slack.data.channel("outside").id };
      },
      message: /invite the app/,
    },
  },
  // https://api.slack.com/apis/rate-limits: HTTP 429 with Retry-After.
  rateLimit: (seconds) => ({
    status: 429,
    path: /conversations\.history/,
    retryAfterSeconds: seconds,
    body: SLACK_RATE_LIMIT_BODY,
  }),
  briefServerErrors: [
    { status: 503, times: 2 },
    { status: 500, path: /replies/, times: 1 },
  ],
  lastingServerError: { status: 502, rate: 1 },
  faultRun: () => [
    { status: 429, rate: 0.25, retryAfterSeconds: 0, body: SLACK_RATE_LIMIT_BODY },
    { status: 500, rate: 0.2 },
    { status: 503, path: /replies/, times: 2 },
  ],
  sync: () => ({
    linkContext: {
      jiraProjects: ["FAL"],
      jiraSiteUrls: ["https://acme.atlassian.net"],
      githubRepos: ["acme/portal"],
      githubWebUrls: ["https://github.com"],
    },
  }),
  webhook: {
    signed: (slack) => request(slack),
    forged: (slack) => {
      const good = request(slack);
      return [
        request(slack, { secret: "wrong" }),
        { ...good, body: good.body.replace("3eZb", "3eZc") },
        { ...good, headers: { "content-type": "application/json" } },
        // Well signed, but older than Slack's five minutes: a replay.
        request(slack, { skew: -301 }),
      ];
    },
  },
});
