import type { ConnectorSet } from "../../connectors/registry.ts";
import type { Connector } from "../../connectors/types.ts";
import type { LinkContext } from "../../src/linking/index.ts";
import type { Db } from "../../src/store/db.ts";
import { type RunSyncOptions, runSync, type SyncReport, type SyncSource } from "../../src/sync/engine.ts";
import { createScriptedConnector, createScriptedSource, type ScriptedSource } from "./scripted-connector.ts";
import { type Dataset, generateDataset } from "./sync-dataset.ts";

/** The clock of every test run: bookkeeping times are then equal from run to run. */
export const FIXED_NOW = new Date("2026-03-02T08:00:00.000Z");

export const LINK_CONTEXT: LinkContext = {
  jiraProjects: ["PROJ", "OPS"],
  jiraSiteUrls: ["https://example.test"],
  githubRepos: [],
  githubWebUrls: ["https://github.com"],
};

export interface ScriptedWorkspace {
  dataset: Dataset;
  jira: ScriptedSource;
  slack: ScriptedSource;
  gmail: ScriptedSource;
  sources: SyncSource[];
  /** The same connectors as a registry, for relink and the CLI entries. */
  connectors: {
    jira: Connector<"jira", object>;
    slack: Connector<"slack", object>;
    gmail: Connector<"gmail", object>;
  };
}

/** The generated data set behind scripted Jira, Slack and Gmail connectors. */
export function scriptedWorkspace(
  options: { seed?: number; pageSize?: number; dataset?: Dataset } = {},
): ScriptedWorkspace {
  const dataset = options.dataset ?? generateDataset({ seed: options.seed ?? 7 });
  const pageSize = options.pageSize ?? 15;
  const clone = (logs: Dataset[keyof Dataset]) =>
    Object.fromEntries(Object.entries(logs).map(([scope, log]) => [scope, [...log]]));
  const jira = createScriptedSource(clone(dataset.jira), pageSize);
  const slack = createScriptedSource(clone(dataset.slack), pageSize);
  const gmail = createScriptedSource(clone(dataset.gmail), pageSize);
  const connectors = {
    jira: createScriptedConnector("jira", jira),
    slack: createScriptedConnector("slack", slack),
    gmail: createScriptedConnector("gmail", gmail),
  } satisfies ConnectorSet;
  return {
    dataset,
    jira,
    slack,
    gmail,
    sources: Object.values(connectors).map((connector) => ({ connector, settings: {} })),
    connectors,
  };
}

/** `runSync` as the tests call it: fixed clock, instant retries, the test link context. */
export function syncOnce(
  db: Db,
  sources: readonly SyncSource[],
  options: Partial<RunSyncOptions> = {},
): Promise<SyncReport> {
  return runSync({
    db,
    sources,
    mode: "backfill",
    now: () => FIXED_NOW,
    linkContext: LINK_CONTEXT,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    sleep: async () => {},
    ...options,
  });
}
