/**
 * Writing back to Slack: a reply in the thread of the item a flag is about (`chat.postMessage` with
 * `thread_ts`), as the app's bot, with the action id in the message's metadata, out of sight
 * (https://docs.slack.dev/messaging/message-metadata). `find` reads the thread with `include_all_metadata`
 * and looks for it, so a retry after a lost answer never posts twice.
 *
 * Needs the `chat:write` bot scope (read from the `x-oauth-scopes` header Slack sends with every answer, here
 * auth.test's), and the bot in the channel: Slack answers `not_in_channel` otherwise.
 */
import { log as processLog } from "../../src/log.ts";
import type { ActionHandler, WriteAccess, WriteKind, WriteRequest, WriteResult } from "../types.ts";
import { ConnectorError } from "../types.ts";
import { createSlackClient, type SlackClient } from "./client.ts";
import type { SlackSettings } from "./config.ts";
import { toMessageId, toPermalink } from "./map.ts";
import type { SlackPullOptions } from "./pull.ts";
import { parseAnswer, SlackActionAuthSchema, SlackMessagesPageSchema, SlackPostedSchema } from "./schemas.ts";
import { isActionMessage, toActionMetadata, toSlackMessageText } from "./write-text.ts";

/** The scope `chat.postMessage` needs (https://docs.slack.dev/reference/methods/chat.postMessage). */
export const SLACK_WRITE_SCOPE = "chat:write";

/** conversations.replies' largest page. */
const REPLIES_PAGE = 1000;

const quiet = { requests: () => {}, waiting: () => {} };

function clientFor(settings: SlackSettings, signal: AbortSignal, options: SlackPullOptions): SlackClient {
  return createSlackClient({
    settings,
    signal,
    report: quiet,
    log: options.log ?? processLog.child({ source: "slack" }),
    writes: true,
    ...(options.retry ? { retry: options.retry } : {}),
  });
}

/** The channel and the thread a reply goes to: the item's thread, or the item itself when it is a root. */
function threadOf(request: WriteRequest<SlackSettings>): { channel: string; threadTs: string } {
  const item = request.target.item;
  if (!item) {
    throw new ConnectorError("slack", "invalid", "a Slack reply needs the message it answers");
  }
  const [channel, ts] = item.externalId.split(":");
  const threadTs = item.threadId?.split(":")[1] ?? ts;
  if (!channel || !threadTs) {
    throw new ConnectorError("slack", "invalid", `not a Slack message id: ${item.externalId}`);
  }
  return { channel, threadTs };
}

/** The written message's link, built as the pull builds them, from the workspace address of the item's link. */
function linkOf(request: WriteRequest<SlackSettings>, channel: string, ts: string, threadTs: string) {
  const url = request.target.item?.url;
  const workspace = url ? /^(https:\/\/[^/]+\/)archives\//.exec(url)?.[1] : undefined;
  return workspace ? toPermalink(workspace, channel, ts, threadTs) : null;
}

/** A write failure in words that say what to do about the write (the read hints name SLACK_CHANNELS). */
function toWriteError(err: unknown, channel: string): unknown {
  if (!(err instanceof ConnectorError) || err.kind !== "forbidden") return err;
  if (err.message.includes('"not_in_channel"')) {
    return new ConnectorError(
      "slack",
      "forbidden",
      `"not_in_channel" from chat.postMessage: the app is not a member of channel ${channel}; invite it there (/invite @your-app) and try again`,
      { cause: err },
    );
  }
  return err;
}

export function createSlackActions(options: SlackPullOptions = {}): ActionHandler<SlackSettings> {
  return {
    kinds: ["reply"],

    async access({ settings, signal }) {
      const auth = parseAnswer(
        SlackActionAuthSchema,
        await clientFor(settings, signal, options).fetchAuth(),
        "auth.test",
      );
      const scopes = auth.response_metadata?.scopes;
      const reply: WriteAccess =
        scopes && !scopes.includes(SLACK_WRITE_SCOPE)
          ? { allowed: false, needs: SLACK_WRITE_SCOPE }
          : { allowed: true, account: auth.user ?? "the Slack app" };
      return { reply } satisfies Partial<Record<WriteKind, WriteAccess>>;
    },

    async find(request): Promise<WriteResult | null> {
      const { channel, threadTs } = threadOf(request);
      const client = clientFor(request.settings, request.signal, options);
      let cursor: string | undefined;
      do {
        const page = parseAnswer(
          SlackMessagesPageSchema,
          await client.fetchReplies({
            channel,
            ts: threadTs,
            limit: REPLIES_PAGE,
            cursor,
            includeAllMetadata: true,
          }),
          "a conversations.replies page",
        );
        for (const message of page.messages) {
          if (!isActionMessage(message, request.actionId)) continue;
          const ts = String(Reflect.get(message as object, "ts"));
          return { externalId: toMessageId(channel, ts), url: linkOf(request, channel, ts, threadTs) };
        }
        cursor = page.response_metadata?.next_cursor || undefined;
      } while (cursor);
      return null;
    },

    async write(request): Promise<WriteResult> {
      if (request.kind !== "reply") {
        throw new ConnectorError("slack", "invalid", `Slack cannot make a ${request.kind}`);
      }
      const { channel, threadTs } = threadOf(request);
      let answer: unknown;
      try {
        answer = await clientFor(request.settings, request.signal, options).postReply({
          channel,
          threadTs,
          text: toSlackMessageText(request.text, request.people),
          metadata: toActionMetadata(request.actionId),
        });
      } catch (err) {
        throw toWriteError(err, channel);
      }
      const posted = parseAnswer(SlackPostedSchema, answer, "chat.postMessage's answer");
      return {
        externalId: toMessageId(posted.channel, posted.ts),
        url: linkOf(request, posted.channel, posted.ts, threadTs),
      };
    },
  };
}
