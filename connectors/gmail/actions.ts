/**
 * Writing back to Gmail (I/O): a draft reply on the thread of the email a flag is about, never sent. The
 * person opens it in Gmail, reads it and sends it (or not); a draft is not an answer, so the pull keeps
 * leaving drafts out (map.ts), and the reply joins the timeline once it is sent.
 *
 * - Which mailbox: the configured one (GMAIL_USER). An email read there is answered on its own thread. An
 *   email read in a person's own connected mailbox is answered on the same conversation in the configured
 *   mailbox, found by its Message-ID (`rfc822msgid:`): people connect their mailboxes with `gmail.readonly`
 *   only, and a thread id means nothing in another mailbox.
 * - Access: the scopes Google granted the configured credentials (token information): drafts need
 *   `gmail.compose` (or `gmail.modify`, or full access); the account is the mailbox's address.
 * - Idempotent: the draft carries the action's id in `X-Threadline-Action`; `find` lists the mailbox's
 *   drafts, reads the headers of those on the thread and answers the one with that id. `write` looks first
 *   too, and its POST is never retried by the transport (a 5xx may come after the draft was saved).
 */
import type { z } from "zod";
import type { ActionHandler, WriteAccess, WriteKind, WriteRequest, WriteResult } from "../types.ts";
import { ConnectorError } from "../types.ts";
import { createGmailClient, type GmailClient, GmailRequestError, type GmailRetryPolicy } from "./client.ts";
import {
  type GmailMailboxSettings,
  type GmailSettings,
  isConnectedScope,
  toMailboxSettings,
} from "./config.ts";
import { ACTION_HEADER, toDraftReply, toRawDraft } from "./draft-message.ts";
import { toGmailUrl } from "./map.ts";
import {
  GmailDraftListSchema,
  GmailDraftSchema,
  GmailListPageSchema,
  GmailProfileSchema,
} from "./schemas.ts";
import { headerValue } from "./text.ts";

/** https://developers.google.com/gmail/api/auth/scopes: the narrowest scope that creates drafts. */
export const GMAIL_COMPOSE_SCOPE = "https://www.googleapis.com/auth/gmail.compose";
/** Any of these lets `users.drafts.create` through (its reference's authorization scopes). */
const DRAFT_SCOPES = new Set([
  GMAIL_COMPOSE_SCOPE,
  "https://www.googleapis.com/auth/gmail.modify",
  "https://mail.google.com/",
]);

/** The most drafts.list returns a page. */
const DRAFT_PAGE = 500;

const KINDS: readonly WriteKind[] = ["draft_reply"];

export interface GmailActionOptions {
  retry?: Partial<GmailRetryPolicy>;
}

const quiet = { requests: () => {}, waiting: () => {} };

function parseOr<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new ConnectorError("gmail", "invalid", `cannot read ${what}`);
}

/** Where a draft goes: the mailbox's settings and client, the thread there, and a link to it. */
interface Place {
  client: GmailClient;
  /** GMAIL_USER: `me` or the mailbox's address. */
  user: string;
  threadId: string;
  url: string;
}

function configuredMailbox(settings: GmailSettings): GmailMailboxSettings {
  const mailbox = toMailboxSettings(settings, settings.user);
  if (!mailbox) {
    throw new ConnectorError(
      "gmail",
      "forbidden",
      `no configured mailbox to save a draft in: set GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET and GMAIL_REFRESH_TOKEN with the ${GMAIL_COMPOSE_SCOPE} scope`,
    );
  }
  return mailbox;
}

async function placeOf(request: WriteRequest<GmailSettings>, options: GmailActionOptions): Promise<Place> {
  if (request.kind !== "draft_reply") {
    throw new ConnectorError("gmail", "invalid", `Gmail makes draft replies only, not ${request.kind}`);
  }
  const item = request.target.item;
  if (!item) throw new ConnectorError("gmail", "invalid", "a draft reply needs the email it answers");
  const mailbox = configuredMailbox(request.settings);
  const client = createGmailClient({
    settings: mailbox,
    signal: request.signal,
    report: quiet,
    ...(options.retry ? { retry: options.retry } : {}),
  });
  if (!isConnectedScope(item.scope)) {
    if (!item.threadId)
      throw new ConnectorError("gmail", "invalid", `email ${item.externalId} has no thread`);
    return {
      client,
      user: mailbox.user,
      threadId: item.threadId,
      url: item.url ?? toGmailUrl(mailbox.user, item.threadId),
    };
  }
  // Read in a person's own mailbox: the same message in the configured one, by its Message-ID.
  const messageId = item.meta.messageId;
  const page = messageId
    ? parseOr(
        GmailListPageSchema,
        await client.fetchMessageList({ q: `rfc822msgid:${messageId}`, pageToken: null, maxResults: 1 }),
        "a page of messages.list",
      )
    : null;
  const found = page?.messages?.[0];
  if (!found?.threadId) {
    throw new ConnectorError(
      "gmail",
      "forbidden",
      `the email was read in ${item.scope.slice("connected:".length)}'s own mailbox (connected read-only) and the configured mailbox does not have it: a draft can only be saved there`,
    );
  }
  return {
    client,
    user: mailbox.user,
    threadId: found.threadId,
    url: toGmailUrl(mailbox.user, found.threadId),
  };
}

/** The mailbox's address: GMAIL_USER when it is one, else what Gmail says (users.getProfile). */
async function addressOf(place: Pick<Place, "client" | "user">): Promise<string> {
  if (place.user.includes("@")) return place.user;
  return parseOr(GmailProfileSchema, await place.client.fetchProfile(), "the mailbox profile").emailAddress;
}

/** The draft on the place's thread that carries the action's id, if one was saved. */
async function findDraft(place: Place, actionId: string): Promise<WriteResult | null> {
  let pageToken: string | null = null;
  do {
    const page: z.infer<typeof GmailDraftListSchema> = parseOr(
      GmailDraftListSchema,
      await place.client.fetchDraftList({ pageToken, maxResults: DRAFT_PAGE }),
      "a page of drafts.list",
    );
    for (const listed of page.drafts ?? []) {
      if (listed.message.threadId !== place.threadId) continue;
      let draft: z.infer<typeof GmailDraftSchema>;
      try {
        draft = parseOr(GmailDraftSchema, await place.client.fetchDraft(listed.id), "a draft");
      } catch (err) {
        // Sent or discarded since it was listed.
        if (err instanceof ConnectorError && err.kind === "not_found") continue;
        throw err;
      }
      if (headerValue(draft.message.payload?.headers, ACTION_HEADER)?.trim() === actionId) {
        return { externalId: null, url: place.url };
      }
    }
    pageToken = page.nextPageToken ?? null;
  } while (pageToken);
  return null;
}

function toWriteError(err: unknown): unknown {
  if (err instanceof GmailRequestError && err.status === 403 && err.reason === "insufficientPermissions") {
    return new ConnectorError(
      "gmail",
      "forbidden",
      `403 from Gmail's drafts.create (insufficientPermissions): the mailbox's owner grants the ${GMAIL_COMPOSE_SCOPE} scope with a new refresh token`,
      { status: 403, cause: err },
    );
  }
  return err;
}

export function createGmailActions(options: GmailActionOptions = {}): ActionHandler<GmailSettings> {
  return {
    kinds: KINDS,

    async access({ settings, signal }) {
      const denied: WriteAccess = { allowed: false, needs: GMAIL_COMPOSE_SCOPE };
      let mailbox: GmailMailboxSettings;
      try {
        mailbox = configuredMailbox(settings);
      } catch {
        return { draft_reply: denied };
      }
      const client = createGmailClient({
        settings: mailbox,
        signal,
        report: quiet,
        ...(options.retry ? { retry: options.retry } : {}),
      });
      const scopes = await client.fetchGrantedScopes();
      if (!scopes.some((s) => DRAFT_SCOPES.has(s))) return { draft_reply: denied };
      return { draft_reply: { allowed: true, account: await addressOf({ client, user: mailbox.user }) } };
    },

    async find(request) {
      return findDraft(await placeOf(request, options), request.actionId);
    },

    async write(request) {
      const place = await placeOf(request, options);
      const earlier = await findDraft(place, request.actionId);
      if (earlier) return earlier;
      const item = request.target.item!;
      const reply = toDraftReply(
        await addressOf(place),
        item.meta,
        request.people,
        request.text,
        request.actionId,
      );
      if (reply.to.length === 0) {
        throw new ConnectorError(
          "gmail",
          "invalid",
          `a draft reply to email ${item.externalId} needs someone to write to: none of the people given has a Gmail address`,
        );
      }
      const raw = await toRawDraft(reply);
      let saved: unknown;
      try {
        saved = await place.client.createDraft({ raw, threadId: place.threadId });
      } catch (err) {
        throw toWriteError(err);
      }
      const draft = parseOr(GmailDraftSchema, saved, "the draft Gmail saved");
      const threadId = draft.message.threadId ?? place.threadId;
      return {
        externalId: null,
        url:
          threadId === place.threadId
            ? place.url
            : toGmailUrl(configuredMailbox(request.settings).user, threadId),
      };
    },
  };
}
