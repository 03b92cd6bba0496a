/**
 * `POST /webhooks/slack`: the Events API. Slack signs each request with the app's signing secret,
 * `X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:" + X-Slack-Request-Timestamp + ":" + raw body>`; a request
 * whose timestamp is more than five minutes from now is refused (a replay). Slack retries a delivery that is
 * not answered with a 2xx within three seconds, up to three times, with `X-Slack-Retry-Num`; each retry
 * carries the same `event_id`, which becomes the delivery id the engine deduplicates on, and the records it
 * carries are upserted by their ids, so a retry changes nothing.
 *
 * A `url_verification` request (sent when the Request URL is saved) is answered with its `challenge`.
 * Message events become records: a new message or reply as it is, `message_changed` as its new `message`,
 * `message_deleted` as a tombstone (a thread parent deleted with its replies left shows as a `tombstone`
 * message, which is a deletion too). A reaction event carries no message: it asks for a pull of its channel.
 *
 * Pushed messages carry no workspace address and no names: their permalink is empty and mentions read
 * `@U123` until the next pull (whose rescan window covers them) brings them again with both.
 *
 * https://docs.slack.dev/authentication/verifying-requests-from-slack ·
 * https://docs.slack.dev/apis/events-api/ (url_verification, retries, the event_callback envelope) ·
 * https://docs.slack.dev/reference/events/message and its subtypes message_changed, message_deleted
 */
import { verifyHmacSha256Hex } from "../kit/hmac.ts";
import type { RawRecord, Tombstone, WebhookHandler, WebhookRequest, WebhookResult } from "../types.ts";
import { ConnectorError } from "../types.ts";
import type { SlackSettings } from "./config.ts";
import { toMessageId, toMessageVerdict, toSlackDate } from "./map.ts";
import {
  SlackEventCallbackSchema,
  SlackEventTypeSchema,
  SlackMessageEventSchema,
  SlackMessageSchema,
  SlackReactionEventSchema,
  SlackUrlVerificationSchema,
} from "./schemas.ts";

/** How far a request's timestamp may be from now: Slack's own advice is five minutes. */
export const SLACK_REPLAY_WINDOW_MS = 5 * 60_000;

/**
 * Whether a request is signed with the signing secret, and recent. Web Crypto's `verify` compares in
 * constant time and runs on Node and Workers alike. Without a secret nothing is accepted.
 */
export async function verifySlackSignature(
  request: Pick<WebhookRequest, "headers" | "body" | "now">,
  secret: string | null,
): Promise<boolean> {
  const signature = request.headers["x-slack-signature"];
  const timestamp = request.headers["x-slack-request-timestamp"];
  if (!secret || !signature || !timestamp || !/^\d{1,12}$/.test(timestamp.trim())) return false;
  if (Math.abs(request.now.getTime() - Number(timestamp.trim()) * 1000) > SLACK_REPLAY_WINDOW_MS)
    return false;
  const m = /^v0=(.*)$/is.exec(signature.trim());
  return m ? verifyHmacSha256Hex(secret, `v0:${timestamp.trim()}:${request.body}`, m[1]!) : false;
}

function invalid(detail: string): ConnectorError {
  return new ConnectorError("slack", "invalid", `an Events API request Threadline cannot read: ${detail}`);
}

/** What a verified request means. */
export function parseSlackWebhook(request: WebhookRequest, settings: SlackSettings): WebhookResult {
  let json: unknown;
  try {
    json = JSON.parse(request.body);
  } catch {
    throw invalid("the body is not JSON");
  }
  const challenge = SlackUrlVerificationSchema.safeParse(json);
  if (challenge.success) {
    return { type: "reply", status: 200, contentType: "text/plain", body: challenge.data.challenge };
  }
  const envelope = SlackEventCallbackSchema.safeParse(json);
  if (!envelope.success) {
    const type = typeof json === "object" && json !== null ? Reflect.get(json, "type") : undefined;
    if (typeof type === "string" && type !== "event_callback") {
      return { type: "ignore", reason: `${type} requests carry no messages` };
    }
    throw invalid("neither url_verification nor an event_callback with an event");
  }
  const deliveryId = envelope.data.event_id ?? null;
  const event = envelope.data.event;
  const eventType = SlackEventTypeSchema.safeParse(event);
  if (!eventType.success) throw invalid("an event_callback whose event has no type");
  const type = eventType.data.type;

  const reaction = SlackReactionEventSchema.safeParse(event);
  if (reaction.success) {
    const channel = reaction.data.item.channel;
    if (reaction.data.item.type !== "message" || !channel) {
      return { type: "ignore", reason: `${type} on a ${reaction.data.item.type}, not a message` };
    }
    if (!isConfigured(channel, settings))
      return { type: "ignore", reason: `${channel} is not in SLACK_CHANNELS` };
    // The event names the message but not its reactions: the channel's next pull reads them.
    return { type: "sync", scopes: [channel] };
  }
  if (type !== "message") return { type: "ignore", reason: `${type} events are not read` };

  const parsed = SlackMessageEventSchema.safeParse(event);
  if (!parsed.success) throw invalid("a message event without a channel");
  const e = parsed.data;
  const channel = e.channel;
  if (!isConfigured(channel, settings))
    return { type: "ignore", reason: `${channel} is not in SLACK_CHANNELS` };
  const at = e.event_ts ?? e.ts;
  const when = at ? toSlackDate(at) : request.now;
  const records: RawRecord[] = [];
  const deletions: Tombstone[] = [];
  const context = { channel };

  if (e.subtype === "message_deleted") {
    if (!e.deleted_ts) throw invalid("message_deleted without deleted_ts");
    deletions.push({ type: "item", externalId: toMessageId(channel, e.deleted_ts), at: when });
  } else if (e.channel_type !== undefined && e.channel_type !== "channel") {
    // A private conversation's push does not say who is in it: the channel's pull reads its members along
    // with the message, so that nobody outside it sees the message in between.
    return { type: "sync", scopes: [channel] };
  } else if (e.subtype === "message_changed" || e.subtype === "message_replied") {
    // message_replied: the parent of a thread with its new reply count (the event says it is sent, though
    // Slack documents a bug that delivers replies without it).
    const message = SlackMessageSchema.safeParse(e.message);
    if (!message.success || e.message === undefined)
      return { type: "ignore", reason: `${e.subtype} without a readable message` };
    if (message.data.subtype === "tombstone") {
      deletions.push({ type: "item", externalId: toMessageId(channel, message.data.ts), at: when });
    } else {
      const verdict = toMessageVerdict(e.message);
      if (!verdict.keep) return { type: "ignore", reason: verdict.reason };
      records.push({ type: "message", data: e.message, context });
    }
  } else {
    const verdict = toMessageVerdict(event);
    if (!verdict.keep) return { type: "ignore", reason: verdict.reason };
    records.push({ type: "message", data: event, context });
  }
  return { type: "records", scope: channel, records, deletions, deliveryId };
}

const isConfigured = (channel: string, settings: SlackSettings) =>
  settings.channels.length === 0 || settings.channels.includes(channel);

export const slackWebhook: WebhookHandler<SlackSettings> = {
  verify: (request, settings) => verifySlackSignature(request, settings.signingSecret),
  parse: parseSlackWebhook,
};
