import type { LinkRule } from "../model/kinds.ts";
import type { CompiledLinkContext } from "./context.ts";
import { addLink, type Link } from "./link-set.ts";

/**
 * An issue or pull request page after the site's root: `/owner/repo/issues/12`, `/pull/12`, `/pull/12/files`,
 * with any query or `#issuecomment-…` fragment after it. Matched on the lower-cased address.
 */
const GITHUB_URL_PATH = /^\/([\w.-]+)\/([\w.-]+)\/(?:issues|pulls?)\/([1-9]\d{0,6})(?![\w-])/;

/** Links the issue or pull request of a GitHub page address (`path`: after the site's root), if configured. */
export function linkGithubPath(path: string, c: CompiledLinkContext, rule: LinkRule, links: Link[]): void {
  const m = GITHUB_URL_PATH.exec(path);
  if (!m) return;
  const repo = c.repos.get(`${m[1]}/${m[2]}`);
  if (repo) addLink(links, `${repo}#${m[3]}`, rule);
}

/** Links each `owner/repo#N` of a configured repository in `text`, in the configured casing. */
export function scanRepoRefs(text: string, c: CompiledLinkContext, rule: LinkRule, links: Link[]): void {
  const pattern = c.repoRef;
  if (pattern === null || !text.includes("#")) return;
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    const repo = c.repos.get(m[1]!.toLowerCase());
    if (repo) addLink(links, `${repo}#${m[2]}`, rule);
  }
}

/**
 * A bare `#N` as GitHub autolinks it: not after a letter, digit or `_` (`C#1`, `other/repo#1`), `&` (`&#39;`),
 * `#` or `/`; no leading zero; at most 7 digits; not followed by a letter or digit (`#12a`, `#123456789`).
 */
const BARE_REF = /(?<![\w&#/\\])#([1-9]\d{0,6})(?!\w)/g;

/** The text just before a `#N` that makes it a colour in style text (`color: #123456`, `border: 1px solid #333`). */
const CSS_BEFORE = /(?:colou?r|background|border(?:-[a-z]+)*|fill|stroke|outline|shadow)\s*:[^:;{}"'\n]*$/i;
/**
 * The text just before a `#N` that makes it a rank, not an issue (`we're #1`, `ranked #3`). Narrow on purpose:
 * `issue number #12` and `this is #12` are references.
 */
const RANK_BEFORE = /\b(?:we['’]re|we are|you['’]re|they['’]re|ranked|rated)\s+$/i;

/** Links each bare `#N` in `text` to `repo` (the configured repository the item lives in). */
export function scanBareRefs(text: string, repo: string, rule: LinkRule, links: Link[]): void {
  if (!text.includes("#")) return;
  BARE_REF.lastIndex = 0;
  for (let m = BARE_REF.exec(text); m !== null; m = BARE_REF.exec(text)) {
    // Only the few characters before a match are read, so a long text costs no more than a short one.
    const before = text.slice(Math.max(0, m.index - 60), m.index);
    if (CSS_BEFORE.test(before) || RANK_BEFORE.test(before)) continue;
    addLink(links, `${repo}#${m[1]}`, rule);
  }
}

/**
 * The issue number of a branch GitHub's "Create a branch" made for an issue: `12-fix-login` → 12. Only a number
 * at the very start followed by `-` and a word; `2024-05-release` and `2024-05-01-hotfix` are dates, not issues.
 */
const ISSUE_BRANCH = /^(?:refs\/heads\/)?([1-9]\d{0,6})-(?!\d{1,2}(?:-|$))[A-Za-z0-9]/;

export function issueBranchNumber(branch: string): string | null {
  return ISSUE_BRANCH.exec(branch)?.[1] ?? null;
}
