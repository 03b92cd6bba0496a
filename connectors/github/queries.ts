/**
 * The GraphQL the connector sends (docs.github.com/en/graphql/reference). One query reads a page of a
 * repository's issues, pull requests (each with up to 100 reviews and its review requests) and deployments
 * (each with its statuses and the pull requests of its commit), so a pass costs one request per 100 of the
 * largest of the three; `@include` drops a connection once it is read to the end.
 *
 * Nested page sizes set the point cost (GitHub counts `first` or `last` of every connection, per parent):
 * labels 20, assignees 10, review requests 20, reviews 100, review threads 20 (each with its first comment, whose
 * id names the thread as the REST review comments do), commits 10, statuses 20, associated pull requests 5 —
 * about 30 points a page of 100 (the threads' first comments are 2,000 of its 3,000 requests). Lists longer
 * than those are cut, except reviews, which `PULL_REQUEST_REVIEWS_QUERY` pages on.
 *
 * Review threads are read only to learn which are resolved (`PullRequestReviewThread.isResolved`, which REST
 * does not show: docs.github.com/en/graphql/reference/objects#pullrequestreviewthread); a pull request with
 * more than 20 threads has the rest taken as unresolved.
 *
 * People: every account is read with its numeric `databaseId` (User, Bot, Mannequin and Organization have one;
 * an `EnterpriseUserAccount` has none), and a User with the addresses GitHub shows: `email` (the public profile
 * email, "" when not public), `organizationVerifiedDomainEmails(login: $org)` (the user's verified addresses on
 * the organization's verified domains, which GitHub shows only to a viewer allowed to see them; the connector
 * drops the field after a refusal, see `pull.ts`) and, for a pull request's last commits, the git author email
 * where GitHub linked it to an account (`author.user`, which it does only for an address the account verified).
 */

const USER = `
fragment ThreadlineUser on User {
  databaseId
  login
  name
  email
  organizationVerifiedDomainEmails(login: $org) @include(if: $withOrgEmails)
}`;

const ACTOR = `
fragment ThreadlineActor on Actor {
  __typename
  login
  ...ThreadlineUser
  ... on Bot { databaseId }
  ... on Mannequin { databaseId }
  ... on Organization { databaseId name }
}`;

const REVIEW = `
fragment ThreadlineReview on PullRequestReview {
  databaseId
  state
  body
  url
  submittedAt
  createdAt
  author { ...ThreadlineActor }
}`;

const DEPLOYMENT_STATUS = `
fragment ThreadlineDeploymentStatus on DeploymentStatus {
  id
  state
  description
  logUrl
  environmentUrl
  createdAt
  updatedAt
  creator { ...ThreadlineActor }
}`;

export const REPOSITORY_QUERY = `
query ThreadlineRepository(
  $owner: String!
  $name: String!
  $withIssues: Boolean!
  $issuesFirst: Int!
  $issuesAfter: String
  $issuesSince: DateTime
  $withPulls: Boolean!
  $pullsFirst: Int!
  $pullsAfter: String
  $withDeployments: Boolean!
  $deploymentsFirst: Int!
  $deploymentsAfter: String
  $org: String!
  $withOrgEmails: Boolean!
) {
  rateLimit { cost remaining resetAt }
  repository(owner: $owner, name: $name) {
    issues(
      first: $issuesFirst
      after: $issuesAfter
      orderBy: { field: UPDATED_AT, direction: DESC }
      filterBy: { since: $issuesSince }
    ) @include(if: $withIssues) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        number
        title
        body
        state
        stateReason
        url
        createdAt
        updatedAt
        closedAt
        author { ...ThreadlineActor }
        assignees(first: 10) { nodes { ...ThreadlineUser } }
        labels(first: 20) { nodes { name } }
        milestone { title dueOn }
      }
    }
    pullRequests(
      first: $pullsFirst
      after: $pullsAfter
      orderBy: { field: UPDATED_AT, direction: DESC }
    ) @include(if: $withPulls) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        number
        title
        body
        state
        isDraft
        merged
        mergedAt
        url
        createdAt
        updatedAt
        closedAt
        headRefName
        baseRefName
        headRefOid
        mergeCommit { oid }
        author { ...ThreadlineActor }
        mergedBy { ...ThreadlineActor }
        assignees(first: 10) { nodes { ...ThreadlineUser } }
        labels(first: 20) { nodes { name } }
        milestone { title dueOn }
        reviewRequests(first: 20) {
          nodes {
            requestedReviewer {
              __typename
              ...ThreadlineUser
              ... on Bot { login databaseId }
              ... on Mannequin { login databaseId }
              ... on Team { slug }
            }
          }
        }
        commits(last: 10) { nodes { commit { author { email name user { ...ThreadlineUser } } } } }
        reviews(first: 100) {
          totalCount
          pageInfo { hasNextPage endCursor }
          nodes { ...ThreadlineReview }
        }
        reviewThreads(first: 20) {
          nodes { isResolved comments(first: 1) { nodes { databaseId } } }
        }
      }
    }
    deployments(
      first: $deploymentsFirst
      after: $deploymentsAfter
      orderBy: { field: CREATED_AT, direction: DESC }
    ) @include(if: $withDeployments) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        databaseId
        environment
        description
        task
        createdAt
        commitOid
        ref { name }
        creator { ...ThreadlineActor }
        commit { associatedPullRequests(first: 5) { nodes { number } } }
        latestStatus { ...ThreadlineDeploymentStatus }
        statuses(first: 20) { nodes { ...ThreadlineDeploymentStatus } }
      }
    }
  }
}
${USER}
${ACTOR}
${REVIEW}
${DEPLOYMENT_STATUS}`;

/** The rest of a pull request's reviews, past the first 100. */
export const PULL_REQUEST_REVIEWS_QUERY = `
query ThreadlinePullRequestReviews(
  $owner: String!
  $name: String!
  $number: Int!
  $after: String
  $org: String!
  $withOrgEmails: Boolean!
) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      reviews(first: 100, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { ...ThreadlineReview }
      }
    }
  }
}
${USER}
${ACTOR}
${REVIEW}`;
