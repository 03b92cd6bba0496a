/**
 * Merging two people by hand: "these two accounts are one human". Everything that named the merged person
 * names the survivor afterwards, and the merged row stays, with `merged_into`, so old ids still resolve.
 *
 * The merge survives later syncs because the sync engine only inserts identities with a person and never
 * changes the person of an existing identity (`saveIdentities`); a new identity whose email or hashed id
 * leads to the merged person follows `merged_into` to the survivor. Tasks and items it writes take their
 * people from the identities, so they name the survivor too. If that ever changes, merges are undone.
 */
import { sql } from "drizzle-orm";
import type { Person } from "../model/api-schemas.ts";
import type { Db } from "./db.ts";
import { loadPerson } from "./people-queries.ts";
import { queryRows } from "./rows.ts";

export interface MergePeopleInput {
  /** The person merged away. */
  from: string;
  /** The person who survives. */
  into: string;
  now: Date;
}

export type MergePeopleResult =
  | {
      status: "merged";
      person: Person;
      /**
       * Tasks whose assignee, reporter, items' authors, flags' owners or the people their flags wait on changed:
       * their flags may change.
       */
      taskKeys: string[];
    }
  | { status: "not_found"; personId: string }
  | { status: "invalid"; message: string };

interface PersonRow {
  id: string;
  email: string | null;
  merged_into: string | null;
}

/**
 * Merges `from` into `into` in one transaction: re-points every identity, task assignee and reporter, item
 * author, flag owner and person a flag waits on, re-points people merged into `from` earlier (chains stay one step long), sets
 * `from.merged_into`, and gives the survivor `from`'s email when it has none. Both rows are locked first,
 * in id order, so two merges of the same people queue rather than deadlock.
 *
 * Merging again into the same survivor is allowed and changes nothing (or re-points what a concurrent sync
 * wrote meanwhile). Invalid: merging a person into itself, into a person merged away, or a person already
 * merged into someone else.
 */
export async function mergePeople(db: Db, input: MergePeopleInput): Promise<MergePeopleResult> {
  const { from, into } = input;
  if (from === into) return { status: "invalid", message: `Cannot merge person ${from} into itself.` };
  return db.transaction(async (txn) => {
    const tx = txn as unknown as Db;
    const rows = await queryRows<PersonRow>(
      tx,
      sql`select id, email, merged_into from people where id in (${from}, ${into}) order by id for update`,
    );
    const source = rows.find((r) => r.id === from);
    const target = rows.find((r) => r.id === into);
    if (!source) return { status: "not_found", personId: from };
    if (!target) return { status: "not_found", personId: into };
    if (target.merged_into !== null) {
      return {
        status: "invalid",
        message: `Person ${into} was merged into ${target.merged_into}; merge into that person instead.`,
      };
    }
    if (source.merged_into !== null && source.merged_into !== into) {
      return {
        status: "invalid",
        message: `Person ${from} was already merged into ${source.merged_into}.`,
      };
    }
    const now = sql`${input.now.toISOString()}::timestamptz`;
    const taskKeys = new Set<string>();
    const collect = (list: Array<{ task_key: string }>) => {
      for (const r of list) taskKeys.add(r.task_key);
    };

    await tx.execute(
      sql`update identities set person_id = ${into}, updated_at = ${now} where person_id = ${from}`,
    );
    collect(
      await queryRows(
        tx,
        sql`update tasks set
              assignee_id = case when assignee_id = ${from} then ${into} else assignee_id end,
              reporter_id = case when reporter_id = ${from} then ${into} else reporter_id end
            where assignee_id = ${from} or reporter_id = ${from}
            returning key as task_key`,
      ),
    );
    collect(
      await queryRows(
        tx,
        sql`with moved as (
              update items set author_id = ${into}, updated_at = ${now} where author_id = ${from} returning id
            )
            select distinct l.task_key from moved join item_links l on l.item_id = moved.id where not l.removed`,
      ),
    );
    collect(
      await queryRows(
        tx,
        sql`update flags set owner_id = ${into}, updated_at = ${now} where owner_id = ${from} returning task_key`,
      ),
    );
    // Whom a flag waits on: the survivor in the merged person's place, named once, where it first stood.
    collect(
      await queryRows(
        tx,
        sql`update flags set updated_at = ${now}, waiting_on = array(
              select w.person_id
              from unnest(array_replace(flags.waiting_on, ${from}::text, ${into}::text)) with ordinality as w(person_id, n)
              group by w.person_id order by min(w.n))
            where ${from}::text = any(waiting_on)
            returning task_key`,
      ),
    );
    await tx.execute(
      sql`update people set merged_into = ${into}, updated_at = ${now} where merged_into = ${from} or id = ${from}`,
    );
    // After `from` left the unique email index (it only covers people not merged away).
    if (source.email !== null && target.email === null) {
      await tx.execute(sql`update people set email = ${source.email} where id = ${into} and email is null`);
    }
    await tx.execute(sql`update people set updated_at = ${now} where id = ${into}`);

    const person = await loadPerson(tx, into);
    if (!person) throw new Error(`[threadline] [people] person ${into} vanished during a merge`);
    return { status: "merged", person, taskKeys: [...taskKeys].sort() };
  });
}
