/**
 * `POST /webhooks/teams`: Microsoft Graph change notifications for channel messages
 * (https://learn.microsoft.com/graph/teams-changenotifications-chatmessage), delivered as documented in
 * https://learn.microsoft.com/graph/change-notifications-delivery-webhooks:
 *
 * - Validation: when a subscription is created (or renewed), Graph POSTs `?validationToken=…` and expects,
 *   within 10 seconds, `200` with `text/plain` and the URL-decoded token as the body. The handshake carries no
 *   secret and changes nothing, so it is always answered.
 * - Notifications: `{"value": [{subscriptionId, changeType, clientState, resource, resourceData, tenantId, …}]}`,
 *   to be acknowledged within 3 seconds (Graph retries for up to 4 hours otherwise). Each item's
 *   `clientState` must equal the secret the subscription was created with. This connector subscribes without
 *   resource data, so a notification names a message and the answer is a `sync` of its channel: the delta
 *   pass brings the message (and anything missed). Repeats are harmless: a sync finds nothing new.
 * - Lifecycle notifications (https://learn.microsoft.com/graph/change-notifications-lifecycle-events): `missed`
 *   means notifications were dropped, so the channels are synced; `reauthorizationRequired` and
 *   `subscriptionRemoved` are for whoever manages the subscription, and are reported, not acted on.
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
import type { WebhookHandler, WebhookRequest, WebhookResult } from "../types.ts";
import { ConnectorError } from "../types.ts";
import type { TeamsSettings } from "./config.ts";

const CLIENT_STATE_LABEL = "threadline:teams:clientState:v1";

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
  if (validationTokenOf(request) !== null) return true;
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
  if (token !== null) return { type: "reply", status: 200, contentType: "text/plain", body: token };
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
  let syncAll = false;
  for (const n of parsed.data.value) {
    const channel = toNotificationChannel(n.resource ?? n.resourceData?.["@odata.id"]);
    const scope = channel
      ? configured.get(`${channel.teamId}/${channel.channelId}`.toLowerCase())
      : undefined;
    if (n.lifecycleEvent) {
      if (n.lifecycleEvent === "missed") {
        if (scope) scopes.add(scope);
        else syncAll = true;
      } else {
        reasons.push(
          `lifecycle event ${n.lifecycleEvent} for subscription ${n.subscriptionId ?? "?"}: renew or recreate it`,
        );
      }
      continue;
    }
    if (!channel) reasons.push(`a notification about ${n.resource ?? "nothing"}, not a channel message`);
    else if (!scope) reasons.push(`${channel.teamId}/${channel.channelId} is not in TEAMS_CHANNELS`);
    else scopes.add(scope);
  }
  if (syncAll) return { type: "sync", scopes: settings.channels.map((c) => c.scope) };
  if (scopes.size > 0) return { type: "sync", scopes: [...scopes].sort() };
  return { type: "ignore", reason: reasons.join("; ") || "nothing to do" };
}

export const teamsWebhook: WebhookHandler<TeamsSettings> = {
  verify: verifyTeamsNotification,
  parse: parseTeamsNotification,
};
