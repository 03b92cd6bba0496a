import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { toPendingWrites } from "../../actions/pending-writes.ts";
import {
  ItemSchema,
  LinkBodySchema,
  TaskItemParamsSchema,
  TaskKeyParamsSchema,
  TaskListSchema,
  TimelineSchema,
  taskListQuerySchema,
} from "../../model/api-schemas.ts";
import { loadTaskActions } from "../../store/flag-actions.ts";
import { loadHiddenItemIds } from "../../store/item-audience.ts";
import { removeManualLink, saveManualLink } from "../../store/manual-links.ts";
import { loadTask, loadTaskPage, loadTimelineItems } from "../../store/task-queries.ts";
import { decodeTaskCursor, encodeTaskCursor, isTaskCursor } from "../cursor.ts";
import type { RouteDeps } from "../deps.ts";
import { badRequest, notFound } from "../errors.ts";
import { bearer, errorResponses } from "../openapi.ts";
import { validationHook } from "../validation.ts";

const listTasks = createRoute({
  method: "get",
  path: "/tasks",
  tags: ["tasks"],
  summary: "Tasks, most recently active first",
  description:
    "Tasks not deleted in their source, ordered by `lastActivityAt` (newest first), then key. Pages are walked with `nextCursor`.",
  security: bearer,
  request: { query: taskListQuerySchema(isTaskCursor) },
  responses: {
    200: { description: "A page of tasks.", content: { "application/json": { schema: TaskListSchema } } },
    ...errorResponses(400, 401),
  },
});

const timeline = createRoute({
  method: "get",
  path: "/tasks/{key}/timeline",
  tags: ["tasks"],
  summary: "A task and its items from every source, oldest first",
  security: bearer,
  request: { params: TaskKeyParamsSchema },
  responses: {
    200: {
      description: "The task and its timeline.",
      content: { "application/json": { schema: TimelineSchema } },
    },
    ...errorResponses(400, 401, 404),
  },
});

const linkItem = createRoute({
  method: "post",
  path: "/tasks/{key}/links",
  tags: ["tasks"],
  summary: "Put an item on a task by hand",
  description:
    "A manual link: kept by every later sync. Linking an item already on the task changes nothing and answers the same.",
  security: bearer,
  request: {
    params: TaskKeyParamsSchema,
    body: { required: true, content: { "application/json": { schema: LinkBodySchema } } },
  },
  responses: {
    201: {
      description: "The item as the task's timeline now shows it.",
      content: { "application/json": { schema: ItemSchema } },
    },
    ...errorResponses(400, 401, 403, 404),
  },
});

const unlinkItem = createRoute({
  method: "delete",
  path: "/tasks/{key}/links/{itemId}",
  tags: ["tasks"],
  summary: "Take an item off a task by hand",
  description: "A manual removal: no later sync puts the item back on this task. Idempotent.",
  security: bearer,
  request: { params: TaskItemParamsSchema },
  responses: {
    204: { description: "The item is off the task." },
    ...errorResponses(400, 401, 403, 404),
  },
});

/** `/tasks`: the task list, a task's timeline, and manual links. */
export function createTaskRoutes(deps: RouteDeps) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  const actor = deps.actor ?? (() => "admin");
  const readerOf = deps.reader ?? (async () => null);
  /** An item hidden from the caller is one they cannot link or unlink: as if it did not exist. */
  const refuseHidden = async (c: Context, itemId: string) => {
    const hidden = await loadHiddenItemIds(deps.db, [itemId], await readerOf(c));
    if (hidden.size > 0) throw notFound(`No item ${itemId}.`);
  };

  app.openapi(listTasks, async (c) => {
    const { flag, q, limit, cursor } = c.req.valid("query");
    const after = cursor === undefined ? undefined : decodeTaskCursor(cursor);
    if (after === null) throw badRequest("query cursor: not a cursor this API gave out");
    const reader = await readerOf(c);
    const page = await loadTaskPage(deps.db, { flag, q, limit, after, now: deps.now(), reader });
    return c.json({ tasks: page.rows, nextCursor: page.next ? encodeTaskCursor(page.next) : null }, 200);
  });

  app.openapi(timeline, async (c) => {
    const { key } = c.req.valid("param");
    const reader = await readerOf(c);
    const task = await loadTask(deps.db, key, deps.now(), reader);
    if (!task) throw notFound(`No task ${key}.`);
    const [items, actions] = await Promise.all([
      loadTimelineItems(deps.db, key, reader),
      loadTaskActions(deps.db, key),
    ]);
    return c.json({ task, items, pending: toPendingWrites(actions) }, 200);
  });

  app.openapi(linkItem, async (c) => {
    const { key } = c.req.valid("param");
    const { itemId } = c.req.valid("json");
    await refuseHidden(c, itemId);
    const result = await saveManualLink(deps.db, { taskKey: key, itemId, by: actor(c), now: deps.now() });
    if (result.status === "task_not_found") throw notFound(`No task ${key}.`);
    if (result.status !== "linked") throw notFound(`No item ${itemId}.`);
    await deps.tasksChanged([key], { method: c.req.method, path: c.req.path });
    return c.json(result.item, 201);
  });

  app.openapi(unlinkItem, async (c) => {
    const { key, itemId } = c.req.valid("param");
    await refuseHidden(c, itemId);
    const result = await removeManualLink(deps.db, { taskKey: key, itemId, by: actor(c), now: deps.now() });
    if (result.status === "task_not_found") throw notFound(`No task ${key}.`);
    if (result.status === "item_not_found") throw notFound(`No item ${itemId}.`);
    await deps.tasksChanged([key], { method: c.req.method, path: c.req.path });
    return c.body(null, 204);
  });

  return app;
}
