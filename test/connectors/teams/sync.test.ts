/**
 * The Teams connector through the sync engine into the database (PGlite, and PostgreSQL when
 * TEST_DATABASE_URL is set), over HTTP against the sandbox: a full backfill, an incremental pass after
 * changes, malformed payloads, and change notifications (a pass with nothing new and a fault run are the
 * contract suite's, in ../contract/).
 */
import { sql } from "drizzle-orm";
import { beforeEach, expect, it } from "vitest";
import {
  messageNotification,
  notificationRequest,
  startTeamsSandbox,
} from "../../../connectors/sandbox/teams/index.ts";
import type { TeamsSettings } from "../../../connectors/teams/config.ts";
import { teamsClientState } from "../../../connectors/teams/index.ts";
import type { Db } from "../../../src/store/db.ts";
import { queryRows } from "../../../src/store/rows.ts";
import type { SyncMode } from "../../../src/sync/engine.ts";
import { describeEachDatabase, emptyTables } from "../../helpers/databases.ts";
import { BOOKKEEPING, dumpDatabase, itemsWithLinks } from "../../helpers/dump.ts";
import { syncOnce } from "../../helpers/sync-run.ts";
import { buildOrg, quickTeams, RUN_NOW, settingsFor, TEAMS_LINK_CONTEXT } from "./helpers.ts";

const EXPANDED = 5;

function syncTeams(
  db: Db,
  settings: TeamsSettings,
  mode: SyncMode = "backfill",
  connector = quickTeams().connector,
) {
  return syncOnce(db, [{ connector, settings }], {
    mode,
    now: () => RUN_NOW,
    linkContext: TEAMS_LINK_CONTEXT,
    retry: { baseDelayMs: 1, maxDelayMs: 5, attempts: 8 },
  });
}

const itemsOf = (db: Db) => itemsWithLinks(db, "teams");

describeEachDatabase("Teams through the sync engine", (ctx) => {
  beforeEach(async () => {
    await emptyTables(ctx.db);
  });

  it("backfills both channels: threads linked to the tasks they name, people with emails, guests marked", async () => {
    const teams = await startTeamsSandbox(buildOrg(), { expandedReplies: EXPANDED });
    try {
      const report = await syncTeams(ctx.db, settingsFor(teams));
      expect(report.ok).toBe(true);
      const written = teams.data.messagesOf("dev").concat(teams.data.messagesOf("client"));
      expect(report.sources[0]!.itemsNew).toBe(written.filter((m) => m.messageType === "message").length);

      const items = await itemsOf(ctx.db);
      const text = (fragment: string) => items.find((i) => i.text.includes(fragment))!;
      // The post names FAL-12; its replies do not, and inherit it through the thread.
      expect(text("SSO login fails").links).toEqual(["FAL-12 jira_key"]);
      expect(text("no email attribute").links).toEqual(["FAL-12 thread"]);
      expect(text("Okta settings").links).toEqual(["FAL-12 thread"]);
      expect(text("Index for order history").links).toEqual(["acme/portal#41 github_url"]);
      expect(text("Review note 7").links).toEqual(["acme/portal#41 thread"]);
      expect(text("Merged acme/portal#41").links).toEqual(["acme/portal#41 github_ref"]);
      expect(text("vault entry").links).toEqual(["FAL-15 thread"]);

      const people = await queryRows<{
        display_name: string;
        email: string | null;
        is_guest: boolean;
        is_bot: boolean;
      }>(
        ctx.db,
        sql`select display_name, email, is_guest, is_bot from identities where source = 'teams' order by display_name`,
      );
      expect(people).toEqual([
        { display_name: "Ana Lima", email: "ana@contoso.com", is_guest: false, is_bot: false },
        { display_name: "Ben Okafor", email: "ben.okafor@contoso.com", is_guest: false, is_bot: false },
        { display_name: "Cleo Park", email: "cleo@contoso.com", is_guest: false, is_bot: false },
        {
          display_name: "Dan Miller (Acme)",
          email: "dan.miller@acme-corp.example",
          is_guest: true,
          is_bot: false,
        },
        { display_name: "GitHub", email: null, is_guest: false, is_bot: true },
        { display_name: "Priya Nair (Acme IT)", email: null, is_guest: true, is_bot: false },
      ]);
    } finally {
      await teams.close();
    }
  });

  it("an incremental pass brings edits, deletions and new messages", async () => {
    const data = buildOrg();
    const teams = await startTeamsSandbox(data, { expandedReplies: EXPANDED });
    try {
      const settings = settingsFor(teams);
      await syncTeams(ctx.db, settings);
      const [sso] = data.threads.get(data.channel("dev").id)!;
      const [erp] = data.threads.get(data.channel("client").id)!;
      data.advance(60_000);
      data.edit(sso!.replies[0]!.id, "The SAML assertion has no email attribute; fixed in staging.");
      data.delete(sso!.replies[1]!.id);
      data.reply(erp!.root.id, { from: "dan", body: "Test orders are in as well." });
      data.post("client", {
        from: "dan",
        body: "Feedback from sales: the CSV export needs the customer reference.",
      });

      teams.requests.clear();
      const report = await syncTeams(ctx.db, settings, "sync");
      expect(report.ok).toBe(true);
      expect(report.sources[0]).toMatchObject({ itemsNew: 2, itemsUpdated: 1, itemsDeleted: 1 });
      const items = await itemsOf(ctx.db);
      const text = (fragment: string) => items.find((i) => i.text.includes(fragment))!;
      expect(text("fixed in staging").links).toEqual(["FAL-12 thread"]);
      // Deleted in Teams: the row keeps what it said and its link, and gets deleted_at.
      expect(text("Okta settings")).toMatchObject({
        deleted_at: expect.anything(),
        links: ["FAL-12 thread"],
      });
      expect(text("Test orders are in").links).toEqual(["FAL-15 thread"]);
      expect(text("CSV export").links).toBeNull();
    } finally {
      await teams.close();
    }
  });

  it("skips or keeps malformed payloads with a logged reason, and loses nothing else", async () => {
    const data = buildOrg();
    const channel = data.channel("dev");
    const base = (id: string, over: Record<string, unknown>) => ({
      id,
      replyToId: null,
      messageType: "message",
      createdDateTime: new Date(data.now).toISOString(),
      lastModifiedDateTime: new Date(data.now).toISOString(),
      deletedDateTime: null,
      from: {
        application: null,
        device: null,
        user: { id: data.user("ana").id, displayName: "Ana Lima", userIdentityType: "aadUser" },
      },
      body: { contentType: "html", content: "<p>ok</p>" },
      channelIdentity: { teamId: channel.teamId, channelId: channel.id },
      attachments: [],
      mentions: [],
      reactions: [],
      ...over,
    });
    data.advance(60_000);
    data.injectRaw(
      "dev",
      base("1900000000001", {
        body: { contentType: "html", content: "<p>Whiteboard for FAL-40</p>" },
        attachments: [
          { id: "w", contentType: "application/vnd.example.whiteboard", content: "{}", name: "Sketch" },
        ],
      }),
    );
    data.advance(60_000);
    data.injectRaw(
      "dev",
      base("1900000000002", { from: null, body: { contentType: "text", content: "Build failed: FAL-41" } }),
    );
    data.advance(60_000);
    data.injectRaw(
      "dev",
      base("1900000000003", {
        deletedDateTime: new Date(data.now).toISOString(),
        body: { contentType: "html", content: "" },
      }),
    );
    data.advance(60_000);
    data.injectRaw(
      "dev",
      base("1900000000004", {
        body: { contentType: "html", content: `${"<div>".repeat(5000)}Deep FAL-42${"</div>".repeat(5000)}` },
      }),
    );
    data.advance(60_000);
    // A post without an id and one without a date: unreadable, skipped; the first one's reply is kept.
    const { id: _id, ...noId } = base("1900000000005", { body: { contentType: "text", content: "no id" } });
    data.injectRaw("dev", noId, [
      base("1900000000006", {
        replyToId: "1900000000005",
        body: { contentType: "text", content: "Reply to a post without id, FAL-43" },
      }),
    ]);
    data.advance(60_000);
    data.injectRaw(
      "dev",
      base("1900000000007", {
        createdDateTime: "not a date",
        body: { contentType: "text", content: "bad date" },
      }),
    );

    const teams = await startTeamsSandbox(data, { expandedReplies: EXPANDED });
    try {
      const { connector, notices } = quickTeams();
      const report = await syncTeams(ctx.db, settingsFor(teams, ["dev"]), "backfill", connector);
      expect(report.ok).toBe(true);
      const items = await itemsOf(ctx.db);
      const ids = items.map((i) => i.external_id.split("/").pop());
      expect(ids).toEqual(
        expect.arrayContaining(["1900000000001", "1900000000002", "1900000000004", "1900000000006"]),
      );
      expect(ids).not.toContain("1900000000003");
      expect(ids).not.toContain("1900000000007");
      // Everything the ordinary threads hold is there too.
      const ordinary = data.messagesOf("dev").filter((m) => !m.raw && m.messageType === "message");
      expect(ids).toEqual(expect.arrayContaining(ordinary.map((m) => m.id)));
      expect(items.find((i) => i.text === "Deep FAL-42")?.links).toEqual(["FAL-42 jira_key"]);
      expect(items.find((i) => i.text.startsWith("Reply to a post without id"))?.links).toEqual([
        "FAL-43 jira_key",
      ]);

      const warned = notices.filter((n) => n.level === "warn").map((n) => `${n.messageId}: ${n.reason}`);
      expect(warned).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            /^1900000000001: unknown attachment content type "application\/vnd\.example\.whiteboard"/,
          ),
          expect.stringMatching(/^1900000000002: no sender/),
          expect.stringMatching(
            /^1900000000004: the HTML body nests more than 500 elements deep; its tags were stripped/,
          ),
          expect.stringMatching(/^null: a root post without an id/),
          expect.stringMatching(/^1900000000007: unreadable message \(createdDateTime/),
        ]),
      );
    } finally {
      await teams.close();
    }
  });

  it("a change notification syncs its channel, and the same notification again changes nothing", async () => {
    const data = buildOrg();
    const teams = await startTeamsSandbox(data, { expandedReplies: EXPANDED });
    try {
      const settings = settingsFor(teams);
      const { connector } = quickTeams();
      await syncTeams(ctx.db, settings, "backfill", connector);
      const [erp] = data.threads.get(data.channel("client").id)!;
      data.advance(60_000);
      const reply = data.reply(erp!.root.id, {
        from: "dan",
        body: "Sandbox credentials rotated, new ones in the vault.",
      });
      const push = notificationRequest([
        messageNotification(data, reply, { clientState: await teamsClientState(settings) }),
      ]);

      const deliver = async () => {
        expect(await connector.webhook.verify(push, settings)).toBe(true);
        const result = connector.webhook.parse(push, settings);
        expect(result).toEqual({ type: "sync", scopes: [data.scopeOf("client")] });
        if (result.type !== "sync") return;
        // What the webhook route does with it: an incremental pass of those channels.
        const only = {
          ...settings,
          channels: settings.channels.filter((c) => result.scopes?.includes(c.scope)),
        };
        return syncTeams(ctx.db, only, "sync", connector);
      };
      const first = await deliver();
      expect(first?.sources[0]).toMatchObject({ itemsNew: 1 });
      const items = await itemsOf(ctx.db);
      expect(items.find((i) => i.text.includes("credentials rotated"))?.links).toEqual(["FAL-15 thread"]);
      const after = await dumpDatabase(ctx.db, { omit: BOOKKEEPING });
      const repeat = await deliver();
      expect(repeat?.sources[0]).toMatchObject({ itemsNew: 0, itemsUpdated: 0 });
      expect(await dumpDatabase(ctx.db, { omit: BOOKKEEPING })).toEqual(after);
    } finally {
      await teams.close();
    }
  });
});
