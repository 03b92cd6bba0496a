/**
 * What the Slack connector's tests share: a connector with quick retries and a log they can read, the
 * settings that point it at a sandbox, and what its pages hold (../kit.ts has what every connector shares).
 */

import { type SlackSandbox, slackSandboxEnv } from "../../../connectors/sandbox/slack/index.ts";
import type { SlackLog } from "../../../connectors/slack/client.ts";
import { createSlackConnector, type SlackSettings } from "../../../connectors/slack/index.ts";
import type { PulledPage } from "../../../connectors/types.ts";
import { recordsOf, settingsFrom } from "../kit.ts";

export interface LogLine {
  level: "debug" | "warn";
  msg: string;
  obj: object;
}

/** A log that keeps what it is told. */
export function recordingLog(): SlackLog & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    debug: (obj, msg) => {
      lines.push({ level: "debug", msg, obj });
    },
    warn: (obj, msg) => {
      lines.push({ level: "warn", msg, obj });
    },
  };
}

/** The SDK's retry policy made quick: 5xx retried after a few ms; Retry-After is still honoured. */
export const QUICK_RETRY = { retryConfig: { retries: 10, factor: 2, minTimeout: 5, maxTimeout: 40 } };

export const testLog = recordingLog();
export const quickSlack = createSlackConnector({ retry: QUICK_RETRY, log: testLog });

export function settingsFor(
  slack: SlackSandbox,
  options: { channels?: readonly string[]; extra?: Record<string, string> } = {},
): SlackSettings {
  return settingsFrom(quickSlack, slackSandboxEnv(slack, options));
}

export const messagesOf = (pages: PulledPage[]) => recordsOf(pages).filter((r) => r.type === "message");

/** The items a list of pages maps to, by external id. */
export function itemsOf(pages: PulledPage[]) {
  return recordsOf(pages).flatMap((r) => quickSlack.map(r).items ?? []);
}
