/**
 * A spoofed approval, end to end: the Gmail connector (the real SDK over HTTP against the sandbox) through the
 * sync engine into the database, then the flag rules. Ana asks the client, Dan, to approve FAL-12's release;
 * "Approved, go ahead" comes back under Dan's address. Gmail's own Authentication-Results decide: with
 * dmarc=fail the sender is an unverified identity of its own (not Dan's person) and the approval is still
 * missing; with dmarc=pass it is Dan, and the approval is given.
 */
import { sql } from "drizzle-orm";
import { beforeEach, expect, it } from "vitest";
import { listSources } from "../../connectors/registry.ts";
import {
  GmailDataset,
  startGmailSandbox,
  toFailingAuthenticationResults,
  toPassingAuthenticationResults,
} from "../../connectors/sandbox/gmail/index.ts";
import { parseFlagSettings } from "../../src/flags/flag-settings.ts";
import { queryRows } from "../../src/store/rows.ts";
import { loadTimelineEntries } from "../../src/store/task-queries.ts";
import { GMAIL_LINK_CONTEXT, PEOPLE, quickGmail, settingsFor } from "../connectors/gmail/helpers.ts";
import { describeEachDatabase, emptyTables } from "../helpers/databases.ts";
import { fixtures } from "../helpers/fixtures.ts";
import { syncOnce } from "../helpers/sync-run.ts";

const DAY = 86_400_000;
// Monday 2 March 2026, 09:00 UTC: the request; the flags are judged on Friday, past the two working days.
const ASKED = new Date("2026-03-02T09:00:00Z");
const NOW = new Date(ASKED.getTime() + 4 * DAY);

function buildThread(authenticationResults: (from: string) => string): GmailDataset {
  const data = new GmailDataset({ mailbox: PEOPLE.ana.address, now: ASKED.getTime() - DAY });
  // Dan has written before, genuinely: his person exists, by his address.
  data.send({
    from: PEOPLE.dan,
    to: [PEOPLE.ana],
    subject: "Release notes (FAL-12)",
    text: "Hi Ana,\n\nThe draft reads well so far.\n\nDan",
  });
  data.now = ASKED.getTime();
  const request = data.send({
    from: PEOPLE.ana,
    to: [PEOPLE.dan],
    subject: "FAL-12 release sign-off",
    text: "Hi Dan,\n\nthe 2.3 release is ready. Could you approve it so we can ship on Thursday?\n\nAna",
  });
  data.advance(3_600_000);
  data.reply(request, {
    from: PEOPLE.dan,
    to: [PEOPLE.ana],
    text: "Approved, go ahead.",
    headers: { "Authentication-Results": authenticationResults(PEOPLE.dan.address) },
  });
  data.now = NOW.getTime() - 3_600_000;
  return data;
}

describeEachDatabase("a spoofed approval email", (ctx) => {
  beforeEach(async () => {
    await emptyTables(ctx.db);
  });

  async function syncThread(authenticationResults: (from: string) => string) {
    const gmail = await startGmailSandbox(buildThread(authenticationResults));
    try {
      await fixtures(ctx.db).task({
        key: "FAL-12",
        title: "Release 2.3",
        createdAt: new Date(ASKED.getTime() - 14 * DAY),
        updatedAt: ASKED,
      });
      const report = await syncOnce(ctx.db, [{ connector: quickGmail().connector, settings: settingsFor(gmail) }], {
        mode: "backfill",
        now: () => NOW,
        linkContext: GMAIL_LINK_CONTEXT,
        flagSettings: parseFlagSettings(undefined, { THREADLINE_TEAM_DOMAINS: "contoso.dev" }, listSources()),
      });
      expect(report.ok).toBe(true);
      expect(report.flags).toMatchObject({ ok: true });
    } finally {
      await gmail.close();
    }
    const authors = await queryRows<{ text: string; person_id: string; email: string | null }>(
      ctx.db,
      sql`select i.text, i.author_id as person_id, p.email from items i join people p on p.id = i.author_id
          where i.source = 'gmail' order by i.at`,
    );
    const flags = await queryRows<{ reason: string }>(
      ctx.db,
      sql`select reason from flags where state = 'open' and kind = 'missing_approval' and task_key = 'FAL-12'`,
    );
    const dan = authors[0]!;
    const answer = authors.find((a) => a.text === "Approved, go ahead.")!;
    // What the task page marks: the unverified sender and why.
    const timeline = (await loadTimelineEntries(ctx.db, "FAL-12", null)).map((e) => [
      e.text.split("\n")[0],
      e.unverifiedSender,
    ]);
    return { dan, answer, flags, timeline };
  }

  it("with dmarc=fail: the sender is not Dan's person, and the approval is still missing", async () => {
    const { dan, answer, flags, timeline } = await syncThread(toFailingAuthenticationResults);
    expect(timeline).toEqual([
      ["Hi Ana,", null],
      ["Hi Dan,", null],
      ["Approved, go ahead.", "dmarc=fail"],
    ]);
    expect(dan.email).toBe("dan.miller@acme-corp.example");
    expect(answer.person_id).not.toBe(dan.person_id);
    expect(answer.email).toBeNull();
    const [identity] = await queryRows<{ external_id: string; email: string | null }>(
      ctx.db,
      sql`select external_id, email from identities where person_id = ${answer.person_id}`,
    );
    expect(identity).toEqual({ external_id: "unverified:dan.miller@acme-corp.example", email: null });
    expect(flags).toEqual([
      {
        reason: expect.stringMatching(
          /^Ana Lima asked Dan Miller \(Acme\) for approval .*Could you approve it so we can ship on Thursday.*not given in \d working days\.$/,
        ),
      },
    ]);
  });

  it("with dmarc=pass: the sender is Dan, and the approval is given", async () => {
    const { dan, answer, flags, timeline } = await syncThread(toPassingAuthenticationResults);
    expect(timeline.map(([, unverified]) => unverified)).toEqual([null, null, null]);
    expect(answer.person_id).toBe(dan.person_id);
    expect(answer.email).toBe("dan.miller@acme-corp.example");
    expect(flags).toEqual([]);
  });
});
