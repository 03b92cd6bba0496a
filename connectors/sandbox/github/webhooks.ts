/**
 * Webhook deliveries as GitHub sends them: the event payloads of the recorded examples in
 * `@octokit/webhooks-examples` (`action`, the object, `repository`, `sender`), signed with
 * `X-Hub-Signature-256: sha256=<HMAC-SHA256 of the raw body>` and identified by `X-GitHub-Delivery`.
 * docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries ·
 * docs.github.com/en/webhooks/webhook-events-and-payloads
 */
import { randomUUID } from "node:crypto";
import { toHmacHex } from "../sign-delivery.ts";
import type { SandboxComment, SandboxRepo, SandboxReview, SandboxReviewComment } from "./dataset.ts";
import {
  nodeId,
  type RenderContext,
  restDeployment,
  restDeploymentStatus,
  restIssue,
  restIssueComment,
  restPullRequest,
  restRepository,
  restReview,
  restReviewComment,
  restUser,
} from "./render.ts";

/** A delivery: what reaches `POST /webhooks/github`. Header names in lower case. */
export interface WebhookDelivery {
  event: string;
  deliveryId: string;
  headers: Record<string, string>;
  body: string;
}

/** Signs `payload` as GitHub does; the same delivery id again is a redelivery. */
export function signWebhook(
  event: string,
  payload: unknown,
  secret: string,
  options: { deliveryId?: string; hookId?: number; targetId?: number } = {},
): WebhookDelivery {
  const body = JSON.stringify(payload);
  const deliveryId = options.deliveryId ?? randomUUID();
  return {
    event,
    deliveryId,
    body,
    headers: {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/sandbox",
      "x-github-event": event,
      "x-github-delivery": deliveryId,
      "x-github-hook-id": String(options.hookId ?? 4242),
      "x-github-hook-installation-target-type": "repository",
      "x-github-hook-installation-target-id": String(options.targetId ?? 0),
      "x-hub-signature": `sha1=${toHmacHex("sha1", secret, body)}`,
      "x-hub-signature-256": `sha256=${toHmacHex("sha256", secret, body)}`,
    },
  };
}

/** Payload builders over the sandbox's data, rendered with the sandbox's addresses. */
export class GithubWebhookPayloads {
  constructor(private readonly ctx: RenderContext) {}

  private repo(fullName: string): SandboxRepo {
    const [owner, name] = fullName.split("/");
    const repo = this.ctx.dataset.findRepo(owner ?? "", name ?? "");
    if (!repo) throw new Error(`[sandbox] [github] no repository ${fullName}`);
    return repo;
  }

  private envelope(repo: SandboxRepo, sender: string, body: Record<string, unknown>) {
    return { ...body, repository: restRepository(this.ctx, repo), sender: restUser(this.ctx, sender) };
  }

  /** `issues` (opened, edited, closed, reopened, assigned, labeled, deleted…). */
  issues(fullName: string, number: number, action: string, sender?: string) {
    const repo = this.repo(fullName);
    const issue = repo.issues.get(number);
    if (!issue) throw new Error(`[sandbox] [github] no issue ${fullName}#${number}`);
    return this.envelope(repo, sender ?? issue.author, { action, issue: restIssue(this.ctx, repo, issue) });
  }

  /** `issue_comment` (created, edited, deleted); pass the comment itself for `deleted`. */
  issueComment(fullName: string, comment: SandboxComment, action: "created" | "edited" | "deleted") {
    const repo = this.repo(fullName);
    const issue = repo.issues.get(comment.issueNumber);
    if (!issue) throw new Error(`[sandbox] [github] no issue ${fullName}#${comment.issueNumber}`);
    return this.envelope(repo, comment.author, {
      action,
      issue: restIssue(this.ctx, repo, issue),
      comment: restIssueComment(this.ctx, repo, comment),
    });
  }

  /** `pull_request` (opened, closed, reopened, edited, review_requested, ready_for_review…). */
  pullRequest(fullName: string, number: number, action: string, sender?: string) {
    const repo = this.repo(fullName);
    const issue = repo.issues.get(number);
    if (!issue?.pull) throw new Error(`[sandbox] [github] no pull request ${fullName}#${number}`);
    return this.envelope(repo, sender ?? issue.pull.mergedBy ?? issue.author, {
      action,
      number,
      pull_request: restPullRequest(this.ctx, repo, issue),
    });
  }

  /** `pull_request_review` (submitted, edited, dismissed); webhooks send the state in lower case. */
  pullRequestReview(fullName: string, review: SandboxReview, action: "submitted" | "edited" | "dismissed") {
    const repo = this.repo(fullName);
    const issue = repo.issues.get(review.pullNumber);
    if (!issue?.pull) throw new Error(`[sandbox] [github] no pull request ${fullName}#${review.pullNumber}`);
    const rendered = restReview(this.ctx, repo, review);
    return this.envelope(repo, review.author, {
      action,
      review: { ...rendered, state: review.state.toLowerCase() },
      pull_request: restPullRequest(this.ctx, repo, issue),
    });
  }

  /** `pull_request_review_comment` (created, edited, deleted); pass the comment itself for `deleted`. */
  pullRequestReviewComment(
    fullName: string,
    comment: SandboxReviewComment,
    action: "created" | "edited" | "deleted",
  ) {
    const repo = this.repo(fullName);
    const issue = repo.issues.get(comment.pullNumber);
    if (!issue?.pull) throw new Error(`[sandbox] [github] no pull request ${fullName}#${comment.pullNumber}`);
    return this.envelope(repo, comment.author, {
      action,
      comment: restReviewComment(this.ctx, repo, comment),
      pull_request: restPullRequest(this.ctx, repo, issue),
    });
  }

  /**
   * `pull_request_review_thread` (resolved, unresolved): the thread of a comment as `thread.node_id` and every
   * comment in it, after `resolveReviewThread` set its state.
   * docs.github.com/en/webhooks/webhook-events-and-payloads#pull_request_review_thread
   */
  pullRequestReviewThread(
    fullName: string,
    commentId: number,
    action: "resolved" | "unresolved",
    sender: string,
  ) {
    const repo = this.repo(fullName);
    const comment = repo.reviewComments.get(commentId);
    if (!comment) throw new Error(`[sandbox] [github] ${fullName}: no review comment ${commentId}`);
    const rootId = comment.inReplyToId ?? comment.id;
    const issue = repo.issues.get(comment.pullNumber);
    if (!issue?.pull) throw new Error(`[sandbox] [github] no pull request ${fullName}#${comment.pullNumber}`);
    const comments = [...repo.reviewComments.values()]
      .filter((c) => c.id === rootId || c.inReplyToId === rootId)
      .sort((a, b) => a.id - b.id);
    return this.envelope(repo, sender, {
      action,
      pull_request: restPullRequest(this.ctx, repo, issue),
      thread: {
        node_id: nodeId("PullRequestReviewThread", rootId),
        comments: comments.map((c) => restReviewComment(this.ctx, repo, c)),
      },
    });
  }

  /** `deployment_status` (created): the status and its deployment. */
  deploymentStatus(fullName: string, deploymentId: number, statusId?: number) {
    const repo = this.repo(fullName);
    const deployment = repo.deployments.get(deploymentId);
    const status = statusId
      ? deployment?.statuses.find((s) => s.id === statusId)
      : deployment?.statuses[deployment.statuses.length - 1];
    if (!deployment || !status) throw new Error(`[sandbox] [github] no status of deployment ${deploymentId}`);
    return this.envelope(repo, status.creator, {
      action: "created",
      deployment_status: restDeploymentStatus(this.ctx, repo, deployment, status),
      deployment: restDeployment(this.ctx, repo, deployment),
    });
  }

  /** `ping`, sent when a webhook is created. */
  ping(fullName: string, sender: string) {
    const repo = this.repo(fullName);
    return this.envelope(repo, sender, {
      zen: "Keep it logically awesome.",
      hook_id: 4242,
      hook: { type: "Repository", id: 4242, name: "web", active: true, events: ["*"] },
    });
  }
}
