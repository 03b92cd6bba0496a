import { compileErrors, validate } from "@readme/openapi-parser";
import { expect, it } from "vitest";
import { z } from "zod";
import { describeEachDatabase } from "../helpers/databases.ts";
import { apiOver } from "./harness.ts";

/** What these tests read of the document; `validate` checks the rest. */
const OperationSchema = z.object({
  security: z.unknown(),
  responses: z.record(
    z.string(),
    z.object({ content: z.record(z.string(), z.object({ schema: z.unknown() })).optional() }),
  ),
  parameters: z
    .array(z.looseObject({ name: z.string(), in: z.string(), schema: z.record(z.string(), z.unknown()) }))
    .optional(),
  requestBody: z.unknown().optional(),
});
const ComponentSchema = z.looseObject({
  type: z.unknown().optional(),
  properties: z.record(z.string(), z.unknown()).optional(),
});
const DocumentSchema = z.object({
  openapi: z.string(),
  paths: z.record(z.string(), z.record(z.string(), OperationSchema)),
  components: z.object({
    schemas: z.record(z.string(), ComponentSchema),
    securitySchemes: z.record(z.string(), z.unknown()),
  }),
});

describeEachDatabase("GET /openapi.json", (ctx) => {
  const load = async () => {
    const res = await apiOver(ctx.db).app.request("/openapi.json");
    expect(res.status).toBe(200);
    const raw: unknown = await res.json();
    return { raw, doc: DocumentSchema.parse(raw) };
  };

  it("is a valid OpenAPI 3 document, served without a token", async () => {
    const { raw, doc } = await load();
    expect(doc.openapi).toMatch(/^3\./);
    const result = await validate(structuredClone(raw) as Parameters<typeof validate>[0]);
    expect(result.valid ? "" : compileErrors(result)).toBe("");
  });

  it("lists every /api route and its methods, each behind the bearer token with documented errors", async () => {
    const { doc } = await load();
    const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(
      [
        "GET /api/tasks",
        "GET /api/tasks/{key}/timeline",
        "GET /api/flags",
        "POST /api/flags/{id}/snooze",
        "POST /api/flags/{id}/dismiss",
        "POST /api/flags/{id}/actions/{action}",
        "GET /api/items",
        "POST /api/tasks/{key}/links",
        "DELETE /api/tasks/{key}/links/{itemId}",
        "POST /api/people/{id}/merge",
        "POST /api/sync",
        "GET /api/sources",
      ].sort(),
    );
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });
    // The scheme says both kinds of token work, and what a read token may do.
    const scheme = doc.components.securitySchemes.bearer as { description?: string };
    expect(scheme.description).toMatch(/personal token \(`tl_pat_/);
    expect(scheme.description).toMatch(/THREADLINE_API_TOKEN/);
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const where = `${method} ${path}`;
        expect(op.security, where).toEqual([{ bearer: [] }]);
        expect(Object.keys(op.responses), where).toContain("401");
        // Whatever takes input documents its 400; `POST /api/sync` takes none.
        if (op.parameters?.length || op.requestBody)
          expect(Object.keys(op.responses), where).toContain("400");
        expect(op.responses["401"]?.content?.["application/json"]?.schema, where).toEqual({
          $ref: "#/components/schemas/Error",
        });
        if (path.includes("{")) expect(Object.keys(op.responses), where).toContain("404");
        // Every write documents the 403 a read-only token gets; no read does but the admins' only one.
        if (where === "get /api/sources") expect(Object.keys(op.responses), where).toContain("403");
        else if (method === "get") expect(Object.keys(op.responses), where).not.toContain("403");
        else expect(Object.keys(op.responses), where).toContain("403");
      }
    }
    const schemas = doc.components.schemas;
    for (const name of ["Task", "Item", "Flag", "Person", "Error"]) expect(schemas[name]).toBeTruthy();
    expect(Object.keys(schemas.Task?.properties ?? {}).sort()).toEqual(
      ["assignee", "flags", "key", "lastActivityAt", "source", "status", "title", "updatedAt", "url"].sort(),
    );
    expect(Object.keys(schemas.Item?.properties ?? {}).sort()).toEqual(
      ["at", "author", "id", "kind", "source", "taskKey", "text", "threadId", "url"].sort(),
    );
    expect(Object.keys(schemas.Flag?.properties ?? {}).sort()).toEqual(
      ["evidence", "id", "kind", "owner", "reason", "since", "taskKey", "waitingOn"].sort(),
    );
    // Nullable where the contract says so, and only there.
    expect(schemas.Person?.type).toBe("object");
    const personOrNull = { anyOf: [{ $ref: "#/components/schemas/Person" }, { type: "null" }] };
    expect(schemas.Task?.properties?.assignee).toEqual(personOrNull);
    expect(schemas.Item?.properties?.author).toEqual(personOrNull);
    expect(schemas.Flag?.properties?.owner).toEqual({
      ...personOrNull,
      description: expect.stringMatching(/answers for the task/),
    });
    expect(schemas.Flag?.properties?.waitingOn).toEqual({
      type: "array",
      items: { $ref: "#/components/schemas/Person" },
      description: expect.stringMatching(/must move now.*Never the person who asked/),
    });
    expect(schemas.PersonAnswer?.properties?.person).toEqual({ $ref: "#/components/schemas/Person" });

    const params = (path: string, method: string) =>
      (doc.paths[path]?.[method]?.parameters ?? []).map((p) => `${p.in}:${p.name}`).sort();
    expect(params("/api/tasks", "get")).toEqual(["query:cursor", "query:flag", "query:limit", "query:q"]);
    expect(params("/api/flags", "get")).toEqual(["query:for", "query:kind"]);
    const forParam = doc.paths["/api/flags"]?.get?.parameters?.find((p) => p.name === "for");
    expect(forParam).toMatchObject({
      in: "query",
      required: false,
      description: expect.stringMatching(/owns or that wait on them.*`me` is the caller/s),
      schema: { type: "string", minLength: 1, maxLength: 320 },
    });
    expect(params("/api/items", "get")).toEqual(["query:cursor", "query:limit", "query:unlinked"]);
    expect(params("/api/tasks/{key}/timeline", "get")).toEqual(["path:key"]);
    expect(params("/api/tasks/{key}/links/{itemId}", "delete")).toEqual(["path:itemId", "path:key"]);
    // Who made a change is the token's person: no request names it any more.
    for (const name of ["SnoozeRequest", "DismissRequest", "LinkRequest"]) {
      expect(Object.keys(schemas[name]?.properties ?? {}), name).not.toContain("by");
    }
    expect(params("/api/people/{id}/merge", "post")).toEqual(["path:id"]);
    const param = (name: string) => doc.paths["/api/tasks"]?.get?.parameters?.find((p) => p.name === name);
    expect(param("limit")?.schema).toMatchObject({ type: "integer", minimum: 1, maximum: 200, default: 50 });
    expect(param("flag")?.schema.enum).toEqual([
      "stale",
      "missing_approval",
      "unanswered_question",
      "feedback_off_board",
      "done_not_deployed",
      "no_owner",
      "blocked_external",
    ]);
  });
});
