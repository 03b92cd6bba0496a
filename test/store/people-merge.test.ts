import { eq } from "drizzle-orm";
import { expect, it } from "vitest";
import * as schema from "../../schema/index.ts";
import { mergePeople } from "../../src/store/people-merge.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { FIXTURE_TIME, fixtures } from "../helpers/fixtures.ts";

describeEachDatabase("mergePeople", (ctx) => {
  it("lets one of two opposite merges run at once win, and never makes a circle", async () => {
    const f = fixtures(ctx.db);
    for (let round = 0; round < 5; round++) {
      const a = await f.person();
      const b = await f.person();
      const results = await Promise.all([
        mergePeople(ctx.db, { from: a.id, into: b.id, now: FIXTURE_TIME }),
        mergePeople(ctx.db, { from: b.id, into: a.id, now: FIXTURE_TIME }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual(["invalid", "merged"]);
      const rows = await ctx.db
        .select({ id: schema.people.id, mergedInto: schema.people.mergedInto })
        .from(schema.people)
        .where(eq(schema.people.id, a.id));
      const [other] = await ctx.db
        .select({ mergedInto: schema.people.mergedInto })
        .from(schema.people)
        .where(eq(schema.people.id, b.id));
      // Exactly one of the two points at the other.
      expect([rows[0]?.mergedInto, other?.mergedInto].filter((x) => x !== null)).toHaveLength(1);
    }
  });

  it("keeps the unique email of people not merged away: the survivor takes the email only when free", async () => {
    const f = fixtures(ctx.db);
    const a = await f.person({ email: "same.person@acme.dev" });
    const b = await f.person({ email: null });
    const result = await mergePeople(ctx.db, { from: a.id, into: b.id, now: FIXTURE_TIME });
    expect(result.status === "merged" && result.person.email).toBe("same.person@acme.dev");
    // A new person may now hold nothing of that email: the survivor does.
    await expect(f.person({ email: "same.person@acme.dev" })).rejects.toThrow();
  });
});
