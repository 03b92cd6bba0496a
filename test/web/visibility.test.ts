/**
 * Who sees what: a private Slack channel's messages (read through the real Slack client from the sandbox,
 * which says the channel is private and who is in it) show only to its members, an email only to the people
 * on its thread, and admins see everything: on the API's timeline and flags (personal tokens), in the
 * inbox's search and rows (the web's queries), and in the digest. On PGlite and PostgreSQL.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { listSources } from "../../connectors/registry.ts";
import {
  buildSlackWorkspace,
  type SlackSandbox,
  startSlackSandbox,
} from "../../connectors/sandbox/slack/index.ts";
import { createApp } from "../../src/api/app.ts";
import { composeDigests } from "../../src/digest/compose-digests.ts";
import { loadDigestInput } from "../../src/digest/load-digest-input.ts";
import { toDigestText } from "../../src/digest/render-digest.ts";
import { FlagListSchema, TimelineSchema } from "../../src/model/api-schemas.ts";
import { HIDDEN_EVIDENCE_REASON, toEmailAudience } from "../../src/model/audience.ts";
import { createApiToken } from "../../src/store/api-tokens.ts";
import { loadInbox } from "../../src/store/inbox-queries.ts";
import { loadReaderKeys } from "../../src/store/item-audience.ts";
import { queryRows } from "../../src/store/rows.ts";
import { quickSlack, settingsFor } from "../connectors/slack/helpers.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { fixtures } from "../helpers/fixtures.ts";
import { parseStrict } from "../helpers/strict-schema.ts";
import { syncOnce } from "../helpers/sync-run.ts";

const TOKEN = "deployment-token-7d1e";
const NOW = new Date("2026-02-05T12:00:00.000Z");
const SECRET_QUESTION = "Can we ship FAL-12 before the zebra audit?";
const CLIENT_EMAIL = "Our lawyers want the watermark gone from FAL-12 before launch.";

describeEachDatabase("who sees what", (ctx) => {
  let slack: SlackSandbox;
  let app: ReturnType<typeof createApp>;
  const ids: Record<string, string> = {};
  const tokens: Record<string, string> = {};

  const personOf = async (email: string) =>
    (
      await queryRows<{ id: string }>(
        ctx.db,
        sql`select id from people where lower(email) = ${email} and merged_into is null`,
      )
    )[0]!.id;

  beforeAll(async () => {
    const data = buildSlackWorkspace();
    data.addChannel("leads", { members: ["ana"], isPrivate: true });
    const question = data.post("leads", { by: "ana", text: SECRET_QUESTION });
    slack = await startSlackSandbox(data);

    const f = fixtures(ctx.db);
    await f.task({ key: "FAL-12", title: "SSO login" });
    const report = await syncOnce(
      ctx.db,
      [{ connector: quickSlack, settings: settingsFor(slack, { channels: ["leads", "fal-dev"] }) }],
      {
        mode: "backfill",
        linkContext: {
          jiraProjects: ["FAL"],
          jiraSiteUrls: ["https://acme.atlassian.net"],
          githubRepos: [],
          githubWebUrls: ["https://github.com"],
        },
      },
    );
    expect(report.sources[0]!.errors).toEqual([]);
    ids.ana = await personOf("ana@acme.dev");
    ids.ben = await personOf("ben@acme.dev");
    ids.cleo = await personOf("cleo@acme.dev");
    ids.eve = (await f.person({ id: "p_eve", name: "Eve Marsh", email: "eve@acme.dev" })).id;
    await ctx.db.execute(sql`update tasks set assignee_id = ${ids.ben} where key = 'FAL-12'`);
    ids.question = `slack:${data.channel("leads").id}:${question.ts}`;

    // A client's email to Ana, and Ana's reply that copies Eve: the thread is the three of theirs.
    const first = await f.item({
      source: "gmail",
      externalId: "m-1",
      kind: "email",
      threadId: "t-1",
      text: CLIENT_EMAIL,
      at: new Date("2026-02-03T10:00:00Z"),
      audience: toEmailAudience({ from: "dana@client.example", to: ["ana@acme.dev"], cc: [] }),
      linkTo: "FAL-12",
    });
    await f.item({
      source: "gmail",
      externalId: "m-2",
      kind: "email",
      threadId: "t-1",
      text: "Noted, looping Eve in.",
      at: new Date("2026-02-03T11:00:00Z"),
      audience: toEmailAudience({ from: "ana@acme.dev", to: ["dana@client.example"], cc: ["eve@acme.dev"] }),
      linkTo: "FAL-12",
    });
    ids.email = first.id;
    await f.flag({
      id: "f_question",
      taskKey: "FAL-12",
      kind: "unanswered_question",
      reason: `Ana asked in #leads: "${SECRET_QUESTION}"`,
      evidence: [ids.question],
      ownerId: ids.ben,
    });
    await f.flag({
      id: "f_client",
      taskKey: "FAL-12",
      kind: "feedback_off_board",
      reason: `Dana (client) wrote by email: "${CLIENT_EMAIL}"`,
      evidence: [ids.email],
      ownerId: ids.ben,
    });

    app = createApp({
      db: ctx.db,
      apiToken: TOKEN,
      now: () => NOW,
      signin: {
        publicUrl: "http://localhost",
        teamDomains: ["acme.dev"],
        admins: ["cleo@acme.dev"],
        idleMs: 3_600_000,
      },
    });
    for (const name of ["ana", "ben", "cleo", "eve"]) {
      const made = await createApiToken(ctx.db, {
        personId: ids[name]!,
        email: `${name}@acme.dev`,
        name: "visibility test",
        scopes: ["read"],
        expiresAt: new Date(NOW.getTime() + 86_400_000),
        now: NOW,
      });
      tokens[name] = made.secret;
    }
  });
  afterAll(() => slack?.close());

  const get = async (path: string, who: string) => {
    const res = await app.request(path, { headers: { authorization: `Bearer ${tokens[who] ?? TOKEN}` } });
    expect(res.status).toBe(200);
    return res.json();
  };
  const timelineOf = async (who: string) =>
    parseStrict(TimelineSchema, await get(`/api/tasks/FAL-12/timeline`, who)).items.map((i) => i.text);
  const flagsOf = async (who: string) =>
    Object.fromEntries(
      parseStrict(FlagListSchema, await get("/api/flags", who)).flags.map((f) => [f.id, f] as const),
    );

  it("shows a private channel's message on the timeline only to its members, and an admin", async () => {
    const ben = await timelineOf("ben");
    expect(ben.some((t) => t.startsWith("Kicking off the sprint"))).toBe(true);
    expect(ben).not.toContain(SECRET_QUESTION);
    expect(await timelineOf("ana")).toContain(SECRET_QUESTION);
    expect(await timelineOf("cleo")).toContain(SECRET_QUESTION);
    expect(await timelineOf("deployment")).toContain(SECRET_QUESTION);
  });

  it("shows an email only to the people on its thread, a later message's copy included", async () => {
    expect(await timelineOf("ben")).not.toContain(CLIENT_EMAIL);
    expect(await timelineOf("ana")).toContain(CLIENT_EMAIL);
    expect(await timelineOf("eve")).toContain(CLIENT_EMAIL);
    expect(await timelineOf("eve")).not.toContain(SECRET_QUESTION);
    expect(await timelineOf("cleo")).toContain(CLIENT_EMAIL);
  });

  it("keeps the flags but not their words for a member who may not read what raised them", async () => {
    const ben = await flagsOf("ben");
    expect(ben.f_question).toMatchObject({ reason: HIDDEN_EVIDENCE_REASON, evidence: [] });
    expect(ben.f_client).toMatchObject({ reason: HIDDEN_EVIDENCE_REASON, evidence: [] });
    const eve = await flagsOf("eve");
    expect(eve.f_question?.reason).toBe(HIDDEN_EVIDENCE_REASON);
    expect(eve.f_client).toMatchObject({
      reason: expect.stringContaining("watermark"),
      evidence: [ids.email],
    });
    const ana = await flagsOf("ana");
    expect(ana.f_question).toMatchObject({
      reason: expect.stringContaining("zebra"),
      evidence: [ids.question],
    });
    expect((await flagsOf("cleo")).f_question?.reason).toContain("zebra");
  });

  it("finds a task by a private message's words only for those who may read it, and words no row leaks", async () => {
    const search = async (person: string, admin = false) => {
      const reader = admin ? null : await loadReaderKeys(ctx.db, ids[person]!);
      const inbox = await loadInbox(ctx.db, { filter: { text: "zebra", reader }, now: NOW, perKind: 10 });
      return inbox.groups.flatMap((g) => g.rows);
    };
    expect(await search("ben")).toEqual([]);
    expect((await search("ana")).map((r) => r.taskKey)).toContain("FAL-12");
    expect((await search("cleo", true)).map((r) => r.taskKey)).toContain("FAL-12");

    const benReader = await loadReaderKeys(ctx.db, ids.ben!);
    const rows = (await loadInbox(ctx.db, { filter: { reader: benReader }, now: NOW, perKind: 10 })).groups
      .flatMap((g) => g.rows)
      .filter((r) => r.taskKey === "FAL-12");
    expect(rows.map((r) => r.flagId).sort()).toEqual(["f_client", "f_question"]);
    for (const row of rows) expect(row).toMatchObject({ reason: HIDDEN_EVIDENCE_REASON, evidence: [] });
  });

  it("quotes in each digest only what its recipient may read", async () => {
    const input = await loadDigestInput(ctx.db, {
      now: NOW,
      day: "2026-02-05",
      changesSince: new Date(NOW.getTime() - 86_400_000),
      leads: ["ana@acme.dev", "cleo@acme.dev"],
    });
    const { digests } = composeDigests(input, {
      now: NOW,
      day: "2026-02-05",
      publicUrl: "http://localhost",
      sources: listSources(),
      teamDomains: ["acme.dev"],
      leads: ["ana@acme.dev", "cleo@acme.dev"],
      admins: ["cleo@acme.dev"],
      sendWhenEmpty: false,
      changesSince: new Date(NOW.getTime() - 86_400_000),
    });
    const text = (email: string) => {
      const digest = digests.find((d) => d.recipient.email === email);
      expect(digest).toBeDefined();
      return toDigestText(digest!, "http://localhost");
    };
    const ben = text("ben@acme.dev");
    expect(ben).toContain("FAL-12");
    expect(ben).toContain(HIDDEN_EVIDENCE_REASON);
    expect(ben).not.toContain("zebra");
    expect(ben).not.toContain("watermark");
    expect(ben).not.toContain("slack.com/archives");
    expect(text("ana@acme.dev")).toContain("zebra");
    expect(text("ana@acme.dev")).toContain("watermark");
    expect(text("cleo@acme.dev")).toContain("zebra");
  });
});
