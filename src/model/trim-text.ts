/**
 * String trimming without regular expressions. `/[ \t]+\n/g` or `/\/+$/` looks harmless but retries its run
 * from every position of it: a body of a few hundred thousand spaces takes minutes. These take one pass.
 */

/** `text` without any number of `char` at its end (`trimTrailing("a//", "/")` is `"a"`). */
export function trimTrailing(text: string, char: string): string {
  let end = text.length;
  while (end > 0 && text[end - 1] === char) end--;
  return end === text.length ? text : text.slice(0, end);
}

const isBlank = (code: number) => code === 0x20 || code === 0x09;

/** Spaces and tabs removed from the end of every line (`\n` or `\r\n`), in one pass. */
export function trimLineEnds(text: string): string {
  let out = "";
  let lineStart = 0;
  for (;;) {
    const newline = text.indexOf("\n", lineStart);
    const lineEnd = newline === -1 ? text.length : newline;
    let end = lineEnd;
    if (newline !== -1 && end > lineStart && text.charCodeAt(end - 1) === 0x0d) end--;
    const breakStart = end;
    while (end > lineStart && isBlank(text.charCodeAt(end - 1))) end--;
    // The last line keeps its blanks: only what stands before a line break is a line's end here.
    if (newline === -1) return out + text.slice(lineStart);
    out += text.slice(lineStart, end) + text.slice(breakStart, newline + 1);
    lineStart = newline + 1;
  }
}
