import { eq } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import * as schema from "../../schema/index.ts";
import {
  ErrorSchema,
  FlagListSchema,
  PersonAnswerSchema,
  TaskListSchema,
  TimelineSchema,
} from "../../src/model/api-schemas.ts";
import { saveIdentities, toPersonId } from "../../src/store/identity.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { type Fixtures, fixtures } from "../helpers/fixtures.ts";
import { parseStrict } from "../helpers/strict-schema.ts";
import { apiOver, NOW } from "./harness.ts";

describeEachDatabase("POST /api/people/{id}/merge", (ctx) => {
  let f: Fixtures;
  let api: ReturnType<typeof apiOver>;
  const changed: string[][] = [];

  beforeAll(() => {
    f = fixtures(ctx.db);
    api = apiOver(ctx.db, { onTasksChanged: (keys) => void changed.push([...keys]) });
  });

  const personRow = async (id: string) =>
    (await ctx.db.select().from(schema.people).where(eq(schema.people.id, id)))[0];

  it("re-points identities, assignees, reporters, authors and owners to the survivor, in one go", async () => {
    const jo = await f.person({ id: "p_jo", name: "Jo Martin", email: "jo@acme.dev" });
    const slackJo = await f.person({ id: "p_jo_slack", name: "jo.m", email: null });
    const ghJo = await f.person({
      id: "p_jo_gh",
      name: "jomartin",
      email: "jo.martin@users.noreply.github.com",
    });
    await f.identity({ source: "jira", externalId: "acc-jo", personId: jo.id, email: "jo@acme.dev" });
    await f.identity({ source: "slack", externalId: "UJO", personId: slackJo.id });
    await f.identity({ source: "github", externalId: "4242", personId: ghJo.id });
    await f.task({ key: "MRG-1", assigneeId: slackJo.id, reporterId: ghJo.id });
    await f.task({ key: "MRG-2", reporterId: slackJo.id });
    await f.task({ key: "MRG-3" });
    await f.item({ externalId: "m-1", authorId: slackJo.id, linkTo: "MRG-3" });
    await f.item({ externalId: "m-2", authorId: slackJo.id });
    await f.flag({ taskKey: "MRG-2", kind: "unanswered_question", ownerId: slackJo.id });
    // Merged into p_jo_slack earlier: follows along to the new survivor.
    await f.person({ id: "p_jo_old", name: "J. Martin", email: null, mergedInto: slackJo.id });

    changed.length = 0;
    const res = await api.post("/api/people/p_jo_slack/merge", { into: "p_jo" });
    expect(res.status).toBe(200);
    expect(parseStrict(PersonAnswerSchema, res.body)).toEqual({
      person: { id: "p_jo", name: "Jo Martin", email: "jo@acme.dev" },
    });
    expect(changed).toEqual([["MRG-1", "MRG-2", "MRG-3"]]);

    const identities = await ctx.db
      .select({ source: schema.identities.source, personId: schema.identities.personId })
      .from(schema.identities)
      .where(eq(schema.identities.personId, "p_jo"))
      .orderBy(schema.identities.source);
    expect(identities).toEqual([
      { source: "jira", personId: "p_jo" },
      { source: "slack", personId: "p_jo" },
    ]);
    const tasks = await ctx.db
      .select({
        key: schema.tasks.key,
        assigneeId: schema.tasks.assigneeId,
        reporterId: schema.tasks.reporterId,
      })
      .from(schema.tasks)
      .orderBy(schema.tasks.key);
    expect(tasks.filter((t) => t.key.startsWith("MRG-"))).toEqual([
      { key: "MRG-1", assigneeId: "p_jo", reporterId: "p_jo_gh" },
      { key: "MRG-2", assigneeId: null, reporterId: "p_jo" },
      { key: "MRG-3", assigneeId: null, reporterId: null },
    ]);
    const authors = await ctx.db
      .select({ id: schema.items.id, authorId: schema.items.authorId })
      .from(schema.items)
      .orderBy(schema.items.id);
    expect(authors.filter((i) => i.id.startsWith("slack:m-"))).toEqual([
      { id: "slack:m-1", authorId: "p_jo" },
      { id: "slack:m-2", authorId: "p_jo" },
    ]);
    const flags = await ctx.db.select({ ownerId: schema.flags.ownerId }).from(schema.flags);
    expect(flags).toEqual([{ ownerId: "p_jo" }]);
    expect((await personRow("p_jo_slack"))?.mergedInto).toBe("p_jo");
    expect((await personRow("p_jo_old"))?.mergedInto).toBe("p_jo");
    expect((await personRow("p_jo"))?.mergedInto).toBeNull();

    // Everything the API shows names the survivor.
    const listed = parseStrict(TaskListSchema, (await api.get("/api/tasks?q=MRG-1")).body).tasks[0];
    expect(listed?.assignee).toEqual({ id: "p_jo", name: "Jo Martin", email: "jo@acme.dev" });
    const timeline = parseStrict(TimelineSchema, (await api.get("/api/tasks/MRG-3/timeline")).body);
    expect(timeline.items[0]?.author?.id).toBe("p_jo");
    const flagged = parseStrict(FlagListSchema, (await api.get("/api/flags?kind=unanswered_question")).body);
    expect(flagged.flags[0]?.owner?.id).toBe("p_jo");

    // Merging again into the same survivor changes nothing and answers the same.
    const again = await api.post("/api/people/p_jo_slack/merge", { into: "p_jo" });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(res.body);
  });

  it("survives a later sync: known identities keep the survivor, new ones of the merged person join it", async () => {
    await f.person({ id: "p_sam", name: "Sam Ortiz", email: "sam@acme.dev" });
    // The id the sync gave the Teams account's person: the hash of its email.
    const teamsSam = toPersonId({ source: "teams", externalId: "aad-sam", email: "sam.ortiz@acme.dev" });
    await f.person({ id: teamsSam, name: "Sam O.", email: "sam.ortiz@acme.dev" });
    await f.identity({
      source: "teams",
      externalId: "aad-sam",
      personId: teamsSam,
      email: "sam.ortiz@acme.dev",
    });
    expect((await api.post(`/api/people/${teamsSam}/merge`, { into: "p_sam" })).status).toBe(200);

    const persons = await saveIdentities(
      ctx.db,
      [
        // The merged identity comes again, with its email.
        {
          source: "teams",
          externalId: "aad-sam",
          displayName: "Sam O.",
          email: "sam.ortiz@acme.dev",
          isGuest: false,
          isBot: false,
        },
        // A new identity with the merged person's email.
        {
          source: "gmail",
          externalId: "sam.ortiz@acme.dev",
          displayName: "Sam Ortiz",
          email: "sam.ortiz@acme.dev",
          isGuest: false,
          isBot: false,
        },
      ],
      [],
      NOW,
    );
    expect(persons.get("teams:aad-sam")).toBe("p_sam");
    expect(persons.get("gmail:sam.ortiz@acme.dev")).toBe("p_sam");
    const [gmail] = await ctx.db
      .select({ personId: schema.identities.personId })
      .from(schema.identities)
      .where(eq(schema.identities.externalId, "sam.ortiz@acme.dev"));
    expect(gmail?.personId).toBe("p_sam");
  });

  it("gives the survivor the merged person's email when it has none", async () => {
    await f.person({ id: "p_noemail", name: "Rae", email: null });
    await f.person({ id: "p_withemail", name: "Rae Q", email: "rae@acme.dev" });
    const res = await api.post("/api/people/p_withemail/merge", { into: "p_noemail" });
    expect(parseStrict(PersonAnswerSchema, res.body).person).toEqual({
      id: "p_noemail",
      name: "Rae",
      email: "rae@acme.dev",
    });
  });

  it.each([
    ["p_unknown", "p_jo", 404, "not_found", "No person p_unknown."],
    ["p_jo", "p_unknown", 404, "not_found", "No person p_unknown."],
    ["p_jo", "p_jo", 400, "bad_request", "Cannot merge person p_jo into itself."],
    [
      "p_jo",
      "p_jo_slack",
      400,
      "bad_request",
      "Person p_jo_slack was merged into p_jo; merge into that person instead.",
    ],
    ["p_jo_slack", "p_sam", 400, "bad_request", "Person p_jo_slack was already merged into p_jo."],
  ])("refuses to merge %s into %s: %i", async (from, into, status, code, message) => {
    const before = await ctx.db.select().from(schema.people).orderBy(schema.people.id);
    const res = await api.post(`/api/people/${from}/merge`, { into });
    expect(res.status).toBe(status);
    expect(parseStrict(ErrorSchema, res.body)).toEqual({ error: { code, message } });
    expect(await ctx.db.select().from(schema.people).orderBy(schema.people.id)).toEqual(before);
  });

  it("answers 400 naming `into` when it is missing", async () => {
    const res = await api.post("/api/people/p_jo/merge", {});
    expect(res.status).toBe(400);
    expect(parseStrict(ErrorSchema, res.body).error.message).toContain("json into:");
    expect(api.errors).toEqual([]);
  });
});
