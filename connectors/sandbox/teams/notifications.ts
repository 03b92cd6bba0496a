/**
 * Change notifications as Microsoft Graph delivers them to a webhook, for tests of `POST /webhooks/teams`:
 *
 * - the validation request: `POST {notificationUrl}?validationToken={opaque token}`, `text/plain`, no body
 *   (https://learn.microsoft.com/graph/change-notifications-delivery-webhooks#notificationurl-validation);
 * - a notification without resource data for a channel message or reply: `{"value": [{subscriptionId,
 *   changeType, tenantId, clientState, subscriptionExpirationDateTime, resource, resourceData}]}` with
 *   `resource` = `teams('…')/channels('…')/messages('…')[/replies('…')]`
 *   (https://learn.microsoft.com/graph/teams-changenotifications-chatmessage#notifications-without-resource-data);
 * - a lifecycle notification (`missed`, `reauthorizationRequired`, `subscriptionRemoved`;
 *   https://learn.microsoft.com/graph/change-notifications-lifecycle-events).
 *
 * `clientState` is whatever the subscription was created with: tests pass the connector's
 * `teamsClientState(settings)` for a valid one, anything else for a forged one.
 */
import { type SandboxMessage, stableGuid, type TeamsDataset } from "./dataset.ts";

/** A push as `POST /webhooks/{source}` hands it to a connector. */
export interface NotificationRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  now: Date;
}

export type ChangeType = "created" | "updated" | "deleted";

const resourceOf = (message: SandboxMessage) =>
  message.replyToId
    ? `teams('${message.teamId}')/channels('${message.channelId}')/messages('${message.replyToId}')/replies('${message.id}')`
    : `teams('${message.teamId}')/channels('${message.channelId}')/messages('${message.id}')`;

/** One changeNotification for a message (without resource data). */
export function messageNotification(
  data: TeamsDataset,
  message: SandboxMessage,
  options: { clientState: string | null; changeType?: ChangeType; subscriptionId?: string },
): Record<string, unknown> {
  const resource = resourceOf(message);
  return {
    subscriptionId: options.subscriptionId ?? stableGuid(`subscription:${message.channelId}`),
    changeType: options.changeType ?? "created",
    tenantId: data.tenantId,
    clientState: options.clientState,
    subscriptionExpirationDateTime: new Date(data.now + 3_600_000).toISOString(),
    resource,
    resourceData: { id: message.id, "@odata.type": "#Microsoft.Graph.chatMessage", "@odata.id": resource },
  };
}

/** A lifecycle notification for the subscription on a channel's messages: it names no resource. */
export function lifecycleNotification(
  data: TeamsDataset,
  channelKey: string,
  event: "missed" | "reauthorizationRequired" | "subscriptionRemoved",
  clientState: string | null,
): Record<string, unknown> {
  const channel = data.channel(channelKey);
  return {
    subscriptionId: stableGuid(`subscription:${channel.id}`),
    subscriptionExpirationDateTime: new Date(data.now + 3_600_000).toISOString(),
    tenantId: data.tenantId,
    clientState,
    lifecycleEvent: event,
  };
}

/** The POST Graph sends with a batch of notifications. */
export function notificationRequest(
  notifications: Array<Record<string, unknown>>,
  options: { url?: string; now?: Date } = {},
): NotificationRequest {
  return {
    url: options.url ?? "http://localhost:8787/webhooks/teams",
    headers: { "content-type": "application/json; charset=utf-8" },
    body: JSON.stringify({ value: notifications }),
    now: options.now ?? new Date(),
  };
}

/** The validation request Graph sends when a subscription is created. */
export function validationRequest(
  token: string,
  options: { url?: string; now?: Date } = {},
): NotificationRequest {
  const url = new URL(options.url ?? "http://localhost:8787/webhooks/teams");
  url.searchParams.set("validationToken", token);
  return {
    url: url.toString(),
    headers: { "content-type": "text/plain; charset=utf-8" },
    body: "",
    now: options.now ?? new Date(),
  };
}
