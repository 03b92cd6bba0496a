/**
 * The Slack connector: channel messages, thread replies and people through `@slack/web-api`, and the Events
 * API for pushes. See README.md in this folder for the app to create, its scopes and Slack's limits.
 */

import { log as processLog } from "../../src/log.ts";
import type { Connector } from "../types.ts";
import { defineConnector } from "../types.ts";
import { slackAbout } from "./about.ts";
import { createSlackClient } from "./client.ts";
import { type SlackSettings, slackSettingsFromEnv } from "./config.ts";
import { mapSlackRecord } from "./map.ts";
import { pullSlackChannel, type SlackPullOptions } from "./pull.ts";
import { parseAnswer, SlackConversationsPageSchema } from "./schemas.ts";
import { slackWebhook } from "./webhook.ts";

export type { SlackSettings } from "./config.ts";
export type { SlackPullOptions } from "./pull.ts";

/** users.conversations pages: "a limit value with a max of 999". https://docs.slack.dev/reference/methods/users.conversations */
const CHANNELS_PAGE_SIZE = 999;

/** A Slack connector; options change only how it retries and where it logs (tests make both quick and quiet). */
export function createSlackConnector(options: SlackPullOptions = {}): Connector<"slack", SlackSettings> {
  return defineConnector({
    id: "slack",
    about: slackAbout,
    fromEnv: slackSettingsFromEnv,
    async listScopes(settings, request) {
      if (settings.channels.length > 0) return [...settings.channels];
      // Every public and private channel the app's bot is a member of, archived ones left out.
      const client = createSlackClient({
        settings,
        signal: request.signal,
        report: request.report,
        log: options.log ?? processLog.child({ source: "slack" }),
        ...(options.retry ? { retry: options.retry } : {}),
      });
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = parseAnswer(
          SlackConversationsPageSchema,
          await client.fetchMemberChannels(cursor, CHANNELS_PAGE_SIZE),
          "a users.conversations page",
        );
        for (const channel of page.channels) if (!channel.is_archived) ids.push(channel.id);
        cursor = page.response_metadata?.next_cursor || undefined;
      } while (cursor);
      return ids;
    },
    pull: (request) => pullSlackChannel(request, options),
    map: mapSlackRecord,
    webhook: slackWebhook,
  });
}

export const slackConnector = createSlackConnector();
