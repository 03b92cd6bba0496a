import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { SourceId } from "../../model/kinds.ts";
import { bearer, errorResponses } from "../openapi.ts";
import { validationHook } from "../validation.ts";

const SyncStartedSchema = z
  .object({
    ok: z.literal(true),
    startedNow: z.boolean().openapi({
      description:
        "False when this ask folded into a pass already waiting or running: one more pass follows the running one, so nothing is missed.",
    }),
    sources: z.array(z.string()).openapi({ description: "The configured sources the pass covers." }),
  })
  .openapi("SyncStarted");

const startSync = createRoute({
  method: "post",
  path: "/sync",
  tags: ["sync"],
  summary: "Start an incremental sync of every configured source",
  description:
    "Answers at once; the pass runs in the background, and the flags of the tasks it changed are evaluated again when it ends.",
  security: bearer,
  responses: {
    202: {
      description: "The pass is started or queued.",
      content: { "application/json": { schema: SyncStartedSchema } },
    },
    ...errorResponses(401, 403),
  },
});

/** Whatever runs syncs where the app is served (the Node server's `SyncService`, the Worker's `waitUntil`). */
export interface SyncStarter {
  request():
    | { startedNow: boolean; sources: SourceId[] }
    | Promise<{ startedNow: boolean; sources: SourceId[] }>;
}

/** `POST /sync`. */
export function createSyncRoutes(sync: SyncStarter) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.openapi(startSync, async (c) => {
    const { startedNow, sources } = await sync.request();
    return c.json({ ok: true as const, startedNow, sources }, 202);
  });
  return app;
}
