import { Command } from "commander";
import { exitOnConfigError } from "./env.ts";

type Register = (program: Command) => void;

// Each command's module loads what it runs (the connectors' SDKs, the server, the database drivers), which
// takes seconds under tsx; the command that was asked for is the only one loaded. Help and unknown
// commands load them all, to list them.
const COMMANDS: Record<string, () => Promise<Register>> = {
  serve: async () => (await import("./commands/serve.ts")).registerServe,
  backfill: async () => (await import("./commands/backfill.ts")).registerBackfill,
  sync: async () => (await import("./commands/sync.ts")).registerSync,
  relink: async () => (await import("./commands/relink.ts")).registerRelink,
  migrate: async () => (await import("./commands/migrate.ts")).registerMigrate,
  digest: async () => (await import("./commands/digest.ts")).registerDigest,
  worker: async () => (await import("./commands/worker.ts")).registerWorker,
  status: async () => (await import("./commands/status.ts")).registerStatus,
};

const program = new Command("threadline")
  .description("Threadline: every task's updates, questions, approvals and blockers in one place")
  .showHelpAfterError()
  .configureOutput({ outputError: (text, write) => write(text) });

try {
  const asked = process.argv[2];
  const load = asked !== undefined ? COMMANDS[asked] : undefined;
  const registers = await Promise.all(load ? [load()] : Object.values(COMMANDS).map((l) => l()));
  for (const register of registers) register(program);
  await program.parseAsync(process.argv);
} catch (err) {
  exitOnConfigError(err);
}
