/** `threadline digest` on an embedded database on disk: --dry-run, --out (the real binary), sending, exit codes. */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { sql } from "drizzle-orm";
import { simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDigestCommand } from "../../src/cli/commands/digest.ts";
import { migrateDatabase } from "../../src/store/migrate.ts";
import { openPglite } from "../../src/store/open-pglite.ts";
import { queryRows } from "../../src/store/rows.ts";
import { runCli, tempDir } from "../helpers/cli.ts";
import { DAY, NOW, RECIPIENTS, seedTeam, TEAM_ENV } from "./fixture.ts";
import { startTestSmtp, type TestSmtp } from "./smtp.ts";

const collect = () => {
  const stream = new PassThrough();
  let text = "";
  stream.on("data", (d) => {
    text += d;
  });
  return { stream, text: () => text };
};

describe("threadline digest", () => {
  let dir: string;
  let smtp: TestSmtp;
  const env = () => ({ ...TEAM_ENV, THREADLINE_DATA_DIR: dir, THREADLINE_DEMO: "0" });

  async function withDb<T>(fn: (db: Awaited<ReturnType<typeof openPglite>>["db"]) => Promise<T>): Promise<T> {
    const database = await openPglite(join(dir, "db"));
    try {
      await migrateDatabase(database);
      return await fn(database.db);
    } finally {
      await database.close();
    }
  }
  const claims = () =>
    withDb((db) =>
      queryRows<{ recipient: string; status: string }>(
        db,
        sql`select recipient, status from digests order by recipient`,
      ),
    );

  async function run(options: Parameters<typeof runDigestCommand>[0], extra: Record<string, string> = {}) {
    const stdout = collect();
    const stderr = collect();
    const code = await runDigestCommand(options, {
      env: { ...env(), ...extra },
      stdout: stdout.stream,
      stderr: stderr.stream,
      now: () => NOW,
      cwd: dir,
      retryDelaysMs: [5],
    });
    return { code, stdout: stdout.text(), stderr: stderr.text() };
  }

  // Seeded once: only the sending test claims, and it runs after those that must see no claims.
  beforeAll(async () => {
    dir = await tempDir("threadline-digest-");
    smtp = await startTestSmtp({ tls: "none" });
    await withDb(seedTeam);
  }, 60_000);
  afterAll(() => smtp?.close());

  it("--dry-run prints who would get what, and claims nothing", async () => {
    const { code, stdout } = await run({ dryRun: true, date: DAY });
    expect(code).toBe(0);
    for (const r of RECIPIENTS)
      expect(stdout).toMatch(new RegExp(`would send  ${r}  “Threadline Wed 4 Mar: `));
    expect(stdout).not.toContain("dan@client.example");
    expect(stdout).toContain("nothing claimed or sent (--dry-run)");
    expect(await claims()).toEqual([]);
  });

  it("--out writes one parseable .eml per recipient, multipart text and HTML, and claims nothing", async () => {
    const out = join(dir, "out", "nested");
    const { code, stdout, stderr } = await runCli(["digest", "--out", out, "--date", DAY], {
      cwd: dir,
      env: env(),
    });
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(stdout).toContain("4 messages written");
    expect((await readdir(out)).sort()).toEqual(RECIPIENTS.map((r) => `${r}.eml`));
    const raw = await readFile(join(out, "maya@team.example.eml"), "utf8");
    expect(raw).toMatch(/\r\nContent-Type: multipart\/alternative/);
    const mail = await simpleParser(raw);
    expect(mail.to && "text" in mail.to ? mail.to.text : "").toBe("maya@team.example");
    expect(mail.from?.text).toBe("threadline@team.example");
    // The binary judges flags as of the real clock: the fixture's snooze may have ended by then.
    expect(mail.subject).toMatch(/^Threadline Wed 4 Mar: \d of yours stuck$/);
    expect(mail.text).toContain("https://threadline.team.example/tasks/T-1");
    expect(mail.html).toContain('href="https://threadline.team.example/tasks/T-1"');
    expect(mail.messageId).toMatch(/@/);
    expect(await claims()).toEqual([]);
  });

  it("exits 1 when a send failed, with the others sent, and 0 once a later run sends it", async () => {
    smtp.refuse.set("maya@team.example", 451);
    const first = await run({ date: DAY }, { SMTP_URL: smtp.url });
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/FAILED after 2 attempts {2}maya@team.example/);
    expect(first.stdout).toContain("3 of 4 recipients have theirs; 1 failed (run again to retry them)");
    smtp.refuse.clear();
    const second = await run({ date: DAY }, { SMTP_URL: smtp.url });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^sent {2}maya@team.example/m);
    expect(second.stdout.match(/already sent today/g)).toHaveLength(3);
    expect((await claims()).map((c) => c.status)).toEqual(["sent", "sent", "sent", "sent"]);
  });

  it("says what to do without SMTP_URL, or with a date that is not one", async () => {
    const bare = await run({ date: DAY });
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/SMTP_URL is not set: .* or use --out DIR or --dry-run/);
    const date = await run({ dryRun: true, date: "2026-02-30" });
    expect(date).toMatchObject({ code: 2, stderr: expect.stringMatching(/--date must be YYYY-MM-DD/) });
  });
});
