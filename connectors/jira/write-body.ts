/**
 * A message Threadline writes, as a Jira comment body (pure): Atlassian Document Format for Cloud's v3 API,
 * wiki markup for Data Center's v2. The people a message addresses open it as Jira's own mentions (an ADF
 * `mention` node with the accountId; `[~username]` in wiki markup), so Jira notifies them; addresses in the
 * text become links. Blank lines separate paragraphs, a single newline is a line break.
 * https://developer.atlassian.com/cloud/jira/platform/apis/document/nodes/mention/ ·
 * https://jira.atlassian.com/secure/WikiRendererHelpAction.jspa?section=all
 */
import type { WritePerson } from "../types.ts";

export interface AdfDoc {
  type: "doc";
  version: 1;
  content: AdfBlock[];
}

interface AdfBlock {
  type: "paragraph";
  content: AdfInline[];
}

type AdfInline =
  | { type: "text"; text: string; marks?: Array<{ type: "link"; attrs: { href: string } }> }
  | { type: "hardBreak" }
  | { type: "mention"; attrs: { id: string; text: string } };

const URL_PATTERN = /https?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]]/g;

const paragraphs = (text: string) =>
  text
    .replace(/\r\n?/g, "\n")
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);

function linked(line: string): AdfInline[] {
  const out: AdfInline[] = [];
  let last = 0;
  for (const m of line.matchAll(URL_PATTERN)) {
    if (m.index > last) out.push({ type: "text", text: line.slice(last, m.index) });
    out.push({ type: "text", text: m[0], marks: [{ type: "link", attrs: { href: m[0] } }] });
    last = m.index + m[0].length;
  }
  if (last < line.length) out.push({ type: "text", text: line.slice(last) });
  return out;
}

const mentionText = (p: WritePerson) => (p.name.startsWith("@") ? p.name : `@${p.name}`);

/** The ADF of a comment: `people` mentioned at the start of its first paragraph. */
export function toCommentAdf(text: string, people: readonly WritePerson[]): AdfDoc {
  const blocks: AdfBlock[] = paragraphs(text).map((p) => ({
    type: "paragraph",
    content: p
      .split("\n")
      .flatMap((line, i) => (i === 0 ? linked(line) : [{ type: "hardBreak" as const }, ...linked(line)])),
  }));
  if (people.length > 0) {
    const mentions: AdfInline[] = people.flatMap((p) => [
      { type: "mention" as const, attrs: { id: p.externalId, text: mentionText(p) } },
      { type: "text" as const, text: " " },
    ]);
    if (blocks.length === 0) blocks.push({ type: "paragraph", content: [] });
    blocks[0]!.content.unshift(...mentions);
  }
  return { type: "doc", version: 1, content: blocks };
}

/**
 * Brackets, braces and bars, which wiki markup reads as links, mentions, macros and tables, escaped so the
 * text shows as written (emphasis characters are left: `snake_case` and `PROJ-12` read as themselves).
 */
const escapeWiki = (s: string) => s.replace(/([{}[\]|])/g, "\\$1");

/** The wiki markup of a comment (Data Center): `[~username]` mentions at its start. */
export function toCommentWiki(text: string, people: readonly WritePerson[]): string {
  const body = paragraphs(text)
    .map((p) =>
      p
        .split("\n")
        .map((line) => {
          let out = "";
          let last = 0;
          for (const m of line.matchAll(URL_PATTERN)) {
            out += escapeWiki(line.slice(last, m.index)) + m[0];
            last = m.index + m[0].length;
          }
          return out + escapeWiki(line.slice(last));
        })
        .join("\n"),
    )
    .join("\n\n");
  const mentions = people.map((p) => `[~${p.externalId}]`).join(" ");
  return mentions ? `${mentions} ${body}` : body;
}
