/**
 * Apps Slack limits, and what the connector says at start about what polling cannot see.
 *
 * Since 29 May 2025 (for installs made before then, since 3 March 2026), apps distributed outside the Slack
 * Marketplace may call conversations.history and conversations.replies once a minute, 15 messages a page.
 * https://docs.slack.dev/changelog/2025/05/29/rate-limit-changes-for-non-marketplace-apps ·
 * https://docs.slack.dev/reference/methods/conversations.history#rate-limits
 * Such an app cannot rescan a week of every channel each pass: it rescans a day, and the Events API
 * (https://docs.slack.dev/apis/events-api/) is what brings edits, reactions and replies to older messages.
 */
import type { SlackLog } from "./client.ts";
import type { SlackSettings } from "./config.ts";

/** The page Slack gives a limited app whatever `limit` asks: a full one with more to come names it. */
export const LIMITED_PAGE_SIZE = 15;

/** The rescan window of a limited app, in days (SLACK_RESCAN_DAYS when that is smaller). */
export const LIMITED_RESCAN_DAYS = 1;

/** Whether a page says the app is limited: exactly 15 messages when far more were asked for, and more to come. */
export function isLimitedPage(messages: number, asked: number, hasMore: boolean): boolean {
  return hasMore && messages === LIMITED_PAGE_SIZE && asked > LIMITED_PAGE_SIZE;
}

/** The rescan window a pass uses: shrunk for a limited app. */
export function toRescanDays(settings: Pick<SlackSettings, "rescanDays">, limited: boolean): number {
  return limited ? Math.min(settings.rescanDays, LIMITED_RESCAN_DAYS) : settings.rescanDays;
}

/** What has been said in this process, per workspace: each warning once, not every pass. */
const said = new Set<string>();

function once(settings: SlackSettings, what: string, say: () => void): void {
  const key = `${what}\n${settings.apiUrl}\n${settings.token}`;
  if (said.has(key)) return;
  said.add(key);
  say();
}

/** Says once that the app is limited, what the pass does about it, and what to set up. */
export function warnLimitedApp(settings: SlackSettings, log: SlackLog): void {
  once(settings, "limited", () =>
    log.warn(
      { rescanDays: toRescanDays(settings, true) },
      `[threadline] [slack] Slack allows this app one conversations.history and one conversations.replies request a minute, ${LIMITED_PAGE_SIZE} messages each (apps outside the Slack Marketplace): each pass rescans the last ${toRescanDays(settings, true)} day(s) instead of SLACK_RESCAN_DAYS=${settings.rescanDays}. Edits, reactions and late replies to older messages reach Threadline only through the Events API: set SLACK_SIGNING_SECRET and subscribe the app to message events at <THREADLINE_PUBLIC_URL>/webhooks/slack`,
    ),
  );
}

/** Says once, at the start of a run, when pushes cannot be accepted. */
export function warnUnsignedEvents(settings: SlackSettings, log: SlackLog): void {
  if (settings.signingSecret !== null) return;
  once(settings, "unsigned", () =>
    log.warn(
      {},
      "[threadline] [slack] SLACK_SIGNING_SECRET is not set: Slack's Events API pushes to /webhooks/slack are refused, so edits, reactions and late replies older than the rescan window are not seen; set it to the app's Signing Secret (Basic Information)",
    ),
  );
}
