import { actionPreviewPath } from "../actions/action-links.ts";
import { ACTIONS_OF_KIND } from "../actions/action-types.ts";
import { ACTION_LABELS } from "../actions/plan-actions.ts";
import { FLAG_KINDS, type FlagKind, type SourceId } from "../model/kinds.ts";
import { inDomains } from "../model/person-role.ts";
import { labelOf } from "../model/source-about.ts";
import { toSafeUrl } from "../web/format.ts";
import type {
  Digest,
  DigestEntry,
  DigestFlag,
  DigestInput,
  DigestOptions,
  DigestPerson,
  DigestSummary,
  DigestTask,
  DigestTaskEntry,
  LeadSection,
  SummaryFlag,
  WaitingFor,
} from "./digest-model.ts";
import { toReadableDigest } from "./readable-digest.ts";

const DAY_MS = 86_400_000;

/** Whether an address is in one of the team's domains (or a subdomain of one), as the flag rules judge it. */
export function isTeamEmail(email: string, teamDomains: readonly string[]): boolean {
  return inDomains(email, teamDomains);
}

/** `$THREADLINE_PUBLIC_URL/tasks/<key>`; the key is encoded, as `acme/portal#41` holds a slash and a hash. */
export function toThreadlineUrl(publicUrl: string, taskKey: string): string {
  return `${publicUrl}/tasks/${encodeURIComponent(taskKey)}`;
}

function toWaitingFor(flag: DigestFlag): WaitingFor {
  if (flag.kind === "unanswered_question") return "question";
  if (flag.kind === "missing_approval") return flag.fingerprint.startsWith("pr-") ? "review" : "approval";
  return "action";
}

/** Item ids are `<source>:<external id>`. */
const sourceOfItem = (id: string): SourceId | null => {
  const colon = id.indexOf(":");
  return colon > 0 ? id.slice(0, colon) : null;
};

function toEntry(flag: DigestFlag, task: DigestTask, options: DigestOptions): DigestEntry {
  const link = flag.evidence.find((e) => e.url);
  // Links come from the sources' payloads: only http(s) reaches a digest, never `javascript:` or `data:`.
  const linkUrl = httpLink(link?.url);
  const linkSource = (linkUrl && link && sourceOfItem(link.id)) || task.source;
  return {
    flagId: flag.id,
    kind: flag.kind,
    taskKey: task.key,
    taskTitle: task.title,
    taskStatus: task.status,
    source: task.source,
    reason: flag.reason,
    since: flag.since,
    stuckDays: Math.max(0, Math.floor((options.now.getTime() - flag.since.getTime()) / DAY_MS)),
    threadlineUrl: toThreadlineUrl(options.publicUrl, task.key),
    sourceUrl: linkUrl ?? httpLink(task.url) ?? "",
    linkSource,
    linkSourceLabel: labelOf(options.sources, linkSource),
    owner: flag.owner ?? task.assignee,
    evidence: flag.evidence,
    actions: ACTIONS_OF_KIND[flag.kind].map((action) => ({
      action,
      label: ACTION_LABELS[action],
      url: `${options.publicUrl}${actionPreviewPath(flag.id, action)}`,
    })),
  };
}

/** The link as the source gave it when it is http(s); null for any other scheme or no link. */
const httpLink = (url: string | null | undefined) => (url && toSafeUrl(url) ? url : null);

/** Longest stuck first; ties by task and flag, so a digest reads the same on every run. */
const byLongestStuck = (a: DigestEntry, b: DigestEntry) =>
  a.since.getTime() - b.since.getTime() ||
  a.taskKey.localeCompare(b.taskKey) ||
  a.flagId.localeCompare(b.flagId);

const ownEmailOf = (p: DigestPerson | null) => p?.email?.trim().toLowerCase() || null;

/** A person's section as it is gathered: each task's reasons, by task key. */
type Section = Map<string, { task: DigestTask; reasons: DigestEntry[] }>;

function addTo(section: Section, task: DigestTask, entry: DigestEntry) {
  const found = section.get(task.key);
  if (found) found.reasons.push(entry);
  else section.set(task.key, { task, reasons: [entry] });
}

/** A section's tasks, each once with all its reasons, the task stuck longest first. */
function toTaskEntries(section: Section, options: DigestOptions): DigestTaskEntry[] {
  const entries = [...section.values()].map(({ task, reasons }): DigestTaskEntry => {
    reasons.sort(byLongestStuck);
    const first = reasons[0]!;
    return {
      taskKey: task.key,
      taskTitle: task.title,
      taskStatus: task.status,
      source: task.source,
      threadlineUrl: first.threadlineUrl,
      taskUrl: httpLink(task.url) ?? "",
      taskSourceLabel: labelOf(options.sources, task.source),
      since: first.since,
      stuckDays: first.stuckDays,
      reasons,
    };
  });
  return entries.sort((a, b) => a.since.getTime() - b.since.getTime() || a.taskKey.localeCompare(b.taskKey));
}

export interface ComposedDigests {
  digests: Digest[];
  /** Leads who get nothing, and why (an address outside the team domains). */
  skipped: Array<{ email: string; why: string }>;
}

/**
 * Who gets which digest today. Each team member (an address in the team domains) gets "yours", the tasks with
 * flags they own, and "waiting on you", the tasks with flags whose `waitingOn` names them (questions put to
 * them, reviews and approvals asked of them); a flag that waits on its own owner is only under "waiting on
 * you", and each task shows once per section with all its reasons there. Each lead gets the whole project as
 * well: counts per kind, what changed since their last digest, and the flags nobody in the team gets. Nobody
 * outside the team domains gets anything, and a person with nothing stuck gets nothing unless
 * `sendWhenEmpty`. Pure: everything comes in `input` and `options`.
 */
export function composeDigests(input: DigestInput, options: DigestOptions): ComposedDigests {
  const isTeam = (email: string | null): email is string =>
    email !== null && isTeamEmail(email, options.teamDomains);
  /** Where a person's digest goes: their own address when it is the team's, else the first of theirs that is. */
  const emailOf = (p: DigestPerson | null): string | null => {
    const own = ownEmailOf(p);
    if (!p || isTeam(own)) return own;
    for (const address of p.addresses ?? []) {
      const a = address.trim().toLowerCase();
      if (isTeam(a)) return a;
    }
    return own;
  };
  const people = new Map<string, { name: string; owned: Section; waiting: Section }>();
  const personFor = (email: string, name: string) => {
    let p = people.get(email);
    if (!p) {
      p = { name, owned: new Map(), waiting: new Map() };
      people.set(email, p);
    }
    return p;
  };
  if (options.sendWhenEmpty) {
    for (const p of input.people) {
      const email = emailOf(p);
      if (isTeam(email)) personFor(email, p.name);
    }
  }

  const all: DigestEntry[] = [];
  const unowned: DigestEntry[] = [];
  for (const flag of input.flags) {
    const task = input.tasks.get(flag.taskKey);
    if (!task) continue;
    const entry = toEntry(flag, task, options);
    all.push(entry);
    let reached = false;
    const waitingFor = toWaitingFor(flag);
    const waiting = new Set<string>();
    for (const person of flag.waitingOn) {
      const email = emailOf(person);
      if (!isTeam(email) || waiting.has(email)) continue;
      waiting.add(email);
      addTo(personFor(email, person.name).waiting, task, { ...entry, waitingFor });
      reached = true;
    }
    const owner = entry.owner;
    const ownerEmail = emailOf(owner);
    if (isTeam(ownerEmail)) {
      if (!waiting.has(ownerEmail)) addTo(personFor(ownerEmail, owner!.name).owned, task, entry);
      reached = true;
    }
    // A task nobody is assigned to is the leads' to hand out, whoever the rule asked to act.
    if (!reached || !task.assignee) unowned.push(entry);
  }
  all.sort(byLongestStuck);
  unowned.sort(byLongestStuck);

  const digests = new Map<string, Digest>();
  for (const [email, p] of people) {
    if (p.owned.size + p.waiting.size === 0 && !options.sendWhenEmpty) continue;
    digests.set(email, {
      recipient: { email, name: p.name },
      day: options.day,
      owned: toTaskEntries(p.owned, options),
      waiting: toTaskEntries(p.waiting, options),
      lead: null,
    });
  }

  const skipped: ComposedDigests["skipped"] = [];
  const names = new Map<string, string>();
  for (const p of input.people) {
    const email = emailOf(p);
    if (email) names.set(email, p.name);
  }
  for (const lead of new Set(options.leads.map((l) => l.toLowerCase()))) {
    if (!isTeam(lead)) {
      skipped.push({
        email: lead,
        why: "not in THREADLINE_TEAM_DOMAINS: nobody outside the team gets a digest",
      });
      continue;
    }
    const section = toLeadSection(all, unowned, input, options, lead);
    const quiet = section.total === 0 && section.changes.resolved.length === 0;
    const existing = digests.get(lead);
    if (quiet && !existing && !options.sendWhenEmpty) continue;
    digests.set(lead, {
      recipient: existing?.recipient ?? {
        email: lead,
        name: names.get(lead) ?? people.get(lead)?.name ?? lead.slice(0, lead.indexOf("@")),
      },
      day: options.day,
      owned: existing?.owned ?? [],
      waiting: existing?.waiting ?? [],
      lead: section,
    });
  }
  return {
    digests: [...digests.values()]
      .map((d) => toReadableDigest(d, input, options))
      .sort((a, b) => a.recipient.email.localeCompare(b.recipient.email)),
    skipped,
  };
}

function toLeadSection(
  all: DigestEntry[],
  unowned: DigestEntry[],
  input: DigestInput,
  options: DigestOptions,
  lead: string,
): LeadSection {
  const counts = Object.fromEntries(FLAG_KINDS.map((k) => [k, 0])) as Record<FlagKind, number>;
  for (const e of all) counts[e.kind]++;
  const previous = input.previous.get(lead);
  let changes: LeadSection["changes"];
  if (previous) {
    // What this lead was told last time is the truest "yesterday": flags are first raised when a threshold
    // passes, long after the `since` they carry.
    const before = new Set(previous.flags.map((f) => f.id));
    const now = new Set(all.map((e) => e.flagId));
    const added = all.filter((e) => !before.has(e.flagId));
    changes = {
      since: { day: previous.day },
      added,
      resolved: previous.flags.filter((f) => !now.has(f.id)),
      stillStuck: all.length - added.length,
    };
  } else {
    const added = all.filter((e) => e.since >= options.changesSince);
    changes = {
      since: { at: options.changesSince },
      added,
      resolved: input.resolved.map(({ id, kind, taskKey, title, reason }) => ({
        id,
        kind,
        taskKey,
        title,
        reason,
      })),
      stillStuck: all.length - added.length,
    };
  }
  return { total: all.length, counts, entries: all, unowned, changes };
}

/** What is stored with the claim: the counts, and the flags the digest named (a lead's: the whole project). */
export function toDigestSummary(digest: Digest): DigestSummary {
  const entries = digest.lead?.entries ?? [...digest.owned, ...digest.waiting].flatMap((t) => t.reasons);
  const seen = new Set<string>();
  const flags: SummaryFlag[] = [];
  for (const e of entries) {
    if (seen.has(e.flagId)) continue;
    seen.add(e.flagId);
    flags.push({ id: e.flagId, kind: e.kind, taskKey: e.taskKey, title: e.taskTitle, reason: e.reason });
  }
  return {
    owned: digest.owned.length,
    waiting: digest.waiting.length,
    project: digest.lead?.total ?? null,
    flags,
  };
}
