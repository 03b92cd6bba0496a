/**
 * Jira's webhook pushes, as an admin webhook with a secret sends them: the REST v2 representation of the
 * issue (bodies in wiki markup, times in the user's zone), `X-Hub-Signature: sha256=<HMAC-SHA256 of the
 * body>` and `X-Atlassian-Webhook-Identifier`, the same on every retry of one delivery.
 * https://developer.atlassian.com/cloud/jira/platform/webhooks/
 */
import { randomUUID } from "node:crypto";
import { toHmacHex } from "../sign-delivery.ts";
import type { JiraDataset, SandboxComment, SandboxHistory, SandboxIssue } from "./dataset.ts";
import { ALL_FIELDS, type RenderContext, renderComment, renderIssue, renderUser } from "./render.ts";

export type JiraIssueEvent = "jira:issue_created" | "jira:issue_updated" | "jira:issue_deleted";
export type JiraCommentEvent = "comment_created" | "comment_updated" | "comment_deleted";

const v2 = (data: JiraDataset, baseUrl: string): RenderContext => ({ data, baseUrl, version: 2 });
const NO_LIMITS = { comments: 0, histories: 0, historiesNewestFirst: false };

/**
 * `jira:issue_*`: the whole issue (without its comments) and, for an update, the change that caused it.
 * Pass the issue object itself for a deleted issue (`deleteIssue` returns it).
 */
export function issueEventPayload(
  data: JiraDataset,
  baseUrl: string,
  event: JiraIssueEvent,
  issue: SandboxIssue,
  options: { by: string; at?: number; change?: SandboxHistory } = { by: issue.reporterId },
): Record<string, unknown> {
  const ctx = v2(data, baseUrl);
  const fields = new Set<string>(ALL_FIELDS.filter((f) => f !== "comment"));
  const rendered = renderIssue(ctx, issue, { fields, changelog: false, limits: NO_LIMITS }) as Record<
    string,
    unknown
  >;
  const eventType = {
    "jira:issue_created": "issue_created",
    "jira:issue_updated": options.change?.items.some((i) => i.field === "status")
      ? "issue_generic"
      : "issue_updated",
    "jira:issue_deleted": "issue_deleted",
  }[event];
  return {
    timestamp: options.at ?? data.now,
    webhookEvent: event,
    issue_event_type_name: eventType,
    user: renderUser(ctx, data.user(options.by)),
    issue: {
      id: issue.id,
      self: `${baseUrl}/rest/api/2/${issue.id}`,
      key: issue.key,
      fields: rendered.fields,
    },
    ...(options.change
      ? { changelog: { id: options.change.id, items: options.change.items.map((i) => ({ ...i })) } }
      : {}),
  };
}

/** `comment_*`: the comment and a few fields of its issue, as Jira sends them. */
export function commentEventPayload(
  data: JiraDataset,
  baseUrl: string,
  event: JiraCommentEvent,
  issue: SandboxIssue,
  comment: SandboxComment,
  options: { at?: number } = {},
): Record<string, unknown> {
  const ctx = v2(data, baseUrl);
  const fields = new Set(["summary", "issuetype", "project", "assignee", "priority", "status"]);
  const rendered = renderIssue(ctx, issue, { fields, changelog: false, limits: NO_LIMITS }) as Record<
    string,
    unknown
  >;
  return {
    timestamp: options.at ?? data.now,
    webhookEvent: event,
    comment: renderComment(ctx, issue, comment),
    issue: {
      id: issue.id,
      self: `${baseUrl}/rest/api/2/${issue.id}`,
      key: issue.key,
      fields: rendered.fields,
    },
  };
}

/** `sha256=<hex>`: the `X-Hub-Signature` Jira sends for a webhook with a secret. */
export function signJiraWebhook(body: string, secret: string): string {
  return `sha256=${toHmacHex("sha256", secret, body)}`;
}

export interface SignedDelivery {
  body: string;
  headers: Record<string, string>;
}

/** The body and headers of one delivery; pass the same `identifier` to make a retry of it. */
export function signedDelivery(
  payload: unknown,
  options: { secret: string; identifier?: string; retry?: number },
): SignedDelivery {
  const body = JSON.stringify(payload);
  return {
    body,
    headers: {
      "content-type": "application/json",
      "x-hub-signature": signJiraWebhook(body, options.secret),
      "x-atlassian-webhook-identifier": options.identifier ?? randomUUID(),
      ...(options.retry ? { "x-atlassian-webhook-retry": String(options.retry) } : {}),
    },
  };
}

/** POSTs a signed delivery to `url` (Threadline's `/webhooks/jira`), as Jira would. */
export async function sendJiraWebhook(
  url: string,
  payload: unknown,
  options: { secret: string; identifier?: string; retry?: number; headers?: Record<string, string> },
): Promise<Response> {
  const delivery = signedDelivery(payload, options);
  return fetch(url, {
    method: "POST",
    headers: { ...delivery.headers, ...options.headers },
    body: delivery.body,
  });
}
