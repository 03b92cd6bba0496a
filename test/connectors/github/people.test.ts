/**
 * GitHub people through the sync engine into the database: the real Octokit over real HTTP against the
 * sandbox, on PGlite (and PostgreSQL with TEST_DATABASE_URL). Each source of an address (the organization's
 * verified-domain emails, a commit's verified author email, the public profile email), GitHub's no-reply
 * addresses left out, accounts keyed by numeric id with the login as handle, a renamed login staying one
 * person, a token refused the organization's emails still reading everything, and a login (a requested
 * reviewer, a mention) resolving to the numeric-keyed person.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { GithubSettings } from "../../../connectors/github/config.ts";
import { githubConnector } from "../../../connectors/github/index.ts";
import { ORG_EMAILS_RETRY_MS } from "../../../connectors/github/pull.ts";
import { listSources } from "../../../connectors/registry.ts";
import {
  GithubDataset,
  type GithubSandbox,
  startGithubSandbox,
} from "../../../connectors/sandbox/github/index.ts";
import { parseFlagSettings } from "../../../src/flags/flag-settings.ts";
import type { Db } from "../../../src/store/db.ts";
import { saveIdentities } from "../../../src/store/identity.ts";
import { loadTaskSnapshots } from "../../../src/store/load-task-snapshots.ts";
import { reconcilePeople } from "../../../src/store/reconcile-people.ts";
import { queryRows } from "../../../src/store/rows.ts";
import { describeEachDatabase } from "../../helpers/databases.ts";
import { syncOnce } from "../../helpers/sync-run.ts";
import { buildRepository, RUN_AT, settingsFor } from "./helpers.ts";

const settings = parseFlagSettings(
  undefined,
  { THREADLINE_TEAM_DOMAINS: "acme.dev", THREADLINE_TIMEZONE: "Europe/London" },
  listSources(),
);

async function syncGithub(
  db: Db,
  sb: GithubSandbox,
  mode: "backfill" | "sync",
  now = RUN_AT,
  s?: GithubSettings,
) {
  const report = await syncOnce(db, [{ connector: githubConnector, settings: s ?? settingsFor(sb) }], {
    mode,
    now: () => now,
    linkContext: { jiraProjects: [], jiraSiteUrls: [], githubRepos: ["acme/web"], githubWebUrls: [sb.url] },
  });
  expect(report.sources[0]!.errors).toEqual([]);
  return report.sources[0]!;
}

interface IdentityRow {
  external_id: string;
  handle: string | null;
  email: string | null;
  emails: string[];
  person_id: string;
}

const githubIdentities = (db: Db) =>
  queryRows<IdentityRow>(
    db,
    sql`select external_id, handle, email, emails, person_id from identities where source = 'github'
        and not is_bot order by handle`,
  );

describeEachDatabase("GitHub people: addresses and numeric ids", (ctx) => {
  let sb: GithubSandbox;
  const idOf = (login: string) => String(sb.dataset.users.get(login)!.id);
  beforeAll(async () => {
    const dataset = new GithubDataset();
    buildRepository(dataset);
    sb = await startGithubSandbox({ dataset });
  });
  afterAll(() => sb.close());

  it("keys people by numeric id with their login as handle, each with the best address GitHub vouches for", async () => {
    await syncGithub(ctx.db, sb, "backfill");
    const rows = await githubIdentities(ctx.db);
    expect(rows.map(({ person_id: _, ...r }) => r)).toEqual([
      // The organization's verified-domain email first, the public profile email beside it.
      {
        external_id: idOf("anna"),
        handle: "anna",
        email: "anna@acme.dev",
        emails: ["anna.kowalski@fastmail.example"],
      },
      // No public email: the verified address his commits carry, beside it (commits come only with pull requests).
      { external_id: idOf("ben"), handle: "ben", email: null, emails: ["ben.okafor@gmail.example"] },
      // Neither: his commits carry GitHub's no-reply address, which reaches nobody.
      { external_id: idOf("kofi-m"), handle: "kofi-m", email: null, emails: [] },
    ]);
  });

  it("resolves a requested reviewer and a mention, named by login in any case, to the numeric-keyed person", async () => {
    const web = sb.dataset.repo("acme/web");
    sb.dataset.setNow("2025-03-10T09:00:00Z");
    web.comment(3, { author: "anna", body: "@Kofi-M thanks for the careful review." });
    await syncGithub(ctx.db, sb, "sync");
    const people = new Map((await githubIdentities(ctx.db)).map((r) => [r.handle, r.person_id]));
    const [waiting, merged] = await loadTaskSnapshots(ctx.db, ["acme/web#4", "acme/web#3"], settings).then(
      (s) => ["acme/web#4", "acme/web#3"].map((k) => s.find((t) => t.key === k)!),
    );
    // Waiting on ben by login; ben is keyed by his id. anna is of the team by her acme.dev address.
    expect(waiting!.pullRequest!.requestedReviewers.map((p) => p.id)).toEqual([people.get("ben")]);
    const ask = waiting!.items.find((i) => i.text.startsWith("@ben"))!;
    expect(ask.author).toMatchObject({ id: people.get("anna"), isTeam: true });
    expect(ask.facts.mentions.map((p) => p.id)).toEqual([people.get("ben")]);
    const review = merged!.items.find((i) => i.kind === "review")!;
    const thanks = merged!.items.find((i) => i.text.startsWith("@Kofi-M"))!;
    expect(thanks.facts.mentions.map((p) => p.id)).toEqual([review.author!.id]);
    expect(review.author!.id).toBe(people.get("kofi-m"));
  });

  it("keeps a renamed login the same person, with the new handle", async () => {
    const before = await githubIdentities(ctx.db);
    const kofi = before.find((r) => r.handle === "kofi-m")!;
    sb.dataset.renameUser("kofi-m", "kofi-mensah");
    sb.dataset.setNow("2025-03-11T09:00:00Z");
    sb.dataset.repo("acme/web").comment(5, { author: "kofi-mensah", body: "Renamed my account." });
    await syncGithub(ctx.db, sb, "sync", new Date("2025-03-14T09:00:00Z"));
    const after = await githubIdentities(ctx.db);
    expect(after).toHaveLength(before.length);
    expect(after.find((r) => r.external_id === kofi.external_id)).toMatchObject({
      handle: "kofi-mensah",
      person_id: kofi.person_id,
    });
  });

  it("joins a person of another source who has one of the addresses GitHub vouched for", async () => {
    const ben = (await githubIdentities(ctx.db)).find((r) => r.handle === "ben")!;
    const persons = await saveIdentities(
      ctx.db,
      [
        {
          source: "slack",
          externalId: "U0BEN",
          displayName: "Ben",
          email: "Ben.Okafor@gmail.example",
          isGuest: false,
          isBot: false,
        },
      ],
      [],
      RUN_AT,
    );
    // Slack's account holds the address as its own; GitHub's joins it once the pass is over.
    expect(persons.get("slack:U0BEN")).not.toBe(ben.person_id);
    await reconcilePeople(ctx.db, { people: [], now: RUN_AT });
    const joined = await queryRows<{ person_id: string }>(
      ctx.db,
      sql`select distinct person_id from identities where (source, external_id) in (('slack', 'U0BEN'), ('github', ${ben.external_id}))`,
    );
    expect(joined).toEqual([{ person_id: persons.get("slack:U0BEN") }]);
  });
});

describeEachDatabase("GitHub people: a token refused the organization's emails", (ctx) => {
  let sb: GithubSandbox;
  beforeAll(async () => {
    const dataset = new GithubDataset();
    buildRepository(dataset);
    // acme's owners are others: GitHub refuses this token the members' verified-domain emails.
    dataset.organization("acme", { verifiedDomains: ["acme.dev"], owners: ["anna"], members: ["ben"] });
    sb = await startGithubSandbox({ dataset });
  });
  afterAll(() => sb.close());

  it("reads every page without the field, one request more, and asks again a day later", async () => {
    const report = await syncGithub(ctx.db, sb, "backfill");
    expect(report.tasksNew).toBe(6);
    const graphql = sb.requests.entries.filter((e) => e.path.startsWith("/graphql"));
    // The first page answered with the field refused (and its actors null), then again without it.
    expect(graphql).toHaveLength(2);
    const rows = await githubIdentities(ctx.db);
    expect(rows.find((r) => r.handle === "anna")).toMatchObject({
      email: "anna.kowalski@fastmail.example",
      emails: [],
    });
    expect(rows.find((r) => r.handle === "ben")).toMatchObject({
      email: null,
      emails: ["ben.okafor@gmail.example"],
    });

    // A pass with nothing new does not ask for the field again the same day: two requests.
    sb.requests.clear();
    await syncGithub(ctx.db, sb, "sync", new Date(RUN_AT.getTime() + 3_600_000));
    expect(sb.requests.entries.map((e) => e.path.split("?")[0])).toEqual([
      "/graphql",
      "/repos/acme/web/issues/comments",
    ]);
    // A day later it is asked again, in case the token was given the right since.
    sb.dataset.organization("acme", {
      verifiedDomains: ["acme.dev"],
      owners: ["threadline-bot"],
      members: ["anna"],
    });
    sb.dataset.setNow("2025-03-15T09:00:00Z");
    sb.dataset.repo("acme/web").comment(1, { author: "anna", body: "Any news?" });
    await syncGithub(ctx.db, sb, "sync", new Date(RUN_AT.getTime() + ORG_EMAILS_RETRY_MS + 7_200_000));
    expect((await githubIdentities(ctx.db)).find((r) => r.handle === "anna")).toMatchObject({
      email: "anna@acme.dev",
      emails: ["anna.kowalski@fastmail.example"],
    });
  });
});
