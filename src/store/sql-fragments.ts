import { type SQL, sql } from "drizzle-orm";

/**
 * A timestamptz as the API's ISO 8601 UTC string (`2025-03-10T09:00:00.000Z`, what `toISOString` gives),
 * formatted by the database so both drivers answer alike whatever the session's time zone.
 */
export const isoUtc = (column: SQL) =>
  sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * A timestamptz with all its microseconds, for keyset cursors: a page boundary cut to milliseconds would skip
 * or repeat rows whose times differ below that. Read back exactly with `::timestamptz`.
 */
export const exactUtc = (column: SQL) =>
  sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Is `text` what `exactUtc` writes, and a real instant? Checked before a cursor reaches the database. */
export function isExactUtc(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(text)) return false;
  const millis = `${text.slice(0, 23)}Z`;
  const parsed = new Date(millis);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString() === millis;
}

/** A list as one jsonb parameter (drizzle would spread an array into a list of parameters). */
export const jsonList = (values: readonly string[]) =>
  sql`(select jsonb_array_elements_text(${JSON.stringify(values)}::jsonb))`;

/** `\`, `%` and `_` taken literally in a LIKE pattern (with `escape '\'`). */
export const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);
