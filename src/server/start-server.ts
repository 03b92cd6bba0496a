import { serve } from "@hono/node-server";
import type { Config } from "../config.ts";
import { loadFlagSettings } from "../flags/load-flag-settings.ts";
import { log } from "../log.ts";
import type { Database } from "../store/db.ts";
import { migrateDatabase } from "../store/migrate.ts";
import { openDatabase } from "../store/open-database.ts";
import { loadApiToken } from "./api-token.ts";
import { wireApp } from "./wire-app.ts";

/**
 * Runs Threadline on Node: opens and migrates the database, serves the app, and shuts down cleanly on
 * SIGINT/SIGTERM (in-flight requests finish, the database closes).
 */
export async function startServer(
  config: Config,
  options: {
    port: number;
    /** A database already open (the demo's); it is closed with the server. */
    database?: Database;
  },
): Promise<{ close(): Promise<void> }> {
  const database = options.database ?? (await openDatabase(config));
  await migrateDatabase(database);
  const { token, file } = await loadApiToken(config.apiToken, config.dataDir);
  const { app, sync } = wireApp({
    db: database.db,
    config,
    apiToken: token,
    settings: loadFlagSettings(config.env),
    log: {
      info: (message, context) => log.info(context, message),
      error: (message, err, context) => log.error({ err, ...context }, message),
    },
  });

  const server = serve({ fetch: app.fetch, port: options.port, hostname: "0.0.0.0" });
  await new Promise<void>((resolve, reject) => {
    server.once("listening", () => resolve());
    server.once("error", reject);
  });
  log.info(
    {
      url: `http://localhost:${options.port}`,
      database: database.kind === "pglite" ? "embedded" : "postgres",
      ...(file ? { apiTokenFile: file } : {}),
    },
    "threadline is serving",
  );

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sync.stop();
      await database.close();
    })();
    return closing;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    log.info({ signal }, "shutting down");
    void close().then(() => process.exit(0));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  return { close };
}
