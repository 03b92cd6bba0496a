/**
 * Change-notification subscriptions on channel messages (I/O): one per channel, on
 * `/teams/{team-id}/channels/{channel-id}/messages`, without resource data, with `notificationUrl` and
 * `lifecycleNotificationUrl` both the public `/webhooks/teams` (Graph allows the same URL for both).
 *
 * - A channel-message subscription lives at most 4,320 minutes; asking for more than an hour needs a
 *   `lifecycleNotificationUrl` (https://learn.microsoft.com/graph/teams-changenotifications-chatmessage,
 *   https://learn.microsoft.com/graph/change-notifications-overview#subscription-lifetime). The connector
 *   asks for a little less than the most, so a clock a few minutes ahead of Graph's is not refused.
 * - Renewal is `PATCH /subscriptions/{id}` with a new `expirationDateTime`, which also reauthorizes it;
 *   `reauthorizationRequired` is answered with `POST /subscriptions/{id}/reauthorize`
 *   (https://learn.microsoft.com/graph/change-notifications-lifecycle-events).
 * - The `clientState` is the one the webhook checks (`teamsClientState`): without MS_CLIENT_SECRET there is
 *   none, no push could be verified, and no subscription is made.
 */
import { z } from "zod";
import type { PushSubscription, SubscriptionHandler, SubscriptionRequest } from "../types.ts";
import { ConnectorError } from "../types.ts";
import { createTeamsClient } from "./client.ts";
import { type TeamsSettings, toChannelRef } from "./config.ts";
import { DEFAULT_SUBSCRIPTION_OPTIONS, type TeamsSubscriptionOptions } from "./subscription-options.ts";
import { teamsClientState } from "./webhook.ts";

/** Graph's longest lifetime for a channel-message subscription. */
export const TEAMS_SUBSCRIPTION_MAX_MS = 4320 * 60_000;

export type { TeamsSubscriptionOptions } from "./subscription-options.ts";

const SubscriptionSchema = z.object({
  id: z.string().min(1),
  expirationDateTime: z
    .string()
    .refine((s) => !Number.isNaN(Date.parse(s)), "an ISO 8601 date-time")
    .transform((s) => new Date(s)),
});

function toPushSubscription(answer: unknown, what: string): PushSubscription {
  const parsed = SubscriptionSchema.safeParse(answer);
  if (!parsed.success) {
    throw new ConnectorError("teams", "invalid", `cannot read ${what}: no id or expirationDateTime`);
  }
  return { id: parsed.data.id, expiresAt: parsed.data.expirationDateTime };
}

const clientFor = (request: SubscriptionRequest<TeamsSettings>) =>
  createTeamsClient({
    settings: request.settings,
    signal: request.signal,
    report: { requests: () => {}, waiting: () => {} },
  });

/** The subscription side of the Teams connector. */
export function createTeamsSubscriptions(
  options: TeamsSubscriptionOptions = {},
): SubscriptionHandler<TeamsSettings> {
  const { lifetimeMs: asked, renewWithinMs } = { ...DEFAULT_SUBSCRIPTION_OPTIONS, ...options };
  const lifetimeMs = Math.min(asked, TEAMS_SUBSCRIPTION_MAX_MS);
  const expiry = (now: Date) => new Date(now.getTime() + lifetimeMs);
  return {
    renewWithinMs,
    enabled: (settings) => settings.webhookSecret !== null,
    async create(request, scope, notificationUrl) {
      const channel = toChannelRef(scope);
      if (!channel) throw new ConnectorError("teams", "invalid", `"${scope}" is not teamId/channelId`);
      const clientState = await teamsClientState(request.settings);
      if (!clientState) {
        throw new ConnectorError(
          "teams",
          "invalid",
          "subscriptions need MS_CLIENT_SECRET: without it no change notification can be verified",
        );
      }
      const answer = await clientFor(request).createSubscription({
        changeType: "created,updated,deleted",
        notificationUrl,
        lifecycleNotificationUrl: notificationUrl,
        resource: `/teams/${encodeURIComponent(channel.teamId)}/channels/${encodeURIComponent(channel.channelId)}/messages`,
        expirationDateTime: expiry(request.now).toISOString(),
        clientState,
        includeResourceData: false,
      });
      return toPushSubscription(answer, "the subscription Graph created");
    },
    async renew(request, id) {
      const answer = await clientFor(request).renewSubscription(id, expiry(request.now));
      return toPushSubscription(answer, "the renewed subscription");
    },
    async reauthorize(request, id) {
      await clientFor(request).reauthorizeSubscription(id);
    },
  };
}
