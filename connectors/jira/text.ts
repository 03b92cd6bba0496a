/**
 * Jira bodies as readable text (pure). v3 bodies are Atlassian Document Format
 * (https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/); v2 bodies and webhook
 * payloads are wiki markup (https://jira.atlassian.com/secure/WikiRendererHelpAction.jspa?section=all).
 * Mentions stay as `@Name` (ADF) or `@username` / `@<accountId>` (wiki, which carries no name), and are
 * collected so the rules know who was asked; link targets stay in the text so the linker can read them.
 */

import { trimLineEnds } from "../../src/model/trim-text.ts";
import type { JiraAdfNode } from "./schemas.ts";

export interface BodyText {
  text: string;
  /** The mentioned users, as the connector's identity ids (Cloud accountId, Data Center username). */
  mentions: string[];
}

const str = (v: unknown): string | null =>
  typeof v === "string" ? v : typeof v === "number" ? String(v) : null;

/** Text and mentions of a body, whichever form it has. */
export function toBodyText(body: string | JiraAdfNode | null | undefined): BodyText {
  if (body === null || body === undefined) return { text: "", mentions: [] };
  if (typeof body === "string") return wikiToText(body);
  const mentions: string[] = [];
  const text = trimLineEnds(adfBlock(body, mentions))
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  return { text, mentions: unique(mentions) };
}

const unique = (list: string[]) => [...new Set(list)];

const BLOCKS = new Set([
  "doc",
  "paragraph",
  "heading",
  "bulletList",
  "orderedList",
  "listItem",
  "codeBlock",
  "blockquote",
  "panel",
  "rule",
  "table",
  "tableRow",
  "mediaSingle",
  "mediaGroup",
  "taskList",
  "taskItem",
  "decisionList",
  "decisionItem",
  "expand",
  "nestedExpand",
  "blockCard",
  "embedCard",
  "layoutSection",
  "layoutColumn",
]);

/** A block node: its text, without the separation from the next block. */
function adfBlock(node: JiraAdfNode, mentions: string[]): string {
  const children = node.content ?? [];
  const blocks = (sep: string) =>
    children
      .map((c) => adfBlock(c, mentions))
      .filter((t) => t !== "")
      .join(sep);
  switch (node.type) {
    case "doc":
    case "panel":
    case "expand":
    case "nestedExpand":
    case "layoutSection":
    case "layoutColumn":
    case "listItem":
    case "tableCell":
    case "tableHeader":
      return blocks(node.type === "listItem" || node.type.startsWith("table") ? "\n" : "\n\n");
    case "bulletList":
      return children.map((item) => indent(`- ${adfBlock(item, mentions)}`)).join("\n");
    case "orderedList": {
      const start = Number(node.attrs?.order ?? 1) || 1;
      return children.map((item, i) => indent(`${start + i}. ${adfBlock(item, mentions)}`)).join("\n");
    }
    case "taskList":
    case "decisionList":
      return blocks("\n");
    case "taskItem":
      return `[${node.attrs?.state === "DONE" ? "x" : " "}] ${adfInline(children, mentions)}`;
    case "decisionItem":
      return `Decision: ${adfInline(children, mentions)}`;
    case "blockquote":
      return blocks("\n\n")
        .split("\n")
        .map((line) => `> ${line}`)
        .join("\n");
    case "codeBlock":
      return children.map((c) => c.text ?? "").join("");
    case "rule":
      return "---";
    case "table":
      return blocks("\n");
    case "tableRow":
      return children.map((cell) => adfBlock(cell, mentions).replace(/\n/g, " ")).join(" | ");
    case "mediaSingle":
    case "mediaGroup":
      return children.map((m) => (str(m.attrs?.alt) ? `[${str(m.attrs?.alt)}]` : "[attachment]")).join(" ");
    case "blockCard":
    case "embedCard":
      return str(node.attrs?.url) ?? "";
    default:
      if (children.some((c) => BLOCKS.has(c.type))) return blocks("\n\n");
      return adfInline(children.length > 0 || node.text === undefined ? children : [node], mentions);
  }
}

function indent(item: string): string {
  return item.replace(/\n/g, "\n  ");
}

function adfInline(nodes: readonly JiraAdfNode[], mentions: string[]): string {
  let out = "";
  for (const node of nodes) {
    switch (node.type) {
      case "text": {
        const text = node.text ?? "";
        const href = node.marks?.find((m) => m.type === "link")?.attrs?.href;
        out += typeof href === "string" && href !== text ? `${text} (${href})` : text;
        break;
      }
      case "hardBreak":
        out += "\n";
        break;
      case "mention": {
        const id = str(node.attrs?.id);
        if (id) mentions.push(id);
        const name = str(node.attrs?.text) ?? (id ? `@${id}` : "@someone");
        out += name.startsWith("@") ? name : `@${name}`;
        break;
      }
      case "emoji":
        out += str(node.attrs?.text) ?? str(node.attrs?.shortName) ?? "";
        break;
      case "inlineCard":
        out += str(node.attrs?.url) ?? "";
        break;
      case "status":
        out += `[${str(node.attrs?.text) ?? ""}]`;
        break;
      case "date": {
        const ms = Number(node.attrs?.timestamp);
        out += Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 10) : "";
        break;
      }
      case "placeholder":
        break;
      default:
        out += node.content ? adfInline(node.content, mentions) : (node.text ?? "");
    }
  }
  return out;
}

/** Wiki markup to text: mentions, links and macros made readable; emphasis left as typed. */
export function wikiToText(wiki: string): BodyText {
  const mentions: string[] = [];
  const text = trimLineEnds(
    wiki
      .replace(/\r\n/g, "\n")
      .replace(/\[~accountid:([^[\]]+)\]/g, (_, id: string) => {
        mentions.push(id);
        return `@${id}`;
      })
      .replace(/\[~([^[\]]+)\]/g, (_, name: string) => {
        mentions.push(name);
        return `@${name}`;
      })
      .replace(/\[([^|[\]]+)\|([^[\]]+)\]/g, (_, label: string, url: string) =>
        label === url ? url : `${label} (${url})`,
      )
      .replace(/\[((?:https?|mailto):[^[\]]+)\]/g, "$1")
      .replace(/\{(code|noformat|quote|panel)(:[^{}]*)?\}/g, "")
      .replace(/\{color(:[^{}]*)?\}/g, "")
      .replace(/\{\{([^{}]*)\}\}/g, "$1")
      .replace(/^h[1-6]\.\s+/gm, "")
      .replace(/^bq\.\s+/gm, "> "),
  )
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  return { text, mentions: unique(mentions) };
}
