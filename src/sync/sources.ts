import { CONNECTORS, type ConnectorSet, listConnectors } from "../../connectors/registry.ts";
import { ConfigError } from "../config.ts";
import type { SyncSource } from "./engine.ts";

/**
 * The sources to run: every configured one, or the named ones (each must be configured). Throws
 * `ConfigError` naming what to set.
 */
export function configureSources(
  env: Readonly<Record<string, string | undefined>>,
  only: readonly string[] = [],
  registry: ConnectorSet = CONNECTORS,
): SyncSource[] {
  const known = listConnectors(registry).map((c) => c.id);
  for (const name of only) {
    if (!known.includes(name)) {
      throw new ConfigError(`[threadline] unknown source "${name}": use one of ${known.join(", ")}`);
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
          `[threadline] [${connector.id}] is not configured: set ${connector.about.envVars.join(", ")}`,
        );
      }
      continue;
    }
    sources.push({ connector, settings });
  }
  return sources;
}
