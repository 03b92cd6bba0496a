/**
 * GitHub's connections: pages by `first`/`after` or `last`/`before`, with keyset cursors shaped like GitHub's v2
 * cursors (`cursor:v2:` and the sort key, base64).
 */
import { GithubFieldError } from "./field-error.ts";

export type CursorKey = Array<string | number>;

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(`cursor:v2:${JSON.stringify(key)}`).toString("base64");
}

export function decodeCursor(cursor: string): CursorKey | null {
  const text = Buffer.from(cursor, "base64").toString("utf8");
  if (!text.startsWith("cursor:v2:")) return null;
  try {
    const key: unknown = JSON.parse(text.slice("cursor:v2:".length));
    return Array.isArray(key) ? (key as CursorKey) : null;
  } catch {
    return null;
  }
}

/** Compares sort keys element by element. */
export function compareKeys(a: CursorKey, b: CursorKey): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

export interface Connection<T> {
  totalCount: number;
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
  nodes: T[];
  edges: Array<{ cursor: string; node: T }>;
}

function keyFromCursor(cursor: string): CursorKey {
  const key = decodeCursor(cursor);
  if (!key) {
    throw new GithubFieldError(
      `\`${cursor}\` does not appear to be a valid cursor.`,
      "INVALID_CURSOR_ARGUMENTS",
    );
  }
  return key;
}

/**
 * A page of `items` (already in the connection's order). Cursors hold each item's sort key, so an item that
 * moves between requests is neither repeated nor skipped by the key.
 */
export function paginate<T>(
  items: readonly T[],
  args: Record<string, unknown>,
  keyOf: (item: T) => CursorKey,
  compare: (a: CursorKey, b: CursorKey) => number = compareKeys,
): Connection<T> {
  let start = 0;
  let end = items.length;
  if (typeof args.after === "string") {
    const key = keyFromCursor(args.after);
    const i = items.findIndex((it) => compare(keyOf(it), key) > 0);
    start = i < 0 ? items.length : i;
  }
  if (typeof args.before === "string") {
    const key = keyFromCursor(args.before);
    const i = items.findIndex((it) => compare(keyOf(it), key) >= 0);
    end = i < 0 ? items.length : i;
  }
  let slice = items.slice(start, Math.max(start, end));
  let hasNextPage = end < items.length;
  let hasPreviousPage = start > 0;
  if (typeof args.first === "number") {
    hasNextPage = slice.length > args.first || hasNextPage;
    slice = slice.slice(0, args.first);
  }
  if (typeof args.last === "number") {
    hasPreviousPage = slice.length > args.last || hasPreviousPage;
    slice = slice.slice(Math.max(0, slice.length - args.last));
  }
  const edges = slice.map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
  return {
    totalCount: items.length,
    pageInfo: {
      hasNextPage,
      hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    nodes: slice,
    edges,
  };
}
