import type { MiddlewareHandler } from "hono";
import { timingSafeEqual } from "hono/utils/buffer";
import { errorBody } from "./errors.ts";

/**
 * Requires `Authorization: Bearer <token>`. The comparison is constant-time (it hashes both sides first),
 * so the answer's timing says nothing about how much of a guess was right.
 */
export function requireBearerToken(token: string): MiddlewareHandler {
  return async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(.+)$/i.exec(header);
    const given = match?.[1]?.trim() ?? "";
    if (!given || !(await timingSafeEqual(given, token))) {
      c.header("WWW-Authenticate", 'Bearer realm="threadline"');
      return c.json(
        errorBody("unauthorized", "Send Authorization: Bearer <THREADLINE_API_TOKEN> to use /api."),
        401,
      );
    }
    await next();
  };
}
