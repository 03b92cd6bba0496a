/**
 * The inbox's search box: free words plus prefixes, as in `kind:stale person:ana source:slack project:FAL
 * is:muted invoice`. Pure: parsing and printing only, so the page, the saved searches and the tests agree.
 */
import { FLAG_KINDS, type FlagKind, type SourceId } from "../model/kinds.ts";
import type { SourceAbout } from "../model/source-about.ts";

/** The task states a search can ask for instead of the default (muted and done tasks hidden). */
export const IS_VALUES = ["muted", "done", "snoozed"] as const;
export type IsValue = (typeof IS_VALUES)[number];

export interface InboxSearch {
  kinds: FlagKind[];
  /** Names, emails or person ids; a task matches when its flag's owner or its assignee matches any. */
  people: string[];
  sources: SourceId[];
  /** Jira project keys (`FAL`) or GitHub repositories (`acme/portal`). */
  projects: string[];
  is: IsValue[];
  /** What is left: words for full-text search. */
  text: string;
  /** Prefixes that were not understood, shown to the user rather than silently dropped. */
  problems: string[];
}

const PREFIX = /^(kind|person|source|project|is):(.*)$/i;

const isSpace = (ch: string) => /\s/.test(ch);

/**
 * Splits on spaces, keeping `"quoted words"` (with or without a `prefix:`) together. By hand, so each
 * character is read once whatever is typed.
 */
function tokens(input: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < input.length) {
    while (i < input.length && isSpace(input[i]!)) i++;
    if (i >= input.length) break;
    const start = i;
    while (i < input.length && !isSpace(input[i]!) && input[i] !== '"') i++;
    const close = input[i] === '"' ? input.indexOf('"', i + 1) : -1;
    if (close !== -1) {
      const prefix = input.slice(start, i);
      const quoted = input.slice(i + 1, close);
      if (prefix === "") out.push(`"${quoted}"`);
      else if (prefix.endsWith(":")) out.push(`${prefix}${quoted}`);
      // `abc"de f"` is no prefixed phrase: its words, as typed.
      else
        out.push(
          ...input
            .slice(start, close + 1)
            .split(/\s+/)
            .filter(Boolean),
        );
      i = close + 1;
      continue;
    }
    while (i < input.length && !isSpace(input[i]!)) i++;
    out.push(input.slice(start, i));
  }
  return out;
}

const isKind = (v: string): v is FlagKind => (FLAG_KINDS as readonly string[]).includes(v);
const isIs = (v: string): v is IsValue => (IS_VALUES as readonly string[]).includes(v);

/**
 * Reads a search box. Unknown values of a known prefix become `problems`; unknown prefixes stay text.
 * `source:` takes the ids of the registered `sources`.
 */
export function parseInboxSearch(input: string, sources: readonly SourceAbout[]): InboxSearch {
  const sourceIds = sources.map((s) => s.id);
  const search: InboxSearch = {
    kinds: [],
    people: [],
    sources: [],
    projects: [],
    is: [],
    text: "",
    problems: [],
  };
  const words: string[] = [];
  for (const token of tokens(input.slice(0, 500))) {
    const m = PREFIX.exec(token);
    if (!m) {
      words.push(token);
      continue;
    }
    const prefix = m[1]!.toLowerCase();
    const value = m[2]!.trim();
    if (value === "") {
      search.problems.push(`${prefix}: needs a value`);
      continue;
    }
    const lower = value.toLowerCase();
    if (prefix === "kind") {
      const kind = lower.replace(/-/g, "_");
      if (isKind(kind)) search.kinds.push(kind);
      else search.problems.push(`kind:${value} is not one of ${FLAG_KINDS.join(", ")}`);
    } else if (prefix === "source") {
      if (sourceIds.includes(lower)) search.sources.push(lower);
      else search.problems.push(`source:${value} is not one of ${sourceIds.join(", ")}`);
    } else if (prefix === "is") {
      if (isIs(lower)) search.is.push(lower);
      else search.problems.push(`is:${value} is not one of ${IS_VALUES.join(", ")}`);
    } else if (prefix === "person") search.people.push(value);
    else search.projects.push(value);
  }
  search.text = words.join(" ").trim();
  return search;
}

const quoted = (v: string) => (/\s/.test(v) ? `"${v}"` : v);

/** The search box text of a search: `parseInboxSearch(toSearchText(s))` gives `s` back (without problems). */
export function toSearchText(search: Omit<InboxSearch, "problems">): string {
  return [
    ...search.kinds.map((v) => `kind:${v}`),
    ...search.people.map((v) => `person:${quoted(v)}`),
    ...search.sources.map((v) => `source:${v}`),
    ...search.projects.map((v) => `project:${quoted(v)}`),
    ...search.is.map((v) => `is:${v}`),
    search.text,
  ]
    .filter((v) => v !== "")
    .join(" ");
}

/** The search with one prefix value added or removed, for the filter links beside the list. */
export function toggleFilter<K extends "kinds" | "sources">(
  search: InboxSearch,
  key: K,
  value: InboxSearch[K][number],
): InboxSearch {
  const list = search[key] as string[];
  const next = list.includes(value) ? list.filter((v) => v !== value) : [...list, value];
  return { ...search, [key]: next };
}
