/**
 * Pages of one Teams channel (I/O). One stream, `messages`, whose cursor holds the pass under way (the link
 * to request next), the last round's `@odata.deltaLink`, and what was learned once: the channel's tenant
 * and name, and the directory's answer for each author.
 *
 * A page of the API becomes a page of records: 50 root posts a request (`$top` ≤ 50) with their replies
 * expanded (`$expand=replies`, up to 1,000 a post; more through `replies@odata.nextLink`, 50 a request).
 *
 * - Full history: list the channel's messages (https://learn.microsoft.com/graph/api/channel-list-messages),
 *   which answers root posts newest first by when they were posted (the documentation's examples; the list
 *   takes no `$orderby` or `$filter`), each page saying how far back it has read (`readBackTo`), then open a
 *   delta round filtered to what changed since the list began
 *   (`$filter=lastModifiedDateTime gt …`, which "will fetch any reply chain created or changed after the
 *   specified date time"), usually one request, for the `@odata.deltaLink` the next pass starts from.
 * - A backfill from a date inside the delta query's window (the last eight months) is one delta round from
 *   that date, with no list at all.
 * - Incremental: follow the `@odata.deltaLink` (https://learn.microsoft.com/graph/api/chatmessage-delta):
 *   every reply chain with a new, edited or deleted message comes back whole. Nothing new costs one request.
 * - A delta link Graph refuses (410 Gone, or `syncStateNotFound`) starts a full pass again: list, then a new
 *   round. Re-reading is harmless (items are upserted by id); nothing is lost.
 *
 * Deleted messages stay in Teams with `deletedDateTime` set and their body emptied, and come back like
 * edits; the pull turns them into tombstones, so the item keeps its text and links and gets `deleted_at`.
 *
 * Authors are looked up in the directory (`GET /users`, 15 ids a request, once per author) for the email
 * and guest flag a message does not carry. Without the permission (User.Read.All) the pull goes on without
 * them and says so once.
 */
import { z } from "zod";
import { log as processLog } from "../../src/log.ts";
import type { JsonValue, PulledPage, PullRequest, RawRecord, Tombstone } from "../types.ts";
import { ConnectorError } from "../types.ts";
import {
  createTeamsClient,
  GraphRequestError,
  isResyncRequired,
  type TeamsClient,
  type TeamsRetryPolicy,
} from "./client.ts";
import { type TeamsChannelRef, type TeamsSettings, toChannelRef } from "./config.ts";
import { inspectTeamsRecord, isPersonMessage, toMessageExternalId } from "./map.ts";
import {
  GraphPageSchema,
  type GraphUser,
  GraphUserSchema,
  TeamsChannelSchema,
  TeamsMessageSchema,
  TeamsRootRefSchema,
} from "./schemas.ts";

export const MESSAGES_STREAM = "messages";

/** The most each endpoint returns a request: messages, delta and replies 50; `id in (…)` 15 ids. */
export const TEAMS_PAGE_SIZES = {
  messages: 50,
  delta: 50,
  replies: 50,
  expandedReplies: 1000,
  users: 15,
} as const;

/** "Delta will only return messages within the last eight months." */
export const DELTA_WINDOW_MONTHS = 8;

/** How far before the start of a list pass its closing delta round looks for changes. */
export const OVERLAP_MS = 5 * 60_000;

/** How long the pull leaves the directory alone after it was refused. */
export const DIRECTORY_RETRY_MS = 24 * 3_600_000;

/** What the directory said of an author: [mail, userPrincipalName, userType], or 0 when it does not know them. */
const PersonSchema = z.union([
  z.tuple([z.string().nullable(), z.string().nullable(), z.string().nullable()]),
  z.literal(0),
]);

const PassSchema = z.discriminatedUnion("kind", [
  /** Listing the channel; `next` is the page to ask for (null: the first). */
  z.object({ kind: z.literal("list"), next: z.string().nullable(), startedMs: z.number() }),
  /** A delta round; `history`: it reads the past from `changedAfterMs` (a backfill), not just what changed. */
  z.object({
    kind: z.literal("delta"),
    next: z.string().nullable(),
    changedAfterMs: z.number().nullable(),
    history: z.boolean(),
  }),
]);
type Pass = z.infer<typeof PassSchema>;

export const TeamsCursorSchema = z.object({
  v: z.literal(1),
  /** The channel's tenant (the reference for guests) and name, read once. */
  channel: z.object({ tenantId: z.string().nullable(), name: z.string().nullable() }).nullable(),
  pass: PassSchema.nullable(),
  /** The last complete round's link: where the next incremental pass starts. */
  deltaLink: z.string().nullable(),
  /** How far back the pulled history reaches: null for all of it, else the start of a delta backfill. */
  fromMs: z.number().nullable(),
  people: z.record(z.string(), PersonSchema),
  /** When the directory last refused the app, if it did. */
  directoryRefusedMs: z.number().nullable(),
});
export type TeamsCursor = z.infer<typeof TeamsCursorSchema>;

/** A line for the log: something about one message that a person may want to know. */
export interface TeamsPullNotice {
  /** `debug` for what is expected (system events skipped), `warn` for what loses something. */
  level: "debug" | "warn";
  scope: string;
  messageId: string | null;
  reason: string;
}

export interface TeamsPullOptions {
  retry?: Partial<TeamsRetryPolicy>;
  timeoutMs?: number;
  /** Where notices go (skipped messages, unknown attachments, a refused delta link); default the process log. */
  notice?: (notice: TeamsPullNotice) => void;
}

const defaultNotice = (n: TeamsPullNotice) =>
  processLog.warn(
    { source: "teams", scope: n.scope, messageId: n.messageId },
    `[threadline] [teams] ${n.reason}`,
  );

function parseOr<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ConnectorError(
    "teams",
    "invalid",
    `cannot read ${what}: ${issue ? `${issue.path.join(".")} ${issue.message}` : "unexpected shape"}`,
  );
}

type JsonObject = { [key: string]: JsonValue };
const isObject = (v: JsonValue | undefined): v is JsonObject =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * A message as it is stored: without its expanded replies (records of their own) and without OData
 * annotations (`@odata.type`, `replies@odata.count`, …), which describe the response rather than the
 * message and differ between endpoints (delta adds `@odata.type`, list does not), so the same message read
 * by either is the same raw object.
 */
export function toStoredMessage(message: JsonValue): JsonValue {
  if (!isObject(message)) return message;
  return Object.fromEntries(
    Object.entries(message).filter(([key]) => key !== "replies" && !key.includes("@odata.")),
  );
}

/** The start of the delta query's window, with a day's margin. */
export function deltaWindowStart(now: Date): number {
  const start = new Date(now.getTime());
  start.setUTCMonth(start.getUTCMonth() - DELTA_WINDOW_MONTHS);
  return start.getTime() + 86_400_000;
}

/**
 * How far back a page of the list has read: every thread whose root post was posted at or after the returned
 * time is in, with all its replies (read with the page). The list answers root posts newest first, so that is
 * a millisecond after the oldest root of the page: a root posted in that same millisecond may still come on
 * the next page. A reply posted later in an older thread comes with that thread, later, as on Slack.
 * Undefined when no root of the page says when it was posted.
 */
export function toListReadBackTo(roots: readonly JsonValue[]): string | undefined {
  let oldest = Number.POSITIVE_INFINITY;
  for (const raw of roots) {
    const ref = TeamsRootRefSchema.safeParse(raw);
    const at = ref.success && ref.data.createdDateTime ? Date.parse(ref.data.createdDateTime) : Number.NaN;
    if (at < oldest) oldest = at;
  }
  return Number.isFinite(oldest) ? new Date(oldest + 1).toISOString() : undefined;
}

/** The pass a pull starts with when none is under way. */
export function choosePass(
  cursor: TeamsCursor,
  request: Pick<PullRequest<unknown>, "mode" | "since" | "now">,
): Pass {
  const since = request.since ? request.since.getTime() : null;
  const nowMs = request.now.getTime();
  const historyPass = (): Pass =>
    since !== null && since >= deltaWindowStart(request.now)
      ? { kind: "delta", next: null, changedAfterMs: since, history: true }
      : { kind: "list", next: null, startedMs: nowMs };
  if (cursor.deltaLink === null) return historyPass();
  // A backfill reaching further back than what was pulled reads the past again from there.
  const deeper =
    request.mode === "backfill" && cursor.fromMs !== null && (since === null || since < cursor.fromMs);
  return deeper
    ? historyPass()
    : { kind: "delta", next: cursor.deltaLink, changedAfterMs: null, history: false };
}

const emptyCursor = (): TeamsCursor => ({
  v: 1,
  channel: null,
  pass: null,
  deltaLink: null,
  fromMs: null,
  people: {},
  directoryRefusedMs: null,
});

interface Scope {
  client: TeamsClient;
  channel: TeamsChannelRef;
  settings: TeamsSettings;
  notice: (n: TeamsPullNotice) => void;
  now: Date;
  signal: AbortSignal;
}

/** Every reply of a root post from `…/messages/{id}/replies` (50 a request, newest first). */
async function fetchRepliesEndpoint(scope: Scope, rootId: string): Promise<JsonValue[]> {
  const what = `the replies of message ${rootId}`;
  let page = parseOr(
    GraphPageSchema,
    await scope.client.fetchReplies(scope.channel, rootId, TEAMS_PAGE_SIZES.replies),
    what,
  );
  const replies: JsonValue[] = [...page.value];
  while (page["@odata.nextLink"] && !scope.signal.aborted) {
    page = parseOr(GraphPageSchema, await scope.client.fetchLink(page["@odata.nextLink"]), what);
    replies.push(...page.value);
  }
  return replies;
}

/**
 * Every reply of a root post: those expanded on the page, then `replies@odata.nextLink` pages; the replies
 * endpoint when the page did not expand them, or expanded 1,000 and left out the link to the rest.
 */
async function fetchAllReplies(scope: Scope, root: JsonObject, rootId: string): Promise<JsonValue[]> {
  const expanded = Array.isArray(root.replies) ? root.replies : null;
  const replies: JsonValue[] = expanded ? [...expanded] : [];
  let next = typeof root["replies@odata.nextLink"] === "string" ? root["replies@odata.nextLink"] : null;
  const unannotated = next === null && !("replies@odata.count" in root);
  if (expanded !== null && expanded.length >= TEAMS_PAGE_SIZES.expandedReplies && unannotated) {
    // A full expansion without its annotations: Graph sometimes leaves both out past 1,000 replies
    // (microsoftgraph/microsoft-graph-docs-contrib#8819), so the replies endpoint is read from the start.
    return fetchRepliesEndpoint(scope, rootId);
  }
  if (expanded === null) {
    // The page did not expand them: ask the replies endpoint.
    const page = parseOr(
      GraphPageSchema,
      await scope.client.fetchReplies(scope.channel, rootId, TEAMS_PAGE_SIZES.replies),
      `the replies of message ${rootId}`,
    );
    replies.push(...page.value);
    next = page["@odata.nextLink"] ?? null;
  }
  while (next && !scope.signal.aborted) {
    const page = parseOr(
      GraphPageSchema,
      await scope.client.fetchLink(next),
      `the replies of message ${rootId}`,
    );
    replies.push(...page.value);
    next = page["@odata.nextLink"] ?? null;
  }
  return replies;
}

/** Authors who are accounts of an Entra directory (the others are not in it). */
const DIRECTORY_KINDS = new Set(["aaduser", "onpremiseaaduser", ""]);

/** Looks up the authors of `messages` the cursor does not know yet; updates `people` in place. */
async function fetchPeople(
  scope: Scope,
  messages: ReadonlyArray<{ parsed: ReturnType<typeof TeamsMessageSchema.safeParse> }>,
  cursor: TeamsCursor,
): Promise<Pick<TeamsCursor, "people" | "directoryRefusedMs">> {
  const people = { ...cursor.people };
  let refusedMs = cursor.directoryRefusedMs;
  if (refusedMs !== null && scope.now.getTime() - refusedMs < DIRECTORY_RETRY_MS)
    return { people, directoryRefusedMs: refusedMs };
  const wanted = new Set<string>();
  const tenant = cursor.channel?.tenantId?.toLowerCase() ?? null;
  for (const { parsed } of messages) {
    const user = parsed.success ? parsed.data.from?.user : null;
    if (!user || user.id in people || !DIRECTORY_KINDS.has((user.userIdentityType ?? "").toLowerCase()))
      continue;
    // A shared channel's member of another tenant is in their own directory, not this one.
    if (tenant && user.tenantId && user.tenantId.toLowerCase() !== tenant) continue;
    wanted.add(user.id);
  }
  const ids = [...wanted];
  for (let i = 0; i < ids.length && !scope.signal.aborted; i += TEAMS_PAGE_SIZES.users) {
    const chunk = ids.slice(i, i + TEAMS_PAGE_SIZES.users);
    let answer: unknown;
    try {
      answer = await scope.client.fetchUsers(chunk);
    } catch (err) {
      if (err instanceof GraphRequestError && (err.kind === "forbidden" || err.status === 403)) {
        scope.notice({
          level: "warn",
          scope: scope.channel.scope,
          messageId: null,
          reason:
            "the app may not read the directory (grant User.Read.All for authors' emails and B2B guests); going on without it",
        });
        refusedMs = scope.now.getTime();
        return { people, directoryRefusedMs: refusedMs };
      }
      throw err;
    }
    const page = parseOr(GraphPageSchema, answer, "a page of users (GET /users)");
    const found = new Map<string, GraphUser>();
    for (const raw of page.value) {
      const user = GraphUserSchema.safeParse(raw);
      if (user.success) found.set(user.data.id.toLowerCase(), user.data);
    }
    for (const id of chunk) {
      const user = found.get(id.toLowerCase());
      people[id] = user ? [user.mail ?? null, user.userPrincipalName ?? null, user.userType ?? null] : 0;
    }
  }
  return { people, directoryRefusedMs: refusedMs };
}

/** The records of one page of root posts: each post, then each of its replies, with their context. */
async function fetchPageRecords(scope: Scope, roots: readonly JsonValue[], cursor: TeamsCursor) {
  const messages: JsonValue[] = [];
  for (const raw of roots) {
    const ref = TeamsRootRefSchema.safeParse(raw);
    if (!ref.success || !isObject(raw)) {
      // Its expanded replies name their thread themselves (`replyToId`) and are kept.
      scope.notice({
        level: "warn",
        scope: scope.channel.scope,
        messageId: null,
        reason: "a root post without an id: skipped (its expanded replies are kept)",
      });
      if (isObject(raw) && Array.isArray(raw.replies)) messages.push(...raw.replies.map(toStoredMessage));
      continue;
    }
    messages.push(toStoredMessage(raw));
    messages.push(...(await fetchAllReplies(scope, raw, ref.data.id)).map(toStoredMessage));
  }
  // Each message is read once, here.
  const read = messages.map((data) => ({ data, parsed: TeamsMessageSchema.safeParse(data) }));
  const directory = await fetchPeople(scope, read, cursor);
  const base: Record<string, string> = { teamId: scope.channel.teamId, channelId: scope.channel.channelId };
  if (cursor.channel?.tenantId) base.tenantId = cursor.channel.tenantId;
  if (cursor.channel?.name) base.channelName = cursor.channel.name;

  const records: RawRecord[] = [];
  const deletions: Tombstone[] = [];
  for (const { data, parsed } of read) {
    const record: RawRecord = { type: "message", data, context: base };
    const id = isObject(data) && typeof data.id === "string" ? data.id : null;
    const expected = parsed.success && !isPersonMessage(parsed.data);
    for (const reason of inspectTeamsRecord(record, parsed)) {
      scope.notice({ level: expected ? "debug" : "warn", scope: scope.channel.scope, messageId: id, reason });
    }
    // Unreadable messages (no id, no date) and system events are not kept; the notice says which and why.
    if (!parsed.success || !isPersonMessage(parsed.data)) continue;
    if (parsed.data.deletedDateTime) {
      // Teams keeps a deleted message with its body emptied: a tombstone keeps what was said, and its links,
      // on the row (the timeline leaves it out), rather than an empty text in its place.
      deletions.push({
        type: "item",
        externalId: toMessageExternalId(scope.channel.channelId, parsed.data.id),
        at: parsed.data.deletedDateTime,
      });
      continue;
    }
    const context = { ...base };
    const author = parsed.data.from?.user;
    const person = author ? directory.people[author.id] : undefined;
    if (person) {
      const [mail, upn, userType] = person;
      if (mail) context.authorMail = mail;
      if (upn) context.authorUpn = upn;
      if (userType) context.authorUserType = userType;
    }
    records.push({ type: "message", data, context });
  }
  return { records, deletions, directory };
}

/**
 * Pages of one channel (scope `teamId/channelId`). A backfill and a sync run the same passes from the
 * cursor; see the module comment for which pass runs when.
 */
export async function* pullTeamsChannel(
  request: PullRequest<TeamsSettings>,
  options: TeamsPullOptions = {},
): AsyncGenerator<PulledPage> {
  const { settings, signal } = request;
  const channel = toChannelRef(request.scope);
  if (!channel) {
    throw new ConnectorError(
      "teams",
      "invalid",
      `"${request.scope}" is not a channel: use teamId/channelId in TEAMS_CHANNELS`,
    );
  }
  const client = createTeamsClient({
    settings,
    signal,
    report: request.report,
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  const scope: Scope = {
    client,
    channel,
    settings,
    notice: options.notice ?? defaultNotice,
    now: request.now,
    signal,
  };
  const stored = TeamsCursorSchema.safeParse(request.cursors[MESSAGES_STREAM]);
  let cursor: TeamsCursor = stored.success ? stored.data : emptyCursor();

  if (cursor.channel === null) {
    // https://learn.microsoft.com/graph/api/channel-get: also proves the channel exists and can be read.
    const info = parseOr(
      TeamsChannelSchema,
      await client.fetchChannel(channel),
      `the channel ${channel.scope}`,
    );
    cursor = { ...cursor, channel: { tenantId: info.tenantId ?? null, name: info.displayName ?? null } };
  }
  let pass: Pass = cursor.pass ?? choosePass(cursor, request);
  let restarted = false;

  while (!signal.aborted) {
    let answer: unknown;
    try {
      if (pass.next) answer = await client.fetchLink(pass.next);
      else if (pass.kind === "list") answer = await client.fetchMessages(channel, TEAMS_PAGE_SIZES.messages);
      else {
        const changedAfter = pass.changedAfterMs === null ? null : new Date(pass.changedAfterMs);
        answer = await client.fetchDelta(channel, TEAMS_PAGE_SIZES.delta, changedAfter);
      }
    } catch (err) {
      // A refused link starts one full pass; a full pass refused at once is not something to loop on.
      if (!isResyncRequired(err) || restarted) throw err;
      restarted = true;
      scope.notice({
        level: "warn",
        scope: channel.scope,
        messageId: null,
        reason: `Graph refused the ${pass.kind === "delta" ? "delta" : "paging"} link (${err instanceof Error ? err.message : String(err)}): reading the whole channel again`,
      });
      cursor = { ...cursor, deltaLink: pass.kind === "delta" ? null : cursor.deltaLink };
      pass = { kind: "list", next: null, startedMs: request.now.getTime() };
      continue;
    }
    const what =
      pass.kind === "list" ? "a page of channel messages" : "a page of the channel's message delta";
    const page = parseOr(GraphPageSchema, answer, what);
    const { records, deletions, directory } = await fetchPageRecords(scope, page.value, cursor);
    // Only the list reads newest first; a delta round answers in the order of change, which Graph does not
    // document, so it says nothing of how far back it has read.
    const readBackTo = pass.kind === "list" ? toListReadBackTo(page.value) : undefined;
    const nextLink = page["@odata.nextLink"];
    let done = false;
    let next: TeamsCursor = { ...cursor, ...directory };
    if (nextLink) {
      pass = { ...pass, next: nextLink };
      next = { ...next, pass };
    } else if (pass.kind === "list") {
      // The whole history is read; a delta round from the list's start brings what changed meanwhile
      // and the link for the next pass.
      pass = { kind: "delta", next: null, changedAfterMs: pass.startedMs - OVERLAP_MS, history: false };
      next = { ...next, pass, fromMs: null };
    } else {
      const deltaLink = page["@odata.deltaLink"];
      if (!deltaLink)
        throw new ConnectorError("teams", "invalid", `${what} without @odata.nextLink nor @odata.deltaLink`);
      next = {
        ...next,
        pass: null,
        deltaLink,
        fromMs: pass.history ? pass.changedAfterMs : cursor.fromMs,
      };
      done = true;
    }
    cursor = next;
    yield {
      stream: MESSAGES_STREAM,
      records,
      ...(deletions.length > 0 ? { deletions } : {}),
      cursor,
      ...(readBackTo ? { readBackTo } : {}),
    };
    if (done) return;
  }
}
