/**
 * `POST /webhooks/jira`: an admin webhook with a secret (Cloud: Settings › System › WebHooks; Data Center
 * the same page, 10.0+ asynchronous). Jira signs the raw body, `X-Hub-Signature: sha256=<hex HMAC-SHA256
 * with the secret>`, and retries a failed delivery (408, 409, 425, 429, 5xx) up to 5 times with the same
 * `X-Atlassian-Webhook-Identifier`, which becomes the delivery id the engine deduplicates on. Payloads are
 * the REST v2 representation: bodies in wiki markup, times in the webhook user's zone.
 * https://developer.atlassian.com/cloud/jira/platform/webhooks/ ·
 * https://confluence.atlassian.com/adminjiraserver/managing-webhooks-938846912.html
 */
import { z } from "zod";
import { verifyHmacSha256Hex } from "../kit/hmac.ts";
import { ResponseValueSchema } from "../kit/response-value.ts";
import type {
  JsonValue,
  RawRecord,
  Tombstone,
  WebhookHandler,
  WebhookRequest,
  WebhookResult,
} from "../types.ts";
import { ConnectorError } from "../types.ts";
import { isGatewayRoot, type JiraSettings } from "./config.ts";
import { isStatusChange, itemIds, toSiteUrl, withoutSubPages } from "./map.ts";
import { JiraCommentPageSchema, JiraHistorySchema } from "./schemas.ts";

/**
 * Whether `X-Hub-Signature` is the HMAC-SHA256 of the raw body with JIRA_WEBHOOK_SECRET. Web Crypto's
 * `verify` compares in constant time and runs on Node and Workers alike. No secret configured: nothing
 * is accepted.
 */
export async function verifyJiraSignature(
  body: string,
  signature: string | undefined,
  secret: string | null,
): Promise<boolean> {
  if (!secret || !signature) return false;
  const m = /^sha256=(.*)$/is.exec(signature.trim());
  return m ? verifyHmacSha256Hex(secret, body, m[1]!) : false;
}

const WebhookSchema = z.object({
  webhookEvent: z.string(),
  timestamp: z.number().optional(),
  user: ResponseValueSchema.optional(),
  issue: ResponseValueSchema.optional(),
  comment: ResponseValueSchema.optional(),
  changelog: ResponseValueSchema.optional(),
});

const WebhookIssueSchema = z.object({
  id: z.string(),
  key: z.string(),
  self: z.string().optional(),
  fields: z
    .object({ project: z.object({ key: z.string() }).nullish(), comment: JiraCommentPageSchema.optional() })
    .optional(),
});

const WebhookCommentSchema = z.object({ id: z.string() });

const WebhookChangelogSchema = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  items: z.array(ResponseValueSchema),
});

function invalid(detail: string): ConnectorError {
  return new ConnectorError("jira", "invalid", `a webhook push Threadline cannot read: ${detail}`);
}

/** What a verified push means: the records it carries in full, or the tombstones of what was deleted. */
export function parseJiraWebhook(request: WebhookRequest, settings: JiraSettings): WebhookResult {
  let json: unknown;
  try {
    json = JSON.parse(request.body);
  } catch {
    throw invalid("the body is not JSON");
  }
  const parsed = WebhookSchema.safeParse(json);
  if (!parsed.success) throw invalid("no webhookEvent");
  const payload = parsed.data;
  const event = payload.webhookEvent;
  const isIssueEvent = event.startsWith("jira:issue_");
  const isCommentEvent = event.startsWith("comment_");
  if (!isIssueEvent && !isCommentEvent)
    return { type: "ignore", reason: `${event} is not an issue or comment event` };

  const issue = WebhookIssueSchema.safeParse(payload.issue);
  if (!issue.success) throw invalid(`${event} without an issue`);
  const { id: issueId, key: issueKey } = issue.data;
  const scope = issue.data.fields?.project?.key ?? issueKey.slice(0, issueKey.lastIndexOf("-"));
  if (settings.projects.length > 0 && !settings.projects.includes(scope)) {
    return { type: "ignore", reason: `${issueKey} is not in JIRA_PROJECTS` };
  }
  const at = payload.timestamp !== undefined ? new Date(payload.timestamp) : request.now;
  const deliveryId = request.headers["x-atlassian-webhook-identifier"] ?? null;
  // Behind the API gateway, the push's own self link names the site people open.
  const siteUrl = isGatewayRoot(settings.baseUrl)
    ? (toSiteUrl(issue.data.self) ?? settings.baseUrl)
    : settings.baseUrl;
  const context = { issueKey, issueId, siteUrl };
  const records: RawRecord[] = [];
  const deletions: Tombstone[] = [];

  if (isIssueEvent) {
    if (event === "jira:issue_deleted") {
      deletions.push({ type: "task", externalId: issueId, at });
    } else if (event === "jira:issue_created" || event === "jira:issue_updated") {
      const raw = payload.issue!;
      records.push({ type: "issue", data: withoutSubPages(raw), context: { siteUrl } });
      const embedded = issue.data.fields?.comment?.comments ?? [];
      for (const comment of embedded) records.push({ type: "comment", data: comment, context });
      // `issue_commented` and `issue_comment_edited` updates carry the comment beside the issue.
      if (WebhookCommentSchema.safeParse(payload.comment).success) {
        records.push({ type: "comment", data: payload.comment!, context });
      }
      const change = WebhookChangelogSchema.safeParse(payload.changelog);
      if (change.success) {
        // A webhook's changelog carries no author nor time: they are the push's user and timestamp.
        const history: JsonValue = {
          id: change.data.id,
          ...(payload.user !== undefined ? { author: payload.user } : {}),
          created: at.toISOString(),
          items: change.data.items,
        };
        const readable = JiraHistorySchema.safeParse(history);
        if (readable.success && isStatusChange(readable.data))
          records.push({ type: "history", data: history, context });
      }
    } else {
      return { type: "ignore", reason: `${event} changes nothing Threadline keeps` };
    }
  } else {
    const comment = WebhookCommentSchema.safeParse(payload.comment);
    if (!comment.success) throw invalid(`${event} without a comment`);
    if (event === "comment_deleted") {
      deletions.push({ type: "item", externalId: itemIds.comment(comment.data.id), at });
    } else if (event === "comment_created" || event === "comment_updated") {
      records.push({ type: "comment", data: payload.comment!, context });
    } else {
      return { type: "ignore", reason: `${event} changes nothing Threadline keeps` };
    }
  }
  return { type: "records", scope, records, deletions, deliveryId };
}

export const jiraWebhook: WebhookHandler<JiraSettings> = {
  verify: (request, settings) =>
    verifyJiraSignature(request.body, request.headers["x-hub-signature"], settings.webhookSecret),
  parse: parseJiraWebhook,
};
