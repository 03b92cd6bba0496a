/**
 * Writing back to Teams through the real Graph client against the sandbox: a reply in the reply chain of the
 * item a flag is about, as the person a delegated token signs in, read back by the next sync as an item of
 * that chain; `find` recognising an earlier attempt by author, words and time (Graph keeps nothing out of
 * sight on a message), also after a 5xx that came once the reply was saved; and `access` telling app-only
 * credentials, which Graph never lets post, from a delegated token with ChannelMessage.Send.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTeamsSandbox, type TeamsSandbox } from "../../../connectors/sandbox/teams/index.ts";
import type { TeamsSettings } from "../../../connectors/teams/index.ts";
import { DELEGATED_SEND_NEEDED } from "../../../connectors/teams/token-claims.ts";
import type { ItemMeta, WritePerson, WriteRequest, WriteTarget } from "../../../connectors/types.ts";
import { ConnectorError } from "../../../connectors/types.ts";
import type { Db } from "../../../src/store/db.ts";
import { queryRows } from "../../../src/store/rows.ts";
import { describeEachDatabase } from "../../helpers/databases.ts";
import { syncOnce } from "../../helpers/sync-run.ts";
import { buildOrg, quickTeams, RUN_NOW, settingsFor, TEAMS_LINK_CONTEXT } from "./helpers.ts";

interface ItemRow {
  external_id: string;
  thread_id: string | null;
  url: string | null;
  text: string;
  meta: ItemMeta;
}

const { connector } = quickTeams();
const actions = connector.actions!;

async function sync(db: Db, settings: TeamsSettings, mode: "backfill" | "sync") {
  const report = await syncOnce(db, [{ connector, settings }], {
    mode,
    now: () => RUN_NOW,
    linkContext: TEAMS_LINK_CONTEXT,
  });
  expect(report.sources[0]!.errors).toEqual([]);
}

const items = (db: Db) =>
  queryRows<ItemRow>(
    db,
    sql`select external_id, thread_id, url, text, meta from items where source = 'teams' order by external_id`,
  );

let actionCount = 0;

describeEachDatabase("Teams write-back", (ctx) => {
  let teams: TeamsSandbox;
  let settings: TeamsSettings;
  beforeAll(async () => {
    teams = await startTeamsSandbox(buildOrg());
    settings = settingsFor(teams, ["dev", "client"], { token: teams.data.delegatedToken("ana") });
    await sync(ctx.db, settings, "backfill");
  });
  afterAll(() => teams.close());

  const ben = (): WritePerson => ({
    source: "teams",
    externalId: teams.data.user("ben").id,
    name: "@Ben Okafor",
  });
  const channel = () => teams.data.channel("dev");

  async function replyTo(fragment: string): Promise<WriteTarget> {
    const row = (await items(ctx.db)).find((i) => i.text.includes(fragment));
    if (!row) throw new Error(`no item "${fragment}"`);
    const scope = teams.data.scopeOf("dev");
    return {
      taskKey: "FAL-12",
      item: { externalId: row.external_id, scope, threadId: row.thread_id, url: row.url, meta: row.meta },
    };
  }

  function request(
    target: WriteTarget,
    text: string,
    people: WritePerson[] = [],
    overrides: Partial<WriteRequest<TeamsSettings>> = {},
  ): WriteRequest<TeamsSettings> {
    return {
      settings,
      actionId: `act-${++actionCount}`,
      recordedAt: new Date(teams.data.now),
      kind: "reply",
      target,
      text,
      people,
      signal: new AbortController().signal,
      ...overrides,
    };
  }

  const rootOf = (target: WriteTarget) => target.item!.threadId!.slice(channel().id.length + 1);
  const repliesSaying = (rootId: string, words: string) =>
    teams.data.thread(rootId).replies.filter((r) => r.content.includes(words));

  it("replies in the item's reply chain as the signed-in person, mentioning people; the next sync reads it in that chain", async () => {
    const target = await replyTo("Can you ask Acme for the Okta settings");
    const rootId = rootOf(target);
    teams.requests.clear();
    const result = await actions.write(request(target, "Any news from Acme on the Okta settings?", [ben()]));

    const written = teams.data.thread(rootId).replies.at(-1)!;
    expect(written.from).toEqual({ kind: "user", key: "ana" });
    expect(written.content).toBe(
      '<p><at id="0">Ben Okafor</at> Any news from Acme on the Okta settings?</p>',
    );
    expect(written.mentions).toEqual([{ id: 0, text: "Ben Okafor", userKey: "ben" }]);
    expect(result.externalId).toBe(`${channel().id}/${written.id}`);
    expect(result.url).toContain(`/l/message/${encodeURIComponent(channel().id)}/${written.id}`);
    expect(teams.requests.count({ method: "POST", path: /\/replies$/ })).toBe(1);

    await sync(ctx.db, settings, "sync");
    const item = (await items(ctx.db)).find((i) => i.external_id === result.externalId);
    expect(item).toMatchObject({
      thread_id: `${channel().id}/${rootId}`,
      text: "@Ben Okafor Any news from Acme on the Okta settings?",
      url: result.url,
    });
    expect(item!.meta.mentions).toEqual([teams.data.user("ben").id]);
  });

  it("finds an earlier attempt by its author, words and time; other words, or an older reply, are not it", async () => {
    const target = await replyTo("Index for order history");
    const attempt = request(target, "Can someone review acme/portal#41 today?", [ben()]);
    expect(await actions.find(attempt)).toBeNull();
    const result = await actions.write(attempt);
    expect(await actions.find(attempt)).toEqual(result);
    expect(await actions.find({ ...attempt, text: "Can someone review it tomorrow?" })).toBeNull();
    // The same words, for an action recorded well after that reply was written: not its reply.
    expect(
      await actions.find({ ...attempt, actionId: "later", recordedAt: new Date(teams.data.now + 3_600_000) }),
    ).toBeNull();
    expect(repliesSaying(rootOf(target), "review acme/portal#41 today")).toHaveLength(1);
  });

  it("a 503 after Graph saved the reply: the write fails as retryable without the SDK posting again, and find sees it", async () => {
    const target = await replyTo("SSO login fails for Acme staff");
    const attempt = request(target, "Is FAL-12 deployed yet?");
    teams.control.failNextWrite = { when: "after", status: 503 };
    teams.requests.clear();
    const failure = await actions.write(attempt).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ConnectorError);
    expect(failure).toMatchObject({ kind: "transient", retryable: true });
    expect(teams.requests.count({ method: "POST", path: /\/replies$/ })).toBe(1);
    const found = await actions.find(attempt);
    const saved = repliesSaying(rootOf(target), "Is FAL-12 deployed yet?");
    expect(saved).toHaveLength(1);
    expect(found?.externalId).toBe(`${channel().id}/${saved[0]!.id}`);
  });

  it("a 500 before saving: nothing to find, and the retry writes the one reply", async () => {
    const target = await replyTo("SSO login fails for Acme staff");
    const attempt = request(target, "Who verifies the SAML fix?");
    teams.control.failNextWrite = { when: "before", status: 500 };
    await expect(actions.write(attempt)).rejects.toMatchObject({ kind: "transient" });
    expect(await actions.find(attempt)).toBeNull();
    await actions.write(attempt);
    expect(repliesSaying(rootOf(target), "Who verifies the SAML fix?")).toHaveLength(1);
  });

  it("access: a delegated token with ChannelMessage.Send writes as its person; app-only credentials and a token without it are told what they need", async () => {
    const signal = new AbortController().signal;
    expect(await actions.access({ settings, signal })).toEqual({
      reply: { allowed: true, account: "ana@contoso.com" },
    });
    const clientCredentials = settingsFor(teams);
    expect(await actions.access({ settings: clientCredentials, signal })).toEqual({
      reply: { allowed: false, needs: DELEGATED_SEND_NEEDED },
    });
    const appToken = settingsFor(teams, ["dev"], { token: true });
    expect(await actions.access({ settings: appToken, signal })).toEqual({
      reply: { allowed: false, needs: DELEGATED_SEND_NEEDED },
    });
    const readOnly = settingsFor(teams, ["dev"], {
      token: teams.data.delegatedToken("cleo", ["ChannelMessage.Read.All", "User.Read"]),
    });
    expect(await actions.access({ settings: readOnly, signal })).toEqual({
      reply: { allowed: false, needs: "ChannelMessage.Send" },
    });
  });

  it("Graph refuses an app-only post; the failure names the delegated permission and nothing is posted", async () => {
    const target = await replyTo("SSO login fails for Acme staff");
    const rootId = rootOf(target);
    const before = teams.data.thread(rootId).replies.length;
    for (const other of [
      settingsFor(teams),
      settingsFor(teams, ["dev"], { token: teams.data.delegatedToken("cleo", ["User.Read"]) }),
    ]) {
      await expect(actions.write(request(target, "Ping", [], { settings: other }))).rejects.toMatchObject({
        kind: "forbidden",
        retryable: false,
        message: expect.stringContaining("ChannelMessage.Send"),
      });
    }
    expect(teams.data.thread(rootId).replies).toHaveLength(before);
  });
});
