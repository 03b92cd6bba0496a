/**
 * What the Gmail connector's tests share: a small realistic mailbox, a connector that retries without
 * pauses and keeps its notices, and a way to run the connector's pull without the engine.
 */
import { createGmailConnector, type GmailSettings } from "../../../connectors/gmail/index.ts";
import type { GmailPullNotice, GmailPullOptions } from "../../../connectors/gmail/pull.ts";
import { MESSAGES_STREAM } from "../../../connectors/gmail/pull.ts";
import {
  GmailDataset,
  type GmailSandbox,
  gmailSandboxEnv,
  type Mailbox,
} from "../../../connectors/sandbox/gmail/index.ts";
import type { JsonValue, Page, PullReporter } from "../../../connectors/types.ts";
import type { LinkContext } from "../../../src/linking/index.ts";

export const RUN_NOW = new Date("2026-03-02T08:00:00Z");

export const GMAIL_LINK_CONTEXT: LinkContext = {
  jiraProjects: ["FAL"],
  jiraSiteUrls: ["https://acme.atlassian.net"],
  githubRepos: ["acme/portal"],
  githubWebUrls: ["https://github.com"],
};

export const PEOPLE = {
  ana: { name: "Ana Lima", address: "ana@contoso.dev" },
  ben: { name: "Ben Okafor", address: "ben@contoso.dev" },
  dan: { name: "Dan Miller (Acme)", address: "Dan.Miller@acme-corp.example" },
  priya: { name: "Priya Nair", address: "priya@acme-corp.example" },
} as const satisfies Record<string, Mailbox>;

/**
 * Ana's mailbox: a thread about FAL-12 whose replies never repeat the key (one from Outlook), a client's
 * feedback naming a pull request by link, a thread with an attachment, and a newsletter.
 */
export function buildMailbox(): GmailDataset {
  const data = new GmailDataset({ mailbox: PEOPLE.ana.address, now: "2026-02-02T08:00:00Z" });
  const sso = data.send({
    from: PEOPLE.dan,
    to: [PEOPLE.ana],
    subject: "SSO broken for our staff (FAL-12)",
    text: "Hi Ana,\n\nOur staff get a 500 after the Okta login.\n\nThanks,\nDan",
  });
  data.advance(3_600_000);
  const r1 = data.reply(sso, {
    from: PEOPLE.ana,
    to: [PEOPLE.dan],
    text: "Hi Dan, could you send the Okta app settings?",
  });
  data.advance(7_200_000);
  data.reply(r1, {
    from: PEOPLE.priya,
    to: [PEOPLE.ana],
    cc: [PEOPLE.dan],
    text: "Added the email attribute, please retry.",
    quoteStyle: "outlook",
    html: "<div>Added the email attribute, please retry.</div>",
  });
  data.advance(3_600_000);
  data.send({
    from: PEOPLE.dan,
    to: [PEOPLE.ana, PEOPLE.ben],
    subject: "Order history feedback",
    text: "The index in https://github.com/acme/portal/pull/41 made it fast, thanks!\n\n-- \nDan Miller | Acme",
  });
  data.advance(3_600_000);
  const erp = data.send({
    from: PEOPLE.ben,
    to: [PEOPLE.dan],
    cc: [PEOPLE.ana],
    subject: "ERP test credentials",
    text: "Dan, for FAL-15 we still need sandbox credentials and test orders.",
    attachments: [{ filename: "erp-checklist.pdf", mimeType: "application/pdf" }],
  });
  data.advance(3_600_000);
  data.reply(erp, { from: PEOPLE.dan, to: [PEOPLE.ben], text: "Asking IT, should be this week." });
  data.advance(3_600_000);
  data.send({
    from: { name: "Acme News", address: "no-reply@news.acme-corp.example" },
    to: [PEOPLE.ana],
    subject: "Quarterly update",
    text: "Dear partner, here is our news.",
  });
  data.now = RUN_NOW.getTime() - 3_600_000;
  return data;
}

export interface RecordingReporter extends PullReporter {
  waits: Array<Date | null>;
  requestCount: number;
  estimates: number[];
}

export function recordingReporter(): RecordingReporter {
  const reporter: RecordingReporter = {
    waits: [],
    requestCount: 0,
    estimates: [],
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

/** A connector that retries at once and keeps what it would log. */
export function quickGmail(options: GmailPullOptions = {}) {
  const notices: GmailPullNotice[] = [];
  const connector = createGmailConnector({
    retry: { baseDelayMs: 1 },
    notice: (n) => notices.push(n),
    ...options,
  });
  return { connector, notices };
}

export function settingsFor(
  sandbox: GmailSandbox,
  options: { token?: boolean; extra?: Record<string, string> } = {},
): GmailSettings {
  const settings = createGmailConnector().fromEnv(gmailSandboxEnv(sandbox, options));
  if (!settings) throw new Error("the sandbox's environment did not configure Gmail");
  return settings;
}

/** Runs one pull of the mailbox to the end and returns its pages and the cursor to resume from. */
export async function pullAll(
  settings: GmailSettings,
  options: {
    mode?: "backfill" | "sync";
    cursor?: JsonValue;
    since?: Date;
    report?: RecordingReporter;
    connector?: ReturnType<typeof quickGmail>["connector"];
  } = {},
): Promise<{ pages: Page[]; cursor: JsonValue | undefined; report: RecordingReporter }> {
  const report = options.report ?? recordingReporter();
  const pages: Page[] = [];
  const connector = options.connector ?? quickGmail().connector;
  for await (const page of connector.pull({
    settings,
    scope: settings.user,
    mode: options.mode ?? "backfill",
    since: options.since ?? null,
    cursors: options.cursor === undefined ? {} : { [MESSAGES_STREAM]: options.cursor },
    now: RUN_NOW,
    signal: new AbortController().signal,
    report,
  })) {
    pages.push(page);
  }
  return { pages, cursor: pages.at(-1)?.cursor ?? options.cursor, report };
}

export const recordsOf = (pages: Page[]) => pages.flatMap((p) => p.records);
export const idsOf = (pages: Page[]) =>
  recordsOf(pages).map((r) => (r.data as { id?: string } | null)?.id ?? "?");
