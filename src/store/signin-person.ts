import { sql } from "drizzle-orm";
import type { Person } from "../model/api-schemas.ts";
import type { Db } from "./db.ts";
import { toPersonId } from "./identity.ts";
import { loadPerson } from "./people-queries.ts";
import { queryRows } from "./rows.ts";

/**
 * The person who signs in with `email`: whoever already holds that address (as a person's email, or any
 * identity's, further addresses included), following merges to the survivor; else a new person holding it,
 * with the id an account with that address would start as, so a later sync of that address joins them
 * rather than making a second person. No source's identity is made up for them.
 */
export async function loadOrCreateSigninPerson(
  db: Db,
  input: { email: string; name: string | null; now: Date },
): Promise<Person> {
  const email = input.email.trim().toLowerCase();
  const rows = await queryRows<{ person_id: string }>(
    db,
    sql`select person_id from (
          select id as person_id, 0 as rank from people where lower(email) = ${email} and merged_into is null
          union all
          select person_id, 1 from identities where lower(email) = ${email}
          union all
          select person_id, 2 from identities where ${email} = any(emails)
        ) found order by rank, person_id limit 1`,
  );
  let personId = rows[0]?.person_id;
  if (!personId) {
    const id = toPersonId({ source: "people", externalId: email, email });
    const at = input.now.toISOString();
    // Nothing on conflict: someone who took the address meanwhile is read back below.
    await db.execute(sql`
      insert into people (id, name, email, created_at, updated_at)
      values (${id}, ${input.name ?? email}, ${email}, ${at}::timestamptz, ${at}::timestamptz)
      on conflict do nothing`);
    const holder = await queryRows<{ id: string }>(
      db,
      sql`select id from people where lower(email) = ${email} and merged_into is null`,
    );
    personId = holder[0]?.id ?? id;
  }
  const person = await loadPerson(db, personId);
  if (!person) throw new Error(`[threadline] the person ${personId} of ${email} could not be read back`);
  return person;
}
