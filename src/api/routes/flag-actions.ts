import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { FLAG_ACTIONS } from "../../actions/action-types.ts";
import {
  type ActionCaller,
  type ActionDeps,
  ActionError,
  previewFlagAction,
  runFlagAction,
} from "../../actions/service.ts";
import { ErrorSchema, FlagParamsSchema } from "../../model/api-schemas.ts";
import type { RouteDeps } from "../deps.ts";
import { ApiError } from "../errors.ts";
import { bearer, errorResponses } from "../openapi.ts";
import { validationHook } from "../validation.ts";

const hasNoNul = (v: string) => !v.includes("\u0000");

const ActionParamsSchema = FlagParamsSchema.extend({
  action: z.enum(FLAG_ACTIONS).openapi({
    param: { name: "action", in: "path" },
    description:
      "What to do: `record` (feedback_off_board), `nudge` (unanswered_question), `request-review` (missing_approval), `assign` (no_owner), `confirm-deployed` or `reopen` (done_not_deployed), `chase` (blocked_external).",
    example: "record",
  }),
});

const ActionBodySchema = z
  .object({
    dryRun: z
      .boolean()
      .optional()
      .openapi({ description: "Answer the preview (what would be written, where, as whom); write nothing." }),
    idempotencyKey: z
      .string({ error: "idempotencyKey is required: a string of your choosing, the same for a retry" })
      .trim()
      .min(8, { error: "idempotencyKey must be 8 to 200 characters" })
      .max(200, { error: "idempotencyKey must be 8 to 200 characters" })
      .refine(hasNoNul, { error: "idempotencyKey must not contain NUL" })
      .openapi({
        description:
          "Chosen by the caller, one per action it means to take: a repeat with the same key (a double click, a retry after a timeout or a failure) writes nothing twice and answers the same action.",
        example: "3b0f8c1e-4f7d-4c1a-9a55-0b7f1f0e6c2a",
      }),
    text: z
      .string()
      .max(10_000, { error: "text must be at most 10000 characters" })
      .refine(hasNoNul, { error: "text must not contain NUL" })
      .optional()
      .openapi({ description: "The message as edited in the preview (default: the template's)." }),
    assignee: z
      .string()
      .max(200)
      .refine(hasNoNul, { error: "assignee must not contain NUL" })
      .optional()
      .openapi({ description: "For `assign`: the `externalId` of one of the preview's `choices`." }),
  })
  .openapi("FlagActionRequest");

const WritePersonSchema = z.object({
  source: z.string(),
  externalId: z.string(),
  name: z.string(),
  handle: z.string().nullable().optional(),
});

const PlannedWriteSchema = z
  .object({
    source: z.string(),
    kind: z.enum(["comment", "reply", "draft_reply", "assign", "request_review", "reopen"]),
    where: z.string().openapi({ example: "a comment on ACME-12 in Jira" }),
    url: z.string().nullable(),
    text: z.string(),
    people: z.array(WritePersonSchema).openapi({
      description: "Mentioned at the message's start; a draft's recipients; the assignee; the reviewers.",
    }),
  })
  .openapi("PlannedWrite");

const ActionPreviewSchema = z
  .object({
    flagId: z.string(),
    action: z.enum(FLAG_ACTIONS),
    label: z.string().openapi({ example: "Record on the task" }),
    writes: z.array(PlannedWriteSchema),
    account: z.string().nullable().openapi({ description: "As which account the writes appear." }),
    enabled: z.boolean(),
    needs: z.string().nullable().openapi({ description: "The scope the credentials lack, when disabled." }),
    reason: z.string().nullable().openapi({ description: "Why it cannot be done otherwise." }),
    editable: z.boolean(),
    choices: z.array(WritePersonSchema).openapi({ description: "For `assign`: whom to choose from." }),
  })
  .openapi("ActionPreview");

const ActionOutcomeSchema = z
  .object({
    id: z.string(),
    flagId: z.string(),
    taskKey: z.string(),
    action: z.enum(FLAG_ACTIONS),
    state: z.enum(["pending", "done", "failed"]).openapi({
      description:
        "`pending`: recorded, under way (another request with the same key is doing it); `done`; `failed` (see `retryable` and `error`).",
    }),
    retryable: z
      .boolean()
      .openapi({
        description:
          "For a failure: the same request (same key) again may succeed, and writes nothing twice.",
      }),
    error: z.string().nullable(),
    by: z.string().openapi({ description: "Who acted: the personal token's person's email, or `admin`." }),
    createdAt: z.string(),
    doneAt: z.string().nullable(),
    writes: z.array(PlannedWriteSchema),
    results: z.array(z.object({ externalId: z.string().nullable(), url: z.string().nullable() })),
  })
  .openapi("ActionOutcome");

const actOnFlag = createRoute({
  method: "post",
  path: "/flags/{id}/actions/{action}",
  tags: ["flags"],
  summary: "Act on a flag in its source (or preview it with dryRun)",
  description:
    "Does the action that resolves a flag, in the source where the conversation lives, with the source's configured credentials (see docs/actions.md). With `dryRun` it answers the preview and writes nothing. The action is recorded under `idempotencyKey` before any write: the same key again never writes twice, and finishes an action whose earlier attempt failed in a way a retry may mend. A write the credentials may not make is refused (422) before anything is written. Needs a `write` token; who acted is recorded.",
  security: bearer,
  request: {
    params: ActionParamsSchema,
    body: { required: true, content: { "application/json": { schema: ActionBodySchema } } },
  },
  responses: {
    200: {
      description:
        "With `dryRun`: the preview (an `ActionPreview`). Otherwise the action as it stands (an `ActionOutcome`): done, failed with why, or pending while another request with the same key does it.",
      content: { "application/json": { schema: z.union([ActionOutcomeSchema, ActionPreviewSchema]) } },
    },
    ...errorResponses(400, 401, 403, 404),
    409: {
      description: "The flag is resolved: there is nothing to act on.",
      content: { "application/json": { schema: ErrorSchema } },
    },
    422: {
      description:
        "The action cannot be done: the credentials lack a scope (the message names it), there is nothing to write to, no assignee was chosen, or the idempotency key was used for another action.",
      content: { "application/json": { schema: ErrorSchema } },
    },
  },
});

/** `POST /flags/{id}/actions/{action}`. */
export function createFlagActionRoutes(deps: RouteDeps, actions: Omit<ActionDeps, "db" | "now">) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  const actionDeps: ActionDeps = { ...actions, db: deps.db, now: deps.now };
  const callerOf = async (c: Context): Promise<ActionCaller> => ({
    by: deps.actor?.(c) ?? "admin",
    email: deps.callerEmail?.(c) ?? null,
    reader: (await deps.reader?.(c)) ?? null,
  });

  app.openapi(actOnFlag, async (c) => {
    const { id, action } = c.req.valid("param");
    const body = c.req.valid("json");
    const caller = await callerOf(c);
    const input = {
      ...(body.text !== undefined ? { text: body.text } : {}),
      ...(body.assignee !== undefined ? { assignee: body.assignee } : {}),
    };
    try {
      if (body.dryRun) return c.json(await previewFlagAction(actionDeps, id, action, input, caller), 200);
      const outcome = await runFlagAction(actionDeps, {
        flagId: id,
        action,
        idempotencyKey: body.idempotencyKey,
        caller,
        ...input,
      });
      return c.json(outcome, 200);
    } catch (err) {
      if (!(err instanceof ActionError)) throw err;
      if (err.kind === "not_found") throw new ApiError(404, "not_found", err.message);
      if (err.kind === "conflict") throw new ApiError(409, "conflict", err.message);
      throw new ApiError(
        422,
        err.kind === "key_reused" ? "idempotency_key_reused" : "action_unavailable",
        err.message,
      );
    }
  });
  return app;
}
