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
const first = (o: Json, keys: readonly string[]): unknown => {
  for (const k of keys) if (o[k] !== undefined && o[k] !== null) return o[k];
  return undefined;
};

/*
 * The spellings of each key, first found wins (module constants: the facts of every item read are worked out
 * without allocating a list of keys per lookup).
 */
const HANDLE_KEYS = ["id", "accountId", "account_id", "login", "userId", "user", "email"] as const;
const REACTION_NAME_KEYS = ["name", "emoji", "reaction", "reactionType", "content"] as const;
const REACTION_USER_KEYS = ["users", "by", "userIds", "user"] as const;
const AUTOMATED_KEYS = ["isBot", "bot", "automated", "autoReply"] as const;
const AUTO_SUBMITTED_KEYS = ["autoSubmitted"] as const;
const MERGED_AT_KEYS = ["mergedAt", "merged_at"] as const;
const REVIEW_STATE_KEYS = ["reviewState", "review_state"] as const;
const STATUS_FROM_KEYS = ["statusFrom", "fromStatus", "from"] as const;
const STATUS_TO_KEYS = ["statusTo", "toStatus"] as const;
const STATUS_CATEGORY_KEYS = ["statusToCategory", "toCategory", "categoryTo"] as const;
const DEPLOYMENT_STATE_KEYS = ["deploymentState"] as const;
const STATE_KEYS = ["state", "status"] as const;
const ENVIRONMENT_KEYS = ["environment", "env"] as const;
const DRAFT_KEYS = ["draft", "isDraft"] as const;
const TO_KEYS = ["to"] as const;

const EMPTY_HEADERS: Json = Object.freeze({});

/** The lists of an item without labels, reactions, mentions or recipients: one, never written to. */
const NONE: never[] = [];

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
  if (isObject(v)) return str(first(v, HANDLE_KEYS));
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
  const list = typeof v === "string" ? splitOutsideAngles(v) : Array.isArray(v) ? v : NONE;
  if (list.length === 0) return NONE;
  return list.map(toHandle).filter((h): h is string => h !== null);
}

function toReactions(v: unknown): ItemMetaFacts["reactions"] {
  if (v === undefined) return NONE;
  if (Array.isArray(v)) {
    return v.filter(isObject).flatMap((r) => {
      const name = str(first(r, REACTION_NAME_KEYS));
      if (!name) return [];
      const users = first(r, REACTION_USER_KEYS);
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
  return NONE;
}

function isAutomated(meta: Json): boolean {
  if (first(meta, AUTOMATED_KEYS) === true) return true;
  if (meta.subtype === "bot_message") return true;
  if (!isObject(meta.headers)) {
    const submitted = str(first(meta, AUTO_SUBMITTED_KEYS));
    return submitted !== null && submitted.toLowerCase() !== "no";
  }
  const lower = Object.fromEntries(Object.entries(meta.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const submitted = str(first(meta, AUTO_SUBMITTED_KEYS) ?? lower["auto-submitted"]);
  if (submitted && submitted.toLowerCase() !== "no") return true;
  return lower["x-autoreply"] !== undefined || lower["x-autorespond"] !== undefined;
}

/** Reads the facts the rules use from an item's `meta`. Unknown or malformed values read as absent. */
export function toItemMetaFacts(kind: string, meta: unknown): ItemMetaFacts {
  if (!isObject(meta)) return { ...NO_FACTS, mentions: [], to: [], reactions: [] };
  const headers: Json = isObject(meta.headers) ? meta.headers : EMPTY_HEADERS;
  const deploymentLike = kind === "deployment";
  const mergedAt = toDate(first(meta, MERGED_AT_KEYS));
  return {
    reviewState: toReviewState(first(meta, REVIEW_STATE_KEYS) ?? (kind === "review" ? meta.state : null)),
    statusFrom: str(first(meta, STATUS_FROM_KEYS)),
    statusTo: str(first(meta, STATUS_TO_KEYS)) ?? (kind === "status_change" ? str(meta.to) : null),
    statusToCategory: toStatusCategory(first(meta, STATUS_CATEGORY_KEYS)),
    labelsAdded: Array.isArray(meta.labelsAdded)
      ? meta.labelsAdded.filter((l): l is string => typeof l === "string")
      : NONE,
    deploymentState:
      str(
        first(meta, DEPLOYMENT_STATE_KEYS) ?? (deploymentLike ? first(meta, STATE_KEYS) : null),
      )?.toLowerCase() ?? null,
    environment: str(first(meta, ENVIRONMENT_KEYS)),
    release:
      meta.release === true || meta.type === "release" || (deploymentLike && str(meta.tagName) !== null),
    merged: meta.merged === true || mergedAt !== null,
    mergedAt,
    draft: first(meta, DRAFT_KEYS) === true,
    reactions: toReactions(meta.reactions),
    mentions: toHandles(meta.mentions),
    to: toHandles(
      kind === "status_change"
        ? (headers.to ?? headers.To)
        : (first(meta, TO_KEYS) ?? headers.to ?? headers.To),
    ),
    automated: isAutomated(meta),
    unverifiedSender: meta.senderVerified === false,
    threadResolved: meta.threadResolved === true,
  };
}
