import type { Connector, RawRecord, Tombstone } from "../../connectors/types.ts";
import type { Db } from "../store/db.ts";
import type { Linker } from "../store/item-links.ts";
import { type PageWriteResult, savePage } from "../store/save-page.ts";
import { saveScopes } from "../store/scopes.ts";
import { toPageWrite } from "./to-page-write.ts";

/**
 * Saves the records of a verified webhook push (`WebhookResult` of type `records`) like a page, in one
 * transaction, without moving any cursor: the next pull may bring them again, and the upsert makes that
 * harmless. Its delivery ids are recorded in the same transaction: a delivery saved before writes nothing,
 * and no record replaces a newer version of itself (save-page.ts), so an old delivery changes nothing.
 */
export async function savePush(
  db: Db,
  connector: Connector,
  push: {
    scope: string;
    records: readonly RawRecord[];
    deletions: readonly Tombstone[];
    deliveryIds?: readonly (string | null)[];
  },
  options: { linker: Linker; now: Date },
): Promise<PageWriteResult> {
  const scopeId = (await saveScopes(db, connector.id, [push.scope], options.now)).get(push.scope) ?? null;
  const deliveryIds = (push.deliveryIds ?? []).filter(
    (id): id is string => typeof id === "string" && id !== "",
  );
  return savePage(
    db,
    { ...(await toPageWrite(connector, scopeId, push.records, push.deletions)), deliveryIds },
    options,
  );
}
