import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { ItemListSchema, itemListQuerySchema } from "../../model/api-schemas.ts";
import { loadUnlinkedItems } from "../../store/task-queries.ts";
import { decodeItemCursor, encodeItemCursor, isItemCursor } from "../cursor.ts";
import type { RouteDeps } from "../deps.ts";
import { badRequest } from "../errors.ts";
import { bearer, errorResponses } from "../openapi.ts";
import { validationHook } from "../validation.ts";

const listUnlinked = createRoute({
  method: "get",
  path: "/items",
  tags: ["items"],
  summary: "Items on no task: discussed but never put on a task",
  description:
    "Items not deleted that no link puts on an existing task, newest first; `taskKey` is null. Put one on a task with `POST /api/tasks/{key}/links`.",
  security: bearer,
  request: { query: itemListQuerySchema(isItemCursor) },
  responses: {
    200: { description: "A page of items.", content: { "application/json": { schema: ItemListSchema } } },
    ...errorResponses(400, 401),
  },
});

/** `/items`: items no task holds. */
export function createItemRoutes(deps: RouteDeps) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.openapi(listUnlinked, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const after = cursor === undefined ? undefined : decodeItemCursor(cursor);
    if (after === null) throw badRequest("query cursor: not a cursor this API gave out");
    const reader = deps.reader ? await deps.reader(c) : null;
    const page = await loadUnlinkedItems(deps.db, { limit, after, reader });
    return c.json({ items: page.rows, nextCursor: page.next ? encodeItemCursor(page.next) : null }, 200);
  });
  return app;
}
