import type { LinkRule } from "../model/kinds.ts";
import type { CompiledLinkContext } from "./context.ts";
import { linkGithubPath } from "./github.ts";
import { JIRA_URL_KEY } from "./jira.ts";
import { addLink, type Link } from "./link-set.ts";

/**
 * A web address in free text: with a scheme, starting `www.`, or a bare host name followed by a path
 * (`acme.atlassian.net/browse/FAL-12`). It ends at white space and at the characters that close it in
 * markdown, HTML, Slack (`<url|label>`) and prose.
 */
const URL_IN_TEXT =
  /(?:\bhttps?:\/\/|\bwww\.|(?<![\w@.\-/])(?:[a-z0-9-]+\.)+[a-z]{2,24}(?=\/))[^\s<>"'`|()[\]{}]*/gi;

/** Every address has a `/` or starts `www.`: a cheap test before the pattern runs. */
const mayHoldUrl = (text: string) => text.includes("/") || text.includes("www.");

/** Where the host starts in a lower-cased address: after the scheme and a `www.`. */
function hostStart(lower: string): number {
  const start = lower.startsWith("https://") ? 8 : lower.startsWith("http://") ? 7 : 0;
  return lower.startsWith("www.", start) ? start + 4 : start;
}

/** The rest of `lower` after `base` when the address is on that site (`base` ends at a path boundary). */
function pathOnSite(lower: string, host: number, base: string): string | null {
  if (!lower.startsWith(base, host)) return null;
  const next = lower.charCodeAt(host + base.length);
  // end, "/", "?", "#"
  if (Number.isNaN(next) || next === 47 || next === 63 || next === 35) return lower.slice(host + base.length);
  return null;
}

/**
 * Links the task an address points at: an issue of a configured Jira site (any project: an issue URL of our
 * own site proves the key is real), or an issue or pull request of a configured repository on a configured
 * GitHub site. Addresses of other sites link nothing. `rule` overrides `jira_url`/`github_url`.
 */
export function linkUrl(url: string, c: CompiledLinkContext, rule: LinkRule | null, links: Link[]): void {
  const lower = url.toLowerCase();
  const host = hostStart(lower);
  for (const site of c.jiraSites) {
    const path = pathOnSite(lower, host, site);
    if (path === null) continue;
    JIRA_URL_KEY.lastIndex = 0;
    for (let m = JIRA_URL_KEY.exec(path); m !== null; m = JIRA_URL_KEY.exec(path)) {
      addLink(links, m[1]!.toUpperCase(), rule ?? "jira_url");
    }
    return;
  }
  for (const site of c.githubSites) {
    const path = pathOnSite(lower, host, site);
    if (path === null) continue;
    linkGithubPath(path, c, rule ?? "github_url", links);
    return;
  }
}

/**
 * Links the addresses in `text` (when `c` is given) and returns the text with each address blanked, so that
 * the key and `#N` patterns never read inside one: `other.atlassian.net/browse/FAL-12` and
 * `example.com/page#12` name nothing. Returns `text` itself when it holds no address.
 */
export function takeUrls(
  text: string,
  c: CompiledLinkContext | null,
  rule: LinkRule | null,
  links: Link[],
): string {
  if (!mayHoldUrl(text)) return text;
  URL_IN_TEXT.lastIndex = 0;
  let m = URL_IN_TEXT.exec(text);
  if (m === null) return text;
  let rest = "";
  let from = 0;
  for (; m !== null; m = URL_IN_TEXT.exec(text)) {
    if (c !== null) linkUrl(m[0], c, rule, links);
    rest += `${text.slice(from, m.index)} `;
    from = m.index + m[0].length;
  }
  return rest + text.slice(from);
}
