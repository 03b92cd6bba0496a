import { sql } from "drizzle-orm";
import { expect, it } from "vitest";
import {
  createApiToken,
  hashTokenSecret,
  listApiTokens,
  revokeApiToken,
  verifyApiToken,
} from "../../src/store/api-tokens.ts";
import { mergePeople } from "../../src/store/people-merge.ts";
import { queryRows } from "../../src/store/rows.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { FIXTURE_TIME, fixtures } from "../helpers/fixtures.ts";

const DAY = 86_400_000;
const later = (ms: number) => new Date(FIXTURE_TIME.getTime() + ms);

describeEachDatabase("personal API tokens in the store", (ctx) => {
  it("gives out a recognisable secret once and stores only its hash", async () => {
    const ana = await fixtures(ctx.db).person({ email: "ana@team.example" });
    const { id, secret } = await createApiToken(ctx.db, {
      personId: ana.id,
      email: "ana@team.example",
      name: "laptop",
      scopes: ["read"],
      expiresAt: later(30 * DAY),
      now: FIXTURE_TIME,
    });
    expect(secret).toMatch(/^tl_pat_[A-Za-z0-9_-]{43}$/);
    const rows = await queryRows<{ row: string }>(
      ctx.db,
      sql`select row_to_json(t)::text as row from api_tokens t where id = ${id}`,
    );
    expect(rows[0]!.row).not.toContain(secret.slice(7));
    expect(rows[0]!.row).toContain(await hashTokenSecret(secret));
    expect(await verifyApiToken(ctx.db, secret, later(1000))).toEqual({
      tokenId: id,
      personId: ana.id,
      email: "ana@team.example",
      scopes: ["read"],
    });
    // A secret one character off is nobody.
    const wrong = `${secret.slice(0, -1)}${secret.endsWith("A") ? "B" : "A"}`;
    expect(await verifyApiToken(ctx.db, wrong, later(1000))).toBeNull();
    expect(await verifyApiToken(ctx.db, "not a token", later(1000))).toBeNull();
  });

  it("gives a write token read too, and refuses a token at its expiry and after revocation", async () => {
    const ben = await fixtures(ctx.db).person();
    const made = await createApiToken(ctx.db, {
      personId: ben.id,
      email: "ben@team.example",
      name: "ci",
      scopes: ["write"],
      expiresAt: later(7 * DAY),
      now: FIXTURE_TIME,
    });
    expect((await verifyApiToken(ctx.db, made.secret, later(7 * DAY - 1)))?.scopes).toEqual([
      "read",
      "write",
    ]);
    expect(await verifyApiToken(ctx.db, made.secret, later(7 * DAY))).toBeNull();
    expect(await revokeApiToken(ctx.db, { id: made.id, personId: "someone-else" })).toBe(false);
    expect(await revokeApiToken(ctx.db, { id: made.id, personId: ben.id })).toBe(true);
    expect(await verifyApiToken(ctx.db, made.secret, later(1000))).toBeNull();
    expect(await listApiTokens(ctx.db, ben.id)).toEqual([]);
  });

  it("writes last-used at most once a minute, and lists a person's tokens through merges", async () => {
    const f = fixtures(ctx.db);
    const old = await f.person();
    const survivor = await f.person();
    const made = await createApiToken(ctx.db, {
      personId: old.id,
      email: "cy@team.example",
      name: "script",
      scopes: ["read"],
      expiresAt: later(90 * DAY),
      now: FIXTURE_TIME,
    });
    const lastUsed = async () => (await listApiTokens(ctx.db, old.id))[0]?.lastUsedAt?.toISOString() ?? null;
    expect(await lastUsed()).toBeNull();
    await verifyApiToken(ctx.db, made.secret, later(10_000));
    expect(await lastUsed()).toBe(later(10_000).toISOString());
    await verifyApiToken(ctx.db, made.secret, later(50_000));
    expect(await lastUsed()).toBe(later(10_000).toISOString());
    await verifyApiToken(ctx.db, made.secret, later(70_000));
    expect(await lastUsed()).toBe(later(70_000).toISOString());

    expect((await mergePeople(ctx.db, { from: old.id, into: survivor.id, now: FIXTURE_TIME })).status).toBe(
      "merged",
    );
    expect((await listApiTokens(ctx.db, survivor.id)).map((t) => t.name)).toEqual(["script"]);
    expect((await verifyApiToken(ctx.db, made.secret, later(80_000)))?.personId).toBe(survivor.id);
    expect(await revokeApiToken(ctx.db, { id: made.id, personId: survivor.id })).toBe(true);
  });
});
