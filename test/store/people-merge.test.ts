import { eq, like } from "drizzle-orm";
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

  it("puts the survivor in the merged person's place in whom flags wait on, once, and reports those tasks", async () => {
    const f = fixtures(ctx.db);
    const slackBen = await f.person({ email: null });
    const ben = await f.person();
    const maya = await f.person();
    const [a, b, c, d] = await Promise.all(
      ["WAIT-1", "WAIT-2", "WAIT-3", "WAIT-4"].map((key) => f.task({ key })),
    );
    await f.flag({ taskKey: a!.key, kind: "unanswered_question", waitingOn: [slackBen.id, maya.id] });
    // Both of Ben's accounts were asked: he is named once, where he first stood.
    await f.flag({ taskKey: b!.key, kind: "missing_approval", waitingOn: [maya.id, slackBen.id, ben.id] });
    await f.flag({ taskKey: c!.key, kind: "missing_approval", waitingOn: [ben.id, slackBen.id] });
    await f.flag({ taskKey: d!.key, kind: "unanswered_question", waitingOn: [maya.id] });
    const result = await mergePeople(ctx.db, { from: slackBen.id, into: ben.id, now: FIXTURE_TIME });
    expect(result).toMatchObject({ status: "merged", taskKeys: ["WAIT-1", "WAIT-2", "WAIT-3"] });
    const rows = await ctx.db
      .select({ taskKey: schema.flags.taskKey, waitingOn: schema.flags.waitingOn })
      .from(schema.flags)
      .where(like(schema.flags.taskKey, "WAIT-%"))
      .orderBy(schema.flags.taskKey);
    expect(rows).toEqual([
      { taskKey: "WAIT-1", waitingOn: [ben.id, maya.id] },
      { taskKey: "WAIT-2", waitingOn: [maya.id, ben.id] },
      { taskKey: "WAIT-3", waitingOn: [ben.id] },
      { taskKey: "WAIT-4", waitingOn: [maya.id] },
    ]);
  });
});
