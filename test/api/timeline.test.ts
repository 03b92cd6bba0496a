import { beforeAll, expect, it } from "vitest";
import { ErrorSchema, TimelineSchema } from "../../src/model/api-schemas.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { fixtures, minutesAfter } from "../helpers/fixtures.ts";
import { parseStrict } from "../helpers/strict-schema.ts";
import { apiOver, enc } from "./harness.ts";

describeEachDatabase("GET /api/tasks/{key}/timeline", (ctx) => {
  let api: ReturnType<typeof apiOver>;
  const KEY = "acme/web#12";

  beforeAll(async () => {
    api = apiOver(ctx.db);
    const f = fixtures(ctx.db);
    await f.person({ id: "p_lee", name: "Lee Chen", email: "lee@acme.dev" });
    await f.person({ id: "p_lee_gh", name: "leechen", email: null, mergedInto: "p_lee" });
    await f.person({ id: "p_client", name: "Priya Natarajan", email: "priya@brightside.example" });
    await f.task({
      key: KEY,
      source: "github",
      externalId: "acme/web#12",
      title: "Checkout button does nothing on Safari",
      status: "open",
      url: "https://github.com/acme/web/issues/12",
      assigneeId: "p_lee_gh",
      updatedAt: minutesAfter(0),
    });
    await f.task({ key: "OTHER-1", title: "Another task" });
    await f.flag({
      id: "flag_feedback",
      taskKey: KEY,
      kind: "feedback_off_board",
      since: minutesAfter(300),
      reason: "Priya's email is newer than every update on the issue; reply on the issue.",
      evidence: ["gmail:msg-2"],
    });

    // Inserted out of order; two share an instant (ordered by id then).
    await f.item({
      source: "gmail",
      externalId: "msg-2",
      kind: "email",
      at: minutesAfter(300),
      text: "Any news on the Safari fix?",
      url: "https://mail.google.com/mail/u/0/#all/msg-2",
      threadId: "thread-safari",
      authorId: "p_client",
      linkTo: KEY,
      linkRule: "email_thread",
    });
    await f.item({
      source: "github",
      externalId: "issue-12",
      kind: "task_created",
      at: minutesAfter(0),
      text: "Checkout button does nothing on Safari",
      url: "https://github.com/acme/web/issues/12",
      authorId: "p_lee_gh",
      linkTo: KEY,
      linkRule: "source_parent",
    });
    await f.item({
      source: "slack",
      externalId: "C1/1710.2",
      kind: "chat_message",
      at: minutesAfter(120),
      text: "Reproduced on Safari 17",
      threadId: "C1/1710.1",
      authorId: "p_lee",
      linkTo: [KEY, "OTHER-1"],
      linkRule: "github_ref",
    });
    await f.item({
      source: "jira",
      externalId: "c-1",
      kind: "comment",
      at: minutesAfter(120),
      text: "Same instant as the Slack message",
      linkTo: KEY,
    });
    await f.item({
      source: "teams",
      externalId: "removed",
      at: minutesAfter(60),
      text: "Wrongly linked, removed by hand",
    });
    await f.link({ itemId: "teams:removed", taskKey: KEY, removed: true, manual: true });
    await f.item({
      source: "slack",
      externalId: "deleted",
      at: minutesAfter(90),
      deletedAt: minutesAfter(91),
      linkTo: KEY,
    });
    await f.item({ source: "slack", externalId: "elsewhere", at: minutesAfter(100), linkTo: "OTHER-1" });
  });

  it("answers the task and its items from every source, oldest first", async () => {
    const res = await api.get(`/api/tasks/${enc(KEY)}/timeline`);
    expect(res.status).toBe(200);
    const body = parseStrict(TimelineSchema, res.body);
    expect(body.task).toEqual({
      key: KEY,
      title: "Checkout button does nothing on Safari",
      status: "open",
      source: "github",
      url: "https://github.com/acme/web/issues/12",
      assignee: { id: "p_lee", name: "Lee Chen", email: "lee@acme.dev" },
      updatedAt: "2025-03-03T09:00:00.000Z",
      lastActivityAt: "2025-03-03T09:00:00.000Z",
      flags: [
        {
          id: "flag_feedback",
          kind: "feedback_off_board",
          taskKey: KEY,
          since: "2025-03-03T14:00:00.000Z",
          reason: "Priya's email is newer than every update on the issue; reply on the issue.",
          evidence: ["gmail:msg-2"],
          owner: null,
          waitingOn: [],
        },
      ],
    });
    expect(body.items.map((i) => i.id)).toEqual([
      "github:issue-12",
      "jira:c-1",
      "slack:C1/1710.2",
      "gmail:msg-2",
    ]);
    expect(body.items[0]).toEqual({
      id: "github:issue-12",
      source: "github",
      kind: "task_created",
      taskKey: KEY,
      author: { id: "p_lee", name: "Lee Chen", email: "lee@acme.dev" },
      at: "2025-03-03T09:00:00.000Z",
      text: "Checkout button does nothing on Safari",
      url: "https://github.com/acme/web/issues/12",
      threadId: null,
    });
    expect(body.items[1]).toMatchObject({ id: "jira:c-1", author: null, url: null });
    expect(body.items[3]).toEqual({
      id: "gmail:msg-2",
      source: "gmail",
      kind: "email",
      taskKey: KEY,
      author: { id: "p_client", name: "Priya Natarajan", email: "priya@brightside.example" },
      at: "2025-03-03T14:00:00.000Z",
      text: "Any news on the Safari fix?",
      url: "https://mail.google.com/mail/u/0/#all/msg-2",
      threadId: "thread-safari",
    });
    expect(new Set(body.items.map((i) => i.taskKey))).toEqual(new Set([KEY]));
  });

  it("gives an item on two tasks to each, with that task's key", async () => {
    const body = parseStrict(TimelineSchema, (await api.get("/api/tasks/OTHER-1/timeline")).body);
    expect(body.items.map((i) => [i.id, i.taskKey])).toEqual([
      ["slack:elsewhere", "OTHER-1"],
      ["slack:C1/1710.2", "OTHER-1"],
    ]);
  });

  it("needs the key URL-encoded: a raw slash is another route", async () => {
    const raw = await api.get("/api/tasks/acme/web%2312/timeline");
    expect(raw.status).toBe(404);
    expect(parseStrict(ErrorSchema, raw.body).error.code).toBe("not_found");
  });

  it("answers 404 in the error shape for an unknown or deleted task", async () => {
    const f = fixtures(ctx.db);
    await f.task({ key: "DEL-1", deletedAt: minutesAfter(5) });
    for (const key of ["NOPE-1", "DEL-1", "acme/web#13"]) {
      const res = await api.get(`/api/tasks/${enc(key)}/timeline`);
      expect(res.status).toBe(404);
      expect(parseStrict(ErrorSchema, res.body)).toEqual({
        error: { code: "not_found", message: `No task ${key}.` },
      });
    }
  });

  it("answers a task with no items with an empty timeline", async () => {
    const f = fixtures(ctx.db);
    await f.task({ key: "EMPTY-1" });
    const body = parseStrict(TimelineSchema, (await api.get("/api/tasks/EMPTY-1/timeline")).body);
    expect(body.task.key).toBe("EMPTY-1");
    expect(body.items).toEqual([]);
    expect(api.errors).toEqual([]);
  });
});
