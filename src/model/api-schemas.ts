/**
 * The HTTP API's shapes, as the contract states them (Task, Item, Flag, Person, the error body) and the
 * queries and bodies each route takes. The routes declare them with `createRoute`, so `/openapi.json`
 * documents exactly what is validated; tests parse answers with the same schemas.
 */
import { z } from "@hono/zod-openapi";
import { FLAG_KINDS, ITEM_KINDS } from "./kinds.ts";

/**
 * A source's id. A string rather than an enum: the sources are the connector registry's (`jira`, `github`,
 * `gmail`, `teams`, `slack` in this product), and the API answers for whichever are registered.
 */
const SourceIdSchema = z.string().openapi({
  description: "The source's id, as its connector is registered (the document's description lists them).",
  example: "jira",
});

const isoTime = (description: string) =>
  z.iso
    .datetime()
    .openapi({ description: `${description} (ISO 8601, UTC)`, example: "2025-03-10T09:00:00.000Z" });

export const PersonSchema = z
  .object({
    id: z.string().openapi({ example: "p_3f9a2c41d07be815" }),
    name: z.string().openapi({ example: "Dana Whitfield" }),
    email: z.string().nullable().openapi({ example: "dana@acme.dev" }),
  })
  .openapi("Person", {
    description: "One person across every source. A person merged into another is shown as the survivor.",
  });
export type Person = z.infer<typeof PersonSchema>;

// A union rather than `PersonSchema.nullable()`: zod-to-openapi would otherwise register the `Person`
// component itself as nullable, wherever it is used.
const PersonOrNull = z.union([PersonSchema, z.null()]);

export const FlagSchema = z
  .object({
    id: z.string().openapi({ description: "Names the flag for snoozing or dismissing it." }),
    kind: z.enum(FLAG_KINDS),
    taskKey: z.string().openapi({ example: "FAL-12" }),
    since: isoTime("When the problem was first seen"),
    reason: z.string().openapi({ description: "One sentence a person can act on." }),
    evidence: z.array(z.string()).openapi({ description: "Ids of the items that caused the flag." }),
    owner: PersonOrNull.openapi({
      description:
        "Who answers for the task (its assignee, else its author or reporter); null when nobody is known.",
    }),
    waitingOn: z.array(PersonSchema).openapi({
      description:
        "The team members who must move now: a requested reviewer who has not approved, the people a question or approval request was put to (by @-mention, an email's To, or a direct reply). Never the person who asked, never a bot or anyone outside the team; empty when the owner is the one to move.",
    }),
  })
  .openapi("Flag", { description: "A reason a task is stuck." });
export type Flag = z.infer<typeof FlagSchema>;

export const TaskSchema = z
  .object({
    key: z
      .string()
      .openapi({ description: "`PROJ-123` (Jira) or `owner/repo#12` (GitHub)", example: "FAL-12" }),
    title: z.string(),
    status: z.string().openapi({ description: "The status as the source names it.", example: "In Review" }),
    source: SourceIdSchema,
    url: z.string(),
    assignee: PersonOrNull,
    updatedAt: isoTime("Last change of the task itself"),
    lastActivityAt: isoTime("Newest activity on the task or anything linked to it"),
    flags: z.array(FlagSchema).openapi({ description: "The task's open flags, oldest first." }),
  })
  .openapi("Task");
export type Task = z.infer<typeof TaskSchema>;

export const ItemSchema = z
  .object({
    id: z.string().openapi({ example: "slack:C024BE91L/1710061200.000100" }),
    source: SourceIdSchema,
    kind: z.enum(ITEM_KINDS),
    taskKey: z.string().nullable().openapi({
      description:
        "The task whose timeline this is, or the pull request an item of that task's pull request came through; null when unlinked.",
    }),
    author: PersonOrNull,
    at: isoTime("When it happened"),
    text: z.string(),
    url: z.string().nullable(),
    threadId: z.string().nullable(),
  })
  .openapi("Item", { description: "A comment, review, email, chat message, status change or deployment." });
export type Item = z.infer<typeof ItemSchema>;

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "bad_request" }),
      message: z.string().openapi({ example: "query limit: limit must be a whole number from 1 to 200" }),
    }),
  })
  .openapi("Error");
export type ErrorBody = z.infer<typeof ErrorSchema>;

// ---------------------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------------------

export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;

const limitParam = z.coerce
  .number({ error: `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}` })
  .int({ error: `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}` })
  .min(1, { error: `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}` })
  .max(MAX_PAGE_SIZE, { error: `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}` })
  .default(DEFAULT_PAGE_SIZE)
  .openapi({
    param: { name: "limit", in: "query" },
    description: `How many a page holds (1 to ${MAX_PAGE_SIZE}, default ${DEFAULT_PAGE_SIZE}).`,
    type: "integer",
    minimum: 1,
    maximum: MAX_PAGE_SIZE,
    default: DEFAULT_PAGE_SIZE,
  });

const flagKindParam = (name: string) =>
  z
    .enum(FLAG_KINDS, { error: `${name} must be one of ${FLAG_KINDS.join(", ")}` })
    .optional()
    .openapi({ param: { name, in: "query" } });

/**
 * A page cursor: the opaque `nextCursor` of the previous page, checked by `isCursor` so a mangled one is a
 * 400 naming `cursor` rather than a database error.
 */
export const cursorParam = (isCursor: (value: string) => boolean) =>
  z
    .string()
    .refine(isCursor, {
      error: "cursor is not one this API gave out: pass nextCursor from the previous page as it is",
    })
    .optional()
    .openapi({ param: { name: "cursor", in: "query" }, description: "`nextCursor` of the previous page." });

// PostgreSQL text cannot hold U+0000: an id or text with one is refused here, not left to fail its query.
const hasNoNul = (value: string) => !value.includes("\u0000");
const noNul = (field: string) => ({ error: `${field} must not contain the character U+0000` });

export const taskListQuerySchema = (isCursor: (value: string) => boolean) =>
  z.object({
    flag: flagKindParam("flag").openapi({ description: "Only tasks with an open flag of this kind." }),
    q: z
      .string()
      .max(500, { error: "q must be at most 500 characters" })
      .refine(hasNoNul, noNul("q"))
      .optional()
      .openapi({
        param: { name: "q", in: "query" },
        description:
          "Words to find in the task key, title or the text of its items (web-search syntax), or a key prefix such as `FAL-12`.",
      }),
    limit: limitParam,
    cursor: cursorParam(isCursor),
  });

export const FlagListQuerySchema = z.object({
  kind: flagKindParam("kind").openapi({ description: "Only flags of this kind." }),
  for: z
    .string()
    .trim()
    .min(1)
    .max(320, { error: "for must be at most 320 characters" })
    .refine(hasNoNul, noNul("for"))
    .refine((v) => v.toLowerCase() === "me" || /^[^\s@]+@[^\s@]+$/.test(v), {
      error: "for must be an email address, or `me`",
    })
    .optional()
    .openapi({
      param: { name: "for", in: "query" },
      description:
        "Only the flags this person owns or that wait on them: an email address, matched ignoring case against people's own addresses and every address of their identities in each source, through merges. `me` is the caller: the personal token's person. The deployment's `THREADLINE_API_TOKEN` acts as nobody, so `me` is refused (400) with that token.",
      example: "dana@acme.dev",
    }),
});

export const FlagParamsSchema = z.object({
  id: z
    .string()
    .min(1)
    .refine(hasNoNul, noNul("id"))
    .openapi({
      param: { name: "id", in: "path" },
      description: "The flag's `id`.",
      example: "f_Qm3t0pXv1aZcR8yL",
    }),
});

/** `2025-03-20` (the start of that day in the team's time zone) or an ISO 8601 time with its offset. */
const SNOOZE_UNTIL = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/;

/** A real date or time: `Date` would read 2025-02-30 as 2 March. */
function isSnoozeUntil(v: string): boolean {
  if (!SNOOZE_UNTIL.test(v)) return false;
  const day = v.slice(0, 10);
  const parsed = new Date(`${day}T00:00:00Z`);
  return (
    !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(day) && !Number.isNaN(Date.parse(v))
  );
}

export const SnoozeBodySchema = z
  .object({
    until: z
      .string({ error: "until is required: a date (YYYY-MM-DD) or an ISO 8601 time" })
      .trim()
      .refine(isSnoozeUntil, {
        error:
          "until must be a date (YYYY-MM-DD) or an ISO 8601 time with its offset, such as 2025-03-20T09:00:00Z",
      })
      .openapi({
        description:
          "When the flag shows again (if it is still raised then): a date, meaning the start of that day in the team's time zone (`THREADLINE_TIMEZONE`), or an ISO 8601 time. Must be in the future.",
        example: "2025-03-20",
      }),
  })
  .openapi("SnoozeRequest");

export const DismissBodySchema = z
  .object({
    reason: z
      .string({ error: "reason is required: say why the flag does not apply" })
      .trim()
      .min(1, { error: "reason is required: say why the flag does not apply" })
      .max(1000, { error: "reason must be at most 1000 characters" })
      .refine(hasNoNul, noNul("reason"))
      .openapi({
        description: "Why the flag does not apply.",
        example: "Client confirmed by phone; no reply needed.",
      }),
  })
  .openapi("DismissRequest");

export const itemListQuerySchema = (isCursor: (value: string) => boolean) =>
  z.object({
    unlinked: z
      .literal("true", { error: "unlinked must be true: only items on no task are listed here" })
      .openapi({
        param: { name: "unlinked", in: "query" },
        description: "`true`: items on no task (discussed but never put on a task), newest first.",
      }),
    limit: limitParam,
    cursor: cursorParam(isCursor),
  });

export const TaskKeyParamsSchema = z.object({
  key: z
    .string()
    .min(1)
    .refine(hasNoNul, noNul("key"))
    .openapi({
      param: { name: "key", in: "path" },
      description: "The task key, URL-encoded: `owner/repo#12` is sent as `owner%2Frepo%2312`.",
      example: "FAL-12",
    }),
});

export const TaskItemParamsSchema = TaskKeyParamsSchema.extend({
  itemId: z
    .string()
    .min(1)
    .refine(hasNoNul, noNul("itemId"))
    .openapi({ param: { name: "itemId", in: "path" }, description: "The item id, URL-encoded." }),
});

export const LinkBodySchema = z
  .object({
    itemId: z.string().min(1, { error: "itemId is required" }).refine(hasNoNul, noNul("itemId")),
  })
  .openapi("LinkRequest");

export const PersonParamsSchema = z.object({
  id: z
    .string()
    .min(1)
    .refine(hasNoNul, noNul("id"))
    .openapi({ param: { name: "id", in: "path" }, description: "The person merged away." }),
});

export const MergeBodySchema = z
  .object({ into: z.string().min(1, { error: "into is required" }).refine(hasNoNul, noNul("into")) })
  .openapi("MergeRequest", { description: "The person who survives the merge." });

// ---------------------------------------------------------------------------------------------------------
// Answers
// ---------------------------------------------------------------------------------------------------------

const nextCursor = z
  .string()
  .nullable()
  .openapi({ description: "Pass as `cursor` for the next page; null on the last page." });

export const TaskListSchema = z.object({ tasks: z.array(TaskSchema), nextCursor }).openapi("TaskList");
/** A write of an action on one of the task's flags whose item has not arrived by sync or push yet. */
export const PendingWriteSchema = z
  .object({
    actionId: z.string(),
    flagId: z.string(),
    action: z.string().openapi({ example: "record" }),
    by: z.string().openapi({ description: "Who acted: an email, or `admin`." }),
    at: isoTime("When the person acted"),
    source: SourceIdSchema,
    kind: z
      .string()
      .openapi({ description: "`comment`, `reply`, `draft_reply`, `assign`, `request_review` or `reopen`." }),
    where: z.string().openapi({ example: "a comment on ACME-12 in Jira" }),
    text: z.string(),
    url: z
      .string()
      .nullable()
      .openapi({ description: "The written record, once the source answered; else where it goes." }),
  })
  .openapi("PendingWrite", {
    description:
      "Shown on the timeline at once, until the item it made arrives with the next sync or push (then it is an item like any other).",
  });

export const TimelineSchema = z
  .object({
    task: TaskSchema,
    items: z.array(ItemSchema),
    pending: z.array(PendingWriteSchema).openapi({
      description:
        "Writes of actions taken on the task's flags whose items have not arrived yet, oldest first.",
    }),
  })
  .openapi("Timeline");
export const FlagListSchema = z.object({ flags: z.array(FlagSchema) }).openapi("FlagList");
export const FlagStateSchema = z
  .object({
    flag: FlagSchema,
    state: z.enum(["snoozed", "dismissed"]),
    snoozedUntil: z
      .string()
      .nullable()
      .openapi({ description: "When a snoozed flag shows again (ISO 8601, UTC)." }),
    by: z.string().openapi({ description: "Who snoozed or dismissed it." }),
    reason: z.string().nullable().openapi({ description: "Why it was dismissed." }),
    at: z.string().openapi({ description: "When it was snoozed or dismissed (ISO 8601, UTC)." }),
  })
  .openapi("FlagStateChange", {
    description:
      "A flag after a snooze or dismissal. A snoozed flag shows again when its snooze ends; a dismissed one when evidence newer than the dismissal arrives.",
  });
export const ItemListSchema = z.object({ items: z.array(ItemSchema), nextCursor }).openapi("ItemList");
export const PersonAnswerSchema = z.object({ person: PersonSchema }).openapi("PersonAnswer");
