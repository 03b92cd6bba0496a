/**
 * Nudging on a Teams question end to end with the real Teams connector (the Graph client against the local
 * Graph server): the channels sync into the database, the rules raise the flag, and `runFlagAction` replies
 * in the question's reply chain as the person a delegated token signs in. The next sync brings the reply
 * onto the task's timeline and the flag stays (a nudge answers nothing). App-only credentials, which Graph
 * never lets post in a channel, get a disabled preview naming the delegated permission, and nothing is posted.
 */
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, expect, it } from "vitest";
import { listSources } from "../../connectors/registry.ts";
import { startTeamsSandbox, type TeamsSandbox } from "../../connectors/sandbox/teams/index.ts";
import type { TeamsSettings } from "../../connectors/teams/index.ts";
import { DELEGATED_SEND_NEEDED } from "../../connectors/teams/token-claims.ts";
import {
  type ActionDeps,
  DEFAULT_TEMPLATES,
  listFlagActions,
  previewFlagAction,
  runFlagAction,
} from "../../src/actions/index.ts";
import { parseFlagSettings } from "../../src/flags/flag-settings.ts";
import { queryRows } from "../../src/store/rows.ts";
import { loadTimelineItems } from "../../src/store/task-queries.ts";
import {
  buildOrg,
  quickTeams,
  RUN_NOW,
  settingsFor,
  TEAMS_LINK_CONTEXT,
} from "../connectors/teams/helpers.ts";
import { describeEachDatabase, emptyTables } from "../helpers/databases.ts";
import { fixtures } from "../helpers/fixtures.ts";
import { syncOnce } from "../helpers/sync-run.ts";

const { connector } = quickTeams();
const ben = { by: "ben.okafor@contoso.com", email: "ben.okafor@contoso.com" };

describeEachDatabase("nudging on a Teams question", (ctx) => {
  let teams: TeamsSandbox;
  let settings: TeamsSettings;
  const flagSettings = parseFlagSettings(
    undefined,
    { THREADLINE_TEAM_DOMAINS: "contoso.com" },
    listSources(),
  );
  const depsWith = (teamsSettings: TeamsSettings): ActionDeps => ({
    db: ctx.db,
    now: () => RUN_NOW,
    connectors: { teams: connector },
    sourceSettings: { teams: teamsSettings },
    templates: DEFAULT_TEMPLATES,
    flagSettings,
    log: { info: () => {}, error: () => {} },
  });

  beforeEach(async () => {
    await emptyTables(ctx.db);
    teams = await startTeamsSandbox(buildOrg());
    settings = settingsFor(teams, ["dev", "client"], { token: teams.data.delegatedToken("ben") });
    await fixtures(ctx.db).task({
      key: "FAL-12",
      title: "SSO login",
      createdAt: new Date("2026-01-20T09:00:00Z"),
      updatedAt: new Date("2026-02-01T09:00:00Z"),
    });
    await sync("backfill");
  });
  afterEach(() => teams.close());

  async function sync(mode: "backfill" | "sync") {
    const report = await syncOnce(ctx.db, [{ connector, settings }], {
      mode,
      now: () => RUN_NOW,
      linkContext: TEAMS_LINK_CONTEXT,
      flagSettings,
    });
    expect(report.sources[0]!.errors).toEqual([]);
  }
  const openQuestion = async () =>
    (
      await queryRows<{ id: string; evidence: string[] }>(
        ctx.db,
        sql`select id, evidence from flags
            where state = 'open' and kind = 'unanswered_question' and task_key = 'FAL-12'`,
      )
    )[0] ?? null;
  /** The reply chain of the flagged question: the Graph id of its root message. */
  const rootOf = async (itemId: string) => {
    const [row] = await queryRows<{ thread_id: string; text: string }>(
      ctx.db,
      sql`select thread_id, text from items where id = ${itemId}`,
    );
    expect(row!.text).toContain("Can you ask Acme for the Okta settings");
    return row!.thread_id.slice(teams.data.channel("dev").id.length + 1);
  };

  it("with a delegated token: one reply in the question's reply chain, mentioning whom it waits on, on the timeline after the next sync; the flag stays", async () => {
    const flag = await openQuestion();
    expect(flag).not.toBeNull();
    const rootId = await rootOf(flag!.evidence.at(-1)!);
    const before = teams.data.thread(rootId).replies.length;
    const deps = depsWith(settings);

    const preview = await previewFlagAction(deps, flag!.id, "nudge", {}, ben);
    expect(preview).toMatchObject({ enabled: true, needs: null, account: "ben.okafor@contoso.com" });
    const outcome = await runFlagAction(deps, {
      flagId: flag!.id,
      action: "nudge",
      idempotencyKey: "nudge-okta",
      caller: ben,
    });
    expect(outcome).toMatchObject({ state: "done", by: ben.by, error: null });

    const replies = teams.data.thread(rootId).replies;
    expect(replies).toHaveLength(before + 1);
    const written = replies.at(-1)!;
    expect(written.from).toEqual({ kind: "user", key: "ben" });
    expect(written.mentions).toEqual([{ id: 0, text: "Ana Lima", userKey: "ana" }]);
    expect(written.content).toMatch(/^<p><at id="0">Ana Lima<\/at> a reminder about Cleo Park's question/);
    const result = outcome.results[0]!;
    expect(result.externalId).toBe(`${teams.data.channel("dev").id}/${written.id}`);

    await sync("sync");
    const onTimeline = (await loadTimelineItems(ctx.db, "FAL-12", null)).filter(
      (i) => i.id === `teams:${result.externalId}`,
    );
    expect(onTimeline).toMatchObject([{ source: "teams", url: result.url }]);
    expect(onTimeline[0]!.text).toMatch(/^@Ana Lima a reminder about/);
    expect((await openQuestion())?.id).toBe(flag!.id);
  });

  it("with app-only credentials: the preview is disabled naming ChannelMessage.Send, and running it posts nothing", async () => {
    const flag = await openQuestion();
    expect(flag).not.toBeNull();
    const rootId = await rootOf(flag!.evidence.at(-1)!);
    const before = teams.data.thread(rootId).replies.length;
    const deps = depsWith(settingsFor(teams));

    const [preview] = await listFlagActions(deps, flag!.id, ben);
    expect(preview).toMatchObject({ action: "nudge", enabled: false, needs: DELEGATED_SEND_NEEDED });
    expect(preview!.needs).toContain("ChannelMessage.Send");
    await expect(
      runFlagAction(deps, {
        flagId: flag!.id,
        action: "nudge",
        idempotencyKey: "nudge-app-only",
        caller: ben,
      }),
    ).rejects.toMatchObject({ kind: "unavailable", message: expect.stringContaining("ChannelMessage.Send") });
    expect(teams.data.thread(rootId).replies).toHaveLength(before);
    expect(
      await queryRows(ctx.db, sql`select id from flag_actions where idempotency_key = 'nudge-app-only'`),
    ).toEqual([]);
  });
});
