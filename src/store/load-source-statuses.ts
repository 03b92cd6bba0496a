import { type SourceSetup, type SourceStatus, toSourceStatuses } from "../model/source-status.ts";
import type { Db } from "./db.ts";
import { loadSourceStates } from "./source-states.ts";

/** Every source's and scope's status as of `now`: what `GET /api/sources` and `threadline status` answer. */
export async function loadSourceStatuses(
  db: Db,
  setups: readonly SourceSetup[],
  now: Date,
): Promise<SourceStatus[]> {
  const { sources, scopes } = await loadSourceStates(db);
  return toSourceStatuses({ setups, sources, scopes, now });
}
