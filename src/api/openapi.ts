import { ErrorSchema } from "../model/api-schemas.ts";

const ERROR_DESCRIPTIONS = {
  400: "The request is malformed: the message names the parameter and what is wrong.",
  401: "No valid `Authorization: Bearer <token>` header: a live personal token or `THREADLINE_API_TOKEN` (a revoked or expired token is refused).",
  403: "The token may not do this: it has the `read` scope only and this request changes data (it needs `write`), or, for a merge of people, it is not an admin's.",
  404: "No such route, or no such task, item or person.",
} as const;

/** The error answers a route documents, each in the contract's `{"error":{code,message}}` shape. */
export function errorResponses<S extends keyof typeof ERROR_DESCRIPTIONS>(...statuses: S[]) {
  const entries = statuses.map((status) => [
    status,
    { description: ERROR_DESCRIPTIONS[status], content: { "application/json": { schema: ErrorSchema } } },
  ]);
  return Object.fromEntries(entries) as {
    [K in S]: { description: string; content: { "application/json": { schema: typeof ErrorSchema } } };
  };
}

/** Every `/api` route needs the bearer token. */
export const bearer = [{ bearer: [] }];
