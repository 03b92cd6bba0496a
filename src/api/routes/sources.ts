import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { SourceSetup } from "../../model/source-status.ts";
import { loadSourceStatuses } from "../../store/load-source-statuses.ts";
import type { RouteDeps } from "../deps.ts";
import { ApiError } from "../errors.ts";
import { bearer, errorResponses } from "../openapi.ts";
import { validationHook } from "../validation.ts";

const Time = z.string().nullable().openapi({ format: "date-time" });

const PushSchema = z
  .object({
    kind: z.enum(["webhook", "subscription"]),
    state: z.string().openapi({
      description:
        "Webhook: `receiving` once a verified delivery came. Subscription: its state, or `expired`.",
    }),
    lastDeliveryAt: Time.openapi({ description: "When the source's last verified push arrived." }),
    expiresAt: Time.openapi({ description: "When the subscription ends unless renewed; null for webhooks." }),
  })
  .openapi("SourcePush");

export const SourceStatusSchema = z
  .object({
    source: z.string(),
    scope: z.string().nullable().openapi({
      description: "A project, repository, mailbox or channel; null for the source as a whole.",
    }),
    state: z.enum(["ok", "failing", "rate_limited", "disabled"]),
    lastSuccessAt: Time.openapi({ description: "The end of the last pass that read it to its end." }),
    lastError: z.string().nullable().openapi({ description: "Why it is failing or waiting; null when ok." }),
    errorKind: z.string().nullable().openapi({
      description:
        "`auth`, `unreachable`, `forbidden`, `not_found`, `rate_limit`, `transient`, `config` or `invalid`.",
    }),
    action: z.string().nullable().openapi({ description: "What to do about it, in one sentence." }),
    rateLimitedUntil: Time.openapi({
      description: "While rate-limited: when the source accepts requests again.",
    }),
    nextRunAt: Time.openapi({
      description: "When the schedule runs the next pass; null when passes run on request.",
    }),
    lastPassAt: Time,
    itemsSeen: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "Items the last pass read from the scope." }),
    push: PushSchema.nullable(),
  })
  .openapi("SourceStatus");

const listSourcesRoute = createRoute({
  method: "get",
  path: "/sources",
  tags: ["sources"],
  summary: "Each source and scope: state, last successful pass, next pass, push state",
  description:
    "What `threadline status --json` prints. Every registered source, in the registry's order, each with its scopes: `disabled` without credentials, `failing` with the error and what to do, `rate_limited` with the time the limit resets, otherwise `ok`. Admins only: the deployment's token, or a personal token of an admin (`THREADLINE_ADMINS`).",
  security: bearer,
  responses: {
    200: {
      description: "The sources.",
      content: { "application/json": { schema: z.object({ sources: z.array(SourceStatusSchema) }) } },
    },
    ...errorResponses(401, 403),
  },
});

/** `GET /sources`: the same lines as `threadline status`. */
export function createSourceRoutes(deps: RouteDeps & { sourceSetups: readonly SourceSetup[] }) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.openapi(listSourcesRoute, async (c) => {
    if (deps.isAdmin && !deps.isAdmin(c)) {
      throw new ApiError(403, "forbidden", "Only an admin of Threadline can see the sources' state.");
    }
    const sources = await loadSourceStatuses(deps.db, deps.sourceSetups, deps.now());
    return c.json({ sources }, 200);
  });
  return app;
}
