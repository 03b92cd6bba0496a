import type { TaskAction } from "./action-types.ts";

/** A write shown on the timeline until its item arrives (`PendingWriteSchema`). */
export interface PendingWrite {
  actionId: string;
  flagId: string;
  action: string;
  by: string;
  at: string;
  source: string;
  kind: string;
  where: string;
  text: string;
  url: string | null;
}

/**
 * The writes of a task's actions still to show as pending: those being made, and those made whose item no
 * sync has brought yet. A failed action's writes not made are not on the timeline (its history says why);
 * a write that is not an item (an assignment, a reopen) shows until the action is done. Pure.
 */
export function toPendingWrites(actions: readonly TaskAction[]): PendingWrite[] {
  const out: PendingWrite[] = [];
  for (const a of actions) {
    const waiting = new Set(a.pendingItems);
    a.writes.forEach((write, i) => {
      const result = a.results[i];
      const itemId = result?.externalId ? `${write.source}:${result.externalId}` : null;
      const shown = result ? itemId !== null && waiting.has(itemId) : a.state === "pending";
      if (!shown) return;
      out.push({
        actionId: a.id,
        flagId: a.flagId,
        action: a.action,
        by: a.by,
        at: a.createdAt,
        source: write.source,
        kind: write.kind,
        where: write.where,
        text: write.text,
        url: result?.url ?? write.url,
      });
    });
  }
  return out;
}
