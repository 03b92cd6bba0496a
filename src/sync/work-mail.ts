/**
 * What of a person's own mailbox Threadline keeps: a message that names a task (or answers one that is
 * stored), or that a client or stakeholder (anyone outside the team's domains) wrote, received or was copied
 * on. Anything else is dropped before the page is saved: no row, no raw record, no identity.
 */
import type { MappedItem } from "../../connectors/types.ts";
import { inDomains } from "../model/person-role.ts";
import type { Linker } from "../store/item-links.ts";
import { toLinkable } from "../store/save-page.ts";

/** The addresses in a header value: `Name <a@b>`, `a@b`, or a list of them. */
export function toAddresses(value: unknown): string[] {
  const parts = Array.isArray(value) ? value : [value];
  const out: string[] = [];
  for (const part of parts) {
    if (typeof part !== "string") continue;
    for (const m of part.matchAll(/[^\s<>,;"']+@[^\s<>,;"']+/g)) out.push(m[0].toLowerCase());
  }
  return out;
}

/**
 * Whether an email involves someone outside the team. Without team domains nobody can be told apart, so
 * nobody counts as outside: only mail about a task is kept then.
 */
export function involvesOutsider(item: MappedItem, teamDomains: readonly string[]): boolean {
  if (teamDomains.length === 0) return false;
  const addresses = [
    ...toAddresses(item.meta.from),
    ...toAddresses(item.meta.to),
    ...toAddresses(item.meta.cc),
  ];
  return addresses.some((a) => !inDomains(a, teamDomains));
}

/**
 * Whether an email is work Threadline keeps, judged on its own: it names a task, or involves an outsider.
 * (A reply that names nothing is kept too when its thread or parent is stored: the caller knows that.)
 */
export function isWorkMail(item: MappedItem, linker: Linker, teamDomains: readonly string[]): boolean {
  return linker.direct(toLinkable("gmail", item)).length > 0 || involvesOutsider(item, teamDomains);
}
