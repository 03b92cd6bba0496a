/**
 * What Threadline writes in a Slack thread, in Slack's markup (pure): the people first, as Slack's own
 * mentions, then the text with `&`, `<` and `>` escaped, as Slack asks of any text that is not markup
 * (https://docs.slack.dev/messaging/formatting-message-text#escaping).
 */
import type { WritePerson } from "../types.ts";

/** The metadata event type that marks a message Threadline wrote (https://docs.slack.dev/messaging/message-metadata). */
export const SLACK_ACTION_EVENT = "threadline_action";

export const escapeSlackText = (text: string): string =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** `<@U123>` for a Slack account; anyone else by name, as plain text. */
export function toSlackMention(person: WritePerson): string {
  if (person.source === "slack") return `<@${person.externalId}>`;
  return escapeSlackText(`@${person.name.replace(/^@/, "")}`);
}

/** The message: mentions, then the text. */
export function toSlackMessageText(text: string, people: readonly WritePerson[]): string {
  const mentions = people.map(toSlackMention).join(" ");
  const body = escapeSlackText(text.trim());
  return [mentions, body].filter(Boolean).join(" ");
}

/** The metadata a message of action `actionId` carries. */
export function toActionMetadata(actionId: string): {
  event_type: string;
  event_payload: Record<string, string>;
} {
  return { event_type: SLACK_ACTION_EVENT, event_payload: { action_id: actionId } };
}

/** Whether a message (as conversations.replies gives it with `include_all_metadata`) is action `actionId`'s. */
export function isActionMessage(message: unknown, actionId: string): boolean {
  if (typeof message !== "object" || message === null) return false;
  const metadata: unknown = Reflect.get(message, "metadata");
  if (typeof metadata !== "object" || metadata === null) return false;
  if (Reflect.get(metadata, "event_type") !== SLACK_ACTION_EVENT) return false;
  const payload: unknown = Reflect.get(metadata, "event_payload");
  return typeof payload === "object" && payload !== null && Reflect.get(payload, "action_id") === actionId;
}
