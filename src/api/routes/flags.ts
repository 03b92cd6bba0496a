import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { FlagListQuerySchema, FlagListSchema } from "../../model/api-schemas.ts";
import { loadVisibleFlags } from "../../store/flag-queries.ts";
import type { RouteDeps } from "../deps.ts";
import { bearer, errorResponses } from "../openapi.ts";
import { validationHook } from "../validation.ts";

const listFlags = createRoute({
  method: "get",
  path: "/flags",
  tags: ["flags"],
  summary: "What is stuck: every open flag, oldest first",
  description:
    "Open flags, and snoozed ones whose snooze has ended, of tasks not deleted; ordered by `since`.",
  security: bearer,
  request: { query: FlagListQuerySchema },
  responses: {
    200: { description: "The open flags.", content: { "application/json": { schema: FlagListSchema } } },
    ...errorResponses(400, 401),
  },
});

/** `/flags`: what is stuck. */
export function createFlagRoutes(deps: RouteDeps) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.openapi(listFlags, async (c) => {
    const { kind } = c.req.valid("query");
    return c.json({ flags: await loadVisibleFlags(deps.db, { kind, now: deps.now() }) }, 200);
  });
  return app;
}
