import { Command } from "commander";
import { registerBackfill } from "./commands/backfill.ts";
import { registerMigrate } from "./commands/migrate.ts";
import { registerRelink } from "./commands/relink.ts";
import { registerServe } from "./commands/serve.ts";
import { registerSync } from "./commands/sync.ts";
import { exitOnConfigError } from "./env.ts";

const program = new Command("threadline")
  .description("Threadline: every task's updates, questions, approvals and blockers in one place")
  .showHelpAfterError()
  .configureOutput({ outputError: (text, write) => write(text) });

registerServe(program);
registerBackfill(program);
registerSync(program);
registerRelink(program);
registerMigrate(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  exitOnConfigError(err);
}
