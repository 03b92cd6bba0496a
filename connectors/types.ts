/**
 * All the core knows of a source. A connector lives in one folder (`connectors/<source>/`), imports its SDK
 * there and nowhere else, and never imports the store: it yields pages of raw API objects, and a pure `map`
 * turns each raw object into model records. The sync engine saves a page and its cursor in one transaction;
 * `threadline relink` replays `map` over the stored raw objects without asking any API.
 */
import type { z } from "zod";
import { ConfigError } from "../src/config.ts";
import type { ItemKind, SourceId, StatusCategory } from "../src/model/kinds.ts";
import type { SourceAbout } from "../src/model/source-about.ts";

/** Anything `JSON.stringify` keeps as it is: what jsonb columns (raw, meta, cursor) hold. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

// ---------------------------------------------------------------------------------------------------------
// Raw first: what a source answered
// ---------------------------------------------------------------------------------------------------------

/**
 * One API object exactly as the source returned it, with what its request knew and the object does not
 * (the channel of a Slack message, the issue of a Jira comment, the workspace URL). Stored as it is in the
 * `raw` column of every row mapped from it, so `map` can be replayed over it.
 */
export interface RawRecord {
  /** What the object is, in the connector's own words (`issue`, `comment`, `message`); `map` dispatches on it. */
  type: string;
  /** The API object, untouched. */
  data: JsonValue;
  /** Facts from the request, not the object: ids, URLs of the scope. */
  context?: Record<string, string>;
}

/** A record the source says is gone. Its row keeps its content and links and gets `deleted_at`. */
export interface Tombstone {
  type: "task" | "item";
  externalId: string;
  /** When the source deleted it, if it says; otherwise the sync's clock. */
  at: Date | null;
}

/**
 * Every item of one kind under one task, as the source listed them in full (all of an issue's comments): a
 * stored item of that kind under that task and not in the list was deleted without a push we saw.
 */
export interface CompleteItemList {
  /** The task key as the timeline stores it (what `map` gives as `parentTaskKey`). */
  parentTaskKey: string;
  kind: ItemKind;
  externalIds: string[];
  /**
   * When the list was true (the task's own updated time): an item created after it may be missing only
   * because the source's search index lagged behind a push, so it is left alone.
   */
  asOf: Date;
}

/**
 * A slice of one stream of one scope. The engine commits the page's records and `cursor` in one
 * transaction, so a pull killed at any moment resumes from the last committed page.
 */
export interface PulledPage {
  /** Which stream of the scope the cursor belongs to (`issues`, `comments`, `history`); one cursor a stream. */
  stream: string;
  records: RawRecord[];
  deletions?: Tombstone[];
  /** Full lists read in this page: what is stored under them and missing from them is tombstoned. */
  completeLists?: CompleteItemList[];
  /**
   * External ids of items the source says are back (mail taken out of Trash or Spam): their tombstones are
   * lifted. Only a source that can say so sends these; any other tombstone stays final.
   */
  restored?: string[];
  /** Where this stream continues after this page; handed back in `PullRequest.cursors[stream]`. */
  cursor: JsonValue;
  /**
   * For a scope whose history is being read newest first (a backfill, a first pass): every record of the
   * scope, in all its streams, changed at or after this ISO time has been read once this page is saved. The
   * engine evaluates flags early on what is complete by then (`src/sync/early-flags.ts`). Left out when the
   * scope is read forward (an incremental pass) or the connector cannot say.
   */
  readBackTo?: string;
}

// ---------------------------------------------------------------------------------------------------------
// The model: what `map` produces
// ---------------------------------------------------------------------------------------------------------

/** How a record names a person: an account in one source. */
export interface IdentityRef {
  source: SourceId;
  /** The source's stable id: Jira accountId, GitHub login id, Slack user id, an email address for Gmail. */
  externalId: string;
}

/** How a person appears in one source. People are merged across sources by email (case-insensitive). */
export interface Identity extends IdentityRef {
  displayName: string | null;
  email: string | null;
  /**
   * The name other records use for the account when `externalId` is not it: a GitHub login where the key is
   * GitHub's numeric id (mentions and review requests name people by login). Lower-cased when stored.
   */
  handle?: string | null;
  /**
   * Further addresses the source vouches for beside `email`: a GitHub account's verified commit emails and
   * organisation verified-domain emails. The person joins whoever holds any of them.
   */
  emails?: string[];
  /** A Slack or Teams guest: a client or stakeholder whatever their email domain. */
  isGuest: boolean;
  isBot: boolean;
  /** The user object as the source returned it, when the page had one. */
  raw?: JsonValue;
}

/** A unit of work: a Jira issue (`PROJ-123`) or a GitHub issue or pull request (`owner/repo#12`). */
export interface MappedTask {
  key: string;
  externalId: string;
  title: string;
  status: string;
  statusCategory: StatusCategory;
  url: string;
  assignee: IdentityRef | null;
  reporter: IdentityRef | null;
  labels: string[];
  priority: string | null;
  dueAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  /** Set when the source reports the task deleted in the record itself. */
  deletedAt?: Date | null;
}

/**
 * Source-specific facts the rules and the linker read. The names below are shared by every connector; a
 * connector may add its own (JSON only).
 */
export interface ItemMeta {
  /** Review: `approved`, `changes_requested`, `commented`, `dismissed`. */
  reviewState?: string;
  /** Email headers: Message-ID, In-Reply-To, References (every id, including the In-Reply-To one). */
  messageId?: string;
  inReplyTo?: string;
  references?: string[];
  subject?: string;
  from?: string;
  to?: string[];
  cc?: string[];
  reactions?: Array<{ name: string; count: number; users?: string[] }>;
  /** Status change: the workflow states either side. */
  statusFrom?: string;
  statusTo?: string;
  /** Deployment: `success`, `failure`, `in_progress`, and where to. */
  deploymentState?: string;
  environment?: string;
  /** People mentioned, as external ids of the item's source. */
  mentions?: string[];
  /** Pull request facts the linker reads: head branch, repository `owner/name`, title, merged. */
  branch?: string;
  repo?: string;
  title?: string;
  merged?: boolean;
  isBot?: boolean;
  [key: string]: JsonValue | undefined;
}

/** Something that happened around a task: a comment, a review, an email, a chat message, a status change. */
export interface MappedItem {
  externalId: string;
  kind: ItemKind;
  author: IdentityRef | null;
  at: Date;
  text: string;
  url: string | null;
  /**
   * Chat thread (Slack thread_ts, Teams reply chain) or email thread (Gmail thread id), unique within the
   * source (prefix the channel: `C024BE91L:1712.000100`). Items of one thread share its links (`thread`,
   * `email_thread`); the root carries it too.
   */
  threadId: string | null;
  meta: ItemMeta;
  /** The task the source itself puts this item under: a Jira comment's issue, a review's pull request. */
  parentTaskKey: string | null;
  editedAt: Date | null;
  /** Set when the record itself says it was deleted (a Teams message with `deletedDateTime`). */
  deletedAt?: Date | null;
  /**
   * Who may read it, where the source says so (`src/model/audience.ts`): the keys of the people it is shown
   * to (a private Slack channel's member ids, an email's addresses), lower-cased. Absent or null: everyone on
   * the team. An empty list: admins only (a private channel whose members could not be read).
   */
  audience?: string[] | null;
}

/** What one raw record maps to. Any part may be empty. */
export interface Mapped {
  tasks?: MappedTask[];
  items?: MappedItem[];
  identities?: Identity[];
}

// ---------------------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------------------

/**
 * - `auth`: the credentials are wrong or expired (the whole source stops);
 * - `forbidden`: this scope can no longer be read with them (the scope is marked, its items kept);
 * - `not_found`: the scope is gone;
 * - `rate_limit`: wait until `retryAt`, then resume from the last committed page;
 * - `transient`: a 5xx or a dropped connection, worth a retry;
 * - `unreachable`: the API root's host does not resolve, refuses the connection or fails TLS: on the first
 *   request of a pass the source fails at once with what to check; later in a pass it is retried as transient;
 * - `invalid`: the source answered something we cannot read (or a setting is wrong): a bug to report.
 */
export type ConnectorErrorKind =
  | "auth"
  | "forbidden"
  | "not_found"
  | "rate_limit"
  | "transient"
  | "unreachable"
  | "invalid";

/**
 * What a connector throws. The message says where and what to do:
 * `[threadline] [jira] 401 from https://…/rest/api/3/search/jql: check JIRA_EMAIL and JIRA_API_TOKEN`.
 */
export class ConnectorError extends Error {
  override name = "ConnectorError";
  readonly source: SourceId;
  readonly kind: ConnectorErrorKind;
  readonly status: number | undefined;
  /** For `rate_limit`: when the source accepts requests again. */
  readonly retryAt: Date | undefined;

  constructor(
    source: SourceId,
    kind: ConnectorErrorKind,
    detail: string,
    options: { status?: number; retryAt?: Date; cause?: unknown } = {},
  ) {
    super(`[threadline] [${source}] ${detail}`, { cause: options.cause });
    this.source = source;
    this.kind = kind;
    this.status = options.status;
    this.retryAt = options.retryAt;
  }

  /** Whether resuming from the last committed page may succeed. */
  get retryable(): boolean {
    return this.kind === "rate_limit" || this.kind === "transient" || this.kind === "unreachable";
  }
}

/** The error kind an HTTP status means, for connectors that classify an SDK's errors. */
export function errorKindOfStatus(status: number): ConnectorErrorKind {
  if (status === 401) return "auth";
  if (status === 403) return "forbidden";
  if (status === 404 || status === 410) return "not_found";
  if (status === 429) return "rate_limit";
  if (status >= 500 || status === 408) return "transient";
  return "invalid";
}

// ---------------------------------------------------------------------------------------------------------
// Pulling
// ---------------------------------------------------------------------------------------------------------

/** What the engine asks a connector to pull: one scope, from its cursors. */
export interface PullRequest<Settings> {
  settings: Settings;
  /** One of `listScopes`' answers. */
  scope: string;
  /** `backfill` pulls history (from `since` when set); `sync` pulls what changed since the cursors. */
  mode: "backfill" | "sync";
  since: Date | null;
  /** The committed cursor of each stream of this scope; a stream without one starts afresh. */
  cursors: Readonly<Record<string, JsonValue>>;
  /** When this run started: a connector computes windows from it, never from its own clock. */
  now: Date;
  /** Aborted when the run is stopped or the source failed elsewhere: stop requesting and return. */
  signal: AbortSignal;
  report: PullReporter;
}

/** How a connector tells the progress display what it knows. All optional to call. */
export interface PullReporter {
  /** About how many items this scope will yield in this run (for the progress bar and the time left). */
  estimate(items: number): void;
  /** The SDK is waiting for a rate limit to pass (null when it is no longer waiting). */
  waiting(until: Date | null): void;
  /** Count API requests made (from the SDK's request hook), for the summary. */
  requests(count?: number): void;
}

/** What `listScopes` may use besides the settings. */
export interface ScopeRequest {
  signal: AbortSignal;
  report: Pick<PullReporter, "requests" | "waiting">;
}

// ---------------------------------------------------------------------------------------------------------
// Webhooks
// ---------------------------------------------------------------------------------------------------------

/** A push as it reached `POST /webhooks/{source}`: the raw body, for the signature. Header names lower-case. */
export interface WebhookRequest {
  url: string;
  headers: Readonly<Record<string, string | undefined>>;
  body: string;
  now: Date;
}

export type WebhookResult =
  /** A handshake the source expects an exact answer to (Slack `url_verification`, Graph `validationToken`). */
  | { type: "reply"; status: number; contentType: string; body: string }
  /** Records pushed in full: saved like a page, without moving any cursor. */
  | {
      type: "records";
      scope: string;
      records: RawRecord[];
      deletions: Tombstone[];
      deliveryId: string | null;
    }
  /** A notification that carries no data (Gmail's historyId, a Graph change): pull these scopes now. */
  | { type: "sync"; scopes: string[] | null }
  /**
   * Lifecycle notifications of the source's subscriptions (with the scopes any change notifications in the
   * same delivery name): the subscription manager answers them after the push is acknowledged.
   */
  | { type: "subscription"; events: SubscriptionEvent[]; scopes: string[] }
  | { type: "ignore"; reason: string };

export interface WebhookHandler<Settings> {
  /** Whether the push is signed by the source (constant-time compare, Web Crypto so the Worker runs it). */
  verify(request: WebhookRequest, settings: Settings): Promise<boolean>;
  /** What a verified push means. Throws `ConnectorError` of kind `invalid` on a body it cannot read. */
  parse(request: WebhookRequest, settings: Settings): WebhookResult;
}

// ---------------------------------------------------------------------------------------------------------
// Push subscriptions (sources whose pushes must be asked for and kept alive: Graph change notifications)
// ---------------------------------------------------------------------------------------------------------

/** A subscription the source holds for one scope: its id and when it ends unless renewed. */
export interface PushSubscription {
  id: string;
  expiresAt: Date;
}

/** What a subscription call needs besides its arguments. */
export interface SubscriptionRequest<Settings> {
  settings: Settings;
  now: Date;
  signal: AbortSignal;
}

/** What happened to a subscription, as the source's lifecycle notifications say it. */
export interface SubscriptionEvent {
  subscriptionId: string;
  /** `reauthorizationRequired`: reauthorize it; `removed`: it is gone; `missed`: pushes were dropped. */
  event: "reauthorizationRequired" | "removed" | "missed";
}

/**
 * Keeps a source's pushes coming: one subscription per scope, created, renewed before it expires and
 * reauthorized when the source asks. Throws `ConnectorError` (`not_found` when the subscription is gone).
 */
export interface SubscriptionHandler<Settings> {
  /** Renew a subscription when less than this is left of it. */
  readonly renewWithinMs: number;
  /** Whether the settings allow subscriptions at all (a secret to verify pushes with, say). */
  enabled(settings: Settings): boolean;
  /** Subscribes `scope`, with pushes and lifecycle notifications sent to `notificationUrl`. */
  create(
    request: SubscriptionRequest<Settings>,
    scope: string,
    notificationUrl: string,
  ): Promise<PushSubscription>;
  /** Extends a subscription's life (which also reauthorizes it). */
  renew(request: SubscriptionRequest<Settings>, id: string): Promise<PushSubscription>;
  /** Answers the source's reauthorization challenge without extending the subscription. */
  reauthorize(request: SubscriptionRequest<Settings>, id: string): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------
// Writing back (acting on a flag)
// ---------------------------------------------------------------------------------------------------------

/**
 * What Threadline can write in a source:
 * - `comment`: a comment on the task (a Jira issue, a GitHub issue or pull request);
 * - `reply`: a reply in the conversation an item is in (a Slack thread, a Teams reply chain; on Jira and
 *   GitHub, a comment on the item's task);
 * - `draft_reply`: an email draft on the item's thread, in the mailbox it was read from (never sent);
 * - `assign`: the task's assignee; `request_review`: a pull request's requested reviewers;
 * - `reopen`: the task back to an open state.
 */
export const WRITE_KINDS = ["comment", "reply", "draft_reply", "assign", "request_review", "reopen"] as const;
export type WriteKind = (typeof WRITE_KINDS)[number];

/** A person a write names: mentioned in a message, addressed by a draft, assigned, asked for a review. */
export interface WritePerson extends IdentityRef {
  /** How the preview shows them (`@Ann Lee`); the connector writes the source's own mention of the account. */
  name: string;
  /**
   * The account's name where `externalId` is not it (`Identity.handle`: a GitHub login beside its numeric
   * id), which mentions, assignees and review requests take. Unset: the connector looks it up.
   */
  handle?: string | null;
}

/** Where a write goes: the task, or the item whose conversation it continues. */
export interface WriteTarget {
  /** The task's key as stored (`PROJ-12`, `acme/portal#39`). */
  taskKey: string;
  /** For `reply` and `draft_reply`: the item answered, as the store holds it. */
  item?: {
    externalId: string;
    /** The scope it was read from (a channel `teamId/channelId`, a Slack channel id, a mailbox). */
    scope: string;
    threadId: string | null;
    url: string | null;
    meta: ItemMeta;
  };
}

/** One write, as the person approved it in the preview. */
export interface WriteRequest<Settings> {
  settings: Settings;
  /**
   * Recorded before the call. The write carries it where the source keeps it out of sight (a comment
   * property, message metadata, a hidden marker, a mail header), so that `find` can tell a write that landed
   * though its answer was lost.
   */
  actionId: string;
  /**
   * When the action was recorded. A source that keeps nothing out of sight on what it writes (Teams) finds
   * an earlier attempt by its text and author among what was written since then.
   */
  recordedAt?: Date;
  kind: WriteKind;
  target: WriteTarget;
  /** Plain text, as previewed. Empty for `assign`, `request_review` and `reopen` without a message. */
  text: string;
  /**
   * For a message: the people mentioned at its start (a draft: its recipients); for `assign`: the one
   * assignee; for `request_review`: the reviewers.
   */
  people: WritePerson[];
  signal: AbortSignal;
}

/** What a write made. */
export interface WriteResult {
  /** The written record's id as `map` will give it once synced (null when the write is not an item). */
  externalId: string | null;
  url: string | null;
}

/** Whether the configured credentials can make one kind of write. */
export type WriteAccess =
  | { allowed: true /** As whom the write appears (`Threadline bot`, `ann@acme.io`). */; account: string }
  | {
      allowed: false /** The scope or permission missing, as the source names it (`chat:write`). */;
      needs: string;
    };

/**
 * How a connector writes back, with its SDK. Throws `ConnectorError` (a `transient` or `rate_limit` error
 * leaves the action retryable).
 */
export interface ActionHandler<Settings> {
  /** The kinds of write this source makes. */
  readonly kinds: readonly WriteKind[];
  /** What the configured credentials allow for each of `kinds` (asks the source; the caller caches it). */
  access(request: {
    settings: Settings;
    signal: AbortSignal;
  }): Promise<Partial<Record<WriteKind, WriteAccess>>>;
  /** The write an earlier attempt of this action made, found by its action id; null when it never landed. */
  find(request: WriteRequest<Settings>): Promise<WriteResult | null>;
  write(request: WriteRequest<Settings>): Promise<WriteResult>;
}

// ---------------------------------------------------------------------------------------------------------
// The connector
// ---------------------------------------------------------------------------------------------------------

/**
 * A source. Members are methods (not function properties) on purpose: that keeps
 * `Connector<"jira", JiraSettings>` assignable to `Connector<"jira">`, so the registry can hold every source.
 */
export interface Connector<Id extends SourceId = SourceId, Settings = unknown> {
  readonly id: Id;
  /**
   * Everything the rest of the product says about the source (its name, how a sentence names it, its badge
   * colour, whether its accounts are the team's, its link hints, its help line), from its SDK-free
   * `about.ts`: the core reads these descriptors, never the connector's code.
   */
  readonly about: SourceAbout<Id>;
  /** Its settings from the environment; null when the source is not configured. Throws `ConfigError`. */
  fromEnv(env: Readonly<Record<string, string | undefined>>): Settings | null;
  /** The scopes to read: the configured projects or channels, or those the token can see. */
  listScopes(settings: Settings, request: ScopeRequest): Promise<string[]>;
  /** Pages of one scope, from its cursors. Throws `ConnectorError`. */
  pull(request: PullRequest<Settings>): AsyncIterable<PulledPage>;
  /** Pure: a raw record to model records. No I/O, no clock, no settings: replayed by `threadline relink`. */
  map(record: RawRecord): Mapped;
  readonly webhook: WebhookHandler<Settings>;
  /** For sources whose pushes need a subscription kept alive (Microsoft Graph). */
  readonly subscriptions?: SubscriptionHandler<Settings>;
  /** For sources Threadline can act in (comment, reply, draft, assign): see `ActionHandler`. */
  readonly actions?: ActionHandler<Settings>;
}

/** Lets TypeScript infer a connector's settings type from its members and check them in one place. */
export function defineConnector<Id extends SourceId, Settings>(
  connector: Connector<Id, Settings>,
): Connector<Id, Settings> {
  return connector;
}

/**
 * A connector's settings from the environment through its zod schema: null when none of `enabledBy` is set,
 * the parsed settings when the schema accepts them, otherwise a `ConfigError` naming the variable.
 */
export function settingsFromEnv<Schema extends z.ZodType>(
  source: SourceId,
  schema: Schema,
  env: Readonly<Record<string, string | undefined>>,
  enabledBy: readonly string[],
): z.infer<Schema> | null {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  if (!enabledBy.some((name) => name in present)) return null;
  const parsed = schema.safeParse(present);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const name = String(issue.path[0] ?? "environment");
  throw new ConfigError(`[threadline] [${source}] ${name} ${issue.message}`);
}
