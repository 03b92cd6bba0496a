/** What the product says about Jira. No SDK here: the core and the Worker read it. */
import type { SourceAbout } from "../../src/model/source-about.ts";
import { trimTrailing } from "../../src/model/trim-text.ts";
import { toCommaList } from "../kit/comma-list.ts";
import { JIRA_ENV_VARS } from "./config.ts";

export const jiraAbout = {
  id: "jira",
  label: "Jira",
  place: "on Jira",
  badgeColor: "#0b57d0",
  teamAccounts: true,
  envVars: JIRA_ENV_VARS,
  help: "issues, comments and history of JIRA_PROJECTS",
  /** Bare keys of the configured projects link (matched in capitals), and so do the site's issue URLs. */
  linkHints: (env) => ({
    jiraProjects: toCommaList(env.JIRA_PROJECTS).map((p) => p.toUpperCase()),
    jiraSiteUrls: env.JIRA_BASE_URL?.trim() ? [trimTrailing(env.JIRA_BASE_URL.trim(), "/")] : [],
  }),
} as const satisfies SourceAbout<"jira">;
