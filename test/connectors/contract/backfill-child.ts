/**
 * One source's backfill in a process of its own, for the contract's kill test: `node backfill-child.mjs
 * --source S --settings JSON --options JSON (--postgres URL | --pglite DIR)`. Runs the fixture's paged
 * connector (small pages, each committed) against the sandbox the settings point at, prints `page` after
 * each committed page, and exits 0 when the source succeeded.
 */
import { parseArgs } from "node:util";
import type { SourceId } from "../../../src/model/kinds.ts";
import type { Database } from "../../../src/store/db.ts";
import { openPglite } from "../../../src/store/open-pglite.ts";
import { openPostgres } from "../../../src/store/open-postgres.ts";
import type { RunSyncOptions } from "../../../src/sync/engine.ts";
import { syncOnce } from "../../helpers/sync-run.ts";
import type { ConnectorFixture } from "./contract.ts";
import { githubFixture } from "./fixtures/github.ts";
import { gmailFixture } from "./fixtures/gmail.ts";
import { jiraFixture } from "./fixtures/jira.ts";
import { slackFixture } from "./fixtures/slack.ts";
import { teamsFixture } from "./fixtures/teams.ts";

/** What the parent hands over of `fixture.sync(sandbox)`: its clock as an ISO time, the rest as JSON. */
export interface ChildSyncOptions {
  now?: string;
  linkContext?: RunSyncOptions["linkContext"];
  retry?: RunSyncOptions["retry"];
}

const fixtures: Record<SourceId, ConnectorFixture<never, never>> = {
  jira: jiraFixture as unknown as ConnectorFixture<never, never>,
  github: githubFixture as unknown as ConnectorFixture<never, never>,
  gmail: gmailFixture as unknown as ConnectorFixture<never, never>,
  teams: teamsFixture as unknown as ConnectorFixture<never, never>,
  slack: slackFixture as unknown as ConnectorFixture<never, never>,
};

const { values } = parseArgs({
  options: {
    source: { type: "string" },
    settings: { type: "string" },
    options: { type: "string", default: "{}" },
    postgres: { type: "string" },
    pglite: { type: "string" },
  },
});
const fixture = fixtures[values.source as SourceId];
if (!fixture || !values.settings) throw new Error(`backfill-child: unknown --source ${values.source}`);
const options = JSON.parse(values.options!) as ChildSyncOptions;
const database: Database = values.postgres
  ? openPostgres(values.postgres, { max: 2 })
  : await openPglite(values.pglite);
let pages = 0;
const report = await syncOnce(
  database.db,
  [{ connector: fixture.paged.connector, settings: JSON.parse(values.settings) as never }],
  {
    mode: "backfill",
    ...(options.now ? { now: () => new Date(options.now!) } : {}),
    ...(options.linkContext ? { linkContext: options.linkContext } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
    observer: {
      progress(_source, progress) {
        if (progress.pages > pages) process.stdout.write("page\n");
        pages = progress.pages;
      },
    },
  },
);
await database.close();
process.stdout.write(`done ${report.ok}\n`);
process.exit(report.ok ? 0 : 1);
