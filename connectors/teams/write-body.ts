/**
 * What Threadline writes in a Teams reply chain (pure): an HTML body whose people come first as Teams
 * mentions, `<at id="0">Ann Lee</at>` each matched by id to an entry of `mentions`
 * (https://learn.microsoft.com/graph/api/chatmessage-post#example-2-create-a-message-with-mentions), then
 * the text, escaped, its line breaks as `<br>`.
 *
 * Graph keeps nothing out of sight on a channel message that Threadline could set (no metadata, no custom
 * property; Teams sanitises the HTML of a body by rules it does not publish), so an earlier attempt of an
 * action is found by what it says: `toComparableText` reads a body the way the connector's `map` does, so
 * the markup Teams rewrites does not matter, only the words.
 */
import type { WritePerson } from "../types.ts";
import { toBodyText } from "./text.ts";

export interface TeamsReplyBody {
  body: { contentType: "html"; content: string };
  mentions: Array<{
    id: number;
    mentionText: string;
    mentioned: { user: { id: string; displayName: string; userIdentityType: "aadUser" } };
  }>;
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const nameOf = (person: WritePerson) => person.name.replace(/^@/, "").trim();

/** The reply's body and mentions. People of another source are named, not mentioned. */
export function toTeamsReplyBody(text: string, people: readonly WritePerson[]): TeamsReplyBody {
  const mentions: TeamsReplyBody["mentions"] = [];
  const names = people.map((person) => {
    if (person.source !== "teams") return escapeHtml(`@${nameOf(person)}`);
    const id = mentions.length;
    mentions.push({
      id,
      mentionText: nameOf(person),
      mentioned: {
        user: { id: person.externalId, displayName: nameOf(person), userIdentityType: "aadUser" },
      },
    });
    return `<at id="${id}">${escapeHtml(nameOf(person))}</at>`;
  });
  const body = escapeHtml(text.trim()).replace(/\r?\n/g, "<br>");
  const content = [names.join(" "), body].filter(Boolean).join(" ");
  return { body: { contentType: "html", content: `<p>${content}</p>` }, mentions };
}

/** A body's words, for telling whether two bodies say the same: read as `map` reads it, spaces collapsed. */
export function toComparableText(body: { contentType?: string | null; content?: string | null }): string {
  return toBodyText(body).text.replace(/\s+/g, " ").trim();
}
