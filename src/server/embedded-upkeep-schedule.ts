import type { Db } from "../store/db.ts";
import { keepUpEmbeddedDatabase, type TableUpkeep } from "../store/embedded-upkeep.ts";

/** How often `serve` on the embedded database looks for tables to vacuum or analyse. */
export const EMBEDDED_UPKEEP_MS = 10 * 60_000;

/**
 * Runs `keepUpEmbeddedDatabase` every `everyMs` (the first pass one interval after start, so a starting server
 * answers first); `stop` waits for a pass in hand.
 */
export function startEmbeddedUpkeep(
  db: Db,
  options: { everyMs?: number; onDone?: (done: TableUpkeep[]) => void; onError: (err: unknown) => void },
): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const tick = () => {
    running = running.then(async () => {
      if (stopped) return;
      try {
        const done = await keepUpEmbeddedDatabase(db);
        if (done.length > 0) options.onDone?.(done);
      } catch (err) {
        options.onError(err);
      }
    });
  };
  const timer = setInterval(tick, options.everyMs ?? EMBEDDED_UPKEEP_MS);
  timer.unref?.();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
