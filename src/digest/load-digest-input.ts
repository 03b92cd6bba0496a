import { z } from "zod";
import { FLAG_KINDS } from "../model/kinds.ts";
import type { Db } from "../store/db.ts";
import { loadLastSentDigests } from "../store/digest-log.ts";
import {
  loadDigestFlags,
  loadDigestTasks,
  loadItemUrls,
  loadPeopleWithEmail,
  loadResolvedFlags,
  toAddressBook,
} from "../store/digest-queries.ts";
import { loadItemAudiences, loadReadersByAddress } from "../store/item-audience.ts";
import { toPeople, toPerson } from "../store/people-queries.ts";
import type {
  DigestFlag,
  DigestInput,
  DigestPerson,
  DigestTask,
  PreviousDigest,
  ResolvedFlag,
} from "./digest-model.ts";

/** A person with the addresses their identities vouch for, so the digest can find their team address. */
function withAddresses(person: DigestPerson | null, book: Map<string, string[]>): DigestPerson | null {
  if (!person) return null;
  const addresses = book.get(person.id);
  return addresses && addresses.length > 0 ? { ...person, addresses } : person;
}

const SummaryFlagSchema = z.object({
  id: z.string(),
  kind: z.enum(FLAG_KINDS),
  taskKey: z.string(),
  title: z.string(),
  reason: z.string(),
});
const StoredSummarySchema = z.object({ flags: z.array(SummaryFlagSchema) });

/**
 * What the digests of a day are composed from: the flags that show as of `now` with their tasks, owners, the
 * people they wait on and evidence links; the flags resolved since `changesSince`; the team's people; and each
 * lead's latest digest before `day` that was sent. A handful of queries, whatever the size.
 */
export async function loadDigestInput(
  db: Db,
  options: {
    now: Date;
    day: string;
    changesSince: Date;
    leads: readonly string[];
  },
): Promise<DigestInput> {
  const { now } = options;
  const flagRows = await loadDigestFlags(db, now);
  const resolvedRows = await loadResolvedFlags(db, options.changesSince, now);

  const taskKeys = [...new Set(flagRows.map((f) => f.task_key))];
  const evidenceIds = [...new Set(flagRows.flatMap((f) => f.evidence ?? []))];
  const resolvedEvidence = resolvedRows.flatMap((r) => r.evidence ?? []);
  const [taskRows, itemRows, peopleRows, previousRows, audiences, readers] = await Promise.all([
    loadDigestTasks(db, taskKeys),
    loadItemUrls(db, evidenceIds),
    loadPeopleWithEmail(db),
    loadLastSentDigests(db, options.leads, options.day),
    loadItemAudiences(db, [...evidenceIds, ...resolvedEvidence]),
    loadReadersByAddress(db),
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
        assignee: withAddresses(toPerson(t.a_id, t.a_name, t.a_email), toAddressBook(t.addresses)),
      },
    ]),
  );
  const urls = new Map(itemRows.map((i) => [i.id, i.url]));
  const flags: DigestFlag[] = flagRows.map((r) => {
    const book = toAddressBook(r.addresses);
    return {
      id: r.id,
      kind: r.kind,
      fingerprint: r.fingerprint,
      taskKey: r.task_key,
      since: new Date(r.since),
      // One row per task and kind, saying every reason it was raised for.
      reason: r.reasons && r.reasons.length > 1 ? r.reasons.join(" ") : r.reason,
      owner: withAddresses(toPerson(r.owner_id, r.owner_name, r.owner_email), book),
      waitingOn: toPeople(r.waiting).map((p) => withAddresses(p, book)!),
      evidence: (r.evidence ?? []).map((id) => ({ id, url: urls.get(id) ?? null })),
    };
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
    evidence: r.evidence ?? [],
  }));
  return { flags, tasks, resolved, people: peopleRows, previous, audiences, readers };
}
