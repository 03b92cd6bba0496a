/**
 * The GitHub connector: github.com and GitHub Enterprise Server (GITHUB_API_URL), through @octokit/rest with
 * its retry and throttling plugins, REST for the repository-wide comment lists and GraphQL for issues, pull
 * requests with their reviews, and deployments. See README.md in this folder for the token, the limits and
 * what a pass costs.
 */

import { defineConnector } from "../types.ts";
import { githubAbout } from "./about.ts";
import { githubSettingsFromEnv } from "./config.ts";
import { mapGithubRecord } from "./map.ts";
import { githubWebhook } from "./webhook.ts";
import { GITHUB_WRITE_KINDS } from "./write-kinds.ts";

export type { GithubSettings } from "./config.ts";

// The SDK and the pull load on first use (dynamic imports below), so a process that only reads what the
// product says of a source (the web view, the digest, relink) never loads them.

export const githubConnector = defineConnector({
  id: "github",
  about: githubAbout,
  fromEnv: githubSettingsFromEnv,
  listScopes: async (settings, request) =>
    (await import("./pull.ts")).listGithubRepositories(settings, request),
  async *pull(request) {
    yield* (await import("./pull.ts")).pullGithubRepository(request);
  },
  map: mapGithubRecord,
  webhook: githubWebhook,
  actions: {
    kinds: GITHUB_WRITE_KINDS,
    access: async (request) => (await import("./actions.ts")).githubAccess(request),
    find: async (request) => (await import("./actions.ts")).findGithubWrite(request),
    write: async (request) => (await import("./actions.ts")).writeGithub(request),
  },
});
