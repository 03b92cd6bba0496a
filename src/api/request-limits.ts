import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { isHttps } from "../web/session.ts";
import { errorBody } from "./errors.ts";

/** Forms of the web view: a CSRF token, a few fields, a note. */
export const FORM_BODY_LIMIT = 64 * 1024;
/** `/api`: a merge, a snooze, an action's text. */
export const API_BODY_LIMIT = 1024 * 1024;

const limitFor = (limit: number, what: string) =>
  bodyLimit({
    maxSize: limit,
    onError: (c) =>
      c.json(errorBody("payload_too_large", `${what} bodies are limited to ${limit / 1024} KB.`), 413),
  });

const apiLimit = limitFor(API_BODY_LIMIT, "API request");
const formLimit = limitFor(FORM_BODY_LIMIT, "Form");

/**
 * A size limit on every request body, judged on `Content-Length` before anything reads it and counted while
 * a chunked body streams: the API takes 1 MB, the web's forms 64 KB. Webhooks keep their own, larger limit
 * (their route sets it). Nothing is buffered past the limit, so an anonymous gigabyte costs nothing.
 */
export const requestBodyLimits: MiddlewareHandler = (c, next) => {
  if (c.req.method === "GET" || c.req.method === "HEAD" || c.req.method === "OPTIONS") return next();
  const path = c.req.path;
  if (path.startsWith("/webhooks/")) return next();
  return (path === "/api" || path.startsWith("/api/") ? apiLimit : formLimit)(c, next);
};

/**
 * Headers every answer carries, API and errors included: no MIME sniffing of JSON into HTML, and over HTTPS,
 * HSTS (the web pages add their CSP and framing rules on top).
 */
export const everyAnswerHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  c.header("X-Content-Type-Options", "nosniff");
  if (isHttps(c)) c.header("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
};
