import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listSources } from "../../connectors/registry.ts";
import { ConfigError } from "../../src/config.ts";
import { parseFlagSettings } from "../../src/flags/flag-settings.ts";
import { loadFlagSettings } from "../../src/flags/load-flag-settings.ts";
import { recomputeAfterChange, recomputeFlags } from "../../src/flags/recompute.ts";
import { queryRows } from "../../src/store/rows.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { commentRecord, type ScriptedTask, taskRecord } from "../helpers/scripted-connector.ts";
import { people } from "../helpers/sync-dataset.ts";
import { FIXED_NOW, type ScriptedWorkspace, scriptedWorkspace, syncOnce } from "../helpers/sync-run.ts";

const settings = parseFlagSettings(undefined, { THREADLINE_TEAM_DOMAINS: "example.test" }, listSources());

interface FlagRow {
  task_key: string;
  kind: string;
  state: string;
}

/** The newest version of a task in a scripted Jira project's log. */
function lastTaskRecord(workspace: ScriptedWorkspace, project: string, key: string): ScriptedTask {
  const found = workspace.jira.scopes
    .get(project)!
    .flatMap((change) => ("record" in change && change.record.type === "task" ? [change.record.data] : []))
    .filter((data) => (data as ScriptedTask).key === key);
  return found.at(-1) as ScriptedTask;
}

describeEachDatabase("flags after a sync", (ctx) => {
  const flagRows = () =>
    queryRows<FlagRow>(
      ctx.db,
      sql`select task_key, kind, state, since, reason, reasons, evidence, owner_id, waiting_on, resolved_at
        from flags order by task_key, kind, state, since`,
    );
  const flagTasks = async () =>
    (
      await queryRows<{ task_key: string }>(
        ctx.db,
        sql`select distinct task_key from flags where state = 'open'`,
      )
    ).map((r) => r.task_key);

  it("evaluates nothing without settings, and nothing when no task changed", async () => {
    await ctx.db.execute(
      sql`truncate item_links, items, identities, tasks, flags, people, sync_cursors, source_scopes cascade`,
    );
    const plain = await syncOnce(ctx.db, scriptedWorkspace().sources);
    expect(plain.ok).toBe(true);
    expect(plain.flags).toBeUndefined();
    expect(await flagTasks()).toEqual([]);
    expect(await recomputeAfterChange(ctx.db, [], settings, FIXED_NOW)).toBeNull();
    expect(await flagTasks()).toEqual([]);
  });

  it("re-evaluates only the tasks a second run changed, leaving every flag as a full recompute would", async () => {
    await ctx.db.execute(
      sql`truncate item_links, items, identities, tasks, flags, people, sync_cursors, source_scopes cascade`,
    );
    const workspace = scriptedWorkspace();
    const first = await syncOnce(ctx.db, workspace.sources, { flagSettings: settings });
    expect(first.ok).toBe(true);
    const before = await flagRows();
    const kindsOf = (rows: FlagRow[], key: string) =>
      rows.filter((r) => r.task_key === key && r.state === "open").map((r) => r.kind);
    // The known subset, chosen so that each change moves a flag: a stale task gets a comment, another is
    // done, a third loses its assignee.
    expect(kindsOf(before, "PROJ-3")).toContain("stale");
    expect(kindsOf(before, "PROJ-5")).toContain("stale");
    const ops2 = lastTaskRecord(workspace, "OPS", "OPS-2");
    expect(ops2.assignee).not.toBeNull();
    expect(kindsOf(before, "OPS-2")).not.toContain("no_owner");

    const proj = workspace.jira.scopes.get("PROJ")!;
    proj.push({
      record: commentRecord({
        id: "c-after-1",
        issueKey: "PROJ-3",
        author: people.jira(1),
        body: "Picked this up again, export runs tonight.",
        created: "2026-03-01T10:00:00.000Z",
        edited: null,
      }),
    });
    const proj5 = lastTaskRecord(workspace, "PROJ", "PROJ-5");
    proj.push({
      record: taskRecord({ ...proj5, status: "Done", category: "done", updated: "2026-03-01T11:00:00.000Z" }),
    });
    workspace.jira.scopes
      .get("OPS")!
      .push({ record: taskRecord({ ...ops2, assignee: null, updated: "2026-03-01T12:00:00.000Z" }) });
    const subset = ["OPS-2", "PROJ-3", "PROJ-5"];

    const second = await syncOnce(ctx.db, workspace.sources, { mode: "sync", flagSettings: settings });
    expect(second.ok).toBe(true);
    expect([...second.changedTaskKeys].sort()).toEqual(subset);
    const summary = second.flags?.ok ? second.flags.summary : null;
    // Only the subset was loaded and evaluated: the data set holds 24 tasks.
    expect(summary?.tasks).toBe(subset.length);
    const after = await flagRows();
    expect(kindsOf(after, "PROJ-3")).not.toContain("stale");
    expect(kindsOf(after, "PROJ-5")).toEqual([]);
    expect(kindsOf(after, "OPS-2")).toContain("no_owner");
    // Every other task's flags are the rows they were, untouched.
    const others = (rows: FlagRow[]) => rows.filter((r) => !subset.includes(r.task_key));
    expect(others(after)).toEqual(others(before));

    // A full recompute at the same time finds nothing to change: the incremental pass left every flag right.
    const full = await recomputeFlags(ctx.db, { now: FIXED_NOW, settings });
    expect(full.tasks).toBe(24);
    expect(full).toMatchObject({ opened: 0, reopened: 0, updated: 0, resolved: 0 });
    expect(await flagRows()).toEqual(after);
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
