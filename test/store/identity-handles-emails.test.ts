/**
 * `saveIdentities` with handles and further addresses: an identity keyed by a stable id joins the person of the
 * identity its handle used to be the key of (databases from before GitHub accounts were keyed by id), a new
 * identity joins whoever holds its email at once and whoever holds its further addresses after the pass (the
 * same people whichever source came first), addresses add up, and a person's team membership reads
 * all of them. On PGlite (and PostgreSQL with TEST_DATABASE_URL).
 */
import { sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { listSources } from "../../connectors/registry.ts";
import type { Identity } from "../../connectors/types.ts";
import { parseFlagSettings } from "../../src/flags/flag-settings.ts";
import { saveIdentities } from "../../src/store/identity.ts";
import { loadTaskSnapshots } from "../../src/store/load-task-snapshots.ts";
import { mergePeople } from "../../src/store/people-merge.ts";
import { reconcilePeople } from "../../src/store/reconcile-people.ts";
import { queryRows } from "../../src/store/rows.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { FIXTURE_TIME, fixtures } from "../helpers/fixtures.ts";

const github = (externalId: string, fields: Partial<Identity> = {}): Identity => ({
  source: "github",
  externalId,
  displayName: null,
  email: null,
  isGuest: false,
  isBot: false,
  ...fields,
});

const save = async (db: Parameters<typeof saveIdentities>[0], identities: Identity[]) =>
  saveIdentities(db, identities, [], FIXTURE_TIME);

describeEachDatabase("saveIdentities: handles and further emails", (ctx) => {
  it("joins a numeric-keyed identity to the person of the login-keyed one stored before, and a merge made by hand", async () => {
    // Stored before the upgrade: two GitHub people keyed by login, one merged by hand into a Jira person.
    const before = await save(ctx.db, [github("Mira-Dev", { displayName: "Mira" }), github("old-oscar")]);
    const jira = await saveIdentities(
      ctx.db,
      [
        {
          source: "jira",
          externalId: "5b10a2844c20165700ede21g",
          displayName: "Oscar Diaz",
          email: "oscar@acme.dev",
          isGuest: false,
          isBot: false,
        },
      ],
      [],
      FIXTURE_TIME,
    );
    const oscar = jira.get("jira:5b10a2844c20165700ede21g")!;
    await mergePeople(ctx.db, { from: before.get("github:old-oscar")!, into: oscar, now: FIXTURE_TIME });

    const after = await save(ctx.db, [
      github("2001", { handle: "mira-dev", displayName: "Mira" }),
      github("2002", { handle: "Old-Oscar" }),
    ]);
    // The login matched case-insensitively; the hand-made merge carries over to the survivor.
    expect(after.get("github:2001")).toBe(before.get("github:Mira-Dev"));
    expect(after.get("github:2002")).toBe(oscar);
    const rows = await queryRows<{ external_id: string; handle: string | null }>(
      ctx.db,
      sql`select external_id, handle from identities where source = 'github' order by external_id`,
    );
    expect(rows).toEqual([
      { external_id: "2001", handle: "mira-dev" },
      { external_id: "2002", handle: "old-oscar" },
      { external_id: "Mira-Dev", handle: null },
      { external_id: "old-oscar", handle: null },
    ]);
  });

  it("joins a new identity to the person holding its email at once, and by its further addresses after the pass, to the same people either way round", async () => {
    const f = fixtures(ctx.db);
    const petra = await f.person({ email: "petra@acme.dev" });
    await f.identity({
      personId: petra.id,
      source: "jira",
      externalId: "acc-petra",
      email: "petra@acme.dev",
    });
    const joined = await save(ctx.db, [github("3001", { handle: "petra", email: "Petra@Acme.dev" })]);
    expect(joined.get("github:3001")).toBe(petra.id);

    const slackQuentin: Identity = {
      source: "slack",
      externalId: "U0QUENTIN",
      displayName: "Quentin",
      email: "Quentin@acme.dev",
      isGuest: false,
      isBot: false,
    };
    const githubQuentin = github("3002", {
      handle: "quentin",
      email: "q@home.example",
      emails: ["quentin@acme.dev"],
    });
    const people = async () =>
      queryRows<{ id: string; email: string | null; merged_into: string | null }>(
        ctx.db,
        sql`select id, email, merged_into from people where id in (
              select person_id from identities where external_id in ('3002', 'U0QUENTIN')
              union select p.id from people p join identities i on p.merged_into = i.person_id
              where i.external_id in ('3002', 'U0QUENTIN')) order by id`,
      );
    const outcome = async (first: Identity, second: Identity) => {
      await ctx.db.execute(sql`delete from identities where external_id in ('3002', 'U0QUENTIN')`);
      await ctx.db.execute(sql`delete from people where email in ('q@home.example', 'quentin@acme.dev')`);
      await save(ctx.db, [first]);
      await save(ctx.db, [second]);
      // Apart until the pass ends: the GitHub account only carries Quentin's team address.
      const [a, b] = await Promise.all(
        ["github:3002", "slack:U0QUENTIN"].map((key) =>
          queryRows<{ person_id: string }>(
            ctx.db,
            sql`select person_id from identities where source || ':' || external_id = ${key}`,
          ),
        ),
      );
      expect(a![0]!.person_id).not.toBe(b![0]!.person_id);
      await reconcilePeople(ctx.db, { people: [], now: FIXTURE_TIME });
      const owners = await queryRows<{ person_id: string }>(
        ctx.db,
        sql`select distinct person_id from identities where external_id in ('3002', 'U0QUENTIN')`,
      );
      expect(owners).toHaveLength(1);
      return people();
    };
    const githubFirst = await outcome(githubQuentin, slackQuentin);
    const slackFirst = await outcome(slackQuentin, githubQuentin);
    expect(slackFirst).toEqual(githubFirst);
    // The person whose own email is the team address survives.
    expect(githubFirst.find((p) => p.merged_into === null)).toMatchObject({ email: "quentin@acme.dev" });
  });

  it("keeps every address: lower-cased, each once, a replaced email among the others; the person stays", async () => {
    const first = await save(ctx.db, [
      github("4001", {
        handle: "rosa",
        email: "rosa@home.example",
        emails: ["ROSA@acme.dev", "rosa@acme.dev"],
      }),
    ]);
    const later = await save(ctx.db, [
      github("4001", { handle: "rosa", email: "rosa@acme.dev", emails: ["rosa@work.example"] }),
    ]);
    expect(later.get("github:4001")).toBe(first.get("github:4001"));
    const [row] = await queryRows<{ email: string; emails: string[] }>(
      ctx.db,
      sql`select email, emails from identities where source = 'github' and external_id = '4001'`,
    );
    expect(row).toEqual({ email: "rosa@acme.dev", emails: ["rosa@home.example", "rosa@work.example"] });
    // A page naming the identity with fewer addresses loses none of them.
    await save(ctx.db, [github("4001", { handle: "rosa" })]);
    const [again] = await queryRows<{ email: string; emails: string[] }>(
      ctx.db,
      sql`select email, emails from identities where source = 'github' and external_id = '4001'`,
    );
    expect(again).toEqual(row);
  });

  it("judges a person of the team by an address among an identity's further ones", async () => {
    const f = fixtures(ctx.db);
    const persons = await save(ctx.db, [
      github("5001", { handle: "sam", email: "sam@home.example", emails: ["sam@acme.dev"] }),
    ]);
    const task = await f.task({ assigneeId: persons.get("github:5001")! });
    const settings = parseFlagSettings(
      undefined,
      { THREADLINE_TEAM_DOMAINS: "acme.dev", THREADLINE_TIMEZONE: "Europe/London" },
      listSources(),
    );
    const [snapshot] = await loadTaskSnapshots(ctx.db, [task.key], settings);
    expect(snapshot!.assignee).toMatchObject({ id: persons.get("github:5001"), isTeam: true });
  });
});
