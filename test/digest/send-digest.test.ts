/**
 * Sending for real: the digests of a small team go through nodemailer to an SMTP server the test starts,
 * and what arrives is parsed. On PGlite, and on PostgreSQL when TEST_DATABASE_URL is set.
 */

import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { listSources } from "../../connectors/registry.ts";
import { parseConfig } from "../../src/config.ts";
import { runDigest } from "../../src/digest/run-digest.ts";
import { parseFlagSettings } from "../../src/flags/flag-settings.ts";
import type { Db } from "../../src/store/db.ts";
import { openPostgres } from "../../src/store/open-postgres.ts";
import { queryRows } from "../../src/store/rows.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { DAY, NOW, RECIPIENTS, seedTeam, TEAM_ENV } from "./fixture.ts";
import { startTestSmtp, type TestSmtp } from "./smtp.ts";

const AUTH = { user: "digest", pass: "s3cret:p@ss" };
const FAST_RETRIES = [5, 5];

function runWith(db: Db, env: Record<string, string>, extra: Partial<Parameters<typeof runDigest>[0]> = {}) {
  const config = parseConfig({ ...TEAM_ENV, ...env });
  return runDigest({
    db,
    config,
    flagSettings: parseFlagSettings(undefined, config.env, listSources()),
    mode: "send",
    now: NOW,
    day: DAY,
    retryDelaysMs: FAST_RETRIES,
    ...extra,
  });
}

const rowsOf = (db: Db) =>
  queryRows<{
    recipient: string;
    status: string;
    attempts: number;
    message_id: string | null;
    error: string | null;
  }>(db, sql`select recipient, status, attempts, message_id, error from digests order by recipient`);

describeEachDatabase("sending the digest", (ctx) => {
  let starttls: TestSmtp;
  let implicit: TestSmtp;
  beforeAll(async () => {
    starttls = await startTestSmtp({ tls: "starttls", auth: AUTH, delayMs: 20 });
    implicit = await startTestSmtp({ tls: "implicit" });
  });
  afterAll(async () => {
    await starttls?.close();
    await implicit?.close();
  });
  beforeEach(async () => {
    await seedTeam(ctx.db);
    starttls.received.length = 0;
    implicit.received.length = 0;
    starttls.refuse.clear();
  });

  it("sends each team member theirs over SMTP with STARTTLS and credentials, once a day", async () => {
    const result = await runWith(ctx.db, { SMTP_URL: starttls.url });
    expect(result.ok).toBe(true);
    expect(result.recipients.map((r) => [r.recipient, r.status])).toEqual(RECIPIENTS.map((r) => [r, "sent"]));

    const got = starttls.received;
    expect(got.map((m) => m.envelopeTo).sort()).toEqual(RECIPIENTS.map((r) => [r]));
    expect(got.every((m) => m.secure && m.user === "digest")).toBe(true);
    expect(got.every((m) => m.envelopeFrom === "threadline@team.example")).toBe(true);
    // The client who owns a flagged task, and the quiet team member, get nothing.
    expect(got.flatMap((m) => m.envelopeTo)).not.toContain("dan@client.example");

    const raj = got.find((m) => m.envelopeTo[0] === "raj@team.example")!.mail;
    expect(raj.subject).toBe("Threadline Wed 4 Mar: 2 waiting on you");
    expect(raj.headers.get("auto-submitted")).toBe("auto-generated");
    expect(raj.text).toContain("Threadline: https://threadline.team.example/tasks/T-1");
    expect(raj.text).toContain("Slack: https://slack.example/archives/C1/p1");
    expect(raj.html).toContain('href="https://threadline.team.example/tasks/acme%2Fweb%235"');
    expect(raj.html).toContain('href="https://slack.example/archives/C1/p1"');
    const rawRaj = got.find((m) => m.envelopeTo[0] === "raj@team.example")!.raw;
    expect(rawRaj).toMatch(/Content-Type: multipart\/alternative/i);

    const lead = got.find((m) => m.envelopeTo[0] === "lead@team.example")!.mail;
    expect(lead.subject).toBe("Threadline Wed 4 Mar: 6 stuck in the project (0 new, 1 resolved)");
    expect(lead.text).toContain("NOBODY OWNS THESE (3)");
    expect(lead.html).toContain("Nobody owns these (3)");

    const rows = await rowsOf(ctx.db);
    expect(rows.map((r) => [r.recipient, r.status, r.attempts])).toEqual(
      RECIPIENTS.map((r) => [r, "sent", 1]),
    );
    expect(rows.every((r) => r.message_id?.includes("@"))).toBe(true);

    // A second run the same day sends nothing more, and says so.
    const again = await runWith(ctx.db, { SMTP_URL: starttls.url });
    expect(again.ok).toBe(true);
    expect(again.recipients.map((r) => r.status)).toEqual(RECIPIENTS.map(() => "already_sent"));
    expect(starttls.received).toHaveLength(RECIPIENTS.length);
  });

  it("never sends in plain text to a server without STARTTLS unless SMTP_URL says requireTLS=false", async () => {
    const plainOnly = await startTestSmtp({ tls: "none", urlRequiresTls: true });
    try {
      const refused = await runWith(ctx.db, { SMTP_URL: plainOnly.url }, { retryDelaysMs: [] });
      expect(refused.ok).toBe(false);
      expect(plainOnly.received).toEqual([]);
      expect(refused.recipients[0]!.error).toMatch(/STARTTLS.*requireTLS=false/);

      const allowed = await runWith(ctx.db, { SMTP_URL: `${plainOnly.url}&requireTLS=false` });
      expect(allowed.ok).toBe(true);
      expect(plainOnly.received.length).toBe(RECIPIENTS.length);
      expect(plainOnly.received.every((m) => !m.secure)).toBe(true);
    } finally {
      await plainOnly.close();
    }
  });

  it("sends over smtps:// and, with DIGEST_TO, each person's digest to the trial address instead", async () => {
    const result = await runWith(ctx.db, {
      SMTP_URL: implicit.url,
      DIGEST_TO: "trial@elsewhere.example",
      DIGEST_FROM: "Ops Bot <ops@team.example>",
    });
    expect(result.ok).toBe(true);
    const got = implicit.received;
    expect(got).toHaveLength(RECIPIENTS.length);
    expect(got.every((m) => m.secure && m.envelopeTo.join() === "trial@elsewhere.example")).toBe(true);
    expect(got.map((m) => m.mail.headers.get("x-threadline-digest")).sort()).toEqual(
      RECIPIENTS.map((r) => `${r}; day=${DAY}`),
    );
    expect(got[0]!.mail.from?.text).toBe('"Ops Bot" <ops@team.example>');
  });

  it("retries a refused recipient, still sends the others, reports the failure, and sends it on the next run", async () => {
    starttls.refuse.set("raj@team.example", 451);
    const first = await runWith(ctx.db, { SMTP_URL: starttls.url });
    expect(first.ok).toBe(false);
    const raj = first.recipients.find((r) => r.recipient === "raj@team.example")!;
    expect(raj).toMatchObject({ status: "failed", attempts: FAST_RETRIES.length + 1 });
    expect(raj.error).toMatch(/451/);
    expect(first.recipients.filter((r) => r.status === "sent")).toHaveLength(RECIPIENTS.length - 1);
    expect(starttls.received.map((m) => m.envelopeTo[0])).not.toContain("raj@team.example");

    starttls.refuse.clear();
    const second = await runWith(ctx.db, { SMTP_URL: starttls.url });
    expect(second.ok).toBe(true);
    expect(second.recipients.map((r) => [r.recipient, r.status])).toEqual(
      RECIPIENTS.map((r) => [r, r === "raj@team.example" ? "sent" : "already_sent"]),
    );
    expect(starttls.received.filter((m) => m.envelopeTo[0] === "raj@team.example")).toHaveLength(1);
    const row = (await rowsOf(ctx.db)).find((r) => r.recipient === "raj@team.example")!;
    expect(row).toMatchObject({ status: "sent", attempts: FAST_RETRIES.length + 2, error: null });
  });

  it("does not retry a recipient the server refuses for good, and never shows the SMTP password", async () => {
    starttls.refuse.set("tom@team.example", 550);
    const result = await runWith(ctx.db, { SMTP_URL: starttls.url });
    expect(result.recipients.find((r) => r.recipient === "tom@team.example")).toMatchObject({
      status: "failed",
      attempts: 1,
    });

    await seedTeam(ctx.db);
    const wrong = starttls.url.replace(encodeURIComponent(AUTH.pass), "wrong-password-123");
    const denied = await runWith(ctx.db, { SMTP_URL: wrong }, { retryDelaysMs: [] });
    expect(denied.ok).toBe(false);
    for (const r of denied.recipients) {
      expect(r.error).toMatch(/EAUTH .*check the credentials in SMTP_URL/);
      expect(r.error).not.toContain("wrong-password-123");
    }
  });

  it("sends each recipient exactly once when two runs go at once", async () => {
    // On PostgreSQL each run has a connection pool of its own, as two servers would.
    const second = ctx.database.url ? openPostgres(ctx.database.url, { max: 2 }) : null;
    try {
      const [a, b] = await Promise.all([
        runWith(ctx.db, { SMTP_URL: starttls.url }),
        runWith(second?.db ?? ctx.db, { SMTP_URL: starttls.url }),
      ]);
      expect(a.ok && b.ok).toBe(true);
      const counts = new Map<string, number>();
      for (const m of starttls.received)
        counts.set(m.envelopeTo[0]!, (counts.get(m.envelopeTo[0]!) ?? 0) + 1);
      expect(Object.fromEntries(counts)).toEqual(Object.fromEntries(RECIPIENTS.map((r) => [r, 1])));
      for (const r of RECIPIENTS) {
        const statuses = [a, b].map((run) => run.recipients.find((x) => x.recipient === r)!.status).sort();
        expect(statuses.filter((s) => s === "sent")).toHaveLength(1);
      }
    } finally {
      await second?.close();
    }
  });
});
