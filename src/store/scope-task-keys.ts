import { sql } from "drizzle-orm";
import type { SourceId } from "../model/kinds.ts";
import type { Db } from "./db.ts";
import { queryRows } from "./rows.ts";

/**
 * The tasks a scope's pages can have changed: its own, and those its items are linked to. A job that comes
 * back after its worker died may have saved pages whose flags were never evaluated; its second run finds
 * them unchanged, so it evaluates these instead.
 */
export async function scopeTaskKeys(db: Db, source: SourceId, scope: string): Promise<string[]> {
  const rows = await queryRows<{ key: string }>(
    db,
    sql`with s as (select id from source_scopes where source = ${source} and scope = ${scope})
        select t.key from tasks t where t.scope_id in (select id from s)
        union
        select l.task_key from item_links l join items i on i.id = l.item_id
        where i.scope_id in (select id from s) and not l.removed
        order by 1`,
  );
  return rows.map((r) => r.key);
}
