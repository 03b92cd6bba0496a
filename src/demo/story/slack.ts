/**
 * The Slack side of the demo workspace: the team's channel for the Acme portal, the channel shared with Acme
 * (Dan as a multi-channel guest, Kim from Acme marketing as a single-channel guest) and #random, over the same
 * six weeks and with the same people as the Jira demo (`JIRA_DEMO_PEOPLE`). Messages name tasks the way people
 * do: a key in passing, a Jira link, a pull request link or `acme/portal#57`, and thread replies that never
 * repeat it. A client's feedback nobody put on the ticket, a client's question nobody answered, a GitHub
 * app's and a deploy bot's messages, an edit and a reaction sit among them.
 */

import type { PostOptions } from "../../../connectors/sandbox/slack/dataset.ts";
import { SlackDataset } from "../../../connectors/sandbox/slack/dataset.ts";
import { trimTrailing } from "../../model/trim-text.ts";
import { JIRA_DEMO_PEOPLE, JIRA_DEMO_PROJECT } from "./jira.ts";

export const SLACK_DEMO_CHANNELS = { team: "acme-portal", client: "acme-shared", random: "random" } as const;

export interface SlackDemoOptions {
  now?: Date;
  /** The Jira site the demo's links point at (the Jira sandbox's address in the demo workspace). */
  jiraSiteUrl?: string;
  /** The GitHub web root pull request links point at, and the repository. */
  githubWebUrl?: string;
  repo?: string;
}

type Person = "maya" | "tom" | "lena" | "raj" | "sofia" | "dan" | "kim" | "deploybot";
type Channel = keyof typeof SLACK_DEMO_CHANNELS;

interface Message {
  by: Person | "github";
  text: string;
  /** Hours after the thread's parent (replies only). */
  after?: number;
  reactions?: Array<{ name: string; by: Person[] }>;
  blocks?: PostOptions["blocks"];
  attachments?: PostOptions["attachments"];
}

interface Thread extends Message {
  channel: Channel;
  daysAgo: number;
  replies?: Message[];
}

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** The demo's Slack workspace, its last messages before `now`. */
export function buildSlackDemoDataset(options: SlackDemoOptions = {}): SlackDataset {
  const now = (options.now ?? new Date()).getTime();
  const site = trimTrailing(options.jiraSiteUrl ?? "https://acme-portal.atlassian.net", "/");
  const web = trimTrailing(options.githubWebUrl ?? "https://github.com", "/");
  const repo = options.repo ?? "acme/portal";
  const key = (n: number) => `${JIRA_DEMO_PROJECT}-${n}`;
  const browse = (n: number) => `<${site}/browse/${key(n)}|${key(n)}>`;
  const pull = (n: number) => `<${web}/${repo}/pull/${n}>`;

  const data = new SlackDataset({ now: new Date(now - 45 * DAY).toISOString() });
  for (const id of ["maya", "tom", "lena", "raj", "sofia"] as const) {
    const person = JIRA_DEMO_PEOPLE[id];
    data.addUser(id, { realName: person.displayName, email: person.email, tz: "Europe/Amsterdam" });
  }
  data.addUser("dan", {
    realName: "Dan Miller",
    displayName: "Dan (Acme)",
    email: JIRA_DEMO_PEOPLE.dan.email,
    guest: "multi",
    tz: "America/Chicago",
  });
  data.addUser("kim", {
    realName: "Kim Lee",
    displayName: "Kim (Acme marketing)",
    email: "kim.lee@acme-corp.example",
    guest: "single",
    tz: "America/Chicago",
  });
  data.addUser("deploybot", { realName: "Deploy Bot", displayName: "deploybot", email: null, isBot: true });
  data.user("deploybot").botId = "B0DEPLOYBT";
  const team = ["maya", "tom", "lena", "raj", "sofia"];
  data
    .addChannel(SLACK_DEMO_CHANNELS.team, {
      members: [...team, "deploybot"],
      topic: "Acme customer portal: sprint work",
      purpose: "The team's channel for the Acme portal",
    })
    .addChannel(SLACK_DEMO_CHANNELS.client, {
      members: [...team, "dan", "kim"],
      purpose: "Shared with Acme Corp",
    })
    .addChannel(SLACK_DEMO_CHANNELS.random, { members: team, isGeneral: true });
  const mention = (who: Person) => `<@${data.user(who).id}>`;

  const threads: Thread[] = [
    {
      channel: "team",
      by: "maya",
      daysAgo: 27,
      text: `Sprint 4 priorities: ${browse(1)} (SSO), ${key(3)} (ERP connection) and ${key(7)} (CSV export). *Please* keep updates in the threads.`,
      replies: [
        { by: "tom", text: "I'll stay on SSO until it's through.", after: 1 },
        { by: "raj", text: "I'll take the CSV export.", after: 2 },
      ],
    },
    {
      channel: "team",
      by: "deploybot",
      daysAgo: 26,
      text: `Deployed ${repo}#41 (${key(2)}, order history index) to production.`,
    },
    {
      channel: "team",
      by: "github",
      daysAgo: 21,
      text: `Pull request merged: <${web}/${repo}/pull/44|${repo}#44 Export orders as CSV (${key(7)})>`,
      attachments: [
        {
          fallback: `[${repo}] Pull request merged: #44 Export orders as CSV`,
          color: "6f42c1",
          title: `#44 Export orders as CSV (${key(7)})`,
          title_link: `${web}/${repo}/pull/44`,
        },
      ],
    },
    {
      channel: "team",
      by: "raj",
      daysAgo: 21,
      text: `CSV export is merged and on staging: ${pull(44)}`,
      replies: [
        { by: "sofia", text: "Does the production deploy go out with the 2.3 release?", after: 1 },
        { by: "raj", text: "Yes, it ships with 2.3.", after: 2 },
      ],
    },
    {
      channel: "team",
      by: "raj",
      daysAgo: 17,
      text: `Picking up ${browse(9)} (rate limit for the public quote API) today.`,
      replies: [
        { by: "lena", text: "Partners share IPs behind their proxies, keep that in mind.", after: 2 },
      ],
    },
    {
      channel: "client",
      by: "dan",
      daysAgo: 12,
      text: `Any update on the blurry logo (${key(11)})? Our agency says they sent the SVG last week.`,
      replies: [
        {
          by: "sofia",
          text: "Thanks Dan, it hasn't reached us. Could you forward it to sofia@demo.threadline.dev?",
          after: 3,
        },
        { by: "dan", text: "Done, just sent it.", after: 5 },
      ],
    },
    {
      channel: "team",
      by: "lena",
      daysAgo: 8,
      text: `The nightly backup failed again, see ${browse(12)}. Who owns this?`,
      replies: [{ by: "maya", text: "Nobody yet, I'll bring it up at standup.", after: 2 }],
    },
    {
      channel: "client",
      by: "dan",
      daysAgo: 6,
      text: `Our finance team tried the CSV export on staging (${key(7)}): amounts use a dot as the decimal separator, but Excel in the Netherlands expects a comma. Please switch it for Dutch users before the release.`,
      replies: [
        { by: "kim", text: "Same for the marketing exports, we fix them by hand every week.", after: 4 },
        {
          by: "maya",
          text: `Good catch, thanks both. ${mention("raj")} can you look at this one?`,
          after: 20,
        },
      ],
    },
    {
      channel: "team",
      by: "tom",
      daysAgo: 4,
      text: `${mention("maya")} do we have a decision on the VAT number for ${key(4)}? Finance at Acme is asking Dan.`,
      replies: [{ by: "maya", text: "Still waiting for Dan's answer in Teams, I'll chase him.", after: 3 }],
    },
    {
      channel: "client",
      by: "dan",
      daysAgo: 3,
      text: `Question on ${key(9)}: will the new rate limit also apply to our internal quote tool? It makes about 50 calls a minute.`,
    },
    {
      channel: "team",
      by: "raj",
      daysAgo: 2,
      text: `Rate limit for the quote API is up for review: ${repo}#57. ${mention("tom")} could you take a look?`,
      replies: [{ by: "tom", text: "On it tomorrow morning.", after: 1 }],
    },
    {
      channel: "team",
      by: "deploybot",
      daysAgo: 1,
      text: "",
      blocks: [
        {
          type: "rich_text",
          block_id: "dpl52",
          elements: [
            {
              type: "rich_text_section",
              elements: [
                { type: "text", text: "Deployed " },
                { type: "link", url: `${web}/${repo}/pull/52`, text: `${repo}#52` },
                { type: "text", text: " to production" },
              ],
            },
          ],
        },
      ],
      reactions: [{ name: "tada", by: ["sofia", "maya"] }],
    },
    {
      channel: "random",
      by: "lena",
      daysAgo: 1,
      text: "Cake in the kitchen for Raj's birthday :cake:",
      reactions: [{ name: "+1", by: ["raj", "tom"] }],
    },
  ];

  const events: Array<{ at: number; run: () => void }> = [];
  const post = (channel: string, m: Message, parentTs?: string) => {
    const options: PostOptions = {
      text: m.text,
      ...(m.by === "github"
        ? { bot: { id: "B0GITHUBAP", username: "GitHub" } }
        : { by: m.by, reactions: (m.reactions ?? []).map((r) => ({ name: r.name, by: r.by })) }),
      ...(m.blocks ? { blocks: m.blocks } : {}),
      ...(m.attachments ? { attachments: m.attachments } : {}),
    };
    return parentTs ? data.reply(channel, parentTs, options) : data.post(channel, options);
  };
  threads.forEach((thread, index) => {
    const channel = SLACK_DEMO_CHANNELS[thread.channel];
    const postedAt = now - thread.daysAgo * DAY - (4 - (index % 4)) * HOUR;
    let parentTs = "";
    events.push({
      at: postedAt,
      run: () => {
        parentTs = post(channel, thread).ts;
      },
    });
    for (const reply of thread.replies ?? []) {
      events.push({
        at: Math.min(postedAt + (reply.after ?? 1) * HOUR, now - HOUR),
        run: () => void post(channel, reply, parentTs),
      });
    }
  });
  // The staging notice gets its time corrected a few minutes later.
  events.push({
    at: now - 10 * DAY,
    run: () => {
      const notice = data.post(SLACK_DEMO_CHANNELS.client, {
        by: "tom",
        text: "<!here> staging will be down for 10 minutes at 14:00 CET",
      });
      data.advance(3 * 60_000);
      data.edit(
        SLACK_DEMO_CHANNELS.client,
        notice.ts,
        "<!here> staging will be down for 10 minutes at 15:00 CET (moved)",
        { by: "tom" },
      );
    },
  });
  for (const event of events.sort((a, b) => a.at - b.at)) {
    if (event.at > data.now) data.now = event.at;
    event.run();
  }
  data.now = Math.max(data.now, now);
  return data;
}
