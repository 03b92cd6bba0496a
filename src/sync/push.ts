import type { Connector, RawRecord, Tombstone } from "../../connectors/types.ts";
import type { Db } from "../store/db.ts";
import type { Linker } from "../store/item-links.ts";
import { type PageWriteResult, savePage } from "../store/save-page.ts";
import { saveScopes } from "../store/scopes.ts";
import { toPageWrite } from "./to-page-write.ts";

/**
 * Saves the records of a verified webhook push (`WebhookResult` of type `records`) like a page, in one
 * transaction, without moving any cursor: the next pull may bring them again, and the upsert makes that
 * harmless.
 */
export async function savePush(
  db: Db,
  connector: Connector,
  push: { scope: string; records: readonly RawRecord[]; deletions: readonly Tombstone[] },
  options: { linker: Linker; now: Date },
): Promise<PageWriteResult> {
  const scopeId = (await saveScopes(db, connector.id, [push.scope], options.now)).get(push.scope) ?? null;
  return savePage(db, toPageWrite(connector, scopeId, push.records, push.deletions), options);
}
