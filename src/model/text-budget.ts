/**
 * How much of one body Threadline reads. Outsiders write these (a client's email, a public comment), and a
 * megabyte of padding or nesting must not hold up a page: past the budget the text is kept unread, the raw
 * record keeps all of it, and the timeline says so.
 */

/** Characters of an item's text that are stored and analysed. */
export const ITEM_TEXT_BUDGET = 100_000;
/** Characters of an HTML body that are parsed (markup takes room the text does not). */
export const HTML_INPUT_BUDGET = 400_000;
/** How deep into nested HTML elements the text conversion looks. */
export const HTML_MAX_DEPTH = 64;

/** `text` cut to `budget` characters, never between the two halves of a surrogate pair. */
export function cutToBudget(text: string, budget: number): string {
  if (text.length <= budget) return text;
  const last = text.charCodeAt(budget - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? budget - 1 : budget);
}

/** The item text within `ITEM_TEXT_BUDGET`, with a line saying how much was left unread when it was cut. */
export function toItemText(text: string): string {
  if (text.length <= ITEM_TEXT_BUDGET) return text;
  const kept = cutToBudget(text, ITEM_TEXT_BUDGET);
  const unread = text.length - kept.length;
  return `${kept}\n\n[Threadline read the first ${kept.length.toLocaleString("en-US")} characters of this message; the other ${unread.toLocaleString("en-US")} are in the source.]`;
}

/** Nesting past which an HTML body is not parsed at all (parsers and sanitisers slow down with depth). */
export const HTML_MAX_NESTING = 500;

/** Elements with no end tag, or whose end tag may be left out: they don't count as nesting. */
const NOT_NESTING = new Set(
  "area base br col embed hr img input link meta source track wbr p li td th tr dt dd option optgroup thead tbody tfoot colgroup caption rt rp html head body".split(
    " ",
  ),
);

const isLetter = (code: number) => (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a);

/**
 * Whether `html` opens more than `HTML_MAX_NESTING` elements inside each other, judged in one pass over its
 * tag names (opening tags minus closing tags, the elements above left out).
 */
export function isNestedTooDeep(html: string): boolean {
  let depth = 0;
  for (let i = html.indexOf("<"); i !== -1; i = html.indexOf("<", i + 1)) {
    const next = html.charCodeAt(i + 1);
    if (next === 0x2f) {
      if (depth > 0) depth--;
      continue;
    }
    if (!isLetter(next)) continue;
    let end = i + 1;
    while (end < html.length && end - i <= 12 && (isLetter(html.charCodeAt(end)) || /\d/.test(html[end]!)))
      end++;
    if (NOT_NESTING.has(html.slice(i + 1, end).toLowerCase())) continue;
    if (++depth > HTML_MAX_NESTING) return true;
  }
  return false;
}
