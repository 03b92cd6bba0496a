import { z } from "@hono/zod-openapi";
import { trimTrailing } from "../model/trim-text.ts";
import { isExactUtc } from "../store/sql-fragments.ts";
import type { ItemPosition, TaskPosition } from "../store/task-queries.ts";

/**
 * Page cursors: the last row's sort values as base64url JSON. Opaque to clients, so their content can change;
 * decoded and checked before use, so a mangled cursor is a 400 rather than a database error. Web APIs only
 * (TextEncoder, btoa), so the Worker runs this as Node does.
 */
function encode(value: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return trimTrailing(btoa(binary).replace(/\+/g, "-").replace(/\//g, "_"), "=");
}

function decode<T>(text: string, schema: z.ZodType<T>): T | null {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return null;
  try {
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    const parsed = schema.safeParse(JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

const exactTime = z.string().refine(isExactUtc);

const TaskCursorSchema = z.strictObject({ a: exactTime, k: z.string() });
const ItemCursorSchema = z.strictObject({ a: exactTime, i: z.string() });

export const encodeTaskCursor = (p: TaskPosition) => encode({ a: p.lastActivityAt, k: p.key });

export function decodeTaskCursor(text: string): TaskPosition | null {
  const value = decode(text, TaskCursorSchema);
  return value ? { lastActivityAt: value.a, key: value.k } : null;
}

export const isTaskCursor = (text: string) => decodeTaskCursor(text) !== null;

export const encodeItemCursor = (p: ItemPosition) => encode({ a: p.at, i: p.id });

export function decodeItemCursor(text: string): ItemPosition | null {
  const value = decode(text, ItemCursorSchema);
  return value ? { at: value.a, id: value.i } : null;
}

export const isItemCursor = (text: string) => decodeItemCursor(text) !== null;
