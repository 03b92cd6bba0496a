import type { StatusCategory } from "./kinds.ts";
import { type ItemFacts, NO_FACTS, REVIEW_STATES, type ReviewState } from "./task-snapshot.ts";

/**
 * The facts of `items.meta` as the connectors write them, before people are resolved: mentions, recipients
 * and reactors are still handles (a person id, an identity's external id in the item's source, or an email).
 *
 * The keys read, and the spellings accepted (first found wins):
 * - review: `reviewState` | `review_state` | `state` (on a review) — `APPROVED`, `changes_requested`…
 * - status change: `statusFrom` | `from` | `fromStatus`; `statusTo` | `to` (a string) | `toStatus`;
 *   `statusToCategory` | `toCategory` | `categoryTo` (`todo`/`in_progress`/`done`, or Jira's `new`/`indeterminate`/`done`)
 * - deployment: `deploymentState` | `state` | `status` (on a deployment); `environment` | `env`; `release`
 *   (true) | `type: "release"` | `tagName`
 * - pull request: `merged`, `mergedAt` | `merged_at`, `draft` | `isDraft`
 * - `reactions`: `[{ name | emoji | reaction | reactionType, users | by | userIds, count }]`, or GitHub's rollup
 *   `{ "+1": 2, "-1": 0, … }`
 * - `mentions`: strings, or objects with `id` | `accountId` | `login` | `userId` | `email`
 * - `to` | `headers.to`: addresses (`Dana <dana@x.co>`), as an array or a comma-separated string
 * - `threadResolved` (true): a review thread marked resolved
 * - automated: `isBot` | `bot` | `automated` | `autoReply` true, `autoSubmitted` | `headers["auto-submitted"]`
 *   other than `no`, `headers["x-autoreply"]`, Slack's `subtype: "bot_message"`
 * - unverified sender: `senderVerified` false (an email without the receiving server's DMARC pass)
 */
export interface ItemMetaFacts extends Omit<ItemFacts, "mentions" | "to" | "reactions" | "writtenBy"> {
  // `writtenBy` is not in `meta`: the snapshot loader reads it from the actions that wrote the item.
  mentions: string[];
  to: string[];
  reactions: Array<{ name: string; by: string[]; count: number }>;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === "string" && v.trim() !== "" ? v.trim() : null);
const first = (o: Json, ...keys: string[]): unknown => {
  for (const k of keys) if (o[k] !== undefined && o[k] !== null) return o[k];
  return undefined;
};

function toDate(v: unknown): Date | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v;
  if (typeof v === "string" || typeof v === "number") {
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  return null;
}

function toReviewState(v: unknown): ReviewState | null {
  const s = str(v)?.toLowerCase().replace(/\s+/g, "_");
  return s && (REVIEW_STATES as readonly string[]).includes(s) ? (s as ReviewState) : null;
}

/** A status category in our terms from ours or Jira's (`new`, `indeterminate`, `done`). */
export function toStatusCategory(v: unknown): StatusCategory | null {
  const s = str(v)
    ?.toLowerCase()
    .replace(/[\s-]+/g, "_");
  if (!s) return null;
  if (s === "done" || s === "closed" || s === "complete") return "done";
  if (s === "in_progress" || s === "indeterminate") return "in_progress";
  if (s === "todo" || s === "to_do" || s === "new" || s === "open" || s === "backlog") return "todo";
  return null;
}

/** `Dana Ruiz <dana@x.co>` → `dana@x.co`; other handles as they are. */
export function toHandle(v: unknown): string | null {
  if (isObject(v)) return str(first(v, "id", "accountId", "account_id", "login", "userId", "user", "email"));
  const s = str(v);
  if (!s) return null;
  const angle = /<([^<>@\s]+@[^<>\s]+)>/.exec(s);
  if (angle) return angle[1]!.toLowerCase();
  return /^[^@\s]+@[^@\s]+$/.test(s) ? s.toLowerCase() : s;
}

/** `a <x@y>, "B, C" <z@w>` split at the commas that are not inside `<…>`, in one pass. */
function splitOutsideAngles(text: string): string[] {
  const parts: string[] = [];
  let inside = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "<") inside = true;
    else if (ch === ">") inside = false;
    else if (ch === "," && !inside) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function toHandles(v: unknown): string[] {
  const list = typeof v === "string" ? splitOutsideAngles(v) : Array.isArray(v) ? v : [];
  return list.map(toHandle).filter((h): h is string => h !== null);
}

function toReactions(v: unknown): ItemMetaFacts["reactions"] {
  if (Array.isArray(v)) {
    return v.filter(isObject).flatMap((r) => {
      const name = str(first(r, "name", "emoji", "reaction", "reactionType", "content"));
      if (!name) return [];
      const users = first(r, "users", "by", "userIds", "user");
      const by = Array.isArray(users) ? toHandles(users) : toHandles(users === undefined ? [] : [users]);
      const count = typeof r.count === "number" ? r.count : Math.max(by.length, 1);
      return [{ name, by, count }];
    });
  }
  if (isObject(v)) {
    return Object.entries(v)
      .filter(
        ([name, count]) => typeof count === "number" && count > 0 && name !== "total_count" && name !== "url",
      )
      .map(([name, count]) => ({ name, by: [], count: count as number }));
  }
  return [];
}

function isAutomated(meta: Json): boolean {
  if (first(meta, "isBot", "bot", "automated", "autoReply") === true) return true;
  if (meta.subtype === "bot_message") return true;
  const headers = isObject(meta.headers) ? meta.headers : {};
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const submitted = str(first(meta, "autoSubmitted") ?? lower["auto-submitted"]);
  if (submitted && submitted.toLowerCase() !== "no") return true;
  return lower["x-autoreply"] !== undefined || lower["x-autorespond"] !== undefined;
}

/** Reads the facts the rules use from an item's `meta`. Unknown or malformed values read as absent. */
export function toItemMetaFacts(kind: string, meta: unknown): ItemMetaFacts {
  if (!isObject(meta)) return { ...NO_FACTS, mentions: [], to: [], reactions: [] };
  const headers = isObject(meta.headers) ? meta.headers : {};
  const deploymentLike = kind === "deployment";
  const mergedAt = toDate(first(meta, "mergedAt", "merged_at"));
  return {
    reviewState: toReviewState(
      first(meta, "reviewState", "review_state") ?? (kind === "review" ? meta.state : null),
    ),
    statusFrom: str(first(meta, "statusFrom", "fromStatus", "from")),
    statusTo: str(first(meta, "statusTo", "toStatus")) ?? (kind === "status_change" ? str(meta.to) : null),
    statusToCategory: toStatusCategory(first(meta, "statusToCategory", "toCategory", "categoryTo")),
    labelsAdded: Array.isArray(meta.labelsAdded)
      ? meta.labelsAdded.filter((l): l is string => typeof l === "string")
      : [],
    deploymentState:
      str(
        first(meta, "deploymentState") ?? (deploymentLike ? first(meta, "state", "status") : null),
      )?.toLowerCase() ?? null,
    environment: str(first(meta, "environment", "env")),
    release:
      meta.release === true || meta.type === "release" || (deploymentLike && str(meta.tagName) !== null),
    merged: meta.merged === true || mergedAt !== null,
    mergedAt,
    draft: first(meta, "draft", "isDraft") === true,
    reactions: toReactions(meta.reactions),
    mentions: toHandles(meta.mentions),
    to: toHandles(
      kind === "status_change" ? (headers.to ?? headers.To) : (first(meta, "to") ?? headers.to ?? headers.To),
    ),
    automated: isAutomated(meta),
    unverifiedSender: meta.senderVerified === false,
    threadResolved: meta.threadResolved === true,
  };
}
