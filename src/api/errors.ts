import type { ContentfulStatusCode } from "hono/utils/http-status";

/** An error the API answers with its own status and code, in the contract's `{"error":{code,message}}` shape. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export const notFound = (message: string) => new ApiError(404, "not_found", message);
export const badRequest = (message: string) => new ApiError(400, "bad_request", message);

/** The body of every error answer. */
export const errorBody = (code: string, message: string) => ({ error: { code, message } });
