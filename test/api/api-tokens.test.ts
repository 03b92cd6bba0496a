/**
 * Personal API tokens on `/api`: a token acts as its person within its scopes, a revoked or expired one is
 * refused at once, and the deployment's token keeps working for scripts, as "admin".
 */
import { beforeAll, expect, it } from "vitest";
import {
  ErrorSchema,
  FlagListSchema,
  FlagStateSchema,
  PersonAnswerSchema,
} from "../../src/model/api-schemas.ts";
import { createApiToken, revokeApiToken, type TokenScope } from "../../src/store/api-tokens.ts";
import { loadFlag } from "../../src/store/flag-store.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { fixtures } from "../helpers/fixtures.ts";
import { parseStrict } from "../helpers/strict-schema.ts";
import { apiOver, enc, NOW } from "./harness.ts";

const DAY = 86_400_000;

describeEachDatabase("personal API tokens on /api", (ctx) => {
  let api: ReturnType<typeof apiOver>;
  const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });
  const make = (
    scopes: TokenScope[],
    options: { expiresAt?: Date; personId?: string; email?: string } = {},
  ) =>
    createApiToken(ctx.db, {
      personId: options.personId ?? "p_ana",
      email: options.email ?? "ana@acme.dev",
      name: `token ${scopes.join("+")}`,
      scopes,
      expiresAt: options.expiresAt ?? new Date(NOW.getTime() + 30 * DAY),
      now: new Date(NOW.getTime() - DAY),
    });

  beforeAll(async () => {
    api = apiOver(ctx.db);
    const f = fixtures(ctx.db);
    await f.person({ id: "p_ana", name: "Ana Souza", email: "ana@acme.dev" });
    await f.person({ id: "p_bo", name: "Bo Lind", email: "bo@acme.dev" });
    await f.task({ key: "TOK-1" });
    await f.flag({ id: "f_ana", taskKey: "TOK-1", kind: "stale", ownerId: "p_ana" });
    await f.flag({ id: "f_bo", taskKey: "TOK-1", kind: "no_owner", ownerId: "p_bo" });
    await f.flag({ id: "f_bo_2", taskKey: "TOK-1", kind: "unanswered_question", ownerId: "p_bo" });
  });

  it("lets a read token list flags and refuses it a snooze with 403 and a clear message", async () => {
    const { secret } = await make(["read"]);
    const list = await api.get("/api/flags", bearer(secret));
    expect(list.status).toBe(200);
    expect(
      parseStrict(FlagListSchema, list.body)
        .flags.map((f) => f.id)
        .sort(),
    ).toEqual(["f_ana", "f_bo", "f_bo_2"]);

    const snooze = await api.call("POST", "/api/flags/f_ana/snooze", {
      body: { until: "2025-03-20" },
      headers: bearer(secret),
    });
    expect(snooze.status).toBe(403);
    expect(snooze.body).toEqual({
      error: {
        code: "forbidden",
        message:
          "This token has the read scope only; POST /api/flags/f_ana/snooze changes data and needs a token with the write scope.",
      },
    });
    expect((await loadFlag(ctx.db, "f_ana"))?.state).toBe("open");
    // Every other method that changes something is a write too.
    const unlink = await api.call("DELETE", `/api/tasks/TOK-1/links/${enc("slack:x")}`, {
      headers: bearer(secret),
    });
    expect(unlink.status).toBe(403);
  });

  it("records a write token's person as who snoozed or dismissed, whatever `by` an old client sends", async () => {
    const { secret } = await make(["write"], { personId: "p_bo", email: "bo@acme.dev" });
    const snooze = await api.call("POST", "/api/flags/f_bo/snooze", {
      body: { until: "2025-03-20", by: "someone else" },
      headers: bearer(secret),
    });
    expect(snooze.status).toBe(200);
    expect(parseStrict(FlagStateSchema, snooze.body)).toMatchObject({ state: "snoozed", by: "bo@acme.dev" });
    expect(await loadFlag(ctx.db, "f_bo")).toMatchObject({ state: "snoozed", stateBy: "bo@acme.dev" });

    const dismiss = await api.call("POST", "/api/flags/f_bo_2/dismiss", {
      body: { reason: "Answered on a call." },
      headers: bearer(secret),
    });
    expect(dismiss.status).toBe(200);
    expect(await loadFlag(ctx.db, "f_bo_2")).toMatchObject({ state: "dismissed", stateBy: "bo@acme.dev" });
  });

  it("answers for=me as the token's person", async () => {
    const { secret } = await make(["read"]);
    const mine = await api.get("/api/flags?for=me", bearer(secret));
    expect(mine.status).toBe(200);
    expect(parseStrict(FlagListSchema, mine.body).flags.map((f) => f.id)).toEqual(["f_ana"]);
    // The deployment's token is nobody: `me` is refused with it.
    const shared = await api.get("/api/flags?for=me");
    expect(shared.status).toBe(400);
  });

  it("refuses a revoked token at once, an expired one, and an unknown one, with 401", async () => {
    const made = await make(["write"]);
    expect((await api.get("/api/flags", bearer(made.secret))).status).toBe(200);
    expect(await revokeApiToken(ctx.db, { id: made.id, personId: "p_ana" })).toBe(true);
    const revoked = await api.get("/api/flags", bearer(made.secret));
    expect(revoked.status).toBe(401);
    expect(revoked.headers.get("www-authenticate")).toBe('Bearer realm="threadline"');
    expect(parseStrict(ErrorSchema, revoked.body)).toMatchObject({
      error: { code: "unauthorized", message: expect.stringMatching(/revoked or expired/) },
    });

    const expiring = await make(["read"], { expiresAt: new Date(NOW.getTime() + 60_000) });
    expect((await api.get("/api/flags", bearer(expiring.secret))).status).toBe(200);
    const later = apiOver(ctx.db, { now: new Date(NOW.getTime() + 60_000) });
    expect((await later.get("/api/flags", bearer(expiring.secret))).status).toBe(401);

    const forged = `tl_pat_${"A".repeat(43)}`;
    expect((await api.get("/api/flags", bearer(forged))).status).toBe(401);
    expect(api.errors).toEqual([]);
  });

  it("keeps the deployment's token working for reads and writes, recorded as admin", async () => {
    await fixtures(ctx.db).flag({
      id: "f_script",
      taskKey: "TOK-1",
      kind: "blocked_external",
      fingerprint: "script",
    });
    expect((await api.get("/api/flags")).status).toBe(200);
    const res = await api.post("/api/flags/f_script/snooze", { until: "2025-03-20" });
    expect(res.status).toBe(200);
    expect(await loadFlag(ctx.db, "f_script")).toMatchObject({ state: "snoozed", stateBy: "admin" });
  });

  it("lets only an admin's token merge people, as the web view does", async () => {
    const f = fixtures(ctx.db);
    await f.person({ id: "p_dup_a", name: "Cy", email: "cy@acme.dev" });
    await f.person({ id: "p_dup_b", name: "cy", email: null });
    const { createApp } = await import("../../src/api/app.ts");
    const app = createApp({
      db: ctx.db,
      apiToken: "deployment-token-for-this-test",
      now: () => NOW,
      signin: { publicUrl: "http://localhost", teamDomains: [], admins: ["bo@acme.dev"], idleMs: 3600_000 },
    });
    const merge = (secret: string) =>
      app.request("/api/people/p_dup_b/merge", {
        method: "POST",
        headers: { ...bearer(secret), "content-type": "application/json" },
        body: JSON.stringify({ into: "p_dup_a" }),
      });
    const member = await make(["write"]);
    const refused = await merge(member.secret);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({
      error: { code: "forbidden", message: "Only an admin of Threadline can merge people." },
    });
    const admin = await make(["write"], { personId: "p_bo", email: "bo@acme.dev" });
    const merged = await merge(admin.secret);
    expect(merged.status).toBe(200);
    expect(parseStrict(PersonAnswerSchema, await merged.json())).toMatchObject({ person: { id: "p_dup_a" } });
  });

  it("turns away a token whose person left the team domains, when people sign in through OIDC", async () => {
    const { secret } = await make(["read"], { email: "ana@old-domain.example" });
    const { createApp } = await import("../../src/api/app.ts");
    const app = createApp({
      db: ctx.db,
      apiToken: "deployment-token-for-this-test",
      now: () => NOW,
      signin: {
        oidc: { issuer: "https://id.acme.dev", clientId: "c", clientSecret: "s" },
        publicUrl: "http://localhost",
        teamDomains: ["acme.dev"],
        admins: [],
        idleMs: 3600_000,
      },
    });
    const res = await app.request("/api/flags", { headers: bearer(secret) });
    expect(res.status).toBe(401);
    expect(parseStrict(ErrorSchema, await res.json())).toMatchObject({
      error: { message: expect.stringMatching(/no longer a team address/) },
    });
  });
});
