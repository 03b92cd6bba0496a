import { CONNECTORS, type ConnectorSet, listConnectors } from "../../connectors/registry.ts";
import { ConfigError } from "../config.ts";
import { SOURCES, type SourceId } from "../model/kinds.ts";
import type { SyncSource } from "./engine.ts";

const isSourceId = (name: string): name is SourceId => (SOURCES as readonly string[]).includes(name);

/**
 * The sources to run: every configured one, or the named ones (each must be configured). Throws
 * `ConfigError` naming what to set.
 */
export function configureSources(
  env: Readonly<Record<string, string | undefined>>,
  only: readonly string[] = [],
  registry: ConnectorSet = CONNECTORS,
): SyncSource[] {
  for (const name of only) {
    if (!isSourceId(name)) {
      throw new ConfigError(`[threadline] unknown source "${name}": use one of ${SOURCES.join(", ")}`);
    }
  }
  const wanted = new Set(only);
  const sources: SyncSource[] = [];
  for (const connector of listConnectors(registry)) {
    if (wanted.size > 0 && !wanted.has(connector.id)) continue;
    const settings = connector.fromEnv(env);
    if (settings === null) {
      if (wanted.has(connector.id)) {
        throw new ConfigError(
          `[threadline] [${connector.id}] is not configured: set ${connector.envVars.join(", ")}`,
        );
      }
      continue;
    }
    sources.push({ connector, settings });
  }
  for (const name of wanted) {
    if (!sources.some((s) => s.connector.id === name)) {
      throw new ConfigError(`[threadline] [${name}] has no connector in this version of Threadline yet`);
    }
  }
  return sources;
}
