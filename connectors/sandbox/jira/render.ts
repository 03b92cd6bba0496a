/**
 * The sandbox's objects as Jira's REST API writes them: v3 (Cloud, bodies in Atlassian Document Format) and
 * v2 (Data Center, and Cloud's v2: bodies in wiki markup), with users as each deployment names them.
 * Shapes follow the documented examples and recorded answers (see README.md in connectors/jira).
 */
import type {
  AdfNode,
  JiraDataset,
  SandboxComment,
  SandboxHistory,
  SandboxIssue,
  SandboxStatus,
  SandboxUser,
  StatusCategoryKey,
} from "./dataset.ts";
import { formatJiraTime } from "./time.ts";

export type ApiVersion = 2 | 3;

export interface RenderContext {
  data: JiraDataset;
  baseUrl: string;
  version: ApiVersion;
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const time = (ctx: RenderContext, at: number) => formatJiraTime(at, ctx.data.userTimeZone);
const api = (ctx: RenderContext) => `${ctx.baseUrl}/rest/api/${ctx.version}`;

function avatarUrls(seed: string): Json {
  const url = (size: number) =>
    `https://avatar-management--avatars.us-west-2.prod.public.atl-paas.net/initials/${seed}-${size}.png`;
  return { "48x48": url(48), "24x24": url(24), "16x16": url(16), "32x32": url(32) };
}

const renderedUsers = new WeakMap<RenderContext, Map<SandboxUser, Json>>();

/** A user object; the same user is rendered once per answer. */
export function renderUser(ctx: RenderContext, user: SandboxUser): Json {
  let cache = renderedUsers.get(ctx);
  if (!cache) {
    cache = new Map();
    renderedUsers.set(ctx, cache);
  }
  let rendered = cache.get(user);
  if (!rendered) {
    rendered = toUserJson(ctx, user);
    cache.set(user, rendered);
  }
  return rendered;
}

function toUserJson(ctx: RenderContext, user: SandboxUser): Json {
  const initials = user.displayName
    .split(/\s+/)
    .map((w) => w[0] ?? "")
    .join("")
    .slice(0, 2)
    .toUpperCase();
  if (ctx.data.deployment === "datacenter") {
    return {
      self: `${api(ctx)}/user?username=${encodeURIComponent(user.name)}`,
      name: user.name,
      key: user.key,
      ...(user.email === null ? {} : { emailAddress: user.email }),
      avatarUrls: avatarUrls(initials),
      displayName: user.displayName,
      active: user.active,
      timeZone: user.timeZone,
    };
  }
  return {
    self: `${api(ctx)}/user?accountId=${encodeURIComponent(user.accountId)}`,
    accountId: user.accountId,
    ...(user.email === null ? {} : { emailAddress: user.email }),
    avatarUrls: avatarUrls(initials),
    displayName: user.displayName,
    active: user.active,
    timeZone: user.timeZone,
    accountType: user.accountType,
  };
}

const CATEGORIES: Record<StatusCategoryKey, { id: number; name: string; colorName: string }> = {
  new: { id: 2, name: "To Do", colorName: "blue-gray" },
  indeterminate: { id: 4, name: "In Progress", colorName: "yellow" },
  done: { id: 3, name: "Done", colorName: "green" },
};

export function renderStatus(ctx: RenderContext, status: SandboxStatus): Json {
  const category = CATEGORIES[status.category];
  return {
    self: `${api(ctx)}/status/${status.id}`,
    description: "",
    iconUrl: `${ctx.baseUrl}/`,
    name: status.name,
    id: status.id,
    statusCategory: {
      self: `${api(ctx)}/statuscategory/${category.id}`,
      id: category.id,
      key: status.category,
      colorName: category.colorName,
      name: category.name,
    },
  };
}

/** A body or description: ADF on v3, wiki markup on v2 (mentions `[~accountid:…]` on Cloud, `[~name]` on DC). */
export function renderBody(ctx: RenderContext, doc: AdfNode | null): Json {
  if (doc === null) return null;
  if (ctx.version === 3) return doc as unknown as Json;
  return toWiki(ctx, doc);
}

function toWiki(ctx: RenderContext, node: AdfNode): string {
  const inner = (n: AdfNode, sep = "") => (n.content ?? []).map((c) => toWiki(ctx, c)).join(sep);
  switch (node.type) {
    case "doc":
      return inner(node, "\n\n");
    case "paragraph":
      return inner(node);
    case "text": {
      let text = node.text ?? "";
      for (const mark of node.marks ?? []) {
        if (mark.type === "strong") text = `*${text}*`;
        else if (mark.type === "em") text = `_${text}_`;
        else if (mark.type === "code") text = `{{${text}}}`;
        else if (mark.type === "link") text = `[${text}|${String(mark.attrs?.href ?? "")}]`;
      }
      return text;
    }
    case "hardBreak":
      return "\n";
    case "mention": {
      const accountId = String(node.attrs?.id ?? "");
      if (ctx.data.deployment === "cloud") return `[~accountid:${accountId}]`;
      const user = [...ctx.data.users.values()].find((u) => u.accountId === accountId);
      return `[~${user?.name ?? accountId}]`;
    }
    case "bulletList":
    case "orderedList":
      return (node.content ?? [])
        .map((item) => `${node.type === "bulletList" ? "*" : "#"} ${inner(item, " ")}`)
        .join("\n");
    case "heading":
      return `h${String(node.attrs?.level ?? 1)}. ${inner(node)}`;
    case "codeBlock":
      return `{code}\n${inner(node)}\n{code}`;
    case "blockquote":
      return `{quote}${inner(node, "\n\n")}{quote}`;
    default:
      return inner(node);
  }
}

export function renderComment(
  ctx: RenderContext,
  issue: SandboxIssue,
  comment: SandboxComment,
  options: { properties?: boolean } = {},
): Json {
  const data = ctx.data;
  return {
    self: `${api(ctx)}/issue/${issue.id}/comment/${comment.id}`,
    id: comment.id,
    author: renderUser(ctx, data.user(comment.authorId)),
    body: renderBody(ctx, comment.body),
    updateAuthor: renderUser(ctx, data.user(comment.updateAuthorId)),
    created: time(ctx, comment.created),
    updated: time(ctx, comment.updated),
    ...(data.deployment === "cloud" ? { jsdPublic: true } : {}),
    // The comment's entity properties, with `expand=properties` (the `properties` of Jira's Comment bean).
    ...(options.properties
      ? { properties: comment.properties.map((p) => ({ key: p.key, value: p.value as Json })) }
      : {}),
  };
}

export function renderHistory(ctx: RenderContext, history: SandboxHistory): Json {
  return {
    id: history.id,
    author: renderUser(ctx, ctx.data.user(history.authorId)),
    created: time(ctx, history.created),
    items: history.items.map((i) => ({ ...i })),
  };
}

function renderLinkedIssue(ctx: RenderContext, key: string): Json {
  const other = ctx.data.issue(key);
  return {
    id: other.id,
    key: other.key,
    self: `${api(ctx)}/issue/${other.id}`,
    fields: {
      summary: other.summary,
      status: renderStatus(ctx, ctx.data.status(other.statusId)),
      priority: renderPriority(ctx, other.priority),
      issuetype: renderIssueType(ctx, other.issueType),
    },
  };
}

const LINK_TYPES = {
  Blocks: { id: "10000", inward: "is blocked by", outward: "blocks" },
  Relates: { id: "10003", inward: "relates to", outward: "relates to" },
} as const;

function renderLinks(ctx: RenderContext, issue: SandboxIssue): Json[] {
  const out: Json[] = [];
  for (const link of ctx.data.links) {
    const t = LINK_TYPES[link.type];
    const type = {
      id: t.id,
      name: link.type,
      inward: t.inward,
      outward: t.outward,
      self: `${api(ctx)}/issueLinkType/${t.id}`,
    };
    const base = { id: link.id, self: `${api(ctx)}/issueLink/${link.id}`, type };
    if (link.inwardKey === issue.key)
      out.push({ ...base, inwardIssue: renderLinkedIssue(ctx, link.outwardKey) });
    else if (link.outwardKey === issue.key)
      out.push({ ...base, outwardIssue: renderLinkedIssue(ctx, link.inwardKey) });
  }
  return out;
}

function renderPriority(ctx: RenderContext, priority: string | null): Json {
  if (priority === null) return null;
  const id = String(["Highest", "High", "Medium", "Low", "Lowest"].indexOf(priority) + 1 || 3);
  return {
    self: `${api(ctx)}/priority/${id}`,
    iconUrl: `${ctx.baseUrl}/images/icons/priorities/${priority.toLowerCase()}.svg`,
    name: priority,
    id,
  };
}

function renderIssueType(ctx: RenderContext, name: string): Json {
  const id = name === "Bug" ? "10004" : name === "Story" ? "10001" : "10002";
  return {
    self: `${api(ctx)}/issuetype/${id}`,
    id,
    description: "",
    iconUrl: `${ctx.baseUrl}/rest/api/2/universal_avatar/view/type/issuetype/avatar/10318?size=medium`,
    name,
    subtask: false,
    avatarId: 10318,
    hierarchyLevel: 0,
  };
}

function renderProject(ctx: RenderContext, key: string): Json {
  const project = ctx.data.projects.get(key)!;
  return {
    self: `${api(ctx)}/project/${project.id}`,
    id: project.id,
    key: project.key,
    name: project.name,
    projectTypeKey: "software",
    simplified: false,
    avatarUrls: avatarUrls(project.key),
  };
}

/** How many embedded comments and change histories an issue in a search answer carries. */
export interface EmbedLimits {
  comments: number;
  histories: number;
  /** Cloud's embedded changelog lists the most recent first; Data Center's the oldest first. */
  historiesNewestFirst: boolean;
}

/** Every field the sandbox knows, in the order Jira tends to write them. */
export const ALL_FIELDS = [
  "summary",
  "status",
  "assignee",
  "reporter",
  "creator",
  "labels",
  "priority",
  "issuelinks",
  "fixVersions",
  "duedate",
  "updated",
  "created",
  "description",
  "comment",
  "project",
  "issuetype",
] as const;

export function renderIssue(
  ctx: RenderContext,
  issue: SandboxIssue,
  options: { fields: ReadonlySet<string>; changelog: boolean; limits: EmbedLimits },
): Json {
  const data = ctx.data;
  const user = (id: string | null) => (id === null ? null : renderUser(ctx, data.user(id)));
  const field = (name: string): Json => {
    switch (name) {
      case "summary":
        return issue.summary;
      case "status":
        return renderStatus(ctx, data.status(issue.statusId));
      case "assignee":
        return user(issue.assigneeId);
      case "reporter":
        return user(issue.reporterId);
      case "creator":
        return user(issue.creatorId);
      case "labels":
        return [...issue.labels];
      case "priority":
        return renderPriority(ctx, issue.priority);
      case "issuelinks":
        return renderLinks(ctx, issue);
      case "fixVersions":
        return issue.fixVersions.map((name, i) => ({
          self: `${api(ctx)}/version/${10100 + i}`,
          id: String(10100 + i),
          description: "",
          name,
          archived: false,
          released: false,
        }));
      case "duedate":
        return issue.duedate;
      case "updated":
        return time(ctx, issue.updated);
      case "created":
        return time(ctx, issue.created);
      case "description":
        return renderBody(ctx, issue.description);
      case "comment": {
        const shown = issue.comments.slice(0, options.limits.comments);
        return {
          comments: shown.map((c) => renderComment(ctx, issue, c)),
          self: `${api(ctx)}/issue/${issue.id}/comment`,
          maxResults: shown.length,
          total: issue.comments.length,
          startAt: 0,
        };
      }
      case "project":
        return renderProject(ctx, issue.projectKey);
      case "issuetype":
        return renderIssueType(ctx, issue.issueType);
      default:
        return null;
    }
  };
  const fields: Record<string, Json> = {};
  for (const name of ALL_FIELDS) if (options.fields.has(name)) fields[name] = field(name);
  const out: Record<string, Json> = {
    expand: "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations",
    id: issue.id,
    self: `${api(ctx)}/issue/${issue.id}`,
    key: issue.key,
  };
  if (options.fields.size > 0) out.fields = fields;
  if (options.changelog) {
    const ordered = options.limits.historiesNewestFirst ? [...issue.histories].reverse() : issue.histories;
    const shown = ordered.slice(0, options.limits.histories);
    out.changelog = {
      startAt: 0,
      maxResults: shown.length,
      total: issue.histories.length,
      histories: shown.map((h) => renderHistory(ctx, h)),
    };
  }
  return out;
}
