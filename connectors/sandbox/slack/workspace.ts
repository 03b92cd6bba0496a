/**
 * Ready-made Slack workspaces: a small realistic one (the connector tests'), messages a
 * careless integration or an odd client leaves behind (for the malformed-payload tests), and a large one
 * for the request benchmark. Deterministic: the same options give the same workspace.
 */
import { SlackDataset } from "./dataset.ts";

export interface WorkspaceOptions {
  /** The Jira project the team works in (default FAL) and its site. */
  project?: string;
  jiraSiteUrl?: string;
  /** The GitHub repository (`owner/name`). */
  repo?: string;
  /** The workspace clock at the start (default 2026-02-02T09:00:00Z); the story spans about two days. */
  now?: string;
}

/**
 * A product team and its client talking about their tasks the way people do: Jira keys in passing and as
 * links, GitHub pull request URLs, replies that name no task at all, a question to the client nobody
 * answered, a client guest (`dana`) in the shared channel, approvals as reactions, an integration's bot
 * messages, a channel join, an edited message, a message of blocks only, and a private channel the app was
 * never invited to.
 */
export function buildSlackWorkspace(options: WorkspaceOptions = {}): SlackDataset {
  const key = options.project ?? "FAL";
  const site = (options.jiraSiteUrl ?? "https://acme.atlassian.net").replace(/\/+$/, "");
  const repo = options.repo ?? "acme/portal";
  const browse = (n: number) => `<${site}/browse/${key}-${n}|${key}-${n}>`;
  const pull = (n: number) => `<https://github.com/${repo}/pull/${n}>`;
  const minutes = (n: number) => n * 60_000;

  const data = new SlackDataset({ now: options.now ?? "2026-02-02T09:00:00Z" })
    .addUser("ana", { realName: "Ana Lima", displayName: "ana", email: "ana@acme.dev" })
    .addUser("ben", { realName: "Ben Okafor", displayName: "Ben", email: "ben@acme.dev" })
    .addUser("cleo", { realName: "Cleo Park", displayName: "cleo.p", email: "cleo@acme.dev" })
    .addUser("dana", {
      realName: "Dana Whitfield",
      displayName: "Dana (Client Co)",
      email: "dana@client.example",
      guest: "multi",
      tz: "America/New_York",
    })
    .addUser("deploybot", { realName: "Deploy Bot", displayName: "deploybot", email: null, isBot: true })
    .addChannel("fal-dev", {
      members: ["ana", "ben", "cleo", "deploybot"],
      topic: `${key} sprint work`,
      purpose: "Engineering chatter for the client portal",
    })
    .addChannel("client-acme", { members: ["ana", "ben", "dana"], purpose: "Shared with Client Co" })
    .addChannel("random", { members: ["ana", "ben", "cleo"], isGeneral: true })
    .addChannel("people-ops", { members: ["ana"], isPrivate: true, withoutBot: true });
  data.user("deploybot").botId = "B0DEPLOYBT";

  // #fal-dev
  data.post("fal-dev", {
    by: "ana",
    text: `Kicking off the sprint: ${browse(12)} (SSO login) and ${key}-15 (CSV export) come first. *Please* keep updates in the threads.`,
  });
  data.advance(minutes(20));
  const pr = data.post("fal-dev", { by: "ben", text: `PR for ${key}-12 is up: ${pull(42)}` });
  data.advance(minutes(45));
  data.reply("fal-dev", pr.ts, { by: "cleo", text: "Tested on staging, login works with Okta :tada:" });
  data.advance(minutes(5));
  data.reply("fal-dev", pr.ts, { by: "ana", text: "Great. Can we merge it today?" });
  data.advance(minutes(30));
  const merged = data.reply("fal-dev", pr.ts, { by: "ben", text: "Merged, deploying after lunch" });
  data.react("fal-dev", merged.ts, "white_check_mark", "ana");
  data.react("fal-dev", pr.ts, "+1", "cleo");
  data.advance(minutes(10));
  data.post("fal-dev", {
    text: `Pull request opened: <https://github.com/${repo}/pull/43|${repo}#43 Export CSV for ${key}-15>`,
    bot: { id: "B0GITHUBAP", username: "GitHub" },
    attachments: [
      {
        fallback: `[${repo}] Pull request opened: #43 Export CSV`,
        color: "36a64f",
        title: `#43 Export CSV for ${key}-15`,
        title_link: `https://github.com/${repo}/pull/43`,
      },
    ],
  });
  data.advance(minutes(15));
  const flaky = data.post("fal-dev", {
    by: "cleo",
    text: "Has anyone looked at the flaky checkout test? It failed again on main",
  });
  data.advance(minutes(12));
  data.reply("fal-dev", flaky.ts, { by: "ben", text: "Looks like a timing issue, I'll take it" });
  data.advance(minutes(30));
  const blocked = data.post("fal-dev", {
    by: "ana",
    text: `<@${data.user("ben").id}> is ${key}-15 blocked on the client's sample data?`,
  });
  data.advance(minutes(8));
  data.reply("fal-dev", blocked.ts, {
    by: "ben",
    text: `Yes, still waiting for the CSV sample from <@${data.user("dana").id}>. Nothing we can do until it arrives.`,
  });
  data.advance(minutes(60));
  data.post("fal-dev", {
    by: "cleo",
    subtype: "channel_join",
    text: `<@${data.user("cleo").id}> has joined the channel`,
  });
  data.advance(minutes(90));
  data.post("fal-dev", {
    by: "deploybot",
    text: "",
    blocks: [
      {
        type: "rich_text",
        block_id: "dpl1",
        elements: [
          {
            type: "rich_text_section",
            elements: [
              { type: "text", text: "Deployed " },
              { type: "link", url: `https://github.com/${repo}/pull/42`, text: `${repo}#42` },
              { type: "text", text: " to production for " },
              { type: "user", user_id: data.user("ben").id },
            ],
          },
        ],
      },
    ],
  });

  // #client-acme
  data.advance(minutes(30));
  const sso = data.post("client-acme", {
    by: "dana",
    text: "Hi team, SSO login still fails for our EU users &amp; we have a demo on Thursday. Is there an ETA?",
  });
  data.advance(minutes(25));
  data.reply("client-acme", sso.ts, {
    by: "ana",
    text: `Thanks Dana, <@${data.user("ben").id}> is on it (${key}-12). We expect the fix on staging today.`,
  });
  data.advance(minutes(10));
  data.reply("client-acme", sso.ts, { by: "dana", text: "Great, please keep us posted" });
  data.advance(minutes(120));
  data.reply("client-acme", sso.ts, {
    by: "dana",
    text: `Also: could you send the export format for ${key}-15 before Friday?`,
    broadcast: true,
  });
  data.advance(minutes(40));
  data.post("client-acme", {
    by: "dana",
    text: "Could you confirm the staging URL works with our test accounts?",
  });
  data.advance(minutes(15));
  const down = data.post("client-acme", {
    by: "ben",
    text: "<!here> staging will be down for 10 minutes at 14:00 CET",
  });
  data.advance(minutes(3));
  data.edit("client-acme", down.ts, "<!here> staging will be down for 10 minutes at 15:00 CET (moved)", {
    by: "ben",
  });

  // #random
  data.advance(minutes(20));
  const lunch = data.post("random", { by: "ana", text: "Lunch at 12:30? :pizza:" });
  data.react("random", lunch.ts, "+1", "ben");
  data.react("random", lunch.ts, "+1", "cleo");

  // #people-ops: the app is not a member; nothing here is ever read.
  data.post("people-ops", { by: "ana", text: "Salary review notes" });
  return data;
}

/**
 * Messages a real workspace holds that Threadline must step over without losing the others: one with a
 * block type nobody documented (its text is still read), one with no `user` nor `bot_id`, one of a subtype
 * Threadline does not read, and one without a `ts` at all. Returns the ts of the readable ones.
 */
export function addMalformedMessages(
  data: SlackDataset,
  channel: string,
  by: string,
): { unknownBlock: string } {
  data.advance(60_000);
  const unknownBlock = data.post(channel, {
    by,
    text: "Status board updated for the release",
    blocks: [
      { type: "rich_text", block_id: "a1", elements: [] },
      { type: "mystery_widget", block_id: "zz9", payload: { anything: [1, 2, 3] } },
    ],
  });
  data.advance(60_000);
  data.post(channel, { by, text: "A message whose author went missing", omit: ["user"] });
  data.advance(60_000);
  data.post(channel, { by, subtype: "poll_vote", text: "voted for option 2" });
  data.advance(60_000);
  data.post(channel, { by, text: "no ts here", omit: ["ts"] });
  return { unknownBlock: unknownBlock.ts };
}

export interface BulkOptions {
  /** Messages in all, thread replies included. */
  messages: number;
  channels?: number;
  /** Every n-th top-level message starts a thread (default 10). */
  threadEvery?: number;
  /** One thread with this many replies (more than a replies page) in the first channel (default 1,500). */
  longThread?: number;
  /** The time the messages span, ending at `end` (default one year up to 2026-02-01). */
  spanDays?: number;
  end?: string;
}

/**
 * A large workspace for request benchmarks: `messages` messages over `channels` channels and a year, a
 * thread (1 to 9 replies) on every `threadEvery`-th top-level message, and one very long thread.
 */
export function buildBulkSlackDataset(options: BulkOptions): SlackDataset {
  const channels = options.channels ?? 10;
  const threadEvery = options.threadEvery ?? 10;
  const spanMs = (options.spanDays ?? 365) * 86_400_000;
  const end = Date.parse(options.end ?? "2026-02-01T00:00:00Z");
  const data = new SlackDataset({ now: new Date(end - spanMs).toISOString() });
  const people: string[] = [];
  for (let i = 0; i < 30; i++) {
    const key = `member${i + 1}`;
    data.addUser(key, { realName: `Member ${i + 1}`, email: `${key}@acme.dev` });
    people.push(key);
  }
  data.addUser("guest1", { realName: "Client Guest", email: "guest1@client.example", guest: "multi" });
  people.push("guest1");
  for (let c = 0; c < channels; c++) data.addChannel(`bulk-${c + 1}`, { members: people });

  // Roughly how many top-level messages there will be, to spread them over the span.
  const perTop = 1 + 5 / threadEvery;
  const tops = Math.max(1, Math.round((options.messages - (options.longThread ?? 1500)) / perTop));
  const step = Math.max(1, Math.floor(spanMs / (tops + 1)));
  let total = 0;
  let longLeft = Math.min(options.longThread ?? 1500, Math.max(0, options.messages - 1));
  for (let i = 0; total < options.messages; i++) {
    data.advance(step);
    const channel = `bulk-${(i % channels) + 1}`;
    const author = people[i % people.length]!;
    const parent = data.post(channel, {
      by: author,
      text: i % 4 === 0 ? `Update on FAL-${(i % 300) + 1}: moving forward` : `Message ${i + 1} in ${channel}`,
    });
    total++;
    let replies = 0;
    if (i === 5 && longLeft > 0) replies = longLeft;
    else if (i % threadEvery === 3) replies = 1 + ((i * 7) % 9);
    if (i === 5) longLeft = 0;
    for (let r = 0; r < replies && total < options.messages; r++) {
      data.reply(channel, parent.ts, { by: people[(i + r + 1) % people.length]!, text: `Reply ${r + 1}` });
      total++;
    }
  }
  return data;
}

/**
 * A Slack Connect channel, `globex-connect`, shared with the client's own workspace (Globex, `T0GLOBEXSC`):
 * Gil and Hana are Globex's members, so this workspace's users.list does not have them; users.info gives
 * Globex's team id, and `is_stranger` for Gil. Gil asks about `<key>-12` and nobody answers; Hana's question
 * is answered by Ana. Returns the ts of Gil's question.
 */
export function addSlackConnectChannel(data: SlackDataset, options: { project?: string } = {}): string {
  const key = options.project ?? "FAL";
  const globex = { id: "T0GLOBEXSC", name: "Globex" };
  data
    .addExternalUser("gil", { realName: "Gil Moreau", displayName: "Gil", team: globex, stranger: true })
    .addExternalUser("hana", {
      realName: "Hana Sato",
      displayName: "Hana (Globex)",
      team: globex,
      email: "hana@globex.example",
      tz: "America/New_York",
    })
    .addChannel("globex-connect", { members: ["ana", "ben"], purpose: "Slack Connect with Globex" })
    .join("globex-connect", "gil", "hana");
  data.advance(60_000);
  const asked = data.post("globex-connect", {
    by: "gil",
    text: `Is ${key}-12 going to make it into Thursday's release? We need to tell our customers.`,
  });
  data.advance(5 * 60_000);
  const hana = data.post("globex-connect", { by: "hana", text: "Can someone share the staging URL again?" });
  data.advance(10 * 60_000);
  data.reply("globex-connect", hana.ts, { by: "ana", text: "Sure: https://staging.acme.dev" });
  return asked.ts;
}
