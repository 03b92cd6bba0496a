/**
 * The Teams connector's pull against the sandbox, over HTTP through @microsoft/microsoft-graph-client and
 * @azure/msal-node, without the engine: the requests it makes, its cursor, its passes and the errors only
 * Teams has (throttling, 401/403, 5xx and resuming are the contract suite's, in ../contract/).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  startTeamsSandbox,
  TeamsDataset,
  type TeamsSandbox,
} from "../../../connectors/sandbox/teams/index.ts";
import { mapTeamsRecord } from "../../../connectors/teams/map.ts";
import { MESSAGES_STREAM, TeamsCursorSchema } from "../../../connectors/teams/pull.ts";
import { idsOf, pullAll, recordsOf } from "../kit.ts";
import { buildOrg, graphRequests, ORG_NOW, quickTeams, RUN_NOW, settingsFor } from "./helpers.ts";

const EXPANDED = 5;

describe("Teams pull", () => {
  let teams: TeamsSandbox;
  let dev: string;
  let client: string;
  beforeAll(async () => {
    teams = await startTeamsSandbox(buildOrg(), { expandedReplies: EXPANDED });
    dev = teams.data.scopeOf("dev");
    client = teams.data.scopeOf("client");
  });
  afterAll(() => teams.close());
  beforeEach(() => {
    teams.faults.clear();
    teams.requests.clear();
  });

  it("backfills every post and reply with the fewest requests the page sizes allow", async () => {
    const { connector, notices } = quickTeams();
    const { pages, report, cursors } = await pullAll(connector, settingsFor(teams), dev, { now: RUN_NOW });
    const expected = teams.data
      .messagesOf("dev")
      .filter((m) => m.messageType === "message")
      .map((m) => m.id)
      .sort();
    expect(idsOf(pages).sort()).toEqual(expected);
    // The channel once, one page of posts, one more page of the replies past the 5 expanded, one directory
    // lookup for the four authors, and the delta round that ends the backfill with its link.
    expect(
      graphRequests(teams).map((e) =>
        decodeURIComponent(e.path)
          .replace(/\?.*/, "")
          .replace(/.*\/(channels|users)/, "$1"),
      ),
    ).toEqual([
      expect.stringMatching(/^channels\/19:[0-9a-f]+@thread\.tacv2$/),
      expect.stringMatching(/\/messages$/),
      expect.stringMatching(/\/messages\/\d+\/replies$/),
      "users",
      expect.stringMatching(/\/messages\/delta$/),
    ]);
    expect(report.requestCount).toBe(graphRequests(teams).length);
    expect(notices).toEqual([
      expect.objectContaining({ level: "debug", reason: expect.stringMatching(/system event/) }),
    ]);
    const state = TeamsCursorSchema.parse(cursors[MESSAGES_STREAM]);
    expect(state.pass).toBeNull();
    expect(state.deltaLink).toMatch(
      new RegExp(`^${teams.url}/v1\\.0/teams/.+/messages/delta\\?\\$deltatoken=`),
    );
    expect(state.channel).toEqual({ tenantId: teams.data.tenantId, name: "Portal dev" });
  });

  it("puts the channel's tenant and what the directory says of each author in the records' context", async () => {
    const { pages } = await pullAll(quickTeams().connector, settingsFor(teams), client, { now: RUN_NOW });
    const byAuthor = new Map(
      recordsOf(pages).map((r) => [(r.data as { from: { user: { id: string } } }).from.user.id, r.context]),
    );
    const user = (key: string) => teams.data.user(key);
    expect(byAuthor.get(user("ana").id)).toMatchObject({
      tenantId: teams.data.tenantId,
      channelName: "Acme shared",
      authorMail: "ana@contoso.com",
      authorUserType: "Member",
    });
    expect(byAuthor.get(user("dan").id)).toMatchObject({
      authorMail: "dan.miller@acme-corp.example",
      authorUserType: "Guest",
    });
    expect(byAuthor.get(user("priya").id)).not.toHaveProperty("authorMail");
    const people = recordsOf(pages).flatMap((r) => mapTeamsRecord(r).identities ?? []);
    const guest = (key: string) => people.find((p) => p.externalId === user(key).id)?.isGuest;
    expect([guest("ana"), guest("dan"), guest("priya")]).toEqual([false, true, true]);
    // Ben has no mailbox: his user principal name is his address.
    const { pages: devPages } = await pullAll(quickTeams().connector, settingsFor(teams), dev, {
      now: RUN_NOW,
    });
    const ben = recordsOf(devPages)
      .flatMap((r) => mapTeamsRecord(r).identities ?? [])
      .find((p) => p.externalId === user("ben").id);
    expect(ben?.email).toBe("ben.okafor@contoso.com");
  });

  it("asks the configured authority for one token, and nothing else of it", async () => {
    const settings = settingsFor(teams, ["dev"], {
      extra: { MS_CLIENT_SECRET: `${teams.data.clientSecret}` },
    });
    await pullAll(quickTeams().connector, settings, dev, { now: RUN_NOW });
    await pullAll(quickTeams().connector, settings, client, { now: RUN_NOW });
    const others = teams.requests.entries.filter((e) => !e.path.startsWith("/v1.0/"));
    // msal caches the token between pulls (and earlier tests may have fetched it already): at most one,
    // and never instance discovery or the OpenID configuration.
    expect(others.length).toBeLessThanOrEqual(1);
    for (const e of others)
      expect(e).toMatchObject({
        method: "POST",
        path: expect.stringMatching(/^\/[0-9a-f-]+\/oauth2\/v2\.0\/token/),
      });
  });

  it("reads with a ready MS_GRAPH_TOKEN as well", async () => {
    const { pages } = await pullAll(
      quickTeams().connector,
      settingsFor(teams, ["dev"], { token: true }),
      dev,
      { now: RUN_NOW },
    );
    expect(recordsOf(pages).length).toBeGreaterThan(5);
    expect(teams.requests.count({ path: /oauth2/ })).toBe(0);
  });

  it("asks once in an incremental pass with nothing new, and yields nothing", async () => {
    const settings = settingsFor(teams);
    const first = await pullAll(quickTeams().connector, settings, dev, { now: RUN_NOW });
    teams.requests.clear();
    const again = await pullAll(quickTeams().connector, settings, dev, {
      now: RUN_NOW,
      mode: "sync",
      cursors: first.cursors,
    });
    expect(recordsOf(again.pages)).toEqual([]);
    expect(graphRequests(teams)).toHaveLength(1);
    expect(graphRequests(teams)[0]!.path).toMatch(/\/messages\/delta\?\$deltatoken=/);
  });

  it("brings back each changed thread whole: new, edited, deleted and reacted-to messages", async () => {
    const data = buildOrg();
    const own = await startTeamsSandbox(data, { expandedReplies: EXPANDED });
    try {
      const settings = settingsFor(own, ["dev"]);
      const scope = data.scopeOf("dev");
      const first = await pullAll(quickTeams().connector, settings, scope, { now: RUN_NOW });
      const [sso, pr] = data.threads.get(data.channel("dev").id)!;
      data.advance(60_000);
      data.edit(sso!.replies[0]!.id, "The SAML assertion has no email attribute (fixed in staging).");
      data.delete(sso!.replies[1]!.id);
      data.react(pr!.root.id, "ana", "heart");
      const fresh = data.post("dev", { from: "cleo", body: "Backup job failed again, FAL-20." });
      own.requests.clear();
      const next = await pullAll(quickTeams().connector, settings, scope, {
        now: RUN_NOW,
        mode: "sync",
        cursors: first.cursors,
      });
      const items = recordsOf(next.pages).map((r) => mapTeamsRecord(r).items![0]!);
      const byId = new Map(items.map((i) => [i.externalId.split("/").pop()!, i]));
      // The SSO thread (3), the PR thread (9) and the new post: every message of each changed chain, the
      // deleted one as a tombstone (Teams empties its body; the row keeps what it said).
      expect(items).toHaveLength(3 + 9 + 1 - 1);
      expect(byId.get(sso!.replies[0]!.id)).toMatchObject({
        text: expect.stringMatching(/fixed in staging/),
        editedAt: expect.any(Date),
      });
      expect(next.pages.flatMap((p) => p.deletions ?? [])).toEqual([
        {
          type: "item",
          externalId: `${data.channel("dev").id}/${sso!.replies[1]!.id}`,
          at: new Date(data.message(sso!.replies[1]!.id).deletedAt!),
        },
      ]);
      expect(byId.get(pr!.root.id)?.meta.reactions).toEqual([
        { name: "heart", count: 1, users: [data.user("ana").id] },
      ]);
      expect(byId.get(fresh.id)?.text).toBe("Backup job failed again, FAL-20.");
      // One delta page, and the PR thread's replies past the five expanded; the directory is not asked again.
      expect(
        graphRequests(own).map((e) => e.path.replace(/\?.*/, "").split("/").slice(-2).join("/")),
      ).toEqual(["messages/delta", `${pr!.root.id}/replies`]);
    } finally {
      await own.close();
    }
  });

  it.each([410, 400] as const)(
    "reads the whole channel again when Graph refuses the delta link (%s)",
    async (status) => {
      const data = buildOrg();
      const own = await startTeamsSandbox(data, { expandedReplies: EXPANDED });
      try {
        const settings = settingsFor(own, ["dev"]);
        const scope = data.scopeOf("dev");
        const first = await pullAll(quickTeams().connector, settings, scope, { now: RUN_NOW });
        data.expireDeltaTokens(status);
        const { connector, notices } = quickTeams();
        own.requests.clear();
        const again = await pullAll(connector, settings, scope, {
          now: RUN_NOW,
          mode: "sync",
          cursors: first.cursors,
        });
        expect(idsOf(again.pages).sort()).toEqual(idsOf(first.pages).sort());
        expect(notices).toContainEqual(
          expect.objectContaining({ level: "warn", reason: expect.stringMatching(/refused the delta link/) }),
        );
        expect(graphRequests(own, /\/messages\?/)).toHaveLength(1);
        // A new link that works.
        const state = TeamsCursorSchema.parse(again.cursors[MESSAGES_STREAM]);
        own.requests.clear();
        await pullAll(quickTeams().connector, settings, scope, {
          now: RUN_NOW,
          mode: "sync",
          cursors: again.cursors,
        });
        expect(state.deltaLink).not.toBe(TeamsCursorSchema.parse(first.cursors[MESSAGES_STREAM]).deltaLink);
        expect(graphRequests(own)).toHaveLength(1);
      } finally {
        await own.close();
      }
    },
  );

  it("backfills from a date inside the delta window with one delta round, and lists the channel for older dates", async () => {
    const settings = settingsFor(teams, ["dev"]);
    const recent = await pullAll(quickTeams().connector, settings, dev, {
      now: RUN_NOW,
      since: new Date("2026-02-02T10:00:00Z"),
    });
    expect(graphRequests(teams, /\/messages\?/)).toHaveLength(0);
    expect(
      graphRequests(teams, /\/messages\/delta\?.*lastModifiedDateTime gt 2026-02-02T10:00:00.000Z/),
    ).toHaveLength(1);
    // The SSO thread's last reply is older than that: its chain did not change since.
    const ssoRoot = teams.data.threads.get(teams.data.channel("dev").id)![0]!.root.id;
    expect(idsOf(recent.pages)).not.toContain(ssoRoot);
    expect(TeamsCursorSchema.parse(recent.cursors[MESSAGES_STREAM]).fromMs).toBe(
      Date.parse("2026-02-02T10:00:00Z"),
    );

    // A backfill further back than what was pulled reads the past again; older than 8 months, by listing.
    teams.requests.clear();
    const older = await pullAll(quickTeams().connector, settings, dev, {
      now: RUN_NOW,
      since: new Date("2025-01-01T00:00:00Z"),
      cursors: recent.cursors,
    });
    expect(graphRequests(teams, /\/messages\?/)).toHaveLength(1);
    expect(idsOf(older.pages)).toContain(ssoRoot);
    expect(TeamsCursorSchema.parse(older.cursors[MESSAGES_STREAM]).fromMs).toBeNull();
  });

  it("resumes from the page it stopped after, asking no page twice", async () => {
    const data = new TeamsDataset()
      .addUser("ana", { displayName: "Ana Lima" })
      .addTeam("t", "T")
      .addChannel("t", "big", "Big");
    for (let i = 0; i < 120; i++) {
      data.advance(60_000);
      const root = data.post("big", { from: "ana", body: `Post ${i}` });
      if (i % 10 === 0) data.reply(root.id, { from: "ana", body: `Reply to ${i}` });
    }
    const own = await startTeamsSandbox(data);
    try {
      const settings = settingsFor(own, ["big"]);
      const scope = data.scopeOf("big");
      const { connector } = quickTeams();
      const first = await pullAll(connector, settings, scope, { now: RUN_NOW, stopAfter: 1 });
      const rest = await pullAll(quickTeams().connector, settings, scope, {
        now: RUN_NOW,
        cursors: first.cursors,
      });
      expect([...idsOf(first.pages), ...idsOf(rest.pages)].sort()).toEqual(
        data
          .messagesOf("big")
          .map((m) => m.id)
          .sort(),
      );
      const listPages = graphRequests(own, /\/messages\?/).map((e) => e.path);
      expect(listPages).toHaveLength(3);
      expect(new Set(listPages).size).toBe(3);
    } finally {
      await own.close();
    }
  });
});

describe("Teams pull: how far back a backfill has read", () => {
  it("says with each page of the list how far back it has read, newest first, and nothing in a delta round", async () => {
    // 120 posts a minute apart, every tenth answered an hour later (after newer posts): three list pages.
    const data = new TeamsDataset({ now: "2026-02-02T08:00:00Z" })
      .addUser("ana", { displayName: "Ana Lima" })
      .addTeam("t", "T")
      .addChannel("t", "big", "Big");
    const roots: Array<{ id: string; at: number }> = [];
    for (let i = 0; i < 120; i++) {
      data.advance(60_000);
      const root = data.post("big", { from: "ana", body: `Post ${i}` });
      roots.push({ id: root.id, at: root.createdAt });
    }
    for (let i = 0; i < 120; i += 10) {
      data.advance(60_000);
      data.reply(roots[i]!.id, { from: "ana", body: `Reply to ${i}` });
    }
    const own = await startTeamsSandbox(data);
    try {
      const settings = settingsFor(own, ["big"]);
      const scope = data.scopeOf("big");
      const backfill = await pullAll(quickTeams().connector, settings, scope, { now: RUN_NOW });
      const said = backfill.pages.map((p) => p.readBackTo);
      // Three list pages say it; the delta round that closes the backfill does not.
      expect(said.slice(0, 3).every((at) => typeof at === "string")).toBe(true);
      expect(said.slice(3)).toEqual(Array(backfill.pages.length - 3).fill(undefined));
      const times = said.slice(0, 3).map((at) => Date.parse(at!));
      expect(times).toEqual([...times].sort((a, b) => b - a));
      // The oldest post of each page of 50, a millisecond later: the next page may hold one of that millisecond.
      expect(times).toEqual([roots[70]!.at + 1, roots[20]!.at + 1, roots[0]!.at + 1]);
      // Once a page says it, every thread posted since is in, with its replies.
      const threadOf = new Map(data.messagesOf("big").map((m) => [m.id, m.replyToId ?? m.id]));
      const rootAt = new Map(roots.map((r) => [r.id, r.at]));
      for (let p = 0; p < 3; p++) {
        const readSoFar = new Set(idsOf(backfill.pages.slice(0, p + 1)));
        const due = data.messagesOf("big").filter((m) => rootAt.get(threadOf.get(m.id)!)! >= times[p]!);
        expect(due.length).toBeGreaterThan(0);
        expect(due.filter((m) => !readSoFar.has(m.id))).toEqual([]);
      }

      // An incremental pass reads forward: it says nothing.
      data.advance(60_000);
      data.reply(roots[5]!.id, { from: "ana", body: "A late answer" });
      const sync = await pullAll(quickTeams().connector, settings, scope, {
        mode: "sync",
        now: RUN_NOW,
        cursors: backfill.cursors,
      });
      expect(idsOf(sync.pages).length).toBeGreaterThan(0);
      expect(sync.pages.map((p) => p.readBackTo)).toEqual(sync.pages.map(() => undefined));
      // Nor does a backfill from a date inside the delta window, which is one delta round.
      const recent = await pullAll(quickTeams().connector, settings, scope, {
        now: RUN_NOW,
        since: new Date(roots[100]!.at),
      });
      expect(recent.pages.map((p) => p.readBackTo)).toEqual(recent.pages.map(() => undefined));
    } finally {
      await own.close();
    }
  });
});

describe("Teams pull of a shared channel", () => {
  it("marks a member of another tenant a guest, without asking this tenant's directory for them", async () => {
    const data = buildOrg().addUser("kim", {
      displayName: "Kim Tan (Fabrikam)",
      tenantId: "5e7f0a1b-0000-4d2c-9e3f-fabrikam0001",
    });
    data.post("client", { from: "kim", body: "Is FAL-12 fixed for our tenant too?" });
    const teams = await startTeamsSandbox(data, { expandedReplies: EXPANDED });
    try {
      const client = teams.data.scopeOf("client");
      const { pages } = await pullAll(quickTeams().connector, settingsFor(teams), client, { now: RUN_NOW });
      const kim = teams.data.user("kim");
      const people = recordsOf(pages).flatMap((r) => mapTeamsRecord(r).identities ?? []);
      expect(people.find((p) => p.externalId === kim.id)).toMatchObject({
        displayName: "Kim Tan (Fabrikam)",
        isGuest: true,
        email: null,
      });
      expect(people.find((p) => p.externalId === teams.data.user("ana").id)?.isGuest).toBe(false);
      const lookups = teams.requests.entries.filter((e) => /\/v1\.0\/users\b/.test(e.path));
      expect(lookups.length).toBeGreaterThan(0);
      expect(lookups.some((e) => decodeURIComponent(e.path).includes(kim.id))).toBe(false);
    } finally {
      await teams.close();
    }
  });
});

describe("Teams pull: errors", () => {
  let teams: TeamsSandbox;
  let dev: string;
  beforeAll(async () => {
    teams = await startTeamsSandbox(buildOrg(), { expandedReplies: EXPANDED });
    dev = teams.data.scopeOf("dev");
  });
  afterAll(() => teams.close());
  beforeEach(() => {
    teams.faults.clear();
    teams.requests.clear();
  });

  it("reports a refused client secret as auth, naming the variables to check", async () => {
    const wrongSecret = settingsFor(teams, ["dev"], { extra: { MS_CLIENT_SECRET: "wrong" } });
    await expect(pullAll(quickTeams().connector, wrongSecret, dev, { now: RUN_NOW })).rejects.toMatchObject({
      kind: "auth",
      message: expect.stringMatching(/AADSTS7000215.*check MS_TENANT_ID, MS_CLIENT_ID and MS_CLIENT_SECRET/s),
    });
  });

  it("reports an unknown channel as not found, naming TEAMS_CHANNELS", async () => {
    const settings = settingsFor(teams, ["dev"]);
    const missing = `${teams.data.team("portal").id}/19:0000@thread.tacv2`;
    await expect(pullAll(quickTeams().connector, settings, missing, { now: RUN_NOW })).rejects.toMatchObject({
      kind: "not_found",
      message: expect.stringMatching(/TEAMS_CHANNELS/),
    });
  });

  it("goes on without the directory when the app may not read it, says so once, and stops asking", async () => {
    teams.data.roles.delete("User.Read.All");
    try {
      const { connector, notices } = quickTeams();
      const settings = settingsFor(teams, ["dev"], { token: true });
      const { pages, cursors } = await pullAll(connector, settings, dev, { now: RUN_NOW });
      expect(recordsOf(pages).length).toBeGreaterThan(5);
      expect(recordsOf(pages).every((r) => !("authorMail" in (r.context ?? {})))).toBe(true);
      expect(notices.filter((n) => /directory/.test(n.reason))).toHaveLength(1);
      expect(TeamsCursorSchema.parse(cursors[MESSAGES_STREAM]).directoryRefusedMs).toBe(RUN_NOW.getTime());
      teams.requests.clear();
      teams.data.advance(60_000);
      teams.data.post("dev", { from: "cleo", body: "New post from someone not looked up yet" });
      await pullAll(connector, settings, dev, { now: RUN_NOW, mode: "sync", cursors });
      expect(graphRequests(teams, /\/users/)).toHaveLength(0);
    } finally {
      teams.data.roles.add("User.Read.All");
    }
  });
});

describe("Teams pull of a post with more than 1,000 replies", () => {
  it("reads the replies endpoint when Graph expands 1,000 and leaves out the link to the rest", async () => {
    const data = new TeamsDataset({ now: "2026-02-02T08:00:00Z" })
      .addUser("ana", { displayName: "Ana Lima" })
      .addTeam("t", "Team")
      .addChannel("t", "busy", "Busy");
    const root = data.post("busy", { from: "ana", body: "Incident FAL-90: all updates in this thread" });
    for (let i = 0; i < 1030; i++) {
      data.advance(1_000);
      data.reply(root.id, { from: "ana", body: `Update ${i + 1}` });
    }
    data.now = ORG_NOW.getTime();
    // The default expansion (1,000 replies), without `replies@odata.nextLink` nor `replies@odata.count`.
    const teams = await startTeamsSandbox(data, { omitRepliesNextLink: true });
    try {
      const { connector } = quickTeams();
      const settings = settingsFor(teams, ["busy"]);
      const { pages } = await pullAll(connector, settings, data.scopeOf("busy"), { now: RUN_NOW });
      const ids = idsOf(pages);
      expect(new Set(ids).size).toBe(1031);
      expect(ids.sort()).toEqual(
        data
          .messagesOf("busy")
          .map((m) => m.id)
          .sort(),
      );
      // 1,030 replies at 50 a request: 21 requests of the replies endpoint.
      expect(graphRequests(teams, /\/messages\/\d+\/replies/)).toHaveLength(21);
    } finally {
      await teams.close();
    }
  });
});
