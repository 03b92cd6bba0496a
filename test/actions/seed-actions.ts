import { sql } from "drizzle-orm";
import type { Db } from "../../src/store/db.ts";
import { insertPeople, insertTask } from "../flags/seed.ts";

/** A Jira task a client wrote about by email, flagged feedback_off_board; and one with nobody assigned. */
export async function seedActionTask(db: Db): Promise<void> {
  await insertPeople(db, [
    {
      id: "p-ann",
      name: "Ann Lee",
      email: "ann@acme.dev",
      identities: [{ source: "jira", externalId: "acc-ann", email: "ann@acme.dev" }],
    },
    {
      id: "p-dana",
      name: "Dana Ruiz",
      email: "dana@client.io",
      identities: [{ source: "gmail", externalId: "dana@client.io", email: "dana@client.io" }],
    },
  ]);
  await insertTask(db, {
    key: "ACME-12",
    title: "Export invoices to CSV",
    assigneeId: "p-ann",
    createdAt: "2025-03-01T09:00:00Z",
  });
  await db.execute(sql`
    insert into items (id, source, external_id, kind, author_id, at, text, url, thread_id, meta)
    values ('gmail:m1', 'gmail', 'm1', 'email', 'p-dana', '2025-03-03T16:30:00Z', 'The export button is missing.\nCould you add it back?',
            'https://mail.google.com/mail/#all/m1', 't1', '{"subject":"Invoices export"}'::jsonb)`);
  await db.execute(
    sql`insert into item_links (item_id, task_key, rule) values ('gmail:m1', 'ACME-12', 'jira_key')`,
  );
  await db.execute(sql`
    insert into flags (id, task_key, kind, since, reason, evidence, owner_id)
    values ('f-record', 'ACME-12', 'feedback_off_board', '2025-03-03T16:30:00Z', 'Dana wrote by email.', '{gmail:m1}', 'p-ann')`);
}
