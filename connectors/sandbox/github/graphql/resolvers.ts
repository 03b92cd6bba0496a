/**
 * What the sandbox answers for the fields of GitHub's schema that Threadline reads, over the data set: the
 * repository with its issues, pull requests (reviews, review requests), deployments (statuses, the commit's
 * pull requests), the viewer and `rateLimit`. Keyed by the concrete type and field, as `info.parentType` names
 * them at execution; a field of an object the sandbox built as plain data (a connection, `PageInfo`) is read
 * off it. Any other field of the schema is refused with an error that names it.
 */
import type {
  GithubDataset,
  SandboxCommit,
  SandboxDeployment,
  SandboxDeploymentStatus,
  SandboxIssue,
  SandboxRepo,
  SandboxReview,
  SandboxReviewComment,
  SandboxToken,
  SandboxUser,
} from "../dataset.ts";
import { fakeSha } from "../dataset.ts";
import { nodeId } from "../render.ts";
import { GithubFieldError } from "./field-error.ts";
import { type CursorKey, compareKeys, paginate } from "./pagination.ts";

export interface GithubGraphqlContext {
  dataset: GithubDataset;
  token: SandboxToken;
  webUrl: string;
  rate: { limit: number; remaining: number; used: number; resetAt: string; cost: number; nodeCount: number };
}

type Ctx = GithubGraphqlContext;
// biome-ignore lint/suspicious/noExplicitAny: a resolver receives the value its parent field resolved to.
type Resolver = (parent: any, args: Record<string, unknown>, ctx: Ctx) => unknown;
type Resolvers = Record<string, Record<string, Resolver>>;

interface RepoValue {
  __typename: "Repository";
  repo: SandboxRepo;
}
interface IssueValue {
  __typename: "Issue" | "PullRequest";
  repo: SandboxRepo;
  issue: SandboxIssue;
}
interface UserValue {
  __typename: SandboxUser["type"];
  user: SandboxUser;
}
interface DeploymentValue {
  repo: SandboxRepo;
  deployment: SandboxDeployment;
}
interface StatusValue extends DeploymentValue {
  status: SandboxDeploymentStatus;
}
interface PullCommitValue {
  n: number;
  commit: { repo: SandboxRepo; oid: string; commit: SandboxCommit };
}
interface ReviewValue {
  repo: SandboxRepo;
  review: SandboxReview;
}

/** A review thread: its first comment (which carries whether it is resolved) and its replies. */
interface ReviewThreadValue {
  repo: SandboxRepo;
  root: SandboxReviewComment;
}

interface ReviewCommentValue {
  repo: SandboxRepo;
  comment: SandboxReviewComment;
}

const threadComments = (v: ReviewThreadValue) =>
  [...v.repo.reviewComments.values()]
    .filter((c) => c.id === v.root.id || c.inReplyToId === v.root.id)
    .sort((a, b) => a.id - b.id);

const actor = (ctx: Ctx, login: string | null): UserValue | null => {
  if (!login) return null;
  const user = ctx.dataset.ensureUser(login);
  return { __typename: user.type, user };
};

/** Bots' GraphQL `login` has no `[bot]` suffix (REST's has): `dependabot`, not `dependabot[bot]`. */
const graphLogin = (user: SandboxUser) =>
  user.type === "Bot" ? user.login.replace(/\[bot\]$/, "") : user.login;

const toState = (issue: SandboxIssue) =>
  issue.pull?.mergedAt ? "MERGED" : issue.state === "open" ? "OPEN" : "CLOSED";

function visibleReviews(ctx: Ctx, repo: SandboxRepo, number: number): SandboxReview[] {
  return [...repo.reviews.values()]
    .filter((r) => r.pullNumber === number && (r.state !== "PENDING" || r.author === ctx.token.login))
    .sort((a, b) => a.id - b.id);
}

interface IssueFilters {
  since?: string | null;
  states?: string[] | null;
  labels?: string[] | null;
  assignee?: string | null;
  createdBy?: string | null;
}

/** Issue and pull request filters (`filterBy`, `states`, `labels`, refs), as the schema's arguments name them. */
function filterIssues(repo: SandboxRepo, args: Record<string, unknown>, pulls: boolean): SandboxIssue[] {
  const filterBy = (args.filterBy ?? {}) as IssueFilters;
  const states = (args.states as string[] | null | undefined) ?? filterBy.states ?? null;
  const labels = (args.labels as string[] | null | undefined) ?? filterBy.labels ?? null;
  const since = filterBy.since ? Date.parse(filterBy.since) : null;
  return [...repo.issues.values()].filter((i) => {
    if (pulls !== (i.pull !== null)) return false;
    if (states && !states.includes(toState(i))) return false;
    if (labels && !labels.some((l) => i.labels.includes(l))) return false;
    if (since !== null && Date.parse(i.updatedAt) < since) return false;
    if (filterBy.assignee && !i.assignees.includes(filterBy.assignee)) return false;
    if (filterBy.createdBy && i.author !== filterBy.createdBy) return false;
    if (pulls && typeof args.headRefName === "string" && i.pull?.headRef !== args.headRefName) return false;
    if (pulls && typeof args.baseRefName === "string" && i.pull?.baseRef !== args.baseRefName) return false;
    return true;
  });
}

/** A page of issues or pull requests in `orderBy`'s order (GitHub's default: oldest first). */
function issuePage(repo: SandboxRepo, args: Record<string, unknown>, typename: IssueValue["__typename"]) {
  const order = (args.orderBy ?? null) as { field?: string; direction?: string } | null;
  const field = order?.field ?? "CREATED_AT";
  const direction = order?.direction === "DESC" ? -1 : 1;
  const comments = new Map<number, number>();
  if (field === "COMMENTS")
    for (const c of repo.comments.values())
      comments.set(c.issueNumber, (comments.get(c.issueNumber) ?? 0) + 1);
  const keyOf = (i: SandboxIssue): CursorKey =>
    field === "UPDATED_AT"
      ? [i.updatedAt, i.id]
      : field === "COMMENTS"
        ? [comments.get(i.number) ?? 0, i.id]
        : [i.createdAt, i.id];
  const compare = (a: CursorKey, b: CursorKey) => direction * compareKeys(a, b);
  const sorted = filterIssues(repo, args, typename === "PullRequest").sort((a, b) =>
    compare(keyOf(a), keyOf(b)),
  );
  const page = paginate(sorted, args, keyOf, compare);
  const wrap = (issue: SandboxIssue): IssueValue => ({ __typename: typename, repo, issue });
  return {
    ...page,
    nodes: page.nodes.map(wrap),
    edges: page.edges.map((e) => ({ cursor: e.cursor, node: wrap(e.node) })),
  };
}

const deploymentState = (d: SandboxDeployment): string => {
  const latest = d.statuses[d.statuses.length - 1];
  if (!latest) return "PENDING";
  if (latest.state === "success") return "ACTIVE";
  return latest.state.toUpperCase();
};

/** Fields every kind of account has (GitHub's `Actor` interface). */
const actorFields = (): Record<string, Resolver> => ({
  login: (v: UserValue) => graphLogin(v.user),
  url: (v: UserValue, _a, ctx) =>
    v.user.type === "Bot" ? `${ctx.webUrl}/apps/${graphLogin(v.user)}` : `${ctx.webUrl}/${v.user.login}`,
  resourcePath: (v: UserValue) =>
    v.user.type === "Bot" ? `/apps/${graphLogin(v.user)}` : `/${v.user.login}`,
  avatarUrl: (v: UserValue) => `https://avatars.githubusercontent.com/u/${v.user.id}?v=4`,
});

const accountFields = (typename: string): Record<string, Resolver> => ({
  ...actorFields(),
  id: (v: UserValue) => nodeId(typename, v.user.id),
  databaseId: (v: UserValue) => v.user.id,
});

/** Fields Issue and PullRequest share. */
const issueLikeFields = (): Record<string, Resolver> => ({
  id: (v: IssueValue) => nodeId(v.__typename, v.issue.pull?.id ?? v.issue.id),
  databaseId: (v: IssueValue) => v.issue.pull?.id ?? v.issue.id,
  number: (v: IssueValue) => v.issue.number,
  title: (v: IssueValue) => v.issue.title,
  body: (v: IssueValue) => v.issue.body ?? "",
  url: (v: IssueValue, _a, ctx) =>
    `${ctx.webUrl}/${v.repo.fullName}/${v.issue.pull ? "pull" : "issues"}/${v.issue.number}`,
  createdAt: (v: IssueValue) => v.issue.createdAt,
  updatedAt: (v: IssueValue) => v.issue.updatedAt,
  closedAt: (v: IssueValue) => v.issue.closedAt,
  closed: (v: IssueValue) => v.issue.state === "closed",
  locked: (v: IssueValue) => v.issue.locked,
  author: (v: IssueValue, _a, ctx) => actor(ctx, v.issue.author),
  assignees: (v: IssueValue, args, ctx) =>
    paginate(
      v.issue.assignees.map((login) => actor(ctx, login)!),
      args,
      (u) => [u.user.id],
    ),
  labels: (v: IssueValue, args) =>
    paginate(
      v.issue.labels.map((name) => ({ repo: v.repo, name })),
      args,
      (l) => [l.name],
    ),
  milestone: (v: IssueValue) => {
    const m = v.issue.milestone !== null ? v.repo.milestones.get(v.issue.milestone) : undefined;
    return m ? { milestone: m } : null;
  },
  repository: (v: IssueValue): RepoValue => ({ __typename: "Repository", repo: v.repo }),
});

export const GITHUB_RESOLVERS: Resolvers = {
  Query: {
    repository: (_p, args, ctx): RepoValue => {
      const owner = String(args.owner);
      const name = String(args.name);
      const repo = ctx.dataset.findRepo(owner, name);
      if (!repo || !ctx.dataset.canRead(ctx.token, repo)) {
        throw new GithubFieldError(
          `Could not resolve to a Repository with the name '${owner}/${name}'.`,
          "NOT_FOUND",
        );
      }
      return { __typename: "Repository", repo };
    },
    rateLimit: (_p, _a, ctx) => ctx.rate,
    viewer: (_p, _a, ctx) => actor(ctx, ctx.token.login),
  },
  Repository: {
    id: (v: RepoValue) => nodeId("Repository", v.repo.id),
    databaseId: (v: RepoValue) => v.repo.id,
    name: (v: RepoValue) => v.repo.name,
    nameWithOwner: (v: RepoValue) => v.repo.fullName,
    url: (v: RepoValue, _a, ctx) => `${ctx.webUrl}/${v.repo.fullName}`,
    isPrivate: (v: RepoValue) => v.repo.private,
    owner: (v: RepoValue, _a, ctx) => actor(ctx, v.repo.owner),
    issues: (v: RepoValue, args) => issuePage(v.repo, args, "Issue"),
    pullRequests: (v: RepoValue, args) => issuePage(v.repo, args, "PullRequest"),
    issue: (v: RepoValue, args): IssueValue => {
      const issue = v.repo.issues.get(Number(args.number));
      if (!issue || issue.pull) {
        throw new GithubFieldError(
          `Could not resolve to an Issue with the number of ${String(args.number)}.`,
          "NOT_FOUND",
        );
      }
      return { __typename: "Issue", repo: v.repo, issue };
    },
    pullRequest: (v: RepoValue, args): IssueValue => {
      const issue = v.repo.issues.get(Number(args.number));
      if (!issue?.pull) {
        throw new GithubFieldError(
          `Could not resolve to a PullRequest with the number of ${String(args.number)}.`,
          "NOT_FOUND",
        );
      }
      return { __typename: "PullRequest", repo: v.repo, issue };
    },
    deployments: (v: RepoValue, args) => {
      const order = (args.orderBy ?? null) as { direction?: string } | null;
      const direction = order?.direction === "DESC" ? -1 : 1;
      const environments = args.environments as string[] | null | undefined;
      const keyOf = (d: DeploymentValue): CursorKey => [d.deployment.createdAt, d.deployment.id];
      const compare = (a: CursorKey, b: CursorKey) => direction * compareKeys(a, b);
      const values = [...v.repo.deployments.values()]
        .filter((d) => !environments || environments.includes(d.environment))
        .map((deployment): DeploymentValue => ({ repo: v.repo, deployment }))
        .sort((a, b) => compare(keyOf(a), keyOf(b)));
      return paginate(values, args, keyOf, compare);
    },
  },
  User: {
    ...accountFields("User"),
    name: (v: UserValue) => v.user.name,
    // "The user's publicly visible profile email": a String!, empty when the user keeps it private.
    email: (v: UserValue) => v.user.email ?? "",
    organizationVerifiedDomainEmails: (v: UserValue, args, ctx) => {
      const login = String(args.login);
      const org = ctx.dataset.organizations.get(login.toLowerCase());
      if (!org) {
        throw new GithubFieldError(
          `Could not resolve to an Organization with the login of '${login}'.`,
          "NOT_FOUND",
        );
      }
      if (!org.owners.includes(ctx.token.login)) {
        throw new GithubFieldError(
          `${ctx.token.login} does not have permission to read the verified domain emails of ${org.login}'s members.`,
          "FORBIDDEN",
        );
      }
      if (!org.members.includes(v.user.login)) return [];
      return [v.user.email, ...v.user.verifiedEmails].filter(
        (e): e is string =>
          !!e && org.verifiedDomains.includes(e.slice(e.lastIndexOf("@") + 1).toLowerCase()),
      );
    },
  },
  Organization: { ...accountFields("Organization"), name: (v: UserValue) => v.user.name },
  Bot: accountFields("Bot"),
  Mannequin: actorFields(),
  EnterpriseUserAccount: actorFields(),
  Team: {
    slug: (v: { slug: string }) => v.slug,
    name: (v: { slug: string }) => v.slug,
    combinedSlug: (v: { slug: string; org: string }) => `${v.org}/${v.slug}`,
  },
  Label: {
    color: () => "ededed",
    id: (v: { repo: SandboxRepo; name: string }) => nodeId("Label", `${v.repo.id}:${v.name}`),
  },
  Milestone: {
    id: (v: { milestone: { id: number } }) => nodeId("Milestone", v.milestone.id),
    number: (v: { milestone: { number: number } }) => v.milestone.number,
    title: (v: { milestone: { title: string } }) => v.milestone.title,
    dueOn: (v: { milestone: { dueOn: string | null } }) => v.milestone.dueOn,
    state: (v: { milestone: { state: string } }) => v.milestone.state.toUpperCase(),
  },
  Issue: {
    ...issueLikeFields(),
    state: (v: IssueValue) => (v.issue.state === "open" ? "OPEN" : "CLOSED"),
    stateReason: (v: IssueValue) => v.issue.stateReason?.toUpperCase() ?? null,
  },
  PullRequest: {
    ...issueLikeFields(),
    state: (v: IssueValue) => toState(v.issue),
    isDraft: (v: IssueValue) => v.issue.pull?.draft ?? false,
    merged: (v: IssueValue) => Boolean(v.issue.pull?.mergedAt),
    mergedAt: (v: IssueValue) => v.issue.pull?.mergedAt ?? null,
    mergedBy: (v: IssueValue, _a, ctx) => actor(ctx, v.issue.pull?.mergedBy ?? null),
    headRefName: (v: IssueValue) => v.issue.pull?.headRef,
    baseRefName: (v: IssueValue) => v.issue.pull?.baseRef,
    headRefOid: (v: IssueValue) => v.issue.pull?.headSha,
    mergeCommit: (v: IssueValue) =>
      v.issue.pull?.mergeCommitSha ? { repo: v.repo, oid: v.issue.pull.mergeCommitSha } : null,
    reviewDecision: (v: IssueValue, _a, ctx) => {
      const latest = new Map<string, string>();
      for (const r of visibleReviews(ctx, v.repo, v.issue.number)) {
        if (r.state === "APPROVED" || r.state === "CHANGES_REQUESTED" || r.state === "DISMISSED")
          latest.set(r.author, r.state);
      }
      const states = [...latest.values()];
      if (states.includes("CHANGES_REQUESTED")) return "CHANGES_REQUESTED";
      if (states.includes("APPROVED")) return "APPROVED";
      return "REVIEW_REQUIRED";
    },
    reviewRequests: (v: IssueValue, args, ctx) => {
      const pull = v.issue.pull;
      const requests = [
        ...(pull?.requestedReviewers ?? []).map((login) => {
          const reviewer = actor(ctx, login)!;
          return { key: `u${reviewer.user.id}`, reviewer };
        }),
        ...(pull?.requestedTeams ?? []).map((slug) => ({
          key: `t${slug}`,
          reviewer: { __typename: "Team", slug, org: v.repo.owner },
        })),
      ];
      return paginate(requests, args, (r) => [r.key]);
    },
    commits: (v: IssueValue, args) =>
      paginate(
        (v.issue.pull?.commits ?? []).map(
          (commit, n): PullCommitValue => ({
            n,
            commit: {
              repo: v.repo,
              oid: fakeSha(`${v.repo.fullName}:${v.issue.number}:commit:${n}`),
              commit,
            },
          }),
        ),
        args,
        (c) => [c.n],
      ),
    reviewThreads: (v: IssueValue, args) =>
      paginate(
        [...v.repo.reviewComments.values()]
          .filter((c) => c.pullNumber === v.issue.number && c.inReplyToId === null)
          .sort((a, b) => a.id - b.id)
          .map((root): ReviewThreadValue => ({ repo: v.repo, root })),
        args,
        (t) => [t.root.id],
      ),
    reviews: (v: IssueValue, args, ctx) => {
      const states = args.states as string[] | null | undefined;
      const list = visibleReviews(ctx, v.repo, v.issue.number).filter(
        (r) =>
          (!states || states.includes(r.state)) &&
          (typeof args.author !== "string" || r.author === args.author),
      );
      return paginate(
        list.map((review): ReviewValue => ({ repo: v.repo, review })),
        args,
        (r) => [r.review.id],
      );
    },
  },
  ReviewRequest: {
    id: (v: { key: string }) => nodeId("ReviewRequest", v.key),
    asCodeOwner: () => false,
    requestedReviewer: (v: { reviewer: unknown }) => v.reviewer,
  },
  PullRequestReview: {
    id: (v: ReviewValue) => nodeId("PullRequestReview", v.review.id),
    databaseId: (v: ReviewValue) => v.review.id,
    state: (v: ReviewValue) => v.review.state,
    body: (v: ReviewValue) => v.review.body,
    url: (v: ReviewValue, _a, ctx) =>
      `${ctx.webUrl}/${v.repo.fullName}/pull/${v.review.pullNumber}#pullrequestreview-${v.review.id}`,
    submittedAt: (v: ReviewValue) => v.review.submittedAt,
    createdAt: (v: ReviewValue) => v.review.createdAt,
    updatedAt: (v: ReviewValue) => v.review.updatedAt,
    lastEditedAt: () => null,
    author: (v: ReviewValue, _a, ctx) => actor(ctx, v.review.author),
    authorAssociation: (v: ReviewValue) => (v.review.author === v.repo.owner ? "OWNER" : "MEMBER"),
  },
  PullRequestReviewThread: {
    id: (v: ReviewThreadValue) => nodeId("PullRequestReviewThread", v.root.id),
    isResolved: (v: ReviewThreadValue) => v.root.resolved === true,
    isOutdated: () => false,
    isCollapsed: (v: ReviewThreadValue) => v.root.resolved === true,
    path: (v: ReviewThreadValue) => v.root.path,
    line: (v: ReviewThreadValue) => v.root.line,
    comments: (v: ReviewThreadValue, args) =>
      paginate(
        threadComments(v).map((comment): ReviewCommentValue => ({ repo: v.repo, comment })),
        args,
        (c) => [c.comment.id],
      ),
  },
  PullRequestReviewComment: {
    id: (v: ReviewCommentValue) => nodeId("PullRequestReviewComment", v.comment.id),
    databaseId: (v: ReviewCommentValue) => v.comment.id,
    body: (v: ReviewCommentValue) => v.comment.body,
    path: (v: ReviewCommentValue) => v.comment.path,
    createdAt: (v: ReviewCommentValue) => v.comment.createdAt,
    updatedAt: (v: ReviewCommentValue) => v.comment.updatedAt,
    url: (v: ReviewCommentValue, _a, ctx) =>
      `${ctx.webUrl}/${v.repo.fullName}/pull/${v.comment.pullNumber}#discussion_r${v.comment.id}`,
    author: (v: ReviewCommentValue, _a, ctx) => actor(ctx, v.comment.author),
  },
  PullRequestCommit: {
    id: (v: PullCommitValue) => nodeId("PullRequestCommit", v.commit.oid),
  },
  Commit: {
    oid: (v: { oid: string }) => v.oid,
    // The git author as the commit wrote it; `user` is the account GitHub links the address to, if any.
    author: (v: { commit?: SandboxCommit }, _a, ctx) => {
      if (!v.commit) return null;
      const user = ctx.dataset.userOfCommitEmail(v.commit.authorEmail);
      return {
        name: v.commit.authorName,
        email: v.commit.authorEmail,
        date: null,
        user: user ? { __typename: "User", user } : null,
      };
    },
    associatedPullRequests: (v: { repo: SandboxRepo; oid: string }, args) => {
      const list = [...v.repo.issues.values()]
        .filter((i) => i.pull && (i.pull.mergeCommitSha === v.oid || i.pull.headSha === v.oid))
        .sort((a, b) => a.id - b.id)
        .map((issue): IssueValue => ({ __typename: "PullRequest", repo: v.repo, issue }));
      return paginate(list, args, (p) => [p.issue.id]);
    },
  },
  Ref: {
    id: (v: { name: string }) => nodeId("Ref", v.name),
  },
  Deployment: {
    id: (v: DeploymentValue) => nodeId("Deployment", v.deployment.id),
    databaseId: (v: DeploymentValue) => v.deployment.id,
    commitOid: (v: DeploymentValue) => v.deployment.sha,
    commit: (v: DeploymentValue) => ({ repo: v.repo, oid: v.deployment.sha }),
    createdAt: (v: DeploymentValue) => v.deployment.createdAt,
    updatedAt: (v: DeploymentValue) => v.deployment.updatedAt,
    creator: (v: DeploymentValue, _a, ctx) => actor(ctx, v.deployment.creator),
    description: (v: DeploymentValue) => v.deployment.description,
    environment: (v: DeploymentValue) => v.deployment.environment,
    latestEnvironment: (v: DeploymentValue) => v.deployment.environment,
    originalEnvironment: (v: DeploymentValue) => v.deployment.environment,
    payload: () => "{}",
    task: (v: DeploymentValue) => v.deployment.task,
    state: (v: DeploymentValue) => deploymentState(v.deployment),
    // A deployment of a bare commit has no ref.
    ref: (v: DeploymentValue) =>
      /^[0-9a-f]{40}$/.test(v.deployment.ref) ? null : { name: v.deployment.ref, prefix: "refs/heads/" },
    latestStatus: (v: DeploymentValue): StatusValue | null => {
      const status = v.deployment.statuses[v.deployment.statuses.length - 1];
      return status ? { ...v, status } : null;
    },
    statuses: (v: DeploymentValue, args) =>
      paginate(
        v.deployment.statuses.map((status): StatusValue => ({ ...v, status })),
        args,
        (s) => [s.status.id],
      ),
  },
  DeploymentStatus: {
    id: (v: StatusValue) => nodeId("DeploymentStatus", v.status.id),
    state: (v: StatusValue) => v.status.state.toUpperCase(),
    createdAt: (v: StatusValue) => v.status.createdAt,
    updatedAt: (v: StatusValue) => v.status.updatedAt,
    creator: (v: StatusValue, _a, ctx) => actor(ctx, v.status.creator),
    description: (v: StatusValue) => v.status.description || null,
    environment: (v: StatusValue) => v.status.environment,
    environmentUrl: (v: StatusValue) => v.status.environmentUrl,
    logUrl: (v: StatusValue) => v.status.logUrl,
    deployment: (v: StatusValue): DeploymentValue => ({ repo: v.repo, deployment: v.deployment }),
  },
};
