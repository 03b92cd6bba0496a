/** The connector contract for Gmail: Ana's mailbox of the Gmail tests, read through @googleapis/gmail. */

import { expect } from "vitest";
import { GMAIL_BATCH_SIZE } from "../../../connectors/gmail/client.ts";
import { GMAIL_PAGE_SIZES } from "../../../connectors/gmail/pull.ts";
import {
  buildBulkGmailDataset,
  GMAIL_RATE_LIMIT_BODY,
  GMAIL_SERVER_ERROR_BODY,
  type GmailSandbox,
  gmailErrorBody,
  startGmailSandbox,
} from "../../../connectors/sandbox/gmail/index.ts";
import type { WebhookRequest } from "../../../connectors/types.ts";
import { buildMailbox, GMAIL_LINK_CONTEXT, quickGmail, RUN_NOW, settingsFor } from "../gmail/helpers.ts";
import { describeConnectorContract } from "./contract.ts";

const connector = quickGmail().connector;

/** A Pub/Sub push of a Gmail notification (https://developers.google.com/gmail/api/guides/push). */
const push = (mailbox: string, headers: Record<string, string>): WebhookRequest => ({
  url: "http://localhost:8787/webhooks/gmail",
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify({
    message: {
      data: Buffer.from(JSON.stringify({ emailAddress: mailbox, historyId: "9876" })).toString("base64"),
      messageId: "2070443601311540",
      publishTime: "2026-03-02T07:59:00.000Z",
    },
    subscription: "projects/threadline/subscriptions/gmail-push",
  }),
  now: RUN_NOW,
});

describeConnectorContract({
  source: "gmail",
  connector,
  start: (options) => startGmailSandbox(buildMailbox(), options),
  settings: (gmail) => settingsFor(gmail),
  scopes: (gmail) => [settingsFor(gmail).user],
  now: RUN_NOW,
  // The progress line counts the token endpoint's requests too.
  apiRequests: (gmail) => gmail.requests.entries,
  tokenEndpoint: /^\/token/,
  backfillRequests: (gmail) => {
    const messages = gmail.data.messages.size;
    // An access token, the profile (the history id to start from), the list pages, the batches of
    // messages.get, and the history that ends the backfill.
    return 1 + 1 + Math.ceil(messages / GMAIL_PAGE_SIZES.list) + Math.ceil(messages / GMAIL_BATCH_SIZE) + 1;
  },
  emptyPassRequests: 1,
  paged: {
    connector,
    scope: (gmail) => settingsFor(gmail).user,
    start: () => startGmailSandbox(buildBulkGmailDataset({ messages: GMAIL_PAGE_SIZES.list + 20 }).data),
  },
  refusals: {
    401: {
      arrange: (gmail) => ({
        settings: settingsFor(gmail, { token: true, extra: { GMAIL_ACCESS_TOKEN: "ya29.expired" } }),
      }),
      message: /^\[threadline\] \[gmail\] 401 from .*check GMAIL_ACCESS_TOKEN/,
    },
    403: {
      // https://developers.google.com/gmail/api/guides/handle-errors (a token without the scope).
      arrange: () => ({
        faults: [
          {
            status: 403,
            path: /\/profile/,
            rate: 1,
            body: gmailErrorBody(
              403,
              "insufficientPermissions",
              "Request had insufficient authentication scopes.",
            ),
          },
        ],
      }),
      message: /gmail\.readonly/,
    },
  },
  rateLimit: (seconds) => ({
    status: 429,
    path: /\/messages\?/,
    retryAfterSeconds: seconds,
    body: GMAIL_RATE_LIMIT_BODY,
  }),
  briefServerErrors: [{ status: 500, path: /\/messages\?/, times: 2, body: GMAIL_SERVER_ERROR_BODY }],
  lastingServerError: { status: 502, rate: 1, body: gmailErrorBody(502, "backendError", "Bad Gateway") },
  faultRun: (gmail) => {
    // Gmail's per-user limit answers 403 userRateLimitExceeded on the next request.
    gmail.control.userRateLimited = 1;
    return [
      // Whole requests, and single calls inside a batch (the batch endpoint applies the plan to each).
      {
        status: 429,
        path: /^\/gmail\/v1\/users\/me\/(messages|history|profile)/,
        rate: 0.3,
        retryAfterSeconds: 0,
        body: GMAIL_RATE_LIMIT_BODY,
      },
      { status: 500, path: /^\/(gmail|batch)\//, rate: 0.25, body: GMAIL_SERVER_ERROR_BODY },
    ];
  },
  faultRunChecks: (gmail: GmailSandbox) => {
    expect(gmail.requests.count({ status: 403 })).toBe(1);
  },
  sync: () => ({
    now: () => RUN_NOW,
    linkContext: GMAIL_LINK_CONTEXT,
    retry: { baseDelayMs: 1, maxDelayMs: 5, attempts: 8 },
  }),
  webhook: {
    // Threadline accepts no Gmail push: nothing in it proves where it came from (see connectors/gmail/webhook.ts).
    forged: (gmail) => {
      const mailbox = gmail.data.mailbox;
      return [
        push(mailbox, {}),
        push(mailbox, { authorization: "Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2lnbmF0dXJl" }),
      ];
    },
  },
});
