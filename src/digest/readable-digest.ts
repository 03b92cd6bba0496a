import { HIDDEN_EVIDENCE_REASON, isReadableBy } from "../model/audience.ts";
import { labelOf } from "../model/source-about.ts";
import type { Digest, DigestEntry, DigestInput, DigestOptions, SummaryFlag } from "./digest-model.ts";

/**
 * A digest as its recipient may read it (pure): an admin's as it is; anyone else's without a word of an item
 * their sources do not show them. A flag raised by such an item stays (the task is stuck either way) with a
 * neutral reason, and its link goes to an item they may read, else to the task.
 */
export function toReadableDigest(digest: Digest, input: DigestInput, options: DigestOptions): Digest {
  const email = digest.recipient.email.toLowerCase();
  if (options.admins.includes(email)) return digest;
  const keys = new Set(input.readers.get(email) ?? [email]);
  const isHidden = (id: string) => !isReadableBy(input.audiences.get(id) ?? null, keys);

  const entry = (e: DigestEntry): DigestEntry => {
    if (!e.evidence.some((x) => isHidden(x.id))) return e;
    const evidence = e.evidence.filter((x) => !isHidden(x.id));
    const link = evidence.find((x) => x.url);
    const task = input.tasks.get(e.taskKey);
    const linkSource = link ? link.id.slice(0, link.id.indexOf(":")) || e.source : e.source;
    return {
      ...e,
      reason: HIDDEN_EVIDENCE_REASON,
      evidence,
      sourceUrl: link?.url ?? task?.url ?? e.sourceUrl,
      linkSource,
      linkSourceLabel: labelOf(options.sources, linkSource),
    };
  };
  const resolvedEvidence = new Map(input.resolved.map((r) => [r.id, r.evidence]));
  const resolved = (f: SummaryFlag): SummaryFlag =>
    (resolvedEvidence.get(f.id) ?? []).some(isHidden) ? { ...f, reason: HIDDEN_EVIDENCE_REASON } : f;

  const lead = digest.lead;
  return {
    ...digest,
    owned: digest.owned.map((t) => ({ ...t, reasons: t.reasons.map(entry) })),
    waiting: digest.waiting.map((t) => ({ ...t, reasons: t.reasons.map(entry) })),
    lead: lead && {
      ...lead,
      entries: lead.entries.map(entry),
      unowned: lead.unowned.map(entry),
      changes: {
        ...lead.changes,
        added: lead.changes.added.map(entry),
        resolved: lead.changes.resolved.map(resolved),
      },
    },
  };
}
