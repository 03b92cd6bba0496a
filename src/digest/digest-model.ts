import type { FlagActionName } from "../actions/action-types.ts";
import type { FlagKind, SourceId } from "../model/kinds.ts";
import type { SourceAbout } from "../model/source-about.ts";

/** A person as the digest knows them. */
export interface DigestPerson {
  id: string;
  name: string;
  email: string | null;
  /**
   * Every address of theirs the sources vouch for (their identities' emails), beside `email`: a person whose
   * own address is a personal one still gets their digest at the team's.
   */
  addresses?: string[];
}

/** A task that has a flag (or had one since the last digest). */
export interface DigestTask {
  key: string;
  title: string;
  status: string;
  source: SourceId;
  /** The task in its source (the Jira issue, the pull request). */
  url: string;
  assignee: DigestPerson | null;
}

/** What a flag waits on its recipient for: an answer, a review, an approval, or anything else. */
export type WaitingFor = "question" | "review" | "approval" | "action";

/** A flag that shows now, with what the digest needs to route and link it. */
export interface DigestFlag {
  id: string;
  kind: FlagKind;
  /** Tells apart a pull request's review (`pr-…`), an approval asked for (`request:…`), a sign-off (`signoff:…`). */
  fingerprint: string;
  taskKey: string;
  since: Date;
  reason: string;
  /** Who answers for the task, as the rule decided (see RaisedFlag.owner). */
  owner: DigestPerson | null;
  /** Who must move now: a requested reviewer, whom a question or approval request was put to; never the asker. */
  waitingOn: DigestPerson[];
  /** The evidence items, in the flag's order, with their links in the source when known. */
  evidence: Array<{ id: string; url: string | null }>;
}

/** A flag that was resolved inside the changes window (for the leads' "what changed"). */
export interface ResolvedFlag {
  id: string;
  kind: FlagKind;
  taskKey: string;
  title: string;
  reason: string;
  resolvedAt: Date;
  /** The items that had raised it. */
  evidence: string[];
}

/** What a lead's digest said last time, as kept in `digests.summary`: the ground for "what changed". */
export interface PreviousDigest {
  day: string;
  flags: SummaryFlag[];
}

export interface SummaryFlag {
  id: string;
  kind: FlagKind;
  taskKey: string;
  title: string;
  reason: string;
}

/** Everything composition reads: plain data, loaded by `loadDigestInput`. */
export interface DigestInput {
  flags: DigestFlag[];
  tasks: ReadonlyMap<string, DigestTask>;
  /** Flags resolved since `changesSince` (used when a lead has no earlier digest to compare with). */
  resolved: ResolvedFlag[];
  /** Team people known to the store: the ones a `sendWhenEmpty` digest goes to. */
  people: DigestPerson[];
  /** Each lead's latest earlier digest, by lower-case email. */
  previous: ReadonlyMap<string, PreviousDigest>;
  /**
   * Who may read each evidence item, where its source says so (its thread's audience, `src/model/audience.ts`);
   * an item absent or null shows to everyone on the team.
   */
  audiences: ReadonlyMap<string, readonly string[] | null>;
  /** The keys naming each person the store knows, by each lower-case address of theirs. */
  readers: ReadonlyMap<string, readonly string[]>;
}

export interface DigestOptions {
  now: Date;
  /** The day the digest is for, `YYYY-MM-DD` in the team's time zone. */
  day: string;
  /** Base of the links to Threadline, without a trailing slash. */
  publicUrl: string;
  /** The registered sources (`listSources()`): what an entry calls the source its link opens. */
  sources: readonly SourceAbout[];
  teamDomains: readonly string[];
  /** Lower-case emails of the leads. */
  leads: readonly string[];
  /** Lower-case emails of the admins (`THREADLINE_ADMINS`): their digests quote every item. */
  admins: readonly string[];
  /** Send a digest that says "nothing is stuck" to every team member rather than nothing. */
  sendWhenEmpty: boolean;
  /** Start of "since yesterday" when a lead has no earlier digest: the previous day's digest time. */
  changesSince: Date;
}

/** One reason a task is stuck: a flag, why, for how long, and where to act on it. */
export interface DigestEntry {
  flagId: string;
  kind: FlagKind;
  taskKey: string;
  taskTitle: string;
  taskStatus: string;
  source: SourceId;
  reason: string;
  since: Date;
  /** Whole days between `since` and now. */
  stuckDays: number;
  /** `$THREADLINE_PUBLIC_URL/tasks/<key>`. */
  threadlineUrl: string;
  /** The most specific link in the source: the first evidence item's, else the task's. */
  /** An http(s) link, or "" when the source gave none that is safe to follow. */
  sourceUrl: string;
  /** The source `sourceUrl` is in (an email's evidence links to Gmail though the task is in Jira). */
  linkSource: SourceId;
  /** That source as its connector names it: `Open in Slack`. */
  linkSourceLabel: string;
  owner: DigestPerson | null;
  /** Set on entries that wait on the recipient. */
  waitingFor?: WaitingFor;
  /** The items that raised the flag, with their links: what a recipient may read of it is judged on them. */
  evidence: Array<{ id: string; url: string | null }>;
  /**
   * The actions that resolve the flag, each a link to its preview in Threadline
   * (`$THREADLINE_PUBLIC_URL/flags/<id>/actions/<action>`): a click only opens the preview, nothing is done.
   */
  actions: DigestAction[];
}

export interface DigestAction {
  action: FlagActionName;
  /** The button's words: `Record on the task`. */
  label: string;
  url: string;
}

/**
 * One task in a person's "Yours" or "Waiting on you": every reason it is stuck there under one heading, so a
 * task with three unanswered questions is one heading with three reasons.
 */
export interface DigestTaskEntry {
  taskKey: string;
  taskTitle: string;
  taskStatus: string;
  source: SourceId;
  /** `$THREADLINE_PUBLIC_URL/tasks/<key>`. */
  threadlineUrl: string;
  /** The task in its source, and that source as its connector names it. */
  /** An http(s) link, or "" when the source gave none that is safe to follow. */
  taskUrl: string;
  taskSourceLabel: string;
  /** The longest-stuck reason's `since`, and the whole days since then. */
  since: Date;
  stuckDays: number;
  /** The task's flags in this section, longest stuck first. */
  reasons: DigestEntry[];
}

export interface LeadSection {
  total: number;
  counts: Record<FlagKind, number>;
  /** Every stuck entry of the project, longest stuck first. */
  entries: DigestEntry[];
  /** Entries no team member gets: no owner, or an owner the digest cannot reach. */
  unowned: DigestEntry[];
  changes: {
    /** What "since" meant: the previous digest's day, or the instant of the fallback window. */
    since: { day: string } | { at: Date };
    added: DigestEntry[];
    resolved: SummaryFlag[];
    stillStuck: number;
  };
}

/** One person's digest for one day. */
export interface Digest {
  recipient: { email: string; name: string };
  day: string;
  /** Tasks with flags the recipient owns (none that wait on them too: those are under `waiting`). */
  owned: DigestTaskEntry[];
  /** Tasks with flags whose `waitingOn` names the recipient. */
  waiting: DigestTaskEntry[];
  /** For leads: the whole project. */
  lead: LeadSection | null;
}

/** What is kept in `digests.summary`: enough for the next day's "what changed" and for people to audit. */
export interface DigestSummary {
  /** Tasks under "Yours" and under "Waiting on you". */
  owned: number;
  waiting: number;
  project: number | null;
  flags: SummaryFlag[];
}
