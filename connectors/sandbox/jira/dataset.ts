/**
 * The Jira site the sandbox serves: users, projects, issues with their comments and change history, and the
 * mutations a test makes between two sync passes (edit a comment, delete an issue, move an issue along its
 * workflow). Everything is in memory and deterministic: ids count up from 10000 as Jira's do, and the clock
 * only moves when the data set is told to.
 */

import { WriteFaults } from "../write-faults.ts";

/** A node of the Atlassian Document Format, as v3 bodies and descriptions carry it. */
export interface AdfNode {
  type: string;
  version?: number;
  text?: string;
  attrs?: Record<string, string | number | boolean | null>;
  marks?: Array<{ type: string; attrs?: Record<string, string | number | boolean | null> }>;
  content?: AdfNode[];
}

export type JiraDeployment = "cloud" | "datacenter";

/** The project permissions the sandbox checks on writes (keys as `mypermissions` names them). */
export const WRITE_PERMISSIONS = ["ADD_COMMENTS", "ASSIGN_ISSUES", "TRANSITION_ISSUES"] as const;
export type WritePermission = (typeof WRITE_PERMISSIONS)[number];

export interface SandboxUser {
  /** Cloud's stable id. */
  accountId: string;
  /** Data Center's username and user key. */
  name: string;
  key: string;
  displayName: string;
  /** Null when the user hides it (Cloud's privacy setting). */
  email: string | null;
  timeZone: string;
  /** `atlassian` (a person), `app` (a bot), `customer` (a Service Management customer). */
  accountType: "atlassian" | "app" | "customer";
  active: boolean;
}

export type StatusCategoryKey = "new" | "indeterminate" | "done";

export interface SandboxStatus {
  id: string;
  name: string;
  category: StatusCategoryKey;
}

export interface SandboxComment {
  id: string;
  authorId: string;
  updateAuthorId: string;
  body: AdfNode;
  created: number;
  updated: number;
  /** Entity properties set on the comment (`properties` of add comment), shown with `expand=properties`. */
  properties: Array<{ key: string; value: unknown }>;
}

export interface SandboxChangeItem {
  field: string;
  fieldtype: "jira" | "custom";
  fieldId: string;
  from: string | null;
  fromString: string | null;
  to: string | null;
  toString: string | null;
}

export interface SandboxHistory {
  id: string;
  authorId: string;
  created: number;
  items: SandboxChangeItem[];
}

export interface SandboxIssue {
  id: string;
  key: string;
  projectKey: string;
  issueType: string;
  summary: string;
  description: AdfNode | null;
  statusId: string;
  assigneeId: string | null;
  reporterId: string;
  creatorId: string;
  labels: string[];
  priority: string | null;
  /** `yyyy-MM-dd`. */
  duedate: string | null;
  fixVersions: string[];
  created: number;
  updated: number;
  comments: SandboxComment[];
  histories: SandboxHistory[];
}

/** "A blocks B": on B it reads "is blocked by A" (`inwardIssue`), on A "blocks B" (`outwardIssue`). */
export interface SandboxLink {
  id: string;
  type: "Blocks" | "Relates";
  outwardKey: string;
  inwardKey: string;
}

export interface SandboxProject {
  id: string;
  key: string;
  name: string;
}

/** What a body may be given as: plain text (paragraphs split on blank lines), ADF, or text with mentions. */
export type BodyInput = string | AdfNode | Array<string | { mention: string }>;

/** When something happened: a Date, an ISO string, or epoch milliseconds. Default: the data set's clock. */
export type When = Date | string | number;

export const DEFAULT_STATUSES: SandboxStatus[] = [
  { id: "10000", name: "To Do", category: "new" },
  { id: "3", name: "In Progress", category: "indeterminate" },
  { id: "10001", name: "In Review", category: "indeterminate" },
  { id: "10002", name: "Blocked", category: "indeterminate" },
  { id: "10003", name: "Done", category: "done" },
];

export const PRIORITIES = ["Highest", "High", "Medium", "Low", "Lowest"] as const;

export interface JiraDatasetOptions {
  deployment?: JiraDeployment;
  /** The API user's credentials: email (Cloud) or username (Data Center), and API token or password. */
  email?: string;
  apiToken?: string;
  /** The API user's profile time zone: the zone of every time in the answers and of JQL date literals. */
  userTimeZone?: string;
  /** The data set's clock at the start (default 2026-03-02T09:00:00Z). */
  now?: When;
  /**
   * Cloud: the site's own address (`https://your-domain.atlassian.net`), which `serverInfo` names as
   * `baseUrl`, and the id of the site behind the API gateway's `/ex/jira/<cloudId>`. Unset: the address the
   * sandbox is reached at, and a fixed id.
   */
  siteUrl?: string;
  cloudId?: string;
}

function toMillis(when: When): number {
  if (typeof when === "number") return when;
  return typeof when === "string" ? Date.parse(when) : when.getTime();
}

/** ADF for a body given as text, ADF or text with mentions. */
export function toAdf(body: BodyInput, users: ReadonlyMap<string, SandboxUser>): AdfNode {
  if (!Array.isArray(body) && typeof body === "object") return body;
  if (typeof body === "string") {
    return {
      type: "doc",
      version: 1,
      content: body
        .split(/\n{2,}/)
        .filter((p) => p.length > 0)
        .map((p) => ({ type: "paragraph", content: p.split("\n").flatMap(toTextLine) })),
    };
  }
  const inline: AdfNode[] = body.map((part) => {
    if (typeof part === "string") return { type: "text", text: part };
    const user = users.get(part.mention);
    if (!user) throw new Error(`sandbox: no user ${part.mention} to mention`);
    return { type: "mention", attrs: { id: user.accountId, text: `@${user.displayName}`, accessLevel: "" } };
  });
  return { type: "doc", version: 1, content: [{ type: "paragraph", content: inline }] };
}

function toTextLine(line: string, index: number): AdfNode[] {
  const text: AdfNode = { type: "text", text: line };
  return index === 0 ? [text] : [{ type: "hardBreak" }, text];
}

export interface NewIssue {
  project: string;
  summary: string;
  description?: BodyInput | null;
  issueType?: string;
  status?: string;
  assignee?: string | null;
  reporter: string;
  labels?: string[];
  priority?: string | null;
  duedate?: string | null;
  fixVersions?: string[];
  at?: When;
}

export interface IssueChange {
  summary?: string;
  description?: BodyInput | null;
  assignee?: string | null;
  labels?: string[];
  priority?: string | null;
  duedate?: string | null;
  fixVersions?: string[];
}

/** A deleted issue or comment, for webhooks and for tests that look at what the sandbox forgot. */
export interface SandboxDeletion {
  type: "issue" | "comment";
  id: string;
  issueId: string;
  issueKey: string;
  at: number;
}

/**
 * One Jira site. Build it with `addUser`, `addProject`, `addIssue`, `addComment`, `transition`; change it
 * between sync passes with the same methods plus `updateIssue`, `editComment`, `deleteComment`,
 * `deleteIssue`. Every change stamps the issue's `updated` with the clock, as Jira does.
 */
export class JiraDataset {
  readonly deployment: JiraDeployment;
  readonly email: string;
  readonly apiToken: string;
  readonly userTimeZone: string;
  readonly siteUrl: string | null;
  readonly cloudId: string;
  readonly users = new Map<string, SandboxUser>();
  readonly projects = new Map<string, SandboxProject>();
  readonly statuses: SandboxStatus[] = DEFAULT_STATUSES.map((s) => ({ ...s }));
  /** By issue id, in creation order. */
  readonly issues = new Map<string, SandboxIssue>();
  readonly links: SandboxLink[] = [];
  readonly deletions: SandboxDeletion[] = [];
  /** Projects the API user cannot browse: JQL over them fails as over a project that does not exist. */
  readonly hiddenProjects = new Set<string>();
  /**
   * Issues (by key) under a security level the API user is not in, or briefly out of reach while an admin
   * changes a permission scheme: searches leave them out and reading one answers 404, as for a deleted one.
   */
  readonly hiddenIssues = new Set<string>();
  /**
   * The API user's project permissions beyond browsing: all of them unless a test takes one away (writes
   * then answer 403, and `mypermissions` says `havePermission: false`).
   */
  readonly permissions = new Set<WritePermission>(WRITE_PERMISSIONS);
  /**
   * OAuth 2.0 (3LO) access tokens the site takes as `Authorization: Bearer` (Cloud, through the API gateway),
   * with their granted scopes (`read:jira-work`, `write:jira-work`, …).
   */
  readonly oauthTokens = new Map<string, string[]>();
  /** A test hook: the next write answers a 5xx before or after it is saved. */
  readonly writeFaults = new WriteFaults();
  private clock: number;
  private nextId = 10000;
  private readonly keyCounters = new Map<string, number>();

  constructor(options: JiraDatasetOptions = {}) {
    this.deployment = options.deployment ?? "cloud";
    this.email = options.email ?? "sync-bot@example.com";
    this.apiToken = options.apiToken ?? "sandbox-api-token";
    this.userTimeZone = options.userTimeZone ?? "UTC";
    this.siteUrl = options.siteUrl ?? null;
    this.cloudId = options.cloudId ?? "11111111-2222-3333-4444-555555555555";
    this.clock = toMillis(options.now ?? "2026-03-02T09:00:00Z");
  }

  /** The data set's clock: what a change without `at` is stamped with. */
  get now(): number {
    return this.clock;
  }

  /**
   * The user the API credentials belong to (what `myself` answers and whose name writes carry): the user
   * whose email (Cloud) or username (Data Center) is the credentials', added on first use when no test did.
   */
  apiUser(): SandboxUser & { id: string } {
    for (const [id, user] of this.users) {
      if (user.email === this.email || user.name === this.email) return { ...user, id };
    }
    const id = this.email.split("@")[0] ?? "api-user";
    this.addUser(id, { displayName: id, email: this.email.includes("@") ? this.email : null });
    return { ...this.user(id), id };
  }

  /** Moves the clock forward (or to `to`). */
  advance(ms: number): this {
    this.clock += ms;
    return this;
  }

  setClock(to: When): this {
    this.clock = toMillis(to);
    return this;
  }

  private id(): string {
    return String(this.nextId++);
  }

  private stamp(at: When | undefined): number {
    const t = at === undefined ? this.clock : toMillis(at);
    if (t > this.clock) this.clock = t;
    return t;
  }

  addUser(
    id: string,
    user: {
      displayName: string;
      email?: string | null;
      timeZone?: string;
      accountType?: SandboxUser["accountType"];
    },
  ): this {
    const name = id;
    this.users.set(id, {
      // Cloud account ids look like `557058:f58131cb-…` or a 24-digit hex; a readable stand-in keeps tests legible.
      accountId: `5b10a2844c2016570${String(this.users.size).padStart(7, "0")}`,
      name,
      key: `JIRAUSER${10000 + this.users.size}`,
      displayName: user.displayName,
      email: user.email === undefined ? `${name}@example.com` : user.email,
      timeZone: user.timeZone ?? "UTC",
      accountType: user.accountType ?? "atlassian",
      active: true,
    });
    return this;
  }

  addProject(key: string, name = key): this {
    this.projects.set(key, { id: this.id(), key, name });
    this.keyCounters.set(key, 0);
    return this;
  }

  user(id: string): SandboxUser {
    const user = this.users.get(id);
    if (!user) throw new Error(`sandbox: no user ${id}`);
    return user;
  }

  status(nameOrId: string): SandboxStatus {
    const status = this.statuses.find((s) => s.name === nameOrId || s.id === nameOrId);
    if (!status) throw new Error(`sandbox: no status ${nameOrId}`);
    return status;
  }

  issue(keyOrId: string): SandboxIssue {
    const issue = this.findIssue(keyOrId);
    if (!issue) throw new Error(`sandbox: no issue ${keyOrId}`);
    return issue;
  }

  findIssue(keyOrId: string): SandboxIssue | undefined {
    const byId = this.issues.get(keyOrId);
    if (byId) return byId;
    const upper = keyOrId.toUpperCase();
    for (const issue of this.issues.values()) if (issue.key === upper) return issue;
    return undefined;
  }

  /** Creates an issue (as Jira does: in the first status, then a transition when `status` says otherwise). */
  addIssue(input: NewIssue): SandboxIssue {
    const project = this.projects.get(input.project);
    if (!project) throw new Error(`sandbox: no project ${input.project}`);
    this.user(input.reporter);
    if (input.assignee) this.user(input.assignee);
    const number = (this.keyCounters.get(project.key) ?? 0) + 1;
    this.keyCounters.set(project.key, number);
    const at = this.stamp(input.at);
    const issue: SandboxIssue = {
      id: this.id(),
      key: `${project.key}-${number}`,
      projectKey: project.key,
      issueType: input.issueType ?? "Task",
      summary: input.summary,
      description:
        input.description === undefined || input.description === null
          ? null
          : toAdf(input.description, this.users),
      statusId: this.statuses[0]!.id,
      assigneeId: input.assignee ?? null,
      reporterId: input.reporter,
      creatorId: input.reporter,
      labels: input.labels ?? [],
      priority: input.priority === undefined ? "Medium" : input.priority,
      duedate: input.duedate ?? null,
      fixVersions: input.fixVersions ?? [],
      created: at,
      updated: at,
      comments: [],
      histories: [],
    };
    this.issues.set(issue.id, issue);
    if (input.status && this.status(input.status).id !== issue.statusId) {
      this.transition(issue.key, input.status, { by: input.reporter, at });
    }
    return issue;
  }

  addComment(
    issueKey: string,
    input: {
      author: string;
      body: BodyInput;
      at?: When;
      properties?: Array<{ key: string; value: unknown }>;
    },
  ): SandboxComment {
    const issue = this.issue(issueKey);
    this.user(input.author);
    const at = this.stamp(input.at);
    const comment: SandboxComment = {
      id: this.id(),
      authorId: input.author,
      updateAuthorId: input.author,
      body: toAdf(input.body, this.users),
      created: at,
      updated: at,
      properties: input.properties ?? [],
    };
    issue.comments.push(comment);
    issue.updated = Math.max(issue.updated, at);
    return comment;
  }

  /** Moves the issue to another status, with the change history entry Jira writes for it. */
  transition(issueKey: string, statusName: string, options: { by: string; at?: When }): SandboxHistory {
    const issue = this.issue(issueKey);
    const from = this.status(issue.statusId);
    const to = this.status(statusName);
    issue.statusId = to.id;
    return this.record(issue, options, [
      {
        field: "status",
        fieldtype: "jira",
        fieldId: "status",
        from: from.id,
        fromString: from.name,
        to: to.id,
        toString: to.name,
      },
    ]);
  }

  /** Changes fields, with a change history entry per changed field. */
  updateIssue(issueKey: string, change: IssueChange, options: { by: string; at?: When }): SandboxHistory {
    const issue = this.issue(issueKey);
    const items: SandboxChangeItem[] = [];
    const item = (
      field: string,
      from: string | null,
      to: string | null,
      ids?: [string | null, string | null],
    ) =>
      items.push({
        field,
        fieldtype: "jira",
        fieldId: field,
        from: ids ? ids[0] : null,
        fromString: from,
        to: ids ? ids[1] : null,
        toString: to,
      });
    if (change.summary !== undefined) {
      item("summary", issue.summary, change.summary);
      issue.summary = change.summary;
    }
    if (change.description !== undefined) {
      item("description", null, null);
      issue.description = change.description === null ? null : toAdf(change.description, this.users);
    }
    if (change.assignee !== undefined) {
      const before = issue.assigneeId ? this.user(issue.assigneeId) : null;
      const after = change.assignee ? this.user(change.assignee) : null;
      item("assignee", before?.displayName ?? null, after?.displayName ?? null, [
        before?.accountId ?? null,
        after?.accountId ?? null,
      ]);
      issue.assigneeId = change.assignee;
    }
    if (change.labels !== undefined) {
      item("labels", issue.labels.join(" "), change.labels.join(" "));
      issue.labels = change.labels;
    }
    if (change.priority !== undefined) {
      item("priority", issue.priority, change.priority);
      issue.priority = change.priority;
    }
    if (change.duedate !== undefined) {
      item("duedate", issue.duedate, change.duedate);
      issue.duedate = change.duedate;
    }
    if (change.fixVersions !== undefined) {
      item("Fix Version", issue.fixVersions.join(", "), change.fixVersions.join(", "));
      issue.fixVersions = change.fixVersions;
    }
    return this.record(issue, options, items);
  }

  private record(issue: SandboxIssue, options: { by: string; at?: When }, items: SandboxChangeItem[]) {
    this.user(options.by);
    const at = this.stamp(options.at);
    const history: SandboxHistory = { id: this.id(), authorId: options.by, created: at, items };
    issue.histories.push(history);
    issue.updated = Math.max(issue.updated, at);
    return history;
  }

  editComment(commentId: string, input: { body: BodyInput; by?: string; at?: When }): SandboxComment {
    const { issue, comment } = this.comment(commentId);
    const at = this.stamp(input.at);
    comment.body = toAdf(input.body, this.users);
    comment.updated = at;
    if (input.by) {
      this.user(input.by);
      comment.updateAuthorId = input.by;
    }
    issue.updated = Math.max(issue.updated, at);
    return comment;
  }

  deleteComment(commentId: string, options: { at?: When } = {}): void {
    const { issue, comment } = this.comment(commentId);
    const at = this.stamp(options.at);
    issue.comments = issue.comments.filter((c) => c !== comment);
    issue.updated = Math.max(issue.updated, at);
    this.deletions.push({ type: "comment", id: comment.id, issueId: issue.id, issueKey: issue.key, at });
  }

  deleteIssue(issueKey: string, options: { at?: When } = {}): SandboxIssue {
    const issue = this.issue(issueKey);
    const at = this.stamp(options.at);
    this.issues.delete(issue.id);
    for (let i = this.links.length - 1; i >= 0; i--) {
      const link = this.links[i]!;
      if (link.inwardKey === issue.key || link.outwardKey === issue.key) this.links.splice(i, 1);
    }
    this.deletions.push({ type: "issue", id: issue.id, issueId: issue.id, issueKey: issue.key, at });
    return issue;
  }

  /** Moves an issue to another project: a new key, the same id, as Jira's "Move" does. */
  moveIssue(issueKey: string, toProject: string, options: { by: string; at?: When }): SandboxIssue {
    const issue = this.issue(issueKey);
    if (!this.projects.has(toProject)) throw new Error(`sandbox: no project ${toProject}`);
    const number = (this.keyCounters.get(toProject) ?? 0) + 1;
    this.keyCounters.set(toProject, number);
    const oldKey = issue.key;
    const newKey = `${toProject}-${number}`;
    for (const link of this.links) {
      if (link.inwardKey === oldKey) link.inwardKey = newKey;
      if (link.outwardKey === oldKey) link.outwardKey = newKey;
    }
    issue.key = newKey;
    const from = this.projects.get(issue.projectKey)!;
    const to = this.projects.get(toProject)!;
    issue.projectKey = toProject;
    this.record(issue, options, [
      {
        field: "Key",
        fieldtype: "jira",
        fieldId: "issuekey",
        from: null,
        fromString: oldKey,
        to: null,
        toString: newKey,
      },
      {
        field: "project",
        fieldtype: "jira",
        fieldId: "project",
        from: from.id,
        fromString: from.name,
        to: to.id,
        toString: to.name,
      },
    ]);
    return issue;
  }

  /** `blocker` blocks `blocked`: `blocked` then "is blocked by" `blocker`. Touches neither issue's `updated`. */
  addLink(blocker: string, blocked: string, type: SandboxLink["type"] = "Blocks"): SandboxLink {
    const link: SandboxLink = {
      id: this.id(),
      type,
      outwardKey: this.issue(blocker).key,
      inwardKey: this.issue(blocked).key,
    };
    this.links.push(link);
    return link;
  }

  comment(commentId: string): { issue: SandboxIssue; comment: SandboxComment } {
    for (const issue of this.issues.values()) {
      const comment = issue.comments.find((c) => c.id === commentId);
      if (comment) return { issue, comment };
    }
    throw new Error(`sandbox: no comment ${commentId}`);
  }
}
