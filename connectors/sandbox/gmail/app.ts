/**
 * The Gmail API and Google's OAuth 2.0 token endpoint over HTTP, for one mailbox: the same paths, shapes,
 * page sizes, page tokens and errors as the reference gives them. Serve it with `startGmailSandbox`; the
 * harness in front adds 429s and 5xxs on demand and logs every request, and the batch endpoint applies the
 * same fault plan to each call inside a batch.
 *
 * - Google's OAuth 2.0 endpoints (`/o/oauth2/v2/auth`, `POST /token`, `POST /revoke`): see oauth.ts.
 * - `GET /gmail/v1/users/{userId}/profile` (https://developers.google.com/gmail/api/reference/rest/v1/users/getProfile).
 * - `GET …/messages?q&maxResults&pageToken&includeSpamTrash`: ids newest first, 100 a page by default and at
 *   most 500 (https://developers.google.com/gmail/api/reference/rest/v1/users.messages/list); `q` knows
 *   `after:`/`before:` (epoch seconds or YYYY/MM/DD), `from:`, `to:`, `subject:`, `label:`/`in:`, `-`, `OR`,
 *   parentheses and bare words. A search (`q`) leaves out messages its index has not caught up with yet
 *   (`GmailDataset.indexLagMs`).
 * - `GET …/messages/{id}?format=full|minimal|metadata` (https://developers.google.com/gmail/api/reference/rest/v1/users.messages/get).
 * - `GET …/threads` and `…/threads/{id}` (https://developers.google.com/gmail/api/reference/rest/v1/users.threads).
 * - `GET …/history?startHistoryId&historyTypes&maxResults&pageToken`: 100 a page by default, at most 500,
 *   only the `historyTypes` asked for (`messageAdded`, `messageDeleted`, `labelAdded`, `labelRemoved`; all
 *   when none is named); a start older than the mailbox keeps answers 404 (https://developers.google.com/gmail/api/reference/rest/v1/users.history/list).
 * - `POST /batch/gmail/v1`: multipart/mixed of `application/http` GETs, at most 100
 *   (https://developers.google.com/gmail/api/guides/batch).
 * - `POST …/drafts` (`message.raw`, base64url RFC 822, and `message.threadId`), `GET …/drafts?maxResults&
 *   pageToken&q` and `GET …/drafts/{id}?format` (https://developers.google.com/gmail/api/reference/rest/v1/users.drafts):
 *   creating needs `gmail.compose`, `gmail.modify` or full access, else `403 insufficientPermissions`; the
 *   draft's message is in the mailbox with the `DRAFT` label (listed, in its thread, in the history), and
 *   joins the thread asked for only on Gmail's conditions (see `GmailDataset.saveDraft`).
 *   `control.failNextDraft` makes the next create answer a 5xx before or after the draft is saved.
 *
 * Every API request needs `Authorization: Bearer` with a token from `/token` (or the data set's static token);
 * errors are `{"error": {"code", "message", "errors": [{"message", "domain", "reason"}], "status"}}`.
 */
import { randomUUID } from "node:crypto";
import type { Context } from "hono";
import { Hono } from "hono";
import { simpleParser } from "mailparser";
import type { JsonValue } from "../../types.ts";
import type { FaultPlan } from "../harness.ts";
import type { GmailDataset, StoredMessage } from "./dataset.ts";
import { mountGmailOAuth, type SandboxGrants } from "./oauth.ts";

export const GMAIL_SANDBOX_LIMITS = {
  listDefault: 100,
  listMax: 500,
  historyDefault: 100,
  historyMax: 500,
  batchMax: 100,
  tokenLifetimeSeconds: 3599,
} as const;

export interface GmailSandboxControl {
  /** The next N API requests answer 403 `userRateLimitExceeded`. */
  userRateLimited: number;
  /** Batch statistics: batch requests served and the calls inside them. */
  batches: number;
  batchCalls: number;
  /** The harness's fault plan, applied to each call inside a batch too. */
  faults: FaultPlan | null;
  /** The OAuth grants issued so far (set when the app is made). */
  grants?: SandboxGrants;
  /**
   * The next `drafts.create` answers this 5xx, `before` saving the draft (nothing saved) or `after` (saved,
   * but the answer lost), as a backend failure can.
   */
  failNextDraft?: { status: 500 | 503; when: "before" | "after" } | null;
}

/** The scopes `users.drafts.create` accepts (its reference's authorization scopes). */
const DRAFT_WRITE_SCOPES = [
  "https://mail.google.com/",
  "https://www.googleapis.com/auth/gmail.modify",
  "https://www.googleapis.com/auth/gmail.compose",
];

const STATUS_NAMES: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
};

/**
 * Google's error body (https://developers.google.com/gmail/api/guides/handle-errors and
 * https://cloud.google.com/apis/design/errors#http_mapping): `error.code`, `error.message`,
 * `error.errors[]` with `reason` and `domain`, and `error.status`. `itemMessage` is the item's own, where
 * Google words it apart from the top-level message.
 */
export function gmailErrorBody(
  code: number,
  reason: string,
  message: string,
  domain = "global",
  itemMessage = message,
): JsonValue {
  return {
    error: {
      code,
      message,
      errors: [{ message: itemMessage, domain, reason }],
      status: STATUS_NAMES[code] ?? "UNKNOWN",
    },
  };
}

/**
 * Gmail's 429 for the per-user concurrent limit, in the `usageLimits` domain of its rate-limit errors
 * (https://developers.google.com/gmail/api/guides/handle-errors#resolve_a_429_error_too_many_requests).
 */
export const GMAIL_RATE_LIMIT_BODY = gmailErrorBody(
  429,
  "rateLimitExceeded",
  "Too many concurrent requests for user",
  "usageLimits",
);
/**
 * Gmail's 403 for a token without the scope a method needs: `insufficientPermissions`
 * (https://developers.google.com/gmail/api/guides/handle-errors#resolve_a_403_error,
 * https://developers.google.com/gmail/api/auth/scopes).
 */
export const GMAIL_INSUFFICIENT_SCOPE_BODY = gmailErrorBody(
  403,
  "insufficientPermissions",
  "Request had insufficient authentication scopes.",
  "global",
  "Insufficient Permission",
);
/** Gmail's 403 per-user limit (https://developers.google.com/gmail/api/guides/handle-errors#resolve_a_403_error_user_rate_limit_exceeded). */
export const GMAIL_USER_RATE_LIMIT_BODY = gmailErrorBody(
  403,
  "userRateLimitExceeded",
  "User Rate Limit Exceeded",
  "usageLimits",
);
/** Gmail's 500 (https://developers.google.com/gmail/api/guides/handle-errors#resolve_a_500_error_backend_error). */
export const GMAIL_SERVER_ERROR_BODY = gmailErrorBody(500, "backendError", "Backend Error");

type Ctx = Context;

/** Where a history record of each type puts its change (History: messagesAdded, labelsAdded, …). */
const HISTORY_FIELDS = {
  messageAdded: "messagesAdded",
  messageDeleted: "messagesDeleted",
  labelAdded: "labelsAdded",
  labelRemoved: "labelsRemoved",
} as const;

const encodeToken = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
function decodeToken<T>(token: string | undefined): T | null {
  if (!token) return null;
  try {
    return JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as T;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Search queries
// ---------------------------------------------------------------------------------------------------------

type Predicate = (m: StoredMessage) => boolean;

const headerOf = (m: StoredMessage, name: string): string => {
  const payload = m.resource.payload;
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) return "";
  const headers = Array.isArray(payload.headers) ? payload.headers : [];
  const wanted = name.toLowerCase();
  for (const h of headers) {
    if (typeof h === "object" && h !== null && !Array.isArray(h) && String(h.name).toLowerCase() === wanted)
      return String(h.value);
  }
  return "";
};

function toEpochMs(value: string): number {
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const m = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/.exec(value);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
}

function term(word: string): Predicate {
  const colon = word.indexOf(":");
  const op = colon > 0 ? word.slice(0, colon).toLowerCase() : "";
  const value = (colon > 0 ? word.slice(colon + 1) : word).replace(/^"|"$/g, "").toLowerCase();
  switch (op) {
    case "after":
      return (m) => m.internalDate >= toEpochMs(value);
    case "before":
      return (m) => m.internalDate < toEpochMs(value);
    case "from":
      return (m) => headerOf(m, "From").toLowerCase().includes(value);
    case "to":
      return (m) => `${headerOf(m, "To")} ${headerOf(m, "Cc")}`.toLowerCase().includes(value);
    case "subject":
      return (m) => headerOf(m, "Subject").toLowerCase().includes(value);
    case "rfc822msgid":
      return (m) =>
        (m.messageIdHeader ?? "").replace(/^<|>$/g, "").toLowerCase() === value.replace(/^<|>$/g, "");
    case "label":
    case "in":
      return (m) => m.labelIds.some((l) => l.toLowerCase() === value);
    default:
      return (m) => `${headerOf(m, "Subject")} ${m.text}`.toLowerCase().includes(value);
  }
}

/** A Gmail search to a predicate (implicit AND, `OR`, `-`, parentheses). */
export function compileQuery(q: string): Predicate {
  const tokens = q.match(/\(|\)|-?[^\s()"]+:"[^"]*"|-?"[^"]*"|-?[^\s()]+/g) ?? [];
  let i = 0;
  const parseOr = (): Predicate => {
    const options = [parseAnd()];
    while (tokens[i] === "OR") {
      i++;
      options.push(parseAnd());
    }
    return (m) => options.some((p) => p(m));
  };
  const parseAnd = (): Predicate => {
    const all: Predicate[] = [];
    while (i < tokens.length && tokens[i] !== ")" && tokens[i] !== "OR") all.push(parseUnary());
    return (m) => all.every((p) => p(m));
  };
  const parseUnary = (): Predicate => {
    const token = tokens[i++]!;
    if (token === "(") {
      const inner = parseOr();
      if (tokens[i] === ")") i++;
      return inner;
    }
    if (token.startsWith("-") && token.length > 1) {
      const inner = term(token.slice(1));
      return (m) => !inner(m);
    }
    return term(token);
  };
  return parseOr();
}

// ---------------------------------------------------------------------------------------------------------
// The app
// ---------------------------------------------------------------------------------------------------------

export function createGmailSandboxApp(data: GmailDataset, control: GmailSandboxControl): Hono {
  const app = new Hono();
  const issued = new Set<string>([data.staticToken]);
  const error = (c: Ctx, code: 400 | 401 | 403 | 404, reason: string, message: string) =>
    c.json(gmailErrorBody(code, reason, message) as Record<string, unknown>, code);

  const grants: SandboxGrants = { issued, refresh: new Map(), scopes: new Map(), revocations: 0 };
  control.grants = grants;
  mountGmailOAuth(app, data, grants);

  const api = new Hono();
  api.use("*", async (c, next) => {
    const auth = c.req.header("authorization") ?? "";
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    if (!m || !issued.has(m[1]!)) {
      return c.json(
        {
          error: {
            // https://developers.google.com/gmail/api/guides/handle-errors#resolve_a_401_error_invalid_credentials
            code: 401,
            message: "Invalid Credentials",
            errors: [
              {
                message: "Invalid Credentials",
                domain: "global",
                reason: "authError",
                location: "Authorization",
                locationType: "header",
              },
            ],
            status: "UNAUTHENTICATED",
          },
        },
        401,
      );
    }
    if (control.userRateLimited > 0) {
      control.userRateLimited--;
      return c.json(GMAIL_USER_RATE_LIMIT_BODY as Record<string, unknown>, 403);
    }
    const userId = decodeURIComponent(c.req.param("userId") ?? "me");
    if (userId !== "me" && userId.toLowerCase() !== data.mailbox.toLowerCase()) {
      return error(c, 403, "forbidden", `Delegation denied for ${userId}`);
    }
    await next();
  });

  api.get("/profile", (c) =>
    c.json({
      emailAddress: data.mailbox,
      messagesTotal: data.messages.size,
      threadsTotal: new Set([...data.messages.values()].map((m) => m.threadId)).size,
      historyId: String(data.historyId),
    }),
  );

  const pageSize = (c: Ctx, fallback: number, max: number) => {
    const raw = c.req.query("maxResults");
    const n = raw === undefined ? fallback : Number(raw);
    return Number.isFinite(n) && n > 0 ? Math.min(Math.floor(n), max) : fallback;
  };

  const visible = (c: Ctx): StoredMessage[] => {
    const includeSpamTrash = c.req.query("includeSpamTrash") === "true";
    const q = c.req.query("q");
    const match = q ? compileQuery(q) : () => true;
    return data
      .listed()
      .filter((m) => includeSpamTrash || !m.labelIds.some((l) => l === "SPAM" || l === "TRASH"))
      .filter((m) => !q || m.indexedAt <= data.now)
      .filter((m) => match(m));
  };

  /** Keyset pages over the newest-first order: a token names the last message served. */
  const pageOf = <T>(c: Ctx, list: StoredMessage[], size: number, render: (m: StoredMessage) => T) => {
    const after = decodeToken<{ at: number; id: string }>(c.req.query("pageToken"));
    const start = after
      ? list.findIndex((m) => m.internalDate < after.at || (m.internalDate === after.at && m.id < after.id))
      : 0;
    const slice = start < 0 ? [] : list.slice(start, start + size);
    const last = slice.at(-1);
    const more = start >= 0 && start + size < list.length;
    return {
      items: slice.map(render),
      next: more && last ? encodeToken({ at: last.internalDate, id: last.id }) : null,
      total: list.length,
    };
  };

  api.get("/messages", (c) => {
    const { items, next, total } = pageOf(
      c,
      visible(c),
      pageSize(c, GMAIL_SANDBOX_LIMITS.listDefault, GMAIL_SANDBOX_LIMITS.listMax),
      (m) => ({
        id: m.id,
        threadId: m.threadId,
      }),
    );
    return c.json({
      ...(items.length > 0 ? { messages: items } : {}),
      ...(next ? { nextPageToken: next } : {}),
      resultSizeEstimate: total,
    });
  });

  const render = (m: StoredMessage, format: string): JsonValue => {
    if (m.raw) return m.resource;
    const r: { [key: string]: JsonValue } = { ...m.resource, historyId: String(m.historyId) };
    if (format === "minimal") {
      const { payload: _p, ...rest } = r;
      return rest;
    }
    if (format === "metadata") {
      const payload = r.payload as { [key: string]: JsonValue };
      return {
        ...r,
        payload: {
          partId: "",
          mimeType: payload.mimeType ?? null,
          filename: "",
          headers: payload.headers ?? [],
          body: { size: 0 },
        },
      };
    }
    return r;
  };

  api.get("/messages/:id", (c) => {
    const m = data.messages.get(c.req.param("id"));
    if (!m) return error(c, 404, "notFound", "Requested entity was not found.");
    return c.json(render(m, c.req.query("format") ?? "full") as Record<string, unknown>);
  });

  const threads = () => {
    const byThread = new Map<string, StoredMessage[]>();
    for (const m of data.listed()) byThread.set(m.threadId, [...(byThread.get(m.threadId) ?? []), m]);
    return byThread;
  };

  api.get("/threads", (c) => {
    const all = threads();
    const newest = [...all.values()].map((ms) => ms[0]!);
    const { items, next, total } = pageOf(
      c,
      newest,
      pageSize(c, GMAIL_SANDBOX_LIMITS.listDefault, GMAIL_SANDBOX_LIMITS.listMax),
      (m) => ({
        id: m.threadId,
        snippet: String(m.resource.snippet ?? ""),
        historyId: String(Math.max(...all.get(m.threadId)!.map((x) => x.historyId))),
      }),
    );
    return c.json({
      ...(items.length > 0 ? { threads: items } : {}),
      ...(next ? { nextPageToken: next } : {}),
      resultSizeEstimate: total,
    });
  });

  api.get("/threads/:id", (c) => {
    const ms = threads().get(c.req.param("id"));
    if (!ms) return error(c, 404, "notFound", "Requested entity was not found.");
    const oldestFirst = [...ms].reverse();
    return c.json({
      id: c.req.param("id"),
      historyId: String(Math.max(...ms.map((m) => m.historyId))),
      messages: oldestFirst.map((m) => render(m, c.req.query("format") ?? "full")),
    });
  });

  api.get("/history", (c) => {
    const start = Number(c.req.query("startHistoryId"));
    if (!Number.isFinite(start) || c.req.query("startHistoryId") === undefined) {
      return error(c, 400, "invalidArgument", "Invalid startHistoryId");
    }
    if (start < data.oldestHistoryId) return error(c, 404, "notFound", "Requested entity was not found.");
    const types = new URL(c.req.url).searchParams.getAll("historyTypes");
    const size = pageSize(c, GMAIL_SANDBOX_LIMITS.historyDefault, GMAIL_SANDBOX_LIMITS.historyMax);
    const from = decodeToken<{ after: number }>(c.req.query("pageToken"))?.after ?? start;
    const records = data.history.filter((h) => h.id > from && (types.length === 0 || types.includes(h.type)));
    const slice = records.slice(0, size);
    const next = records.length > size ? encodeToken({ after: slice.at(-1)!.id }) : null;
    return c.json({
      ...(slice.length > 0
        ? {
            history: slice.map((h) => ({
              id: String(h.id),
              messages: [{ id: h.message.id, threadId: h.message.threadId }],
              [HISTORY_FIELDS[h.type]]: [
                { message: h.message, ...(h.labelIds ? { labelIds: h.labelIds } : {}) },
              ],
            })),
          }
        : {}),
      ...(next ? { nextPageToken: next } : {}),
      historyId: String(data.historyId),
    });
  });

  // https://developers.google.com/gmail/api/reference/rest/v1/users.drafts
  const scopesOf = (c: Ctx): string[] => {
    const token = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1] ?? "";
    const scope = token === data.staticToken ? data.scopes.join(" ") : (grants.scopes.get(token) ?? "");
    return scope.split(" ").filter(Boolean);
  };
  const draftOf = (draftId: string, format: string): JsonValue | null => {
    const m = data.messages.get(data.drafts.get(draftId) ?? "");
    return m ? { id: draftId, message: render(m, format) } : null;
  };

  api.post("/drafts", async (c) => {
    if (!scopesOf(c).some((s) => DRAFT_WRITE_SCOPES.includes(s))) {
      return c.json(GMAIL_INSUFFICIENT_SCOPE_BODY as Record<string, unknown>, 403);
    }
    const body = (await c.req.json().catch(() => null)) as {
      message?: { raw?: unknown; threadId?: unknown };
    } | null;
    const raw = body?.message?.raw;
    if (typeof raw !== "string" || raw === "")
      return error(c, 400, "invalidArgument", "Missing draft message");
    const fail = control.failNextDraft;
    control.failNextDraft = null;
    if (fail?.when === "before")
      return c.json(GMAIL_SERVER_ERROR_BODY as Record<string, unknown>, fail.status);
    const parsed = await simpleParser(Buffer.from(raw, "base64url"));
    const headers = parsed.headerLines.map(({ line }): [string, string] => {
      const unfolded = line.replace(/\r?\n[ \t]+/g, " ");
      const colon = unfolded.indexOf(":");
      return [unfolded.slice(0, colon).trim(), unfolded.slice(colon + 1).trim()];
    });
    const threadId = typeof body?.message?.threadId === "string" ? body.message.threadId : null;
    const { draftId, message } = data.saveDraft({ headers, text: parsed.text ?? "", threadId });
    if (fail?.when === "after")
      return c.json(GMAIL_SERVER_ERROR_BODY as Record<string, unknown>, fail.status);
    return c.json({
      id: draftId,
      message: { id: message.id, threadId: message.threadId, labelIds: message.labelIds },
    });
  });

  api.get("/drafts", (c) => {
    const q = c.req.query("q");
    const match = q ? compileQuery(q) : () => true;
    const drafts = data
      .listed()
      .filter((m) => m.labelIds.includes("DRAFT") && match(m))
      .map((m) => ({ m, draftId: [...data.drafts].find(([, id]) => id === m.id)?.[0] }))
      .filter((d): d is { m: StoredMessage; draftId: string } => d.draftId !== undefined);
    const byMessage = new Map(drafts.map((d) => [d.m.id, d.draftId]));
    const { items, next, total } = pageOf(
      c,
      drafts.map((d) => d.m),
      pageSize(c, GMAIL_SANDBOX_LIMITS.listDefault, GMAIL_SANDBOX_LIMITS.listMax),
      (m) => ({ id: byMessage.get(m.id)!, message: { id: m.id, threadId: m.threadId } }),
    );
    return c.json({
      ...(items.length > 0 ? { drafts: items } : {}),
      ...(next ? { nextPageToken: next } : {}),
      resultSizeEstimate: total,
    });
  });

  api.get("/drafts/:id", (c) => {
    const draft = draftOf(c.req.param("id"), c.req.query("format") ?? "full");
    if (!draft) return error(c, 404, "notFound", "Requested entity was not found.");
    return c.json(draft as Record<string, unknown>);
  });

  app.route("/gmail/v1/users/:userId", api);

  // https://developers.google.com/gmail/api/guides/batch#format-of-a-batch-request
  app.post("/batch/gmail/v1", async (c) => {
    const type = c.req.header("content-type") ?? "";
    const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(type);
    if (!/^multipart\/mixed/i.test(type) || !m)
      return error(c, 400, "badRequest", "Invalid multipart request");
    const boundary = m[1] ?? m[2]!;
    const body = await c.req.text();
    const parts = body
      .split(`--${boundary}`)
      .slice(1)
      .filter((p) => !p.startsWith("--"));
    if (parts.length > GMAIL_SANDBOX_LIMITS.batchMax) {
      return error(
        c,
        400,
        "badRequest",
        `A batch request cannot contain more than ${GMAIL_SANDBOX_LIMITS.batchMax} requests`,
      );
    }
    control.batches++;
    const out = `batch_${randomUUID().replace(/-/g, "")}`;
    const answers: string[] = [];
    for (const part of parts) {
      const text = part.replace(/^\r?\n/, "");
      const split = /\r?\n\r?\n/.exec(text);
      const head = split ? text.slice(0, split.index) : text;
      const http = split ? text.slice(split.index + split[0].length) : "";
      const id = /content-id:\s*<?([^>\r\n]+)>?/i.exec(head)?.[1]?.trim() ?? "";
      const line = /^(GET)\s+(\S+)/.exec(http);
      control.batchCalls++;
      let status: number;
      let json: string;
      const headers: Record<string, string> = {};
      const fault = line ? control.faults?.pick(line[2]!) : undefined;
      if (!line) {
        status = 400;
        json = JSON.stringify(gmailErrorBody(400, "badRequest", "Invalid request line"));
      } else if (fault) {
        status = fault.status;
        if (fault.status === 429) headers["Retry-After"] = String(fault.retryAfterSeconds ?? 1);
        json = JSON.stringify(fault.body ?? gmailErrorBody(fault.status, "backendError", "Backend Error"));
      } else {
        const inner = await app.request(line[2]!, {
          headers: { authorization: c.req.header("authorization") ?? "" },
        });
        status = inner.status;
        json = await inner.text();
      }
      const extra = Object.entries(headers)
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join("");
      answers.push(
        `--${out}\r\nContent-Type: application/http\r\nContent-ID: <response-${id}>\r\n\r\nHTTP/1.1 ${status} ${status === 200 ? "OK" : "Error"}\r\nContent-Type: application/json; charset=UTF-8\r\n${extra}\r\n${json}\r\n`,
      );
    }
    return c.body(`${answers.join("")}--${out}--\r\n`, 200, {
      "Content-Type": `multipart/mixed; boundary=${out}`,
    });
  });

  return app;
}
