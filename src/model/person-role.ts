import type { FlagSettings } from "../flags/flag-settings.ts";
import type { SourceId } from "./kinds.ts";
import type { SnapshotPerson } from "./task-snapshot.ts";

/** What the store knows of a person: the row in `people` and a summary of their identities. */
export interface PersonRecord {
  id: string;
  name: string;
  email: string | null;
  isBot: boolean;
  /** Every email address of the person's identities (and the person's own). */
  emails: string[];
  /** The sources the person has an identity in. */
  sources: SourceId[];
  /** A Slack or Teams identity that is a guest (a single- or multi-channel guest, a Slack Connect stranger). */
  isGuest: boolean;
  /** An identity the source marks as a bot or app. */
  identityIsBot?: boolean;
}

const domainOf = (email: string) => email.slice(email.lastIndexOf("@") + 1).toLowerCase();

/** Whether an address is in one of these domains or a subdomain of one (the team's, as everything judges it). */
export const inDomains = (email: string, domains: readonly string[]) => {
  const domain = domainOf(email);
  return domains.some((d) => domain === d || domain.endsWith(`.${d}`));
};

/** Compiled bot patterns, cached by the settings object they came from. */
const botPatternCache = new WeakMap<FlagSettings, RegExp[]>();

/** Whether a name or email matches the settings' bot patterns. */
export function isBotName(name: string, email: string | null, settings: FlagSettings): boolean {
  let patterns = botPatternCache.get(settings);
  if (!patterns) {
    patterns = settings.botPatterns.map((p) => new RegExp(p, "i"));
    botPatternCache.set(settings, patterns);
  }
  return patterns.some((re) => re.test(name.trim()) || (email !== null && re.test(email)));
}

/**
 * Who a person is to the team, decided in this order:
 * 1. a bot (marked so by the source, or matching `botPatterns`) is neither team nor client;
 * 2. an address in `team.members` is team, one in `team.outsiders` is not;
 * 3. a Slack or Teams guest is outside the team;
 * 4. with `THREADLINE_TEAM_DOMAINS` set, a known email address decides: one in those domains is team,
 *    otherwise the person is outside;
 * 5. otherwise (no email address known, or no team domains set) an account in one of `team.accountSources`
 *    (by default the sources whose connector says their accounts are the team's) is team;
 * 6. anyone else (an email correspondent only) is outside.
 */
export function toSnapshotPerson(person: PersonRecord, settings: FlagSettings): SnapshotPerson {
  const emails = [...new Set([person.email, ...person.emails].filter((e): e is string => !!e))].map((e) =>
    e.toLowerCase(),
  );
  const email = person.email ?? emails[0] ?? null;
  const isBot = person.isBot || person.identityIsBot === true || isBotName(person.name, email, settings);
  return {
    id: person.id,
    name: person.name,
    email,
    isBot,
    isTeam: !isBot && isTeamMember(person, emails, settings),
  };
}

function isTeamMember(person: PersonRecord, emails: string[], settings: FlagSettings): boolean {
  if (emails.some((e) => settings.team.members.includes(e))) return true;
  if (emails.some((e) => settings.team.outsiders.includes(e))) return false;
  if (person.isGuest) return false;
  if (settings.teamDomains.length > 0 && emails.length > 0) {
    return emails.some((e) => inDomains(e, settings.teamDomains));
  }
  const accountSources =
    settings.team.accountSources ?? settings.sources.filter((s) => s.teamAccounts).map((s) => s.id);
  return person.sources.some((s) => accountSources.includes(s));
}
