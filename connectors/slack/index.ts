/**
 * The Slack connector: channel messages, thread replies and people through `@slack/web-api`, and the Events
 * API for pushes. See README.md in this folder for the app to create, its scopes and Slack's limits.
 */

import type { ActionHandler, Connector } from "../types.ts";
import { defineConnector } from "../types.ts";
import { slackAbout } from "./about.ts";
import { type SlackSettings, slackSettingsFromEnv } from "./config.ts";
import { mapSlackRecord } from "./map.ts";
import type { SlackPullOptions } from "./pull.ts";
import { slackWebhook } from "./webhook.ts";

export type { SlackSettings } from "./config.ts";
export type { SlackPullOptions } from "./pull.ts";

// The SDK and the pull load on first use (dynamic imports below), so a process that only reads what the
// product says of a source (the web view, the digest, relink) never loads them.

/** A Slack connector; options change only how it retries and where it logs (tests make both quick and quiet). */
export function createSlackConnector(options: SlackPullOptions = {}): Connector<"slack", SlackSettings> {
  let actions: Promise<ActionHandler<SlackSettings>> | undefined;
  const loadActions = () => {
    actions ??= import("./actions.ts").then((m) => m.createSlackActions(options));
    return actions;
  };
  return defineConnector({
    id: "slack",
    about: slackAbout,
    fromEnv: slackSettingsFromEnv,
    listScopes: async (settings, request) =>
      (await import("./scopes.ts")).listSlackChannels(settings, request, options),
    async *pull(request) {
      yield* (await import("./pull.ts")).pullSlackChannel(request, options);
    },
    map: mapSlackRecord,
    webhook: slackWebhook,
    actions: {
      kinds: ["reply"],
      access: async (request) => (await loadActions()).access(request),
      find: async (request) => (await loadActions()).find(request),
      write: async (request) => (await loadActions()).write(request),
    },
  });
}

export const slackConnector = createSlackConnector();
