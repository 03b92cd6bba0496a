/**
 * What the action planner reads about one flag: the flag (in any state), its task, the task's own items with
 * where each was read from, and the people involved and on the team with their accounts, each judged team or
 * not as the rules judge them.
 */
import { sql } from "drizzle-orm";
import type { ItemMeta } from "../../connectors/types.ts";
import type { PlanItem, PlanPerson } from "../actions/plan-actions.ts";
import type { FlagSettings } from "../flags/flag-settings.ts";
import type { FlagKind, ItemKind, SourceId } from "../model/kinds.ts";
import { toSnapshotPerson } from "../model/person-role.ts";
import type { Db } from "./db.ts";
import { MAX_MERGE_DEPTH } from "./people-queries.ts";
import { queryRows } from "./rows.ts";

export interface ActionContext {
  flag: {
    id: string;
    kind: FlagKind;
    state: string;
    taskKey: string;
    evidence: string[];
    owner: PlanPerson | null;
    waitingOn: PlanPerson[];
  };
  task: { key: string; source: SourceId; title: string; url: string; assignee: PlanPerson | null } | null;
  items: PlanItem[];
  team: PlanPerson[];
}

/** Team members offered for an assignment at most (the people of a large organisation's source). */
const MAX_TEAM = 500;

interface PersonRow {
  asked: string;
  id: string;
  name: string;
  email: string | null;
  is_bot: boolean;
  identities: unknown;
}

interface IdentityJson {
  source: SourceId;
  externalId: string;
  handle: string | null;
  email: string | null;
  emails: string[] | null;
  isGuest: boolean;
  isBot: boolean;
}

const jsonOf = (value: unknown): unknown => (typeof value === "string" ? JSON.parse(value) : value);

/** Null when there is no such flag. */
export async function loadActionContext(
  db: Db,
  flagId: string,
  settings: FlagSettings,
): Promise<ActionContext | null> {
  const flags = await queryRows<{
    id: string;
    kind: FlagKind;
    state: string;
    task_key: string;
    evidence: string[] | null;
    owner_id: string | null;
    waiting_on: string[] | null;
  }>(
    db,
    sql`select id, kind, state, task_key, evidence, owner_id, waiting_on from flags where id = ${flagId}`,
  );
  const flag = flags[0];
  if (!flag) return null;
  const [tasks, items] = await Promise.all([
    queryRows<{ key: string; source: SourceId; title: string; url: string; assignee_id: string | null }>(
      db,
      sql`select key, source, title, url, assignee_id from tasks where key = ${flag.task_key} and deleted_at is null`,
    ),
    queryRows<{
      id: string;
      source: SourceId;
      external_id: string;
      kind: ItemKind;
      scope: string | null;
      thread_id: string | null;
      url: string | null;
      at: number;
      text: string;
      author_id: string | null;
      meta: unknown;
    }>(
      db,
      sql`select i.id, i.source, i.external_id, i.kind, s.scope, i.thread_id, i.url,
                 (extract(epoch from i.at) * 1000)::float8 as at, i.text, i.author_id, i.meta
          from item_links l
          join items i on i.id = l.item_id and i.deleted_at is null
          left join source_scopes s on s.id = i.scope_id
          where l.task_key = ${flag.task_key} and not l.removed
          order by i.at, i.id`,
    ),
  ]);
  const task = tasks[0] ?? null;
  const wanted = new Set<string>([...(flag.waiting_on ?? [])]);
  if (flag.owner_id) wanted.add(flag.owner_id);
  if (task?.assignee_id) wanted.add(task.assignee_id);
  for (const i of items) if (i.author_id) wanted.add(i.author_id);
  const [named, team] = await Promise.all([
    loadPeople(db, [...wanted], settings),
    task ? loadTeamIn(db, task.source, settings) : Promise.resolve([]),
  ]);
  const person = (id: string | null) => (id ? (named.get(id) ?? null) : null);
  const waitingOn = new Map<string, PlanPerson>();
  for (const id of flag.waiting_on ?? []) {
    const p = person(id);
    if (p) waitingOn.set(p.id, p);
  }
  return {
    flag: {
      id: flag.id,
      kind: flag.kind,
      state: flag.state,
      taskKey: flag.task_key,
      evidence: flag.evidence ?? [],
      owner: person(flag.owner_id),
      waitingOn: [...waitingOn.values()],
    },
    task: task
      ? {
          key: task.key,
          source: task.source,
          title: task.title,
          url: task.url,
          assignee: person(task.assignee_id),
        }
      : null,
    items: items.map((i) => ({
      id: i.id,
      source: i.source,
      externalId: i.external_id,
      kind: i.kind,
      scope: i.scope ?? "",
      threadId: i.thread_id,
      url: i.url,
      at: new Date(Number(i.at)),
      text: i.text ?? "",
      author: person(i.author_id),
      meta: (jsonOf(i.meta) ?? {}) as ItemMeta,
    })),
    team,
  };
}

const PERSON_COLUMNS = sql`p.id, p.name, p.email, p.is_bot,
  coalesce((select json_agg(json_build_object('source', i.source, 'externalId', i.external_id, 'handle', i.handle,
                                              'email', i.email, 'emails', i.emails, 'isGuest', i.is_guest,
                                              'isBot', i.is_bot) order by i.source, i.external_id)
            from identities i where i.person_id = p.id), '[]'::json) as identities`;

function toPlanPerson(row: PersonRow, settings: FlagSettings): PlanPerson {
  const identities = (jsonOf(row.identities) ?? []) as IdentityJson[];
  const judged = toSnapshotPerson(
    {
      id: row.id,
      name: row.name,
      email: row.email,
      isBot: row.is_bot,
      emails: identities.flatMap((i) => [i.email, ...(i.emails ?? [])].filter((e): e is string => !!e)),
      sources: [...new Set(identities.map((i) => i.source))],
      isGuest: identities.some((i) => i.isGuest),
      identityIsBot: identities.some((i) => i.isBot),
    },
    settings,
  );
  return {
    id: row.id,
    name: row.name,
    email: judged.email,
    isTeam: judged.isTeam,
    identities: identities.map((i) => ({ source: i.source, externalId: i.externalId, handle: i.handle })),
  };
}

/** The people these ids name, each as the survivor of any merge, by the id asked. */
async function loadPeople(db: Db, ids: string[], settings: FlagSettings): Promise<Map<string, PlanPerson>> {
  const out = new Map<string, PlanPerson>();
  if (ids.length === 0) return out;
  const rows = await queryRows<PersonRow>(
    db,
    sql`with recursive chain(asked, id, merged_into, depth) as (
          select p.id, p.id, p.merged_into, 0 from people p where p.id = any(${sql.param(ids)}::text[])
          union all
          select c.asked, p.id, p.merged_into, c.depth + 1 from chain c join people p on p.id = c.merged_into
          where c.depth < ${sql.raw(String(MAX_MERGE_DEPTH))}
        ), survivor as (
          select distinct on (asked) asked, id from chain order by asked, depth desc
        )
        select s.asked, ${PERSON_COLUMNS} from survivor s join people p on p.id = s.id`,
  );
  for (const row of rows) out.set(row.asked, toPlanPerson(row, settings));
  return out;
}

/** The team members with an account in a source, by name: whom a task there can be assigned to. */
async function loadTeamIn(db: Db, source: SourceId, settings: FlagSettings): Promise<PlanPerson[]> {
  const rows = await queryRows<PersonRow>(
    db,
    sql`select p.id as asked, ${PERSON_COLUMNS} from people p
        where p.merged_into is null and not p.is_bot
          and exists (select 1 from identities i where i.person_id = p.id and i.source = ${source} and not i.is_bot)
        order by p.name, p.id limit ${MAX_TEAM * 4}`,
  );
  return rows
    .map((r) => toPlanPerson(r, settings))
    .filter((p) => p.isTeam)
    .slice(0, MAX_TEAM);
}
