import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { type Connector, ConnectorError, type SubscriptionEvent } from "../../connectors/types.ts";
import { errorBody } from "../api/errors.ts";
import type { SourceId } from "../model/kinds.ts";
import type { VerifiedPush } from "../queue/sync-enqueuer.ts";
import type { Db } from "../store/db.ts";
import type { Linker } from "../store/item-links.ts";
import { saveVerifiedDelivery } from "../store/source-states.ts";
import { loadDeliverySeen } from "../store/webhook-deliveries.ts";
import { savePush } from "../sync/push.ts";

/** A configured source that accepts pushes: its connector and the settings its webhook is verified with. */
export interface WebhookSource {
  connector: Connector;
  settings: unknown;
}

export interface WebhookDeps {
  db: Db;
  /** The configured sources by id; a push for any other gets 404. */
  sources: Partial<Record<SourceId, WebhookSource>>;
  linker: Linker;
  now: () => Date;
  /** After a push is committed: the tasks it changed, for the flag engine. */
  onTasksChanged?: (taskKeys: readonly string[]) => void | Promise<void>;
  /**
   * A push that only says "something changed" (Gmail, Graph): pull these scopes (null: all) soon. The
   * answer waits for it, so with a job queue the push is answered once the jobs are committed.
   */
  requestSync?: (source: SourceId, scopes: string[] | null) => unknown;
  /**
   * Lifecycle notifications of a source's subscriptions: reauthorize, recreate, catch up (see
   * `answerSubscriptionEvents`). Run after the answer: Graph wants one within three seconds. Without it, a
   * `missed` or `removed` event still pulls the source's scopes.
   */
  onSubscriptionEvents?: (source: SourceId, events: readonly SubscriptionEvent[]) => Promise<void>;
  /**
   * With a job queue: stores a verified push as a job and resolves once it is committed; a worker saves it.
   * Without one, the route saves the push itself.
   */
  enqueuePush?: (source: SourceId, push: VerifiedPush) => Promise<void>;
  logError?: (err: unknown, context: { method: string; path: string }) => void;
  logInfo?: (message: string, context: Record<string, unknown>) => void;
  /** How long a push may take before it is answered and saved after the answer (default 2 s). */
  ackWithinMs?: number;
}

// Jira, GitHub and Slack cap their payloads well below this (GitHub at 25 MB for a push with large diffs
// we never read); anything larger is not a webhook of theirs.
const MAX_BODY = 5 * 1024 * 1024;

// Well inside Slack's three seconds, counting the round trip.
const ACK_WITHIN_MS = 2_000;

const delay = (ms: number) =>
  new Promise<undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    timer.unref?.();
  });

/** On Workers the runtime must be told to wait for work after the answer; Node keeps running anyway. */
function keepAlive(c: Context, work: Promise<unknown>): void {
  try {
    c.executionCtx.waitUntil(work);
  } catch {
    // No execution context: a Node server, where the promise runs on.
  }
}

/**
 * `POST /webhooks/{source}`: verify the signature against the raw body, then queue what the push carries
 * (with a job queue) or save it like a page. A delivery whose id was saved in the last week is answered 200
 * and not saved again; a record older than the stored version of it changes nothing (save-page.ts), so an old
 * or replayed delivery cannot reopen, close or rewrite anything. A bad signature gets 401 and changes
 * nothing; a body the connector cannot read gets 400.
 */
export function createWebhookRoutes(deps: WebhookDeps): Hono {
  const app = new Hono();
  app.post(
    "/webhooks/:source",
    bodyLimit({
      maxSize: MAX_BODY,
      onError: (c) => c.json(errorBody("payload_too_large", "Webhook bodies are limited to 5 MB."), 413),
    }),
    async (c) => {
      const name = c.req.param("source");
      const source = Object.hasOwn(deps.sources, name) ? deps.sources[name] : undefined;
      if (!source) {
        return c.json(errorBody("not_found", `No configured source "${name}" takes webhooks here.`), 404);
      }
      const { connector, settings } = source;
      const body = await c.req.text();
      const headers: Record<string, string> = {};
      c.req.raw.headers.forEach((value, key) => {
        headers[key.toLowerCase()] = value;
      });
      const request = { url: c.req.url, headers, body, now: deps.now() };

      if (!(await connector.webhook.verify(request, settings))) {
        deps.logInfo?.("webhook rejected: bad signature", { source: name });
        return c.json(
          errorBody("unauthorized", `The ${connector.about.label} webhook signature does not match.`),
          401,
        );
      }
      try {
        await saveVerifiedDelivery(deps.db, connector.id, request.now);
      } catch (err) {
        // Only the status page's "last delivery" is lost; the push itself goes on.
        deps.logError?.(err, { method: "POST", path: c.req.path });
      }

      let result: ReturnType<typeof connector.webhook.parse>;
      try {
        result = connector.webhook.parse(request, settings);
      } catch (err) {
        if (err instanceof ConnectorError && err.kind === "invalid") {
          deps.logInfo?.("webhook skipped: unreadable body", { source: name, reason: err.message });
          return c.json(errorBody("bad_request", err.message), 400);
        }
        throw err;
      }

      switch (result.type) {
        case "reply":
          return c.body(result.body, result.status as 200, { "content-type": result.contentType });
        case "ignore":
          return c.json({ ok: true, ignored: result.reason });
        case "sync":
          await deps.requestSync?.(connector.id, result.scopes);
          return c.json({ ok: true, sync: "queued" }, 202);
        case "subscription": {
          if (result.scopes.length > 0) await deps.requestSync?.(connector.id, result.scopes);
          if (deps.onSubscriptionEvents) {
            const work = deps
              .onSubscriptionEvents(connector.id, result.events)
              .catch((err) => deps.logError?.(err, { method: "POST", path: c.req.path }));
            keepAlive(c, work);
          } else if (result.events.some((e) => e.event !== "reauthorizationRequired")) {
            await deps.requestSync?.(connector.id, null);
          }
          return c.json({ ok: true, subscription: "queued" }, 202);
        }
        case "records": {
          // A delivery saved before (a retry, a redelivery, a replay) is answered as done, and not done again.
          if (result.deliveryId && (await loadDeliverySeen(deps.db, connector.id, result.deliveryId))) {
            deps.logInfo?.("webhook skipped: delivery already saved", {
              source: name,
              deliveryId: result.deliveryId,
            });
            return c.json({ ok: true, duplicate: true });
          }
          if (deps.enqueuePush) {
            // Answered only once the job is committed: a 2xx means the push is kept, whatever happens next.
            await deps.enqueuePush(connector.id, {
              scope: result.scope,
              records: result.records,
              deletions: result.deletions,
              deliveryId: result.deliveryId,
              receivedAt: request.now,
            });
            return c.json({ ok: true, queued: true }, 202);
          }
          const work = (async () => {
            const saved = await savePush(
              deps.db,
              connector,
              { ...result, deliveryIds: [result.deliveryId] },
              {
                linker: deps.linker,
                now: request.now,
              },
            );
            if (saved.changedTaskKeys.length > 0 && deps.onTasksChanged) {
              try {
                await deps.onTasksChanged(saved.changedTaskKeys);
              } catch (err) {
                // The push is committed; flags catch up on the next sync.
                deps.logError?.(err, { method: "POST", path: c.req.path });
              }
            }
            return saved;
          })();
          const saved = await Promise.race([work, delay(deps.ackWithinMs ?? ACK_WITHIN_MS)]);
          if (!saved) {
            // Slack retries a push it has no answer to within 3 s, and GitHub marks it failed after 10 s:
            // answer now and let the save finish (the upsert makes a retry that still comes harmless).
            const rest = work.catch((err) => deps.logError?.(err, { method: "POST", path: c.req.path }));
            keepAlive(c, rest);
            return c.json({ ok: true, saving: true }, 202);
          }
          return c.json({
            ok: true,
            items: saved.itemsNew + saved.itemsUpdated + saved.itemsDeleted,
            tasks: saved.tasksNew + saved.tasksUpdated + saved.tasksDeleted,
          });
        }
      }
    },
  );
  return app;
}
