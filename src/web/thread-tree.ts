/**
 * A timeline as the task page nests it (pure): items in time order, and the replies of a thread (same source
 * and `threadId`) under its first item, the thread's root. A thread whose root is not on this task starts at
 * its earliest item here.
 */
export interface ThreadNode<T> {
  item: T;
  replies: T[];
}

export function toThreadTree<T extends { source: string; threadId: string | null; at: string; id: string }>(
  items: readonly T[],
): ThreadNode<T>[] {
  const sorted = [...items].sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
  const roots: ThreadNode<T>[] = [];
  const byThread = new Map<string, ThreadNode<T>>();
  for (const item of sorted) {
    const key = item.threadId ? `${item.source}\u0000${item.threadId}` : null;
    const root = key ? byThread.get(key) : undefined;
    if (root) {
      root.replies.push(item);
      continue;
    }
    const node = { item, replies: [] };
    roots.push(node);
    if (key) byThread.set(key, node);
  }
  return roots;
}
