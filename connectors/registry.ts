/**
 * Every source Threadline can read, and the one place that lists them. Adding one is one line here once its
 * folder exists (see docs/connectors.md):
 *
 *   import { jiraConnector } from "./jira/index.ts";
 *   export const CONNECTORS = defineRegistry({ jira: jiraConnector });
 *
 * `defineRegistry`'s type is what finds what a source forgot: a missing member of `Connector` (say `map`,
 * `webhook`, or a fact of its `about`), settings that `pull` does not accept, or a connector filed under
 * another source's name (its `id` and its `about.id` must equal its key).
 */
import { type SourceAbout, toSourceList } from "../src/model/source-about.ts";
import { githubConnector } from "./github/index.ts";
import { gmailConnector } from "./gmail/index.ts";
import { jiraConnector } from "./jira/index.ts";
import { slackConnector } from "./slack/index.ts";
import { teamsConnector } from "./teams/index.ts";
import type { Connector } from "./types.ts";

/** A registry: each connector under its own id, which `Connector<Id>` ties to its `id` and `about.id`. */
export type ConnectorRegistry<Ids extends string> = { readonly [Id in Ids]: Connector<Id> };

/** Checks a registry at compile time and keeps its literal type (the order of its keys is the sources' order). */
export function defineRegistry<const R extends { readonly [Id in keyof R]: Connector<Id & string> }>(
  registry: R,
): R {
  return registry;
}

export const CONNECTORS = defineRegistry({
  jira: jiraConnector,
  github: githubConnector,
  gmail: gmailConnector,
  teams: teamsConnector,
  slack: slackConnector,
});

/** The sources this build of the product reads: the union the registry's keys make. */
export type RegisteredSourceId = keyof typeof CONNECTORS;

/** The registry as the engine and the entry points read it: any set of sources (tests pass their own). */
export type ConnectorSet = { readonly [id: string]: Connector | undefined };

/** The registered connectors, in the registry's order. */
export function listConnectors(registry: ConnectorSet = CONNECTORS): Connector[] {
  return Object.values(registry).filter((c): c is Connector => c !== undefined);
}

const aboutLists = new WeakMap<ConnectorSet, readonly SourceAbout[]>();

/**
 * What the product says about each registered source, in the registry's order: what the core takes (the
 * rules' settings, the web's and the digest's deps, the linker's hints, the CLI's help). Checked once per
 * registry.
 */
export function listSources(registry: ConnectorSet = CONNECTORS): readonly SourceAbout[] {
  let list = aboutLists.get(registry);
  if (!list) {
    list = toSourceList(listConnectors(registry).map((c) => c.about));
    aboutLists.set(registry, list);
  }
  return list;
}
