/**
 * The `Authentication-Results` header (RFC 8601) read by a linear scan: no pattern backtracks over what a
 * sender wrote. https://www.rfc-editor.org/rfc/rfc8601#section-2.2
 *
 *   mx.google.com; dkim=pass header.i=@acme.example header.s=s1; spf=pass (google.com: …) smtp.mailfrom=dan@acme.example;
 *     dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=acme.example
 */

/** One method's result: `dkim=pass header.d=acme.example` → method `dkim`, result `pass`, its properties. */
export interface AuthResult {
  method: string;
  result: string;
  /** `ptype.property` (lower-cased) → value, e.g. `header.from`, `smtp.mailfrom`; the first of each kept. */
  props: Record<string, string>;
}

export interface AuthenticationResults {
  /** Who did the checks, lower-cased (`mx.google.com`). */
  authservId: string;
  results: AuthResult[];
}

/** More than any real header holds (Gmail's are a few hundred characters); the rest is not read. */
const MAX_LENGTH = 16_384;

/**
 * The header's `;`-separated parts, with comments (nested parentheses) dropped and quoted strings kept whole
 * (their quotes removed, `\` escapes read).
 */
function toParts(value: string): string[][] {
  const parts: string[][] = [];
  let tokens: string[] = [];
  let word = "";
  let depth = 0;
  let quoted = false;
  const endWord = () => {
    if (word !== "") tokens.push(word);
    word = "";
  };
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (quoted) {
      if (ch === "\\" && i + 1 < value.length) word += value[++i];
      else if (ch === '"') quoted = false;
      else word += ch;
    } else if (depth > 0) {
      if (ch === "\\") i++;
      else if (ch === "(") depth++;
      else if (ch === ")") depth--;
    } else if (ch === "(") {
      endWord();
      depth = 1;
    } else if (ch === '"') quoted = true;
    else if (ch === ";") {
      endWord();
      parts.push(tokens);
      tokens = [];
    } else if (ch === "=") {
      endWord();
      tokens.push("=");
    } else if (ch === " " || ch === "\t" || ch === "\r" || ch === "\n") endWord();
    else word += ch;
  }
  endWord();
  parts.push(tokens);
  return parts;
}

/** `method[/version] = result [reason = …] [ptype.property = value]…` from its tokens. */
function toResult(tokens: string[]): AuthResult | null {
  if (tokens.length < 3 || tokens[1] !== "=") return null;
  const method = tokens[0]!.split("/")[0]!.toLowerCase();
  const result = tokens[2]!.toLowerCase();
  if (method === "" || result === "=") return null;
  const props: Record<string, string> = {};
  for (let i = 3; i + 2 < tokens.length; i++) {
    if (tokens[i + 1] !== "=") continue;
    const key = tokens[i]!.toLowerCase();
    const value = tokens[i + 2]!;
    if (key !== "=" && value !== "=" && props[key] === undefined) props[key] = value;
    i += 2;
  }
  return { method, result, props };
}

/**
 * One header's value to its checks; null when it names no authserv-id. A part that is not `method=result`
 * (`none`, garbage) is left out, and so is what follows the first 16 KB.
 */
export function parseAuthenticationResults(value: string): AuthenticationResults | null {
  const [head, ...rest] = toParts(value.length > MAX_LENGTH ? value.slice(0, MAX_LENGTH) : value);
  const authservId = head?.[0]?.toLowerCase();
  if (!authservId || authservId === "=") return null;
  const results: AuthResult[] = [];
  for (const tokens of rest) {
    const r = toResult(tokens);
    if (r) results.push(r);
  }
  return { authservId, results };
}
