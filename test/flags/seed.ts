import { sql } from "drizzle-orm";
import type { Db } from "../../src/store/db.ts";

/** Minimal rows for the flag tests, written the way the sync engine stores them. */

export interface PersonSeed {
  id: string;
  name: string;
  email?: string | null;
  isBot?: boolean;
  mergedInto?: string;
  identities?: Array<{
    source: string;
    externalId: string;
    email?: string | null;
    isGuest?: boolean;
    isBot?: boolean;
  }>;
}

export async function insertPeople(db: Db, people: PersonSeed[]): Promise<void> {
  for (const p of people) {
    await db.execute(
      sql`insert into people (id, name, email, is_bot, merged_into) values (${p.id}, ${p.name}, ${p.email ?? null}, ${p.isBot ?? false}, ${p.mergedInto ?? null})`,
    );
    for (const i of p.identities ?? []) {
      await db.execute(
        sql`insert into identities (source, external_id, person_id, display_name, email, is_guest, is_bot)
            values (${i.source}, ${i.externalId}, ${p.id}, ${p.name}, ${i.email ?? null}, ${i.isGuest ?? false}, ${i.isBot ?? false})`,
      );
    }
  }
}

export interface TaskSeed {
  key: string;
  source?: string;
  title?: string;
  status?: string;
  statusCategory?: string;
  assigneeId?: string | null;
  reporterId?: string | null;
  labels?: string[];
  createdAt: string;
  updatedAt?: string;
  /** The API object; stored as the sync engine stores it, `{ type, data }`. */
  raw?: unknown;
  deletedAt?: string;
}

export async function insertTask(db: Db, t: TaskSeed): Promise<void> {
  const raw = t.raw === undefined ? null : JSON.stringify({ type: "issue", data: t.raw });
  await db.execute(sql`
    insert into tasks (key, source, external_id, title, status, status_category, url, assignee_id, reporter_id, labels,
                       created_at, updated_at, last_activity_at, raw, deleted_at)
    values (${t.key}, ${t.source ?? "jira"}, ${t.key}, ${t.title ?? "Export invoices"}, ${t.status ?? "In Progress"},
            ${t.statusCategory ?? "in_progress"}, ${`https://example.test/${t.key}`}, ${t.assigneeId ?? null},
            ${t.reporterId ?? null}, ${sql.param(t.labels ?? [])}::text[], ${t.createdAt}::timestamptz,
            ${t.updatedAt ?? t.createdAt}::timestamptz, ${t.updatedAt ?? t.createdAt}::timestamptz,
            ${raw}::jsonb, ${t.deletedAt ?? null}::timestamptz)`);
}

export interface ItemSeed {
  id: string;
  taskKey: string;
  source?: string;
  kind?: string;
  authorId?: string | null;
  at: string;
  text?: string;
  threadId?: string | null;
  meta?: unknown;
  deletedAt?: string;
  removedLink?: boolean;
}

export async function insertItem(db: Db, i: ItemSeed): Promise<void> {
  await db.execute(sql`
    insert into items (id, source, external_id, kind, author_id, at, text, thread_id, meta, deleted_at)
    values (${i.id}, ${i.source ?? "jira"}, ${i.id}, ${i.kind ?? "comment"}, ${i.authorId ?? null}, ${i.at}::timestamptz,
            ${i.text ?? ""}, ${i.threadId ?? null}, ${JSON.stringify(i.meta ?? {})}::jsonb, ${i.deletedAt ?? null}::timestamptz)`);
  await db.execute(
    sql`insert into item_links (item_id, task_key, rule, removed) values (${i.id}, ${i.taskKey}, 'jira_key', ${i.removedLink ?? false})`,
  );
}
