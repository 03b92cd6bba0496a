import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Writable } from "node:stream";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { listSources } from "../../connectors/registry.ts";
import { runRelinkCommand } from "../../src/cli/commands/relink.ts";
import { runSyncCommand } from "../../src/cli/commands/sync.ts";
import { parseConfig } from "../../src/config.ts";
import { parseFlagSettings } from "../../src/flags/flag-settings.ts";
import type { Db } from "../../src/store/db.ts";
import { openDatabase } from "../../src/store/open-database.ts";
import { queryRows } from "../../src/store/rows.ts";
import { relinkAll } from "../../src/sync/relink.ts";
import { tempDir } from "../helpers/cli.ts";
import {
  createEmptyPostgresDatabase,
  describeEachDatabase,
  emptyTables,
  TEST_DATABASE_KINDS,
} from "../helpers/databases.ts";
import { FIXED_NOW, LINK_CONTEXT, scriptedWorkspace, syncOnce } from "../helpers/sync-run.ts";

// In the scripted data set Jira hides Chloe's email (account acc-2), so her Jira account is a person of
// its own until the people file says who it is; Slack (U102) and Gmail know her address.
const CHLOE = [{ email: "chloe@team.example", jira: "acc-2" }];

const personOf = async (db: Db, source: string, externalId: string) =>
  (
    await queryRows<{ person_id: string }>(
      db,
      sql`select person_id from identities where source = ${source} and external_id = ${externalId}`,
    )
  )[0]?.person_id;

/** Tasks Chloe's Jira account reported or commented on: whose people change when she is joined. */
const tasksOfJiraChloe = async (db: Db, personId: string) =>
  (
    await queryRows<{ key: string }>(
      db,
      sql`select t.key from tasks t where t.reporter_id = ${personId} or t.assignee_id = ${personId}
          union select l.task_key from items i join item_links l on l.item_id = i.id
          where i.author_id = ${personId} and not l.removed order by 1`,
    )
  ).map((r) => r.key);

describeEachDatabase("the people file across sync, backfill and relink", (ctx) => {
  beforeEach(async () => {
    await emptyTables(ctx.db);
  });

  it("joins the accounts it names after a pass, re-evaluates their tasks, and keeps them joined", async () => {
    const settings = parseFlagSettings(undefined, {}, listSources());
    await syncOnce(ctx.db, scriptedWorkspace().sources);
    const jiraChloe = (await personOf(ctx.db, "jira", "acc-2"))!;
    const chloe = (await personOf(ctx.db, "slack", "U102"))!;
    expect(jiraChloe).not.toBe(chloe);
    const hers = await tasksOfJiraChloe(ctx.db, jiraChloe);
    expect(hers.length).toBeGreaterThan(0);

    // A sync that pulls nothing new still applies the file: her tasks count as changed and are evaluated.
    const report = await syncOnce(ctx.db, scriptedWorkspace().sources, {
      mode: "sync",
      people: CHLOE,
      flagSettings: settings,
    });
    expect(report.sources.every((s) => s.itemsNew === 0)).toBe(true);
    expect(await personOf(ctx.db, "jira", "acc-2")).toBe(chloe);
    expect([...report.changedTaskKeys].sort()).toEqual(hers);
    expect(report.flags?.ok && report.flags.summary.tasks).toBe(hers.length);

    // Relink without the file and a backfill from scratch leave the join alone.
    await relinkAll({
      db: ctx.db,
      connectors: scriptedWorkspace().connectors,
      linkContext: LINK_CONTEXT,
      now: () => FIXED_NOW,
    });
    expect(await personOf(ctx.db, "jira", "acc-2")).toBe(chloe);
    await ctx.db.execute(sql`delete from sync_cursors`);
    await syncOnce(ctx.db, scriptedWorkspace().sources, { people: CHLOE });
    expect(await personOf(ctx.db, "jira", "acc-2")).toBe(chloe);
    // Nothing left to join: a pass that pulls nothing changes no task.
    const idle = await syncOnce(ctx.db, scriptedWorkspace().sources, { mode: "sync", people: CHLOE });
    expect(idle.changedTaskKeys.size).toBe(0);
  });
});

const sink = () => {
  let text = "";
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += chunk;
      done();
    },
  });
  return { stream, text: () => text };
};

for (const kind of TEST_DATABASE_KINDS) {
  describe(`threadline relink applies the people file [${kind}]`, { timeout: 120_000 }, () => {
    let cwd: string;
    let env: Record<string, string>;
    let drop = async () => {};
    beforeAll(async () => {
      cwd = await tempDir("threadline-relink-people-");
      if (kind === "postgres") {
        const empty = await createEmptyPostgresDatabase();
        env = { DATABASE_URL: empty.url, JIRA_PROJECTS: "PROJ,OPS" };
        drop = empty.drop;
      } else {
        env = { THREADLINE_DATA_DIR: join(cwd, "data"), JIRA_PROJECTS: "PROJ,OPS" };
      }
    });
    afterAll(async () => {
      await drop();
      await rm(cwd, { recursive: true, force: true });
    });

    it("joins who the file names and evaluates the flags of their tasks", async () => {
      const workspace = scriptedWorkspace();
      const io = () => ({
        env,
        connectors: workspace.connectors,
        stdout: sink().stream,
        stderr: sink().stream,
        now: () => FIXED_NOW,
        cwd,
      });
      expect(await runSyncCommand({ mode: "backfill" }, io())).toBe(0);
      const read = async <T>(fn: (db: Db) => Promise<T>) => {
        const database = await openDatabase(parseConfig(env));
        try {
          return await fn(database.db);
        } finally {
          await database.close();
        }
      };
      const before = await read(async (db) => ({
        jira: (await personOf(db, "jira", "acc-2"))!,
        chloe: (await personOf(db, "slack", "U102"))!,
      }));
      expect(before.jira).not.toBe(before.chloe);

      await writeFile(join(cwd, "threadline.config.json"), JSON.stringify({ people: CHLOE }));
      const out = sink();
      const code = await runRelinkCommand({ json: true }, { ...io(), stdout: out.stream });
      expect(code).toBe(0);
      const report = JSON.parse(out.text());
      expect(report.changedTasks).toBeGreaterThan(0);
      expect(report.flagsEvaluated).toBe(report.changedTasks);
      expect(await read((db) => personOf(db, "jira", "acc-2"))).toBe(before.chloe);
    });
  });
}
