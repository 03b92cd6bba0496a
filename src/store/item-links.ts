import { sql } from "drizzle-orm";
import type { ItemKind, LinkRule, SourceId } from "../model/kinds.ts";
import type { Db } from "./db.ts";
import { pageRows } from "./page-rows.ts";
import { arrayParam } from "./sql-arrays.ts";

/** A task an item belongs to and the rule that decided it. */
export interface LinkDecision {
  taskKey: string;
  rule: LinkRule;
}

/** What the linker reads of an item (the pure linking module's candidate). */
export interface LinkableItem {
  source: SourceId;
  kind: ItemKind;
  text: string;
  title?: string;
  url?: string;
  branch?: string;
  repo?: string;
  parentTaskKey?: string;
  ownTaskKey?: string;
}

/** The pure linking rules, with the settings they need already applied. */
export interface Linker {
  /** The links an item's own content gives (keys, URLs, branch, its source parent). */
  direct(item: LinkableItem): LinkDecision[];
  /** Its direct links, else those it inherits from its thread (`threadLinks`: the thread's direct links). */
  resolve(item: LinkableItem, threadLinks: LinkDecision[]): LinkDecision[];
}

/** A saved item as the link step sees it. */
export interface LinkTarget {
  id: string;
  candidate: LinkableItem;
  threadId: string | null;
  messageId: string | null;
  /** Message-IDs this email answers (In-Reply-To and References). */
  parents: string[];
}

/** What the link step will write: rows to delete and to insert (or re-rule), and the tasks concerned. */
export interface LinkPlan {
  toDelete: Array<{ item_id: string; task_key: string }>;
  toUpsert: Array<{ item_id: string; task_key: string; rule: LinkRule }>;
  /** Tasks whose set of items changes. */
  taskKeys: Set<string>;
}

export interface LinkWriteResult {
  added: number;
  removed: number;
  /** Tasks whose set of items changed. */
  taskKeys: Set<string>;
}

const INHERITED: ReadonlySet<string> = new Set<LinkRule>(["thread", "email_thread"]);

interface Member {
  id: string;
  kind: ItemKind;
  threadId: string | null;
  messageId: string | null;
  parents: string[];
}

interface LinkRow {
  item_id: string;
  task_key: string;
  rule: LinkRule;
  manual: boolean;
  removed: boolean;
}

const json = (value: unknown) => JSON.stringify(value);

async function loadMembers(db: Db, where: ReturnType<typeof sql>): Promise<Member[]> {
  const rows = await pageRows<{
    id: string;
    kind: ItemKind;
    thread_id: string | null;
    message_id: string | null;
    parents: string[] | null;
  }>(
    db,
    sql`select i.id, i.kind, i.thread_id, i.meta->>'messageId' as message_id,
               array(select jsonb_array_elements_text(case jsonb_typeof(i.meta->'references')
                       when 'array' then i.meta->'references' else '[]'::jsonb end)
                     union select i.meta->>'inReplyTo' where i.meta ? 'inReplyTo') as parents
        from items i where ${where}`,
  );
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    threadId: r.thread_id,
    messageId: r.message_id,
    parents: (r.parents ?? []).filter(Boolean),
  }));
}

/**
 * Writes the links of the items just saved, and re-links the thread members they affect: a thread's keyless
 * replies inherit its direct links (`thread`, or `email_thread` for email), also when the root that names the
 * task arrives after them, and lose them when it stops naming it.
 *
 * The inheritance group of an item: the items of its (source, thread id), symmetric; for email also the
 * messages its In-Reply-To/References name (its ancestors, one way). Rows a person made (`manual = true`,
 * including removals) are never touched, and a manual removal keeps an automatic link of that task away.
 */
export async function saveItemLinks(
  db: Db,
  source: SourceId,
  saved: readonly LinkTarget[],
  linker: Linker,
  now: Date,
  /** Items this transaction created: they have no link rows yet, so none are read for them. */
  created: ReadonlySet<string> = new Set(),
): Promise<LinkWriteResult> {
  const plan = await planItemLinks(db, source, saved, linker, created);
  return { ...(await writeLinkPlan(db, plan, now)), taskKeys: plan.taskKeys };
}

/** The reading and deciding half of `saveItemLinks`. */
export async function planItemLinks(
  db: Db,
  source: SourceId,
  saved: readonly LinkTarget[],
  linker: Linker,
  created: ReadonlySet<string> = new Set(),
): Promise<LinkPlan> {
  const result: LinkPlan = { toDelete: [], toUpsert: [], taskKeys: new Set() };
  if (saved.length === 0) return result;
  const page = new Map(saved.map((t) => [t.id, t]));
  const members = new Map<string, Member>();
  for (const t of saved) {
    members.set(t.id, {
      id: t.id,
      kind: t.candidate.kind,
      threadId: t.threadId,
      messageId: t.messageId,
      parents: t.parents,
    });
  }

  // Who else the page affects: its threads' members, and replies that name a page message as an ancestor.
  const threads = [...new Set(saved.map((t) => t.threadId).filter((t): t is string => t !== null))];
  const addMembers = (list: Member[]) => {
    for (const m of list) if (!members.has(m.id)) members.set(m.id, m);
  };
  if (threads.length > 0) {
    addMembers(
      await loadMembers(
        db,
        sql`i.source = ${source} and i.thread_id in (select jsonb_array_elements_text(${json(threads)}::jsonb))`,
      ),
    );
  }
  const messageIds = [...new Set(saved.map((t) => t.messageId).filter((m): m is string => m !== null))];
  if (messageIds.length > 0) {
    const replies = await loadMembers(
      db,
      sql`i.source = ${source} and i.meta ? 'references'
          and (i.meta->'references') ?| array(select jsonb_array_elements_text(${json(messageIds)}::jsonb))`,
    );
    addMembers(replies);
    // Their threads too: the replies' own inheritance groups must be whole to recompute them.
    const more = [...new Set(replies.map((r) => r.threadId).filter((t): t is string => t !== null))].filter(
      (t) => !threads.includes(t),
    );
    if (more.length > 0) {
      addMembers(
        await loadMembers(
          db,
          sql`i.source = ${source} and i.thread_id in (select jsonb_array_elements_text(${json(more)}::jsonb))`,
        ),
      );
    }
  }
  // Targets: everything loaded so far except members of the replies' threads that are neither page items,
  // page-thread members nor replies (they only lend their links).
  const targets = new Set<string>();
  for (const m of members.values()) {
    if (page.has(m.id) || (m.threadId !== null && threads.includes(m.threadId))) targets.add(m.id);
    else if (m.parents.some((p) => messageIds.includes(p))) targets.add(m.id);
  }
  // The ancestors every target names.
  const ancestorIds = new Set<string>();
  for (const id of targets) for (const p of members.get(id)!.parents) ancestorIds.add(p);
  const knownByMessage = new Map<string, string[]>();
  const indexMessages = () => {
    knownByMessage.clear();
    for (const m of members.values()) {
      if (m.messageId === null) continue;
      const list = knownByMessage.get(m.messageId) ?? [];
      list.push(m.id);
      knownByMessage.set(m.messageId, list);
    }
  };
  indexMessages();
  const missing = [...ancestorIds].filter((id) => !knownByMessage.has(id));
  if (missing.length > 0) {
    addMembers(
      await loadMembers(
        db,
        sql`i.source = ${source} and i.meta ? 'messageId'
            and i.meta->>'messageId' in (select jsonb_array_elements_text(${json(missing)}::jsonb))`,
      ),
    );
    indexMessages();
  }

  // Every link row of every member.
  const withRows = [...members.keys()].filter((id) => !created.has(id));
  const rows =
    withRows.length === 0
      ? []
      : await pageRows<LinkRow>(
          db,
          sql`select item_id, task_key, rule, manual, removed from item_links
              where item_id in (select jsonb_array_elements_text(${json(withRows)}::jsonb))`,
        );
  const linksOf = new Map<string, LinkRow[]>();
  for (const row of rows) {
    const list = linksOf.get(row.item_id) ?? [];
    list.push(row);
    linksOf.set(row.item_id, list);
  }

  // The links each member lends its group: its direct links (fresh for page items) and its manual ones.
  const direct = new Map<string, LinkDecision[]>();
  for (const m of members.values()) {
    const own = page.get(m.id);
    direct.set(
      m.id,
      own
        ? linker.direct(own.candidate)
        : (linksOf.get(m.id) ?? [])
            .filter((l) => !l.manual && !INHERITED.has(l.rule))
            .map((l) => ({ taskKey: l.task_key, rule: l.rule })),
    );
  }
  // A link a person removed from an item is not lent to its thread either.
  const lends = (id: string): LinkDecision[] => {
    const own = linksOf.get(id) ?? [];
    const removed = new Set(own.filter((l) => l.manual && l.removed).map((l) => l.task_key));
    return [
      ...direct.get(id)!.filter((l) => !removed.has(l.taskKey)),
      ...own.filter((l) => l.manual && !l.removed).map((l) => ({ taskKey: l.task_key, rule: l.rule })),
    ];
  };
  const byThread = new Map<string, string[]>();
  for (const m of members.values()) {
    if (m.threadId === null) continue;
    const list = byThread.get(m.threadId) ?? [];
    list.push(m.id);
    byThread.set(m.threadId, list);
  }

  const { toDelete, toUpsert } = result;
  for (const id of [...targets].sort()) {
    const m = members.get(id)!;
    const own = page.get(id);
    if (!own && direct.get(id)!.length > 0) continue; // its direct links decide, and they did not change
    const group = new Set<string>();
    if (m.threadId !== null) for (const other of byThread.get(m.threadId) ?? []) group.add(other);
    for (const p of m.parents) for (const other of knownByMessage.get(p) ?? []) group.add(other);
    group.delete(id);
    const threadLinks = new Map<string, LinkDecision>();
    for (const other of [...group].sort()) {
      for (const link of lends(other))
        if (!threadLinks.has(link.taskKey)) threadLinks.set(link.taskKey, link);
    }
    const candidate: LinkableItem = own?.candidate ?? { source, kind: m.kind, text: "" };
    const wanted = new Map<string, LinkRule>();
    for (const link of linker.resolve(candidate, [...threadLinks.values()])) {
      if (!wanted.has(link.taskKey)) wanted.set(link.taskKey, link.rule);
    }
    const have = linksOf.get(id) ?? [];
    const manual = new Set(have.filter((l) => l.manual).map((l) => l.task_key));
    for (const l of have) {
      if (!l.manual && !wanted.has(l.task_key)) {
        toDelete.push({ item_id: id, task_key: l.task_key });
        result.taskKeys.add(l.task_key);
      }
    }
    for (const [taskKey, rule] of wanted) {
      if (manual.has(taskKey)) continue;
      const current = have.find((l) => l.task_key === taskKey);
      if (current && current.rule === rule) continue;
      toUpsert.push({ item_id: id, task_key: taskKey, rule });
      if (!current) result.taskKeys.add(taskKey);
    }
  }

  return result;
}

/** The writing half of `saveItemLinks`: the deletions and insertions, sent together. */
export async function writeLinkPlan(
  db: Db,
  plan: LinkPlan,
  now: Date,
): Promise<{ added: number; removed: number }> {
  const [deleted, written] = await Promise.all([
    plan.toDelete.length === 0
      ? []
      : pageRows<{ item_id: string }>(
          db,
          sql`delete from item_links l
              using unnest(${arrayParam(plan.toDelete.map((d) => d.item_id))}::text[],
                           ${arrayParam(plan.toDelete.map((d) => d.task_key))}::text[]) as d(item_id, task_key)
              where l.item_id = d.item_id and l.task_key = d.task_key and not l.manual
              returning l.item_id`,
        ),
    plan.toUpsert.length === 0
      ? []
      : pageRows<{ inserted: boolean }>(
          db,
          sql`insert into item_links as l (item_id, task_key, rule, manual, removed, created_at)
              select x.item_id, x.task_key, x.rule, false, false, ${now.toISOString()}::timestamptz
              from unnest(${arrayParam(plan.toUpsert.map((u) => u.item_id))}::text[],
                          ${arrayParam(plan.toUpsert.map((u) => u.task_key))}::text[],
                          ${arrayParam(plan.toUpsert.map((u) => u.rule))}::text[]) as x(item_id, task_key, rule)
              order by x.item_id, x.task_key
              on conflict (item_id, task_key) do update set rule = excluded.rule
              where not l.manual and l.rule <> excluded.rule
              returning (xmax = 0) as inserted`,
        ),
  ]);
  return { added: written.filter((w) => w.inserted).length, removed: deleted.length };
}
