/**
 * Zod schemas of the parts of Jira's answers this connector reads, for both REST v3 (Cloud: bodies in
 * Atlassian Document Format) and v2 (Data Center, and Cloud's webhooks: bodies in wiki markup). Unknown
 * keys are ignored here and kept in the raw records.
 *
 * Shapes: https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/ ·
 * …/api-group-issue-comments/ · …/api-group-issues/#api-rest-api-3-issue-issueidorkey-changelog-get ·
 * https://docs.atlassian.com/software/jira/docs/api/REST/9.12.0/ · jira.js 5.4 `Version3Models`.
 */
import { z } from "zod";
import { ResponseValueSchema } from "../kit/response-value.ts";

/** `2024-09-12T19:21:32.992+0000` (the asking user's zone, no colon in the offset) or ISO 8601. */
export const JiraTimeSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/, "a Jira date-time")
  .transform((s) => new Date(s.replace(/([+-]\d{2})(\d{2})$/, "$1:$2")));

/** Cloud names users by `accountId`; Data Center by `name` (username) and `key`. */
export const JiraUserSchema = z.object({
  accountId: z.string().optional(),
  name: z.string().optional(),
  key: z.string().optional(),
  emailAddress: z.string().nullish(),
  displayName: z.string().nullish(),
  accountType: z.string().optional(),
  active: z.boolean().optional(),
});
export type JiraUser = z.infer<typeof JiraUserSchema>;

/** A node of the Atlassian Document Format. */
export interface JiraAdfNode {
  type: string;
  text?: string | undefined;
  attrs?: Record<string, unknown> | undefined;
  marks?: Array<{ type: string; attrs?: Record<string, unknown> | undefined }> | undefined;
  content?: JiraAdfNode[] | undefined;
}

export const JiraAdfNodeSchema: z.ZodType<JiraAdfNode> = z.object({
  type: z.string(),
  text: z.string().optional(),
  attrs: z.record(z.string(), z.unknown()).optional(),
  marks: z
    .array(z.object({ type: z.string(), attrs: z.record(z.string(), z.unknown()).optional() }))
    .optional(),
  get content() {
    return z.array(JiraAdfNodeSchema).optional();
  },
});

/** A body or description: ADF on v3, wiki markup text on v2. */
export const JiraBodySchema = z.union([z.string(), JiraAdfNodeSchema]).nullish();

/** A comment's id alone: what a full comment list says is still there. */
export const JiraCommentRefSchema = z.object({ id: z.string() });

export const JiraCommentSchema = z.object({
  id: z.string(),
  self: z.string().optional(),
  author: JiraUserSchema.nullish(),
  updateAuthor: JiraUserSchema.nullish(),
  body: JiraBodySchema,
  created: JiraTimeSchema,
  updated: JiraTimeSchema.optional(),
});
export type JiraComment = z.infer<typeof JiraCommentSchema>;

export const JiraChangeItemSchema = z.object({
  field: z.string(),
  fieldId: z.string().optional(),
  from: z.string().nullish(),
  fromString: z.string().nullish(),
  to: z.string().nullish(),
  toString: z.string().nullish(),
});

/** One change history entry: who changed which fields when. Webhooks send its id as a number sometimes. */
export const JiraHistorySchema = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  author: JiraUserSchema.nullish(),
  created: JiraTimeSchema,
  items: z.array(JiraChangeItemSchema),
});
export type JiraHistory = z.infer<typeof JiraHistorySchema>;

const JiraLinkedIssueSchema = z.object({ id: z.string().optional(), key: z.string() });

export const JiraIssueLinkSchema = z.object({
  type: z.object({
    name: z.string().optional(),
    inward: z.string().optional(),
    outward: z.string().optional(),
  }),
  inwardIssue: JiraLinkedIssueSchema.optional(),
  outwardIssue: JiraLinkedIssueSchema.optional(),
});

/** The embedded comment page of a search answer: at most 20 comments on Cloud's enhanced search. */
export const JiraCommentPageSchema = z.object({
  comments: z.array(ResponseValueSchema),
  total: z.number().int(),
  startAt: z.number().int().optional(),
  maxResults: z.number().int().optional(),
});

/** The embedded changelog (`expand=changelog`): Cloud's newest 40 first; Data Center's every one. */
export const JiraEmbeddedChangelogSchema = z.object({
  histories: z.array(ResponseValueSchema),
  total: z.number().int(),
  startAt: z.number().int().optional(),
  maxResults: z.number().int().optional(),
});

export const JiraIssueFieldsSchema = z.object({
  summary: z.string(),
  status: z.object({
    name: z.string(),
    statusCategory: z.object({ key: z.string() }).optional(),
  }),
  assignee: JiraUserSchema.nullish(),
  reporter: JiraUserSchema.nullish(),
  creator: JiraUserSchema.nullish(),
  labels: z.array(z.string()).optional(),
  priority: z.object({ name: z.string() }).nullish(),
  issuelinks: z.array(JiraIssueLinkSchema).optional(),
  fixVersions: z.array(z.object({ name: z.string() })).optional(),
  issuetype: z.object({ name: z.string() }).nullish(),
  project: z.object({ key: z.string() }).nullish(),
  duedate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .nullish(),
  created: JiraTimeSchema,
  updated: JiraTimeSchema,
  description: JiraBodySchema,
  comment: JiraCommentPageSchema.optional(),
});

export const JiraIssueSchema = z.object({
  id: z.string(),
  key: z.string(),
  self: z.string().optional(),
  fields: JiraIssueFieldsSchema,
  changelog: JiraEmbeddedChangelogSchema.optional(),
});
export type JiraIssue = z.infer<typeof JiraIssueSchema>;

/** `GET /rest/api/3/search/jql`: `nextPageToken` only while there is a next page; `isLast` on newer sites. */
export const JiraEnhancedSearchPageSchema = z.object({
  issues: z.array(ResponseValueSchema).default([]),
  nextPageToken: z.string().nullish(),
  isLast: z.boolean().optional(),
});

/** `GET /rest/api/2/search` (Data Center): offset pages with a total. */
export const JiraOffsetSearchPageSchema = z.object({
  issues: z.array(ResponseValueSchema).default([]),
  startAt: z.number().int(),
  maxResults: z.number().int(),
  total: z.number().int(),
});

/** `GET /rest/api/{2,3}/issue/{key}/comment`. */
export const JiraCommentsPageSchema = z.object({
  comments: z.array(ResponseValueSchema),
  startAt: z.number().int(),
  maxResults: z.number().int(),
  total: z.number().int(),
});

/** `GET /rest/api/3/issue/{key}/changelog`: oldest first. */
export const JiraChangelogPageSchema = z.object({
  values: z.array(ResponseValueSchema),
  startAt: z.number().int(),
  maxResults: z.number().int(),
  total: z.number().int(),
  isLast: z.boolean().optional(),
});

/** `POST /rest/api/3/changelog/bulkfetch`: histories of several issues, oldest first; no token on the last page. */
export const JiraBulkChangelogPageSchema = z.object({
  issueChangeLogs: z
    .array(z.object({ issueId: z.string(), changeHistories: z.array(ResponseValueSchema).optional() }))
    .optional(),
  nextPageToken: z.string().nullish(),
});

/** Issue id and key only (`fields=id`), for the deletion check and for moved issues. */
export const JiraIssueRefSchema = z.object({
  id: z.string(),
  key: z.string().optional(),
  fields: z.object({ project: z.object({ key: z.string() }).nullish() }).optional(),
});

export const JiraProjectSchema = z.object({ id: z.string(), key: z.string(), name: z.string().optional() });

/** `GET /rest/api/3/project/search`. */
export const JiraProjectPageSchema = z.object({
  values: z.array(JiraProjectSchema),
  startAt: z.number().int(),
  maxResults: z.number().int(),
  total: z.number().int().optional(),
  isLast: z.boolean().optional(),
});

/** `GET /rest/api/2/serverInfo`: `deploymentType` is `Cloud` on Cloud, `Server` on Data Center. */
export const JiraServerInfoSchema = z.object({
  /** The site's own address (`https://your-domain.atlassian.net`), also behind the API gateway. */
  baseUrl: z.string().optional(),
  deploymentType: z.string().optional(),
  version: z.string().optional(),
});

/** Jira's error body. */
export const JiraErrorBodySchema = z.object({
  errorMessages: z.array(z.string()).optional(),
  errors: z.record(z.string(), z.string()).optional(),
  message: z.string().optional(),
});

// ---------------------------------------------------------------------------------------------------------
// Writing back: what the write calls answer
// ---------------------------------------------------------------------------------------------------------

/** A comment with its entity properties (`expand=properties`, and the answer of add comment). */
export const JiraCommentWithPropertiesSchema = z.object({
  id: z.string(),
  properties: z.array(z.object({ key: z.string(), value: z.unknown() })).optional(),
});

/** `GET /issue/{key}/comment`: the comments' ids and authors (properties are not in this answer). */
export const JiraCommentIdsPageSchema = z.object({
  comments: z.array(z.object({ id: z.string(), author: JiraUserSchema.nullish() })),
});

/** `POST /comment/list?expand=properties` (Get comments by IDs, Cloud): a page of comments. */
export const JiraCommentListSchema = z.object({
  values: z.array(JiraCommentWithPropertiesSchema),
});

/** One entity property (`GET /comment/{id}/properties/{key}`). */
export const JiraEntityPropertySchema = z.object({ key: z.string(), value: z.unknown() });

const JiraStatusCategoryRefSchema = z.object({ key: z.string().optional() }).optional();

/** `GET /issue/{key}/transitions`: the transitions the account can do now, with the status each leads to. */
export const JiraTransitionsSchema = z.object({
  transitions: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      to: z.object({ name: z.string(), statusCategory: JiraStatusCategoryRefSchema }).optional(),
    }),
  ),
});

/** `GET /issue/{key}?fields=status,assignee` (and `expand=changelog`). */
export const JiraIssueStateSchema = z.object({
  key: z.string(),
  fields: z.object({
    status: z.object({ name: z.string(), statusCategory: JiraStatusCategoryRefSchema }).optional(),
    assignee: JiraUserSchema.nullish(),
  }),
  changelog: z.object({ histories: z.array(JiraHistorySchema) }).optional(),
});

/** `GET /mypermissions`: `havePermission` of each permission asked. */
export const JiraMyPermissionsSchema = z.object({
  permissions: z.record(z.string(), z.object({ havePermission: z.boolean(), name: z.string().optional() })),
});

/** `GET https://api.atlassian.com/oauth/token/accessible-resources`. */
export const JiraAccessibleResourcesSchema = z.array(
  z.object({ id: z.string(), url: z.string(), scopes: z.array(z.string()) }),
);
