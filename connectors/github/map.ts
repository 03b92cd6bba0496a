/**
 * GitHub's objects as Threadline's model. Pure: no I/O, no clock, no settings, so `threadline relink` can
 * replay it over stored raw records.
 *
 * Record types (what `pull.ts` and `webhook.ts` store, `context.repo` is always the configured `owner/name`):
 * - `issue`, `pull_request`, `review`, `deployment_status`: GraphQL nodes as `queries.ts` selects them
 *   (a pull request without its `reviews`, which come as `review` records with `context.number`; a status with
 *   its deployment's `deploymentId`, `environment`, `ref`, `sha` and associated `pullRequests` in `context`);
 * - `issue_comment`, `review_comment`: REST objects of the repository-wide comment lists (and webhooks); a review
 *   comment whose thread is resolved has `context.threadResolved` "true";
 * - `rest_issue`, `rest_pull_request`, `rest_review`: REST objects of webhook payloads.
 * The same issue, pull request or review maps to the same records whichever API it came through.
 *
 * Keys: a task is `owner/repo#N`; items are `owner/repo:<kind>:<id>`. People are keyed by GitHub's numeric
 * account id (GraphQL `databaseId`, REST `id`), which survives a renamed login, with the login as `handle`
 * (lower-cased; REST's, with a bot's `[bot]` suffix), which is what mentions and review requests name them by.
 * An account read without a numeric id (an `EnterpriseUserAccount`, or a record stored before ids were read)
 * is keyed by its login: the store joins such an identity to the numeric one with that handle.
 *
 * Addresses: the one `email` is what the account itself says — an organisation verified-domain email, else the
 * public profile email — and `emails` holds the others, with the commit emails GitHub linked to the account.
 * Every record that names an account carries its own addresses, while commit emails come only with pull
 * requests: an `email` taken from them would depend on which record came first. The store joins people by
 * `emails` after each pass.
 * GitHub's `@users.noreply.github.com` addresses reach nobody and are left out.
 */
import type { StatusCategory } from "../../src/model/kinds.ts";
import type { Identity, IdentityRef, ItemMeta, Mapped, MappedItem, MappedTask, RawRecord } from "../types.ts";
import {
  type GqlActor,
  GqlDeploymentStatusSchema,
  GqlIssueSchema,
  GqlPullRequestSchema,
  GqlReviewSchema,
  type GqlUser,
  LabeledSchema,
  RestIssueCommentSchema,
  RestIssueSchema,
  RestPullRequestSchema,
  RestReviewCommentSchema,
  RestReviewSchema,
  type RestUser,
} from "./schemas.ts";

interface Person {
  /** GitHub's numeric account id, when the object said it. */
  id: number | null;
  login: string;
  name: string | null;
  /** Addresses by how GitHub vouches for them. */
  orgEmails: string[];
  commitEmails: string[];
  profileEmail: string | null;
  isBot: boolean;
}

/** The facts of an issue or pull request, from either API. */
interface TaskFacts {
  repo: string;
  number: number;
  title: string;
  body: string;
  state: "open" | "closed";
  stateReason: string | null;
  url: string;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  author: Person | null;
  assignees: Person[];
  labels: string[];
  dueOn: string | null;
  pull: {
    draft: boolean;
    merged: boolean;
    mergedAt: string | null;
    mergedBy: Person | null;
    head: string;
    base: string;
    headSha: string | null;
    mergeCommitSha: string | null;
    requestedReviewers: string[];
    requestedTeams: string[];
  } | null;
}

const SOURCE = "github" as const;

const date = (iso: string) => new Date(iso);
// The numeric id survives a rename. Without one (GraphQL gives an `EnterpriseUserAccount` none, and records
// stored before ids were read lack it) the login is the only name there is.
const keyOf = (p: Person) => (p.id !== null ? String(p.id) : p.login);
const ref = (p: Person | null): IdentityRef | null => (p ? { source: SOURCE, externalId: keyOf(p) } : null);

/**
 * An address that reaches someone: not empty (GraphQL's `email` when private), not GitHub's no-reply address
 * (`ID+login@users.noreply.github.com`, and `users.noreply.<host>` on GitHub Enterprise Server).
 */
export function toAddress(email: string | null | undefined): string | null {
  const e = email?.trim().toLowerCase();
  if (!e?.includes("@") || /@users\.noreply\./.test(e)) return null;
  return e;
}
const addresses = (list: ReadonlyArray<string | null | undefined> | null | undefined) =>
  (list ?? []).flatMap((e) => toAddress(e) ?? []);

/** GraphQL's `Bot.login` lacks the `[bot]` suffix REST and mentions use; put it back so both name one account. */
export function fromGraphqlActor(
  actor: (Partial<GqlUser> & { __typename: string; login: string }) | GqlActor | null | undefined,
): Person | null {
  if (!actor) return null;
  const isBot = actor.__typename === "Bot";
  const login = isBot && !actor.login.endsWith("[bot]") ? `${actor.login}[bot]` : actor.login;
  return {
    id: actor.databaseId ?? null,
    login,
    name: actor.name || null,
    orgEmails: addresses(actor.organizationVerifiedDomainEmails),
    commitEmails: [],
    profileEmail: toAddress(actor.email),
    isBot,
  };
}

const fromGraphqlUser = (user: GqlUser | null | undefined) =>
  user ? fromGraphqlActor({ ...user, __typename: "User" }) : null;

export function fromRestUser(user: RestUser | null | undefined): Person | null {
  if (!user) return null;
  return {
    id: user.id,
    login: user.login,
    name: user.name || null,
    orgEmails: [],
    commitEmails: [],
    profileEmail: toAddress(user.email),
    isBot: user.type === "Bot" || user.login.endsWith("[bot]"),
  };
}

/** One identity per account of `people`, its addresses gathered from every mention of it. */
function identities(people: Array<Person | null>): Identity[] {
  const byKey = new Map<string, Person>();
  for (const p of people) {
    if (!p) continue;
    const prev = byKey.get(keyOf(p));
    byKey.set(
      keyOf(p),
      prev
        ? {
            ...p,
            name: p.name ?? prev.name,
            orgEmails: [...prev.orgEmails, ...p.orgEmails],
            commitEmails: [...prev.commitEmails, ...p.commitEmails],
            profileEmail: p.profileEmail ?? prev.profileEmail,
          }
        : p,
    );
  }
  return [...byKey.values()].map((p) => {
    const own = [...new Set([...p.orgEmails, ...(p.profileEmail ? [p.profileEmail] : [])])];
    const all = [...new Set([...own, ...p.commitEmails])];
    const identity: Identity = {
      source: SOURCE,
      externalId: keyOf(p),
      displayName: p.name,
      email: own[0] ?? null,
      isGuest: false,
      isBot: p.isBot,
    };
    // The login is the key when there is no numeric id: no handle beside it.
    if (p.id !== null) identity.handle = p.login.toLowerCase();
    const further = all.filter((e) => e !== identity.email);
    if (further.length > 0) identity.emails = further;
    return identity;
  });
}

/**
 * A body as GitHub shows it: HTML comments (`<!-- … -->`, templates' hints and the marker of a comment
 * Threadline wrote) are not rendered, so they are not text.
 */
export function withoutHtmlComments(body: string): string {
  return body.includes("<!--") ? body.replace(/<!--[\s\S]*?-->/g, "").trim() : body;
}

/** `@login` mentions, as GitHub links them: not in an email address, not a team (`@org/team`). */
export function toMentions(text: string): string[] {
  const found = new Set<string>();
  const pattern = /(?<![\w`/.@-])@([A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38})(?![\w/-])/g;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) found.add(m[1]!);
  return [...found];
}

const REACTION_NAMES = ["+1", "-1", "laugh", "hooray", "confused", "heart", "rocket", "eyes"] as const;

/** REST's reaction rollup as the model's reactions (counts only: GitHub does not say who, there). */
function toReactions(rollup: Record<string, unknown> | undefined): ItemMeta["reactions"] | undefined {
  if (!rollup) return undefined;
  const list: Array<{ name: string; count: number }> = [];
  for (const name of REACTION_NAMES) {
    const count = rollup[name];
    if (typeof count === "number" && count > 0) list.push({ name, count });
  }
  return list;
}

const IN_PROGRESS_LABEL =
  /^(?:status[:/ ]\s*)?(?:in[ _-]?progress|doing|wip|work in progress|in[ _-]?review|started)$/i;
const PRIORITY_LABEL = /^(?:priority|prio)(?:[ \t]*[:/-][ \t]*|[ \t]+)(\S.*)$/i;

/** Where a GitHub issue or pull request stands: pull requests are work under way until merged or closed. */
export function toStatus(facts: Pick<TaskFacts, "state" | "labels" | "pull">): {
  status: string;
  category: StatusCategory;
} {
  if (facts.pull?.merged) return { status: "merged", category: "done" };
  if (facts.state === "closed") return { status: "closed", category: "done" };
  if (facts.pull)
    return facts.pull.draft
      ? { status: "draft", category: "in_progress" }
      : { status: "open", category: "in_progress" };
  return {
    status: "open",
    category: facts.labels.some((l) => IN_PROGRESS_LABEL.test(l)) ? "in_progress" : "todo",
  };
}

function toPriority(labels: string[]): string | null {
  for (const label of labels) {
    const m = PRIORITY_LABEL.exec(label);
    if (m) return m[1]!.trim();
    if (/^p[0-4]$/i.test(label)) return label.toUpperCase();
  }
  return null;
}

function toTaskModels(f: TaskFacts): Mapped {
  const key = `${f.repo}#${f.number}`;
  const { status, category } = toStatus(f);
  const task: MappedTask = {
    key,
    externalId: key,
    title: f.title,
    status,
    statusCategory: category,
    url: f.url,
    assignee: ref(f.assignees[0] ?? null),
    reporter: ref(f.author),
    labels: f.labels,
    priority: toPriority(f.labels),
    dueAt: f.dueOn ? date(f.dueOn) : null,
    createdAt: date(f.createdAt),
    updatedAt: date(f.updatedAt),
  };
  const base = { parentTaskKey: key, threadId: null, editedAt: null, url: f.url };
  const items: MappedItem[] = [];
  const pull = f.pull;
  if (pull) {
    items.push({
      ...base,
      externalId: `${f.repo}:pull_request:${f.number}`,
      kind: "pull_request",
      author: ref(f.author),
      at: date(f.createdAt),
      text: f.body,
      meta: {
        repo: f.repo,
        number: f.number,
        title: f.title,
        branch: pull.head,
        baseBranch: pull.base,
        state: status,
        draft: pull.draft,
        merged: pull.merged,
        mergedAt: pull.mergedAt,
        requestedReviewers: pull.requestedReviewers,
        requestedTeams: pull.requestedTeams,
        headSha: pull.headSha,
        mergeCommitSha: pull.mergeCommitSha,
        mentions: toMentions(f.body),
      },
    });
    if (pull.merged && pull.mergedAt) {
      items.push({
        ...base,
        externalId: `${f.repo}:merged:${f.number}`,
        kind: "status_change",
        author: ref(pull.mergedBy),
        at: date(pull.mergedAt),
        text: `Merged ${pull.head} into ${pull.base}`,
        meta: {
          repo: f.repo,
          number: f.number,
          title: f.title,
          branch: pull.head,
          statusFrom: "open",
          statusTo: "merged",
          merged: true,
          mergeCommitSha: pull.mergeCommitSha,
        },
      });
    }
  } else {
    items.push({
      ...base,
      externalId: `${f.repo}:issue:${f.number}`,
      kind: "task_created",
      author: ref(f.author),
      at: date(f.createdAt),
      text: f.body,
      meta: { repo: f.repo, number: f.number, title: f.title, mentions: toMentions(f.body) },
    });
  }
  if (f.state === "closed" && f.closedAt && !pull?.merged) {
    const notPlanned = f.stateReason?.toLowerCase() === "not_planned";
    items.push({
      ...base,
      externalId: `${f.repo}:closed:${f.number}:${Date.parse(f.closedAt) / 1000}`,
      kind: "status_change",
      // Neither the issue object nor its pull request says who closed it.
      author: null,
      at: date(f.closedAt),
      text: notPlanned ? "Closed as not planned" : "Closed",
      meta: {
        repo: f.repo,
        number: f.number,
        statusFrom: "open",
        statusTo: "closed",
        stateReason: f.stateReason?.toLowerCase() ?? null,
      },
    });
  }
  const people = [f.author, ...f.assignees, pull?.mergedBy ?? null];
  return { tasks: [task], items, identities: identities(people) };
}

const labelName = (l: string | { name?: string | undefined }) => (typeof l === "string" ? l : (l.name ?? ""));

function contextOf(record: RawRecord, name: string): string {
  const value = record.context?.[name];
  if (!value) throw new Error(`a "${record.type}" record needs context.${name}`);
  return value;
}

const numberIn = (url: string, pattern: RegExp): number => {
  const m = pattern.exec(url);
  if (!m) throw new Error(`cannot read the issue number of ${url}`);
  return Number(m[1]);
};

function mapGraphqlIssue(record: RawRecord): Mapped {
  const n = GqlIssueSchema.parse(record.data);
  return toTaskModels({
    repo: contextOf(record, "repo"),
    number: n.number,
    title: n.title,
    body: n.body ?? "",
    state: n.state === "OPEN" ? "open" : "closed",
    stateReason: n.stateReason ?? null,
    url: n.url,
    createdAt: n.createdAt,
    updatedAt: n.updatedAt,
    closedAt: n.closedAt ?? null,
    author: fromGraphqlActor(n.author),
    assignees: (n.assignees?.nodes ?? []).flatMap((a) => fromGraphqlUser(a) ?? []),
    labels: (n.labels?.nodes ?? []).flatMap((l) => (l ? [l.name] : [])),
    dueOn: n.milestone?.dueOn ?? null,
    pull: null,
  });
}

function mapGraphqlPullRequest(record: RawRecord): Mapped {
  const n = GqlPullRequestSchema.parse(record.data);
  const requested = (n.reviewRequests?.nodes ?? []).flatMap((r) =>
    r?.requestedReviewer ? [r.requestedReviewer] : [],
  );
  const requestedPeople = requested.flatMap((r) =>
    r.login !== undefined ? [fromGraphqlActor({ ...r, login: r.login })!] : [],
  );
  // The git authors of the last commits: an address GitHub linked to an account is one that account verified.
  const committers = (n.commits?.nodes ?? []).flatMap((c) => {
    const author = c?.commit?.author;
    const person = fromGraphqlUser(author?.user);
    if (!person) return [];
    return [{ ...person, commitEmails: addresses([author?.email]) }];
  });
  const author = fromGraphqlActor(n.author);
  const assignees = (n.assignees?.nodes ?? []).flatMap((a) => fromGraphqlUser(a) ?? []);
  const mergedBy = fromGraphqlActor(n.mergedBy);
  const mapped = toTaskModels({
    repo: contextOf(record, "repo"),
    number: n.number,
    title: n.title,
    body: n.body ?? "",
    state: n.state === "OPEN" ? "open" : "closed",
    stateReason: null,
    url: n.url,
    createdAt: n.createdAt,
    updatedAt: n.updatedAt,
    closedAt: n.closedAt ?? null,
    author,
    assignees,
    labels: (n.labels?.nodes ?? []).flatMap((l) => (l ? [l.name] : [])),
    dueOn: n.milestone?.dueOn ?? null,
    pull: {
      draft: n.isDraft,
      merged: n.merged,
      mergedAt: n.mergedAt ?? null,
      mergedBy,
      head: n.headRefName,
      base: n.baseRefName,
      headSha: n.headRefOid ?? null,
      mergeCommitSha: n.merged ? (n.mergeCommit?.oid ?? null) : null,
      requestedReviewers: requestedPeople.map((p) => p.login),
      requestedTeams: requested.flatMap((r) => (r.slug !== undefined ? [r.slug] : [])),
    },
  });
  // One account named twice (author and committer) is one identity with every address.
  mapped.identities = identities([author, ...assignees, mergedBy, ...requestedPeople, ...committers]);
  return mapped;
}

function restTaskFacts(
  repo: string,
  n: {
    number: number;
    title: string;
    body?: string | null | undefined;
    state: "open" | "closed";
    html_url: string;
    created_at: string;
    updated_at: string;
    closed_at?: string | null | undefined;
    user: RestUser | null;
    assignee?: RestUser | null | undefined;
    assignees?: RestUser[] | null | undefined;
    labels: Array<string | { name?: string | undefined }>;
    milestone?: { due_on?: string | null | undefined } | null | undefined;
  },
): Omit<TaskFacts, "pull" | "stateReason"> {
  const assignees = n.assignees?.length ? n.assignees : n.assignee ? [n.assignee] : [];
  return {
    repo,
    number: n.number,
    title: n.title,
    body: n.body ?? "",
    state: n.state,
    url: n.html_url,
    createdAt: n.created_at,
    updatedAt: n.updated_at,
    closedAt: n.closed_at ?? null,
    author: fromRestUser(n.user),
    assignees: assignees.map((a) => fromRestUser(a)!),
    labels: n.labels.map(labelName).filter(Boolean),
    dueOn: n.milestone?.due_on ?? null,
  };
}

/** A REST issue (a webhook's, or a list's). One that is a pull request gives only the task: no branch here. */
function mapRestIssue(record: RawRecord): Mapped {
  const n = RestIssueSchema.parse(record.data);
  const repo = contextOf(record, "repo");
  const facts: TaskFacts = { ...restTaskFacts(repo, n), stateReason: n.state_reason ?? null, pull: null };
  if (!n.pull_request) return toTaskModels(facts);
  const mergedAt = n.pull_request.merged_at ?? null;
  const { status, category } = toStatus({
    state: n.state,
    labels: facts.labels,
    pull: { ...NO_PULL, draft: n.draft ?? false, merged: mergedAt !== null },
  });
  const task = toTaskModels(facts).tasks![0]!;
  return {
    tasks: [{ ...task, status, statusCategory: category }],
    identities: identities([facts.author, ...facts.assignees]),
  };
}

const NO_PULL: NonNullable<TaskFacts["pull"]> = {
  draft: false,
  merged: false,
  mergedAt: null,
  mergedBy: null,
  head: "",
  base: "",
  headSha: null,
  mergeCommitSha: null,
  requestedReviewers: [],
  requestedTeams: [],
};

function mapRestPullRequest(record: RawRecord): Mapped {
  const n = RestPullRequestSchema.parse(record.data);
  const repo = contextOf(record, "repo");
  const merged = n.merged ?? Boolean(n.merged_at);
  const requestedPeople = (n.requested_reviewers ?? []).map((u) => fromRestUser(u)!);
  const mapped = toTaskModels({
    ...restTaskFacts(repo, n),
    stateReason: null,
    pull: {
      draft: n.draft ?? false,
      merged,
      mergedAt: n.merged_at ?? null,
      mergedBy: fromRestUser(n.merged_by),
      head: n.head.ref,
      base: n.base.ref,
      headSha: n.head.sha ?? null,
      mergeCommitSha: merged ? (n.merge_commit_sha ?? null) : null,
      requestedReviewers: requestedPeople.map((p) => p.login),
      requestedTeams: (n.requested_teams ?? []).map((t) => t.slug),
    },
  });
  mapped.identities = [...(mapped.identities ?? []), ...identities(requestedPeople)];
  return mapped;
}

function reviewItem(
  repo: string,
  number: number,
  r: { id: number; state: string; body: string; url: string; submittedAt: string; author: Person | null },
): Mapped {
  // A COMMENTED review without a body is GitHub's wrapper of line comments, which are items of their own.
  if (r.state.toUpperCase() === "COMMENTED" && r.body.trim() === "") return {};
  return {
    items: [
      {
        externalId: `${repo}:review:${r.id}`,
        kind: "review",
        author: ref(r.author),
        at: date(r.submittedAt),
        text: r.body,
        url: r.url,
        threadId: null,
        parentTaskKey: `${repo}#${number}`,
        editedAt: null,
        meta: { repo, number, reviewState: r.state.toLowerCase(), mentions: toMentions(r.body) },
      },
    ],
    identities: identities([r.author]),
  };
}

function mapGraphqlReview(record: RawRecord): Mapped {
  const n = GqlReviewSchema.parse(record.data);
  // A pending review is a draft only its author sees; it counts once submitted.
  if (n.state === "PENDING" || !n.submittedAt) return {};
  return reviewItem(contextOf(record, "repo"), Number(contextOf(record, "number")), {
    id: n.databaseId,
    state: n.state,
    body: n.body ?? "",
    url: n.url,
    submittedAt: n.submittedAt,
    author: fromGraphqlActor(n.author),
  });
}

function mapRestReview(record: RawRecord): Mapped {
  const n = RestReviewSchema.parse(record.data);
  if (n.state.toUpperCase() === "PENDING" || !n.submitted_at) return {};
  return reviewItem(contextOf(record, "repo"), Number(contextOf(record, "number")), {
    id: n.id,
    state: n.state,
    body: n.body ?? "",
    url: n.html_url,
    submittedAt: n.submitted_at,
    author: fromRestUser(n.user),
  });
}

function mapIssueComment(record: RawRecord): Mapped {
  const n = RestIssueCommentSchema.parse(record.data);
  const repo = contextOf(record, "repo");
  const number = numberIn(n.issue_url, /\/issues\/(\d+)$/);
  const author = fromRestUser(n.user);
  const body = withoutHtmlComments(n.body ?? "");
  const meta: ItemMeta = { repo, number, mentions: toMentions(body) };
  const reactions = toReactions(n.reactions);
  if (reactions) meta.reactions = reactions;
  return {
    items: [
      {
        externalId: `${repo}:issue_comment:${n.id}`,
        kind: "comment",
        author: ref(author),
        at: date(n.created_at),
        text: body,
        url: n.html_url,
        threadId: null,
        parentTaskKey: `${repo}#${number}`,
        editedAt: n.updated_at !== n.created_at ? date(n.updated_at) : null,
        meta,
      },
    ],
    identities: identities([author]),
  };
}

function mapReviewComment(record: RawRecord): Mapped {
  const n = RestReviewCommentSchema.parse(record.data);
  const repo = contextOf(record, "repo");
  const number = numberIn(n.pull_request_url, /\/pulls\/(\d+)$/);
  const author = fromRestUser(n.user);
  const meta: ItemMeta = {
    repo,
    number,
    path: n.path,
    line: n.line ?? n.original_line ?? null,
    reviewId: n.pull_request_review_id ?? null,
    mentions: toMentions(n.body),
  };
  // Resolving a thread on GitHub closes its conversation: its questions are answered (`pull.ts`, `webhook.ts`).
  if (record.context?.threadResolved === "true") meta.threadResolved = true;
  const reactions = toReactions(n.reactions);
  if (reactions) meta.reactions = reactions;
  return {
    items: [
      {
        externalId: `${repo}:review_comment:${n.id}`,
        kind: "review_comment",
        author: ref(author),
        at: date(n.created_at),
        text: n.body,
        url: n.html_url,
        // A review thread: the first comment on the line and its replies.
        threadId: `${repo}:review_thread:${n.in_reply_to_id ?? n.id}`,
        parentTaskKey: `${repo}#${number}`,
        editedAt: n.updated_at !== n.created_at ? date(n.updated_at) : null,
        meta,
      },
    ],
    identities: identities([author]),
  };
}

const SHA = /^[0-9a-f]{40}$/i;

function mapDeploymentStatus(record: RawRecord): Mapped {
  const n = GqlDeploymentStatusSchema.parse(record.data);
  const repo = contextOf(record, "repo");
  const deploymentId = contextOf(record, "deploymentId");
  const environment = record.context?.environment || null;
  const refName = record.context?.ref || null;
  const sha = record.context?.sha || null;
  const pullRequests = (record.context?.pullRequests ?? "")
    .split(",")
    .filter(Boolean)
    .map((p) => `${repo}#${p}`);
  const state = n.state.toLowerCase();
  const author = fromGraphqlActor(n.creator);
  const meta: ItemMeta = { repo, deploymentId, deploymentState: state, ref: refName, sha, pullRequests };
  if (environment) meta.environment = environment;
  // A branch deployed names its work (`feature/PROJ-12-login`); a sha names nothing.
  if (refName && !SHA.test(refName)) meta.branch = refName;
  const description = n.description?.trim();
  return {
    items: [
      {
        externalId: `${repo}:deployment_status:${n.id}`,
        kind: "deployment",
        author: ref(author),
        at: date(n.createdAt),
        text: `Deployment to ${environment ?? "an environment"}: ${state.replace(/_/g, " ")}${description ? ` (${description})` : ""}`,
        url: n.logUrl || n.environmentUrl || null,
        threadId: `${repo}:deployment:${deploymentId}`,
        // The pull request whose commit was deployed: what a merged pull request waits for.
        parentTaskKey: pullRequests[0] ?? null,
        editedAt: null,
        meta,
      },
    ],
    identities: identities([author]),
  };
}

/** A label added to an issue or pull request (a webhook's `labeled` action): a status change naming it. */
function mapLabeled(record: RawRecord): Mapped {
  const n = LabeledSchema.parse(record.data);
  const repo = contextOf(record, "repo");
  const author = fromRestUser(n.sender);
  return {
    items: [
      {
        externalId: `${repo}:labeled:${n.number}:${n.label.name}:${Date.parse(n.at) / 1000}`,
        kind: "status_change",
        author: ref(author),
        at: date(n.at),
        text: `Labelled ${n.label.name}`,
        url: n.url ?? null,
        threadId: null,
        parentTaskKey: `${repo}#${n.number}`,
        editedAt: null,
        meta: { repo, number: n.number, labelsAdded: [n.label.name] },
      },
    ],
    identities: identities([author]),
  };
}

const MAPPERS: Record<string, (record: RawRecord) => Mapped> = {
  labeled: mapLabeled,
  issue: mapGraphqlIssue,
  pull_request: mapGraphqlPullRequest,
  review: mapGraphqlReview,
  deployment_status: mapDeploymentStatus,
  issue_comment: mapIssueComment,
  review_comment: mapReviewComment,
  rest_issue: mapRestIssue,
  rest_pull_request: mapRestPullRequest,
  rest_review: mapRestReview,
};

/** A raw GitHub record as model records; throws on a record it cannot read (a mapper bug, or a changed API). */
export function mapGithubRecord(record: RawRecord): Mapped {
  const mapper = MAPPERS[record.type];
  if (!mapper) throw new Error(`unknown GitHub record type "${record.type}"`);
  return mapper(record);
}
