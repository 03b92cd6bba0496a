import type {
  Connector,
  Identity,
  MappedItem,
  MappedTask,
  PulledPage,
  RawRecord,
  Tombstone,
} from "../../connectors/types.ts";
import { ConnectorError } from "../../connectors/types.ts";
import { ITEM_TEXT_BUDGET, toItemText } from "../model/text-budget.ts";
import type { PageWrite } from "../store/save-page.ts";

/** Runs a connector's pure `map` over raw records, keeping each model record beside the raw one it came from. */
export function toPageWrite(
  connector: Connector,
  scopeId: number | null,
  records: readonly RawRecord[],
  deletions: readonly Tombstone[] = [],
): PageWrite {
  const tasks: Array<{ task: MappedTask; raw: RawRecord }> = [];
  const items: Array<{ item: MappedItem; raw: RawRecord }> = [];
  const identities: Identity[] = [];
  for (const raw of records) {
    let mapped: ReturnType<Connector["map"]>;
    try {
      mapped = connector.map(raw);
    } catch (err) {
      throw new ConnectorError(
        connector.id,
        "invalid",
        `cannot map a "${raw.type}" record: ${err instanceof Error ? err.message : String(err)} (a mapper bug; the page was not saved and the cursor did not move)`,
        { cause: err },
      );
    }
    for (const task of mapped.tasks ?? []) tasks.push({ task, raw });
    for (const item of mapped.items ?? []) items.push({ item: withinBudget(item), raw });
    for (const identity of mapped.identities ?? []) identities.push(identity);
  }
  return { source: connector.id, scopeId, tasks, items, identities, deletions: [...deletions] };
}

/**
 * An item whose text is past the budget keeps its start and says the rest is in the source. Every path that
 * saves mapped items goes through it: a page, a push, and `threadline relink`'s replay of the raw records.
 */
export const withinBudget = (item: MappedItem): MappedItem =>
  item.text.length > ITEM_TEXT_BUDGET ? { ...item, text: toItemText(item.text) } : item;

/** A page as the engine saves it: mapped, with the cursor it moves. */
export function toPageWriteWithCursor(connector: Connector, scopeId: number, page: PulledPage): PageWrite {
  return {
    ...toPageWrite(connector, scopeId, page.records, page.deletions ?? []),
    ...(page.completeLists ? { completeLists: page.completeLists } : {}),
    ...(page.restored && page.restored.length > 0 ? { restored: page.restored } : {}),
    cursor: { scopeId, stream: page.stream, value: page.cursor },
  };
}
