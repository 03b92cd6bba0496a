import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { toFlagId } from "../../src/store/flag-store.ts";
import { MIGRATIONS_FOLDER, migrateDatabase } from "../../src/store/migrate.ts";
import { openPglite } from "../../src/store/open-pglite.ts";
import { openPostgres } from "../../src/store/open-postgres.ts";
import { queryRows } from "../../src/store/rows.ts";
import { createEmptyPostgresDatabase, TEST_DATABASE_KINDS } from "../helpers/databases.ts";

// The migrations as they were before flags became one per task and kind.
const before = mkdtempSync(join(tmpdir(), "migrations-"));
cpSync(MIGRATIONS_FOLDER, before, { recursive: true });
const journalPath = join(before, "meta", "_journal.json");
const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries: Array<{ tag: string }> };
const at = journal.entries.findIndex((e) => e.tag.endsWith("_one_flag_per_kind"));
journal.entries = journal.entries.slice(0, at);
writeFileSync(journalPath, JSON.stringify(journal));
afterAll(() => rmSync(before, { recursive: true, force: true }));

async function openEmpty(kind: string) {
  if (kind === "pglite") return openPglite(undefined);
  const empty = await createEmptyPostgresDatabase();
  const database = openPostgres(empty.url, { max: 2 });
  const close = async () => {
    await database.close();
    await empty.drop();
  };
  return { ...database, url: empty.url, close };
}

interface Row {
  id: string;
  task_key: string;
  kind: string;
  state: string;
  since: string;
  reasons: string[];
  evidence: string[];
  waiting_on: string[];
  snoozed_until: string | null;
  state_at: string | null;
}

for (const kind of TEST_DATABASE_KINDS) {
  describe(`the one-flag-per-kind migration [${kind}]`, () => {
    it("merges the open duplicates of a task and kind into one flag, keeping what people still see", async () => {
      const database = await openEmpty(kind);
      try {
        await migrateDatabase(database, before);
        const { db } = database;
        await db.execute(sql`insert into flags
          (id, task_key, kind, fingerprint, since, reason, evidence, waiting_on, state, snoozed_until, state_at,
           last_evidence_at) values
          ('f_label_a', 'WEB-1', 'blocked_external', 'label:blocked', '2025-03-10T09:00:00Z', 'Labelled blocked.',
           '{}', '{}', 'open', null, null, '2025-03-10T09:00:00Z'),
          ('f_label_b', 'WEB-1', 'blocked_external', 'label:waitingforclient', '2025-03-09T09:00:00Z',
           'Labelled waiting-for-client.', '{}', '{}', 'dismissed', null, '2025-03-11T09:00:00Z',
           '2025-03-09T09:00:00Z'),
          ('f_wait', 'WEB-1', 'blocked_external', 'wait:access', '2025-03-11T09:00:00Z', 'Waiting on access.',
           '{jira:c1}', '{p_anna}', 'snoozed', '2099-01-01T00:00:00Z', '2025-03-11T10:00:00Z',
           '2025-03-11T09:00:00Z'),
          ('f_q1', 'WEB-2', 'unanswered_question', 'gmail:q1', '2025-03-05T09:00:00Z', 'Question one.',
           '{gmail:q1}', '{}', 'dismissed', null, '2025-03-06T09:00:00Z', '2025-03-05T09:00:00Z'),
          ('f_q2', 'WEB-2', 'unanswered_question', 'gmail:q2', '2025-03-06T09:00:00Z', 'Question two.',
           '{gmail:q2}', '{}', 'dismissed', null, '2025-03-08T09:00:00Z', '2025-03-06T09:00:00Z'),
          ('f_q0', 'WEB-2', 'unanswered_question', 'gmail:q0', '2025-03-01T09:00:00Z', 'Answered long ago.',
           '{gmail:q0}', '{}', 'resolved', null, null, '2025-03-01T09:00:00Z'),
          (${toFlagId("WEB-3", "stale")}, 'WEB-3', 'stale', '', '2025-03-01T09:00:00Z', 'No activity.',
           '{}', '{}', 'open', null, null, '2025-03-01T09:00:00Z')`);
        await db.execute(sql`insert into inbox_person_states (person_id, task_key, flag_id, state, until, reason, at)
          values ('p_ben', 'WEB-2', 'f_q1', 'dismissed', null, 'asked in person', '2025-03-06T09:00:00Z'),
                 ('p_ben', 'WEB-2', 'f_q2', 'dismissed', null, 'also', '2025-03-08T09:00:00Z'),
                 ('p_cleo', 'WEB-2', 'f_q2', 'dismissed', null, 'only one', '2025-03-08T09:00:00Z'),
                 ('p_ben', 'WEB-1', 'f_label_a', 'snoozed', '2099-01-01T00:00:00Z', null, '2025-03-10T10:00:00Z'),
                 ('p_ben', 'WEB-3', '', 'muted', null, null, '2025-03-10T10:00:00Z')`);
        await db.execute(sql`insert into inbox_state_history (task_key, flag_id, action, scope, by)
          values ('WEB-1', 'f_label_b', 'dismiss', 'team', 'anna@acme.dev')`);

        await migrateDatabase(database);

        const flags = await queryRows<Row>(
          db,
          sql`select id, task_key, kind, state, since::text as since, reasons, evidence, waiting_on,
                     snoozed_until::text as snoozed_until, state_at::text as state_at
              from flags order by task_key, kind, state`,
        );
        const blocked = toFlagId("WEB-1", "blocked_external");
        const question = toFlagId("WEB-2", "unanswered_question");
        expect(flags.map((f) => [f.id, f.task_key, f.kind, f.state])).toEqual([
          [blocked, "WEB-1", "blocked_external", "open"],
          [question, "WEB-2", "unanswered_question", "dismissed"],
          ["f_q0", "WEB-2", "unanswered_question", "resolved"],
          [toFlagId("WEB-3", "stale"), "WEB-3", "stale", "open"],
        ]);
        // Shown still (one part was open), since the earliest signal's, every reason, all the evidence.
        expect(flags[0]).toMatchObject({
          reasons: ["Labelled waiting-for-client.", "Labelled blocked.", "Waiting on access."],
          evidence: ["jira:c1"],
          waiting_on: ["p_anna"],
        });
        expect(new Date(flags[0]!.since).toISOString()).toBe("2025-03-09T09:00:00.000Z");
        // Both dismissed: dismissed as of the later dismissal, so newer evidence than that brings it back.
        expect(new Date(flags[1]!.state_at!).toISOString()).toBe("2025-03-08T09:00:00.000Z");
        expect(flags[1]!.reasons).toEqual(["Question one.", "Question two."]);

        const mine = await queryRows<{
          person_id: string;
          flag_id: string;
          state: string;
          reason: string | null;
        }>(
          db,
          sql`select person_id, flag_id, state, reason from inbox_person_states order by person_id, task_key`,
        );
        // Ben had hidden both questions: the merged one stays hidden from him. Cleo had hidden one of two, and
        // Ben one of three blocked signals: those merged flags show to them again. A task's own state stays.
        expect(mine).toEqual([
          { person_id: "p_ben", flag_id: question, state: "dismissed", reason: "also" },
          { person_id: "p_ben", flag_id: "", state: "muted", reason: null },
        ]);
        const history = await queryRows<{ flag_id: string }>(
          db,
          sql`select flag_id from inbox_state_history`,
        );
        expect(history).toEqual([{ flag_id: blocked }]);

        // The store now refuses a second open flag of one task and kind.
        await expect(
          db.execute(sql`insert into flags (id, task_key, kind, since, reason)
            values ('f_other', 'WEB-3', 'stale', now(), 'again')`),
        ).rejects.toThrow();
      } finally {
        await database.close();
      }
    }, 60_000);
  });
}
