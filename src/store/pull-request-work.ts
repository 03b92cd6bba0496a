import { type SQL, sql } from "drizzle-orm";
import type { Db } from "./db.ts";
import { queryRows } from "./rows.ts";

/**
 * Which pull requests are the work of which tasks. A pull request item linked to a task other than its own
 * pull request (by a key in its title or branch, a URL, `fixes #12`, a manual link) makes that pull request
 * part of the task: its reviews, review comments, comments and deployments are on the task's timeline too.
 * A task that is itself a pull request takes no other pull request's items (a "follow-up to #38" is no part
 * of #38), and deleted tasks take nothing.
 */

/** The kinds of a pull request's items that are on its task's timeline (the contract's "reviews, comments and deployments"). */
export const PULL_REQUEST_WORK_KINDS = ["review", "review_comment", "comment", "deployment"] as const;

/** The kinds of a task's items a pull request of it reads: what people said (a release confirmed, an answer). */
export const TASK_WORD_KINDS = ["comment", "email", "chat_message"] as const;

const prKeyOf = (item: string) => sql.raw(`((${item}.meta->>'repo') || '#' || (${item}.meta->>'number'))`);

/**
 * `(task_key, pr_key)` for every pull request linked to a task, where the task or the pull request is one of
 * `keys` (a `text[]` parameter): the pull request items on those timelines (a pull request's own item is on
 * its own timeline), then every task each of them is linked to.
 */
export function pullRequestEdges(keys: SQL): SQL {
  // Items are looked up by primary key per link (a lateral lookup with a limit), as the snapshot loader does:
  // a plain join lets the planner hash the whole items table for a few hundred links.
  return edgesOf(sql`select distinct i.id, ${prKeyOf("i")} as pr_key
      from item_links k
      cross join lateral (select i.id, i.meta from items i where i.id = k.item_id and i.deleted_at is null
                          and i.kind = 'pull_request' limit 1) i
      where k.task_key = any(${keys}) and not k.removed and i.meta ? 'repo' and i.meta ? 'number'`);
}

/**
 * The same edges, from the pull request items themselves (`ids`, a `text[]` parameter: those on the timelines of
 * the tasks at hand, which a caller that read those timelines already knows), without looking through every
 * link of the tasks for them.
 */
export function pullRequestEdgesOfItems(ids: SQL): SQL {
  return edgesOf(sql`select distinct i.id, ${prKeyOf("i")} as pr_key
      from items i
      where i.id = any(${ids}) and i.deleted_at is null and i.kind = 'pull_request'
        and i.meta ? 'repo' and i.meta ? 'number'`);
}

/**
 * `(task_key, pr_key)` for the pull request items `own` (`id`, `pr_key`): every task each is linked to. Whether
 * a task is itself a pull request is a probe of `items_pull_request_key_idx` (its own pull request item, still
 * linked to it).
 */
function edgesOf(own: SQL): SQL {
  return sql`select distinct l.task_key, own.pr_key
    from (${own}) own
    join item_links l on l.item_id = own.id and not l.removed and l.task_key <> own.pr_key
    where exists (select 1 from tasks p where p.key = own.pr_key and p.deleted_at is null)
      and exists (select 1 from tasks t where t.key = l.task_key and t.deleted_at is null)
      and not exists (
        select 1 from items x
        where x.kind = 'pull_request' and ${prKeyOf("x")} = l.task_key
          and exists (select 1 from item_links m where m.item_id = x.id and m.task_key = l.task_key and not m.removed))`;
}

/**
 * The tasks whose flags change when one of `keys` does: the pull requests of a task (they read its words) and
 * the tasks of a pull request (they read its work). Another task of the same pull request reads neither, so it
 * is left out.
 */
export async function loadPullRequestNeighbours(db: Db, keys: readonly string[]): Promise<string[]> {
  if (keys.length === 0) return [];
  const rows = await queryRows<{ task_key: string; pr_key: string }>(
    db,
    pullRequestEdges(sql`${sql.param([...keys])}::text[]`),
  );
  const given = new Set(keys);
  const out = new Set<string>();
  for (const r of rows) {
    if (given.has(r.task_key)) out.add(r.pr_key);
    if (given.has(r.pr_key)) out.add(r.task_key);
  }
  for (const k of keys) out.delete(k);
  return [...out];
}

/** The pull requests of one task and the tasks of one pull request, for the timeline and the inbox. */
export async function loadPullRequestLinks(
  db: Db,
  keys: readonly string[],
): Promise<Array<{ taskKey: string; prKey: string }>> {
  if (keys.length === 0) return [];
  const rows = await queryRows<{ task_key: string; pr_key: string }>(
    db,
    pullRequestEdges(sql`${sql.param([...keys])}::text[]`),
  );
  return rows.map((r) => ({ taskKey: r.task_key, prKey: r.pr_key }));
}
