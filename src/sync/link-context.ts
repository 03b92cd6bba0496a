import { toCommaList } from "../../connectors/kit/comma-list.ts";
import type { LinkContext } from "../linking/index.ts";

const withoutSlash = (url: string) => url.replace(/\/+$/, "");

/**
 * The web address GitHub links use, from the API root: `https://api.github.com` → `https://github.com`;
 * GitHub Enterprise Server `https://ghe.example.com/api/v3` → `https://ghe.example.com`.
 */
export function toGithubWebUrl(apiUrl: string | undefined): string {
  if (!apiUrl) return "https://github.com";
  let url: URL;
  try {
    url = new URL(apiUrl);
  } catch {
    return "https://github.com";
  }
  if (url.hostname === "api.github.com") return "https://github.com";
  const path = withoutSlash(url.pathname).replace(/\/api(\/v3)?$/, "");
  if (url.hostname.startsWith("api.") && path === "") return `${url.protocol}//${url.host.slice(4)}`;
  return withoutSlash(`${url.protocol}//${url.host}${path}`);
}

/**
 * What the linker needs to know of the configured sources, from the contract's variables: the one place this
 * is derived. `JIRA_PROJECTS` keys are matched in capitals; sites and repositories as configured.
 */
export function toLinkContext(env: Readonly<Record<string, string | undefined>>): LinkContext {
  return {
    jiraProjects: toCommaList(env.JIRA_PROJECTS).map((p) => p.toUpperCase()),
    jiraSiteUrls: env.JIRA_BASE_URL?.trim() ? [withoutSlash(env.JIRA_BASE_URL.trim())] : [],
    githubRepos: toCommaList(env.GITHUB_REPOS),
    githubWebUrls: [toGithubWebUrl(env.GITHUB_API_URL?.trim() || undefined)],
  };
}
