/**
 * A compact way to write task snapshots by hand, for the rule tests and the corpus.
 *
 * Times are written as `"Mon 03-10 09:00"` (2025, the weekday is checked so a case cannot silently say Monday
 * and mean Sunday) or `"Mon 2025-02-17 09:00"`. They are read as UTC: the corpus' time zone is Europe/London,
 * which is UTC until the end of March.
 */
import { listSources } from "../../../connectors/registry.ts";
import {
  type FlagSettings,
  type FlagSettingsInput,
  parseFlagSettings,
} from "../../../src/flags/flag-settings.ts";
import type { FlagKind, SourceId, StatusCategory } from "../../../src/model/kinds.ts";
import { type PersonRecord, toSnapshotPerson } from "../../../src/model/person-role.ts";
import {
  type BlockingLink,
  type ItemFacts,
  NO_FACTS,
  type PullRequestFacts,
  type Reaction,
  type ReviewState,
  type SnapshotItem,
  type SnapshotPerson,
  type TaskSnapshot,
} from "../../../src/model/task-snapshot.ts";

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/** `"Mon 03-10 09:00"` or `"Mon 2025-03-10 09:00"` as a Date (UTC); throws on a wrong weekday. */
export function at(text: string): Date {
  const m = /^(\w{3}) (?:(\d{4})-)?(\d{2})-(\d{2})(?: (\d{2}):(\d{2}))?$/.exec(text.trim());
  if (!m) throw new Error(`bad time "${text}": write "Mon 03-10 09:00"`);
  const [, day, year = "2025", month, date, hh = "12", mm = "00"] = m;
  const d = new Date(Date.UTC(+year, +month! - 1, +date!, +hh, +mm));
  if (WEEKDAYS[d.getUTCDay()] !== day) throw new Error(`"${text}" is a ${WEEKDAYS[d.getUTCDay()]}`);
  return d;
}

/** The settings the corpus runs with: a small agency (acme.dev) and its client Brightside. */
export const CORPUS_SETTINGS_INPUT: FlagSettingsInput = {
  timeZone: "Europe/London",
  teamDomains: ["acme.dev"],
  roles: { qa: ["quinn@acme.dev"] },
  approvals: {
    repositories: { "acme/payments": 2 },
    signOffs: [
      { statuses: ["Ready for Release"], from: ["qa"] },
      { statuses: ["Done"], labels: ["client-facing"], from: ["client"] },
    ],
  },
};

export function settingsWith(overrides: FlagSettingsInput = {}): FlagSettings {
  const base = CORPUS_SETTINGS_INPUT as Record<string, unknown>;
  const merged: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(overrides)) {
    const b = base[k];
    merged[k] =
      v && typeof v === "object" && !Array.isArray(v) && b && typeof b === "object" && !Array.isArray(b)
        ? { ...b, ...v }
        : v;
  }
  return parseFlagSettings({ flags: merged }, {}, listSources());
}

export const CORPUS_SETTINGS = settingsWith();

const record = (
  id: string,
  name: string,
  email: string | null,
  sources: SourceId[],
  extra: Partial<PersonRecord> = {},
): PersonRecord => ({
  id,
  name,
  email,
  isBot: false,
  emails: email ? [email] : [],
  sources,
  isGuest: false,
  ...extra,
});

/** The people of the corpus, judged team or not by the same function the loader uses. */
export const RECORDS = {
  anna: record("p_anna", "Anna Kowalski", "anna@acme.dev", ["jira", "github", "slack", "gmail"]),
  ben: record("p_ben", "Ben Okafor", "ben@acme.dev", ["jira", "github", "slack"]),
  quinn: record("p_quinn", "Quinn Lee", "quinn@acme.dev", ["jira", "slack"]),
  maya: record("p_maya", "Maya Patel", "maya@acme.dev", ["jira", "slack", "gmail", "teams"]),
  /** A developer known only by GitHub login: no email, an org account. */
  kofi: record("p_kofi", "kofi-m", null, ["github"]),
  dana: record("p_dana", "Dana Ruiz", "dana@brightside.co", ["gmail", "teams"]),
  raj: record("p_raj", "Raj Mehta", "raj@brightside.co", ["gmail", "slack"], { isGuest: true }),
  /** A freelancer the client brought in: a Slack guest with no email. */
  tom: record("p_tom", "Tom Becker", null, ["slack"], { isGuest: true }),
  lena: record("p_lena", "Lena Vogel", "lena@stripe.com", ["gmail"]),
  /** A German-speaking client and a Spanish-speaking one, each writing in their own language. */
  klaus: record("p_klaus", "Klaus Weber", "klaus@nordwerk.de", ["gmail", "teams"]),
  lucia: record("p_lucia", "Lucía Romero", "lucia@solaris.es", ["gmail", "slack"], { isGuest: true }),
  jiraBot: record("p_jirabot", "Automation for Jira", null, ["jira"]),
  actions: record("p_actions", "github-actions[bot]", null, ["github"]),
  dependabot: record("p_dependabot", "dependabot[bot]", null, ["github"]),
  deployBot: record("p_deploybot", "Deploy Bot", null, ["slack"], { identityIsBot: true }),
};

export type Who = keyof typeof RECORDS;

export const P = Object.fromEntries(
  Object.entries(RECORDS).map(([k, r]) => [k, toSnapshotPerson(r, CORPUS_SETTINGS)]),
) as Record<Who, SnapshotPerson>;

interface ItemOptions {
  id?: string;
  thread?: string;
  source?: SourceId;
  mentions?: Who[];
  to?: Who[];
  /** `{ "+1": ["maya"] }`; GitHub-style counts with `{ "+1": 2 }`. */
  reactions?: Record<string, Who[] | number>;
  automated?: boolean;
  facts?: Partial<ItemFacts>;
}

/** An item before the task gives it a source and an id. */
export interface Draft {
  kind: SnapshotItem["kind"];
  source?: SourceId;
  author: Who | null;
  at: string;
  text: string;
  options: ItemOptions;
}

const draft = (
  kind: SnapshotItem["kind"],
  author: Who | null,
  when: string,
  text: string,
  options: ItemOptions = {},
  source?: SourceId,
): Draft => ({ kind, author, at: when, text, options, source: options.source ?? source });

export const comment = (author: Who, when: string, text: string, o?: ItemOptions) =>
  draft("comment", author, when, text, o);
export const email = (author: Who, when: string, text: string, o?: ItemOptions) =>
  draft("email", author, when, text, o, "gmail");
export const slack = (author: Who, when: string, text: string, o?: ItemOptions) =>
  draft("chat_message", author, when, text, o, "slack");
export const teams = (author: Who, when: string, text: string, o?: ItemOptions) =>
  draft("chat_message", author, when, text, o, "teams");
export const review = (author: Who, when: string, state: ReviewState, text = "", o: ItemOptions = {}) =>
  draft("review", author, when, text, { ...o, facts: { reviewState: state, ...o.facts } }, "github");
export const reviewComment = (author: Who, when: string, text: string, o?: ItemOptions) =>
  draft("review_comment", author, when, text, o, "github");
/** A status change into `to` (its category guessed from the name unless given). */
export const status = (
  author: Who,
  when: string,
  to: string,
  o: ItemOptions & { from?: string; category?: StatusCategory } = {},
) =>
  draft("status_change", author, when, `${o.from ?? "…"} → ${to}`, {
    ...o,
    facts: {
      statusFrom: o.from ?? null,
      statusTo: to,
      statusToCategory: o.category ?? categoryOf(to),
      ...o.facts,
    },
  });
export const deployment = (
  when: string,
  state: string,
  environment: string | null,
  o: ItemOptions & { by?: Who; release?: boolean } = {},
) =>
  draft(
    "deployment",
    o.by ?? "actions",
    when,
    o.release ? `Release ${environment ?? ""}` : `Deployment to ${environment ?? "?"}: ${state}`,
    { ...o, facts: { deploymentState: state, environment, release: o.release ?? false, ...o.facts } },
    "github",
  );
/** A pull request linked to the task (on a Jira task: the PR that implements it). */
export const pullRequest = (
  author: Who,
  when: string,
  title: string,
  o: ItemOptions & { merged?: string; draft?: boolean } = {},
) =>
  draft(
    "pull_request",
    author,
    when,
    title,
    {
      ...o,
      facts: {
        merged: !!o.merged,
        mergedAt: o.merged ? at(o.merged) : null,
        draft: o.draft ?? false,
        ...o.facts,
      },
    },
    "github",
  );

function categoryOf(status: string): StatusCategory {
  const s = status.toLowerCase();
  if (/^(done|closed|resolved|released|merged|won't do)$/.test(s)) return "done";
  if (/^(to ?do|backlog|open|selected for development|new)$/.test(s)) return "todo";
  return "in_progress";
}

export interface TaskOptions {
  key?: string;
  source?: SourceId;
  title?: string;
  status?: string;
  category?: StatusCategory;
  assignee?: Who | null;
  reporter?: Who | null;
  labels?: string[];
  due?: string;
  created?: string;
  resolution?: string;
  blockedBy?: BlockingLink[];
  /** Makes the task a pull request. `merged` is when; `repo` defaults to `acme/web`. */
  pr?: { repo?: string; draft?: boolean; merged?: string; closed?: boolean; reviewers?: Who[] };
  /**
   * When the task itself was last moved on the board: a status change into its status by the assignee. Default
   * `"Mon 03-10 09:00"`; null for none (pull requests have none).
   */
  board?: string | null;
}

let taskCounter = 0;

/** A task snapshot: its items are sorted oldest first and numbered `<kind><n>` unless they have an id. */
export function task(o: TaskOptions, drafts: Draft[] = []): TaskSnapshot {
  const source = o.source ?? (o.pr ? "github" : "jira");
  const key = o.key ?? (o.pr ? `${o.pr.repo ?? "acme/web"}#${++taskCounter}` : `WEB-${++taskCounter}`);
  const statusName = o.status ?? (o.pr ? (o.pr.merged || o.pr.closed ? "closed" : "open") : "In Progress");
  const category =
    o.category ?? (o.pr ? (o.pr.merged || o.pr.closed ? "done" : "in_progress") : categoryOf(statusName));
  const assignee = o.assignee === undefined ? (o.pr ? null : "anna") : o.assignee;
  const reporter = o.reporter === undefined ? (o.pr ? "anna" : "maya") : o.reporter;
  const board = o.board === undefined ? (o.pr ? null : "Mon 03-10 09:00") : o.board;
  const all = board
    ? [status(assignee ?? "maya", board, statusName, { category, id: "board" }), ...drafts]
    : drafts;
  const counters = new Map<string, number>();
  const items: SnapshotItem[] = all.map((d) => {
    const n = (counters.get(d.kind) ?? 0) + 1;
    counters.set(d.kind, n);
    const reactions: Reaction[] = Object.entries(d.options.reactions ?? {}).map(([name, by]) =>
      typeof by === "number"
        ? { name, by: [], count: by }
        : { name, by: by.map((w) => RECORDS[w].id), count: by.length },
    );
    return {
      id: d.options.id ?? `${d.kind}${n}`,
      source: d.source ?? source,
      kind: d.kind,
      at: at(d.at),
      text: d.text,
      threadId: d.options.thread ?? null,
      author: d.author ? P[d.author] : null,
      facts: {
        ...NO_FACTS,
        mentions: (d.options.mentions ?? []).map((w) => P[w]),
        to: (d.options.to ?? []).map((w) => P[w]),
        reactions,
        automated: d.options.automated ?? false,
        ...d.options.facts,
      },
    };
  });
  items.sort((a, b) => a.at.getTime() - b.at.getTime());
  const pullRequest: PullRequestFacts | null = o.pr
    ? {
        repository: o.pr.repo ?? "acme/web",
        draft: o.pr.draft ?? false,
        merged: !!o.pr.merged,
        mergedAt: o.pr.merged ? at(o.pr.merged) : null,
        closedUnmerged: !!o.pr.closed && !o.pr.merged,
        requestedReviewers: (o.pr.reviewers ?? []).map((w) => P[w]),
      }
    : null;
  const created = at(o.created ?? "Mon 03-03 09:00");
  return {
    key,
    source,
    title: o.title ?? "Export invoices to CSV",
    status: statusName,
    statusCategory: category,
    labels: o.labels ?? [],
    assignee: assignee ? P[assignee] : null,
    reporter: reporter ? P[reporter] : null,
    dueAt: o.due ? at(o.due) : null,
    createdAt: created,
    updatedAt: items.at(-1)?.at ?? created,
    resolution: o.resolution ?? null,
    pullRequest,
    blockedBy: o.blockedBy ?? [],
    items,
  };
}

/** A flag a case expects, with what it must say. */
export interface Expected {
  kind: FlagKind;
  evidence?: string;
  waitingOn?: Who[];
  owner?: Who | null;
}

/** One labelled case: the flags the task must raise; every other kind it must not raise (unless ignored). */
export interface CorpusCase {
  name: string;
  /** Default `"Wed 03-12 15:00"`. */
  now?: string;
  settings?: FlagSettingsInput;
  task: TaskSnapshot;
  /**
   * Kinds that must be raised; `{ kind, evidence }` also requires that item among the flag's evidence, and
   * `waitingOn` and `owner` say exactly whom that flag (the one with `evidence`, else the first of its kind)
   * waits on and who owns it.
   */
  raise: Array<FlagKind | Expected>;
  /** Kinds this case says nothing about. */
  ignore?: FlagKind[];
}

export const DEFAULT_NOW = "Wed 03-12 15:00";
