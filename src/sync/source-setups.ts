import { CONNECTORS, type ConnectorSet, listConnectors } from "../../connectors/registry.ts";
import type { SourceSetup } from "../model/source-status.ts";

/**
 * How each registered source is set up in this environment: enabled, not configured, or configured wrongly
 * (the message names the variable). Unlike `configureSources`, one wrong source does not hide the others.
 */
export function toSourceSetups(
  env: Readonly<Record<string, string | undefined>>,
  registry: ConnectorSet = CONNECTORS,
): SourceSetup[] {
  return listConnectors(registry).map((connector) => {
    const envVars = connector.about.envVars;
    try {
      return { id: connector.id, enabled: connector.fromEnv(env) !== null, configError: null, envVars };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return { id: connector.id, enabled: false, configError: message, envVars };
    }
  });
}
