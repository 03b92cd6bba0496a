import { recomputeAfterChange } from "../flags/recompute.ts";
import type { RunLog } from "../log.ts";
import type { FlagSettings } from "../model/flag-settings.ts";
import type { Db } from "../store/db.ts";

/** Evaluates the flags of tasks a sync, a push or a request changed, and logs what it did. */
export function flagsAfterChange(
  db: Db,
  settings: FlagSettings,
  log: RunLog,
): (taskKeys: readonly string[]) => Promise<void> {
  return async (taskKeys) => {
    const summary = await recomputeAfterChange(db, taskKeys, settings, new Date());
    if (summary) {
      log.info("flags recomputed", {
        tasks: summary.tasks,
        opened: summary.opened,
        resolved: summary.resolved,
      });
    }
  };
}
