import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Config } from "../config.ts";
import type { FlagSettings } from "../flags/flag-settings.ts";
import type { RunLog } from "../log.ts";
import type { Db } from "../store/db.ts";
import {
  saveDigestClaim,
  saveDigestFailed,
  saveDigestRetrying,
  saveDigestSending,
  saveDigestSent,
} from "../store/digest-log.ts";
import { composeDigests, toDigestSummary } from "./compose-digests.ts";
import type { Digest } from "./digest-model.ts";
import { DEFAULT_DIGEST_SETTINGS, type DigestSettings } from "./digest-settings.ts";
import { loadDigestInput } from "./load-digest-input.ts";
import { renderDigest } from "./render-digest.ts";
import { previousWorkingDay, toLocalDay, toLocalInstant } from "./schedule.ts";
import {
  createSmtpMailer,
  type DigestMailer,
  type DigestMessage,
  DigestSendError,
  toEml,
} from "./send-digest.ts";

export type DigestMode = "send" | "out" | "dry-run";

export type RecipientStatus =
  /** Sent by this run. */
  | "sent"
  /** Sent earlier today (another run, an earlier one). */
  | "already_sent"
  /** Another run holds the claim right now. */
  | "in_progress"
  /** A run stopped while the server may have been accepting it: not sent again, so it may be missing. */
  | "interrupted"
  | "failed"
  | "written"
  | "would_send";

export interface RecipientResult {
  recipient: string;
  /** Where the message went (or would go): the recipient, or `DIGEST_TO`. */
  to: string[];
  subject: string;
  status: RecipientStatus;
  attempts: number;
  error?: string;
  file?: string;
}

export interface DigestRunResult {
  day: string;
  /** Every recipient has theirs (sent now or before, or written, or shown). */
  ok: boolean;
  recipients: RecipientResult[];
  /** Leads who get nothing, and why. */
  skipped: Array<{ email: string; why: string }>;
}

export interface DigestRun {
  db: Db;
  config: Config;
  flagSettings: FlagSettings;
  digestSettings?: DigestSettings;
  mode: DigestMode;
  /** For `out`: the folder, created if needed. */
  outDir?: string;
  /** The day the digest is for, `YYYY-MM-DD` in the team's time zone (default: today there). */
  day?: string;
  /** Flags are judged as of this instant. */
  now: Date;
  /** Default: SMTP over `config.smtpUrl`. */
  mailer?: DigestMailer;
  /** Waits before each retry of a send; the count is the number of retries. */
  retryDelaysMs?: readonly number[];
  /** Told about each recipient as soon as it is settled. */
  onRecipient?: (result: RecipientResult) => void;
}

const DEFAULT_RETRY_DELAYS_MS = [2_000, 10_000, 30_000];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A mistake in how the run was asked for (no SMTP_URL to send with, a bad date): the message says what to do. */
export class DigestUsageError extends Error {
  override name = "DigestUsageError";
}

/** `YYYY-MM-DD` that names a real date. */
export function isDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/**
 * One digest run: loads the flags as of `now`, composes each recipient's digest for `day`, and then, by mode,
 * shows who would get what (`dry-run`), writes one `.eml` per recipient (`out`), or sends: each (recipient,
 * day) is claimed in `digests` before its message goes out, so however many runs overlap, a person gets at
 * most one a day. A failed send is retried with backoff (not when the server refused for good); the others
 * are sent regardless, and the next run tries the failed ones again.
 */
export async function runDigest(run: DigestRun): Promise<DigestRunResult> {
  const { config, flagSettings, now } = run;
  if (run.mode === "send" && !run.mailer && !config.smtpUrl) {
    throw new DigestUsageError(
      "[threadline] [digest] SMTP_URL is not set: set it to smtp://[user:password@]host[:port] to send, or use --out DIR or --dry-run",
    );
  }
  if (run.mode === "out" && !run.outDir)
    throw new DigestUsageError("[threadline] [digest] --out needs a folder");
  const day = run.day ?? toLocalDay(now, flagSettings.timeZone);
  if (!isDay(day)) throw new DigestUsageError(`[threadline] [digest] --date must be YYYY-MM-DD, not ${day}`);

  const schedule = { ...flagSettings, digestTime: config.digestTime };
  const yesterday = toLocalInstant(
    previousWorkingDay(day, schedule),
    config.digestTime,
    flagSettings.timeZone,
  );
  const changesSince = yesterday < now ? yesterday : new Date(now.getTime() - 86_400_000);
  const input = await loadDigestInput(run.db, {
    now,
    day,
    changesSince,
    leads: config.digestLeads,
  });
  const { digests, skipped } = composeDigests(input, {
    now,
    day,
    publicUrl: config.publicUrl,
    sources: flagSettings.sources,
    teamDomains: config.teamDomains,
    leads: config.digestLeads,
    admins: config.admins,
    sendWhenEmpty: (run.digestSettings ?? DEFAULT_DIGEST_SETTINGS).sendWhenEmpty,
    changesSince,
  });

  const results: RecipientResult[] = [];
  const settle = (r: RecipientResult) => {
    results.push(r);
    run.onRecipient?.(r);
  };
  const toMessage = (digest: Digest): DigestMessage => {
    const rendered = renderDigest(digest, config.publicUrl);
    return {
      from: config.digestFrom,
      to: config.digestTo.length > 0 ? config.digestTo : [digest.recipient.email],
      recipient: digest.recipient.email,
      day,
      ...rendered,
    };
  };

  if (run.mode === "dry-run") {
    for (const digest of digests) {
      const m = toMessage(digest);
      settle({ recipient: m.recipient, to: m.to, subject: m.subject, status: "would_send", attempts: 0 });
    }
  } else if (run.mode === "out") {
    await mkdir(run.outDir!, { recursive: true });
    for (const digest of digests) {
      const m = toMessage(digest);
      const file = join(run.outDir!, `${m.recipient.replace(/[/\\\0]/g, "_")}.eml`);
      await writeFile(file, await toEml(m));
      settle({ recipient: m.recipient, to: m.to, subject: m.subject, status: "written", attempts: 0, file });
    }
  } else {
    const mailer = run.mailer ?? createSmtpMailer(config.smtpUrl!);
    try {
      for (const digest of digests) {
        settle(await sendOne(run, toMessage(digest), toDigestSummary(digest), mailer));
      }
    } finally {
      if (!run.mailer) mailer.close();
    }
  }
  const good: RecipientStatus[] = ["sent", "already_sent", "in_progress", "written", "would_send"];
  return { day, ok: results.every((r) => good.includes(r.status)), recipients: results, skipped };
}

async function sendOne(
  run: DigestRun,
  message: DigestMessage,
  summary: ReturnType<typeof toDigestSummary>,
  mailer: DigestMailer,
): Promise<RecipientResult> {
  const base = { recipient: message.recipient, to: message.to, subject: message.subject };
  const key = { recipient: message.recipient, day: message.day };
  const claim = await saveDigestClaim(run.db, key, summary);
  if (!claim.claimed) {
    const status = claim.status === "sent" ? "already_sent" : claim.status;
    return {
      ...base,
      status,
      attempts: 0,
      ...(status === "interrupted"
        ? {
            error: `a run stopped while sending it${claim.at ? ` at ${claim.at.toISOString()}` : ""}; it may not have arrived, and is not sent twice (delete its row in digests to send it again)`,
          }
        : {}),
    };
  }
  const delays = run.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  let attempts = 0;
  for (;;) {
    attempts++;
    await saveDigestSending(run.db, key);
    try {
      const { messageId } = await mailer.send(message);
      await saveDigestSent(run.db, key, messageId);
      return { ...base, status: "sent", attempts };
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      const permanent = err instanceof DigestSendError && err.permanent;
      const delay = delays[attempts - 1];
      if (permanent || delay === undefined) {
        await saveDigestFailed(run.db, key, error);
        return { ...base, status: "failed", attempts, error };
      }
      await saveDigestRetrying(run.db, key, error);
      await sleep(delay);
    }
  }
}

/**
 * The daily send, as the server's timer and the Worker's cron run it: every recipient's digest for `day`,
 * then one line for the run and one for each recipient who did not get theirs.
 */
export async function runScheduledDigest(
  run: Omit<DigestRun, "mode" | "day" | "now"> & { day: string; log: RunLog },
): Promise<void> {
  const { log, ...rest } = run;
  const result = await runDigest({ ...rest, mode: "send", now: new Date() });
  const failed = result.recipients.filter((r) => r.status === "failed" || r.status === "interrupted");
  log.info("digest run finished", {
    day: run.day,
    recipients: result.recipients.length,
    failed: failed.length,
  });
  for (const r of failed) log.error("digest not sent", r.error, { recipient: r.recipient, day: run.day });
}
