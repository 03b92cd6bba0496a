import type { LinkContext } from "../linking/index.ts";
import type { SourceAbout, SourceEnv } from "../model/source-about.ts";

/**
 * What the linker needs to know of the configured sources: each registered source's link hints (Jira's
 * project keys and site, GitHub's repositories and web root) from the contract's variables, put together.
 * The one place this is derived; the sources come from `listSources()` of the connector registry.
 */
export function toLinkContext(env: SourceEnv, sources: readonly SourceAbout[]): LinkContext {
  const context: { [K in keyof LinkContext]: string[] } = {
    jiraProjects: [],
    jiraSiteUrls: [],
    githubRepos: [],
    githubWebUrls: [],
  };
  for (const source of sources) {
    const hints = source.linkHints?.(env) ?? {};
    for (const key of Object.keys(context) as Array<keyof LinkContext>) {
      context[key].push(...(hints[key] ?? []));
    }
  }
  return context;
}
