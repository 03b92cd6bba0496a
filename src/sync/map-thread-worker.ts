/**
 * The thread that maps pages (see `map-thread.ts`): for each page it is sent, each record's `Mapped`, or why
 * the connector could not read it, one message per record so the other side can time each one.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { ConnectorSet } from "../../connectors/registry.ts";
import type { Mapped, RawRecord } from "../../connectors/types.ts";
import { withinBudget } from "./to-page-write.ts";

export interface MapRequest {
  page: number;
  source: string;
  records: RawRecord[];
}

export type MapAnswer =
  | { ready: true }
  | { page: number; index: number; mapped: Mapped }
  | { page: number; index: number; error: string };

/** What the thread is started with: the module whose `CONNECTORS` it maps with (the product's registry). */
export interface MapThreadData {
  registry?: string;
}

const port = parentPort!;
const { registry: registryModule } = (workerData ?? {}) as MapThreadData;
const registry: ConnectorSet = (
  await import(registryModule ?? new URL("../../connectors/registry.ts", import.meta.url).href)
).CONNECTORS;

port.on("message", ({ page, source, records }: MapRequest) => {
  const connector = registry[source];
  for (const [index, record] of records.entries()) {
    let answer: MapAnswer;
    try {
      if (!connector) throw new Error(`no connector "${source}" in this build`);
      const mapped = connector.map(record);
      answer = { page, index, mapped: { ...mapped, items: (mapped.items ?? []).map(withinBudget) } };
    } catch (err) {
      answer = { page, index, error: err instanceof Error ? err.message : String(err) };
    }
    port.postMessage(answer);
  }
});
port.postMessage({ ready: true } satisfies MapAnswer);
