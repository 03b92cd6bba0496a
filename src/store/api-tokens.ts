/**
 * Personal API tokens: `tl_pat_` and 32 random bytes, shown once; the table keeps only the SHA-256. A token is
 * found by its hash (an index lookup on a digest, so how long it takes says nothing about the secret), and it
 * works until it expires or is revoked (deleted). `last_used_at` is written at most once a minute per token, so
 * a script's calls cost no write each. Web Crypto only: the Worker runs it as Node does.
 */
import { sql } from "drizzle-orm";
import { trimTrailing } from "../model/trim-text.ts";
import type { Db } from "./db.ts";
import { survivorOf } from "./people-queries.ts";
import { queryRows } from "./rows.ts";

/** What every personal token starts with, so a leaked one is recognisable (and secret scanners can match it). */
export const TOKEN_PREFIX = "tl_pat_";

export type TokenScope = "read" | "write";

/** How stale `last_used_at` may get before a call writes it again. */
const TOUCH_AFTER_MS = 60_000;

const time = (d: Date) => sql`${d.toISOString()}::timestamptz`;

function base64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return trimTrailing(btoa(s).replace(/\+/g, "-").replace(/\//g, "_"), "=");
}

/** What the table stores of a secret: its SHA-256, hex. */
export async function hashTokenSecret(secret: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(secret)));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Whether `value` has a personal token's shape at all (nothing else is looked up). */
export const isTokenSecret = (value: string) => /^tl_pat_[A-Za-z0-9_-]{43}$/.test(value);

/** A token as its owner's settings page lists it: never the secret. */
export interface ApiTokenInfo {
  id: string;
  name: string;
  scopes: TokenScope[];
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date;
}

/** Who a live token acts as. */
export interface TokenCaller {
  tokenId: string;
  /** The token's person (the survivor of any merge). */
  personId: string;
  email: string;
  scopes: TokenScope[];
}

const toScopes = (raw: readonly string[]): TokenScope[] =>
  (["read", "write"] as const).filter((s) => raw.includes(s));

/** Makes a token for a person; answers its secret, the one time it is ever available. */
export async function createApiToken(
  db: Db,
  input: {
    personId: string;
    email: string;
    name: string;
    scopes: readonly TokenScope[];
    expiresAt: Date;
    now: Date;
  },
): Promise<{ id: string; secret: string }> {
  const secret = `${TOKEN_PREFIX}${base64url(crypto.getRandomValues(new Uint8Array(32)))}`;
  const id = `tok_${base64url(crypto.getRandomValues(new Uint8Array(12)))}`;
  // A write token can read too: `write` alone would make a token that cannot see what it changes.
  const scopes = input.scopes.includes("write") ? ["read", "write"] : ["read"];
  await db.execute(sql`
    insert into api_tokens (id, secret_hash, person_id, email, name, scopes, created_at, expires_at)
    values (${id}, ${await hashTokenSecret(secret)}, ${input.personId}, ${input.email}, ${input.name},
            ${sql.param(scopes)}::text[], ${time(input.now)}, ${time(input.expiresAt)})`);
  return { id, secret };
}

/** The live token of a secret, or null (not a token's shape, unknown, revoked, expired). A use is recorded. */
export async function verifyApiToken(db: Db, secret: string, now: Date): Promise<TokenCaller | null> {
  if (!isTokenSecret(secret)) return null;
  const hash = await hashTokenSecret(secret);
  const rows = await queryRows<{
    id: string;
    person_id: string;
    email: string;
    scopes: string[];
    last_used_at: string | Date | null;
  }>(
    db,
    sql`select t.id, coalesce(p.id, t.person_id) as person_id, t.email, t.scopes, t.last_used_at
        from api_tokens t
        left join lateral ${survivorOf(sql`t.person_id`)} p on true
        where t.secret_hash = ${hash} and t.expires_at > ${time(now)}`,
  );
  const row = rows[0];
  if (!row) return null;
  const last = row.last_used_at === null ? null : new Date(row.last_used_at).getTime();
  if (last === null || now.getTime() - last >= TOUCH_AFTER_MS) {
    await db.execute(sql`update api_tokens set last_used_at = ${time(now)} where id = ${row.id}`);
  }
  return { tokenId: row.id, personId: row.person_id, email: row.email, scopes: toScopes(row.scopes) };
}

/** A person's tokens (made under any id merged into theirs), newest first; expired ones too, until revoked. */
export async function listApiTokens(db: Db, personId: string): Promise<ApiTokenInfo[]> {
  const rows = await queryRows<{
    id: string;
    name: string;
    scopes: string[];
    created_at: string | Date;
    last_used_at: string | Date | null;
    expires_at: string | Date;
  }>(
    db,
    sql`select t.id, t.name, t.scopes, t.created_at, t.last_used_at, t.expires_at
        from api_tokens t
        where (select p.id from ${survivorOf(sql`t.person_id`)} p) = ${personId}
        order by t.created_at desc, t.id`,
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    scopes: toScopes(r.scopes),
    createdAt: new Date(r.created_at),
    lastUsedAt: r.last_used_at === null ? null : new Date(r.last_used_at),
    expiresAt: new Date(r.expires_at),
  }));
}

/** Revokes one of a person's tokens: it stops working at once. False when they have no such token. */
export async function revokeApiToken(db: Db, input: { id: string; personId: string }): Promise<boolean> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`delete from api_tokens t
        where t.id = ${input.id} and (select p.id from ${survivorOf(sql`t.person_id`)} p) = ${input.personId}
        returning t.id`,
  );
  return rows.length > 0;
}
