/**
 * The Jira sandbox's write endpoints against Jira's documentation, over plain HTTP (no SDK): add comment
 * (201 with the comment; 400 for a body of the wrong form or an empty one; 403 without the permission; 404
 * for an issue the user cannot see), the comment's `properties` with `expand=properties`, assign (204),
 * transitions, `myself`, `mypermissions` (its `permissions` parameter required on Cloud), and the test hook
 * that fails the next write before or after saving it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JiraDataset, type JiraSandbox, startJiraSandbox } from "../../../connectors/sandbox/jira/index.ts";

// biome-ignore lint/suspicious/noExplicitAny: these tests walk raw API answers, whose shapes are what they check.
type Json = any;

function site(deployment: "cloud" | "datacenter") {
  const data = new JiraDataset({ deployment })
    .addUser("bot", { displayName: "Threadline Bot", email: "sync-bot@example.com" })
    .addUser("ana", { displayName: "Ana Lima" })
    .addProject("PROJ");
  data.addIssue({ project: "PROJ", summary: "One", reporter: "ana" });
  data.hiddenIssues.add("PROJ-9");
  return data;
}

for (const deployment of ["cloud", "datacenter"] as const) {
  const v = deployment === "cloud" ? 3 : 2;
  describe(`Jira sandbox writes (${deployment}, v${v})`, () => {
    let jira: JiraSandbox;
    let auth: string;
    beforeAll(async () => {
      const data = site(deployment);
      jira = await startJiraSandbox(data);
      auth = `Basic ${Buffer.from(`${data.email}:${data.apiToken}`).toString("base64")}`;
    });
    afterAll(() => jira.close());

    const send = (method: string, path: string, body?: unknown) =>
      fetch(`${jira.url}${path}`, {
        method,
        headers: { authorization: auth, "content-type": "application/json", accept: "application/json" },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    const body =
      v === 3
        ? {
            type: "doc",
            version: 1,
            content: [{ type: "paragraph", content: [{ type: "text", text: "Hello" }] }],
          }
        : "Hello [~ana]";

    it("adds a comment: 201 with it, as the credentials' user, its properties shown on request", async () => {
      const res = await send("POST", `/rest/api/${v}/issue/PROJ-1/comment`, {
        body,
        properties: [{ key: "threadline.action", value: { actionId: "a-1" } }],
      });
      expect(res.status).toBe(201);
      const comment = (await res.json()) as Json as Record<string, unknown>;
      expect(comment).toMatchObject({
        id: expect.any(String),
        self: expect.stringContaining(`/rest/api/${v}/issue/`),
        author: { displayName: "Threadline Bot" },
        body: v === 3 ? body : `Hello [~ana]`,
        created: expect.any(String),
      });
      const plain = (await (await send("GET", `/rest/api/${v}/issue/PROJ-1/comment`)).json()) as Json;
      expect(plain.comments[0].properties).toBeUndefined();
      const expanded = (await (
        await send("GET", `/rest/api/${v}/issue/PROJ-1/comment?expand=properties`)
      ).json()) as Json;
      expect(expanded.comments[0].properties).toEqual([
        { key: "threadline.action", value: { actionId: "a-1" } },
      ]);
    });

    it("refuses a body of the wrong form, an empty one, a hidden issue, and a user without the permission", async () => {
      const wrongForm = await send("POST", `/rest/api/${v}/issue/PROJ-1/comment`, {
        body: v === 3 ? "text" : { type: "doc" },
      });
      expect(wrongForm.status).toBe(400);
      expect((await wrongForm.json()) as Json).toEqual({
        errorMessages: [],
        errors: { comment: "Comment body is not valid!" },
      });
      const empty = await send("POST", `/rest/api/${v}/issue/PROJ-1/comment`, {
        body: v === 3 ? { type: "doc", version: 1, content: [] } : "",
      });
      expect(empty.status).toBe(400);
      expect((await send("POST", `/rest/api/${v}/issue/PROJ-9/comment`, { body })).status).toBe(404);
      jira.data.permissions.delete("ADD_COMMENTS");
      const refused = await send("POST", `/rest/api/${v}/issue/PROJ-1/comment`, { body });
      jira.data.permissions.add("ADD_COMMENTS");
      expect(refused.status).toBe(403);
      expect((await refused.json()) as Json).toMatchObject({
        errorMessages: [expect.stringContaining("permission")],
      });
    });

    it("assigns (204) and transitions (204) with a change history entry each", async () => {
      const ana = jira.data.user("ana");
      const assign = await send(
        "PUT",
        `/rest/api/${v}/issue/PROJ-1/assignee`,
        deployment === "cloud" ? { accountId: ana.accountId } : { name: ana.name },
      );
      expect(assign.status).toBe(204);
      expect(jira.data.issue("PROJ-1").assigneeId).toBe("ana");
      const { transitions } = (await (
        await send("GET", `/rest/api/${v}/issue/PROJ-1/transitions`)
      ).json()) as Json;
      const done = transitions.find(
        (t: { to: { statusCategory: { key: string } } }) => t.to.statusCategory.key === "done",
      );
      expect(done).toMatchObject({ id: expect.any(String), name: "Done", to: { name: "Done" } });
      expect(
        (await send("POST", `/rest/api/${v}/issue/PROJ-1/transitions`, { transition: { id: done.id } }))
          .status,
      ).toBe(204);
      expect(jira.data.status(jira.data.issue("PROJ-1").statusId).name).toBe("Done");
      const again = await send("POST", `/rest/api/${v}/issue/PROJ-1/transitions`, {
        transition: { id: done.id },
      });
      expect(again.status).toBe(400);
      expect(jira.data.issue("PROJ-1").histories.map((h) => h.items[0]!.field)).toEqual([
        "assignee",
        "status",
      ]);
    });

    it("myself and mypermissions", async () => {
      expect((await (await send("GET", `/rest/api/${v}/myself`)).json()) as Json).toMatchObject({
        displayName: "Threadline Bot",
      });
      jira.data.permissions.delete("ASSIGN_ISSUES");
      const answer = (await (
        await send(
          "GET",
          `/rest/api/${v}/mypermissions?projectKey=PROJ&permissions=ADD_COMMENTS,ASSIGN_ISSUES`,
        )
      ).json()) as Json;
      jira.data.permissions.add("ASSIGN_ISSUES");
      expect(answer.permissions.ADD_COMMENTS).toMatchObject({ key: "ADD_COMMENTS", havePermission: true });
      expect(answer.permissions.ASSIGN_ISSUES).toMatchObject({ key: "ASSIGN_ISSUES", havePermission: false });
      expect(
        (await send("GET", `/rest/api/${v}/mypermissions?projectKey=NOPE&permissions=ADD_COMMENTS`)).status,
      ).toBe(404);
      if (deployment === "cloud")
        expect((await send("GET", `/rest/api/${v}/mypermissions`)).status).toBe(400);
    });

    it("the test hook fails the next write with a 5xx before or after saving it", async () => {
      const count = () => jira.data.issue("PROJ-1").comments.length;
      const before = count();
      jira.data.writeFaults.failNext("before", 503);
      expect((await send("POST", `/rest/api/${v}/issue/PROJ-1/comment`, { body })).status).toBe(503);
      expect(count()).toBe(before);
      jira.data.writeFaults.failNext("after", 500);
      const after = await send("POST", `/rest/api/${v}/issue/PROJ-1/comment`, { body });
      expect(after.status).toBe(500);
      expect((await after.json()) as Json).toEqual({ errorMessages: ["Internal server error"], errors: {} });
      expect(count()).toBe(before + 1);
      expect((await send("POST", `/rest/api/${v}/issue/PROJ-1/comment`, { body })).status).toBe(201);
    });
  });
}
