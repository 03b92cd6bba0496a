import type { Context, MiddlewareHandler } from "hono";
import { timingSafeEqual } from "hono/utils/buffer";
import { inDomains } from "../model/person-role.ts";
import { TOKEN_PREFIX, type TokenCaller, verifyApiToken } from "../store/api-tokens.ts";
import type { Db } from "../store/db.ts";
import { type ItemReader, loadReaderKeys } from "../store/item-audience.ts";
import { errorBody } from "./errors.ts";

/**
 * Who called `/api`: the deployment's own token (`THREADLINE_API_TOKEN`, for scripts: it acts as "admin" and
 * as no person), or a person's token from the settings page, acting as that person within its scopes.
 */
export type ApiCaller =
  | { kind: "deployment" }
  | ({ kind: "personal"; role: "admin" | "member" } & TokenCaller);

/** Per request, so the routes (mounted apps sharing the request) read what the middleware found. */
const callers = new WeakMap<Request, ApiCaller>();

export const apiCallerOf = (c: Context): ApiCaller | undefined => callers.get(c.req.raw);

/** What the store records as the author of an API change: the token's person's email, or "admin". */
export function apiActorOf(c: Context): string {
  const caller = apiCallerOf(c);
  return caller?.kind === "personal" ? caller.email : "admin";
}

/** The email `for=me` means: the token's person's; null for the deployment's token, which is nobody. */
export function apiCallerEmail(c: Context): string | null {
  const caller = apiCallerOf(c);
  return caller?.kind === "personal" ? caller.email : null;
}

/** Whether the caller may do what only admins may (merging people): the deployment's token, or an admin's. */
export function apiCallerIsAdmin(c: Context): boolean {
  const caller = apiCallerOf(c);
  return caller?.kind === "deployment" || caller?.role === "admin";
}

/**
 * Whose eyes the caller reads with: everything for the deployment's token and an admin's token; a member's
 * token sees only the items their sources show them (a private channel they are in, an email they are on).
 */
export async function apiReaderOf(c: Context, db: Db): Promise<ItemReader> {
  const caller = apiCallerOf(c);
  if (caller?.kind !== "personal" || caller.role === "admin") return null;
  return loadReaderKeys(db, caller.personId);
}

/** Methods that change nothing; every other method on `/api` needs a token with `write`. */
const READ_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export interface BearerSettings {
  /** The deployment's token. */
  apiToken: string;
  db: Db;
  now: () => Date;
  /**
   * Lower-cased email domains whose people may call the API with their own tokens, when people sign in
   * through OpenID Connect: a person who left the team loses their tokens with their sessions. Absent: no check.
   */
  teamDomains?: readonly string[] | undefined;
  /** Lower-cased emails of the admins (`THREADLINE_ADMINS`): their tokens may do what admins may. */
  admins?: readonly string[] | undefined;
}

/**
 * Requires `Authorization: Bearer <token>`: the deployment's token, compared in constant time (both sides are
 * hashed first), or a live personal token, found by its hash. A revoked or expired token is refused at once;
 * a `read` token is refused (403) on anything but a read.
 */
export function requireBearerToken(settings: BearerSettings): MiddlewareHandler {
  const unauthorized = (c: Context, message: string) => {
    c.header("WWW-Authenticate", 'Bearer realm="threadline"');
    return c.json(errorBody("unauthorized", message), 401);
  };
  return async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(.+)$/i.exec(header);
    const given = match?.[1]?.trim() ?? "";
    if (!given) {
      return unauthorized(
        c,
        "Send Authorization: Bearer <token> to use /api: a personal token from the web view's settings, or THREADLINE_API_TOKEN.",
      );
    }
    if (given.startsWith(TOKEN_PREFIX)) {
      const caller = await verifyApiToken(settings.db, given, settings.now());
      if (!caller) {
        return unauthorized(
          c,
          "This personal token is unknown, revoked or expired: make a new one on the web view's settings page.",
        );
      }
      if (settings.teamDomains && !inDomains(caller.email, settings.teamDomains)) {
        return unauthorized(c, `${caller.email} is no longer a team address, so its tokens no longer work.`);
      }
      if (!READ_METHODS.has(c.req.method) && !caller.scopes.includes("write")) {
        return c.json(
          errorBody(
            "forbidden",
            `This token has the read scope only; ${c.req.method} ${c.req.path} changes data and needs a token with the write scope.`,
          ),
          403,
        );
      }
      const role = settings.admins?.includes(caller.email.toLowerCase()) ? "admin" : "member";
      callers.set(c.req.raw, { kind: "personal", role, ...caller });
      return next();
    }
    if (!(await timingSafeEqual(given, settings.apiToken))) {
      return unauthorized(
        c,
        "Send Authorization: Bearer <token> to use /api: a personal token from the web view's settings, or THREADLINE_API_TOKEN.",
      );
    }
    callers.set(c.req.raw, { kind: "deployment" });
    await next();
  };
}
