import {
  GithubDataset,
  GithubWebhookPayloads,
  signWebhook,
  type WebhookDelivery,
} from "../../connectors/sandbox/github/index.ts";

export interface CommentDelivery extends WebhookDelivery {
  /** The `items.external_id` the comment is stored under. */
  externalId: string;
}

/**
 * Signed `issue_comment` deliveries as GitHub sends them, each a new comment (so each must become an item),
 * spread over the repository's first `issues` issues. The same calls give the same deliveries (ids come from
 * the data set's counters), delivery ids included.
 */
export function githubCommentDeliveries(options: {
  repo: string;
  issues: number;
  secret: string;
  /** Where the rendered links point (any address: nothing fetches them). */
  baseUrl?: string;
}) {
  const baseUrl = options.baseUrl ?? "http://127.0.0.1:9";
  const dataset = new GithubDataset({ now: "2026-03-02T08:00:00Z" });
  const repo = dataset.repo(options.repo);
  for (let n = 1; n <= options.issues; n++) repo.issue({ title: `Issue ${n}`, author: "anna" });
  const payloads = new GithubWebhookPayloads({ dataset, apiUrl: baseUrl, webUrl: baseUrl });
  let sent = 0;
  return {
    next(): CommentDelivery {
      const n = sent++;
      const comment = repo.comment(1 + (n % options.issues), {
        author: n % 3 === 0 ? "ben" : "anna",
        body: `Delivery ${n}: checked the export on staging, see PROJ-${1 + (n % 40)}.`,
      });
      const delivery = signWebhook(
        "issue_comment",
        payloads.issueComment(options.repo, comment, "created"),
        options.secret,
        { deliveryId: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}` },
      );
      return { ...delivery, externalId: `${options.repo}:issue_comment:${comment.id}` };
    },
  };
}
