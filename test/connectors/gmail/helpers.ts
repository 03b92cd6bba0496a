/**
 * What the Gmail connector's tests share: a small realistic mailbox, a connector that retries without
 * pauses and keeps its notices, and the settings that point it at a sandbox (../kit.ts has the rest).
 */
import { createGmailConnector, type GmailSettings } from "../../../connectors/gmail/index.ts";
import type { GmailPullNotice, GmailPullOptions } from "../../../connectors/gmail/pull.ts";
import {
  GmailDataset,
  type GmailSandbox,
  gmailSandboxEnv,
  type Mailbox,
} from "../../../connectors/sandbox/gmail/index.ts";
import type { LinkContext } from "../../../src/linking/index.ts";
import { settingsFrom } from "../kit.ts";

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
  return settingsFrom(createGmailConnector(), gmailSandboxEnv(sandbox, options));
}
