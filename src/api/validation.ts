import type { Hook } from "@hono/zod-openapi";
import { errorBody } from "./errors.ts";

/** Turns a failed zod validation of a query, path or body into a 400 that says what is wrong, and where. */
// biome-ignore lint/suspicious/noExplicitAny: the hook is shared by routes of every input and environment type
export const validationHook: Hook<any, any, any, any> = (result, c) => {
  if (result.success) return;
  const message = result.error.issues
    .map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join(".") : result.target;
      return `${result.target} ${where}: ${issue.message}`;
    })
    .join("; ");
  return c.json(errorBody("bad_request", message), 400);
};
