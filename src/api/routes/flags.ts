import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { toWorkingCalendar } from "../../flags/rules/calendar.ts";
import {
  DismissBodySchema,
  ErrorSchema,
  FlagListQuerySchema,
  FlagListSchema,
  FlagParamsSchema,
  FlagStateSchema,
  SnoozeBodySchema,
} from "../../model/api-schemas.ts";
import { loadVisibleFlags } from "../../store/flag-queries.ts";
import { dismissFlag, FlagStateError, type StoredFlag, snoozeFlag } from "../../store/flag-store.ts";
import type { RouteDeps } from "../deps.ts";
import { ApiError, badRequest, notFound } from "../errors.ts";
import { bearer, errorResponses } from "../openapi.ts";
import { validationHook } from "../validation.ts";

const listFlags = createRoute({
  method: "get",
  path: "/flags",
  tags: ["flags"],
  summary: "What is stuck: every open flag, oldest first",
  description:
    "Open flags, and snoozed ones whose snooze has ended, of tasks not deleted; ordered by `since`. With `for`, only the flags a person owns or that wait on them (`waitingOn`).",
  security: bearer,
  request: { query: FlagListQuerySchema },
  responses: {
    200: { description: "The open flags.", content: { "application/json": { schema: FlagListSchema } } },
    ...errorResponses(400, 401),
  },
});

const conflict = {
  409: {
    description: "The flag is resolved (its condition went away): there is nothing to snooze or dismiss.",
    content: { "application/json": { schema: ErrorSchema } },
  },
};

const stateAnswer = (what: string) => ({
  200: {
    description: `The flag, ${what}.`,
    content: { "application/json": { schema: FlagStateSchema } },
  },
});

const snooze = createRoute({
  method: "post",
  path: "/flags/{id}/snooze",
  tags: ["flags"],
  summary: "Hide a flag until a date",
  description:
    "The flag leaves `GET /api/flags` and the tasks' flags until `until`, and shows again from then if it is still raised. Who snoozed it is recorded: the personal token's person (their email), or `admin` for the deployment's token. Snoozing again moves the date.",
  security: bearer,
  request: {
    params: FlagParamsSchema,
    body: { required: true, content: { "application/json": { schema: SnoozeBodySchema } } },
  },
  responses: { ...stateAnswer("snoozed"), ...errorResponses(400, 401, 403, 404), ...conflict },
});

const dismiss = createRoute({
  method: "post",
  path: "/flags/{id}/dismiss",
  tags: ["flags"],
  summary: "Dismiss a flag that does not apply",
  description:
    "The flag leaves the lists until evidence newer than the dismissal arrives (a new reply, a new review, another message): then it shows again. The reason and who dismissed it are recorded: the personal token's person (their email), or `admin` for the deployment's token.",
  security: bearer,
  request: {
    params: FlagParamsSchema,
    body: { required: true, content: { "application/json": { schema: DismissBodySchema } } },
  },
  responses: { ...stateAnswer("dismissed"), ...errorResponses(400, 401, 403, 404), ...conflict },
});

export interface FlagRouteOptions {
  /**
   * The team's IANA time zone (`THREADLINE_TIMEZONE`): a snooze `until` a date ends when that day starts
   * there. Default UTC.
   */
  timeZone?: string;
}

/** `/flags`: what is stuck, and snoozing or dismissing it. */
export function createFlagRoutes(deps: RouteDeps, options: FlagRouteOptions = {}) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  const calendar = toWorkingCalendar({
    timeZone: options.timeZone ?? "UTC",
    workingDays: [1, 2, 3, 4, 5],
    holidays: [],
  });

  const actor = deps.actor ?? (() => "admin");
  const readerOf = deps.reader ?? (async () => null);

  app.openapi(listFlags, async (c) => {
    const query = c.req.valid("query");
    let forEmail = query.for;
    if (forEmail?.toLowerCase() === "me") {
      const caller = deps.callerEmail?.(c) ?? null;
      if (!caller) {
        throw badRequest(
          "query for: `me` needs a token that acts as a person, and this one acts as nobody; pass the person's email instead (for=dana@acme.dev)",
        );
      }
      forEmail = caller;
    }
    const flags = await loadVisibleFlags(deps.db, {
      kind: query.kind,
      now: deps.now(),
      reader: await readerOf(c),
      ...(forEmail !== undefined ? { forEmail } : {}),
    });
    return c.json({ flags }, 200);
  });

  /** The answer to a state change: the flag as the API shows it, and what was recorded. */
  const answer = async (c: Context, stored: StoredFlag) => {
    const [flag] = await loadVisibleFlags(deps.db, {
      ids: [stored.id],
      now: deps.now(),
      reader: await readerOf(c),
    });
    if (!flag) throw notFound(`No flag ${stored.id}.`);
    return {
      flag,
      state: stored.state === "snoozed" ? ("snoozed" as const) : ("dismissed" as const),
      snoozedUntil: stored.snoozedUntil?.toISOString() ?? null,
      by: stored.stateBy ?? "api",
      reason: stored.stateReason,
      at: (stored.stateAt ?? stored.updatedAt).toISOString(),
    };
  };

  app.openapi(snooze, async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const now = deps.now();
    const until = body.until.length === 10 ? calendar.startOfDate(body.until) : new Date(body.until);
    if (!(until > now)) {
      throw badRequest(
        `body until: ${until.toISOString()} has passed; a snooze must end in the future (dismiss the flag instead to hide it until something new happens)`,
      );
    }
    const stored = await changeState(() => snoozeFlag(deps.db, id, until, actor(c), now));
    return c.json(await answer(c, stored), 200);
  });

  app.openapi(dismiss, async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const stored = await changeState(() => dismissFlag(deps.db, id, body.reason, actor(c), deps.now()));
    return c.json(await answer(c, stored), 200);
  });

  return app;
}

/** A store refusal as the API's error: an unknown flag is a 404, a resolved one a 409. */
async function changeState(work: () => Promise<StoredFlag>): Promise<StoredFlag> {
  try {
    return await work();
  } catch (err) {
    if (!(err instanceof FlagStateError)) throw err;
    const message = err.message.replace(/^\[threadline\] \[flags\] /, "");
    if (err.kind === "not_found") throw notFound(`No ${message.replace(/^no /, "")}.`);
    throw new ApiError(409, "conflict", `${message[0]!.toUpperCase()}${message.slice(1)}.`);
  }
}
