/**
 * The Teams side of the demo workspace: the team's channel for the Acme portal and the channel shared with
 * Acme, over the same six weeks and with the same people as the Jira demo (`JIRA_DEMO_PEOPLE`). Threads name
 * tasks the way people do: a Jira key in passing (`ACME-3`), a pull request link, and replies that never
 * repeat the key. Dan from Acme is a B2B guest in the organisation; Priya from Acme IT writes over external
 * access (a federated user of Acme's own tenant). A GitHub app posts cards. One message is edited, one
 * deleted, one system event sits among the posts.
 */

import { type MessagePart, stableGuid, TeamsDataset } from "../../../connectors/sandbox/teams/dataset.ts";
import { trimTrailing } from "../../model/trim-text.ts";
import { JIRA_DEMO_PEOPLE, JIRA_DEMO_PROJECT } from "./jira.ts";

export const TEAMS_DEMO_TEAM = "acme-portal";
export const TEAMS_DEMO_CHANNELS = { team: "portal-dev", client: "acme-shared" } as const;
/** The repository the demo's pull requests live in. */
export const TEAMS_DEMO_REPO = "acme/portal";

const DAY = 86_400_000;
type Person = "maya" | "tom" | "lena" | "raj" | "sofia" | "dan" | "priya";

interface Reply {
  by: Person | { app: string };
  body: string | MessagePart[];
  /** Hours after the post. */
  after: number;
}

interface Thread {
  channel: keyof typeof TEAMS_DEMO_CHANNELS;
  by: Person | { app: string };
  daysAgo: number;
  subject?: string;
  body: string | MessagePart[];
  replies?: Reply[];
  attachments?: Array<Record<string, string | null>>;
}

const key = (n: number) => `${JIRA_DEMO_PROJECT}-${n}`;
/** A pull request's web address under `web`, the GitHub web root (the demo workspace passes its sandbox's). */
const prOf = (web: string) => (n: number) => `${web}/${TEAMS_DEMO_REPO}/pull/${n}`;
const at = (who: Person) => ({ mention: who });

const card = (title: string, text: string) => ({
  id: null,
  contentType: "application/vnd.microsoft.card.adaptive",
  contentUrl: null,
  content: JSON.stringify({
    type: "AdaptiveCard",
    version: "1.4",
    body: [
      { type: "TextBlock", text: title, weight: "bolder" },
      { type: "TextBlock", text, wrap: true },
    ],
  }),
  name: null,
  thumbnailUrl: null,
  teamsAppId: null,
});

const threadsOf = (pr: (n: number) => string): Thread[] => [
  {
    channel: "team",
    by: "tom",
    daysAgo: 38,
    body: `Heads up: ${key(1)} is the Okta SAML problem. The assertion from Acme's Okta has no email attribute, so our mapper throws.`,
    replies: [
      { by: "maya", body: "Is it all staff accounts or only the contractors?", after: 1 },
      { by: "tom", body: "All of them. I'll ask Dan for the Okta app settings.", after: 2 },
      { by: "lena", body: "We could fall back to the NameID while we wait.", after: 5 },
    ],
  },
  {
    channel: "client",
    by: "tom",
    daysAgo: 36,
    subject: "Okta settings for the portal",
    body: [
      "Hi ",
      at("dan"),
      ", could you send us the attribute statements of the portal's Okta app? SSO fails without the email claim.",
    ],
    replies: [
      { by: "dan", body: "Forwarded to our IT team, they own Okta.", after: 20 },
      { by: "priya", body: "Added the email attribute this morning, can you retry?", after: 70 },
      { by: "tom", body: "Works now, thanks Priya!", after: 74 },
    ],
  },
  {
    channel: "team",
    by: "raj",
    daysAgo: 30,
    body: `Index for the order history is in: ${pr(41)} (p95 from 14 s to 300 ms).`,
    replies: [
      { by: "lena", body: "Approved, nice one.", after: 3 },
      { by: { app: "github" }, body: '<attachment id="c1"></attachment>', after: 4 },
    ],
  },
  {
    channel: "client",
    by: "raj",
    daysAgo: 22,
    body: [
      `For the ERP connection (${key(3)}): `,
      at("dan"),
      " do you have sandbox credentials and some test orders for us?",
    ],
    replies: [
      { by: "dan", body: "Asking IT, should be this week.", after: 26 },
      { by: "raj", body: "Any news on the credentials? We're blocked on the order sync.", after: 170 },
    ],
  },
  {
    channel: "team",
    by: "sofia",
    daysAgo: 15,
    body: `Logo on retina still blurry (${key(11)}); waiting for the SVG from Acme's agency.`,
    replies: [{ by: "maya", body: "I'll nudge Dan in the shared channel.", after: 2 }],
  },
  {
    channel: "client",
    by: "dan",
    daysAgo: 9,
    body: `The invoice PDF still shows our German VAT number for the Dutch entity, see ${key(4)}. Finance is asking when this will be fixed.`,
    replies: [
      {
        by: "maya",
        body: ["Thanks ", at("dan"), ", which VAT number should the Dutch entity show: NL or the group's?"],
        after: 3,
      },
    ],
  },
  {
    channel: "team",
    by: "lena",
    daysAgo: 8,
    body: `Node 22 on staging since Monday (${key(10)}), no errors so far. Prod upgrade needs Sofia's go.`,
    replies: [
      { by: "sofia", body: "Let's do it after the 2.3 release.", after: 6 },
      { by: "lena", body: "Fine by me.", after: 7 },
    ],
  },
  {
    channel: "team",
    by: "tom",
    daysAgo: 5,
    subject: "Release 2.3",
    body: [
      `Release notes for 2.3 (${key(6)}) are drafted. `,
      at("sofia"),
      " can you sign off on the wording?",
    ],
    replies: [{ by: "tom", body: "Bumping this, the release is Thursday.", after: 48 }],
  },
  {
    channel: "client",
    by: "dan",
    daysAgo: 3,
    body: "Quick feedback from our sales team: the CSV export should include the customer reference column.",
    replies: [{ by: "sofia", body: ["Noted, ", at("raj"), " is that a quick change?"], after: 2 }],
  },
  {
    channel: "team",
    by: "raj",
    daysAgo: 2,
    body: `Rate limit for the quote API: ${pr(57)}. Per API key for now, per IP later if needed.`,
    replies: [
      { by: "tom", body: "One question on the migration: does it need a reindex?", after: 5 },
      { by: { app: "github" }, body: '<attachment id="c2"></attachment>', after: 6 },
    ],
  },
  {
    channel: "client",
    by: "priya",
    daysAgo: 1,
    body: "ERP sandbox is up. Credentials are in the vault entry Acme-ERP-Sandbox; test orders will follow tomorrow.",
  },
];

const CARDS: Record<string, Array<Record<string, string | null>>> = {
  c1: [
    card(
      `Pull request merged: ${TEAMS_DEMO_REPO}#41`,
      `Add index on orders(account_id, created_at) (${key(2)})`,
    ),
  ],
  c2: [card(`Review requested: ${TEAMS_DEMO_REPO}#57`, `Rate-limit the public quote API (${key(9)})`)],
};

/** The demo's Teams organisation, its last messages before `now`. */
export function buildTeamsDemoDataset(options: { now?: Date; githubWebUrl?: string } = {}): TeamsDataset {
  const pr = prOf(trimTrailing(options.githubWebUrl ?? "https://github.com", "/"));
  const now = (options.now ?? new Date()).getTime();
  const data = new TeamsDataset({
    now: new Date(now - 45 * DAY).toISOString(),
    tenantId: stableGuid("tenant:demo.threadline.dev"),
    domain: "demo.threadline.dev",
  });
  for (const id of ["maya", "tom", "lena", "raj", "sofia"] as const) {
    const person = JIRA_DEMO_PEOPLE[id];
    data.addUser(id, { displayName: person.displayName, mail: person.email });
  }
  data.addUser("dan", {
    displayName: JIRA_DEMO_PEOPLE.dan.displayName,
    mail: JIRA_DEMO_PEOPLE.dan.email,
    userType: "Guest",
  });
  data.addUser("priya", {
    displayName: "Priya Nair (Acme IT)",
    identityType: "federatedUser",
    tenantId: stableGuid("tenant:acme-corp.example"),
    userType: null,
    mail: null,
  });
  data.addApp("github", "GitHub");
  data.addTeam(TEAMS_DEMO_TEAM, "Acme portal");
  data.addChannel(TEAMS_DEMO_TEAM, TEAMS_DEMO_CHANNELS.team, "Portal dev");
  data.addChannel(TEAMS_DEMO_TEAM, TEAMS_DEMO_CHANNELS.client, "Acme shared");

  const events: Array<{ at: number; run: () => void }> = [];
  const roots = new Map<number, string>();
  threadsOf(pr).forEach((thread, index) => {
    const postedAt = now - thread.daysAgo * DAY + (index % 5) * 3_600_000;
    events.push({
      at: postedAt,
      run: () => {
        const root = data.post(TEAMS_DEMO_CHANNELS[thread.channel], {
          from: thread.by,
          body: thread.body,
          ...(thread.subject ? { subject: thread.subject } : {}),
        });
        roots.set(index, root.id);
      },
    });
    for (const reply of thread.replies ?? []) {
      events.push({
        at: postedAt + reply.after * 3_600_000,
        run: () => {
          const cardId =
            typeof reply.body === "string" ? /<attachment id="(c\d)">/.exec(reply.body)?.[1] : undefined;
          data.reply(roots.get(index)!, {
            from: reply.by,
            body: reply.body,
            ...(cardId ? { attachments: CARDS[cardId] } : {}),
          });
        },
      });
    }
  });
  // A member joined: a system event among the posts.
  events.push({ at: now - 20 * DAY, run: () => data.systemEvent(TEAMS_DEMO_CHANNELS.team) });
  // Maya's question to Dan gets a correction; a duplicate post is deleted.
  events.push({
    at: now - 9 * DAY + 5 * 3_600_000,
    run: () => {
      const thread = data.thread(roots.get(5)!);
      const question = thread.replies[0]!;
      data.edit(question.id, [
        "Thanks ",
        { mention: "dan" },
        ", which VAT number should the Dutch entity show: the NL one or the group's German one?",
      ]);
    },
  });
  events.push({
    at: now - 2 * DAY + 7 * 3_600_000,
    run: () => {
      const dup = data.post(TEAMS_DEMO_CHANNELS.team, { from: "raj", body: `Rate limit PR: ${pr(57)}` });
      data.advance(60_000);
      data.delete(dup.id);
    },
  });
  events.push({ at: now - 1 * DAY + 3_600_000, run: () => data.react(roots.get(10)!, "raj", "like") });

  for (const event of events.sort((a, b) => a.at - b.at)) {
    if (event.at > data.now) data.now = event.at;
    event.run();
  }
  data.now = Math.max(data.now, now);
  return data;
}
