import { z } from "zod";
import type { FlagSettings } from "../flags/flag-settings.ts";
import { FLAG_KINDS, type FlagKind } from "../model/kinds.ts";
import type { Db } from "../store/db.ts";
import { loadLastSentDigests } from "../store/digest-log.ts";
import {
  loadDigestFlags,
  loadDigestTasks,
  loadItemUrls,
  loadPeopleWithEmail,
  loadResolvedFlags,
} from "../store/digest-queries.ts";
import { loadTaskSnapshots } from "../store/load-task-snapshots.ts";
import { toPerson } from "../store/people-queries.ts";
import { toAskedPeople } from "./compose-asked.ts";
import type {
  DigestFlag,
  DigestInput,
  DigestPerson,
  DigestTask,
  PreviousDigest,
  ResolvedFlag,
} from "./digest-model.ts";

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
  const flagRows = await loadDigestFlags(db, now);
  const resolvedRows = await loadResolvedFlags(db, options.changesSince, now);

  const taskKeys = [...new Set(flagRows.map((f) => f.task_key))];
  const evidenceIds = [...new Set(flagRows.flatMap((f) => f.evidence ?? []))];
  const [taskRows, itemRows, peopleRows, previousRows] = await Promise.all([
    loadDigestTasks(db, taskKeys),
    loadItemUrls(db, evidenceIds),
    loadPeopleWithEmail(db),
    loadLastSentDigests(db, options.leads, options.day),
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
