import type {
  Connector,
  Identity,
  MappedItem,
  MappedTask,
  PulledPage,
  RawRecord,
  Tombstone,
} from "../../connectors/types.ts";
import { ITEM_TEXT_BUDGET, toItemText } from "../model/text-budget.ts";
import type { PageWrite } from "../store/save-page.ts";
import { inPlaceMapper, type PageMapper } from "./page-mapper.ts";

/**
 * Runs a connector's pure `map` over raw records (through `mapper`, in place by default), keeping each model
 * record beside the raw one it came from.
 */
export async function toPageWrite(
  connector: Connector,
  scopeId: number | null,
  records: readonly RawRecord[],
  deletions: readonly Tombstone[] = [],
  mapper: PageMapper = inPlaceMapper,
): Promise<PageWrite> {
  const tasks: Array<{ task: MappedTask; raw: RawRecord }> = [];
  const items: Array<{ item: MappedItem; raw: RawRecord }> = [];
  const identities: Identity[] = [];
  const mapped = await mapper.map(connector, records);
  for (const [i, raw] of records.entries()) {
    const one = mapped[i]!;
    for (const task of one.tasks ?? []) tasks.push({ task, raw });
    for (const item of one.items ?? []) items.push({ item: withinBudget(item), raw });
    for (const identity of one.identities ?? []) identities.push(identity);
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
export async function toPageWriteWithCursor(
  connector: Connector,
  scopeId: number,
  page: PulledPage,
  mapper?: PageMapper,
): Promise<PageWrite> {
  return {
    ...(await toPageWrite(connector, scopeId, page.records, page.deletions ?? [], mapper)),
    ...(page.completeLists ? { completeLists: page.completeLists } : {}),
    ...(page.restored && page.restored.length > 0 ? { restored: page.restored } : {}),
    cursor: { scopeId, stream: page.stream, value: page.cursor },
  };
}
