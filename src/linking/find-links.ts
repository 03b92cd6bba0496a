import type { ItemKind, LinkRule, SourceId } from "../model/kinds.ts";
import { type CompiledLinkContext, compileLinkContext, type LinkContext } from "./context.ts";
import { issueBranchNumber, scanBareRefs, scanRepoRefs } from "./github.ts";
import { jiraKeyPattern, PROJECT_KEY, scanJiraKeys } from "./jira.ts";
import { addLink, type Link } from "./link-set.ts";
import { takeUrls } from "./urls.ts";

/** What linking reads of an item. Every field but `source`, `kind` and `text` may be missing. */
export interface LinkCandidate {
  source: SourceId;
  kind: ItemKind;
  /** The item's plain text (HTML already turned to text). */
  text: string;
  /** A pull request's or issue's title, an email's subject. */
  title?: string | null;
  /** Where the item lives; an issue or pull request address of a configured site links like one in the text. */
  url?: string | null;
  /** The head branch of a pull request, the ref of a deployment. */
  branch?: string | null;
  /** The `owner/name` the item lives in: a bare `#N` means an issue of it, when it is configured. */
  repo?: string | null;
  /** The task the source puts the item under: a Jira comment's issue, a review's pull request. */
  parentTaskKey?: string | null;
  /** The task the item itself is (a pull request item of `owner/repo#5`): it belongs to its own timeline. */
  ownTaskKey?: string | null;
}

/**
 * The tasks an item's own content names, one link per task with the strongest rule that found it
 * (source_parent > jira_url, github_url > jira_key, github_ref > branch_name > pull_request_title), in the
 * order they were found. Pure; pass a {@link CompiledLinkContext} (or the same context object every time) so
 * that the patterns are built once.
 *
 * Keys in the quoted part of an email (`> …`, "On Tue, … wrote:") link too: a reply that quotes a key is
 * about that task, and telling quoted text from new text in plain text is guesswork.
 */
export function findLinks(item: LinkCandidate, context: LinkContext | CompiledLinkContext): Link[] {
  const c = compileLinkContext(context);
  const links: Link[] = [];
  if (item.parentTaskKey?.trim()) addLink(links, c.toTaskKey(item.parentTaskKey), "source_parent");
  if (item.ownTaskKey?.trim()) addLink(links, c.toTaskKey(item.ownTaskKey), "source_parent");
  if (item.url) takeUrls(item.url, c, null, links);
  const repo = c.repoOf(item.repo);
  if (item.branch) {
    const branch = item.branch.trim();
    if (c.jiraKey !== null) scanJiraKeys(branch, c.jiraKey, "branch_name", links);
    const issue = repo === null ? null : issueBranchNumber(branch);
    if (issue !== null) addLink(links, `${repo}#${issue}`, "branch_name");
  }
  if (item.title) {
    // A pull request that names an issue in its title joins that issue's timeline: a convention, so weaker
    // than a key in the body. Other titles (an email's subject) are text like any other.
    scanText(item.title, c, repo, item.kind === "pull_request" ? "pull_request_title" : null, links);
  }
  scanText(item.text, c, repo, null, links);
  return links;
}

/** Links what free text names; `rule` overrides the per-pattern rules (for a pull request's title). */
function scanText(
  text: string,
  c: CompiledLinkContext,
  repo: string | null,
  rule: LinkRule | null,
  links: Link[],
): void {
  if (text.length === 0) return;
  const plain = takeUrls(text, c, rule, links);
  if (c.jiraKey !== null) scanJiraKeys(plain, c.jiraKey, rule ?? "jira_key", links);
  scanRepoRefs(plain, c, rule ?? "github_ref", links);
  if (repo !== null) scanBareRefs(plain, repo, rule ?? "github_ref", links);
}

/**
 * The links an item gets: its direct links ({@link findLinks}) when it has any; otherwise those of its thread,
 * with rule `email_thread` for email and `thread` for everything else (Slack and Teams replies). The caller
 * gives the direct links of the other items of the same thread (chat thread, email thread, In-Reply-To and
 * References chain) as `threadLinks`; their rules are not kept, the inherited link says where it came from.
 */
export function resolveLinks(
  item: LinkCandidate,
  context: LinkContext | CompiledLinkContext,
  threadLinks: readonly Link[],
): Link[] {
  const direct = findLinks(item, context);
  if (direct.length > 0 || threadLinks.length === 0) return direct;
  // The kind, not the source, says it: every source that carries email maps it to `email` items.
  const rule: LinkRule = item.kind === "email" ? "email_thread" : "thread";
  for (const link of threadLinks) addLink(direct, link.taskKey, rule);
  return direct;
}

let lastProjects = "";
let lastPattern: RegExp | null = null;

/**
 * The distinct issue keys of `projects` written in `text`, upper-cased, in order of appearance. Keys inside
 * web addresses are left out (whether an issue URL counts depends on its site, which only `findLinks`
 * knows). Keeps the pattern of the last project list it was given.
 */
export function extractJiraKeys(text: string, projects: readonly string[]): string[] {
  const id = projects.join(",").toUpperCase();
  if (id !== lastProjects) {
    const valid = projects.map((p) => p.trim()).filter((p) => PROJECT_KEY.test(p));
    lastPattern = valid.length > 0 ? jiraKeyPattern(valid) : null;
    lastProjects = id;
  }
  if (lastPattern === null) return [];
  const links: Link[] = [];
  scanJiraKeys(takeUrls(text, null, null, links), lastPattern, "jira_key", links);
  return links.map((l) => l.taskKey);
}
