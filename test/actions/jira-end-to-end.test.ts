/**
 * An action end to end with the real Jira connector (jira.js against the sandbox): the write, the item on the
 * timeline after the next sync, and the flag as the rules then judge it.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { listSources } from "../../connectors/registry.ts";
import type { JiraSandbox } from "../../connectors/sandbox/jira/index.ts";
import { startJiraSandbox } from "../../connectors/sandbox/jira/index.ts";
import {
  type ActionDeps,
  DEFAULT_TEMPLATES,
  listFlagActions,
  runFlagAction,
} from "../../src/actions/index.ts";
import { parseFlagSettings } from "../../src/flags/flag-settings.ts";
import { recomputeFlags } from "../../src/flags/recompute.ts";
import { queryRows } from "../../src/store/rows.ts";
import { buildSite, quickJira, settingsFor } from "../connectors/jira/helpers.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { FIXED_NOW, syncOnce } from "../helpers/sync-run.ts";

describeEachDatabase("assigning a task through Jira", (ctx) => {
  let jira: JiraSandbox;
  let deps: ActionDeps;
  const flagSettings = parseFlagSettings(undefined, { THREADLINE_TEAM_DOMAINS: "acme.dev" }, listSources());

  beforeAll(async () => {
    jira = await startJiraSandbox(buildSite("cloud"));
    const settings = settingsFor(jira);
    deps = {
      db: ctx.db,
      now: () => FIXED_NOW,
      connectors: { jira: quickJira },
      sourceSettings: { jira: settings },
      templates: DEFAULT_TEMPLATES,
      flagSettings,
      log: { info: () => {}, error: () => {} },
    };
    await syncOnce(ctx.db, [{ connector: quickJira, settings }], { mode: "backfill" });
    await recomputeFlags(ctx.db, { now: FIXED_NOW, settings: flagSettings });
  });
  afterAll(() => jira.close());

  const noOwner = async (key: string) =>
    (
      await queryRows<{ id: string; state: string }>(
        ctx.db,
        sql`select id, state from flags where kind = 'no_owner' and task_key = ${key} order by state = 'resolved'`,
      )
    )[0];

  it("writes the assignee, reads it back on the next sync, and the no_owner flag clears", async () => {
    const key = [...jira.data.issues.values()].find((i) => i.summary === "Flaky checkout test")!.key;
    const flag = await noOwner(key);
    expect(flag?.state).toBe("open");
    const [preview] = await listFlagActions(deps, flag!.id, { by: "ben@acme.dev", email: "ben@acme.dev" });
    expect(preview).toMatchObject({ enabled: false, needs: null, reason: "Choose whom to assign." });
    const ana = preview!.choices.find((c) => c.name === "Ana Lima")!;
    const outcome = await runFlagAction(deps, {
      flagId: flag!.id,
      action: "assign",
      assignee: ana.externalId,
      idempotencyKey: "assign-flaky-0001",
      caller: { by: "ben@acme.dev", email: "ben@acme.dev" },
    });
    expect(outcome).toMatchObject({ state: "done", by: "ben@acme.dev" });
    expect(jira.data.issue(key).assigneeId).toBe("ana");
    await syncOnce(ctx.db, [{ connector: quickJira, settings: deps.sourceSettings.jira }], { mode: "sync" });
    await recomputeFlags(ctx.db, { now: FIXED_NOW, settings: flagSettings, taskKeys: [key] });
    expect(await noOwner(key)).toEqual({ id: flag!.id, state: "resolved" });
  });
});
