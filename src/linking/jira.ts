import type { LinkRule } from "../model/kinds.ts";
import { addLink, type Link } from "./link-set.ts";

/** Escapes a literal for use inside a RegExp. */
export function escapeRegExp(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** What a Jira project key looks like (`FAL`, `OPS2`, `DATA_ENG`). */
export const PROJECT_KEY = /^[A-Za-z][A-Za-z0-9_]*$/;

/**
 * Bare issue keys of the given projects, case-insensitive (`FAL-12`, `fal-12`, `[FAL-12]`, `FAL-12:`,
 * `feature/FAL-12-login`, `fal-12_fix`). Group 1 is the project, group 2 the number.
 *
 * - Before: not a letter or digit (`XFAL-12`), nor `x.` or `x@` (host names, email addresses). `/`, `-`
 *   and `_` are allowed because branch names put keys there (`bugfix/FAL-12`, `feature_FAL-12`).
 * - The number has no leading zero (Jira never writes one) and at most 9 digits.
 * - After: not a letter or digit (`FAL-123` is never `FAL-12`; `FAL-12a` reads as a part or version code, not
 *   an issue), not `@` (`fal-12@acme.com`), not `-digit` (`OPS-2024-05` is a date-like code), not `.x`
 *   (`fal-12.acme.com`, `FAL-12.5`). `_` and `-letter` are allowed for branch names (`FAL-12_fix`,
 *   `FAL-12-login`).
 */
export function jiraKeyPattern(projects: readonly string[]): RegExp {
  // Longest first, so that `FALX` is tried before `FAL` (the lookarounds would reject the shorter anyway).
  const alternatives = [...new Set(projects.map((p) => p.toUpperCase()))]
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp)
    .join("|");
  return new RegExp(
    `(?<![A-Za-z0-9]|[A-Za-z0-9][.@])(${alternatives})-([1-9]\\d{0,8})(?![A-Za-z0-9@]|-\\d|\\.[A-Za-z0-9])`,
    "gi",
  );
}

/** Links each key `pattern` (from {@link jiraKeyPattern}) finds in `text`, upper-cased, with `rule`. */
export function scanJiraKeys(text: string, pattern: RegExp, rule: LinkRule, links: Link[]): void {
  if (!text.includes("-")) return; // most texts hold no key at all
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    addLink(links, `${m[1]!.toUpperCase()}-${m[2]}`, rule);
  }
}

/**
 * Where an issue URL of a Jira site names its issue, in the part after the site's base: `/browse/FAL-12`,
 * `/projects/FAL/issues/FAL-12`, a board's `?selectedIssue=FAL-12`, a service desk portal's `/portal/2/FAL-12`.
 */
export const JIRA_URL_KEY =
  /(?:\/browse\/|\/issues\/|[?&]selectedIssue=|\/portal\/\d+\/)([A-Za-z][A-Za-z0-9_]*-[1-9]\d{0,8})(?![A-Za-z0-9])/gi;
