import {
  chatRecord,
  commentRecord,
  emailRecord,
  type ScriptedChange,
  type ScriptedChat,
  type ScriptedComment,
  type ScriptedEmail,
  type ScriptedTask,
  type ScriptedUser,
  taskRecord,
} from "./scripted-connector.ts";

/** A seeded generator (mulberry32), so a data set is the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface DatasetOptions {
  seed?: number;
  projects?: string[];
  tasksPerProject?: number;
  commentsPerTask?: number;
  chatThreadsPerChannel?: number;
  emailThreads?: number;
}

/** Logs per scope, per source: what the scripted Jira, Slack and Gmail answer. */
export interface Dataset {
  jira: Record<string, ScriptedChange[]>;
  slack: Record<string, ScriptedChange[]>;
  gmail: Record<string, ScriptedChange[]>;
}

const BASE = Date.UTC(2026, 0, 5, 9, 0, 0);
const at = (minutes: number) => new Date(BASE + minutes * 60_000).toISOString();

const TEAM = ["ana", "ben", "chloe", "dev", "emma", "farid"];

/** The same people as each source knows them: one email, different ids. Some Jira users hide their email. */
export const people = {
  jira: (i: number): ScriptedUser => ({
    id: `acc-${i}`,
    name: TEAM[i]!.toUpperCase(),
    email: i % 3 === 2 ? null : `${TEAM[i]}@team.example`,
  }),
  slack: (i: number): ScriptedUser => ({
    id: `U${100 + i}`,
    name: TEAM[i]!,
    email: `${TEAM[i]!.toUpperCase()}@Team.Example`,
  }),
  gmail: (i: number): ScriptedUser => ({
    id: `${TEAM[i]}@team.example`,
    name: null,
    email: `${TEAM[i]}@team.example`,
  }),
  client: { id: "U900", name: "Carla (Client)", email: "carla@customer.test", guest: true } as ScriptedUser,
  bot: { id: "B1", name: "deploybot", email: null, bot: true } as ScriptedUser,
};

/**
 * Tasks with comments (some edited, some deleted, some naming another task), chat threads whose keyless
 * replies sometimes arrive before their root, and email threads likewise, spread over two Jira projects, two
 * Slack channels and one mailbox.
 */
export function generateDataset(options: DatasetOptions = {}): Dataset {
  const random = seededRandom(options.seed ?? 7);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const projects = options.projects ?? ["PROJ", "OPS"];
  const tasksPerProject = options.tasksPerProject ?? 12;
  const commentsPerTask = options.commentsPerTask ?? 4;
  const dataset: Dataset = { jira: {}, slack: {}, gmail: {} };
  const keys: string[] = [];

  let commentId = 1000;
  for (const project of projects) {
    const log: ScriptedChange[] = [];
    for (let n = 1; n <= tasksPerProject; n++) {
      const key = `${project}-${n}`;
      keys.push(key);
      const start = n * 30 + projects.indexOf(project) * 7;
      const task: ScriptedTask = {
        id: `${project.toLowerCase()}-${10_000 + n}`,
        key,
        title: `Task ${n} of ${project}: ${pick(["export invoices", "fix login", "migrate billing", "update docs"])}`,
        status: "To Do",
        category: "todo",
        assignee: n % 4 === 0 ? null : people.jira(Math.floor(random() * TEAM.length)),
        reporter: people.jira(Math.floor(random() * TEAM.length)),
        labels: n % 2 ? ["backend"] : [],
        created: at(start),
        updated: at(start),
      };
      log.push({ record: taskRecord(task) });
      for (let c = 0; c < commentsPerTask; c++) {
        const id = String(commentId++);
        const mention = random() < 0.2 ? ` see ${pick(keys)}` : "";
        const comment: ScriptedComment = {
          id,
          issueKey: key,
          author: people.jira(Math.floor(random() * TEAM.length)),
          body: `Comment ${c} on ${key}.${mention}`,
          created: at(start + c * 3 + 1),
          edited: null,
        };
        log.push({ record: commentRecord(comment) });
        if (random() < 0.1) {
          log.push({
            record: commentRecord({
              ...comment,
              body: `${comment.body} (edited)`,
              edited: at(start + c * 3 + 2),
            }),
          });
        } else if (random() < 0.05) {
          log.push({ deletion: { type: "item", externalId: `comment-${id}`, at: at2(start + c * 3 + 2) } });
        }
      }
      if (random() < 0.5) {
        log.push({
          record: taskRecord({
            ...task,
            status: "In Progress",
            category: "in_progress",
            updated: at(start + 25),
          }),
        });
      }
    }
    dataset.jira[project] = log;
  }

  for (const channel of ["C1", "C2"]) {
    const log: ScriptedChange[] = [];
    for (let t = 0; t < (options.chatThreadsPerChannel ?? 8); t++) {
      const rootTs = `${1_767_600_000 + t * 100}.000100`;
      const start = t * 20 + (channel === "C2" ? 5 : 0);
      const named = random() < 0.75 ? pick(keys) : null;
      const root: ScriptedChat = {
        ts: rootTs,
        threadTs: rootTs,
        channel,
        user: t % 5 === 4 ? people.client : people.slack(Math.floor(random() * TEAM.length)),
        text: named ? `Anyone looking at ${named}?` : "Quick question about the release",
        at: at(start),
        edited: null,
      };
      const replies: ScriptedChat[] = [];
      const count = 1 + Math.floor(random() * 4);
      for (let r = 1; r <= count; r++) {
        replies.push({
          ts: `${1_767_600_000 + t * 100 + r}.000200`,
          threadTs: rootTs,
          channel,
          user: r === count && t % 3 === 0 ? people.bot : people.slack(Math.floor(random() * TEAM.length)),
          text: pick(["on it", "done, please check", "can you share the logs?", "thanks!"]),
          at: at(start + r),
          edited: null,
        });
      }
      const repliesFirst = t % 3 === 1;
      const ordered = repliesFirst ? [...replies, root] : [root, ...replies];
      for (const message of ordered) log.push({ record: chatRecord(message) });
      if (t % 4 === 2) {
        log.push({
          record: chatRecord({ ...replies[0]!, text: `${replies[0]!.text} (edited)`, edited: at(start + 9) }),
        });
      }
      if (t % 7 === 5) {
        log.push({
          deletion: { type: "item", externalId: `${channel}-${replies[replies.length - 1]!.ts}`, at: null },
        });
      }
      log.push({
        record: chatRecord({ ...root, ts: `${rootTs}9`, threadTs: null, text: "unrelated chatter" }),
      });
    }
    dataset.slack[channel] = log;
  }

  const mailbox: ScriptedChange[] = [];
  for (let t = 0; t < (options.emailThreads ?? 6); t++) {
    const named = pick(keys);
    const start = t * 40 + 3;
    const threadId = `thread-${t}`;
    const messages: ScriptedEmail[] = [];
    const count = 2 + Math.floor(random() * 3);
    for (let m = 0; m < count; m++) {
      const messageId = `<m${t}-${m}@mail.example>`;
      const previous = messages.map((x) => x.messageId);
      messages.push({
        id: `msg-${t}-${m}`,
        threadId,
        messageId,
        inReplyTo: m === 0 ? null : previous[previous.length - 1]!,
        references: previous,
        from:
          m % 2 === 0
            ? people.gmail(t % TEAM.length)
            : { ...people.client, id: "carla@customer.test", name: "Carla" },
        subject: m === 0 ? `${named}: questions about the invoices` : "Re: questions about the invoices",
        body: m === 0 ? `About ${named}, a few questions.` : "Thanks, one more thing.",
        date: at(start + m * 5),
      });
    }
    const ordered = t % 2 === 1 ? [...messages.slice(1), messages[0]!] : messages;
    for (const message of ordered) mailbox.push({ record: emailRecord(message) });
  }
  dataset.gmail.me = mailbox;
  return dataset;
}

function at2(minutes: number): Date {
  return new Date(BASE + minutes * 60_000);
}
