/**
 * `threadline backfill|sync|relink` as the CLI runs them (the same `run*Command` entries), with the
 * scripted Jira, Slack and Gmail connectors instead of the registry. Test-only:
 * `node --import tsx scripted-cli.ts backfill [--json] [--source NAME]... [--auth-fails SOURCE]`, with
 * DATABASE_URL or THREADLINE_DATA_DIR in the environment.
 */
import { parseArgs } from "node:util";
import { runRelinkCommand } from "../../src/cli/commands/relink.ts";
import { runSyncCommand } from "../../src/cli/commands/sync.ts";
import { FIXED_NOW, scriptedWorkspace } from "./sync-run.ts";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    json: { type: "boolean", default: false },
    source: { type: "string", multiple: true, default: [] },
    "auth-fails": { type: "string" },
  },
});
const workspace = scriptedWorkspace();
if (values["auth-fails"] === "slack") workspace.slack.authFails = true;
const io = {
  env: process.env,
  connectors: workspace.connectors,
  stdout: process.stdout,
  stderr: process.stderr,
  now: () => FIXED_NOW,
};
const command = positionals[0];
process.exitCode =
  command === "relink"
    ? await runRelinkCommand({ json: values.json }, io)
    : await runSyncCommand(
        { mode: command === "sync" ? "sync" : "backfill", sources: values.source, json: values.json },
        io,
      );
