import { trimTrailing } from "../model/trim-text.ts";
import { escapeRegExp, jiraKeyPattern, PROJECT_KEY } from "./jira.ts";

/** What linking needs to know of the configured sources. Treated as immutable once it has been used. */
export interface LinkContext {
  /** Configured Jira project keys (`["FAL", "OPS"]`); bare keys of other projects never link. */
  jiraProjects: readonly string[];
  /** Jira sites (`https://acme.atlassian.net`, a Data Center base with its context path); their issue URLs link. */
  jiraSiteUrls: readonly string[];
  /** Configured repositories as `owner/name`, matched case-insensitively; links use this casing. */
  githubRepos: readonly string[];
  /** GitHub web roots (`https://github.com`, a GitHub Enterprise Server host); their issue and PR URLs link. */
  githubWebUrls: readonly string[];
}

const REPO_NAME = /^[\w.-]+\/[\w.-]+$/;
const GITHUB_TASK_KEY = /^([\w.-]+\/[\w.-]+)#(\d+)$/;
const JIRA_TASK_KEY = /^[A-Za-z][A-Za-z0-9_]*-\d+$/;

/** `https://www.Acme.atlassian.net/jira/` → `acme.atlassian.net/jira`: how web addresses are compared. */
export function toSiteBase(url: string): string {
  return trimTrailing(
    url
      .trim()
      .toLowerCase()
      .replace(/^[a-z][a-z0-9+.-]*:\/\//, "")
      .replace(/^www\./, ""),
    "/",
  );
}

/**
 * A {@link LinkContext} with its patterns built, to reuse across many items (build it once per sync, not per
 * item). Make one with {@link compileLinkContext}.
 */
export class CompiledLinkContext {
  /** The context it was built from. */
  readonly context: LinkContext;
  /** Bare Jira keys of the configured projects; null when there are none. Global: reset `lastIndex` before use. */
  readonly jiraKey: RegExp | null;
  /** `owner/repo#N` of the configured repositories; null when there are none. Global. */
  readonly repoRef: RegExp | null;
  /** Lower-cased `owner/name` → the configured spelling. */
  readonly repos: ReadonlyMap<string, string>;
  /** Jira sites and GitHub roots as {@link toSiteBase} writes them. */
  readonly jiraSites: readonly string[];
  readonly githubSites: readonly string[];

  constructor(context: LinkContext) {
    this.context = context;
    // Entries that cannot be keys or repositories are skipped rather than thrown on: configuration is
    // validated at the entry points, and a stray value must not stop every item from linking.
    const projects = context.jiraProjects.map((p) => p.trim()).filter((p) => PROJECT_KEY.test(p));
    this.jiraKey = projects.length > 0 ? jiraKeyPattern(projects) : null;
    const repos = new Map<string, string>();
    for (const raw of context.githubRepos) {
      const repo = raw.trim();
      if (REPO_NAME.test(repo) && !repos.has(repo.toLowerCase())) repos.set(repo.toLowerCase(), repo);
    }
    this.repos = repos;
    this.repoRef =
      repos.size > 0
        ? new RegExp(
            // Not preceded by what would make it part of a path or a longer name (`x/acme/web#1`).
            `(?<![\\w./-])(${[...repos.keys()].map(escapeRegExp).join("|")})#([1-9]\\d{0,6})(?!\\w)`,
            "gi",
          )
        : null;
    this.jiraSites = context.jiraSiteUrls.map(toSiteBase).filter(Boolean);
    this.githubSites = context.githubWebUrls.map(toSiteBase).filter(Boolean);
  }

  /** The configured spelling of a repository, or null when it is not configured. */
  repoOf(repo: string | null | undefined): string | null {
    return repo ? (this.repos.get(repo.trim().toLowerCase()) ?? null) : null;
  }

  /**
   * A task key as the timeline stores it: Jira keys in capitals, configured repositories in their configured
   * casing; anything else as given.
   */
  toTaskKey(key: string): string {
    const k = key.trim();
    const gh = GITHUB_TASK_KEY.exec(k);
    if (gh) {
      const repo = this.repoOf(gh[1]);
      return repo ? `${repo}#${Number(gh[2])}` : k;
    }
    return JIRA_TASK_KEY.test(k) ? k.toUpperCase() : k;
  }
}

const compiled = new WeakMap<LinkContext, CompiledLinkContext>();

/**
 * Builds the patterns of a context once. `findLinks` and `resolveLinks` accept either form; given a plain
 * context they compile it on first use and keep it for as long as the context object lives.
 */
export function compileLinkContext(context: LinkContext | CompiledLinkContext): CompiledLinkContext {
  if (context instanceof CompiledLinkContext) return context;
  let c = compiled.get(context);
  if (!c) {
    c = new CompiledLinkContext(context);
    compiled.set(context, c);
  }
  return c;
}
