import { beforeAll, expect, it } from "vitest";
import { ItemListSchema } from "../../src/model/api-schemas.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { fixtures, minutesAfter } from "../helpers/fixtures.ts";
import { parseStrict } from "../helpers/strict-schema.ts";
import { apiOver, enc } from "./harness.ts";

describeEachDatabase("GET /api/items?unlinked=true", (ctx) => {
  let api: ReturnType<typeof apiOver>;
  /** Items on no task, newest first. */
  const unlinked = [
    "gmail:u-tie-b",
    "gmail:u-tie-a",
    "slack:u-deleted-task",
    "slack:u-unknown-task",
    "slack:u-removed",
    "slack:u-none",
  ];

  beforeAll(async () => {
    api = apiOver(ctx.db);
    const f = fixtures(ctx.db);
    await f.person({ id: "p_kim", name: "Kim Park", email: "kim@brightside.example" });
    await f.task({ key: "WEB-1" });
    await f.task({ key: "WEB-2", deletedAt: minutesAfter(1) });

    await f.item({
      externalId: "u-none",
      at: minutesAfter(10),
      text: "Can we also export to Excel?",
      authorId: "p_kim",
    });
    await f.item({ externalId: "u-removed", at: minutesAfter(20) });
    await f.link({ itemId: "slack:u-removed", taskKey: "WEB-1", removed: true, manual: true });
    await f.item({ externalId: "u-unknown-task", at: minutesAfter(30), linkTo: "NOT-SYNCED-9" });
    await f.item({ externalId: "u-deleted-task", at: minutesAfter(40), linkTo: "WEB-2" });
    // Two at one instant, ordered by id (descending, as the rest).
    await f.item({ source: "gmail", externalId: "u-tie-a", at: minutesAfter(50) });
    await f.item({ source: "gmail", externalId: "u-tie-b", at: minutesAfter(50) });

    await f.item({ externalId: "linked", at: minutesAfter(60), linkTo: "WEB-1" });
    await f.item({ externalId: "linked-twice", at: minutesAfter(5), linkTo: ["WEB-2", "WEB-1"] });
    await f.item({ externalId: "deleted", at: minutesAfter(70), deletedAt: minutesAfter(71) });
  });

  it("lists items on no existing task, newest first, with taskKey null", async () => {
    const res = await api.get("/api/items?unlinked=true");
    expect(res.status).toBe(200);
    const body = parseStrict(ItemListSchema, res.body);
    expect(body.items.map((i) => i.id)).toEqual(unlinked);
    expect(body.nextCursor).toBeNull();
    expect(body.items.at(-1)).toEqual({
      id: "slack:u-none",
      source: "slack",
      kind: "chat_message",
      taskKey: null,
      author: { id: "p_kim", name: "Kim Park", email: "kim@brightside.example" },
      at: "2025-03-03T09:10:00.000Z",
      text: "Can we also export to Excel?",
      url: null,
      threadId: null,
    });
  });

  it.each([1, 2, 4, 5])("walks every unlinked item exactly once with pages of %i", async (limit) => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const path: string = `/api/items?unlinked=true&limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`;
      const body = parseStrict(ItemListSchema, (await api.get(path)).body);
      expect(body.items.length).toBeLessThanOrEqual(limit);
      seen.push(...body.items.map((i) => i.id));
      cursor = body.nextCursor;
    } while (cursor && seen.length < 100);
    expect(seen).toEqual(unlinked);
  });

  it("drops an item from the list once it is linked by hand, and shows it again once unlinked", async () => {
    expect((await api.post("/api/tasks/WEB-1/links", { itemId: "slack:u-none" })).status).toBe(201);
    const after = parseStrict(ItemListSchema, (await api.get("/api/items?unlinked=true")).body);
    expect(after.items.map((i) => i.id)).toEqual(unlinked.filter((id) => id !== "slack:u-none"));
    expect((await api.delete(`/api/tasks/WEB-1/links/${enc("slack:u-none")}`)).status).toBe(204);
    const back = parseStrict(ItemListSchema, (await api.get("/api/items?unlinked=true")).body);
    expect(back.items.map((i) => i.id)).toEqual(unlinked);
  });
});
