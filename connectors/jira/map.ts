/**
 * Jira's API objects to Threadline's model (pure: no I/O, no clock, no settings). Three kinds of raw
 * record come from the pull and the webhook:
 *
 * - `issue`: an issue without its embedded comment page and changelog (those become records of their own)
 *   → the task, its `task_created` item, and the people on it;
 * - `comment`: one comment, with `context.issueKey` → a `comment` item under that task;
 * - `history`: one change history entry that moved the status or added labels → a `status_change` item.
 *
 * `context.siteUrl` (the configured JIRA_BASE_URL) builds the browse links; without it the site is read
 * from the object's `self`.
 */

import { z } from "zod";
import type { StatusCategory } from "../../src/model/kinds.ts";
import { trimTrailing } from "../../src/model/trim-text.ts";
import type {
  Identity,
  IdentityRef,
  JsonValue,
  Mapped,
  MappedItem,
  MappedTask,
  RawRecord,
} from "../types.ts";
import {
  JiraCommentSchema,
  type JiraHistory,
  JiraHistorySchema,
  JiraIssueSchema,
  type JiraUser,
} from "./schemas.ts";
import { toBodyText } from "./text.ts";

/** Jira's status categories (`new`, `indeterminate`, `done`; `undefined` for "No Category") to ours. */
export function toStatusCategory(key: string | undefined): StatusCategory {
  if (key === "done") return "done";
  if (key === "indeterminate") return "in_progress";
  return "todo";
}

/** The identity id of a Jira user: Cloud's accountId, else Data Center's username, else its user key. */
export function toIdentityId(user: JiraUser): string | null {
  return user.accountId ?? user.name ?? user.key ?? null;
}

export function toIdentity(user: JiraUser, raw?: JsonValue): Identity | null {
  const externalId = toIdentityId(user);
  if (externalId === null) return null;
  const identity: Identity = {
    source: "jira",
    externalId,
    displayName: user.displayName ?? user.name ?? null,
    email: user.emailAddress ? user.emailAddress : null,
    // A Service Management customer is a client, whatever the domain of their email.
    isGuest: user.accountType === "customer",
    isBot: user.accountType === "app",
  };
  if (raw !== undefined) identity.raw = raw;
  return identity;
}

function toRef(user: JiraUser | null | undefined): IdentityRef | null {
  const externalId = user ? toIdentityId(user) : null;
  return externalId === null ? null : { source: "jira", externalId };
}

/** `https://site/rest/api/2/issue/10002` → `https://site` (a context path such as `/jira` is kept). */
export function toSiteUrl(self: string | undefined): string | null {
  if (!self) return null;
  const at = self.indexOf("/rest/api/");
  return at > 0 ? self.slice(0, at) : null;
}

function siteOf(record: RawRecord, self: string | undefined): string {
  const site = record.context?.siteUrl ?? toSiteUrl(self);
  if (!site) throw new Error(`a Jira ${record.type} without context.siteUrl nor a self link`);
  return trimTrailing(site, "/");
}

export const browseUrl = (site: string, key: string) => `${site}/browse/${encodeURIComponent(key)}`;

/** Item external ids: one namespace per kind of object, so ids of comments and histories never meet. */
export const itemIds = {
  created: (issueId: string) => `issue:${issueId}:created`,
  comment: (commentId: string) => `comment:${commentId}`,
  history: (historyId: string) => `history:${historyId}`,
};

const isField = (name: string) => (i: JiraHistory["items"][number]) => i.field === name || i.fieldId === name;

/**
 * Whether Threadline keeps a change history entry: one that moved the status, or added a label (a flag raised
 * by a label points at the change that added it).
 */
export function isStatusChange(history: Pick<JiraHistory, "items">): boolean {
  return history.items.some(isField("status")) || labelsAddedBy(history).length > 0;
}

/** The labels a change history entry added: Jira writes a labels change as the space-separated lists before and after. */
export function labelsAddedBy(history: Pick<JiraHistory, "items">): string[] {
  const change = history.items.find(isField("labels"));
  if (!change) return [];
  const words = (s: string | null | undefined) => (s ?? "").split(/\s+/).filter((w) => w.length > 0);
  const before = new Set(words(change.fromString));
  return words(change.toString).filter((l) => !before.has(l));
}

type JsonObject = { [key: string]: JsonValue };
const isObject = (v: JsonValue | undefined): v is JsonObject =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** The issue as a record stores it: without its embedded comment page and changelog, which become records of their own. */
export function withoutSubPages(issue: JsonValue): JsonValue {
  if (!isObject(issue)) return issue;
  const { changelog: _changelog, ...rest } = issue;
  const fields = rest.fields;
  if (!isObject(fields)) return rest;
  const { comment: _comment, ...otherFields } = fields;
  return { ...rest, fields: otherFields };
}

/** The `jira` connector's `map`. Throws on an object it cannot read (the engine reports it as a bug). */
export function mapJiraRecord(record: RawRecord): Mapped {
  switch (record.type) {
    case "issue":
      return mapIssue(record);
    case "comment":
      return mapComment(record);
    case "history":
      return mapHistory(record);
    default:
      throw new Error(`unknown Jira record type "${record.type}"`);
  }
}

const JsonSchema = z.json();

function collectIdentities(users: Array<{ parsed: JiraUser | null | undefined; raw: unknown }>): Identity[] {
  const out = new Map<string, Identity>();
  for (const { parsed, raw } of users) {
    if (!parsed) continue;
    const json = JsonSchema.safeParse(raw);
    const identity = toIdentity(parsed, json.success ? json.data : undefined);
    if (identity && !out.has(identity.externalId)) out.set(identity.externalId, identity);
  }
  return [...out.values()];
}

/** Reads a nested value of a raw object without casting it. */
function pick(value: unknown, ...path: string[]): unknown {
  let v = value;
  for (const key of path) {
    if (typeof v !== "object" || v === null || Array.isArray(v)) return undefined;
    v = Reflect.get(v, key);
  }
  return v;
}

function mapIssue(record: RawRecord): Mapped {
  const issue = JiraIssueSchema.parse(record.data);
  const f = issue.fields;
  const site = siteOf(record, issue.self);
  const url = browseUrl(site, issue.key);
  const task: MappedTask = {
    key: issue.key,
    externalId: issue.id,
    title: f.summary,
    status: f.status.name,
    statusCategory: toStatusCategory(f.status.statusCategory?.key),
    url,
    assignee: toRef(f.assignee),
    reporter: toRef(f.reporter),
    labels: f.labels ?? [],
    priority: f.priority?.name ?? null,
    // A due date is a calendar day; it is kept as that day's UTC midnight.
    dueAt: f.duedate ? new Date(`${f.duedate}T00:00:00Z`) : null,
    createdAt: f.created,
    updatedAt: f.updated,
  };
  const description = toBodyText(f.description);
  // "A is blocked by B" reads, on A, as a link whose inward description is "is blocked by" and whose
  // inwardIssue is B.
  const blockedBy = (f.issuelinks ?? [])
    .filter((l) => l.inwardIssue && (l.type.inward ?? "").toLowerCase() === "is blocked by")
    .map((l) => l.inwardIssue!.key);
  const blocks = (f.issuelinks ?? [])
    .filter((l) => l.outwardIssue && (l.type.outward ?? "").toLowerCase() === "blocks")
    .map((l) => l.outwardIssue!.key);
  const created: MappedItem = {
    externalId: itemIds.created(issue.id),
    kind: "task_created",
    author: toRef(f.creator ?? f.reporter),
    at: f.created,
    text: description.text ? `${f.summary}\n\n${description.text}` : f.summary,
    url,
    threadId: null,
    meta: {
      ...(description.mentions.length > 0 ? { mentions: description.mentions } : {}),
      ...(f.issuetype ? { issueType: f.issuetype.name } : {}),
      blockedBy,
      blocks,
      fixVersions: (f.fixVersions ?? []).map((v) => v.name),
    },
    parentTaskKey: issue.key,
    editedAt: null,
  };
  const data = record.data;
  return {
    tasks: [task],
    items: [created],
    identities: collectIdentities([
      { parsed: f.assignee, raw: pick(data, "fields", "assignee") },
      { parsed: f.reporter, raw: pick(data, "fields", "reporter") },
      { parsed: f.creator, raw: pick(data, "fields", "creator") },
    ]),
  };
}

function issueContext(record: RawRecord): { issueKey: string } {
  const issueKey = record.context?.issueKey;
  if (!issueKey) throw new Error(`a Jira ${record.type} record without context.issueKey`);
  return { issueKey };
}

function mapComment(record: RawRecord): Mapped {
  const comment = JiraCommentSchema.parse(record.data);
  const { issueKey } = issueContext(record);
  const site = siteOf(record, comment.self);
  const body = toBodyText(comment.body);
  const edited =
    comment.updated && comment.updated.getTime() !== comment.created.getTime() ? comment.updated : null;
  const item: MappedItem = {
    externalId: itemIds.comment(comment.id),
    kind: "comment",
    author: toRef(comment.author),
    at: comment.created,
    text: body.text,
    url: `${browseUrl(site, issueKey)}?focusedCommentId=${encodeURIComponent(comment.id)}`,
    threadId: null,
    meta: body.mentions.length > 0 ? { mentions: body.mentions } : {},
    parentTaskKey: issueKey,
    editedAt: edited,
  };
  return {
    items: [item],
    identities: collectIdentities([
      { parsed: comment.author, raw: pick(record.data, "author") },
      { parsed: comment.updateAuthor, raw: pick(record.data, "updateAuthor") },
    ]),
  };
}

function mapHistory(record: RawRecord): Mapped {
  const history = JiraHistorySchema.parse(record.data);
  const { issueKey } = issueContext(record);
  const change = history.items.find(isField("status"));
  const labelsAdded = labelsAddedBy(history);
  if (!change && labelsAdded.length === 0) return {};
  const site = siteOf(record, undefined);
  const from = change?.fromString ?? null;
  const to = change?.toString ?? null;
  const labelled = labelsAdded.length > 0 ? `Labelled ${labelsAdded.join(", ")}` : "";
  const item: MappedItem = {
    externalId: itemIds.history(history.id),
    kind: "status_change",
    author: toRef(history.author),
    at: history.created,
    text: change ? `${from ?? "(none)"} → ${to ?? "(none)"}${labelled ? `; ${labelled}` : ""}` : labelled,
    url: browseUrl(site, issueKey),
    threadId: null,
    meta: {
      ...(from !== null ? { statusFrom: from } : {}),
      ...(to !== null ? { statusTo: to } : {}),
      ...(labelsAdded.length > 0 ? { labelsAdded } : {}),
    },
    parentTaskKey: issueKey,
    editedAt: null,
  };
  return {
    items: [item],
    identities: collectIdentities([{ parsed: history.author, raw: pick(record.data, "author") }]),
  };
}
