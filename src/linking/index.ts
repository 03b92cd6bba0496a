/**
 * Linking: which task(s) an item belongs to, from what the item says (Jira keys and issue URLs, GitHub
 * references and URLs, branch names, pull request titles), what its source says (a comment's issue) and,
 * failing those, its thread. Pure: no I/O, no clock, no environment. Task keys are `PROJ-123` (capitals) and
 * `owner/repo#N` (the configured spelling of the repository).
 */
export { CompiledLinkContext, compileLinkContext, type LinkContext } from "./context.ts";
export { extractJiraKeys, findLinks, type LinkCandidate, resolveLinks } from "./find-links.ts";
export { isStrongerRule, type Link } from "./link-set.ts";
