/**
 * A sync engine run in a process of its own, for tests that kill it: `node --import tsx sync-child.ts
 * (--postgres URL | --pglite DIR) [--seed N] [--page-delay MS]`. Runs the scripted backfill of
 * `killWorkspace()`, prints `page` after each committed page, and exits 0 when every source succeeded.
 */
import { parseArgs } from "node:util";
import type { Database } from "../../src/store/db.ts";
import { openPglite } from "../../src/store/open-pglite.ts";
import { openPostgres } from "../../src/store/open-postgres.ts";
import { killWorkspace } from "./kill-workspace.ts";
import { syncOnce } from "./sync-run.ts";

const { values } = parseArgs({
  options: {
    postgres: { type: "string" },
    pglite: { type: "string" },
    seed: { type: "string", default: "11" },
    "page-delay": { type: "string", default: "0" },
  },
});
const database: Database = values.postgres
  ? openPostgres(values.postgres, { max: 4 })
  : await openPglite(values.pglite);
const workspace = killWorkspace(Number(values.seed), Number(values["page-delay"]));
const pages = new Map<string, number>();
const report = await syncOnce(database.db, workspace.sources, {
  observer: {
    progress(source, progress) {
      if (progress.pages > (pages.get(source) ?? 0)) process.stdout.write("page\n");
      pages.set(source, progress.pages);
    },
  },
});
await database.close();
process.stdout.write(`done ${report.ok}\n`);
process.exit(report.ok ? 0 : 1);
