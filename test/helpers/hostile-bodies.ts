/**
 * Outsiders' text at its worst, each body about a megabyte: spaces, tabs, `@`s, `<` without `>`, nested
 * elements and brackets, one long word, mixed scripts, lines ending in blanks.
 */
const MB = 1_000_000;

export const HOSTILE_BODIES: Readonly<Record<string, string>> = {
  spaces: `Hi ${" ".repeat(MB)}x?`,
  tabs: "a\t".repeat(MB / 2),
  ats: "@".repeat(MB),
  "< without >": "<".repeat(MB),
  "nested elements": "<div>".repeat(MB / 5),
  "nested brackets": `${"[".repeat(MB / 2)}${"]".repeat(MB / 2)}`,
  "long word": "a".repeat(MB),
  "mixed scripts": "Ωמ漢字😀ab ".repeat(MB / 10),
  "blank line ends": "x  \n".repeat(MB / 4),
};
