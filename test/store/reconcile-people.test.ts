import { asc } from "drizzle-orm";
import { expect, it } from "vitest";
import * as schema from "../../schema/index.ts";
import type { Db } from "../../src/store/db.ts";
import { saveIdentities } from "../../src/store/identity.ts";
import { reconcilePeople } from "../../src/store/reconcile-people.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { FIXTURE_TIME, fixtures } from "../helpers/fixtures.ts";

const personOf = async (db: Db, source: string, externalId: string) => {
  const rows = await db.select().from(schema.identities);
  return rows.find((r) => r.source === source && r.externalId === externalId)?.personId;
};

const peopleRows = (db: Db) => db.select().from(schema.people).orderBy(asc(schema.people.id));

describeEachDatabase("reconcilePeople", (ctx) => {
  it("merges a GitHub account known only by its login into the Jira person the file names", async () => {
    const f = fixtures(ctx.db);
    const dana = await f.person({ name: "Dana Ruiz", email: "dana@acme.io" });
    await f.identity({
      source: "jira",
      externalId: "5b10a2844c20165700ede21g",
      personId: dana.id,
      email: "dana@acme.io",
    });
    const gh = await f.person({ name: "Dana-R", email: null });
    await f.identity({ source: "github", externalId: "Dana-R", personId: gh.id, displayName: "Dana-R" });
    const task = await f.task({ key: "TST-GH-LOGIN", assigneeId: gh.id });

    const keys = await reconcilePeople(ctx.db, {
      people: [{ email: "dana@acme.io", github: "dana-r" }],
      now: FIXTURE_TIME,
    });
    expect(await personOf(ctx.db, "github", "Dana-R")).toBe(dana.id);
    // The task the GitHub account was assigned is the survivor's now, and its flags are due again.
    expect(keys).toEqual([task.key]);
    // Idempotent: a second run finds nothing to do and changes nothing.
    const before = await peopleRows(ctx.db);
    expect(
      await reconcilePeople(ctx.db, {
        people: [{ email: "dana@acme.io", github: "dana-r" }],
        now: FIXTURE_TIME,
      }),
    ).toEqual([]);
    expect(await peopleRows(ctx.db)).toEqual(before);
  });

  it("matches a GitHub account keyed by its numeric id, by login (its handle) or by the id", async () => {
    const f = fixtures(ctx.db);
    const ben = await f.person({ name: "Ben Ode", email: "ben@acme.io" });
    await f.identity({ source: "jira", externalId: "acc-ben", personId: ben.id, email: "ben@acme.io" });
    const byLogin = await f.person({ name: "ben-o", email: null });
    await f.identity({ source: "github", externalId: "583231", handle: "ben-o", personId: byLogin.id });
    const byId = await f.person({ name: "other", email: null });
    await f.identity({ source: "github", externalId: "990001", handle: "benny", personId: byId.id });
    const chat = await f.person({ name: "Ben", email: null });
    await f.identity({ source: "slack", externalId: "U0BEN1", personId: chat.id });

    await reconcilePeople(ctx.db, {
      people: [{ email: "ben@acme.io", github: "Ben-O", slack: "U0BEN1" }],
      now: FIXTURE_TIME,
    });
    expect(await personOf(ctx.db, "github", "583231")).toBe(ben.id);
    expect(await personOf(ctx.db, "slack", "U0BEN1")).toBe(ben.id);
    expect(await personOf(ctx.db, "github", "990001")).toBe(byId.id);

    await reconcilePeople(ctx.db, {
      people: [{ email: "ben@acme.io", github: "990001" }],
      now: FIXTURE_TIME,
    });
    expect(await personOf(ctx.db, "github", "990001")).toBe(ben.id);
    const merged = (await peopleRows(ctx.db)).filter((p) => [byLogin.id, byId.id, chat.id].includes(p.id));
    expect(merged.map((p) => p.mergedInto)).toEqual([ben.id, ben.id, ben.id]);
  });

  it("creates the person of an email nobody holds yet, named after the accounts it receives", async () => {
    const f = fixtures(ctx.db);
    const jira = await f.person({ name: "Eve Stone", email: null });
    await f.identity({ source: "jira", externalId: "acc-eve", personId: jira.id, displayName: "Eve Stone" });
    await reconcilePeople(ctx.db, { people: [{ email: "Eve@Acme.io", jira: "acc-eve" }], now: FIXTURE_TIME });
    const id = await personOf(ctx.db, "jira", "acc-eve");
    expect(id).not.toBe(jira.id);
    const person = (await peopleRows(ctx.db)).find((p) => p.id === id);
    expect(person).toMatchObject({ name: "Eve Stone", email: "eve@acme.io", mergedInto: null });
  });

  it("joins an identity by an email learned later, and never two people-file entries", async () => {
    const now = FIXTURE_TIME;
    // Jira hid the email at first: the account became a person of its own.
    await saveIdentities(
      ctx.db,
      [
        {
          source: "jira",
          externalId: "acc-fay",
          displayName: "Fay Lo",
          email: null,
          isGuest: false,
          isBot: false,
        },
      ],
      [],
      now,
    );
    await saveIdentities(
      ctx.db,
      [
        {
          source: "gmail",
          externalId: "fay@acme.io",
          displayName: null,
          email: "fay@acme.io",
          isGuest: false,
          isBot: false,
        },
      ],
      [],
      now,
    );
    const gmail = await personOf(ctx.db, "gmail", "fay@acme.io");
    expect(await personOf(ctx.db, "jira", "acc-fay")).not.toBe(gmail);
    // Later Jira shows the address: the sources agree now.
    await saveIdentities(
      ctx.db,
      [
        {
          source: "jira",
          externalId: "acc-fay",
          displayName: "Fay Lo",
          email: "fay@acme.io",
          isGuest: false,
          isBot: false,
        },
      ],
      [],
      now,
    );
    await reconcilePeople(ctx.db, { people: [], now });
    expect(await personOf(ctx.db, "jira", "acc-fay")).toBe(gmail);
    const fay = (await peopleRows(ctx.db)).find((p) => p.id === gmail);
    expect(fay?.name).toBe("Fay Lo");

    // A GitHub account vouching for two entries' addresses joins neither entry to the other.
    const f = fixtures(ctx.db);
    const gus = await f.person({ name: "Gus", email: "gus@acme.io" });
    const hal = await f.person({ name: "Hal", email: "hal@acme.io" });
    await f.identity({ source: "github", externalId: "77", personId: gus.id, emails: ["hal@acme.io"] });
    const people = [{ email: "gus@acme.io" }, { email: "hal@acme.io" }];
    await reconcilePeople(ctx.db, { people, now });
    const rows = await peopleRows(ctx.db);
    expect(rows.find((p) => p.id === gus.id)?.mergedInto).toBeNull();
    expect(rows.find((p) => p.id === hal.id)?.mergedInto).toBeNull();
  });
});
