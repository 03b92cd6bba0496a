/**
 * People's own mailboxes: the sealed grant of each, what its settings page shows, and what disconnecting
 * removes. The refresh token goes in and out sealed (src/secrets/secret-box.ts): this module never sees it
 * in the clear.
 */
import { sql } from "drizzle-orm";
import type { Db } from "./db.ts";
import { queryRows } from "./rows.ts";

export interface ConnectedMailboxRow {
  scope: string;
  personId: string;
  address: string;
  sealedRefreshToken: string;
}

/** What a person's settings page shows of a mailbox they connected. */
export interface ConnectedMailboxInfo {
  scope: string;
  address: string;
  connectedAt: Date;
  /** The last pass that read it to its end. */
  lastSyncAt: Date | null;
  /** `ok`, `reconnect` (Google refused the grant: revoked, expired, or the password changed) or `failing`. */
  state: "ok" | "reconnect" | "waiting";
  reason: string | null;
}

const toDate = (v: unknown) => (v === null || v === undefined ? null : new Date(String(v)));

/** Connects (or reconnects) a mailbox: a new grant replaces the old one, and its scope reads afresh. */
export async function saveConnectedMailbox(
  db: Db,
  mailbox: ConnectedMailboxRow & { grantedScopes: string; now: Date },
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`
      insert into connected_mailboxes (scope, person_id, address, sealed_refresh_token, granted_scopes, connected_at)
      values (${mailbox.scope}, ${mailbox.personId}, ${mailbox.address}, ${mailbox.sealedRefreshToken},
              ${mailbox.grantedScopes}, ${mailbox.now.toISOString()}::timestamptz)
      on conflict (scope) do update set person_id = excluded.person_id, address = excluded.address,
        sealed_refresh_token = excluded.sealed_refresh_token, granted_scopes = excluded.granted_scopes,
        connected_at = excluded.connected_at`);
    // A refused grant's mark goes with it: the next pass tries the new one.
    await tx.execute(sql`
      update source_scopes set status = 'active', status_reason = null
      where source = 'gmail' and scope = ${mailbox.scope}`);
  });
}

/** Every connected mailbox with its sealed grant: what a sync pass reads. */
export async function loadConnectedMailboxes(db: Db): Promise<ConnectedMailboxRow[]> {
  const rows = await queryRows<{
    scope: string;
    person_id: string;
    address: string;
    sealed_refresh_token: string;
  }>(db, sql`select scope, person_id, address, sealed_refresh_token from connected_mailboxes order by scope`);
  return rows.map((r) => ({
    scope: r.scope,
    personId: r.person_id,
    address: r.address,
    sealedRefreshToken: r.sealed_refresh_token,
  }));
}

/** A person's mailboxes as their settings page lists them, with each one's last sync and state. */
export async function listConnectedMailboxes(db: Db, personId: string): Promise<ConnectedMailboxInfo[]> {
  const rows = await queryRows<{
    scope: string;
    address: string;
    connected_at: unknown;
    last_success_at: unknown;
    status: string | null;
    status_reason: string | null;
  }>(
    db,
    sql`select m.scope, m.address, m.connected_at, s.last_success_at, s.status, s.status_reason
        from connected_mailboxes m
        left join source_scopes s on s.source = 'gmail' and s.scope = m.scope
        where m.person_id = ${personId} order by m.address`,
  );
  return rows.map((r) => ({
    scope: r.scope,
    address: r.address,
    connectedAt: new Date(String(r.connected_at)),
    lastSyncAt: toDate(r.last_success_at),
    state:
      r.status === "forbidden" || r.status === "not_found"
        ? "reconnect"
        : r.last_success_at
          ? "ok"
          : "waiting",
    reason: r.status_reason,
  }));
}

/**
 * Disconnects one of a person's mailboxes: forgets the grant, the scope's cursors, and the messages read
 * through it that no task needs (linked to none); those on a task's timeline stay there. Answers the sealed
 * grant (to revoke at Google) and how many messages went, or null when the person has no such mailbox.
 */
export async function deleteConnectedMailbox(
  db: Db,
  { scope, personId }: { scope: string; personId: string },
): Promise<{ sealedRefreshToken: string; itemsDeleted: number } | null> {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const gone = await queryRows<{ sealed_refresh_token: string }>(
      t,
      sql`delete from connected_mailboxes where scope = ${scope} and person_id = ${personId}
          returning sealed_refresh_token`,
    );
    if (gone.length === 0) return null;
    const deleted = await queryRows<{ id: string }>(
      t,
      sql`delete from items i
          using source_scopes s
          where s.source = 'gmail' and s.scope = ${scope} and i.source = 'gmail' and i.scope_id = s.id
            and not exists (select 1 from item_links l where l.item_id = i.id and not l.removed)
          returning i.id`,
    );
    if (deleted.length > 0) {
      await t.execute(
        sql`delete from item_links where item_id in (select jsonb_array_elements_text(${JSON.stringify(deleted.map((d) => d.id))}::jsonb))`,
      );
    }
    await t.execute(sql`
      delete from sync_cursors where scope_id in (select id from source_scopes where source = 'gmail' and scope = ${scope})`);
    // Scopes are never deleted (items keep their scope id); this one is no longer listed, so never read.
    await t.execute(sql`
      update source_scopes set status = 'not_found', status_reason = 'disconnected by its owner'
      where source = 'gmail' and scope = ${scope}`);
    return { sealedRefreshToken: gone[0]!.sealed_refresh_token, itemsDeleted: deleted.length };
  });
}
