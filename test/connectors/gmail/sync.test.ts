/**
 * The Gmail connector through the sync engine into the database (PGlite, and PostgreSQL when
 * TEST_DATABASE_URL is set), over HTTP against the sandbox with the real SDK: a full backfill, an
 * incremental pass after changes, the fallback when Gmail no longer has the history, and malformed messages
 * (a pass with nothing new and a fault run are the contract suite's, in ../contract/).
 */
import { sql } from "drizzle-orm";
import { beforeEach, expect, it } from "vitest";
import type { GmailSettings } from "../../../connectors/gmail/config.ts";
import { startGmailSandbox } from "../../../connectors/sandbox/gmail/index.ts";
import type { Db } from "../../../src/store/db.ts";
import { queryRows } from "../../../src/store/rows.ts";
import type { SyncMode } from "../../../src/sync/engine.ts";
import { describeEachDatabase, emptyTables } from "../../helpers/databases.ts";
import { itemsWithLinks } from "../../helpers/dump.ts";
import { syncOnce } from "../../helpers/sync-run.ts";
import { buildMailbox, GMAIL_LINK_CONTEXT, PEOPLE, quickGmail, RUN_NOW, settingsFor } from "./helpers.ts";

function syncGmail(
  db: Db,
  settings: GmailSettings,
  mode: SyncMode = "backfill",
  connector = quickGmail().connector,
) {
  return syncOnce(db, [{ connector, settings }], {
    mode,
    now: () => RUN_NOW,
    linkContext: GMAIL_LINK_CONTEXT,
    retry: { baseDelayMs: 1, maxDelayMs: 5, attempts: 8 },
  });
}

const itemsOf = (db: Db) => itemsWithLinks(db, "gmail");

describeEachDatabase("Gmail through the sync engine", (ctx) => {
  beforeEach(async () => {
    await emptyTables(ctx.db);
  });

  it("backfills the mailbox: new text only, threads linked to the tasks they name, senders by address", async () => {
    const data = buildMailbox();
    const gmail = await startGmailSandbox(data);
    try {
      const report = await syncGmail(ctx.db, settingsFor(gmail));
      expect(report.ok).toBe(true);
      expect(report.sources[0]!.itemsNew).toBe(data.messages.size);

      const items = await itemsOf(ctx.db);
      const text = (fragment: string) => items.find((i) => i.text.includes(fragment))!;
      // The first message names FAL-12 in its subject; the replies (which quote it) inherit it by thread.
      expect(text("500 after the Okta login")).toMatchObject({
        text: "Hi Ana,\n\nOur staff get a 500 after the Okta login.",
        links: ["FAL-12 jira_key"],
      });
      // Replies keep the key in their subject ("Re: …"), which links like the body.
      expect(text("Okta app settings")).toMatchObject({
        text: "Hi Dan, could you send the Okta app settings?",
        links: ["FAL-12 jira_key"],
      });
      expect(text("Added the email attribute")).toMatchObject({
        text: "Added the email attribute, please retry.",
        links: ["FAL-12 jira_key"],
      });
      expect(text("made it fast")).toMatchObject({
        text: "The index in https://github.com/acme/portal/pull/41 made it fast, thanks!",
        links: ["acme/portal#41 github_url"],
      });
      expect(text("sandbox credentials").links).toEqual(["FAL-15 jira_key"]);
      // This reply names nothing (its subject has no key): it inherits the thread's task.
      expect(text("Asking IT").links).toEqual(["FAL-15 email_thread"]);
      expect(text("Dear partner").links).toBeNull();

      const [attached] = await queryRows<{ meta: { attachments?: string[]; references?: string[] } }>(
        ctx.db,
        sql`select meta from items where source = 'gmail' and text like '%sandbox credentials%'`,
      );
      expect(attached!.meta.attachments).toEqual(["erp-checklist.pdf"]);

      const people = await queryRows<{
        external_id: string;
        display_name: string;
        email: string;
        is_bot: boolean;
      }>(
        ctx.db,
        sql`select external_id, display_name, email, is_bot from identities where source = 'gmail' order by external_id`,
      );
      expect(people).toEqual([
        { external_id: "ana@contoso.dev", display_name: "Ana Lima", email: "ana@contoso.dev", is_bot: false },
        {
          external_id: "ben@contoso.dev",
          display_name: "Ben Okafor",
          email: "ben@contoso.dev",
          is_bot: false,
        },
        {
          external_id: "dan.miller@acme-corp.example",
          display_name: "Dan Miller (Acme)",
          email: "dan.miller@acme-corp.example",
          is_bot: false,
        },
        {
          external_id: "no-reply@news.acme-corp.example",
          display_name: "Acme News",
          email: "no-reply@news.acme-corp.example",
          is_bot: true,
        },
        {
          external_id: "priya@acme-corp.example",
          display_name: "Priya Nair",
          email: "priya@acme-corp.example",
          is_bot: false,
        },
      ]);
    } finally {
      await gmail.close();
    }
  });

  it("an incremental pass brings new messages and deletions", async () => {
    const data = buildMailbox();
    const gmail = await startGmailSandbox(data);
    try {
      const settings = settingsFor(gmail);
      await syncGmail(ctx.db, settings);
      const sso = data.listed().findLast((m) => m.subject.includes("FAL-12"))!;
      const newsletter = data.listed().find((m) => m.subject === "Quarterly update")!;
      data.advance(60_000);
      data.reply(sso, { from: PEOPLE.dan, to: [PEOPLE.ana], text: "Works now, thank you!" });
      data.send({
        from: PEOPLE.priya,
        to: [PEOPLE.ana],
        subject: "New VPN",
        text: "Is FAL-20 on your list?",
      });
      data.delete(newsletter.id);

      const connector = quickGmail().connector;
      const report = await syncGmail(ctx.db, settings, "sync", connector);
      expect(report.ok).toBe(true);
      expect(report.sources[0]).toMatchObject({ itemsNew: 2, itemsDeleted: 1 });
      const items = await itemsOf(ctx.db);
      expect(items.find((i) => i.text === "Works now, thank you!")?.links).toEqual(["FAL-12 jira_key"]);
      expect(items.find((i) => i.text.includes("FAL-20"))?.links).toEqual(["FAL-20 jira_key"]);
      expect(items.find((i) => i.text.includes("Dear partner"))?.deleted_at).not.toBeNull();
    } finally {
      await gmail.close();
    }
  });

  it("when Gmail no longer has the history, lists by date instead: nothing lost, nothing doubled", async () => {
    const data = buildMailbox();
    const gmail = await startGmailSandbox(data);
    try {
      const settings = settingsFor(gmail);
      await syncGmail(ctx.db, settings);
      const erp = data.listed().find((m) => m.subject === "Re: ERP test credentials")!;
      data.advance(60_000);
      data.reply(erp, { from: PEOPLE.dan, to: [PEOPLE.ben], text: "Credentials are in the vault." });
      data.advance(60_000);
      data.send({ from: PEOPLE.ben, to: [PEOPLE.ana], subject: "Lunch?", text: "Friday?" });
      data.expireHistory();

      const { connector, notices } = quickGmail();
      gmail.requests.clear();
      const report = await syncGmail(ctx.db, settings, "sync", connector);
      expect(report.sources[0]!.errors).toEqual([]);
      expect(report.sources[0]).toMatchObject({ itemsNew: 2 });
      expect(gmail.requests.count({ status: 404 })).toBe(1);
      // The date query reaches a day before the last pass: it re-reads that day, and adds nothing twice.
      const listed = gmail.requests.entries.find((e) => e.path.includes("/messages?"))!;
      expect(decodeURIComponent(listed.path)).toContain(
        `after:${Math.floor((RUN_NOW.getTime() - 86_400_000) / 1000)}`,
      );
      const items = await itemsOf(ctx.db);
      expect(items).toHaveLength(data.messages.size);
      expect(new Set(items.map((i) => i.external_id)).size).toBe(items.length);
      expect(items.find((i) => i.text === "Credentials are in the vault.")?.links).toEqual([
        "FAL-15 email_thread",
      ]);
      expect(notices.filter((n) => n.level === "warn").map((n) => n.reason)).toEqual([
        expect.stringMatching(
          /^Gmail no longer has the history from id \d+ \(404 from history\.list\): listing the messages since 2026-03-01T08:00:00\.000Z again$/,
        ),
      ]);

      // The pass ended with a new history id: the next one is incremental again.
      gmail.requests.clear();
      const next = await syncGmail(ctx.db, settings, "sync", connector);
      expect(next.sources[0]).toMatchObject({ itemsNew: 0, itemsUpdated: 0 });
      expect(gmail.requests.entries.filter((e) => e.path.startsWith("/gmail/"))).toHaveLength(1);
    } finally {
      await gmail.close();
    }
  });

  it("mail moved to Trash or Spam leaves the timeline; mail rescued from Spam comes (back) in", async () => {
    const data = buildMailbox();
    const gmail = await startGmailSandbox(data);
    try {
      const settings = settingsFor(gmail);
      await syncGmail(ctx.db, settings);
      const newsletter = data.listed().find((m) => m.subject === "Quarterly update")!;
      const vpn = data.listed().find((m) => m.subject === "Order history feedback")!;
      data.advance(60_000);
      data.relabel(newsletter.id, { add: ["TRASH"], remove: ["INBOX"] });
      data.relabel(vpn.id, { add: ["SPAM"], remove: ["INBOX"] });
      // A client's message the spam filter caught on arrival.
      const caught = data.send({
        from: PEOPLE.priya,
        to: [PEOPLE.ana],
        subject: "FAL-30 go-live date",
        text: "Can we go live on Monday?",
        labels: ["SPAM"],
      });

      const first = await syncGmail(ctx.db, settings, "sync");
      expect(first.sources[0]).toMatchObject({ itemsNew: 0, itemsDeleted: 2 });
      let items = await itemsOf(ctx.db);
      expect(items.find((i) => i.external_id === newsletter.id)?.deleted_at).not.toBeNull();
      expect(items.find((i) => i.external_id === vpn.id)?.deleted_at).not.toBeNull();
      expect(items.find((i) => i.external_id === caught.id)).toBeUndefined();

      data.advance(60_000);
      data.relabel(vpn.id, { add: ["INBOX"], remove: ["SPAM"] });
      data.relabel(caught.id, { add: ["INBOX"], remove: ["SPAM"] });
      const second = await syncGmail(ctx.db, settings, "sync");
      expect(second.ok).toBe(true);
      items = await itemsOf(ctx.db);
      expect(items.find((i) => i.external_id === vpn.id)).toMatchObject({
        deleted_at: null,
        links: ["acme/portal#41 github_url"],
      });
      expect(items.find((i) => i.external_id === caught.id)).toMatchObject({
        deleted_at: null,
        links: ["FAL-30 jira_key"],
      });
      // Still in the trash: still off the timeline.
      expect(items.find((i) => i.external_id === newsletter.id)?.deleted_at).not.toBeNull();
      const history = gmail.requests.entries.filter((e) => e.path.includes("/history?"));
      expect(decodeURIComponent(history.at(-1)!.path)).toMatch(
        /historyTypes=labelAdded.*historyTypes=labelRemoved/,
      );
    } finally {
      await gmail.close();
    }
  });

  it("with GMAIL_QUERY: mail labelled later to match is imported, and mail the search index lags on is tried again", async () => {
    const data = buildMailbox();
    const gmail = await startGmailSandbox(data);
    try {
      const settings = settingsFor(gmail, { extra: { GMAIL_QUERY: "label:clients" } });
      await syncGmail(ctx.db, settings);
      expect(await itemsOf(ctx.db)).toEqual([]);

      // Labelled "clients" a day after it arrived.
      const feedback = data.listed().find((m) => m.subject === "Order history feedback")!;
      data.advance(60_000);
      data.relabel(feedback.id, { add: ["clients"] });
      // New mail a filter labels at once, which the search index lists only ten minutes later.
      data.indexLagMs = 600_000;
      const fresh = data.send({
        from: PEOPLE.priya,
        to: [PEOPLE.ana],
        subject: "FAL-31 invoice",
        text: "The invoice for FAL-31 is attached.",
        labels: ["INBOX", "clients"],
      });
      data.indexLagMs = 0;

      await syncGmail(ctx.db, settings, "sync");
      let ids = (await itemsOf(ctx.db)).map((i) => i.external_id);
      expect(ids).toEqual([feedback.id]);

      data.advance(600_000);
      await syncGmail(ctx.db, settings, "sync");
      ids = (await itemsOf(ctx.db)).map((i) => i.external_id).sort();
      expect(ids).toEqual([feedback.id, fresh.id].sort());
    } finally {
      await gmail.close();
    }
  });

  it("skips malformed messages with a logged reason, and loses nothing else", async () => {
    const data = buildMailbox();
    const b64 = (s: string) => Buffer.from(s).toString("base64url");
    const base = (id: string, over: Record<string, unknown>) => ({
      id,
      threadId: id,
      labelIds: ["INBOX"],
      historyId: "1",
      internalDate: String(data.now),
      payload: {
        partId: "",
        mimeType: "text/plain",
        filename: "",
        headers: [
          { name: "From", value: "dan.miller@acme-corp.example" },
          { name: "Subject", value: "About FAL-40" },
        ],
        body: { size: 2, data: b64("ok") },
      },
      ...over,
    });
    data.advance(60_000);
    data.injectRaw(
      base("19a0000000000001", {
        payload: {
          mimeType: "text/plain",
          headers: [{ name: "Subject", value: "FAL-41" }],
          body: { size: 2, data: b64("hi") },
        },
      }),
    );
    data.advance(60_000);
    data.injectRaw(
      base("19a0000000000002", {
        payload: {
          mimeType: "multipart/mixed",
          headers: [{ name: "From", value: "dan.miller@acme-corp.example" }],
          parts: [],
        },
      }),
    );
    data.advance(60_000);
    data.injectRaw(base("19a0000000000003", { internalDate: "yesterday" }));
    data.advance(60_000);
    data.injectRaw(
      base("19a0000000000004", {
        payload: {
          mimeType: "multipart/mixed",
          headers: [
            { name: "From", value: "Dan <dan.miller@acme-corp.example>" },
            { name: "Subject", value: "Spec for FAL-42" },
          ],
          parts: [
            {
              partId: "0",
              mimeType: "text/plain",
              headers: [{ name: "Content-Type", value: "text/plain; charset=x-unknown" }],
              body: { size: 4, data: b64("see spec") },
            },
            { partId: "1", mimeType: "text/plain", body: { size: 4, data: "%%%" } },
          ],
        },
      }),
    );
    data.advance(60_000);
    data.injectRaw(base("19a0000000000005", { labelIds: ["DRAFT"] }));

    const gmail = await startGmailSandbox(data);
    try {
      const { connector, notices } = quickGmail();
      const report = await syncGmail(ctx.db, settingsFor(gmail), "backfill", connector);
      expect(report.ok).toBe(true);
      const items = await itemsOf(ctx.db);
      const ids = items.map((i) => i.external_id);
      expect(ids).toContain("19a0000000000004");
      for (const gone of ["19a0000000000001", "19a0000000000002", "19a0000000000003", "19a0000000000005"]) {
        expect(ids).not.toContain(gone);
      }
      const ordinary = [...data.messages.values()].filter((m) => !m.raw).map((m) => m.id);
      expect(ids).toEqual(expect.arrayContaining(ordinary));
      expect(items.find((i) => i.external_id === "19a0000000000004")).toMatchObject({
        text: "see spec",
        links: ["FAL-42 jira_key"],
      });
      const logged = notices.map((n) => `${n.level} ${n.messageId}: ${n.reason}`);
      expect(logged).toEqual(
        expect.arrayContaining([
          "warn 19a0000000000001: no From header: skipped",
          expect.stringMatching(
            /^warn 19a0000000000002: the body could not be read \(part \(root\) \(multipart\/mixed\) has no parts\)/,
          ),
          expect.stringMatching(/^warn 19a0000000000003: unreadable message \(internalDate: /),
          expect.stringMatching(
            /^warn 19a0000000000004: part 0 \(text\/plain\): unknown charset "x-unknown"/,
          ),
          "warn 19a0000000000004: part 1 (text/plain): body.data is not base64url",
          "debug 19a0000000000005: a message labelled DRAFT: skipped",
        ]),
      );
    } finally {
      await gmail.close();
    }
  });
});
