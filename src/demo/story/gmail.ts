/**
 * The Gmail side of the demo workspace: Maya's mailbox (the team lead) over the same six weeks and with the
 * same people as the Jira demo (`JIRA_DEMO_PEOPLE`), plus Acme's IT and finance contacts. Client threads name
 * tasks the way people do: a Jira key in the subject or in passing, a pull request link, and replies that
 * never repeat it. Dan approves the 2.3 release notes, asks questions nobody answered, sends feedback after
 * the work was closed; the ERP thread waits for test credentials. Replies come from Gmail and from Outlook
 * (quoted history in both styles), one in Latin-1 quoted-printable, one with an attachment; a GitHub
 * notification and a newsletter sit among them.
 */

import {
  GmailDataset,
  type Mailbox,
  type MessageSpec,
  type StoredMessage,
} from "../../../connectors/sandbox/gmail/dataset.ts";
import { JIRA_DEMO_PEOPLE, JIRA_DEMO_PROJECT } from "./jira.ts";

const DAY = 86_400_000;
const HOUR = 3_600_000;

const person = (id: keyof typeof JIRA_DEMO_PEOPLE): Mailbox => {
  const p = JIRA_DEMO_PEOPLE[id];
  return { name: p.displayName, address: p.email ?? `${id}@invalid` };
};

export const GMAIL_DEMO_PEOPLE = {
  maya: person("maya"),
  tom: person("tom"),
  lena: person("lena"),
  raj: person("raj"),
  sofia: person("sofia"),
  dan: { name: "Dan Miller", address: JIRA_DEMO_PEOPLE.dan.email },
  priya: { name: "Priya Nair", address: "priya.nair@acme-corp.example" },
  zoe: { name: "Zoë Lefèvre", address: "zoe.lefevre@acme-corp.example" },
  github: { name: "GitHub", address: "notifications@github.com" },
  newsletter: { name: "Acme Corp News", address: "no-reply@news.acme-corp.example" },
} as const satisfies Record<string, Mailbox>;

/** The mailbox the demo reads. */
export const GMAIL_DEMO_MAILBOX = GMAIL_DEMO_PEOPLE.maya.address;

type Who = keyof typeof GMAIL_DEMO_PEOPLE;
const P = GMAIL_DEMO_PEOPLE;
const key = (n: number) => `${JIRA_DEMO_PROJECT}-${n}`;

interface Step {
  daysAgo: number;
  hour?: number;
  by: Who;
  to: Who[];
  cc?: Who[];
  text: string;
  subject?: string;
  extra?: Partial<MessageSpec>;
}

/** Each thread: its first message, then the replies in order (each answering the one before). */
const THREADS: Step[][] = [
  [
    {
      daysAgo: 40,
      by: "dan",
      to: ["maya", "tom"],
      subject: "SSO login broken for our staff",
      text: "Hi Maya, Tom,\n\nSince this morning our staff get a 500 error right after the Okta login. Customers are fine.\nCan you look into it urgently?\n\nThanks,\nDan",
    },
    {
      daysAgo: 39,
      by: "tom",
      to: ["dan"],
      cc: ["maya"],
      text: `Hi Dan,\n\nWe're on it, tracking it as ${key(1)}. The SAML assertion from your Okta has no email attribute.\nCould you send us the attribute statements of the portal's Okta app?\n\nTom`,
    },
    {
      daysAgo: 36,
      hour: 16,
      by: "dan",
      to: ["tom"],
      cc: ["maya", "priya"],
      text: "Tom, adding Priya from our IT team, she owns Okta.\n\nDan",
      extra: { quoteStyle: "outlook" },
    },
    {
      daysAgo: 35,
      by: "priya",
      to: ["tom"],
      cc: ["dan", "maya"],
      text: "Hi Tom,\n\nI added the email attribute to the app this morning. Can you retry?\n\nKind regards,\nPriya Nair\nAcme Corp IT\n+1 555 0100",
      extra: {
        html: '<div dir="ltr">Hi Tom,<br><br>I added the email attribute to the app this morning. Can you retry?<br><br>Kind regards,<br>Priya Nair<br>Acme Corp IT<br>+1 555 0100</div>',
      },
    },
  ],
  [
    {
      daysAgo: 31,
      by: "tom",
      to: ["dan"],
      cc: ["maya"],
      subject: `ERP API credentials for the order sync (${key(3)})`,
      text: "Hi Dan,\n\nTo connect the portal to your ERP we need API credentials for a test tenant and a few test orders.\nWho on your side can set these up?\n\nBest,\nTom",
    },
    {
      daysAgo: 30,
      by: "dan",
      to: ["tom"],
      cc: ["maya"],
      text: "I've asked IT, they said this week.\n\nDan",
      extra: { quoteStyle: "outlook" },
    },
    {
      daysAgo: 12,
      by: "tom",
      to: ["dan"],
      cc: ["maya", "priya"],
      text: "Hi Dan,\n\nAny news on the test credentials? We're still waiting for them and the order sync is blocked until then.\n\nTom",
    },
  ],
  [
    {
      daysAgo: 9,
      by: "dan",
      to: ["maya"],
      subject: "Invoice PDF shows the wrong VAT number",
      text: `Maya,\n\nThe invoices for our Dutch entity show the group's VAT number. This is ${key(4)} in your board I think.\nOur accountants need this fixed before month end.\n\nDan`,
    },
    {
      daysAgo: 8,
      by: "maya",
      to: ["dan"],
      cc: ["zoe"],
      text: "Hi Dan,\n\nWhich VAT number should appear for the Dutch entity: the NL one or the group's with a note?\n\nMaya",
    },
    {
      daysAgo: 2,
      by: "zoe",
      to: ["maya"],
      cc: ["dan"],
      text: "Bonjour Maya,\n\nPlease use NL859123456B01 for Acme Benelux B.V. and keep the group's number in the footer. Merci !\n\nZoë Lefèvre\nComptabilité, Acme Corp",
      extra: { charset: "ISO-8859-1", quotedPrintable: true },
    },
  ],
  [
    {
      daysAgo: 5,
      by: "maya",
      to: ["dan"],
      cc: ["sofia"],
      subject: `Release 2.3 notes for your approval (${key(6)})`,
      text: "Hi Dan,\n\nAttached are the release notes for 2.3 (CSV export, Dutch translations, faster order history).\nCould you approve them so we can schedule the release for Thursday?\n\nThanks,\nMaya",
      extra: {
        attachments: [{ filename: "Release notes 2.3.pdf", mimeType: "application/pdf", size: 48_213 }],
      },
    },
    {
      daysAgo: 4,
      by: "dan",
      to: ["maya"],
      cc: ["sofia"],
      text: "Approved, go ahead with Thursday. Nice work on the CSV export!\n\nDan\n\nSent from my iPhone",
    },
  ],
  [
    {
      daysAgo: 18,
      by: "dan",
      to: ["raj"],
      cc: ["maya"],
      subject: "Feedback on the CSV export",
      text: `Hi Raj,\n\nOur sales team tried the CSV export (${key(7)}): it needs the customer reference column, otherwise they can't match orders in Excel.\nAlso, can the dates be in DD-MM-YYYY?\n\nDan`,
    },
  ],
  [
    {
      daysAgo: 14,
      by: "sofia",
      to: ["dan"],
      subject: `SVG logo for the portal (${key(11)})`,
      text: "Hi Dan,\n\nThe logo looks blurry on retina screens. Could your agency send us the SVG version?\n\nThanks,\nSofia",
    },
    {
      daysAgo: 13,
      by: "dan",
      to: ["sofia"],
      text: "I've asked the agency, they're slow but I'll chase them.\n\n--\nDan Miller | Head of Digital | Acme Corp",
    },
  ],
  [
    {
      daysAgo: 4,
      by: "dan",
      to: ["sofia"],
      subject: "Dutch translations",
      text: `Hi Sofia,\n\nHere are the Dutch translations for ${key(13)}, reviewed by our Amsterdam office.\n\nDan`,
      extra: {
        attachments: [
          {
            filename: "portal-nl.xlsx",
            mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
          },
        ],
      },
    },
    {
      daysAgo: 3,
      by: "sofia",
      to: ["dan"],
      text: "Received, thank you! They'll be in the 2.3 release.\n\nSofia",
    },
  ],
  [
    {
      daysAgo: 29,
      hour: 9,
      by: "github",
      to: ["maya"],
      subject: "Re: [acme/portal] Add index for order history (PR #41)",
      text: "@lena approved this pull request.\n\nhttps://github.com/acme/portal/pull/41#pullrequestreview-1\n\n--\nReply to this email directly or view it on GitHub.",
    },
  ],
  [
    {
      daysAgo: 6,
      by: "newsletter",
      to: ["maya"],
      subject: "Acme Corp quarterly partner update",
      text: "Dear partner,\n\nThis quarter we opened our Amsterdam office and launched the new partner portal.\n\nThe Acme Corp team",
      extra: { html: "<h1>Quarterly partner update</h1><p>This quarter we opened our Amsterdam office.</p>" },
    },
  ],
];

/** The demo's mailbox, its last message before `now`. */
export function buildGmailDemoDataset(now: Date): GmailDataset {
  const end = now.getTime();
  const data = new GmailDataset({ mailbox: GMAIL_DEMO_MAILBOX, now: end - 45 * DAY });
  const steps = THREADS.flatMap((thread, t) =>
    thread.map((step, i) => ({
      step,
      thread: t,
      index: i,
      at: end - step.daysAgo * DAY + ((step.hour ?? 10 + (i % 6)) - 12) * HOUR,
    })),
  ).sort((a, b) => a.at - b.at);
  const last = new Map<number, StoredMessage>();
  for (const { step, thread, at } of steps) {
    data.now = at;
    const spec: MessageSpec = {
      from: P[step.by],
      to: step.to.map((w) => P[w]),
      ...(step.cc ? { cc: step.cc.map((w) => P[w]) } : {}),
      ...(step.subject ? { subject: step.subject } : {}),
      text: step.text,
      ...step.extra,
    };
    const parent = last.get(thread);
    last.set(thread, parent ? data.reply(parent, spec) : data.send(spec));
  }
  data.now = end;
  return data;
}
