/**
 * Every source Threadline can read. Adding one is one line here once its folder exists:
 *
 *   import { jiraConnector } from "./jira/index.ts";
 *   export const CONNECTORS = { jira: jiraConnector } satisfies ConnectorRegistry;
 *
 * The `satisfies` check is what finds what a source forgot: a missing member of `Connector` (say `map` or
 * `webhook`), settings that `pull` does not accept, or a connector filed under another source's name (its
 * `id` must equal its key).
 */
import { SOURCES, type SourceId } from "../src/model/kinds.ts";
import { githubConnector } from "./github/index.ts";
import { gmailConnector } from "./gmail/index.ts";
import { jiraConnector } from "./jira/index.ts";
import { slackConnector } from "./slack/index.ts";
import { teamsConnector } from "./teams/index.ts";
import type { Connector } from "./types.ts";

/** One connector per source, each under its own id. */
export type ConnectorRegistry = { readonly [Id in SourceId]?: Connector<Id> };

export const CONNECTORS = {
  jira: jiraConnector,
  github: githubConnector,
  gmail: gmailConnector,
  teams: teamsConnector,
  slack: slackConnector,
} satisfies ConnectorRegistry;

/** The sources with no connector yet; `never` once all five are registered. */
export type SourcesWithoutConnector = Exclude<SourceId, keyof typeof CONNECTORS>;

/** The registry as the engine reads it: any subset of sources (tests pass their own). */
export type ConnectorSet = ConnectorRegistry;

/** The registered connectors, in the contract's order of sources. */
export function listConnectors(registry: ConnectorSet = CONNECTORS): Connector[] {
  return SOURCES.map((id) => registry[id]).filter((c): c is Connector => c !== undefined);
}
