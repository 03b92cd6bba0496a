/**
 * The part of GitHub's GraphQL schema the sandbox answers, with the field names, types, arguments and enum
 * values of the published schema (github.com/octokit/graphql-schema `schema.graphql`): the repository with its
 * issues, pull requests (reviews, review requests), deployments (statuses, the commit's pull requests), and
 * `rateLimit`. A field outside this subset is refused the way GitHub refuses an unknown one.
 */
import type {
  GithubDataset,
  SandboxDeployment,
  SandboxDeploymentStatus,
  SandboxIssue,
  SandboxRepo,
  SandboxReview,
  SandboxToken,
  SandboxUser,
} from "../dataset.ts";
import { nodeId } from "../render.ts";
import { type FieldDef, GraphqlFieldError, paginate, type Schema } from "./execute.ts";

export interface GithubGraphqlContext {
  dataset: GithubDataset;
  token: SandboxToken;
  webUrl: string;
  rate: { limit: number; remaining: number; used: number; resetAt: string; cost: number; nodeCount: number };
}

type Ctx = GithubGraphqlContext;
type Key = Array<string | number>;

const lex = (a: Key, b: Key): number => {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
};

interface RepoValue {
  __typename: "Repository";
  repo: SandboxRepo;
}
interface IssueValue {
  __typename: "Issue" | "PullRequest";
  repo: SandboxRepo;
  issue: SandboxIssue;
}

const actor = (ctx: Ctx, login: string | null) => {
  if (!login) return null;
  const user = ctx.dataset.ensureUser(login);
  return { __typename: user.type, user };
};

/** Bots' GraphQL `login` has no `[bot]` suffix (REST's has): `dependabot`, not `dependabot[bot]`. */
const graphLogin = (user: SandboxUser) =>
  user.type === "Bot" ? user.login.replace(/\[bot\]$/, "") : user.login;

const connectionArgs = { first: "Int", last: "Int", after: "String", before: "String" };

function connectionType(node: string): Record<string, FieldDef<Ctx>> {
  return {
    totalCount: { type: "Int!" },
    pageInfo: { type: "PageInfo!" },
    nodes: { type: `[${node}]` },
    edges: { type: `[${node}Edge]` },
  };
}

const edgeType = (node: string) => ({
  kind: "object" as const,
  fields: { cursor: { type: "String!" }, node: { type: node } },
});

function issueOrder(args: Record<string, unknown>): { field: string; direction: number } {
  const order = (args.orderBy ?? null) as { field?: string; direction?: string } | null;
  return { field: order?.field ?? "CREATED_AT", direction: order?.direction === "DESC" ? -1 : 1 };
}

function orderedIssues(repo: SandboxRepo, list: SandboxIssue[], args: Record<string, unknown>) {
  const { field, direction } = issueOrder(args);
  const comments = new Map<number, number>();
  if (field === "COMMENTS")
    for (const c of repo.comments.values())
      comments.set(c.issueNumber, (comments.get(c.issueNumber) ?? 0) + 1);
  const keyOf = (i: SandboxIssue): Key =>
    field === "UPDATED_AT"
      ? [i.updatedAt, i.id]
      : field === "COMMENTS"
        ? [comments.get(i.number) ?? 0, i.id]
        : [i.createdAt, i.id];
  const compare = (a: Key, b: Key) => direction * lex(a, b);
  const sorted = [...list].sort((a, b) => compare(keyOf(a), keyOf(b)));
  return paginate(sorted, args, keyOf, compare);
}

const toState = (issue: SandboxIssue) =>
  issue.pull?.mergedAt ? "MERGED" : issue.state === "open" ? "OPEN" : "CLOSED";

function visibleReviews(ctx: Ctx, repo: SandboxRepo, number: number): SandboxReview[] {
  return [...repo.reviews.values()]
    .filter((r) => r.pullNumber === number && (r.state !== "PENDING" || r.author === ctx.token.login))
    .sort((a, b) => a.id - b.id);
}

const byId = (a: { id: number }, b: { id: number }) => a.id - b.id;

/** Fields Issue and PullRequest share (the `Issue`-like interfaces of GitHub's schema). */
function issueLikeFields(): Record<string, FieldDef<Ctx>> {
  return {
    id: { type: "ID!", resolve: (v: IssueValue) => nodeId(v.__typename, v.issue.pull?.id ?? v.issue.id) },
    databaseId: { type: "Int", resolve: (v: IssueValue) => v.issue.pull?.id ?? v.issue.id },
    number: { type: "Int!", resolve: (v: IssueValue) => v.issue.number },
    title: { type: "String!", resolve: (v: IssueValue) => v.issue.title },
    body: { type: "String!", resolve: (v: IssueValue) => v.issue.body ?? "" },
    url: {
      type: "URI!",
      resolve: (v: IssueValue, _a, ctx) =>
        `${ctx.webUrl}/${v.repo.fullName}/${v.issue.pull ? "pull" : "issues"}/${v.issue.number}`,
    },
    createdAt: { type: "DateTime!", resolve: (v: IssueValue) => v.issue.createdAt },
    updatedAt: { type: "DateTime!", resolve: (v: IssueValue) => v.issue.updatedAt },
    closedAt: { type: "DateTime", resolve: (v: IssueValue) => v.issue.closedAt },
    closed: { type: "Boolean!", resolve: (v: IssueValue) => v.issue.state === "closed" },
    locked: { type: "Boolean!", resolve: (v: IssueValue) => v.issue.locked },
    author: { type: "Actor", resolve: (v: IssueValue, _a, ctx) => actor(ctx, v.issue.author) },
    assignees: {
      type: "UserConnection!",
      args: connectionArgs,
      connection: true,
      resolve: (v: IssueValue, args, ctx) => {
        const users = v.issue.assignees.map((login) => ctx.dataset.ensureUser(login));
        return paginate(
          users.map((user) => ({ __typename: "User", user })),
          args,
          (u) => [u.user.id],
          lex,
        );
      },
    },
    labels: {
      type: "LabelConnection",
      args: { ...connectionArgs, orderBy: "LabelOrder" },
      connection: true,
      resolve: (v: IssueValue, args) =>
        paginate(
          v.issue.labels.map((name) => ({ repo: v.repo, name })),
          args,
          (l) => [l.name],
          lex,
        ),
    },
    milestone: {
      type: "Milestone",
      resolve: (v: IssueValue) => {
        const m = v.issue.milestone !== null ? v.repo.milestones.get(v.issue.milestone) : undefined;
        return m ? { repo: v.repo, milestone: m } : null;
      },
    },
    repository: {
      type: "Repository!",
      resolve: (v: IssueValue) => ({ __typename: "Repository", repo: v.repo }),
    },
  };
}

function actorFields(extra: Record<string, FieldDef<Ctx>> = {}): Record<string, FieldDef<Ctx>> {
  return {
    login: { type: "String!", resolve: (v: { user: SandboxUser }) => graphLogin(v.user) },
    url: {
      type: "URI!",
      resolve: (v: { user: SandboxUser }, _a, ctx) =>
        v.user.type === "Bot" ? `${ctx.webUrl}/apps/${graphLogin(v.user)}` : `${ctx.webUrl}/${v.user.login}`,
    },
    resourcePath: {
      type: "URI!",
      resolve: (v: { user: SandboxUser }) =>
        v.user.type === "Bot" ? `/apps/${graphLogin(v.user)}` : `/${v.user.login}`,
    },
    avatarUrl: {
      type: "URI!",
      args: { size: "Int" },
      resolve: (v: { user: SandboxUser }) => `https://avatars.githubusercontent.com/u/${v.user.id}?v=4`,
    },
    ...extra,
  };
}

const ACTOR_TYPES = ["Bot", "EnterpriseUserAccount", "Mannequin", "Organization", "User"];

/** Issue and pull request filters (`filterBy`, `states`, `labels`), as the schema's arguments name them. */
function filterIssues(list: SandboxIssue[], args: Record<string, unknown>, pulls: boolean): SandboxIssue[] {
  const filterBy = (args.filterBy ?? {}) as {
    since?: string | null;
    states?: string[] | null;
    labels?: string[] | null;
    assignee?: string | null;
    createdBy?: string | null;
  };
  const states = (args.states as string[] | null | undefined) ?? filterBy.states ?? null;
  const labels = (args.labels as string[] | null | undefined) ?? filterBy.labels ?? null;
  const since = filterBy.since ? Date.parse(filterBy.since) : null;
  return list.filter((i) => {
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

interface DeploymentValue {
  repo: SandboxRepo;
  deployment: SandboxDeployment;
}
interface StatusValue extends DeploymentValue {
  status: SandboxDeploymentStatus;
}

const deploymentState = (d: SandboxDeployment): string => {
  const latest = d.statuses[d.statuses.length - 1];
  if (!latest) return "PENDING";
  if (latest.state === "success") return "ACTIVE";
  return latest.state.toUpperCase();
};

export const GITHUB_SCHEMA: Schema<Ctx> = {
  String: { kind: "scalar" },
  Int: { kind: "scalar" },
  Float: { kind: "scalar" },
  Boolean: { kind: "scalar" },
  ID: { kind: "scalar" },
  DateTime: { kind: "scalar" },
  URI: { kind: "scalar" },
  GitObjectID: { kind: "scalar" },
  HTML: { kind: "scalar" },
  OrderDirection: { kind: "enum", values: ["ASC", "DESC"] },
  IssueOrderField: { kind: "enum", values: ["COMMENTS", "CREATED_AT", "UPDATED_AT"] },
  IssueState: { kind: "enum", values: ["CLOSED", "OPEN"] },
  IssueStateReason: { kind: "enum", values: ["COMPLETED", "DUPLICATE", "NOT_PLANNED", "REOPENED"] },
  PullRequestState: { kind: "enum", values: ["CLOSED", "MERGED", "OPEN"] },
  PullRequestReviewState: {
    kind: "enum",
    values: ["APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED", "PENDING"],
  },
  DeploymentOrderField: { kind: "enum", values: ["CREATED_AT"] },
  DeploymentState: {
    kind: "enum",
    values: [
      "ABANDONED",
      "ACTIVE",
      "DESTROYED",
      "ERROR",
      "FAILURE",
      "INACTIVE",
      "IN_PROGRESS",
      "PENDING",
      "QUEUED",
      "SUCCESS",
      "WAITING",
    ],
  },
  DeploymentStatusState: {
    kind: "enum",
    values: ["ERROR", "FAILURE", "INACTIVE", "IN_PROGRESS", "PENDING", "QUEUED", "SUCCESS", "WAITING"],
  },
  IssueOrder: { kind: "input", fields: { field: "IssueOrderField!", direction: "OrderDirection!" } },
  DeploymentOrder: {
    kind: "input",
    fields: { field: "DeploymentOrderField!", direction: "OrderDirection!" },
  },
  LabelOrder: { kind: "input", fields: { field: "LabelOrderField!", direction: "OrderDirection!" } },
  IssueFilters: {
    kind: "input",
    fields: {
      assignee: "String",
      createdBy: "String",
      labels: "[String!]",
      mentioned: "String",
      milestone: "String",
      milestoneNumber: "String",
      since: "DateTime",
      states: "[IssueState!]",
      viewerSubscribed: "Boolean",
    },
  },

  Query: {
    kind: "object",
    fields: {
      repository: {
        type: "Repository",
        args: { owner: "String!", name: "String!", followRenames: "Boolean" },
        resolve: (_p, args, ctx): RepoValue => {
          const owner = String(args.owner);
          const name = String(args.name);
          const repo = ctx.dataset.findRepo(owner, name);
          if (!repo || !ctx.dataset.canRead(ctx.token, repo)) {
            throw new GraphqlFieldError(
              `Could not resolve to a Repository with the name '${owner}/${name}'.`,
              "NOT_FOUND",
            );
          }
          return { __typename: "Repository", repo };
        },
      },
      rateLimit: { type: "RateLimit", args: { dryRun: "Boolean" }, resolve: (_p, _a, ctx) => ctx.rate },
      viewer: { type: "User!", resolve: (_p, _a, ctx) => actor(ctx, ctx.token.login) },
    },
  },
  RateLimit: {
    kind: "object",
    fields: {
      cost: { type: "Int!" },
      limit: { type: "Int!" },
      nodeCount: { type: "Int!" },
      remaining: { type: "Int!" },
      resetAt: { type: "DateTime!" },
      used: { type: "Int!" },
    },
  },
  PageInfo: {
    kind: "object",
    fields: {
      hasNextPage: { type: "Boolean!" },
      hasPreviousPage: { type: "Boolean!" },
      startCursor: { type: "String" },
      endCursor: { type: "String" },
    },
  },
  Repository: {
    kind: "object",
    fields: {
      id: { type: "ID!", resolve: (v: RepoValue) => nodeId("Repository", v.repo.id) },
      databaseId: { type: "Int", resolve: (v: RepoValue) => v.repo.id },
      name: { type: "String!", resolve: (v: RepoValue) => v.repo.name },
      nameWithOwner: { type: "String!", resolve: (v: RepoValue) => v.repo.fullName },
      url: { type: "URI!", resolve: (v: RepoValue, _a, ctx) => `${ctx.webUrl}/${v.repo.fullName}` },
      isPrivate: { type: "Boolean!", resolve: (v: RepoValue) => v.repo.private },
      owner: { type: "RepositoryOwner!", resolve: (v: RepoValue, _a, ctx) => actor(ctx, v.repo.owner) },
      issues: {
        type: "IssueConnection!",
        args: {
          ...connectionArgs,
          orderBy: "IssueOrder",
          filterBy: "IssueFilters",
          labels: "[String!]",
          states: "[IssueState!]",
        },
        connection: true,
        resolve: (v: RepoValue, args) => {
          const page = orderedIssues(v.repo, filterIssues([...v.repo.issues.values()], args, false), args);
          return wrapIssues(page, v.repo, "Issue");
        },
      },
      pullRequests: {
        type: "PullRequestConnection!",
        args: {
          ...connectionArgs,
          orderBy: "IssueOrder",
          states: "[PullRequestState!]",
          labels: "[String!]",
          headRefName: "String",
          baseRefName: "String",
        },
        connection: true,
        resolve: (v: RepoValue, args) => {
          const page = orderedIssues(v.repo, filterIssues([...v.repo.issues.values()], args, true), args);
          return wrapIssues(page, v.repo, "PullRequest");
        },
      },
      issue: {
        type: "Issue",
        args: { number: "Int!" },
        resolve: (v: RepoValue, args) => {
          const issue = v.repo.issues.get(Number(args.number));
          if (!issue || issue.pull) {
            throw new GraphqlFieldError(
              `Could not resolve to an Issue with the number of ${String(args.number)}.`,
              "NOT_FOUND",
            );
          }
          return { __typename: "Issue", repo: v.repo, issue };
        },
      },
      pullRequest: {
        type: "PullRequest",
        args: { number: "Int!" },
        resolve: (v: RepoValue, args) => {
          const issue = v.repo.issues.get(Number(args.number));
          if (!issue?.pull) {
            throw new GraphqlFieldError(
              `Could not resolve to a PullRequest with the number of ${String(args.number)}.`,
              "NOT_FOUND",
            );
          }
          return { __typename: "PullRequest", repo: v.repo, issue };
        },
      },
      deployments: {
        type: "DeploymentConnection!",
        args: { ...connectionArgs, orderBy: "DeploymentOrder", environments: "[String!]" },
        connection: true,
        resolve: (v: RepoValue, args) => {
          const order = (args.orderBy ?? null) as { direction?: string } | null;
          const direction = order?.direction === "DESC" ? -1 : 1;
          const environments = args.environments as string[] | null | undefined;
          const list = [...v.repo.deployments.values()].filter(
            (d) => !environments || environments.includes(d.environment),
          );
          const keyOf = (d: DeploymentValue): Key => [d.deployment.createdAt, d.deployment.id];
          const compare = (a: Key, b: Key) => direction * lex(a, b);
          const values = list.map((deployment) => ({ repo: v.repo, deployment }));
          values.sort((a, b) => compare(keyOf(a), keyOf(b)));
          return paginate(values, args, keyOf, compare);
        },
      },
    },
  },
  RepositoryOwner: { kind: "interface", possibleTypes: ["Organization", "User"], fields: actorFields() },
  Actor: { kind: "interface", possibleTypes: ACTOR_TYPES, fields: actorFields() },
  User: {
    kind: "object",
    interfaces: ["Actor", "RepositoryOwner"],
    fields: actorFields({
      id: { type: "ID!", resolve: (v: { user: SandboxUser }) => nodeId("User", v.user.id) },
      databaseId: { type: "Int", resolve: (v: { user: SandboxUser }) => v.user.id },
      name: { type: "String", resolve: (v: { user: SandboxUser }) => v.user.name },
    }),
  },
  Bot: {
    kind: "object",
    interfaces: ["Actor"],
    fields: actorFields({
      id: { type: "ID!", resolve: (v: { user: SandboxUser }) => nodeId("Bot", v.user.id) },
      databaseId: { type: "Int", resolve: (v: { user: SandboxUser }) => v.user.id },
    }),
  },
  Organization: {
    kind: "object",
    interfaces: ["Actor", "RepositoryOwner"],
    fields: actorFields({
      id: { type: "ID!", resolve: (v: { user: SandboxUser }) => nodeId("Organization", v.user.id) },
      databaseId: { type: "Int", resolve: (v: { user: SandboxUser }) => v.user.id },
      name: { type: "String", resolve: (v: { user: SandboxUser }) => v.user.name },
    }),
  },
  Mannequin: { kind: "object", interfaces: ["Actor"], fields: actorFields() },
  EnterpriseUserAccount: { kind: "object", interfaces: ["Actor"], fields: actorFields() },
  Team: {
    kind: "object",
    fields: {
      slug: { type: "String!", resolve: (v: { slug: string }) => v.slug },
      name: { type: "String!", resolve: (v: { slug: string }) => v.slug },
      combinedSlug: { type: "String!", resolve: (v: { slug: string; org: string }) => `${v.org}/${v.slug}` },
    },
  },
  RequestedReviewer: { kind: "union", possibleTypes: ["Bot", "Mannequin", "Team", "User"] },
  UserConnection: { kind: "object", fields: connectionType("User") },
  UserEdge: edgeType("User"),
  Label: {
    kind: "object",
    fields: {
      name: { type: "String!" },
      color: { type: "String!", resolve: () => "ededed" },
      id: {
        type: "ID!",
        resolve: (v: { repo: SandboxRepo; name: string }) => nodeId("Label", `${v.repo.id}:${v.name}`),
      },
    },
  },
  LabelConnection: { kind: "object", fields: connectionType("Label") },
  LabelEdge: edgeType("Label"),
  LabelOrderField: { kind: "enum", values: ["CREATED_AT", "NAME"] },
  Milestone: {
    kind: "object",
    fields: {
      id: { type: "ID!", resolve: (v: { milestone: { id: number } }) => nodeId("Milestone", v.milestone.id) },
      number: { type: "Int!", resolve: (v: { milestone: { number: number } }) => v.milestone.number },
      title: { type: "String!", resolve: (v: { milestone: { title: string } }) => v.milestone.title },
      dueOn: { type: "DateTime", resolve: (v: { milestone: { dueOn: string | null } }) => v.milestone.dueOn },
      state: {
        type: "MilestoneState!",
        resolve: (v: { milestone: { state: string } }) => v.milestone.state.toUpperCase(),
      },
    },
  },
  MilestoneState: { kind: "enum", values: ["CLOSED", "OPEN"] },
  Issue: {
    kind: "object",
    fields: {
      ...issueLikeFields(),
      state: {
        type: "IssueState!",
        resolve: (v: IssueValue) => (v.issue.state === "open" ? "OPEN" : "CLOSED"),
      },
      stateReason: {
        type: "IssueStateReason",
        args: { enableDuplicate: "Boolean" },
        resolve: (v: IssueValue) => v.issue.stateReason?.toUpperCase() ?? null,
      },
    },
  },
  IssueConnection: { kind: "object", fields: connectionType("Issue") },
  IssueEdge: edgeType("Issue"),
  PullRequest: {
    kind: "object",
    fields: {
      ...issueLikeFields(),
      state: { type: "PullRequestState!", resolve: (v: IssueValue) => toState(v.issue) },
      isDraft: { type: "Boolean!", resolve: (v: IssueValue) => v.issue.pull?.draft ?? false },
      merged: { type: "Boolean!", resolve: (v: IssueValue) => Boolean(v.issue.pull?.mergedAt) },
      mergedAt: { type: "DateTime", resolve: (v: IssueValue) => v.issue.pull?.mergedAt ?? null },
      mergedBy: {
        type: "Actor",
        resolve: (v: IssueValue, _a, ctx) => actor(ctx, v.issue.pull?.mergedBy ?? null),
      },
      headRefName: { type: "String!", resolve: (v: IssueValue) => v.issue.pull?.headRef },
      baseRefName: { type: "String!", resolve: (v: IssueValue) => v.issue.pull?.baseRef },
      headRefOid: { type: "GitObjectID!", resolve: (v: IssueValue) => v.issue.pull?.headSha },
      mergeCommit: {
        type: "Commit",
        resolve: (v: IssueValue) =>
          v.issue.pull?.mergeCommitSha ? { repo: v.repo, oid: v.issue.pull.mergeCommitSha } : null,
      },
      reviewDecision: {
        type: "PullRequestReviewDecision",
        resolve: (v: IssueValue, _a, ctx) => {
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
      },
      reviewRequests: {
        type: "ReviewRequestConnection",
        args: connectionArgs,
        connection: true,
        resolve: (v: IssueValue, args, ctx) => {
          const pull = v.issue.pull;
          const requests = [
            ...(pull?.requestedReviewers ?? []).map((login) => {
              const user = ctx.dataset.ensureUser(login);
              return { key: `u${user.id}`, reviewer: { __typename: user.type, user } };
            }),
            ...(pull?.requestedTeams ?? []).map((slug) => ({
              key: `t${slug}`,
              reviewer: { __typename: "Team", slug, org: v.repo.owner },
            })),
          ];
          return paginate(requests, args, (r) => [r.key], lex);
        },
      },
      reviews: {
        type: "PullRequestReviewConnection",
        args: { ...connectionArgs, states: "[PullRequestReviewState!]", author: "String" },
        connection: true,
        resolve: (v: IssueValue, args, ctx) => {
          const states = args.states as string[] | null | undefined;
          const list = visibleReviews(ctx, v.repo, v.issue.number).filter(
            (r) =>
              (!states || states.includes(r.state)) &&
              (typeof args.author !== "string" || r.author === args.author),
          );
          return paginate(
            list.map((review) => ({ repo: v.repo, review })),
            args,
            (r) => [r.review.id],
            lex,
          );
        },
      },
    },
  },
  PullRequestReviewDecision: { kind: "enum", values: ["APPROVED", "CHANGES_REQUESTED", "REVIEW_REQUIRED"] },
  PullRequestConnection: { kind: "object", fields: connectionType("PullRequest") },
  PullRequestEdge: edgeType("PullRequest"),
  ReviewRequest: {
    kind: "object",
    fields: {
      id: { type: "ID!", resolve: (v: { key: string }) => nodeId("ReviewRequest", v.key) },
      asCodeOwner: { type: "Boolean!", resolve: () => false },
      requestedReviewer: { type: "RequestedReviewer", resolve: (v: { reviewer: unknown }) => v.reviewer },
    },
  },
  ReviewRequestConnection: { kind: "object", fields: connectionType("ReviewRequest") },
  ReviewRequestEdge: edgeType("ReviewRequest"),
  PullRequestReview: {
    kind: "object",
    fields: {
      id: {
        type: "ID!",
        resolve: (v: { review: SandboxReview }) => nodeId("PullRequestReview", v.review.id),
      },
      databaseId: { type: "Int", resolve: (v: { review: SandboxReview }) => v.review.id },
      state: { type: "PullRequestReviewState!", resolve: (v: { review: SandboxReview }) => v.review.state },
      body: { type: "String!", resolve: (v: { review: SandboxReview }) => v.review.body },
      url: {
        type: "URI!",
        resolve: (v: { repo: SandboxRepo; review: SandboxReview }, _a, ctx) =>
          `${ctx.webUrl}/${v.repo.fullName}/pull/${v.review.pullNumber}#pullrequestreview-${v.review.id}`,
      },
      submittedAt: { type: "DateTime", resolve: (v: { review: SandboxReview }) => v.review.submittedAt },
      createdAt: { type: "DateTime!", resolve: (v: { review: SandboxReview }) => v.review.createdAt },
      updatedAt: { type: "DateTime!", resolve: (v: { review: SandboxReview }) => v.review.updatedAt },
      lastEditedAt: { type: "DateTime", resolve: () => null },
      author: {
        type: "Actor",
        resolve: (v: { review: SandboxReview }, _a, ctx) => actor(ctx, v.review.author),
      },
      authorAssociation: {
        type: "CommentAuthorAssociation!",
        resolve: (v: { repo: SandboxRepo; review: SandboxReview }) =>
          v.review.author === v.repo.owner ? "OWNER" : "MEMBER",
      },
    },
  },
  CommentAuthorAssociation: {
    kind: "enum",
    values: [
      "COLLABORATOR",
      "CONTRIBUTOR",
      "FIRST_TIMER",
      "FIRST_TIME_CONTRIBUTOR",
      "MANNEQUIN",
      "MEMBER",
      "NONE",
      "OWNER",
    ],
  },
  PullRequestReviewConnection: { kind: "object", fields: connectionType("PullRequestReview") },
  PullRequestReviewEdge: edgeType("PullRequestReview"),
  Commit: {
    kind: "object",
    fields: {
      oid: { type: "GitObjectID!", resolve: (v: { oid: string }) => v.oid },
      associatedPullRequests: {
        type: "PullRequestConnection",
        args: { ...connectionArgs, orderBy: "PullRequestOrder" },
        connection: true,
        resolve: (v: { repo: SandboxRepo; oid: string }, args) => {
          const list = [...v.repo.issues.values()]
            .filter((i) => i.pull && (i.pull.mergeCommitSha === v.oid || i.pull.headSha === v.oid))
            .sort(byId)
            .map((issue) => ({ __typename: "PullRequest" as const, repo: v.repo, issue }));
          return paginate(list, args, (p) => [p.issue.id], lex);
        },
      },
    },
  },
  PullRequestOrder: {
    kind: "input",
    fields: { field: "PullRequestOrderField!", direction: "OrderDirection!" },
  },
  PullRequestOrderField: { kind: "enum", values: ["CREATED_AT", "UPDATED_AT"] },
  Ref: {
    kind: "object",
    fields: {
      name: { type: "String!" },
      prefix: { type: "String!" },
      id: { type: "ID!", resolve: (v: { name: string }) => nodeId("Ref", v.name) },
    },
  },
  Deployment: {
    kind: "object",
    fields: {
      id: { type: "ID!", resolve: (v: DeploymentValue) => nodeId("Deployment", v.deployment.id) },
      databaseId: { type: "Int", resolve: (v: DeploymentValue) => v.deployment.id },
      commitOid: { type: "String!", resolve: (v: DeploymentValue) => v.deployment.sha },
      commit: { type: "Commit", resolve: (v: DeploymentValue) => ({ repo: v.repo, oid: v.deployment.sha }) },
      createdAt: { type: "DateTime!", resolve: (v: DeploymentValue) => v.deployment.createdAt },
      updatedAt: { type: "DateTime!", resolve: (v: DeploymentValue) => v.deployment.updatedAt },
      creator: { type: "Actor!", resolve: (v: DeploymentValue, _a, ctx) => actor(ctx, v.deployment.creator) },
      description: { type: "String", resolve: (v: DeploymentValue) => v.deployment.description },
      environment: { type: "String", resolve: (v: DeploymentValue) => v.deployment.environment },
      latestEnvironment: { type: "String", resolve: (v: DeploymentValue) => v.deployment.environment },
      originalEnvironment: { type: "String", resolve: (v: DeploymentValue) => v.deployment.environment },
      payload: { type: "String", resolve: () => "{}" },
      task: { type: "String", resolve: (v: DeploymentValue) => v.deployment.task },
      state: { type: "DeploymentState", resolve: (v: DeploymentValue) => deploymentState(v.deployment) },
      ref: {
        type: "Ref",
        resolve: (v: DeploymentValue) =>
          /^[0-9a-f]{40}$/.test(v.deployment.ref) ? null : { name: v.deployment.ref, prefix: "refs/heads/" },
      },
      latestStatus: {
        type: "DeploymentStatus",
        resolve: (v: DeploymentValue) => {
          const status = v.deployment.statuses[v.deployment.statuses.length - 1];
          return status ? { ...v, status } : null;
        },
      },
      statuses: {
        type: "DeploymentStatusConnection",
        args: connectionArgs,
        connection: true,
        resolve: (v: DeploymentValue, args) =>
          paginate(
            v.deployment.statuses.map((status) => ({ ...v, status })),
            args,
            (s) => [s.status.id],
            lex,
          ),
      },
    },
  },
  DeploymentConnection: { kind: "object", fields: connectionType("Deployment") },
  DeploymentEdge: edgeType("Deployment"),
  DeploymentStatus: {
    kind: "object",
    fields: {
      id: { type: "ID!", resolve: (v: StatusValue) => nodeId("DeploymentStatus", v.status.id) },
      state: { type: "DeploymentStatusState!", resolve: (v: StatusValue) => v.status.state.toUpperCase() },
      createdAt: { type: "DateTime!", resolve: (v: StatusValue) => v.status.createdAt },
      updatedAt: { type: "DateTime!", resolve: (v: StatusValue) => v.status.updatedAt },
      creator: { type: "Actor!", resolve: (v: StatusValue, _a, ctx) => actor(ctx, v.status.creator) },
      description: { type: "String", resolve: (v: StatusValue) => v.status.description || null },
      environment: { type: "String", resolve: (v: StatusValue) => v.status.environment },
      environmentUrl: { type: "URI", resolve: (v: StatusValue) => v.status.environmentUrl },
      logUrl: { type: "URI", resolve: (v: StatusValue) => v.status.logUrl },
      deployment: {
        type: "Deployment!",
        resolve: (v: StatusValue) => ({ repo: v.repo, deployment: v.deployment }),
      },
    },
  },
  DeploymentStatusConnection: { kind: "object", fields: connectionType("DeploymentStatus") },
  DeploymentStatusEdge: edgeType("DeploymentStatus"),
};

function wrapIssues(
  page: ReturnType<typeof paginate<SandboxIssue>>,
  repo: SandboxRepo,
  typename: "Issue" | "PullRequest",
) {
  const wrap = (issue: SandboxIssue): IssueValue => ({ __typename: typename, repo, issue });
  return {
    ...page,
    nodes: page.nodes.map(wrap),
    edges: page.edges.map((e) => ({ cursor: e.cursor, node: wrap(e.node) })),
  };
}
