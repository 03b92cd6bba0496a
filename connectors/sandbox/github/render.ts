/**
 * The sandbox's records in GitHub's REST shapes, field for field as the recorded responses in
 * `@octokit/fixtures` (issues) and `@octokit/webhooks-examples` (comments, review comments, pull requests,
 * reviews, deployments and their statuses, repositories, users) show them, and type-checked against the
 * official OpenAPI description (`@octokit/openapi-types`). `test/connectors/github/sandbox-shapes.test.ts`
 * compares the key sets with those recordings.
 */
import type { components } from "@octokit/openapi-types";
import type {
  GithubDataset,
  SandboxComment,
  SandboxDeployment,
  SandboxDeploymentStatus,
  SandboxIssue,
  SandboxMilestone,
  SandboxRepo,
  SandboxReview,
  SandboxReviewComment,
} from "./dataset.ts";

type Schemas = components["schemas"];

/** Where the sandbox answers: the API root links point at, and the web root `html_url`s point at. */
export interface RenderContext {
  dataset: GithubDataset;
  apiUrl: string;
  webUrl: string;
}

/** GitHub's legacy global node id: base64 of `0<length of type>:<Type><id>` (`MDQ6VXNlcjE=` is User 1). */
export function nodeId(type: string, id: number | string): string {
  return Buffer.from(`0${type.length}:${type}${id}`).toString("base64");
}

const EMPTY_REACTIONS = (url: string): Schemas["reaction-rollup"] => ({
  url,
  total_count: 0,
  "+1": 0,
  "-1": 0,
  laugh: 0,
  hooray: 0,
  confused: 0,
  heart: 0,
  rocket: 0,
  eyes: 0,
});

export function restUser(ctx: RenderContext, login: string): Schemas["simple-user"] {
  const user = ctx.dataset.ensureUser(login);
  const api = `${ctx.apiUrl}/users/${encodeURIComponent(user.login)}`;
  return {
    login: user.login,
    id: user.id,
    node_id: nodeId(user.type === "Bot" ? "Bot" : "User", user.id),
    avatar_url: `https://avatars.githubusercontent.com/u/${user.id}?v=4`,
    gravatar_id: "",
    url: api,
    html_url:
      user.type === "Bot"
        ? `${ctx.webUrl}/apps/${user.login.replace(/\[bot\]$/, "")}`
        : `${ctx.webUrl}/${user.login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: user.type,
    site_admin: false,
  };
}

const repoApi = (ctx: RenderContext, repo: SandboxRepo) => `${ctx.apiUrl}/repos/${repo.fullName}`;
const repoWeb = (ctx: RenderContext, repo: SandboxRepo) => `${ctx.webUrl}/${repo.fullName}`;

export function restLabel(ctx: RenderContext, repo: SandboxRepo, name: string): Schemas["label"] {
  let id = 0;
  for (const ch of `${repo.fullName}:${name}`) id = (Math.imul(id, 31) + ch.charCodeAt(0)) >>> 0;
  return {
    id,
    node_id: nodeId("Label", id),
    url: `${repoApi(ctx, repo)}/labels/${encodeURIComponent(name)}`,
    name,
    color: "ededed",
    default: false,
    description: null,
  };
}

function counts(repo: SandboxRepo, milestone: number) {
  let open = 0;
  let closed = 0;
  for (const issue of repo.issues.values()) {
    if (issue.milestone !== milestone) continue;
    if (issue.state === "open") open++;
    else closed++;
  }
  return { open, closed };
}

export function restMilestone(
  ctx: RenderContext,
  repo: SandboxRepo,
  milestone: SandboxMilestone,
): NonNullable<Schemas["nullable-milestone"]> {
  const { open, closed } = counts(repo, milestone.number);
  return {
    url: `${repoApi(ctx, repo)}/milestones/${milestone.number}`,
    html_url: `${repoWeb(ctx, repo)}/milestone/${milestone.number}`,
    labels_url: `${repoApi(ctx, repo)}/milestones/${milestone.number}/labels`,
    id: milestone.id,
    node_id: nodeId("Milestone", milestone.id),
    number: milestone.number,
    title: milestone.title,
    description: null,
    creator: restUser(ctx, repo.owner),
    open_issues: open,
    closed_issues: closed,
    state: milestone.state,
    created_at: milestone.createdAt,
    updated_at: milestone.createdAt,
    due_on: milestone.dueOn,
    closed_at: null,
  };
}

function commentCount(repo: SandboxRepo, number: number): number {
  let n = 0;
  for (const c of repo.comments.values()) if (c.issueNumber === number) n++;
  return n;
}

/**
 * An issue as `GET /repos/{owner}/{repo}/issues` lists it (a pull request too, with its `pull_request` key and
 * `draft`), keys in the order of the recorded `paginate-issues` scenario.
 */
export function restIssue(ctx: RenderContext, repo: SandboxRepo, issue: SandboxIssue): Schemas["issue"] {
  const api = `${repoApi(ctx, repo)}/issues/${issue.number}`;
  const milestone = issue.milestone !== null ? repo.milestones.get(issue.milestone) : undefined;
  const assignees = issue.assignees.map((login) => restUser(ctx, login));
  const rendered: Schemas["issue"] = {
    url: api,
    repository_url: repoApi(ctx, repo),
    labels_url: `${api}/labels{/name}`,
    comments_url: `${api}/comments`,
    events_url: `${api}/events`,
    html_url: `${repoWeb(ctx, repo)}/${issue.pull ? "pull" : "issues"}/${issue.number}`,
    id: issue.id,
    node_id: nodeId(issue.pull ? "PullRequest" : "Issue", issue.pull ? issue.pull.id : issue.id),
    number: issue.number,
    title: issue.title,
    user: restUser(ctx, issue.author),
    labels: issue.labels.map((name) => restLabel(ctx, repo, name)),
    state: issue.state,
    locked: issue.locked,
    assignee: assignees[0] ?? null,
    assignees,
    milestone: milestone ? restMilestone(ctx, repo, milestone) : null,
    comments: commentCount(repo, issue.number),
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: issue.closedAt,
    author_association: issue.author === repo.owner ? "OWNER" : "MEMBER",
    active_lock_reason: null,
    body: issue.body,
    reactions: EMPTY_REACTIONS(`${api}/reactions`),
    timeline_url: `${api}/timeline`,
    performed_via_github_app: null,
    state_reason: issue.stateReason,
  };
  if (issue.pull) {
    rendered.draft = issue.pull.draft;
    rendered.pull_request = {
      url: `${repoApi(ctx, repo)}/pulls/${issue.number}`,
      html_url: `${repoWeb(ctx, repo)}/pull/${issue.number}`,
      diff_url: `${repoWeb(ctx, repo)}/pull/${issue.number}.diff`,
      patch_url: `${repoWeb(ctx, repo)}/pull/${issue.number}.patch`,
      merged_at: issue.pull.mergedAt,
    };
  }
  return rendered;
}

/** An issue comment as `GET /repos/{owner}/{repo}/issues/comments` lists it. */
export function restIssueComment(
  ctx: RenderContext,
  repo: SandboxRepo,
  comment: SandboxComment,
): Schemas["issue-comment"] {
  const url = `${repoApi(ctx, repo)}/issues/comments/${comment.id}`;
  const issue = repo.issues.get(comment.issueNumber);
  return {
    url,
    html_url: `${repoWeb(ctx, repo)}/${issue?.pull ? "pull" : "issues"}/${comment.issueNumber}#issuecomment-${comment.id}`,
    issue_url: `${repoApi(ctx, repo)}/issues/${comment.issueNumber}`,
    id: comment.id,
    node_id: nodeId("IssueComment", comment.id),
    user: restUser(ctx, comment.author),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    author_association: comment.author === repo.owner ? "OWNER" : "MEMBER",
    body: comment.body,
    reactions: EMPTY_REACTIONS(`${url}/reactions`),
    performed_via_github_app: null,
  };
}

/** A review comment as `GET /repos/{owner}/{repo}/pulls/comments` lists it. */
export function restReviewComment(
  ctx: RenderContext,
  repo: SandboxRepo,
  comment: SandboxReviewComment,
): Schemas["pull-request-review-comment"] {
  const url = `${repoApi(ctx, repo)}/pulls/comments/${comment.id}`;
  const pullUrl = `${repoApi(ctx, repo)}/pulls/${comment.pullNumber}`;
  const html = `${repoWeb(ctx, repo)}/pull/${comment.pullNumber}#discussion_r${comment.id}`;
  const rendered: Schemas["pull-request-review-comment"] = {
    url,
    pull_request_review_id: comment.reviewId,
    id: comment.id,
    node_id: nodeId("PullRequestReviewComment", comment.id),
    diff_hunk: `@@ -${comment.line},3 +${comment.line},3 @@`,
    path: comment.path,
    position: comment.line,
    original_position: comment.line,
    commit_id: comment.commitId,
    original_commit_id: comment.commitId,
    user: restUser(ctx, comment.author),
    body: comment.body,
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    html_url: html,
    pull_request_url: pullUrl,
    author_association: comment.author === repo.owner ? "OWNER" : "MEMBER",
    _links: { self: { href: url }, html: { href: html }, pull_request: { href: pullUrl } },
    reactions: EMPTY_REACTIONS(`${url}/reactions`),
    start_line: null,
    original_start_line: null,
    start_side: null,
    line: comment.line,
    original_line: comment.line,
    side: "RIGHT",
    subject_type: "line",
  };
  if (comment.inReplyToId !== null) rendered.in_reply_to_id = comment.inReplyToId;
  return rendered;
}

/** A review as `GET /repos/{owner}/{repo}/pulls/{n}/reviews` lists it (webhooks send `state` in lower case). */
export function restReview(
  ctx: RenderContext,
  repo: SandboxRepo,
  review: SandboxReview,
): Schemas["pull-request-review"] {
  const html = `${repoWeb(ctx, repo)}/pull/${review.pullNumber}#pullrequestreview-${review.id}`;
  const pullUrl = `${repoApi(ctx, repo)}/pulls/${review.pullNumber}`;
  const rendered: Schemas["pull-request-review"] = {
    id: review.id,
    node_id: nodeId("PullRequestReview", review.id),
    user: restUser(ctx, review.author),
    body: review.body,
    commit_id: review.commitId,
    state: review.state,
    html_url: html,
    pull_request_url: pullUrl,
    author_association: review.author === repo.owner ? "OWNER" : "MEMBER",
    _links: { html: { href: html }, pull_request: { href: pullUrl } },
  };
  if (review.submittedAt) rendered.submitted_at = review.submittedAt;
  return rendered;
}

/** A deployment as `GET /repos/{owner}/{repo}/deployments` lists it. */
export function restDeployment(
  ctx: RenderContext,
  repo: SandboxRepo,
  deployment: SandboxDeployment,
): Schemas["deployment"] {
  const url = `${repoApi(ctx, repo)}/deployments/${deployment.id}`;
  return {
    url,
    id: deployment.id,
    node_id: nodeId("Deployment", deployment.id),
    sha: deployment.sha,
    ref: deployment.ref,
    task: deployment.task,
    payload: {},
    original_environment: deployment.environment,
    environment: deployment.environment,
    description: deployment.description,
    creator: restUser(ctx, deployment.creator),
    created_at: deployment.createdAt,
    updated_at: deployment.updatedAt,
    statuses_url: `${url}/statuses`,
    repository_url: repoApi(ctx, repo),
    performed_via_github_app: null,
  };
}

/** A deployment status as `GET /repos/{owner}/{repo}/deployments/{id}/statuses` lists it. */
export function restDeploymentStatus(
  ctx: RenderContext,
  repo: SandboxRepo,
  deployment: SandboxDeployment,
  status: SandboxDeploymentStatus,
): Schemas["deployment-status"] {
  const deploymentUrl = `${repoApi(ctx, repo)}/deployments/${deployment.id}`;
  return {
    url: `${deploymentUrl}/statuses/${status.id}`,
    id: status.id,
    node_id: nodeId("DeploymentStatus", status.id),
    state: status.state,
    creator: restUser(ctx, status.creator),
    description: status.description,
    environment: status.environment,
    target_url: status.logUrl ?? "",
    created_at: status.createdAt,
    updated_at: status.updatedAt,
    deployment_url: deploymentUrl,
    repository_url: repoApi(ctx, repo),
    environment_url: status.environmentUrl ?? "",
    log_url: status.logUrl ?? "",
    performed_via_github_app: null,
  };
}

/** A repository, as `GET /repos/{owner}/{repo}` and webhook payloads show it (the recorded key set). */
export function restRepository(ctx: RenderContext, repo: SandboxRepo): Record<string, unknown> {
  const api = repoApi(ctx, repo);
  const web = repoWeb(ctx, repo);
  let openIssues = 0;
  for (const issue of repo.issues.values()) if (issue.state === "open") openIssues++;
  const host = new URL(ctx.webUrl).host;
  return {
    id: repo.id,
    node_id: nodeId("Repository", repo.id),
    name: repo.name,
    full_name: repo.fullName,
    private: repo.private,
    owner: restUser(ctx, repo.owner),
    html_url: web,
    description: null,
    fork: false,
    url: api,
    forks_url: `${api}/forks`,
    keys_url: `${api}/keys{/key_id}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    teams_url: `${api}/teams`,
    hooks_url: `${api}/hooks`,
    issue_events_url: `${api}/issues/events{/number}`,
    events_url: `${api}/events`,
    assignees_url: `${api}/assignees{/user}`,
    branches_url: `${api}/branches{/branch}`,
    tags_url: `${api}/tags`,
    blobs_url: `${api}/git/blobs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    trees_url: `${api}/git/trees{/sha}`,
    statuses_url: `${api}/statuses/{sha}`,
    languages_url: `${api}/languages`,
    stargazers_url: `${api}/stargazers`,
    contributors_url: `${api}/contributors`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    commits_url: `${api}/commits{/sha}`,
    git_commits_url: `${api}/git/commits{/sha}`,
    comments_url: `${api}/comments{/number}`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    contents_url: `${api}/contents/{+path}`,
    compare_url: `${api}/compare/{base}...{head}`,
    merges_url: `${api}/merges`,
    archive_url: `${api}/{archive_format}{/ref}`,
    downloads_url: `${api}/downloads`,
    issues_url: `${api}/issues{/number}`,
    pulls_url: `${api}/pulls{/number}`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    labels_url: `${api}/labels{/name}`,
    releases_url: `${api}/releases{/id}`,
    deployments_url: `${api}/deployments`,
    created_at: repo.createdAt,
    updated_at: repo.createdAt,
    pushed_at: repo.createdAt,
    git_url: `git://${host}/${repo.fullName}.git`,
    ssh_url: `git@${host}:${repo.fullName}.git`,
    clone_url: `${web}.git`,
    svn_url: web,
    homepage: null,
    size: 0,
    stargazers_count: 0,
    watchers_count: 0,
    language: null,
    has_issues: true,
    has_projects: true,
    has_downloads: true,
    has_wiki: true,
    has_pages: false,
    forks_count: 0,
    mirror_url: null,
    archived: false,
    disabled: false,
    open_issues_count: openIssues,
    license: null,
    forks: 0,
    open_issues: openIssues,
    watchers: 0,
    default_branch: repo.defaultBranch,
  };
}

/** The head or base of a pull request in REST (`label`, `ref`, `sha`, `user`, `repo`). */
function restBranch(ctx: RenderContext, repo: SandboxRepo, ref: string, sha: string) {
  return {
    label: `${repo.owner}:${ref}`,
    ref,
    sha,
    user: restUser(ctx, repo.owner),
    repo: restRepository(ctx, repo),
  };
}

/** A pull request as `GET /repos/{owner}/{repo}/pulls/{n}` and the `pull_request` webhook show it. */
export function restPullRequest(
  ctx: RenderContext,
  repo: SandboxRepo,
  issue: SandboxIssue,
): Record<string, unknown> {
  const pull = issue.pull;
  if (!pull) throw new Error(`[sandbox] [github] ${repo.fullName}#${issue.number} is not a pull request`);
  const api = `${repoApi(ctx, repo)}/pulls/${issue.number}`;
  const issueApi = `${repoApi(ctx, repo)}/issues/${issue.number}`;
  const html = `${repoWeb(ctx, repo)}/pull/${issue.number}`;
  const milestone = issue.milestone !== null ? repo.milestones.get(issue.milestone) : undefined;
  const assignees = issue.assignees.map((login) => restUser(ctx, login));
  let reviewComments = 0;
  for (const c of repo.reviewComments.values()) if (c.pullNumber === issue.number) reviewComments++;
  return {
    url: api,
    id: pull.id,
    node_id: nodeId("PullRequest", pull.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: issueApi,
    number: issue.number,
    state: issue.state,
    locked: issue.locked,
    title: issue.title,
    user: restUser(ctx, issue.author),
    body: issue.body,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: issue.closedAt,
    merged_at: pull.mergedAt,
    merge_commit_sha: pull.mergeCommitSha,
    assignee: assignees[0] ?? null,
    assignees,
    requested_reviewers: pull.requestedReviewers.map((login) => restUser(ctx, login)),
    requested_teams: pull.requestedTeams.map((slug, i) => ({
      name: slug,
      id: 900 + i,
      node_id: nodeId("Team", 900 + i),
      slug,
      description: null,
      privacy: "closed",
      url: `${ctx.apiUrl}/teams/${900 + i}`,
      html_url: `${ctx.webUrl}/orgs/${repo.owner}/teams/${slug}`,
      members_url: `${ctx.apiUrl}/teams/${900 + i}/members{/member}`,
      repositories_url: `${ctx.apiUrl}/teams/${900 + i}/repos`,
      permission: "pull",
    })),
    labels: issue.labels.map((name) => restLabel(ctx, repo, name)),
    milestone: milestone ? restMilestone(ctx, repo, milestone) : null,
    commits_url: `${api}/commits`,
    review_comments_url: `${api}/comments`,
    review_comment_url: `${repoApi(ctx, repo)}/pulls/comments{/number}`,
    comments_url: `${issueApi}/comments`,
    statuses_url: `${repoApi(ctx, repo)}/statuses/${pull.headSha}`,
    head: restBranch(ctx, repo, pull.headRef, pull.headSha),
    base: restBranch(ctx, repo, pull.baseRef, fakeBaseSha(repo, pull.baseRef)),
    _links: {
      self: { href: api },
      html: { href: html },
      issue: { href: issueApi },
      comments: { href: `${issueApi}/comments` },
      review_comments: { href: `${api}/comments` },
      review_comment: { href: `${repoApi(ctx, repo)}/pulls/comments{/number}` },
      commits: { href: `${api}/commits` },
      statuses: { href: `${repoApi(ctx, repo)}/statuses/${pull.headSha}` },
    },
    author_association: issue.author === repo.owner ? "OWNER" : "MEMBER",
    draft: pull.draft,
    merged: pull.mergedAt !== null,
    mergeable: pull.mergedAt === null ? true : null,
    rebaseable: pull.mergedAt === null ? true : null,
    mergeable_state: pull.mergedAt === null ? "clean" : "unknown",
    merged_by: pull.mergedBy ? restUser(ctx, pull.mergedBy) : null,
    comments: commentCount(repo, issue.number),
    review_comments: reviewComments,
    maintainer_can_modify: false,
    commits: 1,
    additions: 1,
    deletions: 0,
    changed_files: 1,
  };
}

function fakeBaseSha(repo: SandboxRepo, ref: string): string {
  return Buffer.from(`${repo.fullName}:${ref}`).toString("hex").padEnd(40, "0").slice(0, 40);
}
