/**
 * Events API requests as Slack sends them, signed with the app's signing secret, for the webhook's tests and
 * the demo: the `event_callback` envelope around message events (new, `message_changed`,
 * `message_deleted`), reactions, and the `url_verification` handshake.
 * https://docs.slack.dev/apis/events-api/ · https://docs.slack.dev/reference/events/message ·
 * https://docs.slack.dev/authentication/verifying-requests-from-slack
 */
import type { JsonValue } from "../../types.ts";
import { toHmacHex } from "../sign-delivery.ts";
import type { SandboxMessage, SlackDataset } from "./dataset.ts";
import { renderMessage } from "./render.ts";

type JsonObject = { [key: string]: JsonValue };

let eventCounter = 0;

/** The `event_callback` envelope around an event. */
export function eventEnvelope(
  data: SlackDataset,
  event: JsonObject,
  options: { eventId?: string; eventTime?: number } = {},
): JsonObject {
  eventCounter++;
  return {
    token: "XXYYZZ",
    team_id: data.team.id,
    context_team_id: data.team.id,
    api_app_id: data.appId,
    event,
    type: "event_callback",
    event_id: options.eventId ?? `Ev0${String(eventCounter).padStart(9, "0")}`,
    event_time: options.eventTime ?? Math.floor(data.now / 1000),
    authorizations: [
      {
        enterprise_id: null,
        team_id: data.team.id,
        user_id: data.bot.id,
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
  };
}

const channelType = (data: SlackDataset, channel: string) =>
  data.channel(channel).isPrivate ? "group" : "channel";

/** A `message` event for a message just posted (or replied) in the data set. */
export function messageEvent(data: SlackDataset, message: SandboxMessage): JsonObject {
  const rendered = renderMessage(data, message);
  if (!rendered) throw new Error("sandbox: a deleted message has no message event");
  return eventEnvelope(data, {
    ...rendered,
    channel: message.channel,
    event_ts: message.ts,
    channel_type: channelType(data, message.channel),
  });
}

/** A `message_changed` event: `message` is the message now, `previous_message` as it was. */
export function messageChangedEvent(
  data: SlackDataset,
  message: SandboxMessage,
  previous: JsonObject,
): JsonObject {
  const rendered = renderMessage(data, message);
  if (!rendered) throw new Error("sandbox: a deleted message is not changed");
  const ts = data.nextTs();
  return eventEnvelope(data, {
    type: "message",
    subtype: "message_changed",
    message: rendered,
    previous_message: previous,
    channel: message.channel,
    hidden: true,
    ts,
    event_ts: ts,
    channel_type: channelType(data, message.channel),
  });
}

/** A `message_deleted` event for a message deleted in the data set. */
export function messageDeletedEvent(
  data: SlackDataset,
  message: SandboxMessage,
  previous: JsonObject,
): JsonObject {
  const ts = data.nextTs();
  return eventEnvelope(data, {
    type: "message",
    subtype: "message_deleted",
    previous_message: previous,
    channel: message.channel,
    hidden: true,
    deleted_ts: message.ts,
    event_ts: ts,
    ts,
    channel_type: channelType(data, message.channel),
  });
}

/** A `reaction_added` event. */
export function reactionAddedEvent(
  data: SlackDataset,
  message: SandboxMessage,
  name: string,
  by: string,
): JsonObject {
  const ts = data.nextTs();
  return eventEnvelope(data, {
    type: "reaction_added",
    user: data.user(by).id,
    reaction: name,
    item_user: message.user ?? "",
    item: { type: "message", channel: message.channel, ts: message.ts },
    event_ts: ts,
  });
}

/** The handshake Slack sends when the Request URL is saved. */
export function urlVerificationPayload(challenge: string): JsonObject {
  return { token: "Jhj5dZrVaK7ZwHHjRyZWjbDl", challenge, type: "url_verification" };
}

export interface SignedRequest {
  headers: Record<string, string>;
  body: string;
}

/**
 * A request body with Slack's headers: `X-Slack-Request-Timestamp` (seconds) and
 * `X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:<timestamp>:<body>">`, and `X-Slack-Retry-Num` for a retry.
 */
export function signSlackRequest(
  payload: unknown,
  options: { secret: string; timestamp: number; retryNum?: number; retryReason?: string },
): SignedRequest {
  const body = typeof payload === "string" ? payload : JSON.stringify(payload);
  const signature = toHmacHex("sha256", options.secret, `v0:${options.timestamp}:${body}`);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
    "x-slack-request-timestamp": String(options.timestamp),
    "x-slack-signature": `v0=${signature}`,
  };
  if (options.retryNum !== undefined) {
    headers["x-slack-retry-num"] = String(options.retryNum);
    headers["x-slack-retry-reason"] = options.retryReason ?? "http_timeout";
  }
  return { headers, body };
}
