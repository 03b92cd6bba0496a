/** What the product says about GitHub. No SDK here: the core and the Worker read it. */
import type { SourceAbout } from "../../src/model/source-about.ts";
import { trimTrailing } from "../../src/model/trim-text.ts";
import { toCommaList } from "../kit/comma-list.ts";
import { GITHUB_ENV_VARS, toGithubWebUrl } from "./config.ts";

/** The web root of `GITHUB_API_URL`; github.com when it is unset or unreadable (config reports a bad one). */
function webUrlOf(apiUrl: string | undefined): string {
  const url = apiUrl?.trim();
  return url && URL.canParse(url) ? trimTrailing(toGithubWebUrl(url), "/") : "https://github.com";
}

export const githubAbout = {
  id: "github",
  label: "GitHub",
  place: "on GitHub",
  badgeColor: "#24292f",
  teamAccounts: true,
  envVars: GITHUB_ENV_VARS,
  help: "issues, pull requests, reviews and deployments of GITHUB_REPOS",
  /** `owner/repo#N` of the configured repositories links, and so do issue and pull request URLs on its web root. */
  linkHints: (env) => ({
    githubRepos: toCommaList(env.GITHUB_REPOS),
    githubWebUrls: [webUrlOf(env.GITHUB_API_URL)],
  }),
} as const satisfies SourceAbout<"github">;
