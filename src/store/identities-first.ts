import type { Identity, IdentityRef } from "../../connectors/types.ts";
import type { Db } from "./db.ts";
import { identityKey, saveIdentities } from "./identity.ts";
import { onPostgresJs } from "./page-rows.ts";

/**
 * Per pool: each identity as this process saved it (`identityKey` and its fields but `raw`), and the keys of
 * the identities it saved. A page whose identities are all here has nothing new to say about them.
 */
const savedByPool = new WeakMap<object, { versions: Set<string>; keys: Set<string> }>();

/** Enough for every account of a large organisation; past it the memory starts again. */
const MAX_REMEMBERED = 100_000;

const version = (identity: Identity): string => {
  const { displayName, email, handle, emails, isGuest, isBot } = identity;
  return `${identityKey(identity)}\u0000${JSON.stringify([displayName, email, handle ?? null, emails ?? [], isGuest, isBot])}`;
};

/**
 * Saves a page's new or changed identities (and their people) in a short transaction of their own, before the
 * page's. The page's transaction saves them again and then finds nothing to write; what this spares is the
 * wait: an identity row a transaction inserted or updated stays locked until it commits, and the first pages
 * of every scope of a backfill name the same people, so each would wait for the whole transaction of the one
 * before it. Only on a pool of connections (the embedded database runs one transaction at a time), and only
 * for a page naming someone this process has not saved as they are now.
 */
export async function saveIdentitiesFirst(
  db: Db,
  identities: readonly Identity[],
  refs: readonly IdentityRef[],
  now: Date,
): Promise<void> {
  if (identities.length + refs.length === 0 || !onPostgresJs(db)) return;
  let saved = savedByPool.get(db);
  if (!saved) {
    saved = { versions: new Set(), keys: new Set() };
    savedByPool.set(db, saved);
  }
  const { versions, keys } = saved;
  if (identities.every((i) => versions.has(version(i))) && refs.every((r) => keys.has(identityKey(r))))
    return;
  await db.transaction(async (tx) => {
    await saveIdentities(tx as unknown as Db, identities, refs, now);
  });
  if (versions.size > MAX_REMEMBERED) {
    versions.clear();
    keys.clear();
  }
  for (const i of identities) versions.add(version(i));
  for (const r of [...identities, ...refs]) keys.add(identityKey(r));
}
