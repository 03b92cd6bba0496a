import type { JsonValue, Mapped, RawRecord } from "../../connectors/types.ts";

/** Longest string, longest list and deepest nesting a record keeps when it is read again after its budget. */
const SHRUNK = { chars: 2_000, entries: 200, depth: 32 } as const;

/**
 * The record with every long string, long list and deep nesting cut: what is left (ids, authors, times,
 * subjects, the start of the body) maps in a moment whatever the body held. Only a record whose mapping ran
 * past its time budget is read this way; the stored raw record keeps all of it.
 */
export function shrinkRecord(record: RawRecord): RawRecord {
  return { ...record, data: shrink(record.data, 0) };
}

function shrink(value: JsonValue, depth: number): JsonValue {
  if (typeof value === "string") return value.length > SHRUNK.chars ? value.slice(0, SHRUNK.chars) : value;
  if (value === null || typeof value !== "object") return value;
  if (depth >= SHRUNK.depth) return null;
  if (Array.isArray(value)) return value.slice(0, SHRUNK.entries).map((v) => shrink(v, depth + 1));
  const out: Record<string, JsonValue> = {};
  for (const [key, v] of Object.entries(value)) out[key] = shrink(v, depth + 1);
  return out;
}

/**
 * What a record that ran past its budget keeps of its mapping: its tasks as they are, its items with their
 * ids, authors, times and links, and in place of their text a line saying it was not read, so neither the
 * rules nor a reader take a cut body for the message.
 */
export function markNotAnalysed(mapped: Mapped, budgetMs: number): Mapped {
  const seconds = (budgetMs / 1000).toLocaleString("en-US", { maximumFractionDigits: 1 });
  const note = `[Threadline did not analyse this message: reading it took longer than its budget of ${seconds} s. All of it is in the source.]`;
  return { ...mapped, items: (mapped.items ?? []).map((item) => ({ ...item, text: note })) };
}
