/**
 * Slack's message markup to readable text (pure). Slack writes references as `<…>` tags and escapes `&`,
 * `<` and `>` as HTML entities; formatting is `*bold*`, `_italic_`, `~strike~` and backticks.
 * https://docs.slack.dev/messaging/formatting-message-text (section "Retrieving messages": how to read
 * mentions, links, special mentions and dates in a message's `text`).
 */
import { z } from "zod";
import { trimTrailing } from "../../src/model/trim-text.ts";
import { ResponseValueSchema } from "../kit/response-value.ts";

/** Names the text may reference, by id: users (`U…`/`W…`) and channels (`C…`/`G…`). */
export interface TextNames {
  users: ReadonlyMap<string, string>;
  channels: ReadonlyMap<string, string>;
}

export const NO_NAMES: TextNames = { users: new Map(), channels: new Map() };

const toUnescaped = (s: string) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

/** `*bold*`, `_italic_`, `~strike~` around words lose their markers; anything else stays. */
function stripFormatting(s: string): string {
  return s
    .replace(/(^|[\s([{"'])\*(?=\S)([^*\n]*?\S)\*(?=$|[\s)\]}.,;:!?"'])/g, "$1$2")
    .replace(/(^|[\s([{"'])_(?=\S)([^_\n]*?\S)_(?=$|[\s)\]}.,;:!?"'])/g, "$1$2")
    .replace(/(^|[\s([{"'])~(?=\S)([^~\n]*?\S)~(?=$|[\s)\]}.,;:!?"'])/g, "$1$2");
}

/** `https://example.com/a` vs the label `example.com/a`: the same thing said twice. */
function sameAddress(url: string, label: string): boolean {
  const bare = (s: string) => trimTrailing(s.replace(/^[a-z]+:(\/\/)?/i, ""), "/");
  return bare(url) === bare(label);
}

/** One `<…>` tag (without its brackets) as text. */
function toTagText(tag: string, names: TextNames): string {
  const bar = tag.indexOf("|");
  const target = bar === -1 ? tag : tag.slice(0, bar);
  const label = bar === -1 ? null : toUnescaped(tag.slice(bar + 1));
  if (target.startsWith("@")) {
    const id = target.slice(1);
    return `@${names.users.get(id) ?? label ?? id}`;
  }
  if (target.startsWith("#")) {
    const id = target.slice(1);
    return `#${label ?? names.channels.get(id) ?? id}`;
  }
  if (target.startsWith("!")) {
    const command = target.slice(1);
    if (command.startsWith("subteam^"))
      return label ? (label.startsWith("@") ? label : `@${label}`) : "@group";
    if (command.startsWith("date^")) return label ?? "";
    if (command === "here" || command === "channel" || command === "everyone") return `@${command}`;
    return label ?? "";
  }
  const url = toUnescaped(target);
  if (url.startsWith("mailto:")) return label ?? url.slice("mailto:".length);
  if (!label || sameAddress(url, label)) return url;
  return `${label} (${url})`;
}

/**
 * Slack markup to the text a person reads: `<@U123>` → `@Name`, `<https://…|label>` → `label (url)`,
 * `<#C123|general>` → `#general`, `<!here>` → `@here`, dates to their fallback, entities unescaped,
 * bold/italic/strike markers dropped (code and quotes kept as written).
 */
export function toReadableText(text: string, names: TextNames = NO_NAMES): string {
  let out = "";
  let last = 0;
  const tag = /<([^<>\n]+)>/g;
  for (let m = tag.exec(text); m !== null; m = tag.exec(text)) {
    out += toUnescaped(stripFormatting(text.slice(last, m.index)));
    out += toTagText(m[1]!, names);
    last = m.index + m[0].length;
  }
  out += toUnescaped(stripFormatting(text.slice(last)));
  return out.trim();
}

/** The user ids a text mentions (`<@U123>`), in order, once each. */
export function toMentionedUsers(text: string): string[] {
  const ids: string[] = [];
  for (const m of text.matchAll(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g)) if (!ids.includes(m[1]!)) ids.push(m[1]!);
  return ids;
}

// ---------------------------------------------------------------------------------------------------------
// Blocks: read only when a message has no `text` (an app posting blocks alone)
// https://docs.slack.dev/reference/block-kit/blocks · https://docs.slack.dev/reference/block-kit/blocks/rich-text-block
// ---------------------------------------------------------------------------------------------------------

const TextObjectSchema = z.object({ type: z.string(), text: z.string() });
const ElementSchema = z.looseObject({
  type: z.string(),
  text: z.string().optional(),
  url: z.string().optional(),
  user_id: z.string().optional(),
  channel_id: z.string().optional(),
  usergroup_id: z.string().optional(),
  range: z.string().optional(),
  name: z.string().optional(),
  fallback: z.string().optional(),
  elements: z.array(ResponseValueSchema).optional(),
});
const BlockSchema = z.looseObject({
  type: z.string(),
  // A text object, or (in a `markdown` block) the text itself.
  text: z.union([TextObjectSchema, z.string()]).optional(),
  fields: z.array(TextObjectSchema).optional(),
  elements: z.array(ResponseValueSchema).optional(),
});

/** Block types whose text is read; others (images, dividers, actions, unknown types) add nothing. */
export const READ_BLOCK_TYPES = ["rich_text", "section", "header", "context", "markdown"] as const;

function toElementsText(elements: readonly unknown[], names: TextNames): string {
  let out = "";
  for (const raw of elements) {
    const parsed = ElementSchema.safeParse(raw);
    if (!parsed.success) continue;
    const e = parsed.data;
    switch (e.type) {
      case "text":
        out += e.text ?? "";
        break;
      case "link":
        out += e.text && !sameAddress(e.url ?? "", e.text) ? `${e.text} (${e.url ?? ""})` : (e.url ?? "");
        break;
      case "user":
        out += e.user_id ? `@${names.users.get(e.user_id) ?? e.user_id}` : "";
        break;
      case "channel":
        out += e.channel_id ? `#${names.channels.get(e.channel_id) ?? e.channel_id}` : "";
        break;
      case "usergroup":
        out += "@group";
        break;
      case "broadcast":
        out += e.range ? `@${e.range}` : "";
        break;
      case "emoji":
        out += e.name ? `:${e.name}:` : "";
        break;
      case "date":
        out += e.fallback ?? "";
        break;
      case "mrkdwn":
      case "plain_text":
        out += e.text ? toReadableText(e.text, names) : "";
        break;
      case "rich_text_section":
      case "rich_text_preformatted":
      case "rich_text_quote":
        out += `${toElementsText(e.elements ?? [], names)}\n`;
        break;
      case "rich_text_list":
        for (const item of e.elements ?? []) out += `- ${toElementsText([item], names).trim()}\n`;
        break;
      default:
        break;
    }
  }
  return out;
}

/** The text of a message's blocks, for messages whose `text` is empty. */
export function toBlocksText(blocks: readonly unknown[], names: TextNames = NO_NAMES): string {
  const parts: string[] = [];
  for (const raw of blocks) {
    const parsed = BlockSchema.safeParse(raw);
    if (!parsed.success) continue;
    const block = parsed.data;
    if (block.type === "rich_text" || block.type === "context") {
      parts.push(toElementsText(block.elements ?? [], names).trim());
    } else if (block.type === "section" || block.type === "header" || block.type === "markdown") {
      if (typeof block.text === "string") parts.push(block.text.trim());
      else if (block.text) parts.push(toReadableText(block.text.text, names));
      for (const field of block.fields ?? []) parts.push(toReadableText(field.text, names));
    }
  }
  return parts.filter(Boolean).join("\n").trim();
}

/** Block types in `blocks` that Threadline does not read (for the pull's log). */
export function toUnreadBlockTypes(blocks: readonly unknown[]): string[] {
  const known = new Set<string>([
    ...READ_BLOCK_TYPES,
    "divider",
    "image",
    "actions",
    "file",
    "video",
    "input",
    "call",
  ]);
  const out: string[] = [];
  for (const raw of blocks) {
    const parsed = BlockSchema.safeParse(raw);
    const type = parsed.success ? parsed.data.type : "(unreadable)";
    if (!known.has(type) && !out.includes(type)) out.push(type);
  }
  return out;
}

/** The user ids rich-text blocks mention (`{"type": "user", "user_id": …}`), in order, once each. */
export function toBlockUsers(blocks: readonly unknown[]): string[] {
  const ids: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    if (typeof node !== "object" || node === null) return;
    const type = Reflect.get(node, "type");
    const userId = Reflect.get(node, "user_id");
    if (type === "user" && typeof userId === "string" && !ids.includes(userId)) ids.push(userId);
    visit(Reflect.get(node, "elements"));
  };
  visit(blocks);
  return ids;
}
