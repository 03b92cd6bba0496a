import { expect, it } from "vitest";
import { ErrorSchema } from "../../src/model/api-schemas.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { parseStrict } from "../helpers/strict-schema.ts";
import { apiOver, TOKEN } from "./harness.ts";

const API_ROUTES: Array<[method: string, path: string]> = [
  ["GET", "/api/tasks"],
  ["GET", "/api/tasks/FAL-1/timeline"],
  ["GET", "/api/flags"],
  ["GET", "/api/items?unlinked=true"],
  ["POST", "/api/tasks/FAL-1/links"],
  ["DELETE", "/api/tasks/FAL-1/links/slack%3Ax"],
  ["POST", "/api/people/p_1/merge"],
  ["GET", "/api/no-such-route"],
];

describeEachDatabase("API authentication and errors", (ctx) => {
  it("answers /healthz with no token", async () => {
    const api = apiOver(ctx.db);
    const res = await api.app.request("/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it.each([
    ["no Authorization header", undefined],
    ["a wrong token", `Bearer ${TOKEN}x`],
    ["a token prefix", `Bearer ${TOKEN.slice(0, -1)}`],
    ["Basic auth", `Basic ${btoa(`user:${TOKEN}`)}`],
    ["the bare token", TOKEN],
    ["an empty bearer", "Bearer "],
  ])("refuses every /api route with %s: 401 in the error shape", async (_, authorization) => {
    const api = apiOver(ctx.db);
    for (const [method, path] of API_ROUTES) {
      const res = await api.app.request(path, {
        method,
        headers: authorization === undefined ? {} : { authorization },
      });
      expect(res.status, `${method} ${path}`).toBe(401);
      const body = parseStrict(ErrorSchema, await res.json());
      expect(body.error.code).toBe("unauthorized");
      expect(body.error.message).toContain("Bearer");
      expect(res.headers.get("www-authenticate")).toContain("Bearer");
    }
  });

  it("accepts the bearer scheme in any case", async () => {
    const api = apiOver(ctx.db);
    const res = await api.app.request("/api/tasks", { headers: { authorization: `bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
  });

  it.each([
    ["/api/tasks?flag=sleepy", "flag", "flag must be one of stale, missing_approval"],
    ["/api/tasks?limit=abc", "limit", "limit must be a whole number from 1 to 200"],
    ["/api/tasks?limit=0", "limit", "limit must be a whole number from 1 to 200"],
    ["/api/tasks?limit=1000", "limit", "limit must be a whole number from 1 to 200"],
    ["/api/tasks?limit=2.5", "limit", "limit must be a whole number from 1 to 200"],
    ["/api/tasks?limit=-3", "limit", "limit must be a whole number from 1 to 200"],
    ["/api/tasks?cursor=not-a-cursor", "cursor", "cursor is not one this API gave out"],
    [
      `/api/tasks?cursor=${btoa('{"a":"2025-13-01T00:00:00.000000Z","k":"X"}')}`,
      "cursor",
      "cursor is not one",
    ],
    [`/api/tasks?cursor=${btoa('{"a":"2025-01-01","k":"X"}')}`, "cursor", "cursor is not one"],
    [`/api/tasks?q=${"x".repeat(501)}`, "q", "q must be at most 500 characters"],
    ["/api/flags?kind=urgent", "kind", "kind must be one of stale"],
    ["/api/items", "unlinked", "unlinked must be true"],
    ["/api/items?unlinked=false", "unlinked", "unlinked must be true"],
    ["/api/items?unlinked=true&limit=201", "limit", "limit must be a whole number"],
    ["/api/items?unlinked=true&cursor=%%%", "cursor", "cursor is not one"],
  ])("answers %s with 400 naming %s", async (path, parameter, message) => {
    const api = apiOver(ctx.db);
    const res = await api.get(path);
    expect(res.status).toBe(400);
    const body = parseStrict(ErrorSchema, res.body);
    expect(body.error.code).toBe("bad_request");
    expect(body.error.message).toContain(`query ${parameter}:`);
    expect(body.error.message).toContain(message);
  });

  it("answers a task cursor given to the item list with 400", async () => {
    const api = apiOver(ctx.db);
    const { encodeTaskCursor } = await import("../../src/api/cursor.ts");
    const cursor = encodeTaskCursor({ lastActivityAt: "2025-03-03T09:00:00.000000Z", key: "FAL-1" });
    expect((await api.get(`/api/tasks?cursor=${cursor}`)).status).toBe(200);
    expect((await api.get(`/api/items?unlinked=true&cursor=${cursor}`)).status).toBe(400);
  });

  it.each([
    [{}, "json itemId:"],
    [{ itemId: "" }, "itemId is required"],
    [{ itemId: 7 }, "json itemId:"],
  ])("answers a malformed link body %j with 400", async (body, message) => {
    const api = apiOver(ctx.db);
    const res = await api.post("/api/tasks/FAL-1/links", body);
    expect(res.status).toBe(400);
    expect(parseStrict(ErrorSchema, res.body).error.message).toContain(message);
  });

  it("answers a body that is not JSON with 400", async () => {
    const api = apiOver(ctx.db);
    const res = await api.app.request("/api/people/p_1/merge", {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: "{not json",
    });
    expect(res.status).toBe(400);
    expect(parseStrict(ErrorSchema, await res.json()).error).toEqual({
      code: "bad_request",
      message: "Malformed JSON in request body",
    });
  });

  it.each([
    ["GET", "/api/nothing"],
    ["GET", "/api/tasks/FAL-1"],
    ["PUT", "/api/tasks"],
    ["GET", "/nothing"],
  ])("answers an unknown route %s %s with 404 in the error shape", async (method, path) => {
    const api = apiOver(ctx.db);
    const res = await api.call(method, path);
    expect(res.status).toBe(404);
    expect(parseStrict(ErrorSchema, res.body)).toEqual({
      error: { code: "not_found", message: `No route for ${method} ${path}.` },
    });
  });

  it("answers an error of ours with 500 in the error shape, and logs it", async () => {
    const { createApp } = await import("../../src/api/app.ts");
    const logged: unknown[] = [];
    const broken = { execute: () => Promise.reject(new Error("connection refused")) };
    const app = createApp({
      db: broken as unknown as typeof ctx.db,
      apiToken: TOKEN,
      logError: (err) => logged.push(err),
    });
    const res = await app.request("/api/flags", { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(500);
    const body = parseStrict(ErrorSchema, await res.json());
    expect(body.error.code).toBe("internal");
    expect(body.error.message).not.toContain("connection refused");
    expect(logged).toHaveLength(1);
  });
});
