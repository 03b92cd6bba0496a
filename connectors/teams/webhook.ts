/**
 * `POST /webhooks/teams`: Microsoft Graph change notifications for channel messages
 * (https://learn.microsoft.com/graph/teams-changenotifications-chatmessage), delivered as documented in
 * https://learn.microsoft.com/graph/change-notifications-delivery-webhooks:
 *
 * - Validation: when a subscription is created, Graph POSTs `?validationToken=…` with no body and expects,
 *   within 10 seconds, `200` with `text/plain` and the URL-decoded token as the body. The handshake carries no
 *   secret and changes nothing; it is answered only as Graph sends it (a POST with an empty body and a token
 *   of at most `MAX_VALIDATION_TOKEN` characters with no control characters), so the endpoint cannot be
 *   used to reflect arbitrary content.
 * - Notifications: `{"value": [{subscriptionId, changeType, clientState, resource, resourceData, tenantId, …}]}`,
 *   to be acknowledged within 3 seconds (Graph retries for up to 4 hours otherwise). Each item's
 *   `clientState` must equal the secret the subscription was created with. This connector subscribes without
 *   resource data, so a notification names a message and the answer is a `sync` of its channel: the delta
 *   pass brings the message (and anything missed). Repeats are harmless: a sync finds nothing new.
 * - Lifecycle notifications (https://learn.microsoft.com/graph/change-notifications-lifecycle-events) name a
 *   subscription, not a resource: `reauthorizationRequired`, `subscriptionRemoved` and `missed` go to the
 *   subscription manager (which reauthorizes, or recreates and catches up) as a `subscription` result.
 *
 * The clientState: the contract has no variable for it, so it is derived from MS_CLIENT_SECRET,
 * `base64url(HMAC-SHA256(MS_CLIENT_SECRET, "threadline:teams:clientState:v1"))` (43 characters; Graph allows
 * 255), and `teamsClientState` gives it to whatever creates the subscription. With only MS_GRAPH_TOKEN set
 * there is no secret, and no notification is accepted.
 */
import { z } from "zod";
import {
  fromBase64Url,
  signHmacSha256,
  toBase64Url,
  toHmacSha256Key,
  verifyHmacSha256,
} from "../kit/hmac.ts";
import type { SubscriptionEvent, WebhookHandler, WebhookRequest, WebhookResult } from "../types.ts";
import { ConnectorError } from "../types.ts";
import type { TeamsSettings } from "./config.ts";

const CLIENT_STATE_LABEL = "threadline:teams:clientState:v1";

/** Graph's lifecycle events, in the connector-neutral words of `SubscriptionEvent`. */
const LIFECYCLE_EVENTS: Record<string, SubscriptionEvent["event"] | undefined> = {
  reauthorizationRequired: "reauthorizationRequired",
  subscriptionRemoved: "removed",
  missed: "missed",
};

const NotificationSchema = z.object({
  subscriptionId: z.string().nullish(),
  changeType: z.string().nullish(),
  lifecycleEvent: z.string().nullish(),
  clientState: z.string().nullish(),
  resource: z.string().nullish(),
  resourceData: z.object({ id: z.string().nullish(), "@odata.id": z.string().nullish() }).nullish(),
  encryptedContent: z.unknown().optional(),
  tenantId: z.string().nullish(),
});

const NotificationCollectionSchema = z.object({
  value: z.array(NotificationSchema).min(1),
  validationTokens: z.array(z.string()).optional(),
});

/** The clientState to create subscriptions with: derived from MS_CLIENT_SECRET; null without one. */
export async function teamsClientState(
  settings: Pick<TeamsSettings, "webhookSecret">,
): Promise<string | null> {
  if (!settings.webhookSecret) return null;
  return toBase64Url(await signHmacSha256(settings.webhookSecret, CLIENT_STATE_LABEL));
}

/** Graph's tokens are a sentence and a request id, about 120 characters; anything far longer is not one. */
export const MAX_VALIDATION_TOKEN = 1024;

/** A token Graph could have sent: bounded, with no control characters (it is echoed as text/plain). */
const isPlainToken = (token: string) =>
  token.length > 0 &&
  token.length <= MAX_VALIDATION_TOKEN &&
  [...token].every((ch) => {
    const code = ch.codePointAt(0) ?? 0;
    return code >= 0x20 && code !== 0x7f;
  });

const validationTokenOf = (request: WebhookRequest): string | null => {
  try {
    return new URL(request.url, "http://localhost").searchParams.get("validationToken");
  } catch {
    return null;
  }
};

/**
 * Whether the push comes from Graph: the validation handshake (nothing to check), or notifications whose
 * every `clientState` is the derived secret (compared by Web Crypto's constant-time HMAC verify).
 */
export async function verifyTeamsNotification(
  request: WebhookRequest,
  settings: TeamsSettings,
): Promise<boolean> {
  const token = validationTokenOf(request);
  if (token !== null) return request.body === "" && isPlainToken(token);
  if (!settings.webhookSecret) return false;
  let json: unknown;
  try {
    json = JSON.parse(request.body);
  } catch {
    return false;
  }
  const parsed = NotificationCollectionSchema.safeParse(json);
  if (!parsed.success) return false;
  // One key for every notification of the delivery.
  const key = await toHmacSha256Key(settings.webhookSecret);
  for (const notification of parsed.data.value) {
    const given = notification.clientState ? fromBase64Url(notification.clientState) : null;
    if (!(await verifyHmacSha256(key, CLIENT_STATE_LABEL, given))) return false;
  }
  return true;
}

/** `teams('T')/channels('C')/messages('M')[/replies('R')]` or `/teams/T/channels/C/messages` → `T/C`. */
export function toNotificationChannel(
  resource: string | null | undefined,
): { teamId: string; channelId: string } | null {
  if (!resource) return null;
  const m = /teams(?:\('([^']+)'\)|\/([^/('?]+))\/channels(?:\('([^']+)'\)|\/([^/('?]+))/i.exec(resource);
  if (!m) return null;
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  return { teamId: decode((m[1] ?? m[2])!), channelId: decode((m[3] ?? m[4])!) };
}

function invalid(detail: string): ConnectorError {
  return new ConnectorError("teams", "invalid", `a change notification Threadline cannot read: ${detail}`);
}

/** What a verified push means: the handshake's answer, or the configured channels to sync now. */
export function parseTeamsNotification(request: WebhookRequest, settings: TeamsSettings): WebhookResult {
  const token = validationTokenOf(request);
  if (token !== null) {
    if (request.body !== "" || !isPlainToken(token))
      throw invalid("a validation request Graph would not send");
    return { type: "reply", status: 200, contentType: "text/plain", body: token };
  }
  let json: unknown;
  try {
    json = JSON.parse(request.body);
  } catch {
    throw invalid("the body is not JSON");
  }
  const parsed = NotificationCollectionSchema.safeParse(json);
  if (!parsed.success) throw invalid("no notifications in `value`");

  const configured = new Map(
    settings.channels.map((c) => [`${c.teamId}/${c.channelId}`.toLowerCase(), c.scope]),
  );
  const scopes = new Set<string>();
  const reasons: string[] = [];
  const events: SubscriptionEvent[] = [];
  for (const n of parsed.data.value) {
    const channel = toNotificationChannel(n.resource ?? n.resourceData?.["@odata.id"]);
    const scope = channel
      ? configured.get(`${channel.teamId}/${channel.channelId}`.toLowerCase())
      : undefined;
    if (n.lifecycleEvent) {
      const event = LIFECYCLE_EVENTS[n.lifecycleEvent];
      if (event && n.subscriptionId) events.push({ subscriptionId: n.subscriptionId, event });
      else reasons.push(`lifecycle event ${n.lifecycleEvent} for subscription ${n.subscriptionId ?? "?"}`);
      continue;
    }
    if (!channel) reasons.push(`a notification about ${n.resource ?? "nothing"}, not a channel message`);
    else if (!scope) reasons.push(`${channel.teamId}/${channel.channelId} is not in TEAMS_CHANNELS`);
    else scopes.add(scope);
  }
  if (events.length > 0) return { type: "subscription", events, scopes: [...scopes].sort() };
  if (scopes.size > 0) return { type: "sync", scopes: [...scopes].sort() };
  return { type: "ignore", reason: reasons.join("; ") || "nothing to do" };
}

export const teamsWebhook: WebhookHandler<TeamsSettings> = {
  verify: verifyTeamsNotification,
  parse: parseTeamsNotification,
};
