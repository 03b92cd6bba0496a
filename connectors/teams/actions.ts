/**
 * Writing back to Teams: a reply in the reply chain of the item a flag is about
 * (`POST /teams/{team}/channels/{channel}/messages/{root}/replies`), as the person MS_GRAPH_TOKEN signs in,
 * the people first as Teams mentions. Graph posts channel messages for a delegated token with
 * `ChannelMessage.Send` only; client credentials (app-only) cannot, and `access` says so before anyone tries.
 *
 * A chatMessage keeps nothing Threadline could set out of sight, so `find` is weaker than Slack's metadata or
 * a Jira comment property: it lists the chain's replies and takes one by the same author, saying the same
 * words, written since the action was recorded (less a few minutes of clock skew). Two actions that write
 * the very same words in the same chain within that window would be taken for one.
 */
import type { ActionHandler, WriteRequest, WriteResult } from "../types.ts";
import { ConnectorError } from "../types.ts";
import { createTeamsClient, GraphRequestError, type TeamsClient } from "./client.ts";
import { type TeamsChannelRef, type TeamsSettings, toChannelRef } from "./config.ts";
import { toMessageExternalId } from "./map.ts";
import type { TeamsPullOptions } from "./pull.ts";
import { GraphPageSchema, TeamsMessageSchema } from "./schemas.ts";
import { readTokenClaims, toReplyAccess } from "./token-claims.ts";
import { toComparableText, toTeamsReplyBody } from "./write-body.ts";

/** How far before `recordedAt` a reply may be dated and still be the action's (clocks differ). */
export const CLOCK_SKEW_MS = 5 * 60_000;

/** `$top` of a replies page: "the maximum is 50" (https://learn.microsoft.com/graph/api/chatmessage-list-replies). */
const REPLIES_PAGE = 50;

const quiet = { requests: () => {}, waiting: () => {} };

function clientFor(settings: TeamsSettings, signal: AbortSignal, options: TeamsPullOptions): TeamsClient {
  return createTeamsClient({
    settings,
    signal,
    report: quiet,
    writes: true,
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
}

/** The channel, and the root post whose chain the reply joins (the item itself when it is a root). */
function chainOf(request: WriteRequest<TeamsSettings>): { channel: TeamsChannelRef; rootId: string } {
  const item = request.target.item;
  const channel = item ? toChannelRef(item.scope) : null;
  if (!item || !channel) {
    throw new ConnectorError("teams", "invalid", "a Teams reply needs the channel message it answers");
  }
  const prefix = `${channel.channelId}/`;
  const thread = item.threadId ?? item.externalId;
  const rootId = thread.startsWith(prefix) ? thread.slice(prefix.length) : "";
  if (!rootId) throw new ConnectorError("teams", "invalid", `not a message of ${channel.scope}: ${thread}`);
  return { channel, rootId };
}

/** A refused post, in words that say what the write needs (the read errors name read permissions). */
function toWriteError(err: unknown, channel: TeamsChannelRef): unknown {
  if (!(err instanceof GraphRequestError)) return err;
  const appOnly = /application-only/i.test(err.message);
  if (err.status === 403 || (err.status === 401 && appOnly)) {
    return new ConnectorError(
      "teams",
      "forbidden",
      `${err.status} (${err.graphCode ?? "refused"}) posting a reply in ${channel.scope}: ${appOnly ? "Graph lets no app-only credentials post; " : ""}posting needs MS_GRAPH_TOKEN to be a person's delegated token with ChannelMessage.Send`,
      { cause: err, ...(err.status !== undefined ? { status: err.status } : {}) },
    );
  }
  return err;
}

/** A page of replies, or an `invalid` error saying it was not one. */
function toPage(value: unknown) {
  const page = GraphPageSchema.safeParse(value);
  if (page.success) return page.data;
  throw new ConnectorError("teams", "invalid", "cannot read a page of replies: not a Graph collection");
}

export function createTeamsActions(options: TeamsPullOptions = {}): ActionHandler<TeamsSettings> {
  return {
    kinds: ["reply"],

    async access({ settings }) {
      return { reply: toReplyAccess(settings, new Date()) };
    },

    async find(request): Promise<WriteResult | null> {
      const { channel, rootId } = chainOf(request);
      const client = clientFor(request.settings, request.signal, options);
      const author =
        request.settings.auth.kind === "token" ? readTokenClaims(request.settings.auth.token)?.userId : null;
      const since = request.recordedAt ? request.recordedAt.getTime() - CLOCK_SKEW_MS : null;
      const words = toComparableText(toTeamsReplyBody(request.text, request.people).body);
      let page = toPage(await client.fetchReplies(channel, rootId, REPLIES_PAGE));
      for (;;) {
        for (const value of page.value) {
          const parsed = TeamsMessageSchema.safeParse(value);
          if (!parsed.success) continue;
          const message = parsed.data;
          if (message.deletedDateTime) continue;
          if (author && message.from?.user?.id !== author) continue;
          if (since !== null && message.createdDateTime.getTime() < since) continue;
          if (toComparableText(message.body ?? {}) !== words) continue;
          return {
            externalId: toMessageExternalId(channel.channelId, message.id),
            url: message.webUrl ?? null,
          };
        }
        const next = page["@odata.nextLink"];
        if (!next) return null;
        page = toPage(await client.fetchLink(next));
      }
    },

    async write(request): Promise<WriteResult> {
      if (request.kind !== "reply") {
        throw new ConnectorError("teams", "invalid", `Teams cannot make a ${request.kind}`);
      }
      const { channel, rootId } = chainOf(request);
      const { body, mentions } = toTeamsReplyBody(request.text, request.people);
      let answer: unknown;
      try {
        answer = await clientFor(request.settings, request.signal, options).postReply(channel, rootId, {
          body,
          ...(mentions.length > 0 ? { mentions } : {}),
        });
      } catch (err) {
        throw toWriteError(err, channel);
      }
      const created = TeamsMessageSchema.safeParse(answer);
      if (!created.success) {
        throw new ConnectorError(
          "teams",
          "invalid",
          "Graph answered the reply without the message it created",
        );
      }
      return {
        externalId: toMessageExternalId(channel.channelId, created.data.id),
        url: created.data.webUrl ?? null,
      };
    },
  };
}
