import type { LinkRule } from "../model/kinds.ts";

/** A task an item belongs to, and the rule that decided it. */
export interface Link {
  taskKey: string;
  rule: LinkRule;
}

/**
 * How sure each rule is; lower is stronger. A person's decision outranks everything; what the source itself
 * says (a comment's issue) outranks what the text says; a full URL is unambiguous where a bare key or `#N`
 * might be a mention in passing; a branch or a PR title is a convention; a thread only lends its links.
 */
const RULE_RANK: Record<LinkRule, number> = {
  manual: 0,
  source_parent: 1,
  jira_url: 2,
  github_url: 2,
  jira_key: 3,
  github_ref: 3,
  branch_name: 4,
  pull_request_title: 5,
  thread: 6,
  email_thread: 6,
};

/** True when `a` is a stronger reason to link than `b`. */
export function isStrongerRule(a: LinkRule, b: LinkRule): boolean {
  return RULE_RANK[a] < RULE_RANK[b];
}

/**
 * Adds a link, keeping one link per task key with the strongest rule. A linear scan: an item names a handful
 * of tasks, and an array costs less than a Map per item.
 */
export function addLink(links: Link[], taskKey: string, rule: LinkRule): void {
  for (const link of links) {
    if (link.taskKey === taskKey) {
      if (isStrongerRule(rule, link.rule)) link.rule = rule;
      return;
    }
  }
  links.push({ taskKey, rule });
}
