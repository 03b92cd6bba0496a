import type {
  ExecutionContext,
  ExportedHandler,
  ScheduledController,
  Request as WorkerRequest,
  Response as WorkerResponse,
} from "@cloudflare/workers-types";
import { createApp } from "./api/app.ts";
import { parseConfig } from "./config.ts";
import { openPostgres } from "./store/open-postgres.ts";

/** The Worker's bindings: the contract's variables as vars and secrets, and optionally a Hyperdrive binding. */
export interface WorkerEnv {
  HYPERDRIVE?: { connectionString: string };
  [name: string]: unknown;
}

function stringVars(env: WorkerEnv): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => typeof v === "string")) as Record<
    string,
    string
  >;
}

function openFor(env: WorkerEnv) {
  const config = parseConfig(stringVars(env));
  const url = env.HYPERDRIVE?.connectionString ?? config.databaseUrl;
  if (!url) throw new Error("[threadline] DATABASE_URL or a HYPERDRIVE binding is required on Workers");
  if (!config.apiToken) throw new Error("[threadline] THREADLINE_API_TOKEN is required on Workers");
  // Workers may not reuse a connection across requests: one small pool per request, closed after it.
  const database = openPostgres(url, { max: 2 });
  return { config, apiToken: config.apiToken, database };
}

export default {
  async fetch(request: WorkerRequest, env: WorkerEnv, ctx: ExecutionContext): Promise<WorkerResponse> {
    const { apiToken, database } = openFor(env);
    const app = createApp({
      db: database.db,
      apiToken,
      logError: (err, context) => console.error("[threadline] request failed", context, err),
    });
    try {
      // The Workers and DOM Request/Response types differ only in declarations; at run time they are one class.
      return (await app.fetch(request as unknown as Request, env, ctx)) as unknown as WorkerResponse;
    } finally {
      ctx.waitUntil(database.close());
    }
  },

  async scheduled(_controller: ScheduledController, env: WorkerEnv, ctx: ExecutionContext): Promise<void> {
    const { database } = openFor(env);
    // Sync and the digest join here with their issues; the handler already proves the database is reachable.
    ctx.waitUntil(database.close());
  },
} satisfies ExportedHandler<WorkerEnv>;
