import { sql } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import type { Db } from "../../src/store/db.ts";
import { loadVisibleFlags } from "../../src/store/flag-queries.ts";
import { loadPerson } from "../../src/store/people-queries.ts";
import { loadTask, loadTaskPage, loadTimelineItems } from "../../src/store/task-queries.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { FIXTURE_TIME, fixtures, minutesAfter } from "../helpers/fixtures.ts";

/** `target` with each call of its method `name` counted. */
function countingCalls<T extends object>(target: T, name: string, count: () => void): T {
  return new Proxy(target, {
    get(object, prop, receiver) {
      const value = Reflect.get(object, prop, receiver);
      if (prop === name && typeof value === "function") {
        return (...args: unknown[]) => {
          count();
          return value.apply(object, args);
        };
      }
      return value;
    },
  });
}

/**
 * The database with a count of the statements sent through it: drizzle's `execute`, and the driver's
 * `unsafe` that prepared statements go through on postgres.js (`pageRows`).
 */
function counting(db: Db): { db: Db; statements: () => number } {
  let count = 0;
  const add = () => {
    count++;
  };
  const proxy = new Proxy(countingCalls(db, "execute", add), {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop !== "session" || !value || typeof value !== "object") return value;
      const client = (value as { client?: unknown }).client;
      if (!client || (typeof client !== "object" && typeof client !== "function")) return value;
      return new Proxy(value, {
        get: (session, key, r) =>
          key === "client" ? countingCalls(client, "unsafe", add) : Reflect.get(session, key, r),
      });
    },
  });
  return { db: proxy, statements: () => count };
}

describeEachDatabase("read queries", (ctx) => {
  const now = minutesAfter(60 * 24 * 7);

  beforeAll(async () => {
    const f = fixtures(ctx.db);
    for (let i = 0; i < 30; i++) {
      const owner = await f.person();
      const key = `RQ-${i}`;
      await f.task({ key, assigneeId: owner.id, updatedAt: minutesAfter(i) });
      await f.flag({ taskKey: key, kind: "stale", ownerId: owner.id });
      await f.flag({ taskKey: key, kind: "no_owner" });
      for (let j = 0; j < 3; j++) await f.item({ linkTo: key, authorId: owner.id });
    }
  });

  it("reads a page of tasks with assignees and flags in two statements, whatever its size", async () => {
    for (const limit of [1, 10, 30]) {
      const { db, statements } = counting(ctx.db);
      const page = await loadTaskPage(db, { limit, now, reader: null });
      expect(page.rows).toHaveLength(limit);
      expect(page.rows.every((t) => t.assignee !== null && t.flags.length === 2)).toBe(true);
      expect(statements()).toBe(2);
    }
  });

  it("reads a task and its timeline in three statements", async () => {
    const { db, statements } = counting(ctx.db);
    const task = await loadTask(db, "RQ-3", now, null);
    const items = await loadTimelineItems(db, "RQ-3", null);
    expect(task?.flags).toHaveLength(2);
    expect(items).toHaveLength(3);
    expect(items.every((i) => i.author?.id === task?.assignee?.id)).toBe(true);
    expect(statements()).toBe(3);
  });

  it("reads every flag in one statement", async () => {
    const { db, statements } = counting(ctx.db);
    expect(await loadVisibleFlags(db, { now, reader: null })).toHaveLength(60);
    expect(await loadVisibleFlags(db, { now, taskKeys: [], reader: null })).toEqual([]);
    expect(statements()).toBe(1);
  });

  it("follows a chain of merges to the survivor, and stops on a circle", async () => {
    const f = fixtures(ctx.db);
    await f.person({ id: "rq_c", name: "C", email: "c@rq.dev" });
    await f.person({ id: "rq_b", name: "B", email: null, mergedInto: "rq_c" });
    await f.person({ id: "rq_a", name: "A", email: null, mergedInto: "rq_b" });
    expect(await loadPerson(ctx.db, "rq_a")).toEqual({ id: "rq_c", name: "C", email: "c@rq.dev" });
    expect(await loadPerson(ctx.db, "rq_c")).toEqual({ id: "rq_c", name: "C", email: "c@rq.dev" });
    expect(await loadPerson(ctx.db, "rq_none")).toBeNull();
    // A circle (never made by the merge route) must not hang the query.
    await f.person({ id: "rq_x", name: "X", email: null, mergedInto: "rq_y" });
    await f.person({ id: "rq_y", name: "Y", email: null, mergedInto: "rq_x" });
    expect((await loadPerson(ctx.db, "rq_x"))?.id).toMatch(/^rq_[xy]$/);
  });

  it("answers times as ISO 8601 UTC with milliseconds whatever the session time zone", async () => {
    const f = fixtures(ctx.db);
    await f.task({ key: "TZ-1", updatedAt: new Date("2025-03-30T01:30:00.123Z") });
    // One transaction: one connection, whose session zone is not UTC.
    const updatedAt = await ctx.db.transaction(async (tx) => {
      await tx.execute(sql`set local time zone 'America/New_York'`);
      return (await loadTask(tx as unknown as Db, "TZ-1", FIXTURE_TIME, null))?.updatedAt;
    });
    expect(updatedAt).toBe("2025-03-30T01:30:00.123Z");
  });
});
