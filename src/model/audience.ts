/**
 * Who may read an item, where the source says it. An item's audience is the list of keys of the people its
 * source shows it to (Slack user ids of a private channel's members, the addresses on an email), lower-cased;
 * null means everyone on the team (Jira, GitHub, public Slack channels, Teams channels). A reader is either
 * everyone-allowed (an admin) or the keys that name them in any source: their identities' ids and addresses.
 *
 * An email's audience is its thread's: whoever is on any of its messages (from, to, cc) reads all of them,
 * as in their own mailbox. The store applies that rule in SQL (`src/store/item-audience.ts`); this file is
 * the same rule on plain data, for the digest.
 */

/** Keys naming a reader; null: an admin, who reads everything. */
export type ReaderKeys = ReadonlySet<string> | null;

/** The audience as stored: lower-cased and without repeats, or null (everyone). */
export function toAudience(keys: readonly (string | null | undefined)[] | null): string[] | null {
  if (keys === null) return null;
  const out = new Set<string>();
  for (const k of keys) {
    const key = k?.trim().toLowerCase();
    if (key) out.add(key);
  }
  return [...out].sort();
}

/** The people on an email: its sender and its To and Cc addresses. */
export function toEmailAudience(addresses: {
  from: string;
  to: readonly string[];
  cc: readonly string[];
}): string[] {
  return toAudience([addresses.from, ...addresses.to, ...addresses.cc]) ?? [];
}

/** Whether a reader may read something shown to `audience` (null: everyone on the team). */
export function isReadableBy(audience: readonly string[] | null, reader: ReaderKeys): boolean {
  if (audience === null || reader === null) return true;
  return audience.some((key) => reader.has(key));
}

/** What a flag says to a reader who may not read one of the items that raised it. */
export const HIDDEN_EVIDENCE_REASON =
  "Raised by a message you can't see (a private channel or an email you are not on).";

/**
 * A flag as a reader may see it: when an item among its evidence is hidden from them, the reason (which may
 * quote that item) gives way to a neutral sentence and the hidden items leave the evidence. The flag itself
 * stays: the task is stuck either way.
 */
export function toReadableFlag<F extends { reason: string; evidence: string[] }>(
  flag: F,
  isHidden: (itemId: string) => boolean,
): F {
  if (!flag.evidence.some(isHidden)) return flag;
  return { ...flag, reason: HIDDEN_EVIDENCE_REASON, evidence: flag.evidence.filter((id) => !isHidden(id)) };
}
