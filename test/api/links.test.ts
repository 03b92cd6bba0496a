import { and, eq } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import * as schema from "../../schema/index.ts";
import { ErrorSchema, ItemSchema, TimelineSchema } from "../../src/model/api-schemas.ts";
import type { Db } from "../../src/store/db.ts";
import {
  type LinkDecision,
  type Linker,
  type LinkTarget,
  saveItemLinks,
} from "../../src/store/item-links.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { type Fixtures, fixtures, minutesAfter } from "../helpers/fixtures.ts";
import { parseStrict } from "../helpers/strict-schema.ts";
import { apiOver, enc, NOW } from "./harness.ts";

/** A linker as the sync's: an item belongs to every Jira key its text names, else to its thread's tasks. */
const keyLinker: Linker = {
  direct: (item) =>
    [...item.text.matchAll(/\b[A-Z]+-\d+\b/g)].map(
      (m): LinkDecision => ({ taskKey: m[0], rule: "jira_key" }),
    ),
  resolve(item, threadLinks) {
    const own = this.direct(item);
    return own.length > 0 ? own : threadLinks.map((l) => ({ taskKey: l.taskKey, rule: "thread" }));
  },
};

/** What a later sync does with an item: recompute its automatic links with the linking rules. */
async function syncLinksOf(db: Db, item: { id: string; text: string; threadId: string | null }) {
  const target: LinkTarget = {
    id: item.id,
    candidate: { source: "slack", kind: "chat_message", text: item.text },
    threadId: item.threadId,
    messageId: null,
    parents: [],
  };
  await saveItemLinks(db, "slack", [target], keyLinker, NOW);
}

describeEachDatabase("manual links: POST and DELETE /api/tasks/{key}/links", (ctx) => {
  let f: Fixtures;
  const changed: string[][] = [];
  let api: ReturnType<typeof apiOver>;

  const linkRows = (itemId: string) =>
    ctx.db
      .select({
        taskKey: schema.itemLinks.taskKey,
        rule: schema.itemLinks.rule,
        manual: schema.itemLinks.manual,
        removed: schema.itemLinks.removed,
        createdBy: schema.itemLinks.createdBy,
      })
      .from(schema.itemLinks)
      .where(eq(schema.itemLinks.itemId, itemId))
      .orderBy(schema.itemLinks.taskKey);
  const timelineIds = async (key: string) =>
    parseStrict(TimelineSchema, (await api.get(`/api/tasks/${enc(key)}/timeline`)).body).items.map(
      (i) => i.id,
    );

  beforeAll(async () => {
    f = fixtures(ctx.db);
    api = apiOver(ctx.db, { onTasksChanged: (keys) => void changed.push([...keys]) });
    await f.person({ id: "p_mo", name: "Mo Ibrahim", email: "mo@acme.dev" });
    await f.person({ id: "p_mo_old", name: "mo", email: null, mergedInto: "p_mo" });
    await f.task({ key: "FAL-7", title: "Export to CSV", updatedAt: minutesAfter(0) });
    await f.task({
      key: "acme/api#3",
      source: "github",
      externalId: "acme/api#3",
      updatedAt: minutesAfter(0),
    });
    await f.task({ key: "GONE-2", deletedAt: minutesAfter(1) });
  });

  it("links an item by hand: 201 with the timeline Item, kept by a later sync", async () => {
    const item = await f.item({
      source: "slack",
      externalId: "C9/100.1",
      text: "the export times out for big accounts",
      at: minutesAfter(600),
      url: "https://acme.slack.com/archives/C9/p1001",
      threadId: "C9/100.1",
      authorId: "p_mo_old",
    });
    changed.length = 0;
    const res = await api.post(`/api/tasks/FAL-7/links`, { itemId: item.id, by: "dana@acme.dev" });
    expect(res.status).toBe(201);
    expect(parseStrict(ItemSchema, res.body)).toEqual({
      id: "slack:C9/100.1",
      source: "slack",
      kind: "chat_message",
      taskKey: "FAL-7",
      author: { id: "p_mo", name: "Mo Ibrahim", email: "mo@acme.dev" },
      at: "2025-03-03T19:00:00.000Z",
      text: "the export times out for big accounts",
      url: "https://acme.slack.com/archives/C9/p1001",
      threadId: "C9/100.1",
    });
    expect(await linkRows(item.id)).toEqual([
      { taskKey: "FAL-7", rule: "manual", manual: true, removed: false, createdBy: "admin" },
    ]);
    expect(changed).toEqual([["FAL-7"]]);
    expect(await timelineIds("FAL-7")).toContain(item.id);
    // The task's activity moved with its new item.
    const task = parseStrict(TimelineSchema, (await api.get("/api/tasks/FAL-7/timeline")).body).task;
    expect(task.lastActivityAt).toBe("2025-03-03T19:00:00.000Z");

    // A later sync: the rules find no key in the text, and the manual link stays.
    await syncLinksOf(ctx.db, item);
    expect(await linkRows(item.id)).toEqual([
      { taskKey: "FAL-7", rule: "manual", manual: true, removed: false, createdBy: "admin" },
    ]);
    expect(await timelineIds("FAL-7")).toContain(item.id);
  });

  it("is idempotent: linking again answers the same and writes nothing new", async () => {
    const item = await f.item({ text: "twice" });
    const first = await api.post("/api/tasks/FAL-7/links", { itemId: item.id });
    const second = await api.post("/api/tasks/FAL-7/links", { itemId: item.id, by: "someone-else" });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(await linkRows(item.id)).toEqual([
      { taskKey: "FAL-7", rule: "manual", manual: true, removed: false, createdBy: "admin" },
    ]);
  });

  it("takes over an automatic link, so a later sync that no longer finds it keeps it", async () => {
    const item = await f.item({ text: "about FAL-7", threadId: "t-auto" });
    await syncLinksOf(ctx.db, item);
    expect(await linkRows(item.id)).toEqual([
      { taskKey: "FAL-7", rule: "jira_key", manual: false, removed: false, createdBy: null },
    ]);
    expect((await api.post("/api/tasks/FAL-7/links", { itemId: item.id })).status).toBe(201);
    // The text is edited to drop the key; the link was a person's decision by now.
    await syncLinksOf(ctx.db, { ...item, text: "about the export" });
    expect(await linkRows(item.id)).toEqual([
      { taskKey: "FAL-7", rule: "manual", manual: true, removed: false, createdBy: "admin" },
    ]);
  });

  it("removes a link by hand: 204, off the timeline, and no later sync puts it back", async () => {
    const item = await f.item({ text: "FAL-7 and acme", at: minutesAfter(700), threadId: "t-remove" });
    await syncLinksOf(ctx.db, item);
    expect(await timelineIds("FAL-7")).toContain(item.id);
    changed.length = 0;

    const res = await api.delete(`/api/tasks/FAL-7/links/${enc(item.id)}?by=lee%40acme.dev`);
    expect(res.status).toBe(204);
    expect(res.body).toBeNull();
    expect(changed).toEqual([["FAL-7"]]);
    expect(await linkRows(item.id)).toEqual([
      { taskKey: "FAL-7", rule: "jira_key", manual: true, removed: true, createdBy: "admin" },
    ]);
    expect(await timelineIds("FAL-7")).not.toContain(item.id);

    // The next sync finds FAL-7 in the text again: the removal wins.
    await syncLinksOf(ctx.db, item);
    expect(await linkRows(item.id)).toEqual([
      { taskKey: "FAL-7", rule: "jira_key", manual: true, removed: true, createdBy: "admin" },
    ]);
    expect(await timelineIds("FAL-7")).not.toContain(item.id);
    // Nor does a reply naming the task in its thread (inheritance) bring it back.
    const reply = await f.item({ text: "FAL-7 agreed", threadId: "t-remove" });
    await syncLinksOf(ctx.db, reply);
    expect(await timelineIds("FAL-7")).toContain(reply.id);
    expect(await timelineIds("FAL-7")).not.toContain(item.id);

    // Idempotent.
    expect((await api.delete(`/api/tasks/FAL-7/links/${enc(item.id)}`)).status).toBe(204);
    expect(await linkRows(item.id)).toHaveLength(1);
  });

  it("records a removal where there was no link, which keeps a later automatic link away", async () => {
    const item = await f.item({ text: "nothing yet" });
    expect((await api.delete(`/api/tasks/FAL-7/links/${enc(item.id)}`)).status).toBe(204);
    await syncLinksOf(ctx.db, { ...item, text: "now it names FAL-7" });
    expect(await linkRows(item.id)).toEqual([
      { taskKey: "FAL-7", rule: "manual", manual: true, removed: true, createdBy: "admin" },
    ]);
    expect(await timelineIds("FAL-7")).not.toContain(item.id);
  });

  it("undoes a manual removal by linking again", async () => {
    const item = await f.item({ text: "back and forth" });
    await api.post("/api/tasks/FAL-7/links", { itemId: item.id });
    await api.delete(`/api/tasks/FAL-7/links/${enc(item.id)}`);
    expect(await timelineIds("FAL-7")).not.toContain(item.id);
    expect((await api.post("/api/tasks/FAL-7/links", { itemId: item.id })).status).toBe(201);
    expect(await timelineIds("FAL-7")).toContain(item.id);
  });

  it("answers the change even when telling about it fails, and logs that failure", async () => {
    const failing = apiOver(ctx.db, {
      onTasksChanged: () => Promise.reject(new Error("rule runner down")),
    });
    const item = await f.item({ text: "told nobody" });
    const res = await failing.post("/api/tasks/FAL-7/links", { itemId: item.id });
    expect(res.status).toBe(201);
    expect(failing.errors).toEqual([new Error("rule runner down")]);
    expect(await timelineIds("FAL-7")).toContain(item.id);
  });

  it("links to a GitHub task by its URL-encoded key", async () => {
    const item = await f.item({ source: "teams", externalId: "19:abc/1", text: "see the API issue" });
    const res = await api.post(`/api/tasks/${enc("acme/api#3")}/links`, { itemId: item.id });
    expect(res.status).toBe(201);
    expect(parseStrict(ItemSchema, res.body).taskKey).toBe("acme/api#3");
    expect(await timelineIds("acme/api#3")).toEqual([item.id]);
    expect((await api.delete(`/api/tasks/${enc("acme/api#3")}/links/${enc(item.id)}`)).status).toBe(204);
    expect(await timelineIds("acme/api#3")).toEqual([]);
  });

  it("answers 404 for an unknown or deleted task or item, and writes nothing", async () => {
    const item = await f.item({ text: "lonely" });
    const deleted = await f.item({ text: "gone", deletedAt: minutesAfter(5) });
    const cases: Array<[string, string, string]> = [
      ["NOPE-1", item.id, "No task NOPE-1."],
      ["GONE-2", item.id, "No task GONE-2."],
      ["FAL-7", "slack:nope", "No item slack:nope."],
      ["FAL-7", deleted.id, `No item ${deleted.id}.`],
    ];
    for (const [key, itemId, message] of cases) {
      const post = await api.post(`/api/tasks/${enc(key)}/links`, { itemId });
      expect(post.status, `POST ${key} ${itemId}`).toBe(404);
      expect(parseStrict(ErrorSchema, post.body)).toEqual({ error: { code: "not_found", message } });
      const del = await api.delete(`/api/tasks/${enc(key)}/links/${enc(itemId)}`);
      expect(del.status, `DELETE ${key} ${itemId}`).toBe(404);
      expect(parseStrict(ErrorSchema, del.body)).toEqual({ error: { code: "not_found", message } });
    }
    const rows = await ctx.db
      .select()
      .from(schema.itemLinks)
      .where(and(eq(schema.itemLinks.itemId, item.id)));
    expect(rows).toEqual([]);
    expect(api.errors).toEqual([]);
  });
});
