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
  startGmailSandbox,
  toFailingAuthenticationResults,
  toPassingAuthenticationResults,
} from "../../connectors/sandbox/gmail/index.ts";
import { parseFlagSettings } from "../../src/flags/flag-settings.ts";
import { queryRows } from "../../src/store/rows.ts";
import { loadTimelineEntries } from "../../src/store/task-queries.ts";
import { APPROVAL_ASKED, APPROVAL_JUDGED, buildApprovalThread } from "../connectors/gmail/approval-thread.ts";
import { GMAIL_LINK_CONTEXT, quickGmail, settingsFor } from "../connectors/gmail/helpers.ts";
import { describeEachDatabase, emptyTables } from "../helpers/databases.ts";
import { fixtures } from "../helpers/fixtures.ts";
import { syncOnce } from "../helpers/sync-run.ts";

describeEachDatabase("a spoofed approval email", (ctx) => {
  beforeEach(async () => {
    await emptyTables(ctx.db);
  });

  async function syncThread(authenticationResults: (from: string) => string) {
    const gmail = await startGmailSandbox(buildApprovalThread(authenticationResults));
    try {
      await fixtures(ctx.db).task({
        key: "FAL-12",
        title: "Release 2.3",
        createdAt: new Date(APPROVAL_ASKED.getTime() - 14 * 86_400_000),
        updatedAt: APPROVAL_ASKED,
      });
      const report = await syncOnce(
        ctx.db,
        [{ connector: quickGmail().connector, settings: settingsFor(gmail) }],
        {
          mode: "backfill",
          now: () => APPROVAL_JUDGED,
          linkContext: GMAIL_LINK_CONTEXT,
          flagSettings: parseFlagSettings(
            undefined,
            { THREADLINE_TEAM_DOMAINS: "contoso.dev" },
            listSources(),
          ),
        },
      );
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
