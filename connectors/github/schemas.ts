/**
 * The fields Threadline reads of GitHub's answers, as zod schemas: GraphQL nodes as `queries.ts` selects them
 * (types from the published schema, github.com/octokit/graphql-schema), and REST objects of the list
 * endpoints and webhook payloads (docs.github.com/en/rest, docs.github.com/en/webhooks/webhook-events-and-payloads).
 * Unknown fields pass through untouched in the raw record; these schemas only check what is read.
 */
import { z } from "zod";

// ---------------------------------------------------------------------------------------------------------
// GraphQL
// ---------------------------------------------------------------------------------------------------------

/**
 * A `User` as `ThreadlineUser` selects it: `email` is "" when the address is not public, and
 * `organizationVerifiedDomainEmails` is absent once the connector stopped asking for it. Records stored before
 * these fields were read lack them all.
 */
export const GqlUserSchema = z.object({
  databaseId: z.number().int().nullish(),
  login: z.string(),
  name: z.string().nullish(),
  email: z.string().nullish(),
  organizationVerifiedDomainEmails: z.array(z.string()).nullish(),
});
export type GqlUser = z.infer<typeof GqlUserSchema>;

/** `Actor` with `__typename`: a Bot's `login` has no `[bot]` suffix in GraphQL. */
export const GqlActorSchema = GqlUserSchema.extend({ __typename: z.string() });
export type GqlActor = z.infer<typeof GqlActorSchema>;

const NodesOf = <T extends z.ZodType>(node: T) => z.object({ nodes: z.array(node.nullable()).nullish() });

const MilestoneSchema = z.object({ title: z.string(), dueOn: z.string().nullish() }).nullish();
const LabelsSchema = NodesOf(z.object({ name: z.string() })).nullish();
const AssigneesSchema = NodesOf(GqlUserSchema).nullish();

/** A commit's git author: `user` is the account GitHub linked the address to (an address it verified). */
const CommitsSchema = NodesOf(
  z.object({
    commit: z
      .object({
        author: z
          .object({ email: z.string().nullish(), name: z.string().nullish(), user: GqlUserSchema.nullish() })
          .nullish(),
      })
      .nullish(),
  }),
).nullish();

export const GqlIssueSchema = z.object({
  number: z.number().int(),
  title: z.string(),
  body: z.string().nullish(),
  state: z.enum(["OPEN", "CLOSED"]),
  stateReason: z.string().nullish(),
  url: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  closedAt: z.string().nullish(),
  author: GqlActorSchema.nullish(),
  assignees: AssigneesSchema,
  labels: LabelsSchema,
  milestone: MilestoneSchema,
});
export type GqlIssue = z.infer<typeof GqlIssueSchema>;

export const GqlRequestedReviewerSchema = GqlUserSchema.partial().extend({
  __typename: z.string(),
  login: z.string().optional(),
  slug: z.string().optional(),
});

export const GqlPullRequestSchema = z.object({
  number: z.number().int(),
  title: z.string(),
  body: z.string().nullish(),
  state: z.enum(["OPEN", "CLOSED", "MERGED"]),
  isDraft: z.boolean(),
  merged: z.boolean(),
  mergedAt: z.string().nullish(),
  url: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  closedAt: z.string().nullish(),
  headRefName: z.string(),
  baseRefName: z.string(),
  headRefOid: z.string().nullish(),
  mergeCommit: z.object({ oid: z.string() }).nullish(),
  author: GqlActorSchema.nullish(),
  mergedBy: GqlActorSchema.nullish(),
  assignees: AssigneesSchema,
  labels: LabelsSchema,
  milestone: MilestoneSchema,
  reviewRequests: NodesOf(z.object({ requestedReviewer: GqlRequestedReviewerSchema.nullish() })).nullish(),
  commits: CommitsSchema,
});
export type GqlPullRequest = z.infer<typeof GqlPullRequestSchema>;

export const GqlReviewSchema = z.object({
  databaseId: z.number().int(),
  state: z.enum(["APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED", "PENDING"]),
  body: z.string().nullish(),
  url: z.string(),
  submittedAt: z.string().nullish(),
  createdAt: z.string(),
  author: GqlActorSchema.nullish(),
});
export type GqlReview = z.infer<typeof GqlReviewSchema>;

/**
 * A pull request's review threads as `queries.ts` selects them: whether each is resolved, and its first comment,
 * whose `databaseId` is the REST `id` the thread's replies name as `in_reply_to_id`.
 */
export const GqlReviewThreadsSchema = NodesOf(
  z.object({
    isResolved: z.boolean(),
    comments: NodesOf(z.object({ databaseId: z.number().int().nullish() })).nullish(),
  }),
).nullish();

export const GqlDeploymentStatusSchema = z.object({
  id: z.string(),
  state: z.string(),
  description: z.string().nullish(),
  logUrl: z.string().nullish(),
  environmentUrl: z.string().nullish(),
  createdAt: z.string(),
  updatedAt: z.string(),
  creator: GqlActorSchema.nullish(),
});
export type GqlDeploymentStatus = z.infer<typeof GqlDeploymentStatusSchema>;

export const GqlDeploymentSchema = z.object({
  databaseId: z.number().int(),
  environment: z.string().nullish(),
  description: z.string().nullish(),
  task: z.string().nullish(),
  createdAt: z.string(),
  commitOid: z.string(),
  ref: z.object({ name: z.string() }).nullish(),
  creator: GqlActorSchema.nullish(),
  commit: z
    .object({ associatedPullRequests: NodesOf(z.object({ number: z.number().int() })).nullish() })
    .nullish(),
  latestStatus: GqlDeploymentStatusSchema.nullish(),
  statuses: NodesOf(GqlDeploymentStatusSchema).nullish(),
});
export type GqlDeployment = z.infer<typeof GqlDeploymentSchema>;

const PageInfoSchema = z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullish() });

const ConnectionSchema = z.object({
  totalCount: z.number().int().optional(),
  pageInfo: PageInfoSchema,
  nodes: z.array(z.unknown()),
});

/** The answer to `REPOSITORY_QUERY`; each connection is absent when it was not asked for. */
export const RepositoryPageSchema = z.object({
  rateLimit: z.object({ cost: z.number(), remaining: z.number(), resetAt: z.string() }).nullish(),
  repository: z
    .object({
      issues: ConnectionSchema.optional(),
      pullRequests: ConnectionSchema.optional(),
      deployments: ConnectionSchema.optional(),
    })
    .nullable(),
});

export const PullRequestReviewsPageSchema = z.object({
  repository: z
    .object({
      pullRequest: z.object({ reviews: ConnectionSchema.nullish() }).nullable(),
    })
    .nullable(),
});

// ---------------------------------------------------------------------------------------------------------
// REST
// ---------------------------------------------------------------------------------------------------------

/** `simple-user`: REST logins keep the `[bot]` suffix and say `type: "Bot"`. */
export const RestUserSchema = z.object({
  login: z.string(),
  id: z.number(),
  type: z.string().optional(),
  name: z.string().nullish(),
  email: z.string().nullish(),
});
export type RestUser = z.infer<typeof RestUserSchema>;

const RestLabelSchema = z.union([z.string(), z.object({ name: z.string().optional() })]);

export const RestIssueSchema = z.object({
  number: z.number().int(),
  title: z.string(),
  body: z.string().nullish(),
  state: z.enum(["open", "closed"]),
  state_reason: z.string().nullish(),
  html_url: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  closed_at: z.string().nullish(),
  user: RestUserSchema.nullable(),
  assignee: RestUserSchema.nullish(),
  assignees: z.array(RestUserSchema).nullish(),
  labels: z.array(RestLabelSchema),
  milestone: z.object({ title: z.string(), due_on: z.string().nullish() }).nullish(),
  draft: z.boolean().optional(),
  pull_request: z.object({ merged_at: z.string().nullish() }).optional(),
});
export type RestIssue = z.infer<typeof RestIssueSchema>;

export const RestPullRequestSchema = z.object({
  number: z.number().int(),
  title: z.string(),
  body: z.string().nullish(),
  state: z.enum(["open", "closed"]),
  html_url: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  closed_at: z.string().nullish(),
  merged_at: z.string().nullish(),
  merged: z.boolean().optional(),
  merge_commit_sha: z.string().nullish(),
  draft: z.boolean().optional(),
  user: RestUserSchema.nullable(),
  assignee: RestUserSchema.nullish(),
  assignees: z.array(RestUserSchema).nullish(),
  labels: z.array(RestLabelSchema),
  milestone: z.object({ title: z.string(), due_on: z.string().nullish() }).nullish(),
  merged_by: RestUserSchema.nullish(),
  requested_reviewers: z.array(RestUserSchema).nullish(),
  requested_teams: z.array(z.object({ slug: z.string() })).nullish(),
  head: z.object({ ref: z.string(), sha: z.string().nullish() }),
  base: z.object({ ref: z.string() }),
});
export type RestPullRequest = z.infer<typeof RestPullRequestSchema>;

export const RestIssueCommentSchema = z.object({
  id: z.number(),
  html_url: z.string(),
  issue_url: z.string(),
  body: z.string().nullish(),
  user: RestUserSchema.nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  reactions: z.record(z.string(), z.unknown()).optional(),
});
export type RestIssueComment = z.infer<typeof RestIssueCommentSchema>;

export const RestReviewCommentSchema = z.object({
  id: z.number(),
  pull_request_review_id: z.number().nullish(),
  in_reply_to_id: z.number().nullish(),
  html_url: z.string(),
  pull_request_url: z.string(),
  path: z.string(),
  line: z.number().nullish(),
  original_line: z.number().nullish(),
  body: z.string(),
  user: RestUserSchema.nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  reactions: z.record(z.string(), z.unknown()).optional(),
});
export type RestReviewComment = z.infer<typeof RestReviewCommentSchema>;

/** A review in a `pull_request_review` webhook: `state` in lower case there (`approved`), upper in REST lists. */
export const RestReviewSchema = z.object({
  id: z.number(),
  user: RestUserSchema.nullable(),
  body: z.string().nullish(),
  state: z.string(),
  html_url: z.string(),
  submitted_at: z.string().nullish(),
});
export type RestReview = z.infer<typeof RestReviewSchema>;

// ---------------------------------------------------------------------------------------------------------
// Webhooks
// ---------------------------------------------------------------------------------------------------------

export const WebhookEnvelopeSchema = z.object({
  action: z.string().optional(),
  repository: z.object({ full_name: z.string() }).optional(),
});

/**
 * A label added, as the webhook parser keeps it from an `issues` or `pull_request` delivery with the `labeled`
 * action: the issue's number, the label, who added it (`sender`) and the issue's `updated_at`.
 * docs.github.com/en/webhooks/webhook-events-and-payloads#issues
 */
export const LabeledSchema = z.object({
  number: z.number(),
  label: z.object({ name: z.string() }),
  sender: RestUserSchema.nullable(),
  at: z.string(),
  url: z.string().nullish(),
});
