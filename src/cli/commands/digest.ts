import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { parseConfig } from "../../config.ts";
import { loadDigestSettings } from "../../digest/digest-settings.ts";
import {
  type DigestMode,
  type DigestRunResult,
  DigestUsageError,
  isDay,
  type RecipientResult,
  runDigest,
} from "../../digest/run-digest.ts";
import type { DigestMailer } from "../../digest/send-digest.ts";
import { loadFlagSettings } from "../../flags/load-flag-settings.ts";
import { loadPeopleFile } from "../../load-people-file.ts";
import { migrateDatabase } from "../../store/migrate.ts";
import { openDatabase } from "../../store/open-database.ts";
import { loadConfig } from "../env.ts";

export interface DigestCommandOptions {
  dryRun?: boolean;
  out?: string;
  date?: string;
}

/** What a run of the command reads and writes, so a test can run it in-process. */
export interface DigestCommandIo {
  env: Record<string, string | undefined>;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  now?: () => Date;
  /** Where `threadline.config.json` is looked for (default: the working directory). */
  cwd?: string;
  mailer?: DigestMailer;
  retryDelaysMs?: readonly number[];
}

const LABELS: Record<RecipientResult["status"], string> = {
  sent: "sent",
  already_sent: "already sent today",
  in_progress: "being sent by another run",
  interrupted: "interrupted earlier",
  failed: "FAILED",
  written: "written",
  would_send: "would send",
};

function describe(r: RecipientResult, redirected: boolean): string {
  const to = redirected ? ` → ${r.to.join(", ")}` : "";
  const where = r.file ? ` ${r.file}` : "";
  const tries = r.attempts > 1 ? ` after ${r.attempts} attempts` : "";
  const error = r.error ? `: ${r.error}` : "";
  return `${LABELS[r.status]}${tries}  ${r.recipient}${to}  “${r.subject}”${where}${error}\n`;
}

function summarize(result: DigestRunResult, mode: DigestMode): string {
  const n = result.recipients.length;
  const failed = result.recipients.filter((r) => r.status === "failed" || r.status === "interrupted").length;
  if (n === 0) return `Digest for ${result.day}: nobody has anything stuck; nothing to send.\n`;
  if (mode === "dry-run")
    return `Digest for ${result.day}: ${n} recipient${n === 1 ? "" : "s"}; nothing claimed or sent (--dry-run).\n`;
  if (mode === "out")
    return `Digest for ${result.day}: ${n} message${n === 1 ? "" : "s"} written; nothing claimed or sent.\n`;
  return `Digest for ${result.day}: ${n - failed} of ${n} recipient${n === 1 ? "" : "s"} have theirs${failed > 0 ? `; ${failed} failed (run again to retry them)` : ""}.\n`;
}

/**
 * `threadline digest`: opens and migrates the database, then sends today's (or `--date`'s) digests, writes
 * them as `.eml` files (`--out DIR`), or lists them (`--dry-run`). Resolves to the exit status: 0 when every
 * recipient has theirs, 1 when a send failed, 2 for a usage or configuration error.
 */
export async function runDigestCommand(options: DigestCommandOptions, io: DigestCommandIo): Promise<number> {
  const config = parseConfig(io.env);
  const flagSettings = loadFlagSettings(config.env, io.cwd);
  const digestSettings = loadDigestSettings(io.cwd);
  loadPeopleFile(io.cwd); // a malformed people file stops every command, so it is fixed before it matters
  const mode: DigestMode = options.dryRun ? "dry-run" : options.out ? "out" : "send";
  if (options.date !== undefined && !isDay(options.date)) {
    io.stderr.write(`[threadline] [digest] --date must be YYYY-MM-DD, not ${options.date}\n`);
    return 2;
  }
  if (mode === "send" && !io.mailer && !config.smtpUrl) {
    io.stderr.write(
      "[threadline] [digest] SMTP_URL is not set: set it to smtp://[user:password@]host[:port] to send, or use --out DIR or --dry-run\n",
    );
    return 2;
  }
  const database = await openDatabase(config);
  try {
    await migrateDatabase(database);
    const redirected = config.digestTo.length > 0;
    const result = await runDigest({
      db: database.db,
      config,
      flagSettings,
      digestSettings,
      mode,
      now: io.now?.() ?? new Date(),
      ...(options.out ? { outDir: options.out } : {}),
      ...(options.date ? { day: options.date } : {}),
      ...(io.mailer ? { mailer: io.mailer } : {}),
      ...(io.retryDelaysMs ? { retryDelaysMs: io.retryDelaysMs } : {}),
      onRecipient: (r) => io.stdout.write(describe(r, redirected)),
    });
    for (const s of result.skipped)
      io.stderr.write(`[threadline] [digest] lead ${s.email} skipped: ${s.why}\n`);
    io.stdout.write(summarize(result, mode));
    return result.ok ? 0 : 1;
  } catch (err) {
    if (err instanceof DigestUsageError) {
      io.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  } finally {
    await database.close();
  }
}

const parseDate = (value: string): string => {
  if (!isDay(value)) throw new InvalidArgumentError("must be a date, YYYY-MM-DD");
  return value;
};

export function registerDigest(program: Command): void {
  program
    .command("digest")
    .description('the "what\'s stuck" email, one per recipient')
    .option("--dry-run", "print who would get what; send and claim nothing")
    .option("--out <dir>", "write one .eml per recipient into DIR instead of sending")
    .option(
      "--date <YYYY-MM-DD>",
      "the day the digest is for, in the team's time zone (default: today)",
      parseDate,
    )
    .action(async (options: DigestCommandOptions) => {
      loadConfig(); // reads .env into the environment and fails fast on a bad variable
      process.exitCode = await runDigestCommand(options, {
        env: process.env,
        stdout: process.stdout,
        stderr: process.stderr,
      });
    });
}
