/**
 * A large channel for request-efficiency benchmarks: `messages` messages in all, root posts with a spread
 * of replies (most threads a few, some dozens, and a few past the 1,000 replies a page expands), written by
 * members of the organisation, two B2B guests and someone over external access. Deterministic.
 */
import { TeamsDataset } from "./dataset.ts";

export interface BulkTeamsOptions {
  messages: number;
  /** Members writing in the channel (default 40). */
  members?: number;
  /** Threads with more replies than a page expands (default 2: 1,200 and 2,500 replies). */
  hugeThreads?: number[];
  seed?: number;
}

export const BULK_TEAM = "bulk";
export const BULK_CHANNEL = "bulk-general";

const TEXTS = [
  "Deployed to staging, please have a look.",
  "Can someone review this before lunch?",
  "Blocked on the API credentials again.",
  "Looks good to me.",
  "Which environment is this failing on?",
  "Pushed a fix, see the PR.",
  "The client asked about this yesterday.",
  "Moving this to next sprint.",
];

/** The bulk channel's data set, and what it holds. */
export function buildBulkTeamsDataset(options: BulkTeamsOptions): {
  data: TeamsDataset;
  roots: number;
  repliesPerRoot: number[];
  authors: number;
} {
  let seed = options.seed ?? 20260202;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const data = new TeamsDataset({ now: "2026-01-05T08:00:00Z" });
  const members = options.members ?? 40;
  const people: string[] = [];
  for (let i = 0; i < members; i++) {
    data.addUser(`m${i}`, { displayName: `Member ${i}` });
    people.push(`m${i}`);
  }
  data.addUser("guest1", { displayName: "Client One", mail: "one@client.example", userType: "Guest" });
  data.addUser("guest2", { displayName: "Client Two", mail: "two@client.example", userType: "Guest" });
  data.addUser("fed", {
    displayName: "Partner (external)",
    identityType: "federatedUser",
    userType: null,
    tenantId: "0f0f0f0f-0000-4000-a000-000000000001",
  });
  people.push("guest1", "guest2", "fed");
  data.addTeam(BULK_TEAM, "Bulk team");
  data.addChannel(BULK_TEAM, BULK_CHANNEL, "General");

  const huge = [...(options.hugeThreads ?? [1200, 2500])];
  const repliesPerRoot: number[] = [];
  let total = 0;
  let n = 0;
  const pick = () => people[Math.floor(random() * people.length)]!;
  while (total < options.messages) {
    const left = options.messages - total - 1;
    let replies: number;
    if (huge.length > 0 && n % 997 === 500) replies = huge.shift()!;
    else {
      const r = random();
      replies =
        r < 0.6
          ? Math.floor(random() * 4)
          : r < 0.9
            ? 4 + Math.floor(random() * 7)
            : 11 + Math.floor(random() * 30);
    }
    replies = Math.max(0, Math.min(replies, left));
    data.advance(20_000);
    const text = TEXTS[n % TEXTS.length]!;
    const root = data.post(BULK_CHANNEL, { from: pick(), body: `<p>BULK-${(n % 400) + 1}: ${text}</p>` });
    for (let k = 0; k < replies; k++) {
      data.advance(1_000);
      data.reply(root.id, { from: pick(), body: `<p>${TEXTS[(n + k) % TEXTS.length]}</p>` });
    }
    repliesPerRoot.push(replies);
    total += 1 + replies;
    n++;
  }
  data.advance(60_000);
  return { data, roots: repliesPerRoot.length, repliesPerRoot, authors: people.length };
}
