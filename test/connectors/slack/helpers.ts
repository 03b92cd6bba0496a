/**
 * What the Slack connector's tests share: a connector with quick retries and a log they can read, the
 * settings that point it at a sandbox, and a way to run its pull without the engine (collecting its pages
 * and what it told the progress line).
 */

import { type SlackSandbox, slackSandboxEnv } from "../../../connectors/sandbox/slack/index.ts";
import type { SlackLog } from "../../../connectors/slack/client.ts";
import { createSlackConnector, type SlackSettings } from "../../../connectors/slack/index.ts";
import { HISTORY_STREAM } from "../../../connectors/slack/pull.ts";
import type { JsonValue, Page, PullReporter } from "../../../connectors/types.ts";

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
  const settings = quickSlack.fromEnv(slackSandboxEnv(slack, options));
  if (!settings) throw new Error("the sandbox's environment did not configure Slack");
  return settings;
}

export interface RecordingReporter extends PullReporter {
  waits: Array<Date | null>;
  estimates: number[];
  requestCount: number;
}

export function recordingReporter(): RecordingReporter {
  const reporter: RecordingReporter = {
    waits: [],
    estimates: [],
    requestCount: 0,
    estimate: (n) => {
      reporter.estimates.push(n);
    },
    waiting: (until) => {
      reporter.waits.push(until);
    },
    requests: (n = 1) => {
      reporter.requestCount += n;
    },
  };
  return reporter;
}

/** Runs one pull of one channel to the end and returns its pages and the cursor to resume from. */
export async function pullAll(
  settings: SlackSettings,
  scope: string,
  options: {
    mode?: "backfill" | "sync";
    cursor?: JsonValue;
    since?: Date;
    now?: Date;
    report?: RecordingReporter;
    connector?: typeof quickSlack;
    /** The run's signal: pulls given the same one share the run's directory (users, workspace address). */
    signal?: AbortSignal;
  } = {},
): Promise<{ pages: Page[]; cursor: JsonValue | undefined; report: RecordingReporter }> {
  const report = options.report ?? recordingReporter();
  const pages: Page[] = [];
  const connector = options.connector ?? quickSlack;
  for await (const page of connector.pull({
    settings,
    scope,
    mode: options.mode ?? "backfill",
    since: options.since ?? null,
    cursors: options.cursor === undefined ? {} : { [HISTORY_STREAM]: options.cursor },
    now: options.now ?? new Date(),
    signal: options.signal ?? new AbortController().signal,
    report,
  })) {
    pages.push(page);
  }
  return { pages, cursor: pages.at(-1)?.cursor ?? options.cursor, report };
}

export const recordsOf = (pages: Page[]) => pages.flatMap((p) => p.records);
export const messagesOf = (pages: Page[]) => recordsOf(pages).filter((r) => r.type === "message");
export const deletionsOf = (pages: Page[]) => pages.flatMap((p) => p.deletions ?? []);

/** The items a list of pages maps to, by external id. */
export function itemsOf(pages: Page[]) {
  return recordsOf(pages).flatMap((r) => quickSlack.map(r).items ?? []);
}
