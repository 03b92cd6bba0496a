/**
 * A client's question in a Slack Connect channel, end to end: the Slack connector (the real @slack/web-api
 * over HTTP against the sandbox) through the sync engine into the database, then the flag rules. The
 * client, Gil, is a member of the client's own workspace: no guest of this one, no email shown, and an
 * account in a source whose accounts are the team's. Only Slack saying he is of another organisation
 * (`is_stranger`, Globex's team id) puts him outside the team, and so on the client threshold: one working
 * day (`questions.priorityDays`) where a teammate's question waits two.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { listSources } from "../../connectors/registry.ts";
import {
  addSlackConnectChannel,
  buildSlackWorkspace,
  type SlackSandbox,
  startSlackSandbox,
} from "../../connectors/sandbox/slack/index.ts";
import { toSlackDate } from "../../connectors/slack/map.ts";
import { parseFlagSettings } from "../../src/flags/flag-settings.ts";
import { queryRows } from "../../src/store/rows.ts";
import { quickSlack, settingsFor } from "../connectors/slack/helpers.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { fixtures } from "../helpers/fixtures.ts";
import { syncOnce } from "../helpers/sync-run.ts";

const LINKS = {
  jiraProjects: ["FAL"],
  jiraSiteUrls: ["https://acme.atlassian.net"],
  githubRepos: ["acme/portal"],
  githubWebUrls: ["https://github.com"],
};
const DAY = 86_400_000;

describeEachDatabase("a Slack Connect client's unanswered question", (ctx) => {
  let slack: SlackSandbox;
  let asked: Date;
  beforeAll(async () => {
    const data = buildSlackWorkspace();
    asked = toSlackDate(addSlackConnectChannel(data));
    // A teammate's question of the same hour, as long unanswered.
    data.post("fal-dev", { by: "cleo", text: "Can someone review FAL-16 before the release?" });
    slack = await startSlackSandbox(data);
  });
  afterAll(() => slack?.close());

  const openFlags = async () =>
    queryRows<{ task_key: string; reason: string }>(
      ctx.db,
      sql`select task_key, reason from flags
          where state = 'open' and kind = 'unanswered_question' order by task_key`,
    );

  async function syncAt(now: Date) {
    await ctx.db.execute(
      sql`truncate item_links, items, identities, tasks, flags, people, sync_cursors, source_scopes cascade`,
    );
    const f = fixtures(ctx.db);
    for (const key of ["FAL-12", "FAL-16"]) {
      await f.task({ key, createdAt: new Date(asked.getTime() - 7 * DAY), updatedAt: asked });
    }
    const report = await syncOnce(
      ctx.db,
      [{ connector: quickSlack, settings: settingsFor(slack, { channels: ["globex-connect", "fal-dev"] }) }],
      {
        linkContext: LINKS,
        now: () => now,
        flagSettings: parseFlagSettings(undefined, {}, listSources()),
      },
    );
    expect(report.sources[0]!.errors).toEqual([]);
    expect(report.flags).toMatchObject({ ok: true });
  }

  it("is flagged after one working day, naming the client as outside the team", async () => {
    // Monday's question on Tuesday, an hour past one working day: past the client's one, within the
    // team's two, so the teammate's question of the same hour waits.
    expect(asked.getUTCDay()).toBe(1);
    await syncAt(new Date(asked.getTime() + DAY + 60 * 60_000));
    const flags = await openFlags();
    expect(flags).toEqual([
      {
        task_key: "FAL-12",
        reason: expect.stringMatching(
          /^Gil Moreau \(outside the team\) asked in Slack yesterday: “Is FAL-12 going to make it into Thursday's release\?”; no reply in 1 working day\.$/,
        ),
      },
    ]);
    const people = await queryRows<{ display_name: string; is_guest: boolean; email: string | null }>(
      ctx.db,
      sql`select display_name, is_guest, email from identities
          where source = 'slack' and display_name in ('Gil Moreau', 'Hana Sato', 'Cleo Park')
          order by display_name`,
    );
    expect(people).toEqual([
      { display_name: "Cleo Park", is_guest: false, email: "cleo@acme.dev" },
      { display_name: "Gil Moreau", is_guest: true, email: null },
      { display_name: "Hana Sato", is_guest: true, email: "hana@globex.example" },
    ]);
  });

  it("waits the client's one working day first", async () => {
    await syncAt(new Date(asked.getTime() + DAY - 60 * 60_000));
    expect(await openFlags()).toEqual([]);
  });
});
