import type {
  ExecutionContext,
  ExportedHandler,
  ScheduledController,
  Request as WorkerRequest,
  Response as WorkerResponse,
} from "@cloudflare/workers-types";
import type { ExecutionContext as AppExecutionContext } from "hono";
import { listSources } from "../connectors/registry.ts";
import { type Config, parseConfig } from "./config.ts";
import { runScheduledDigest } from "./digest/run-digest.ts";
import { dueDigestDay } from "./digest/schedule.ts";
import { parseFlagSettings } from "./flags/flag-settings.ts";
import { wireApp } from "./server/wire-app.ts";
import type { Db } from "./store/db.ts";
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
  const database = openPostgres(url, { max: 2, serverSettings: false });
  return { config, apiToken: config.apiToken, database };
}

const consoleLog = {
  info: (message: string, context: Record<string, unknown>) => console.log("[threadline]", message, context),
  error: (message: string, err: unknown, context: Record<string, unknown>) =>
    console.error("[threadline]", message, context, err),
};

/** The period of the cron in wrangler.toml: every 15 minutes. */
const CRON_EVERY_MS = 15 * 60_000;

/** How long after the send time a cron tick still sends: four ticks of the quarter-hour cron, so one missed tick loses nothing. */
const DIGEST_WINDOW_MS = 60 * 60_000;

/** The daily digest, when SMTP_URL is set and this tick falls in the send window (the claims stop repeats). */
async function sendDigestIfDue(db: Db, config: Config, tick: Date): Promise<void> {
  if (!config.smtpUrl) return;
  const flagSettings = parseFlagSettings(undefined, config.env, listSources());
  const day = dueDigestDay(tick, { ...flagSettings, digestTime: config.digestTime }, DIGEST_WINDOW_MS);
  if (!day) return;
  await runScheduledDigest({ db, config, flagSettings, day, log: consoleLog });
}

/**
 * The request's context with every promise given to `waitUntil` kept: a push saved after its answer goes on
 * using the request's pool, so the pool may close only once all of them have settled.
 */
function trackWaitUntil(ctx: ExecutionContext): { ctx: AppExecutionContext; settled: () => Promise<void> } {
  const pending: Promise<unknown>[] = [];
  const tracked: AppExecutionContext = {
    waitUntil: (promise) => {
      pending.push(promise);
      ctx.waitUntil(promise);
    },
    passThroughOnException: () => ctx.passThroughOnException(),
    props: ctx.props,
  };
  return {
    ctx: tracked,
    settled: async () => {
      // Work that settles may have handed on more work; wait until none is left.
      for (let seen = 0; seen < pending.length; ) {
        const batch = pending.slice(seen);
        seen = pending.length;
        await Promise.allSettled(batch);
      }
    },
  };
}

export default {
  async fetch(request: WorkerRequest, env: WorkerEnv, ctx: ExecutionContext): Promise<WorkerResponse> {
    const { config, apiToken, database } = openFor(env);
    const { app, sync } = wireApp({ db: database.db, config, apiToken, log: consoleLog });
    const background = trackWaitUntil(ctx);
    try {
      // The Workers and DOM Request/Response types differ only in declarations; at run time they are one class.
      return (await app.fetch(
        request as unknown as Request,
        env,
        background.ctx,
      )) as unknown as WorkerResponse;
    } finally {
      // A push saved after its answer, or a sync that `POST /api/sync` or a push started, goes on after the
      // answer; the pool closes after them.
      ctx.waitUntil(
        background
          .settled()
          .then(() => sync.idle())
          .finally(() => database.close()),
      );
    }
  },

  async scheduled(controller: ScheduledController, env: WorkerEnv): Promise<void> {
    const { config, apiToken, database } = openFor(env);
    try {
      const { sync, subscriptions } = wireApp({
        db: database.db,
        config,
        apiToken,
        log: consoleLog,
        // The cron in wrangler.toml fires every quarter of an hour: shown as each source's next pass.
        nextPassAt: () => new Date(controller.scheduledTime + CRON_EVERY_MS),
      });
      // The cron in wrangler.toml: the subscriptions renewed or made (with a catch-up of what they may have
      // missed), one incremental pass over every configured source (a channel a live subscription keeps up to
      // date only once a day), flags after it, then the digest when its time has come (judged on fresh flags).
      // The handler returns only when all of it is done, so the runtime keeps the event (and its pool) alive
      // for it and a failed digest is the event's outcome.
      try {
        await subscriptions.maintain();
      } catch (err) {
        consoleLog.error("subscriptions failed", err, {});
      }
      // Should the subscriptions' state be unreadable, every channel is polled as it was before them.
      const scopes = await subscriptions.scheduledScopes().catch((err: unknown) => {
        consoleLog.error("subscriptions' state unreadable", err, {});
        return {};
      });
      sync.request(scopes);
      await sync.idle();
      await sendDigestIfDue(database.db, config, new Date(controller.scheduledTime));
    } finally {
      await database.close();
    }
  },
} satisfies ExportedHandler<WorkerEnv>;
