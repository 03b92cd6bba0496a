/**
 * The largest page each vendor documents, for the fewest requests a backfill could make. Kept apart from the
 * connectors' own page-size constants on purpose: a connector that regressed to smaller pages must score
 * above 1.0×, which it cannot if the minimum is computed from its own constants.
 */
export const VENDOR_PAGE_MAXIMA = {
  jira: {
    /**
     * `GET /rest/api/3/search/jql` `maxResults`: up to 5,000 only when asking for ids or keys; with fields the
     * API returns fewer, 100 a page in practice (Atlassian KB "Changing maxResults parameter for Jira Cloud
     * REST API"; developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search).
     */
    searchWithFields: 100,
    /** Comments embedded in a search result before a comment page is needed. */
    embeddedComments: 20,
    /** Changelog histories embedded in a search result before the bulk changelog is needed. */
    embeddedHistories: 40,
    /** `GET /rest/api/3/issue/{key}/comment` `maxResults`: up to 5,000. */
    comments: 5_000,
    /** `POST /rest/api/3/changelog/bulkfetch`: up to 1,000 histories a page. */
    bulkChangelogHistories: 1_000,
  },
  github: {
    /** REST `per_page` ≤ 100 (docs.github.com/en/rest/using-the-rest-api/using-pagination-in-the-rest-api). */
    perPage: 100,
    /** GraphQL connection `first` ≤ 100 (docs.github.com/en/graphql/overview/rate-limits-and-query-limits-for-the-graphql-api). */
    graphqlFirst: 100,
  },
  gmail: {
    /** `users.messages.list` `maxResults` ≤ 500 (developers.google.com/gmail/api/reference/rest/v1/users.messages/list). */
    listMaxResults: 500,
    /** A batch request holds ≤ 100 calls (developers.google.com/gmail/api/guides/batch). */
    batchCalls: 100,
    /** The same page: "larger batch sizes are likely to trigger rate limiting"; 50 is recommended. */
    recommendedBatchCalls: 50,
  },
  teams: {
    /** `GET /teams/{id}/channels/{id}/messages` `$top` ≤ 50 (learn.microsoft.com/graph/api/channel-list-messages). */
    messagesTop: 50,
    /** `$expand=replies` returns up to 1,000 replies (the same page). */
    expandedReplies: 1_000,
    /** `GET …/messages/{id}/replies` `$top` ≤ 50 (learn.microsoft.com/graph/api/chatmessage-list-replies). */
    repliesTop: 50,
    /** A `$filter` with `in` takes up to 15 values (learn.microsoft.com/graph/aad-advanced-queries). */
    filterInValues: 15,
  },
  slack: {
    /** `conversations.history` `limit` ≤ 999 for internal and Marketplace apps (docs.slack.dev/reference/methods/conversations.history). */
    historyLimit: 999,
    /** `conversations.replies` `limit`: cursor pagination's maximum, 999 (docs.slack.dev/apis/web-api/pagination). */
    repliesLimit: 999,
    /** `users.list` `limit`: cursor pagination's maximum, 999. */
    usersLimit: 999,
  },
} as const;
