import { OpenAPIHono } from "@hono/zod-openapi";
import { HTTPException } from "hono/http-exception";
import { CONNECTORS, listSources } from "../../connectors/registry.ts";
import type { ActionDeps } from "../actions/service.ts";
import { DEFAULT_TEMPLATES } from "../actions/templates.ts";
import { type FlagSettings, parseFlagSettings } from "../flags/flag-settings.ts";
import type { SourceAbout } from "../model/source-about.ts";
import type { SourceSetup } from "../model/source-status.ts";
import type { Db } from "../store/db.ts";
import { createWebRoutes, type MailboxDeps, type SigninSettings } from "../web/routes.tsx";
import { createWebhookRoutes, type WebhookDeps } from "../webhooks/webhook-routes.ts";
import { apiActorOf, apiCallerEmail, apiCallerIsAdmin, apiReaderOf, requireBearerToken } from "./auth.ts";
import type { RouteDeps } from "./deps.ts";
import { ApiError, errorBody } from "./errors.ts";
import { everyAnswerHeaders, requestBodyLimits } from "./request-limits.ts";
import { createFlagActionRoutes } from "./routes/flag-actions.ts";
import { createFlagRoutes } from "./routes/flags.ts";
import { createItemRoutes } from "./routes/items.ts";
import { createPeopleRoutes } from "./routes/people.ts";
import { createSourceRoutes } from "./routes/sources.ts";
import { createSyncRoutes, type SyncStarter } from "./routes/sync.ts";
import { createTaskRoutes } from "./routes/tasks.ts";
import { validationHook } from "./validation.ts";

/** What the HTTP layer needs from its runtime; the Node server and the Worker each build one. */
export interface AppDeps {
  db: Db;
  /** The deployment's bearer token for `/api/*` (personal tokens from the settings page work too). */
  apiToken: string;
  /** The team's IANA time zone: a snooze `until` a day means that day there (default UTC). */
  timeZone?: string;
  /** The sources the web view names and colours (default: the connector registry's, `listSources()`). */
  sources?: readonly SourceAbout[];
  /** The clock, so tests and the rules see one `now`. */
  now?: () => Date;
  /** Where errors that are our fault are reported. */
  logError?: (err: unknown, context: { method: string; path: string }) => void;
  /**
   * Called after a request changed which items or people a task has (a manual link or removal, a merge),
   * once it is committed, so the flags of those tasks can be evaluated again. Its failure is logged; the
   * request still succeeds, since its change is saved.
   */
  onTasksChanged?: (taskKeys: readonly string[]) => void | Promise<void>;
  /** The flag settings: who is on the team (the People page's suggested merges). Default: the defaults. */
  flagSettings?: FlagSettings;
  /** How people sign in to the web view (default: the API token, as the local admin). */
  signin?: SigninSettings;
  /** People's own mailboxes: the Gmail OAuth client and the key that seals their grants. */
  mailboxes?: MailboxDeps;
  /** What `POST /api/sync` starts; without it the route answers 503 (nothing here can run a sync). */
  sync?: SyncStarter;
  /**
   * Acting on flags (`POST /api/flags/{id}/actions/{action}`): the sources with their settings, the message
   * templates. Default: the registry's sources, none configured (every action shows the setting it needs).
   */
  actions?: Partial<Omit<ActionDeps, "db" | "now">>;
  /** The configured sources' pushes: `POST /webhooks/{source}`; without it every push gets 404. */
  webhooks?: Omit<WebhookDeps, "db" | "now" | "logError" | "onTasksChanged">;
  /**
   * How each source is set up here (`toSourceSetups` of the environment), for `GET /api/sources` and the
   * Sources page. Default: every source of `sources`, none configured.
   */
  sourceSetups?: readonly SourceSetup[];
}

export type App = OpenAPIHono;

/** `Jira, GitHub and Slack`. */
const toNameList = (names: readonly string[]) =>
  names.length < 2 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;

/** Builds the Hono app: `/healthz`, `/openapi.json` and the authenticated `/api`. No runtime is assumed. */
export function createApp(deps: AppDeps): App {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.use("*", everyAnswerHeaders);
  app.use("*", requestBodyLimits);

  app.get("/healthz", (c) => c.json({ ok: true }));

  const now = deps.now ?? (() => new Date());
  app.use(
    "/api/*",
    requireBearerToken({
      apiToken: deps.apiToken,
      db: deps.db,
      now,
      teamDomains: deps.signin?.oidc ? deps.signin.teamDomains : undefined,
      admins: deps.signin?.admins,
    }),
  );
  const sources = deps.sources ?? listSources();

  const routeDeps: RouteDeps = {
    db: deps.db,
    now,
    callerEmail: apiCallerEmail,
    actor: apiActorOf,
    isAdmin: apiCallerIsAdmin,

    reader: (c) => apiReaderOf(c, deps.db),
    tasksChanged: async (taskKeys, request) => {
      if (!deps.onTasksChanged || taskKeys.length === 0) return;
      try {
        await deps.onTasksChanged(taskKeys);
      } catch (err) {
        deps.logError?.(err, request);
      }
    },
  };
  app.route("/api", createTaskRoutes(routeDeps));
  app.route("/api", createFlagRoutes(routeDeps, deps.timeZone ? { timeZone: deps.timeZone } : {}));
  const flagSettings = deps.flagSettings ?? parseFlagSettings(undefined, {}, sources);
  const actions: ActionDeps = {
    db: deps.db,
    now,
    connectors: CONNECTORS,
    sourceSettings: {},
    templates: DEFAULT_TEMPLATES,
    // A source's refusal or outage is the action's recorded outcome, not our fault: nothing to report here.
    log: { info: () => {}, error: () => {} },
    ...deps.actions,
    flagSettings: deps.actions?.flagSettings ?? flagSettings,
  };
  app.route("/api", createFlagActionRoutes(routeDeps, actions));
  app.route("/api", createItemRoutes(routeDeps));
  app.route("/api", createPeopleRoutes(routeDeps));
  const sourceSetups =
    deps.sourceSetups ??
    sources.map((s) => ({ id: s.id, enabled: false, configError: null, envVars: s.envVars }));
  app.route("/api", createSourceRoutes({ ...routeDeps, sourceSetups }));
  app.route(
    "/api",
    createSyncRoutes(
      deps.sync ?? {
        request: () => {
          throw new ApiError(503, "sync_unavailable", "This deployment has no sync runner configured.");
        },
      },
    ),
  );

  app.route(
    "/",
    createWebRoutes({
      ...routeDeps,
      apiToken: deps.apiToken,
      timeZone: deps.timeZone,
      sources,
      flagSettings,
      sourceSetups,
      ...(deps.signin ? { signin: deps.signin } : {}),
      ...(deps.mailboxes ? { mailboxes: deps.mailboxes } : {}),
      actions,
    }),
  );

  if (deps.webhooks) {
    app.route(
      "/",
      createWebhookRoutes({
        db: deps.db,
        now: routeDeps.now,
        ...deps.webhooks,
        ...(deps.logError ? { logError: deps.logError } : {}),
        ...(deps.onTasksChanged ? { onTasksChanged: deps.onTasksChanged } : {}),
      }),
    );
  }

  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Threadline API",
      version: "1",
      description: `Tasks, their unified timelines across ${toNameList(sources.map((s) => s.label))}, and what is stuck. An item's or task's \`source\` is one of ${sources.map((s) => `\`${s.id}\``).join(", ")}.`,
    },
    security: [{ bearer: [] }],
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description:
      "Either a personal token (`tl_pat_…`, made on the web view's settings page at `/settings/tokens`: it acts as its person, with the scopes it was given — `read` for GET only, `write` for every method — until it expires or is revoked), or the deployment's `THREADLINE_API_TOKEN` (for scripts: every scope, recorded as `admin`, acting as no person). A `read` token gets 403 on any method but GET.",
  });

  app.notFound((c) => c.json(errorBody("not_found", `No route for ${c.req.method} ${c.req.path}.`), 404));

  app.onError((err, c) => {
    if (err instanceof ApiError) return c.json(errorBody(err.code, err.message), err.status);
    if (err instanceof HTTPException) {
      // Hono's own 4xx (a body that is not JSON): the same code as our validation's.
      const code = err.status === 400 ? "bad_request" : "http_error";
      return c.json(errorBody(code, err.message || "Request failed."), err.status);
    }
    deps.logError?.(err, { method: c.req.method, path: c.req.path });
    return c.json(errorBody("internal", "Something went wrong on our side; it has been logged."), 500);
  });

  return app;
}
