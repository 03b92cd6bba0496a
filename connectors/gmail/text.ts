/**
 * Gmail message bodies as text (pure). `messages.get?format=full` hands the MIME tree over as `payload`:
 * each part with its headers, `mimeType`, `filename` and `body.data` in base64url
 * (https://developers.google.com/gmail/api/reference/rest/v1/users.messages#MessagePart).
 *
 * - The readable body: `text/plain` preferred over `text/html` in a `multipart/alternative`; the body parts
 *   of a `multipart/mixed` (or `related`) joined; parts with a filename or `Content-Disposition: attachment`
 *   are attachments, kept by name only.
 * - Gmail removes the transfer encoding in `full`, but a part that still carries quoted-printable (a
 *   re-wrapped relay message, a nested `message/rfc822`) is decoded here; the bytes are then read in the
 *   part's `charset` (any label the WHATWG Encoding Standard knows; UTF-8 when none or unknown).
 * - Header values may hold RFC 2047 encoded words (`=?ISO-8859-1?Q?Caf=E9?=`), decoded here.
 * - What a message adds to its thread ({@link toNewText}): the text without the quoted history ("On … wrote:",
 *   `>` lines, Outlook's "From: … Sent: …" block, "-----Original Message-----") and without the signature
 *   ("-- " and a closing sign-off with a few short lines after it).
 */
import { compile } from "html-to-text";
import sanitizeHtml from "sanitize-html";
import {
  cutToBudget,
  HTML_INPUT_BUDGET,
  HTML_MAX_DEPTH,
  HTML_MAX_NESTING,
  ITEM_TEXT_BUDGET,
  isNestedTooDeep,
} from "../../src/model/text-budget.ts";
import { trimLineEnds } from "../../src/model/trim-text.ts";
import type { GmailHeader, GmailMessagePart } from "./schemas.ts";

/** The body of a message, read. */
export interface MessageBody {
  /** The plain text (from `text/plain`, else from the HTML), whole: quotes and signature included. */
  text: string;
  /** The HTML part as it came (not sanitised), when there is one. */
  html: string | null;
  /** File names of the attachments. */
  attachments: string[];
  /** Parts that could not be read, in words for the log. */
  problems: string[];
}

export const headerValue = (
  headers: readonly GmailHeader[] | null | undefined,
  name: string,
): string | null => {
  const wanted = name.toLowerCase();
  for (const h of headers ?? []) if (h.name.toLowerCase() === wanted) return h.value;
  return null;
};

/** A parameter of a structured header value (`charset` of `text/plain; charset="iso-8859-1"`). */
export function headerParam(value: string | null, param: string): string | null {
  if (!value) return null;
  const m = new RegExp(`(?:^|;)\\s*${param}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, "i").exec(value);
  return m ? (m[1] ?? m[2] ?? null) : null;
}

const BASE64URL = /^[A-Za-z0-9_\-+/=\s]*$/;

/** base64url (Gmail's encoding of `body.data`) to bytes; null when it is not base64url. */
export function decodeBase64Url(data: string): Uint8Array | null {
  if (!BASE64URL.test(data)) return null;
  return Buffer.from(data.replace(/\s+/g, ""), "base64url");
}

/** Quoted-printable (RFC 2045 §6.7) to bytes. */
export function decodeQuotedPrintable(bytes: Uint8Array): Uint8Array {
  const input = trimLineEnds(Buffer.from(bytes).toString("latin1")).replace(/=\r?\n/g, "");
  const out: number[] = [];
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    if (c === 0x3d && /^[0-9A-Fa-f]{2}$/.test(input.slice(i + 1, i + 3))) {
      out.push(Number.parseInt(input.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(c & 0xff);
  }
  return Uint8Array.from(out);
}

/** Whether bytes still look quoted-printable: soft line breaks or `=XX` escapes of non-ASCII bytes. */
function looksQuotedPrintable(bytes: Uint8Array): boolean {
  const s = Buffer.from(bytes).toString("latin1");
  return /=\r?\n/.test(s) || /=[89A-F][0-9A-F]/.test(s) || /=3D/.test(s);
}

/** windows-1252's 0x80–0x9F (https://encoding.spec.whatwg.org/index-windows-1252.txt); 0 where undefined. */
const WINDOWS_1252_HIGH = [
  0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0,
  0x017d, 0, 0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a,
  0x0153, 0, 0x017e, 0x0178,
];
/** Labels the Encoding Standard reads as windows-1252 (Latin-1 and ASCII included). */
const WINDOWS_1252_LABELS = new Set([
  "windows-1252",
  "cp1252",
  "x-cp1252",
  "iso-8859-1",
  "iso8859-1",
  "iso_8859-1",
  "latin1",
  "l1",
  "us-ascii",
  "ascii",
  "ansi_x3.4-1968",
  "cp819",
  "ibm819",
  "iso-ir-100",
]);

function decodeWindows1252(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes)
    out += String.fromCharCode(b >= 0x80 && b <= 0x9f ? WINDOWS_1252_HIGH[b - 0x80] || b : b);
  return out;
}

/** Bytes in `charset` to text; UTF-8 (with a reason) when the label is unknown. */
export function decodeCharset(
  bytes: Uint8Array,
  charset: string | null,
): { text: string; problem: string | null } {
  const label = (charset ?? "utf-8").trim().toLowerCase();
  // Node's TextDecoder reads windows-1252 as plain Latin-1, losing the quotes and dashes of 0x80–0x9F.
  if (WINDOWS_1252_LABELS.has(label)) return { text: decodeWindows1252(bytes), problem: null };
  try {
    return { text: new TextDecoder(label).decode(bytes), problem: null };
  } catch {
    return {
      text: new TextDecoder("utf-8").decode(bytes),
      problem: `unknown charset "${charset}": read as UTF-8`,
    };
  }
}

/** RFC 2047 encoded words in a header value, decoded; adjacent encoded words join without the space. */
export function decodeHeaderWords(value: string): string {
  if (!value.includes("=?")) return value;
  return value
    .replace(/(=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=)\s+(?==\?[^?\s]+\?[BbQq]\?[^?\s]*\?=)/g, "$1")
    .replace(
      /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g,
      (whole, charset: string, encoding: string, data: string) => {
        const bytes =
          encoding.toUpperCase() === "B"
            ? Buffer.from(data, "base64")
            : decodeQuotedPrintable(Buffer.from(data.replace(/_/g, " "), "latin1"));
        const charsetName = charset.split("*")[0] ?? charset;
        const decoded = decodeCharset(bytes, charsetName);
        return decoded.problem ? whole : decoded.text;
      },
    );
}

const lower = (s: string | null | undefined) => (s ?? "").toLowerCase();

function isAttachment(part: GmailMessagePart): boolean {
  if (part.filename) return true;
  const disposition = lower(headerValue(part.headers, "Content-Disposition"));
  return disposition.startsWith("attachment");
}

function attachmentName(part: GmailMessagePart): string {
  if (part.filename) return decodeHeaderWords(part.filename);
  const fromDisposition = headerParam(headerValue(part.headers, "Content-Disposition"), "filename");
  const fromType = headerParam(headerValue(part.headers, "Content-Type"), "name");
  return decodeHeaderWords(fromDisposition ?? fromType ?? `unnamed ${part.mimeType ?? "attachment"}`);
}

/** The text of one leaf part, decoded, or null with a reason. */
function readLeaf(part: GmailMessagePart, problems: string[]): string | null {
  const where = `part ${part.partId || "(root)"} (${part.mimeType ?? "no type"})`;
  const data = part.body?.data;
  if (data === null || data === undefined || data === "") {
    if (part.body?.attachmentId)
      problems.push(`${where}: its content is stored apart (attachmentId) and was not read`);
    return data === "" || (part.body?.size ?? 0) === 0 ? "" : null;
  }
  let bytes = decodeBase64Url(data);
  if (!bytes) {
    problems.push(`${where}: body.data is not base64url`);
    return null;
  }
  const encoding = lower(headerValue(part.headers, "Content-Transfer-Encoding")).trim();
  if (encoding === "quoted-printable" && looksQuotedPrintable(bytes)) bytes = decodeQuotedPrintable(bytes);
  const contentType = headerValue(part.headers, "Content-Type");
  const decoded = decodeCharset(bytes, headerParam(contentType, "charset"));
  if (decoded.problem) problems.push(`${where}: ${decoded.problem}`);
  return decoded.text;
}

interface Found {
  plain: string[];
  html: string[];
}

function walk(part: GmailMessagePart, found: Found, body: MessageBody, depth: number): void {
  const type = lower(part.mimeType);
  if (depth > 30) {
    body.problems.push("MIME parts nested deeper than 30 levels: the rest was not read");
    return;
  }
  if (type.startsWith("multipart/")) {
    const parts = part.parts ?? [];
    if (parts.length === 0) {
      body.problems.push(`part ${part.partId || "(root)"} (${type}) has no parts`);
      return;
    }
    if (type === "multipart/alternative") {
      // The richest alternative comes last (RFC 2046 §5.1.4); plain text is what the timeline wants.
      const sub: Found[] = parts.map((p) => {
        const f: Found = { plain: [], html: [] };
        walk(p, f, body, depth + 1);
        return f;
      });
      const plain = sub.find((f) => f.plain.length > 0);
      const html = [...sub].reverse().find((f) => f.html.length > 0);
      if (plain) found.plain.push(...plain.plain);
      if (html) found.html.push(...html.html);
      return;
    }
    for (const p of parts) walk(p, found, body, depth + 1);
    return;
  }
  if (isAttachment(part)) {
    body.attachments.push(attachmentName(part));
    return;
  }
  if (type === "text/plain" || type === "" || type === "text") {
    const text = readLeaf(part, body.problems);
    if (text !== null) found.plain.push(text);
  } else if (type === "text/html") {
    const text = readLeaf(part, body.problems);
    if (text !== null) found.html.push(text);
  } else if (type === "message/rfc822" || type.startsWith("image/") || type.startsWith("application/")) {
    body.attachments.push(attachmentName(part));
  }
}

/** The body of a message's payload: its text, its HTML, its attachments' names, and what went wrong. */
export function readMessageBody(payload: GmailMessagePart): MessageBody {
  const body: MessageBody = { text: "", html: null, attachments: [], problems: [] };
  const found: Found = { plain: [], html: [] };
  walk(payload, found, body, 0);
  // Within the budget before any parsing: a megabyte of nesting or padding costs no more than the budget.
  body.html = found.html.length > 0 ? cutToBudget(found.html.join("\n"), HTML_INPUT_BUDGET) : null;
  if (body.html !== null && isNestedTooDeep(body.html)) {
    body.problems.push(
      `the HTML body nests more than ${HTML_MAX_NESTING} elements deep; it was read as text with its tags stripped`,
    );
    const stripped = stripTags(body.html);
    body.html = null;
    if (found.plain.length === 0) found.plain.push(stripped);
  }
  if (found.plain.length > 0) body.text = tidy(cutToBudget(found.plain.join("\n\n"), ITEM_TEXT_BUDGET + 1));
  else if (body.html !== null) body.text = htmlToText(body.html, body.problems);
  return body;
}

const toText = compile({
  wordwrap: false,
  limits: { maxDepth: HTML_MAX_DEPTH },
  selectors: [
    { selector: "a", options: { hideLinkHrefIfSameAsText: true, ignoreHref: false } },
    { selector: "img", format: "skip" },
    // Gmail's own signature block.
    { selector: "div.gmail_signature", format: "skip" },
    { selector: "h1", options: { uppercase: false } },
    { selector: "h2", options: { uppercase: false } },
    { selector: "h3", options: { uppercase: false } },
    { selector: "table", format: "dataTable", options: { uppercaseHeaderCells: false } },
  ],
});

function htmlToText(html: string, problems: string[]): string {
  try {
    return tidy(toText(html));
  } catch (err) {
    // html-to-text walks the tree recursively: pathological nesting overflows the stack.
    problems.push(
      `the HTML body could not be read as a document (${err instanceof Error ? err.message : String(err)}); its tags were stripped`,
    );
    return tidy(stripTags(html));
  }
}

/** Tags out, line breaks kept: what is left of HTML that can't be parsed. */
function stripTags(html: string): string {
  return html.replace(/<(br|\/p|\/div)\b[^<>]*>/gi, "\n").replace(/<[^<>]*>?/g, "");
}

function tidy(text: string): string {
  return trimLineEnds(text.replace(/\r\n?/g, "\n").replace(/\u00a0/g, " "))
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** HTML safe to show in a sandboxed frame: no scripts, styles, forms, or images (tracking pixels). */
export function sanitizeEmailHtml(html: string): string {
  return sanitizeHtml(html, {
    allowedTags: sanitizeHtml.defaults.allowedTags.filter((t) => t !== "img"),
    allowedAttributes: {
      a: ["href", "title", "rel", "target"],
      td: ["colspan", "rowspan"],
      th: ["colspan", "rowspan"],
    },
    allowedSchemes: ["http", "https", "mailto"],
    transformTags: { a: sanitizeHtml.simpleTransform("a", { rel: "noopener noreferrer", target: "_blank" }) },
  });
}

// ---------------------------------------------------------------------------------------------------------
// What a message adds to its thread
// ---------------------------------------------------------------------------------------------------------

/** Attribution lines of a quoted reply, as mail clients write them in a few languages. */
const ATTRIBUTION = [
  /^On\b.{0,300}\bwrote:\s*$/i,
  /^Am\b.{0,300}\bschrieb\b.{0,200}:\s*$/i,
  /^Le\b.{0,300}\ba écrit\s*:\s*$/i,
  /^El\b.{0,300}\bescribió:\s*$/i,
  /^Op\b.{0,300}\bschreef\b.{0,200}:\s*$/i,
  /^Il giorno\b.{0,300}\bha scritto:\s*$/i,
];
const ORIGINAL_MESSAGE =
  /^\s*-{2,}\s*(Original Message|Ursprüngliche Nachricht|Message d'origine)\s*-{2,}\s*$/i;
const OUTLOOK_FROM = /^\s*\*?(From|Von|De)\s*:\*?\s+\S/i;
const OUTLOOK_NEXT = /^\s*\*?(Sent|Date|Gesendet|Envoyé|To|An|À|Subject|Betreff|Objet)\s*:/i;
const SIGNATURE_DELIMITER = /^--\s?$/;
const MOBILE_SIGNATURE =
  /^(Sent from my \w+|Get Outlook for \w+|Sent from Mail for Windows|Von meinem \w+ gesendet)\b.*$/i;
const SIGN_OFF =
  /^(thanks|thank you|many thanks|thanks again|cheers|best|best regards|kind regards|warm regards|regards|all the best|sincerely|br|kr|viele grüße|mit freundlichen grüßen|cordialement)\s*(?:[,.!]\s*)?$/i;

function isAttribution(lines: readonly string[], i: number): boolean {
  const line = lines[i]!.trim();
  if (ATTRIBUTION.some((re) => re.test(line))) return true;
  // Clients wrap a long attribution over two lines ("On Tue, … Dan Miller <dan@…>\nwrote:").
  const next = lines[i + 1]?.trim();
  return (
    next !== undefined &&
    /^(On|Am|Le|El|Op)\b/.test(line) &&
    ATTRIBUTION.some((re) => re.test(`${line} ${next}`))
  );
}

function isOutlookHeader(lines: readonly string[], i: number): boolean {
  if (!OUTLOOK_FROM.test(lines[i]!)) return false;
  for (let k = i + 1; k < Math.min(lines.length, i + 5); k++) if (OUTLOOK_NEXT.test(lines[k]!)) return true;
  return false;
}

/**
 * What the writer of a message added: the text before the quoted history, without `>` lines and the
 * signature. The whole text when stripping would leave nothing (a reply that is only a forward or a quote).
 */
export function toNewText(text: string): string {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  let end = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (
      isAttribution(lines, i) ||
      ORIGINAL_MESSAGE.test(line) ||
      isOutlookHeader(lines, i) ||
      SIGNATURE_DELIMITER.test(line) ||
      MOBILE_SIGNATURE.test(line.trim()) ||
      (/^\s*_{10,}\s*$/.test(line) && isOutlookHeader(lines, i + 1 < lines.length ? i + 1 : i))
    ) {
      end = i;
      break;
    }
  }
  const kept = lines.slice(0, end).filter((l) => !/^\s*>/.test(l));
  // A sign-off near the end, followed by at most a few short lines (a name, a title, a phone number).
  const nonEmpty = kept.map((l, i) => [l.trim(), i] as const).filter(([l]) => l !== "");
  for (let k = nonEmpty.length - 1; k >= 1 && k >= nonEmpty.length - 5; k--) {
    const [line, index] = nonEmpty[k]!;
    if (!SIGN_OFF.test(line)) continue;
    const after = nonEmpty.slice(k + 1);
    if (after.length <= 4 && after.every(([l]) => l.length <= 60)) {
      kept.length = index;
      break;
    }
  }
  const result = tidy(kept.join("\n"));
  return result === "" ? tidy(text) : result;
}
