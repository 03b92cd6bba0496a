/**
 * The Microsoft Teams connector: channel messages and their replies through Microsoft Graph
 * (@microsoft/microsoft-graph-client, tokens from @azure/msal-node). See README.md in this folder for the app
 * registration, the permissions and the limits.
 */

import type { ActionHandler, Connector } from "../types.ts";
import { defineConnector } from "../types.ts";
import { teamsAbout } from "./about.ts";
import { type TeamsSettings, teamsSettingsFromEnv } from "./config.ts";
import { mapTeamsRecord } from "./map.ts";
import type { TeamsPullOptions } from "./pull.ts";
import { DEFAULT_SUBSCRIPTION_OPTIONS, type TeamsSubscriptionOptions } from "./subscription-options.ts";
import { teamsWebhook } from "./webhook.ts";

export type { TeamsSettings } from "./config.ts";
export { teamsClientState } from "./webhook.ts";

// The SDK and the pull load on first use (dynamic imports below), so a process that only reads what the
// product says of a source (the web view, the digest, relink) never loads them.

export interface TeamsConnectorOptions extends TeamsPullOptions {
  /** Subscription lifetime and renewal margin (tests shorten both). */
  subscriptions?: TeamsSubscriptionOptions;
}

/** A Teams connector; options change how it retries, where its notices go and how long subscriptions live. */
export function createTeamsConnector(options: TeamsConnectorOptions = {}): Connector<"teams", TeamsSettings> {
  const subscriptionOptions = { ...DEFAULT_SUBSCRIPTION_OPTIONS, ...options.subscriptions };
  let actions: Promise<ActionHandler<TeamsSettings>> | undefined;
  const loadActions = () => {
    actions ??= import("./actions.ts").then((m) => m.createTeamsActions(options));
    return actions;
  };
  const loadSubscriptions = async () =>
    (await import("./subscriptions.ts")).createTeamsSubscriptions(subscriptionOptions);
  return defineConnector({
    id: "teams",
    about: teamsAbout,
    fromEnv: teamsSettingsFromEnv,
    // The channels are named in TEAMS_CHANNELS: listing every team's channels would need more permissions
    // (Team.ReadBasic.All, Channel.ReadBasic.All) than reading the chosen ones.
    listScopes: async (settings) => settings.channels.map((c) => c.scope),
    async *pull(request) {
      yield* (await import("./pull.ts")).pullTeamsChannel(request, options);
    },
    map: mapTeamsRecord,
    webhook: teamsWebhook,
    subscriptions: {
      renewWithinMs: subscriptionOptions.renewWithinMs,
      enabled: (settings) => settings.webhookSecret !== null,
      create: async (request, scope, url) => (await loadSubscriptions()).create(request, scope, url),
      renew: async (request, id) => (await loadSubscriptions()).renew(request, id),
      reauthorize: async (request, id) => (await loadSubscriptions()).reauthorize(request, id),
    },
    actions: {
      kinds: ["reply"],
      access: async (request) => (await loadActions()).access(request),
      find: async (request) => (await loadActions()).find(request),
      write: async (request) => (await loadActions()).write(request),
    },
  });
}

export const teamsConnector = createTeamsConnector();
