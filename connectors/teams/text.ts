/**
 * Teams message bodies as readable text (pure). A body is `text` or `html`; it is always HTML when the
 * message mentions someone (https://learn.microsoft.com/graph/api/resources/chatmessage, `body`). Mentions
 * are `<at id="0">Jane Smith</at>` elements matched by id to the message's `mentions` array
 * (https://learn.microsoft.com/graph/api/resources/chatmessagemention); they stay in the text as `@Jane Smith`.
 * Link targets stay in the text (`the PR [https://github.com/…]`) so the linker can read them; hosted images
 * and `<attachment>` placeholders are dropped; `<emoji alt="🙂">` becomes its character.
 */
import { compile } from "html-to-text";
import {
  cutToBudget,
  HTML_INPUT_BUDGET,
  HTML_MAX_DEPTH,
  HTML_MAX_NESTING,
  isNestedTooDeep,
} from "../../src/model/text-budget.ts";
import { trimLineEnds } from "../../src/model/trim-text.ts";

/** The result of reading a body: the text, and why it was read the hard way, if it was. */
export interface BodyText {
  text: string;
  /** Set when the HTML could not be read as a document and its tags were stripped instead. */
  fallback: string | null;
}

const toText = compile({
  wordwrap: false,
  limits: { maxDepth: HTML_MAX_DEPTH },
  selectors: [
    { selector: "a", options: { hideLinkHrefIfSameAsText: true, ignoreHref: false } },
    { selector: "img", format: "skip" },
    { selector: "attachment", format: "skip" },
    { selector: "at", format: "teamsMention" },
    { selector: "emoji", format: "teamsEmoji" },
    // Teams puts its own headings in bold paragraphs; no upper-casing.
    { selector: "h1", options: { uppercase: false } },
    { selector: "h2", options: { uppercase: false } },
    { selector: "h3", options: { uppercase: false } },
    { selector: "table", format: "dataTable", options: { uppercaseHeaderCells: false } },
  ],
  formatters: {
    teamsMention: (elem, walk, builder) => {
      builder.addInline("@");
      walk(elem.children ?? [], builder);
    },
    teamsEmoji: (elem, _walk, builder) => {
      const alt = elem.attribs?.alt;
      if (alt) builder.addInline(alt);
    },
  },
});

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/** Tags stripped, the common entities decoded: what is left of HTML the converter could not walk. */
export function stripTags(html: string): string {
  return html
    .replace(/<at\b[^<>]*>/gi, "@")
    .replace(/<(br|\/p|\/div|\/li|\/h\d)\b[^<>]*>/gi, "\n")
    .replace(/<[^<>]*>?/g, "")
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (name[0] === "#") {
        const code =
          name[1] === "x" || name[1] === "X" ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
        return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
      }
      return ENTITIES[name.toLowerCase()] ?? whole;
    });
}

function tidy(text: string): string {
  return trimLineEnds(text.replace(/\u00a0/g, " "))
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** The readable text of a message body. */
export function toBodyText(
  body: { contentType?: string | null; content?: string | null } | null | undefined,
): BodyText {
  // Within the budget before any parsing: a megabyte of nesting or padding costs no more than the budget.
  const content = cutToBudget(body?.content ?? "", HTML_INPUT_BUDGET);
  if (content === "") return { text: "", fallback: null };
  if ((body?.contentType ?? "text").toLowerCase() !== "html") return { text: tidy(content), fallback: null };
  if (isNestedTooDeep(content)) {
    return {
      text: tidy(stripTags(content)),
      fallback: `the HTML body nests more than ${HTML_MAX_NESTING} elements deep; its tags were stripped`,
    };
  }
  try {
    return { text: tidy(toText(content)), fallback: null };
  } catch (err) {
    // html-to-text walks the tree recursively: pathological nesting overflows the stack.
    return {
      text: tidy(stripTags(content)),
      fallback: `the HTML body could not be read as a document (${err instanceof Error ? err.message : String(err)}); its tags were stripped`,
    };
  }
}
