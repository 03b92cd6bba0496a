import { log as processLog } from "../../src/log.ts";
import type { ScopeRequest } from "../types.ts";
import { createSlackClient } from "./client.ts";
import type { SlackSettings } from "./config.ts";
import { warnUnsignedEvents } from "./limited-app.ts";
import type { SlackPullOptions } from "./pull.ts";
import { parseAnswer, SlackConversationsPageSchema } from "./schemas.ts";

/** users.conversations pages: "a limit value with a max of 999". https://docs.slack.dev/reference/methods/users.conversations */
const CHANNELS_PAGE_SIZE = 999;

/** The channels to read: SLACK_CHANNELS, or every public and private channel the bot is a member of, archived ones left out. */
export async function listSlackChannels(
  settings: SlackSettings,
  request: ScopeRequest,
  options: SlackPullOptions,
): Promise<string[]> {
  const log = options.log ?? processLog.child({ source: "slack" });
  warnUnsignedEvents(settings, log);
  if (settings.channels.length > 0) return [...settings.channels];
  const client = createSlackClient({
    settings,
    signal: request.signal,
    report: request.report,
    log,
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
}
