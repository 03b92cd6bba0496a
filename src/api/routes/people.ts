import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { MergeBodySchema, PersonAnswerSchema, PersonParamsSchema } from "../../model/api-schemas.ts";
import { mergePeople } from "../../store/people-merge.ts";
import type { RouteDeps } from "../deps.ts";
import { ApiError, badRequest, notFound } from "../errors.ts";
import { bearer, errorResponses } from "../openapi.ts";
import { validationHook } from "../validation.ts";

const merge = createRoute({
  method: "post",
  path: "/people/{id}/merge",
  tags: ["people"],
  summary: "Merge a person into another: two accounts of one human",
  description:
    "Everything that named `{id}` (identities, assignees, reporters, authors, flag owners) names `into` afterwards, and `{id}` is shown as `into` from then on. Kept by every later sync. Merging again into the same person changes nothing. Admins only, as in the web view: the deployment's token, or a personal `write` token of an admin (`THREADLINE_ADMINS`); anyone else's gets 403.",
  security: bearer,
  request: {
    params: PersonParamsSchema,
    body: { required: true, content: { "application/json": { schema: MergeBodySchema } } },
  },
  responses: {
    200: { description: "The survivor.", content: { "application/json": { schema: PersonAnswerSchema } } },
    ...errorResponses(400, 401, 403, 404),
  },
});

/** `/people`: merging people by hand. */
export function createPeopleRoutes(deps: RouteDeps) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.openapi(merge, async (c) => {
    if (deps.isAdmin && !deps.isAdmin(c)) {
      throw new ApiError(403, "forbidden", "Only an admin of Threadline can merge people.");
    }
    const { id } = c.req.valid("param");
    const { into } = c.req.valid("json");
    const result = await mergePeople(deps.db, { from: id, into, now: deps.now() });
    if (result.status === "not_found") throw notFound(`No person ${result.personId}.`);
    if (result.status === "invalid") throw badRequest(result.message);
    await deps.tasksChanged(result.taskKeys, { method: c.req.method, path: c.req.path });
    return c.json({ person: result.person }, 200);
  });
  return app;
}
