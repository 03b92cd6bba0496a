import { sql } from "drizzle-orm";
import type { DigestSummary } from "../digest/digest-model.ts";
import type { Db } from "./db.ts";
import { queryRows } from "./rows.ts";

/**
 * The `digests` table as the claim-before-send log of (recipient, day):
 * - `claimed`: a run holds it and is not talking to the SMTP server right now (before the first attempt,
 *   between retries); older than `STALE_CLAIM` it was left by a run that stopped, and is taken over.
 * - `sending`: an attempt is under way. The server may have accepted the message when a run dies here, so a
 *   `sending` row is never taken over: at most one digest a day wins over at least one.
 * - `sent`, or `failed` (every attempt failed; the next run takes it over and tries again).
 * Times are the database's clock, so two servers with skewed clocks judge staleness alike.
 */
export interface DigestKey {
  recipient: string;
  day: string;
}

/** A claim untouched this long was left by a run that stopped; retries take seconds, not minutes. */
const STALE_CLAIM = "10 minutes";

export type ClaimOutcome =
  | { claimed: true }
  | { claimed: false; status: "sent" | "in_progress" | "interrupted"; at: Date | null };

const key = (k: DigestKey) => sql`recipient = ${k.recipient} and day = ${k.day}`;

/**
 * Claims (recipient, day) for this run: a new row, or a failed or abandoned claim taken over. Atomic on
 * PostgreSQL: of two runs at once exactly one gets it (the insert conflicts; the update re-checks its
 * condition on the row the other run committed).
 */
export async function saveDigestClaim(db: Db, k: DigestKey, summary: DigestSummary): Promise<ClaimOutcome> {
  const json = JSON.stringify(summary);
  const inserted = await queryRows(
    db,
    sql`insert into digests (recipient, day, status, claimed_at, attempts, summary)
        values (${k.recipient}, ${k.day}, 'claimed', now(), 0, ${json}::jsonb)
        on conflict (recipient, day) do nothing
        returning recipient`,
  );
  if (inserted.length > 0) return { claimed: true };
  const taken = await queryRows(
    db,
    sql`update digests set status = 'claimed', claimed_at = now(), error = null, summary = ${json}::jsonb
        where ${key(k)}
          and (status = 'failed' or (status = 'claimed' and claimed_at < now() - ${STALE_CLAIM}::interval))
        returning recipient`,
  );
  if (taken.length > 0) return { claimed: true };
  const rows = await queryRows<{ status: string; at: number | null; stale: boolean }>(
    db,
    sql`select status, (extract(epoch from coalesce(sent_at, claimed_at)) * 1000)::float8 as at,
               (status = 'sending' and claimed_at < now() - ${STALE_CLAIM}::interval) as stale
        from digests where ${key(k)}`,
  );
  const row = rows[0];
  const at = row?.at != null ? new Date(row.at) : null;
  if (row?.status === "sent") return { claimed: false, status: "sent", at };
  return { claimed: false, status: row?.stale ? "interrupted" : "in_progress", at };
}

/** An attempt starts: counted, and the row says a message may be on its way. */
export async function saveDigestSending(db: Db, k: DigestKey): Promise<void> {
  await db.execute(
    sql`update digests set status = 'sending', attempts = attempts + 1, claimed_at = now() where ${key(k)}`,
  );
}

/** An attempt failed and another follows: held by this run, known not to be in flight. */
export async function saveDigestRetrying(db: Db, k: DigestKey, error: string): Promise<void> {
  await db.execute(
    sql`update digests set status = 'claimed', error = ${error}, claimed_at = now() where ${key(k)}`,
  );
}

export async function saveDigestSent(db: Db, k: DigestKey, messageId: string | null): Promise<void> {
  await db.execute(
    sql`update digests set status = 'sent', sent_at = now(), error = null, message_id = ${messageId}
        where ${key(k)}`,
  );
}

/** Every attempt failed: the next run takes it over. */
export async function saveDigestFailed(db: Db, k: DigestKey, error: string): Promise<void> {
  await db.execute(sql`update digests set status = 'failed', error = ${error} where ${key(k)}`);
}

/** Each of `recipients`' latest digest before `day` that was sent, with the summary it was sent with. */
export async function loadLastSentDigests(
  db: Db,
  recipients: readonly string[],
  day: string,
): Promise<Array<{ recipient: string; day: string; summary: unknown }>> {
  if (recipients.length === 0) return [];
  return queryRows(
    db,
    sql`select distinct on (recipient) recipient, day, summary from digests
        where recipient = any(${sql.param([...recipients])}::text[]) and day < ${day} and status = 'sent'
        order by recipient, day desc`,
  );
}
