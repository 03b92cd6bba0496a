import { sql } from "drizzle-orm";
import { z } from "zod";
import type { FlagSettings } from "../model/flag-settings.ts";
import { FLAG_KINDS, type FlagKind, type SourceId } from "../model/kinds.ts";
import type { Db } from "../store/db.ts";
import { isFlagVisible } from "../store/flag-queries.ts";
import { loadTaskSnapshots } from "../store/load-task-snapshots.ts";
import { survivorOf, toPerson } from "../store/people-queries.ts";
import { queryRows } from "../store/rows.ts";
import { toAskedPeople } from "./compose-asked.ts";
import type {
  DigestFlag,
  DigestInput,
  DigestPerson,
  DigestTask,
  PreviousDigest,
  ResolvedFlag,
} from "./digest-model.ts";

/** Times travel as epoch milliseconds: both drivers read a float8 as a number, whatever the session zone. */
const ms = (column: string) => sql.raw(`(extract(epoch from ${column}) * 1000)::float8`);
const texts = (values: readonly string[]) => sql`${sql.param([...values])}::text[]`;

interface FlagRow {
  id: string;
  kind: FlagKind;
  fingerprint: string;
  task_key: string;
  since: number;
  reason: string;
  evidence: string[] | null;
  owner_id: string | null;
  owner_name: string | null;
  owner_email: string | null;
}

interface TaskRow {
  key: string;
  title: string;
  status: string;
  source: SourceId;
  url: string;
  a_id: string | null;
  a_name: string | null;
  a_email: string | null;
}

const SummaryFlagSchema = z.object({
  id: z.string(),
  kind: z.enum(FLAG_KINDS),
  taskKey: z.string(),
  title: z.string(),
  reason: z.string(),
});
const StoredSummarySchema = z.object({ flags: z.array(SummaryFlagSchema) });

/** Flags whose `asked` people come from their evidence or the pull request (see `toAskedPeople`). */
const asksSomeone = (f: { kind: FlagKind; fingerprint: string }) =>
  f.kind === "unanswered_question" ||
  (f.kind === "missing_approval" && (f.fingerprint.startsWith("request:") || f.fingerprint === "pr-review"));

/**
 * What the digests of a day are composed from: the flags that show as of `now` with their tasks, owners and
 * evidence links; the people those flags' evidence asks; the flags resolved since `changesSince`; the team's
 * people; and each lead's latest digest before `day` that was sent. A handful of queries, whatever the size.
 */
export async function loadDigestInput(
  db: Db,
  options: {
    now: Date;
    day: string;
    changesSince: Date;
    leads: readonly string[];
    settings: FlagSettings;
  },
): Promise<DigestInput> {
  const { now } = options;
  const flagRows = await queryRows<FlagRow>(
    db,
    sql`select f.id, f.kind, f.fingerprint, f.task_key, ${ms("f.since")} as since, f.reason, f.evidence,
               o.id as owner_id, o.name as owner_name, o.email as owner_email
        from flags f
        join tasks t on t.key = f.task_key and t.deleted_at is null
        left join lateral ${survivorOf(sql`f.owner_id`)} o on true
        where ${isFlagVisible("f", now)}
        order by f.since asc, f.id asc`,
  );
  const resolvedRows = await queryRows<{
    id: string;
    kind: FlagKind;
    task_key: string;
    title: string;
    reason: string;
    resolved_at: number;
  }>(
    db,
    sql`select f.id, f.kind, f.task_key, t.title, f.reason, ${ms("f.resolved_at")} as resolved_at
        from flags f join tasks t on t.key = f.task_key
        where f.state = 'resolved' and f.resolved_at >= ${options.changesSince.toISOString()}::timestamptz
          and f.resolved_at <= ${now.toISOString()}::timestamptz
        order by f.resolved_at, f.id`,
  );

  const taskKeys = [...new Set(flagRows.map((f) => f.task_key))];
  const evidenceIds = [...new Set(flagRows.flatMap((f) => f.evidence ?? []))];
  const [taskRows, itemRows, peopleRows, previousRows] = await Promise.all([
    taskKeys.length === 0
      ? []
      : queryRows<TaskRow>(
          db,
          sql`select t.key, t.title, t.status, t.source, t.url, a.id as a_id, a.name as a_name, a.email as a_email
              from tasks t left join lateral ${survivorOf(sql`t.assignee_id`)} a on true
              where t.key = any(${texts(taskKeys)})`,
        ),
    evidenceIds.length === 0
      ? []
      : queryRows<{ id: string; url: string | null }>(
          db,
          sql`select id, url from items where id = any(${texts(evidenceIds)}) and deleted_at is null`,
        ),
    queryRows<{ id: string; name: string; email: string }>(
      db,
      sql`select id, name, email from people where merged_into is null and email is not null and not is_bot order by id`,
    ),
    options.leads.length === 0
      ? []
      : queryRows<{ recipient: string; day: string; summary: unknown }>(
          db,
          sql`select distinct on (recipient) recipient, day, summary from digests
              where recipient = any(${texts(options.leads)}) and day < ${options.day} and status = 'sent'
              order by recipient, day desc`,
        ),
  ]);

  const tasks = new Map<string, DigestTask>(
    taskRows.map((t) => [
      t.key,
      {
        key: t.key,
        title: t.title,
        status: t.status,
        source: t.source,
        url: t.url,
        assignee: toPerson(t.a_id, t.a_name, t.a_email),
      },
    ]),
  );
  const urls = new Map(itemRows.map((i) => [i.id, i.url]));
  const asking = flagRows.filter((f) => asksSomeone(f));
  const snapshots = new Map(
    (await loadTaskSnapshots(db, [...new Set(asking.map((f) => f.task_key))], options.settings)).map((s) => [
      s.key,
      s,
    ]),
  );
  const flags: DigestFlag[] = flagRows.map((r) => {
    const flag = {
      id: r.id,
      kind: r.kind,
      fingerprint: r.fingerprint,
      taskKey: r.task_key,
      since: new Date(r.since),
      reason: r.reason,
      owner: toPerson(r.owner_id, r.owner_name, r.owner_email),
      evidence: (r.evidence ?? []).map((id) => ({ id, url: urls.get(id) ?? null })),
      asked: [] as DigestPerson[],
    };
    const snapshot = snapshots.get(r.task_key);
    if (snapshot && asksSomeone(r)) flag.asked = toAskedPeople(flag, snapshot);
    return flag;
  });

  const previous = new Map<string, PreviousDigest>();
  for (const row of previousRows) {
    const parsed = StoredSummarySchema.safeParse(row.summary);
    if (parsed.success) previous.set(row.recipient.toLowerCase(), { day: row.day, flags: parsed.data.flags });
  }
  const resolved: ResolvedFlag[] = resolvedRows.map((r) => ({
    id: r.id,
    kind: r.kind,
    taskKey: r.task_key,
    title: r.title,
    reason: r.reason,
    resolvedAt: new Date(r.resolved_at),
  }));
  return { flags, tasks, resolved, people: peopleRows, previous };
}
