import type { Db } from "../store/db.ts";
import { keepUpEmbeddedDatabase, type TableUpkeep } from "../store/embedded-upkeep.ts";
import { repeat } from "./repeat.ts";

/** How often `serve` on the embedded database looks for tables to vacuum or analyse. */
export const EMBEDDED_UPKEEP_MS = 10 * 60_000;

/**
 * Runs `keepUpEmbeddedDatabase` every `everyMs`, the first pass one interval after start so that a starting
 * server answers first; `stop` waits for a pass in hand.
 */
export function startEmbeddedUpkeep(
  db: Db,
  options: { everyMs?: number; onDone?: (done: TableUpkeep[]) => void; onError: (err: unknown) => void },
): { stop(): Promise<void> } {
  return repeat(
    async () => {
      const done = await keepUpEmbeddedDatabase(db);
      if (done.length > 0) options.onDone?.(done);
    },
    { everyMs: options.everyMs ?? EMBEDDED_UPKEEP_MS, atStart: false, onError: options.onError },
  );
}
