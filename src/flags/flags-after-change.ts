import type { RunLog } from "../log.ts";
import type { Db } from "../store/db.ts";
import type { FlagSettings } from "./flag-settings.ts";
import { recomputeAfterChange } from "./recompute.ts";

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
