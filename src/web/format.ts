/** Small pure helpers the pages share: labels, ages, anchors, links. */
import type { FlagKind, ItemKind } from "../model/kinds.ts";

export const FLAG_LABELS: Record<FlagKind, string> = {
  stale: "Stale",
  missing_approval: "Missing approval",
  unanswered_question: "Unanswered question",
  feedback_off_board: "Feedback off the board",
  done_not_deployed: "Done, not deployed",
  no_owner: "No owner",
  blocked_external: "Blocked outside the team",
};

export const ITEM_LABELS: Record<ItemKind, string> = {
  task_created: "created the task",
  status_change: "changed the status",
  comment: "commented",
  review: "reviewed",
  review_comment: "commented on the review",
  pull_request: "opened a pull request",
  deployment: "deployed",
  email: "emailed",
  chat_message: "wrote",
};

/** `3d`, `5h`, `2w`: how long ago, short enough for a list. */
export function toAge(since: string | Date, now: Date): string {
  const ms = now.getTime() - new Date(since).getTime();
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (days < 21) return `${days}d`;
  return `${Math.floor(days / 7)}w`;
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** The last few hundred times `toWhen` wrote: a list shows the same flags' times again on every visit. */
const whens = new Map<string, string>();

/** `Mon 3 Mar 2025, 09:00 UTC` in the team's time zone. One formatter per zone: making one costs more than
 * rendering a whole inbox row. */
export function toWhen(at: string, timeZone: string): string {
  const key = `${timeZone} ${at}`;
  let text = whens.get(key);
  if (text === undefined) {
    if (whens.size >= 500) whens.clear();
    text = formatWhen(at, timeZone);
    whens.set(key, text);
  }
  return text;
}

function formatWhen(at: string, timeZone: string): string {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-GB", {
      weekday: "short",
      day: "numeric",
      month: "short",
      year: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      timeZone,
      timeZoneName: "short",
    });
    formats.set(timeZone, format);
  }
  return format.format(new Date(at));
}

/** `YYYY-MM-DD` of `now` plus some days, in UTC: the snooze form's default and minimum. */
export function toDateInput(now: Date, plusDays: number): string {
  const at = now.getTime() + plusDays * 86_400_000;
  // Every row of a page asks for the same two dates: remember the few last asked.
  let text = dateInputs.get(at);
  if (text === undefined) {
    if (dateInputs.size >= 16) dateInputs.clear();
    text = new Date(at).toISOString().slice(0, 10);
    dateInputs.set(at, text);
  }
  return text;
}
const dateInputs = new Map<number, string>();

/** An HTML id for an item id (`slack:C1/17.0001`): letters, digits, `-` and `_` only, one to one. */
export function toItemAnchor(itemId: string): string {
  return `item-${itemId.replace(/[^A-Za-z0-9-]/g, (c) => `_${c.charCodeAt(0).toString(16)}_`)}`;
}

/** The page of a task: `/tasks/<key, URL-encoded>`, as the digest links to it. */
export const taskPath = (key: string) => `/tasks/${encodeURIComponent(key)}`;
export const personPath = (id: string) => `/people/${encodeURIComponent(id)}`;
/** The inbox with a search, in the view given ("mine" or "team"; none: the viewer's default). */
export function inboxPath(q: string, view?: "mine" | "team"): string {
  const params = new URLSearchParams();
  if (view) params.set("view", view);
  if (q) params.set("q", q);
  const query = params.toString();
  return query ? `/?${query}` : "/";
}

/** Only http(s) links leave the page as links; anything else (javascript:, data:) is shown as text. */
export function toSafeUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.toString() : null;
  } catch {
    return null;
  }
}
