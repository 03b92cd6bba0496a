/**
 * `POST /webhooks/github`: GitHub's signed pushes. A delivery is verified with `X-Hub-Signature-256`
 * (`sha256=` and the HMAC-SHA256 of the raw body with GITHUB_WEBHOOK_SECRET, compared in constant time with
 * Web Crypto, so the Worker runs it too), then read into the same raw records the pull stores, so a push and
 * a later pull write the same rows; `X-GitHub-Delivery` names the delivery, and a redelivery writes nothing
 * new. docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries ·
 * docs.github.com/en/webhooks/webhook-events-and-payloads
 *
 * Events: `issues`, `issue_comment`, `pull_request`, `pull_request_review`, `pull_request_review_comment`
 * (records, and tombstones for deletions), `pull_request_review_thread` (its comments, with whether the thread
 * is resolved), `deployment_status` (a pull of the repository: the push does not say
 * which pull request the deployed commit belongs to, the GraphQL pass does), `ping` (ignored).
 */
import { z } from "zod";
import { verifyHmacSha256Hex } from "../kit/hmac.ts";
import type { RawRecord, Tombstone, WebhookHandler, WebhookRequest, WebhookResult } from "../types.ts";
import { ConnectorError } from "../types.ts";
import type { GithubSettings } from "./config.ts";
import { WebhookEnvelopeSchema } from "./schemas.ts";

/** Whether `signature` (`sha256=<hex>`) is the HMAC-SHA256 of `body` with `secret`; constant time. */
export async function verifyGithubSignature(
  secret: string,
  body: string,
  signature: string | undefined,
): Promise<boolean> {
  if (!signature?.startsWith("sha256=")) return false;
  return verifyHmacSha256Hex(secret, body, signature.slice("sha256=".length));
}

const ObjectWithId = z.object({ id: z.number() }).loose();
const ObjectWithNumber = z.object({ number: z.number() }).loose();

/** The configured spelling of a repository the push names, or null when it is not one Threadline reads. */
function configuredRepo(settings: GithubSettings, fullName: string): string | null {
  if (settings.repos.length === 0) return fullName;
  return settings.repos.find((r) => r.toLowerCase() === fullName.toLowerCase()) ?? null;
}

function invalid(detail: string, cause?: unknown): ConnectorError {
  return new ConnectorError("github", "invalid", `webhook: ${detail}`, { cause });
}

/** Reads a verified delivery. */
export function parseGithubWebhook(request: WebhookRequest, settings: GithubSettings): WebhookResult {
  const event = request.headers["x-github-event"];
  const deliveryId = request.headers["x-github-delivery"] ?? null;
  if (!event) throw invalid("no X-GitHub-Event header");
  if (event === "ping") return { type: "ignore", reason: "ping" };
  let payload: unknown;
  try {
    payload = JSON.parse(request.body);
  } catch (err) {
    throw invalid(`the ${event} body is not JSON`, err);
  }
  const envelope = WebhookEnvelopeSchema.safeParse(payload);
  if (!envelope.success) throw invalid(`cannot read the ${event} payload`, envelope.error);
  const fullName = envelope.data.repository?.full_name;
  if (!fullName) return { type: "ignore", reason: `${event} without a repository` };
  const repo = configuredRepo(settings, fullName);
  if (!repo) return { type: "ignore", reason: `${fullName} is not in GITHUB_REPOS` };
  const action = envelope.data.action ?? "";
  const body = z.record(z.string(), z.unknown()).parse(payload);
  const context = { repo };
  const records: RawRecord[] = [];
  const deletions: Tombstone[] = [];
  const field = <T extends z.ZodType>(name: string, schema: T): z.infer<T> => {
    const parsed = schema.safeParse(body[name]);
    if (!parsed.success) throw invalid(`${event}.${action}: cannot read ${name}`, parsed.error);
    return parsed.data;
  };
  const record = (type: string, data: unknown, extra: Record<string, string> = {}) =>
    records.push({ type, data: JSON.parse(JSON.stringify(data)), context: { ...context, ...extra } });

  // A label added: a change of its own on the timeline, which a flag raised by that label points at. The
  // payload has no time of its own; the issue's `updated_at` is the labelling's.
  // docs.github.com/en/webhooks/webhook-events-and-payloads#issues (action `labeled`)
  const labeled = (issue: z.infer<typeof ObjectWithNumber>) => {
    if (action !== "labeled" || body.label === undefined) return;
    record("labeled", {
      number: issue.number,
      label: body.label,
      sender: body.sender ?? null,
      at: issue.updated_at,
      url: issue.html_url,
    });
  };

  switch (event) {
    case "issues": {
      const issue = field("issue", ObjectWithNumber);
      if (action === "deleted" || action === "transferred") {
        // Gone from this repository (a transferred issue is a new issue in the other one).
        deletions.push({ type: "task", externalId: `${repo}#${issue.number}`, at: null });
        deletions.push({ type: "item", externalId: `${repo}:issue:${issue.number}`, at: null });
      } else {
        record("rest_issue", issue);
        labeled(issue);
      }
      break;
    }
    case "issue_comment": {
      const comment = field("comment", ObjectWithId);
      if (action === "deleted")
        deletions.push({ type: "item", externalId: `${repo}:issue_comment:${comment.id}`, at: null });
      else record("issue_comment", comment);
      break;
    }
    case "pull_request": {
      const pull = field("pull_request", ObjectWithNumber);
      record("rest_pull_request", pull);
      labeled(pull);
      break;
    }
    case "pull_request_review": {
      const pull = field("pull_request", ObjectWithNumber);
      record("rest_review", field("review", ObjectWithId), { number: String(pull.number) });
      break;
    }
    case "pull_request_review_comment": {
      const comment = field("comment", ObjectWithId);
      if (action === "deleted")
        deletions.push({ type: "item", externalId: `${repo}:review_comment:${comment.id}`, at: null });
      else record("review_comment", comment);
      break;
    }
    case "pull_request_review_thread": {
      // A thread resolved or reopened: its comments come with it, each stored with the thread's state.
      // docs.github.com/en/webhooks/webhook-events-and-payloads#pull_request_review_thread
      if (action !== "resolved" && action !== "unresolved") {
        return { type: "ignore", reason: `pull_request_review_thread.${action} is not read` };
      }
      const thread = field("thread", z.object({ comments: z.array(ObjectWithId) }).loose());
      const state: Record<string, string> = action === "resolved" ? { threadResolved: "true" } : {};
      for (const comment of thread.comments) record("review_comment", comment, state);
      break;
    }
    case "deployment_status":
      return { type: "sync", scopes: [repo] };
    default:
      return { type: "ignore", reason: `the ${event} event is not read` };
  }
  return { type: "records", scope: repo, records, deletions, deliveryId };
}

export const githubWebhook: WebhookHandler<GithubSettings> = {
  async verify(request, settings) {
    if (!settings.webhookSecret) return false;
    return verifyGithubSignature(
      settings.webhookSecret,
      request.body,
      request.headers["x-hub-signature-256"],
    );
  },
  parse: parseGithubWebhook,
};
