/**
 * What one page of `users.history.list` asks of the pull (pure). Records come oldest first, so the last
 * change to a message decides: added, or taken out of Trash or Spam, means read it (again); moved to Trash or
 * Spam means it leaves the timeline until it comes out; deleted is for good. With GMAIL_QUERY set, a label
 * added or removed may make an old message match, so it is read again and the query decides.
 * https://developers.google.com/gmail/api/reference/rest/v1/users.history/list#History
 */
import type { GmailHistoryPage } from "./schemas.ts";

/** Labels whose messages are out of every conversation (Gmail's own Trash and Spam). */
const BINNED = new Set(["TRASH", "SPAM"]);

/** Reading a message removes UNREAD: a change that never makes it match a query worth reading for. */
const NOISE = new Set(["UNREAD"]);

export interface GmailHistoryChanges {
  /** New messages to read (recent mail). */
  added: string[];
  /** Older messages to read again: taken out of Trash or Spam, or relabelled while GMAIL_QUERY is set. */
  relabelled: string[];
  /** Of `relabelled`, those that came out of Trash or Spam: a timeline that dropped them takes them back. */
  rescued: string[];
  /** Moved to Trash or Spam: off the timeline, not gone for good. */
  binned: string[];
  /** Deleted for good. */
  deleted: string[];
}

type Change = "added" | "relabelled" | "rescued" | "binned" | "deleted";

export function toHistoryChanges(page: GmailHistoryPage, options: { query: boolean }): GmailHistoryChanges {
  const last = new Map<string, Change>();
  const set = (id: string, change: Change) => {
    last.delete(id);
    last.set(id, change);
  };
  /** A label change that is not Trash or Spam: worth reading again only for a query, and only if still here. */
  const relabel = (id: string, labels: readonly string[]) => {
    const now = last.get(id);
    if (!options.query || now === "binned" || !labels.some((l) => !NOISE.has(l))) return;
    set(id, now ?? "relabelled");
  };
  for (const record of page.history ?? []) {
    for (const a of record.messagesAdded ?? []) set(a.message.id, "added");
    for (const d of record.messagesDeleted ?? []) set(d.message.id, "deleted");
    for (const l of record.labelsAdded ?? []) {
      const labels = l.labelIds ?? [];
      if (last.get(l.message.id) === "deleted") continue;
      if (labels.some((id) => BINNED.has(id))) set(l.message.id, "binned");
      else relabel(l.message.id, labels);
    }
    for (const l of record.labelsRemoved ?? []) {
      const labels = l.labelIds ?? [];
      if (last.get(l.message.id) === "deleted") continue;
      if (labels.some((id) => BINNED.has(id))) set(l.message.id, "rescued");
      else relabel(l.message.id, labels);
    }
  }
  const out: GmailHistoryChanges = { added: [], relabelled: [], rescued: [], binned: [], deleted: [] };
  for (const [id, change] of last) {
    if (change === "added") out.added.push(id);
    else if (change === "relabelled") out.relabelled.push(id);
    else if (change === "rescued") {
      out.relabelled.push(id);
      out.rescued.push(id);
    } else if (change === "binned") out.binned.push(id);
    else out.deleted.push(id);
  }
  return out;
}
