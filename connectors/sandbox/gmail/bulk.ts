/**
 * A large mailbox for request-efficiency benchmarks: `messages` emails in threads of one to eight, between
 * the team and a few clients, over a year; a third with an HTML alternative, one in twenty with an attachment.
 * Deterministic.
 */
import { GmailDataset, type Mailbox } from "./dataset.ts";

export interface BulkGmailOptions {
  messages: number;
  seed?: number;
}

const TEXTS = [
  "Could you have a look at this before Friday?",
  "We are still waiting for the test credentials.",
  "Approved from our side, go ahead.",
  "Which environment should we test this on?",
  "Thanks, that works for us.",
  "The client asked about this again yesterday.",
  "Deployed to staging, please check.",
  "Can we move this to next week?",
];

export function buildBulkGmailDataset(options: BulkGmailOptions): { data: GmailDataset; threads: number } {
  let seed = options.seed ?? 20260105;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const owner: Mailbox = { name: "Maya Chen", address: "maya@bulk.threadline.dev" };
  const data = new GmailDataset({ mailbox: owner.address, now: "2025-01-05T08:00:00Z" });
  const people: Mailbox[] = [owner];
  for (let i = 0; i < 20; i++)
    people.push({ name: `Team Member ${i}`, address: `member${i}@bulk.threadline.dev` });
  for (let i = 0; i < 10; i++)
    people.push({ name: `Client ${i}`, address: `client${i}@client${i % 3}.example` });
  const pick = () => people[Math.floor(random() * people.length)]!;
  const step = Math.max(1, Math.floor((365 * 86_400_000) / options.messages));
  let written = 0;
  let threads = 0;
  while (written < options.messages) {
    const size = Math.min(options.messages - written, 1 + Math.floor(random() * random() * 8));
    const n = threads;
    data.advance(step);
    const sender = pick();
    const rich = n % 3 === 0;
    let last = data.send({
      from: sender,
      to: [sender === owner ? pick() : owner],
      subject: `BULK-${(n % 500) + 1}: ${TEXTS[n % TEXTS.length]}`,
      text: `Hi,\n\n${TEXTS[(n + 1) % TEXTS.length]}\n\nBest regards,\n${sender.name}`,
      ...(rich ? { html: `<div dir="ltr">Hi,<br><br>${TEXTS[(n + 1) % TEXTS.length]}</div>` } : {}),
      ...(n % 20 === 0
        ? { attachments: [{ filename: `report-${n}.pdf`, mimeType: "application/pdf" }] }
        : {}),
    });
    for (let k = 1; k < size; k++) {
      data.advance(step);
      const by = pick();
      last = data.reply(last, { from: by, to: [last.from], text: TEXTS[(n + k) % TEXTS.length]! });
    }
    written += size;
    threads++;
  }
  data.advance(60_000);
  return { data, threads };
}
