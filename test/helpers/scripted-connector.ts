import { z } from "zod";
import { abortableSleep as sleep } from "../../connectors/kit/abortable-sleep.ts";
import { listSources } from "../../connectors/registry.ts";
import {
  type Connector,
  ConnectorError,
  type Identity,
  type JsonValue,
  type Mapped,
  type MappedItem,
  type MappedTask,
  type RawRecord,
  type Tombstone,
} from "../../connectors/types.ts";
import type { SourceId } from "../../src/model/kinds.ts";
import type { SourceAbout } from "../../src/model/source-about.ts";

/**
 * A test-only source: each scope is a log of changes (records and deletions) that it yields in pages, the
 * cursor being the position in the log. Tests append to a log to play edits and deletions under incremental
 * sync, and set faults to make it fail at chosen points.
 */

// The raw shapes the scripted source "answers", parsed in `map` as a real connector parses its API's.
const UserSchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  bot: z.boolean().optional(),
  guest: z.boolean().optional(),
});
const TaskSchema = z.object({
  id: z.string(),
  key: z.string(),
  title: z.string(),
  status: z.string(),
  category: z.enum(["todo", "in_progress", "done"]),
  assignee: UserSchema.nullable(),
  reporter: UserSchema,
  labels: z.array(z.string()),
  created: z.string(),
  updated: z.string(),
});
const CommentSchema = z.object({
  id: z.string(),
  issueKey: z.string(),
  author: UserSchema,
  body: z.string(),
  created: z.string(),
  edited: z.string().nullable().optional(),
});
const ChatSchema = z.object({
  ts: z.string(),
  threadTs: z.string().nullable(),
  channel: z.string(),
  user: UserSchema,
  text: z.string(),
  at: z.string(),
  edited: z.string().nullable().optional(),
});
const EmailSchema = z.object({
  id: z.string(),
  threadId: z.string(),
  messageId: z.string(),
  inReplyTo: z.string().nullable(),
  references: z.array(z.string()),
  from: UserSchema,
  subject: z.string(),
  body: z.string(),
  date: z.string(),
});
export type ScriptedUser = z.infer<typeof UserSchema>;
export type ScriptedTask = z.infer<typeof TaskSchema>;
export type ScriptedComment = z.infer<typeof CommentSchema>;
export type ScriptedChat = z.infer<typeof ChatSchema>;
export type ScriptedEmail = z.infer<typeof EmailSchema>;

export type ScriptedChange = { record: RawRecord } | { deletion: Tombstone };

export const taskRecord = (t: ScriptedTask): RawRecord => ({ type: "task", data: t as JsonValue });
export const commentRecord = (c: ScriptedComment): RawRecord => ({ type: "comment", data: c as JsonValue });
export const chatRecord = (c: ScriptedChat): RawRecord => ({
  type: "chat",
  data: c as JsonValue,
  context: { workspace: "https://example.slack.com" },
});
export const emailRecord = (e: ScriptedEmail): RawRecord => ({ type: "email", data: e as JsonValue });

/** A fault: before the page that starts at `atPosition` of `scope`, throw `error` (`times` times). */
export interface ScriptedFault {
  scope: string;
  atPosition: number;
  error: () => Error;
  times: number;
}

export interface ScriptedSource {
  scopes: Map<string, ScriptedChange[]>;
  pageSize: number;
  faults: ScriptedFault[];
  /** Scopes whose pull fails with `forbidden`, as when the token lost access. */
  forbidden: Set<string>;
  /** Every pull and scope listing fails with `auth`. */
  authFails: boolean;
  /** A pause before each page, so a test can kill the process mid-run. */
  pageDelayMs: number;
  /** Called before each page is handed over (position in the log). */
  onPage?: (scope: string, position: number) => void;
  pulls: number;
}

export function createScriptedSource(
  scopes: Record<string, ScriptedChange[]> = {},
  pageSize = 10,
): ScriptedSource {
  return {
    scopes: new Map(Object.entries(scopes)),
    pageSize,
    faults: [],
    forbidden: new Set(),
    authFails: false,
    pageDelayMs: 0,
    pulls: 0,
  };
}

const toIdentity = (source: SourceId, u: ScriptedUser): Identity => ({
  source,
  externalId: u.id,
  displayName: u.name,
  email: u.email,
  isGuest: u.guest ?? false,
  isBot: u.bot ?? false,
});
const ref = (source: SourceId, u: ScriptedUser) => ({ source, externalId: u.id });

/** The scripted source's pure mapper: raw record → model records. */
export function mapScripted(source: SourceId, record: RawRecord): Mapped {
  switch (record.type) {
    case "task": {
      const t = TaskSchema.parse(record.data);
      const task: MappedTask = {
        key: t.key,
        externalId: t.id,
        title: t.title,
        status: t.status,
        statusCategory: t.category,
        url: `https://example.test/browse/${t.key}`,
        assignee: t.assignee ? ref(source, t.assignee) : null,
        reporter: ref(source, t.reporter),
        labels: t.labels,
        priority: null,
        dueAt: null,
        createdAt: new Date(t.created),
        updatedAt: new Date(t.updated),
      };
      const created: MappedItem = {
        externalId: `task-${t.id}-created`,
        kind: "task_created",
        author: ref(source, t.reporter),
        at: new Date(t.created),
        text: t.title,
        url: task.url,
        threadId: null,
        meta: {},
        parentTaskKey: t.key,
        editedAt: null,
      };
      const identities = [
        toIdentity(source, t.reporter),
        ...(t.assignee ? [toIdentity(source, t.assignee)] : []),
      ];
      return { tasks: [task], items: [created], identities };
    }
    case "comment": {
      const c = CommentSchema.parse(record.data);
      return {
        items: [
          {
            externalId: `comment-${c.id}`,
            kind: "comment",
            author: ref(source, c.author),
            at: new Date(c.created),
            text: c.body,
            url: `https://example.test/browse/${c.issueKey}?focusedCommentId=${c.id}`,
            threadId: null,
            meta: {},
            parentTaskKey: c.issueKey,
            editedAt: c.edited ? new Date(c.edited) : null,
          },
        ],
        identities: [toIdentity(source, c.author)],
      };
    }
    case "chat": {
      const c = ChatSchema.parse(record.data);
      const workspace = record.context?.workspace ?? "";
      return {
        items: [
          {
            externalId: `${c.channel}-${c.ts}`,
            kind: "chat_message",
            author: ref(source, c.user),
            at: new Date(c.at),
            text: c.text,
            url: `${workspace}/archives/${c.channel}/p${c.ts.replace(".", "")}`,
            threadId: c.threadTs ? `${c.channel}-${c.threadTs}` : null,
            meta: { isBot: c.user.bot ?? false },
            parentTaskKey: null,
            editedAt: c.edited ? new Date(c.edited) : null,
          },
        ],
        identities: [toIdentity(source, c.user)],
      };
    }
    case "email": {
      const e = EmailSchema.parse(record.data);
      return {
        items: [
          {
            externalId: e.id,
            kind: "email",
            author: ref(source, e.from),
            at: new Date(e.date),
            text: e.body,
            url: `https://mail.example.test/#all/${e.threadId}`,
            threadId: e.threadId,
            meta: {
              messageId: e.messageId,
              ...(e.inReplyTo ? { inReplyTo: e.inReplyTo } : {}),
              references: e.references,
              subject: e.subject,
              from: e.from.email ?? "",
            },
            parentTaskKey: null,
            editedAt: null,
          },
        ],
        identities: [toIdentity(source, e.from)],
      };
    }
    default:
      throw new Error(`unknown record type "${record.type}"`);
  }
}

const CursorSchema = z.object({ position: z.number().int().min(0) });

/**
 * A scripted source says what the real source of its id says (so `slack` reads "in Slack" and counts its
 * accounts as the team's); under an id no real source has, it names itself.
 */
function scriptedAbout<Id extends SourceId>(id: Id): SourceAbout<Id> {
  const real = listSources().find((s) => s.id === id);
  return {
    label: `scripted ${id}`,
    place: `on scripted ${id}`,
    badgeColor: "#555555",
    teamAccounts: true,
    envVars: [],
    help: "a scripted source for tests",
    ...real,
    id,
  };
}

/** A connector over a scripted source, under any source id. */
export function createScriptedConnector<Id extends SourceId>(
  id: Id,
  script: ScriptedSource,
): Connector<Id, object> {
  return {
    id,
    about: scriptedAbout(id),
    fromEnv: () => ({}),
    async listScopes() {
      if (script.authFails) {
        throw new ConnectorError(id, "auth", `401 from https://scripted.test/${id}: check SCRIPTED_TOKEN`, {
          status: 401,
        });
      }
      return [...script.scopes.keys()];
    },
    async *pull(request) {
      script.pulls++;
      const log = script.scopes.get(request.scope) ?? [];
      if (script.forbidden.has(request.scope)) {
        throw new ConnectorError(
          id,
          "forbidden",
          `403 from https://scripted.test/${id}/${request.scope}: the token can no longer read ${request.scope}`,
          { status: 403 },
        );
      }
      const saved = request.cursors.log;
      let position = saved === undefined ? 0 : CursorSchema.parse(saved).position;
      request.report.estimate(Math.max(0, log.length - position));
      while (position < log.length) {
        if (request.signal.aborted) return;
        const fault = script.faults.find(
          (f) => f.scope === request.scope && f.atPosition === position && f.times > 0,
        );
        if (fault) {
          fault.times--;
          throw fault.error();
        }
        await sleep(script.pageDelayMs, request.signal);
        const slice = log.slice(position, position + script.pageSize);
        request.report.requests(1);
        script.onPage?.(request.scope, position);
        const records: RawRecord[] = [];
        const deletions: Tombstone[] = [];
        for (const change of slice) {
          if ("record" in change) {
            if (request.mode === "backfill" && request.since && saved === undefined) {
              const at = recordTime(change.record);
              if (at && at < request.since) continue;
            }
            records.push(change.record);
          } else deletions.push(change.deletion);
        }
        position += slice.length;
        yield { stream: "log", records, deletions, cursor: { position } };
      }
    },
    map: (record) => mapScripted(id, record),
    webhook: {
      verify: async (request) => request.headers["x-scripted-signature"] === "valid",
      parse: (request) => {
        const body = z
          .object({ scope: z.string(), records: z.array(z.object({ type: z.string(), data: z.any() })) })
          .parse(JSON.parse(request.body));
        return {
          type: "records",
          scope: body.scope,
          records: body.records.map((r) => ({ type: r.type, data: r.data as JsonValue })),
          deletions: [],
          deliveryId: null,
        };
      },
    },
  };
}

function recordTime(record: RawRecord): Date | null {
  const data = record.data;
  if (!data || typeof data !== "object" || Array.isArray(data)) return null;
  const value = data.updated ?? data.created ?? data.at ?? data.date;
  return typeof value === "string" ? new Date(value) : null;
}
