import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listSources } from "../../connectors/registry.ts";
import { ConfigError } from "../../src/config.ts";
import { parseFlagSettings } from "../../src/flags/flag-settings.ts";
import { loadFlagSettings } from "../../src/flags/load-flag-settings.ts";
import { recomputeAfterChange } from "../../src/flags/recompute.ts";
import { queryRows } from "../../src/store/rows.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { FIXED_NOW, scriptedWorkspace, syncOnce } from "../helpers/sync-run.ts";

const settings = parseFlagSettings(undefined, { THREADLINE_TEAM_DOMAINS: "example.test" }, listSources());

describeEachDatabase("flags after a sync", (ctx) => {
  const flagTasks = async () =>
    (
      await queryRows<{ task_key: string }>(
        ctx.db,
        sql`select distinct task_key from flags where state = 'open'`,
      )
    ).map((r) => r.task_key);

  it("leaves the flags of the tasks a run changed up to date, and only with settings given", async () => {
    await ctx.db.execute(
      sql`truncate item_links, items, identities, tasks, flags, people, sync_cursors, source_scopes cascade`,
    );
    const workspace = scriptedWorkspace();
    const plain = await syncOnce(ctx.db, workspace.sources);
    expect(plain.flags).toBeUndefined();
    expect(await flagTasks()).toEqual([]);

    // The first run's changes, evaluated as a webhook or the server would after it.
    const summary = await recomputeAfterChange(ctx.db, plain.changedTaskKeys, settings, FIXED_NOW);
    expect(summary?.tasks).toBeGreaterThan(0);
    expect(await recomputeAfterChange(ctx.db, [], settings, FIXED_NOW)).toBeNull();
    const flagged = await flagTasks();
    expect(flagged.length).toBeGreaterThan(0);
    for (const key of flagged) expect(plain.changedTaskKeys.has(key)).toBe(true);
  });

  it("evaluates the changed tasks at the end of a run given the settings", async () => {
    await ctx.db.execute(
      sql`truncate item_links, items, identities, tasks, flags, people, sync_cursors, source_scopes cascade`,
    );
    const report = await syncOnce(ctx.db, scriptedWorkspace({ seed: 11 }).sources, {
      flagSettings: settings,
    });
    expect(report.ok).toBe(true);
    expect(report.flags).toMatchObject({ ok: true, summary: { tasks: expect.any(Number) } });
    const summary = report.flags?.ok ? report.flags.summary : null;
    expect(summary?.tasks).toBe(
      (
        await queryRows<{ n: number }>(
          ctx.db,
          sql`select count(*)::int as n from tasks where deleted_at is null`,
        )
      )[0]?.n,
    );
    expect(summary?.opened).toBeGreaterThan(0);
    expect((await flagTasks()).length).toBeGreaterThan(0);
  });
});

describe("loadFlagSettings", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "threadline-flags-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("takes the defaults without a file, and the time zone and team domains from the environment", () => {
    const s = loadFlagSettings(
      { THREADLINE_TIMEZONE: "Europe/Berlin", THREADLINE_TEAM_DOMAINS: "acme.dev" },
      dir,
    );
    expect(s.timeZone).toBe("Europe/Berlin");
    expect(s.teamDomains).toEqual(["acme.dev"]);
    expect(s.stale.thresholds).toEqual({ todo: 10, in_progress: 3, done: null });
    expect(s.stale.statusThresholds["In Review"]).toBe(5);
  });

  it("reads thresholds, holidays and exemptions from threadline.config.json", () => {
    writeFileSync(
      join(dir, "threadline.config.json"),
      JSON.stringify({
        flags: {
          timeZone: "Asia/Tokyo",
          holidays: ["2025-12-25"],
          stale: { statusThresholds: { "In Design": 8 }, exemptLabels: ["parked"] },
        },
      }),
    );
    const s = loadFlagSettings({ THREADLINE_TIMEZONE: "Europe/Berlin" }, dir);
    expect(s.timeZone).toBe("Europe/Berlin");
    expect(s.holidays).toEqual(["2025-12-25"]);
    expect(s.stale.statusThresholds).toEqual({ "In Design": 8 });
    expect(s.stale.exemptLabels).toEqual(["parked"]);
    expect(s.stale.exemptDrafts).toBe(true);
    expect(loadFlagSettings({}, dir).timeZone).toBe("Asia/Tokyo");
  });

  it("names the file and the setting that is wrong", () => {
    writeFileSync(join(dir, "threadline.config.json"), "{ flags: ");
    expect(() => loadFlagSettings({}, dir)).toThrow(ConfigError);
    expect(() => loadFlagSettings({}, dir)).toThrow(/threadline\.config\.json is not valid JSON/);
    writeFileSync(
      join(dir, "threadline.config.json"),
      JSON.stringify({ flags: { holidays: ["25/12/2025"] } }),
    );
    expect(() => loadFlagSettings({}, dir)).toThrow(
      /threadline\.config\.json: flags\.holidays\.0 must be YYYY-MM-DD/,
    );
    expect(() => loadFlagSettings({ THREADLINE_TIMEZONE: "Mars/Olympus" }, join(dir, "none"))).toThrow(
      /THREADLINE_TIMEZONE must be an IANA time zone/,
    );
  });
});
