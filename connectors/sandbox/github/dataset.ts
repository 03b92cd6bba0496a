/**
 * The GitHub sandbox's data: repositories with their issues, pull requests, comments, reviews, review comments
 * and deployments, held as plain records and rendered into the REST and GraphQL shapes on request
 * (`render.ts`, `graphql/resolvers.ts`). Tests and the demo build a data set with the methods here; the mutation
 * helpers change it the way GitHub does (an edit moves `updated_at`, a new comment moves its issue's).
 */

import { WriteFaults } from "../write-faults.ts";

/** What kind of account a login is; GitHub's REST `type` and GraphQL `__typename`. */
export type GithubAccountType = "User" | "Bot" | "Organization";

export interface SandboxUser {
  login: string;
  id: number;
  type: GithubAccountType;
  name: string | null;
  /** The public profile email; null when the user keeps it private (GraphQL then answers ""). */
  email: string | null;
  /** Addresses the account verified (GitHub links a commit's author email to the account only for these). */
  verifiedEmails: string[];
  /** The author email of the user's git commits; null: GitHub's no-reply address of the account. */
  commitEmail: string | null;
}

/**
 * An organization's verified domains and who sees its members' addresses on them (GitHub shows
 * `organizationVerifiedDomainEmails` to the organization's owners; anyone else gets a FORBIDDEN error).
 */
export interface SandboxOrganization {
  login: string;
  verifiedDomains: string[];
  owners: string[];
  members: string[];
}

/** A commit of a pull request, by its git author. */
export interface SandboxCommit {
  authorName: string;
  authorEmail: string;
}

export type IssueStateReason = "completed" | "not_planned" | "reopened" | "duplicate";

export interface SandboxMilestone {
  number: number;
  id: number;
  title: string;
  dueOn: string | null;
  state: "open" | "closed";
  createdAt: string;
}

export interface SandboxPull {
  /** The pull request's own id (REST `pulls` object `id`), distinct from its issue's id. */
  id: number;
  headRef: string;
  baseRef: string;
  headSha: string;
  draft: boolean;
  mergedAt: string | null;
  mergedBy: string | null;
  mergeCommitSha: string | null;
  requestedReviewers: string[];
  requestedTeams: string[];
  commits: SandboxCommit[];
}

/** An issue, or a pull request (an issue with `pull`): they share one number space, as on GitHub. */
export interface SandboxIssue {
  number: number;
  id: number;
  title: string;
  body: string | null;
  author: string;
  state: "open" | "closed";
  stateReason: IssueStateReason | null;
  assignees: string[];
  labels: string[];
  milestone: number | null;
  locked: boolean;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  pull: SandboxPull | null;
}

export interface SandboxComment {
  id: number;
  issueNumber: number;
  author: string;
  body: string;
  createdAt: string;
  updatedAt: string;
}

export type ReviewState = "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED" | "PENDING";

export interface SandboxReview {
  id: number;
  pullNumber: number;
  author: string;
  state: ReviewState;
  body: string;
  commitId: string;
  submittedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface SandboxReviewComment {
  id: number;
  pullNumber: number;
  reviewId: number;
  author: string;
  body: string;
  path: string;
  line: number;
  inReplyToId: number | null;
  commitId: string;
  createdAt: string;
  updatedAt: string;
  /** On a thread's first comment: the thread is marked resolved (GraphQL `PullRequestReviewThread.isResolved`). */
  resolved?: boolean;
}

export type DeploymentStatusState =
  | "error"
  | "failure"
  | "inactive"
  | "pending"
  | "success"
  | "queued"
  | "in_progress";

export interface SandboxDeploymentStatus {
  id: number;
  state: DeploymentStatusState;
  creator: string;
  description: string;
  environment: string;
  /** Where the deployment's log is, when the deployer said. */
  logUrl: string | null;
  environmentUrl: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface SandboxDeployment {
  id: number;
  sha: string;
  ref: string;
  task: string;
  environment: string;
  description: string | null;
  creator: string;
  createdAt: string;
  updatedAt: string;
  statuses: SandboxDeploymentStatus[];
}

export interface SandboxRepo {
  id: number;
  owner: string;
  name: string;
  fullName: string;
  private: boolean;
  defaultBranch: string;
  createdAt: string;
  issues: Map<number, SandboxIssue>;
  comments: Map<number, SandboxComment>;
  reviews: Map<number, SandboxReview>;
  reviewComments: Map<number, SandboxReviewComment>;
  deployments: Map<number, SandboxDeployment>;
  milestones: Map<number, SandboxMilestone>;
  nextNumber: number;
}

/** Which repositories a token can read (`all`, or `owner/name` in any case). */
export interface SandboxToken {
  login: string;
  repos: "all" | string[];
  /**
   * A classic token's OAuth scopes (sent back in `X-OAuth-Scopes`); null for a fine-grained token, whose
   * permissions GitHub does not list in any header.
   */
  scopes: string[] | null;
  /** A fine-grained token's Issues and Pull requests permission (writes answer 403 with `read`). */
  issuesAndPulls: "read" | "write";
  /** The token's user's role on the repositories it reads (`permissions` of GET repo). */
  role: RepoRole;
}

/** A collaborator's role on a repository, weakest first. */
export const REPO_ROLES = ["read", "triage", "write", "maintain", "admin"] as const;
export type RepoRole = (typeof REPO_ROLES)[number];

/** GitHub's timestamps: UTC, to the second. */
export function toGithubTime(at: Date | string): string {
  const d = typeof at === "string" ? new Date(at) : at;
  if (Number.isNaN(d.getTime())) throw new Error(`[sandbox] [github] not a time: ${String(at)}`);
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

const laterOf = (a: string, b: string) => (Date.parse(a) >= Date.parse(b) ? a : b);

/** A hex SHA for a seed, stable across runs (not a real object id, the sandbox has no git). */
export function fakeSha(seed: string): string {
  let h1 = 0x811c9dc5;
  let out = "";
  for (let round = 0; out.length < 40; round++) {
    for (const ch of `${seed}:${round}`) h1 = Math.imul(h1 ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    out += h1.toString(16).padStart(8, "0");
  }
  return out.slice(0, 40);
}

export interface IssueInput {
  title: string;
  body?: string | null;
  author: string;
  assignees?: string[];
  labels?: string[];
  milestone?: { title: string; dueOn?: string | null } | null;
  createdAt?: string;
  updatedAt?: string;
  state?: "open" | "closed";
  stateReason?: IssueStateReason | null;
  closedAt?: string | null;
}

export interface PullInput extends IssueInput {
  head: string;
  base?: string;
  draft?: boolean;
  requestedReviewers?: string[];
  requestedTeams?: string[];
  mergedAt?: string | null;
  mergedBy?: string | null;
  /** Git authors of its commits, by login (their commit email) or as written; default: one by `author`. */
  commits?: Array<string | SandboxCommit>;
}

/** A repository of the data set, with the builders and mutation helpers tests use. */
export class RepoHandle {
  constructor(
    readonly dataset: GithubDataset,
    readonly repo: SandboxRepo,
  ) {}

  get fullName(): string {
    return this.repo.fullName;
  }

  private at(at: string | undefined): string {
    return at ? toGithubTime(at) : this.dataset.now();
  }

  private touch(number: number, at: string): void {
    const issue = this.issueOf(number);
    issue.updatedAt = laterOf(issue.updatedAt, at);
  }

  issueOf(number: number): SandboxIssue {
    const issue = this.repo.issues.get(number);
    if (!issue) throw new Error(`[sandbox] [github] ${this.fullName}#${number} does not exist`);
    return issue;
  }

  pullOf(number: number): SandboxIssue & { pull: SandboxPull } {
    const issue = this.issueOf(number);
    if (!issue.pull) throw new Error(`[sandbox] [github] ${this.fullName}#${number} is not a pull request`);
    return issue as SandboxIssue & { pull: SandboxPull };
  }

  private milestoneFor(input: IssueInput["milestone"], at: string): number | null {
    if (!input) return null;
    for (const m of this.repo.milestones.values()) if (m.title === input.title) return m.number;
    const number = this.repo.milestones.size + 1;
    this.repo.milestones.set(number, {
      number,
      id: this.dataset.nextId("milestone"),
      title: input.title,
      dueOn: input.dueOn ? toGithubTime(input.dueOn) : null,
      state: "open",
      createdAt: at,
    });
    return number;
  }

  /** A new issue; returns it (its `number` names it from then on). */
  issue(input: IssueInput): SandboxIssue {
    const createdAt = this.at(input.createdAt);
    const state = input.state ?? "open";
    const closedAt = state === "closed" ? toGithubTime(input.closedAt ?? input.updatedAt ?? createdAt) : null;
    for (const login of [input.author, ...(input.assignees ?? [])]) this.dataset.ensureUser(login);
    const issue: SandboxIssue = {
      number: this.repo.nextNumber++,
      id: this.dataset.nextId("issue"),
      title: input.title,
      body: input.body ?? null,
      author: input.author,
      state,
      stateReason: state === "closed" ? (input.stateReason ?? "completed") : (input.stateReason ?? null),
      assignees: [...(input.assignees ?? [])],
      labels: [...(input.labels ?? [])],
      milestone: this.milestoneFor(input.milestone, createdAt),
      locked: false,
      createdAt,
      updatedAt: laterOf(createdAt, toGithubTime(input.updatedAt ?? closedAt ?? createdAt)),
      closedAt,
      pull: null,
    };
    this.repo.issues.set(issue.number, issue);
    return issue;
  }

  /** A new pull request from branch `head`; merged when `mergedAt` is given. */
  pullRequest(input: PullInput): SandboxIssue & { pull: SandboxPull } {
    const merged = input.mergedAt ? toGithubTime(input.mergedAt) : null;
    const issue = this.issue({
      ...input,
      state: merged ? "closed" : input.state,
      closedAt: merged ?? input.closedAt,
      stateReason: null,
      updatedAt: input.updatedAt ?? merged ?? undefined,
    });
    issue.stateReason = null;
    for (const login of [...(input.requestedReviewers ?? []), ...(input.mergedBy ? [input.mergedBy] : [])]) {
      this.dataset.ensureUser(login);
    }
    issue.pull = {
      id: this.dataset.nextId("pull"),
      headRef: input.head,
      baseRef: input.base ?? this.repo.defaultBranch,
      headSha: fakeSha(`${this.fullName}:${issue.number}:head`),
      draft: input.draft ?? false,
      mergedAt: merged,
      mergedBy: merged ? (input.mergedBy ?? input.author) : null,
      mergeCommitSha: merged ? fakeSha(`${this.fullName}:${issue.number}:merge`) : null,
      requestedReviewers: [...(input.requestedReviewers ?? [])],
      requestedTeams: [...(input.requestedTeams ?? [])],
      commits: (input.commits ?? [input.author]).map((c) =>
        typeof c === "string" ? this.dataset.commitBy(c) : c,
      ),
    };
    return issue as SandboxIssue & { pull: SandboxPull };
  }

  /** Changes an issue's fields and moves its `updated_at`. */
  editIssue(
    number: number,
    patch: Partial<Pick<SandboxIssue, "title" | "body" | "assignees" | "labels">>,
    at?: string,
  ): SandboxIssue {
    const issue = this.issueOf(number);
    Object.assign(issue, patch);
    for (const login of patch.assignees ?? []) this.dataset.ensureUser(login);
    this.touch(number, this.at(at));
    return issue;
  }

  close(number: number, options: { at?: string; reason?: IssueStateReason } = {}): SandboxIssue {
    const issue = this.issueOf(number);
    const at = this.at(options.at);
    issue.state = "closed";
    issue.closedAt = at;
    issue.stateReason = issue.pull ? null : (options.reason ?? "completed");
    this.touch(number, at);
    return issue;
  }

  reopen(number: number, at?: string): SandboxIssue {
    const issue = this.issueOf(number);
    issue.state = "open";
    issue.closedAt = null;
    issue.stateReason = issue.pull ? null : "reopened";
    this.touch(number, this.at(at));
    return issue;
  }

  /** Merges a pull request: closed, merged, a merge commit. */
  merge(number: number, options: { by: string; at?: string }): SandboxIssue & { pull: SandboxPull } {
    const issue = this.pullOf(number);
    const at = this.at(options.at);
    this.dataset.ensureUser(options.by);
    issue.state = "closed";
    issue.closedAt = at;
    issue.pull.draft = false;
    issue.pull.mergedAt = at;
    issue.pull.mergedBy = options.by;
    issue.pull.mergeCommitSha = fakeSha(`${this.fullName}:${number}:merge`);
    this.touch(number, at);
    return issue;
  }

  requestReviewers(number: number, logins: string[], at?: string): void {
    const issue = this.pullOf(number);
    for (const login of logins) {
      this.dataset.ensureUser(login);
      if (!issue.pull.requestedReviewers.includes(login)) issue.pull.requestedReviewers.push(login);
    }
    this.touch(number, this.at(at));
  }

  markReady(number: number, at?: string): void {
    this.pullOf(number).pull.draft = false;
    this.touch(number, this.at(at));
  }

  /** A comment on an issue or pull request's conversation; moves the issue's `updated_at`. */
  comment(number: number, input: { author: string; body: string; at?: string }): SandboxComment {
    this.issueOf(number);
    this.dataset.ensureUser(input.author);
    const at = this.at(input.at);
    const comment: SandboxComment = {
      id: this.dataset.nextId("comment"),
      issueNumber: number,
      author: input.author,
      body: input.body,
      createdAt: at,
      updatedAt: at,
    };
    this.repo.comments.set(comment.id, comment);
    this.touch(number, at);
    return comment;
  }

  /** Edits a comment: its `updated_at` moves; its issue's does not (an edit is not issue activity). */
  editComment(id: number, body: string, at?: string): SandboxComment {
    const comment = this.repo.comments.get(id);
    if (!comment) throw new Error(`[sandbox] [github] ${this.fullName}: no issue comment ${id}`);
    comment.body = body;
    comment.updatedAt = laterOf(comment.createdAt, this.at(at));
    return comment;
  }

  /** Deletes a comment; it can no longer be listed. Returns it, for a `deleted` webhook. */
  deleteComment(id: number): SandboxComment {
    const comment = this.repo.comments.get(id);
    if (!comment) throw new Error(`[sandbox] [github] ${this.fullName}: no issue comment ${id}`);
    this.repo.comments.delete(id);
    return comment;
  }

  /** A submitted review (PENDING ones are only visible to their author); moves the pull request's `updated_at`. */
  review(
    number: number,
    input: { author: string; state: ReviewState; body?: string; at?: string },
  ): SandboxReview {
    const pull = this.pullOf(number);
    this.dataset.ensureUser(input.author);
    const at = this.at(input.at);
    const review: SandboxReview = {
      id: this.dataset.nextId("review"),
      pullNumber: number,
      author: input.author,
      state: input.state,
      body: input.body ?? "",
      commitId: pull.pull.headSha,
      submittedAt: input.state === "PENDING" ? null : at,
      createdAt: at,
      updatedAt: at,
    };
    this.repo.reviews.set(review.id, review);
    // A submitted review answers the request for it, as on GitHub.
    if (input.state !== "PENDING") {
      pull.pull.requestedReviewers = pull.pull.requestedReviewers.filter((l) => l !== input.author);
      this.touch(number, at);
    }
    return review;
  }

  dismissReview(id: number, at?: string): SandboxReview {
    const review = this.repo.reviews.get(id);
    if (!review) throw new Error(`[sandbox] [github] ${this.fullName}: no review ${id}`);
    const when = this.at(at);
    review.state = "DISMISSED";
    review.updatedAt = when;
    this.touch(review.pullNumber, when);
    return review;
  }

  /**
   * A review comment on a line of the diff. Without `reviewId` it comes with a review of its own in state
   * COMMENTED, as GitHub's "Add single comment" does. Moves the pull request's `updated_at`.
   */
  reviewComment(
    number: number,
    input: {
      author: string;
      body: string;
      path?: string;
      line?: number;
      at?: string;
      reviewId?: number;
      inReplyTo?: number;
    },
  ): SandboxReviewComment {
    const pull = this.pullOf(number);
    const at = this.at(input.at);
    this.dataset.ensureUser(input.author);
    const reviewId =
      input.reviewId ?? this.review(number, { author: input.author, state: "COMMENTED", body: "", at }).id;
    const parent = input.inReplyTo !== undefined ? this.repo.reviewComments.get(input.inReplyTo) : undefined;
    const comment: SandboxReviewComment = {
      id: this.dataset.nextId("review_comment"),
      pullNumber: number,
      reviewId,
      author: input.author,
      body: input.body,
      path: parent?.path ?? input.path ?? "src/index.ts",
      line: parent?.line ?? input.line ?? 1,
      inReplyToId: parent ? (parent.inReplyToId ?? parent.id) : null,
      commitId: pull.pull.headSha,
      createdAt: at,
      updatedAt: at,
    };
    this.repo.reviewComments.set(comment.id, comment);
    this.touch(number, at);
    return comment;
  }

  editReviewComment(id: number, body: string, at?: string): SandboxReviewComment {
    const comment = this.repo.reviewComments.get(id);
    if (!comment) throw new Error(`[sandbox] [github] ${this.fullName}: no review comment ${id}`);
    comment.body = body;
    comment.updatedAt = laterOf(comment.createdAt, this.at(at));
    return comment;
  }

  /**
   * Marks the review thread of a comment resolved, as "Resolve conversation" does. GitHub shows it only as
   * `PullRequestReviewThread.isResolved` in GraphQL (REST review comments do not carry it).
   */
  resolveReviewThread(commentId: number, resolved = true): SandboxReviewComment {
    const comment = this.repo.reviewComments.get(commentId);
    if (!comment) throw new Error(`[sandbox] [github] ${this.fullName}: no review comment ${commentId}`);
    const root = this.repo.reviewComments.get(comment.inReplyToId ?? comment.id) ?? comment;
    root.resolved = resolved;
    return root;
  }

  deleteReviewComment(id: number): SandboxReviewComment {
    const comment = this.repo.reviewComments.get(id);
    if (!comment) throw new Error(`[sandbox] [github] ${this.fullName}: no review comment ${id}`);
    this.repo.reviewComments.delete(id);
    return comment;
  }

  /** A deployment of a commit (default: the merge commit of `pull`, else a sha from `ref`). */
  deployment(input: {
    environment: string;
    creator: string;
    ref?: string;
    sha?: string;
    pull?: number;
    task?: string;
    description?: string | null;
    at?: string;
  }): SandboxDeployment {
    this.dataset.ensureUser(input.creator);
    const at = this.at(input.at);
    const merged = input.pull !== undefined ? this.pullOf(input.pull).pull : null;
    const ref = input.ref ?? (merged ? merged.baseRef : this.repo.defaultBranch);
    const sha =
      input.sha ?? merged?.mergeCommitSha ?? merged?.headSha ?? fakeSha(`${this.fullName}:${ref}:${at}`);
    const deployment: SandboxDeployment = {
      id: this.dataset.nextId("deployment"),
      sha,
      ref,
      task: input.task ?? "deploy",
      environment: input.environment,
      description: input.description ?? null,
      creator: input.creator,
      createdAt: at,
      updatedAt: at,
      statuses: [],
    };
    this.repo.deployments.set(deployment.id, deployment);
    return deployment;
  }

  /** A new status of a deployment (`in_progress`, `success`, `failure`…). */
  deploymentStatus(
    deploymentId: number,
    input: {
      state: DeploymentStatusState;
      creator?: string;
      description?: string;
      logUrl?: string;
      environmentUrl?: string;
      at?: string;
    },
  ): SandboxDeploymentStatus {
    const deployment = this.repo.deployments.get(deploymentId);
    if (!deployment) throw new Error(`[sandbox] [github] ${this.fullName}: no deployment ${deploymentId}`);
    const creator = input.creator ?? deployment.creator;
    this.dataset.ensureUser(creator);
    const at = this.at(input.at);
    const status: SandboxDeploymentStatus = {
      id: this.dataset.nextId("deployment_status"),
      state: input.state,
      creator,
      description: input.description ?? "",
      environment: deployment.environment,
      logUrl: input.logUrl ?? null,
      environmentUrl: input.environmentUrl ?? null,
      createdAt: at,
      updatedAt: at,
    };
    deployment.statuses.push(status);
    deployment.updatedAt = laterOf(deployment.updatedAt, at);
    return status;
  }
}

/**
 * A GitHub data set: users, repositories and tokens, and the sandbox's clock (what `now` a mutation without
 * an explicit time gets).
 */
export class GithubDataset {
  readonly users = new Map<string, SandboxUser>();
  readonly repos = new Map<string, SandboxRepo>();
  readonly tokens = new Map<string, SandboxToken>();
  readonly organizations = new Map<string, SandboxOrganization>();
  /** Old login → new, for objects that still name a user by a login they renamed. */
  private renamed = new Map<string, string>();
  /** A test hook: the next write answers a 5xx before or after it is saved. */
  readonly writeFaults = new WriteFaults();
  private clock: string;
  private ids = new Map<string, number>();

  constructor(options: { now?: Date | string } = {}) {
    this.clock = toGithubTime(options.now ?? "2025-03-03T09:00:00Z");
  }

  /** The sandbox's current time (GitHub format). */
  now(): string {
    return this.clock;
  }

  setNow(at: Date | string): void {
    this.clock = toGithubTime(at);
  }

  /** Moves the clock on by `seconds` and returns the new time. */
  tick(seconds = 1): string {
    this.clock = toGithubTime(new Date(Date.parse(this.clock) + seconds * 1000));
    return this.clock;
  }

  /** Ids grow per kind from a base of their own, so two kinds never share an id by accident in a test. */
  nextId(kind: string): number {
    const bases: Record<string, number> = {
      user: 1_000,
      repo: 100_000,
      issue: 2_000_000,
      pull: 3_000_000,
      comment: 4_000_000,
      review: 5_000_000,
      review_comment: 6_000_000,
      deployment: 7_000_000,
      deployment_status: 8_000_000,
      milestone: 9_000_000,
    };
    const next = (this.ids.get(kind) ?? bases[kind] ?? 10_000_000) + 1;
    this.ids.set(kind, next);
    return next;
  }

  /**
   * A user (or a bot: `type: "Bot"`, login with the `[bot]` suffix REST shows). `email` is the public profile
   * email; `verifiedEmails` the account's other verified addresses; `commitEmail` what its commits say (one
   * of those, or anything; default the account's no-reply address).
   */
  user(
    login: string,
    options: {
      name?: string | null;
      type?: GithubAccountType;
      email?: string | null;
      verifiedEmails?: string[];
      commitEmail?: string | null;
    } = {},
  ): SandboxUser {
    const existing = this.users.get(login);
    const type = options.type ?? (login.endsWith("[bot]") ? "Bot" : (existing?.type ?? "User"));
    const user: SandboxUser = {
      login,
      id: existing?.id ?? this.nextId("user"),
      type,
      name: options.name !== undefined ? options.name : (existing?.name ?? null),
      email: options.email !== undefined ? options.email : (existing?.email ?? null),
      verifiedEmails: options.verifiedEmails ?? existing?.verifiedEmails ?? [],
      commitEmail: options.commitEmail !== undefined ? options.commitEmail : (existing?.commitEmail ?? null),
    };
    this.users.set(login, user);
    return user;
  }

  ensureUser(login: string): SandboxUser {
    const current = this.renamed.get(login);
    return this.users.get(login) ?? (current ? this.users.get(current) : undefined) ?? this.user(login);
  }

  /** Renames a user: same account and id, a new login everywhere it is shown (old mentions keep the old one). */
  renameUser(from: string, to: string): SandboxUser {
    const user = this.users.get(from);
    if (!user) throw new Error(`[sandbox] [github] no user ${from}`);
    if (this.users.has(to)) throw new Error(`[sandbox] [github] the login ${to} is taken`);
    this.users.delete(from);
    user.login = to;
    this.users.set(to, user);
    for (const [old, now] of this.renamed) if (now === from) this.renamed.set(old, to);
    this.renamed.set(from, to);
    return user;
  }

  /** GitHub's no-reply address of an account, what commits carry when the user keeps their address private. */
  noreplyEmail(user: SandboxUser): string {
    return `${user.id}+${user.login}@users.noreply.github.com`;
  }

  /** A commit by `login` as their git client writes it. */
  commitBy(login: string): SandboxCommit {
    const user = this.ensureUser(login);
    return { authorName: user.name ?? user.login, authorEmail: user.commitEmail ?? this.noreplyEmail(user) };
  }

  /**
   * The account GitHub links a commit's author email to: one that verified the address (or whose public
   * email it is), or whose no-reply address it is; null for any other address.
   */
  userOfCommitEmail(email: string): SandboxUser | null {
    const e = email.toLowerCase();
    for (const user of this.users.values()) {
      if (user.type !== "User") continue;
      const own = [user.email, ...user.verifiedEmails, this.noreplyEmail(user)];
      if (own.some((a) => a?.toLowerCase() === e)) return user;
    }
    return null;
  }

  /** An organization with verified domains; its owners (logins) see members' addresses on them. */
  organization(
    login: string,
    options: { verifiedDomains: string[]; owners: string[]; members?: string[] },
  ): SandboxOrganization {
    const org: SandboxOrganization = {
      login,
      verifiedDomains: options.verifiedDomains.map((d) => d.toLowerCase()),
      owners: options.owners,
      members: [...new Set([...options.owners, ...(options.members ?? [])])],
    };
    this.user(login, { type: "Organization" });
    this.organizations.set(login.toLowerCase(), org);
    return org;
  }

  /** A repository (`owner/name`), created on first use. */
  repo(fullName: string, options: { private?: boolean; defaultBranch?: string } = {}): RepoHandle {
    const existing = this.repos.get(fullName.toLowerCase());
    if (existing) return new RepoHandle(this, existing);
    const [owner, name, ...rest] = fullName.split("/");
    if (!owner || !name || rest.length > 0)
      throw new Error(`[sandbox] [github] "${fullName}" is not owner/name`);
    this.ensureUser(owner);
    const repo: SandboxRepo = {
      id: this.nextId("repo"),
      owner,
      name,
      fullName,
      private: options.private ?? true,
      defaultBranch: options.defaultBranch ?? "main",
      createdAt: this.clock,
      issues: new Map(),
      comments: new Map(),
      reviews: new Map(),
      reviewComments: new Map(),
      deployments: new Map(),
      milestones: new Map(),
      nextNumber: 1,
    };
    this.repos.set(fullName.toLowerCase(), repo);
    return new RepoHandle(this, repo);
  }

  /** The repository `owner/name` names (case-insensitive, as GitHub), if any. */
  findRepo(owner: string, name: string): SandboxRepo | undefined {
    return this.repos.get(`${owner}/${name}`.toLowerCase());
  }

  findRepoById(id: number): SandboxRepo | undefined {
    for (const repo of this.repos.values()) if (repo.id === id) return repo;
    return undefined;
  }

  /**
   * A token that reads `repos` (default: all) as `login`: by default a classic token with the `repo` scope
   * of a repository admin; `scopes: null` makes it fine-grained.
   */
  token(
    token: string,
    options: {
      login?: string;
      repos?: "all" | string[];
      scopes?: string[] | null;
      issuesAndPulls?: "read" | "write";
      role?: RepoRole;
    } = {},
  ): SandboxToken {
    const entry: SandboxToken = {
      login: options.login ?? "threadline-bot",
      repos: options.repos ?? "all",
      scopes: options.scopes === undefined ? ["repo"] : options.scopes,
      issuesAndPulls: options.issuesAndPulls ?? "write",
      role: options.role ?? "admin",
    };
    this.ensureUser(entry.login);
    this.tokens.set(token, entry);
    return entry;
  }

  canRead(token: SandboxToken, repo: SandboxRepo): boolean {
    return token.repos === "all" || token.repos.some((r) => r.toLowerCase() === repo.fullName.toLowerCase());
  }
}
