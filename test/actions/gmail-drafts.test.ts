/**
 * Acting on email flags end to end: the Gmail connector (the real SDK over HTTP against the local Gmail
 * server) syncs a mailbox into the database, the rules raise the flags, and `runFlagAction` saves a draft
 * reply on the thread. Chasing a client who blocks a task makes one draft however often it is submitted;
 * nudging an unanswered email question makes a draft, and the flag stays (a draft answers nothing).
 */
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, expect, it } from "vitest";
import { listSources } from "../../connectors/registry.ts";
import { GmailDataset, type GmailSandbox, startGmailSandbox } from "../../connectors/sandbox/gmail/index.ts";
import { type ActionDeps, DEFAULT_TEMPLATES, runFlagAction } from "../../src/actions/index.ts";
import { parseFlagSettings } from "../../src/flags/flag-settings.ts";
import { queryRows } from "../../src/store/rows.ts";
import { GMAIL_LINK_CONTEXT, PEOPLE, quickGmail, settingsFor } from "../connectors/gmail/helpers.ts";
import { describeEachDatabase, emptyTables } from "../helpers/databases.ts";
import { fixtures } from "../helpers/fixtures.ts";
import { syncOnce } from "../helpers/sync-run.ts";

const DAY = 86_400_000;
const ASKED = new Date("2026-03-02T09:00:00Z");
const JUDGED = new Date(ASKED.getTime() + 4 * DAY);
const ana = { by: "ana@contoso.dev", email: "ana@contoso.dev" };

/**
 * Ana's mailbox: her question to Dan about FAL-15 left unanswered; FAL-16 waiting on credentials Dan said
 * he would ask IT for.
 */
function buildMailbox(): GmailDataset {
  const data = new GmailDataset({ mailbox: PEOPLE.ana.address, now: ASKED.getTime() - DAY });
  const ready = data.send({
    from: PEOPLE.dan,
    to: [PEOPLE.ana],
    subject: "FAL-15 ERP import",
    text: "Hi Ana,\n\nthe ERP import is ready on our side.\n\nDan",
  });
  data.now = ASKED.getTime();
  data.reply(ready, {
    from: PEOPLE.ana,
    to: [PEOPLE.dan],
    text: "Thanks Dan. Which sandbox URL should we point the import test at?",
  });
  data.advance(3_600_000);
  const blocked = data.send({
    from: PEOPLE.ben,
    to: [PEOPLE.dan],
    cc: [PEOPLE.ana],
    subject: "FAL-16 test orders",
    text: "Dan, for FAL-16 we still need sandbox credentials and test orders before we can start.",
  });
  data.advance(3_600_000);
  data.reply(blocked, {
    from: PEOPLE.dan,
    to: [PEOPLE.ben],
    cc: [PEOPLE.ana],
    text: "Asking IT, should be this week.",
  });
  data.now = JUDGED.getTime() - 3_600_000;
  return data;
}

describeEachDatabase("acting on email flags with Gmail drafts", (ctx) => {
  let gmail: GmailSandbox;
  let deps: ActionDeps;
  const flagSettings = parseFlagSettings(
    undefined,
    { THREADLINE_TEAM_DOMAINS: "contoso.dev" },
    listSources(),
  );

  beforeEach(async () => {
    await emptyTables(ctx.db);
    gmail = await startGmailSandbox(buildMailbox());
    for (const key of ["FAL-15", "FAL-16"]) {
      await fixtures(ctx.db).task({
        key,
        title: key === "FAL-15" ? "ERP import" : "ERP test orders",
        createdAt: new Date(ASKED.getTime() - 14 * DAY),
        updatedAt: ASKED,
      });
    }
    deps = {
      db: ctx.db,
      now: () => JUDGED,
      connectors: { gmail: quickGmail().connector },
      sourceSettings: { gmail: settingsFor(gmail) },
      templates: DEFAULT_TEMPLATES,
      flagSettings,
      log: { info: () => {}, error: () => {} },
    };
    await sync();
  });
  afterEach(() => gmail.close());

  async function sync() {
    const report = await syncOnce(
      ctx.db,
      [{ connector: quickGmail().connector, settings: settingsFor(gmail) }],
      { mode: "sync", now: () => JUDGED, linkContext: GMAIL_LINK_CONTEXT, flagSettings },
    );
    expect(report.ok).toBe(true);
  }
  const openFlag = async (kind: string, taskKey: string) =>
    (
      await queryRows<{ id: string }>(
        ctx.db,
        sql`select id from flags where state = 'open' and kind = ${kind} and task_key = ${taskKey}`,
      )
    )[0]?.id ?? null;
  const drafts = () =>
    [...gmail.data.drafts.values()].map((id) => {
      const m = gmail.data.messages.get(id)!;
      const headers = (m.resource.payload as { headers: Array<{ name: string; value: string }> }).headers;
      const header = (name: string) => headers.find((h) => h.name === name)?.value;
      return { threadId: m.threadId, to: header("To"), action: header("X-Threadline-Action"), text: m.text };
    });

  it("chases the client on the blocked task's thread with one draft, however often it is submitted", async () => {
    const flagId = await openFlag("blocked_external", "FAL-16");
    expect(flagId).not.toBeNull();
    const thread = [...gmail.data.messages.values()].find(
      (m) => m.subject === "FAL-16 test orders",
    )!.threadId;
    const request = { flagId: flagId!, action: "chase" as const, idempotencyKey: "chase-1", caller: ana };
    const [a, b] = await Promise.all([runFlagAction(deps, request), runFlagAction(deps, request)]);
    expect(a.id).toBe(b.id);
    const done = await runFlagAction(deps, request);
    expect(done).toMatchObject({ state: "done", by: "ana@contoso.dev" });
    expect(drafts()).toEqual([
      {
        threadId: thread,
        to: `"Dan Miller (Acme)" <dan.miller@acme-corp.example>`,
        action: done.id,
        text: expect.any(String),
      },
    ]);
  });

  it("nudges on an unanswered email question with a draft, and the flag stays open", async () => {
    const flagId = await openFlag("unanswered_question", "FAL-15");
    expect(flagId).not.toBeNull();
    const outcome = await runFlagAction(deps, {
      flagId: flagId!,
      action: "nudge",
      idempotencyKey: "nudge-1",
      caller: ana,
    });
    expect(outcome.state).toBe("done");
    const thread = [...gmail.data.messages.values()].find((m) => m.subject === "FAL-15 ERP import")!.threadId;
    expect(drafts()).toMatchObject([{ threadId: thread, action: outcome.id }]);
    await sync();
    expect(await openFlag("unanswered_question", "FAL-15")).toBe(flagId);
  });
});
