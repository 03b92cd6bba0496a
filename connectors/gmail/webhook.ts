/**
 * `POST /webhooks/gmail`. Gmail pushes through Cloud Pub/Sub (`users.watch`): a push subscription delivers
 * `{"message": {"data": base64({"emailAddress", "historyId"}), "messageId", …}, "subscription"}`, which
 * carries no messages, only the news that the mailbox changed (https://developers.google.com/gmail/api/guides/push).
 *
 * Threadline accepts no Gmail push: a push subscription authenticates with a Google-signed OIDC token,
 * whose check needs Google's rotating public keys and an audience setting the configuration does not have,
 * and nothing else in the request proves where it came from. `verify` therefore refuses every push (the
 * route answers 401 and changes nothing), as other sources do when their webhook secret is not set; Gmail
 * is read by `threadline sync` (and the scheduled sync), whose `history.list` pass costs one request when
 * nothing changed. `parse` reads a Pub/Sub push for the day a verification is configured: an incremental
 * pass of every mailbox.
 */
import { z } from "zod";
import type { WebhookHandler, WebhookResult } from "../types.ts";
import { ConnectorError } from "../types.ts";
import type { GmailSettings } from "./config.ts";

const PubSubPushSchema = z.object({
  message: z.object({ data: z.string(), messageId: z.string().optional() }),
  subscription: z.string().optional(),
});
const GmailNotificationSchema = z.object({
  emailAddress: z.string(),
  historyId: z.union([z.string(), z.number()]),
});

/** What a Pub/Sub push of a Gmail watch means: which mailbox changed. */
export function parseGmailPush(body: string): WebhookResult {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new ConnectorError("gmail", "invalid", "a push whose body is not JSON");
  }
  const push = PubSubPushSchema.safeParse(json);
  if (!push.success) throw new ConnectorError("gmail", "invalid", "a push that is not a Pub/Sub message");
  let notification: unknown;
  try {
    notification = JSON.parse(Buffer.from(push.data.message.data, "base64").toString("utf8"));
  } catch {
    throw new ConnectorError("gmail", "invalid", "a Pub/Sub message whose data is not base64 JSON");
  }
  if (!GmailNotificationSchema.safeParse(notification).success) {
    return { type: "ignore", reason: "a Pub/Sub message that is not a Gmail notification" };
  }
  return { type: "sync", scopes: null };
}

export const gmailWebhook: WebhookHandler<GmailSettings> = {
  verify: async () => false,
  parse: (request) => parseGmailPush(request.body),
};
