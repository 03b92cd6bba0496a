import { z } from "zod";
import { ConfigError } from "../config.ts";

/** The file, in the working directory, whose `people` list this reads (the flag settings share it). */
const FILE = "threadline.config.json";

/**
 * One line of the people file: who a person is where no source says it. `email` names the person; the
 * accounts and further addresses listed are theirs, whatever the sources say.
 */
export interface PeopleFileEntry {
  email: string;
  /** A GitHub login (compared lower-cased) or numeric account id. */
  github?: string;
  slack?: string;
  jira?: string;
  teams?: string;
  emails?: string[];
}

const GITHUB = /^(?:\d+|[a-z\d](?:[a-z\d]|-(?=[a-z\d])){0,38})$/i;
// Slack user ids start with U (or W on Enterprise Grid).
const SLACK = /^[UW][A-Z0-9]{2,}$/;
// Microsoft Graph user ids are the account's Entra ID object id, a GUID.
const TEAMS = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const id = (what: string, pattern?: RegExp) => {
  const base = z.string(`must be ${what}`).trim().min(1, `must be ${what}`);
  return (pattern ? base.regex(pattern, `must be ${what}`) : base).optional();
};

const EntrySchema = z.strictObject(
  {
    email: z.email("must be an email address").trim().toLowerCase(),
    github: id("a GitHub login or numeric account id", GITHUB),
    slack: id("a Slack user id", SLACK),
    jira: id("a Jira account id"),
    teams: id("a Teams (Microsoft Entra ID) user id", TEAMS),
    emails: z
      .array(z.email("must hold email addresses").trim().toLowerCase(), "must be a list of email addresses")
      .optional(),
  },
  {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? `has unknown keys ${issue.keys.map((k) => `"${k}"`).join(", ")}: use email, github, slack, jira, teams, emails`
        : undefined,
  },
);

/** `[threadline] threadline.config.json: people[3] (dana@acme.io): "slack" must be a Slack user id`. */
const fail = (index: number, email: unknown, what: string): never => {
  const who = typeof email === "string" && email.trim() !== "" ? ` (${email.trim()})` : "";
  throw new ConfigError(`[threadline] ${FILE}: people[${index}]${who}: ${what}`);
};

/** The account keys an entry claims, as `source:value`: no two entries may claim one. */
function claims(entry: PeopleFileEntry): string[] {
  const keys = [`email:${entry.email}`, ...(entry.emails ?? []).map((e) => `email:${e}`)];
  if (entry.github) keys.push(`github:${entry.github.toLowerCase()}`);
  if (entry.slack) keys.push(`slack:${entry.slack}`);
  if (entry.jira) keys.push(`jira:${entry.jira}`);
  if (entry.teams) keys.push(`teams:${entry.teams.toLowerCase()}`);
  return keys;
}

/**
 * The `people` list of a parsed `threadline.config.json` (undefined: no file, or no list): `[]` when absent.
 * Throws a ConfigError (one line) naming the first malformed entry.
 */
export function parsePeopleFile(config: unknown): PeopleFileEntry[] {
  const list = config && typeof config === "object" && "people" in config ? config.people : undefined;
  if (list === undefined) return [];
  if (!Array.isArray(list)) {
    throw new ConfigError(
      `[threadline] ${FILE}: "people" must be a list of {email, github?, slack?, jira?, teams?, emails?}`,
    );
  }
  const entries: PeopleFileEntry[] = [];
  const claimedBy = new Map<string, number>();
  list.forEach((raw: unknown, index) => {
    const email = raw && typeof raw === "object" && "email" in raw ? raw.email : undefined;
    if (!raw || typeof raw !== "object" || Array.isArray(raw))
      fail(index, undefined, "must be an object with an email");
    const parsed = EntrySchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const key = issue.path[0];
      fail(index, email, key === undefined ? issue.message : `"${String(key)}" ${issue.message}`);
    }
    const entry = Object.fromEntries(
      Object.entries(parsed.data!).filter(([, v]) => v !== undefined),
    ) as unknown as PeopleFileEntry;
    for (const claim of claims(entry)) {
      const earlier = claimedBy.get(claim);
      if (earlier !== undefined && earlier !== index) {
        const [what, value] = [claim.slice(0, claim.indexOf(":")), claim.slice(claim.indexOf(":") + 1)];
        fail(
          index,
          entry.email,
          `${what === "email" ? "the email" : `the ${what} account`} ${value} is claimed by people[${earlier}] too`,
        );
      }
      claimedBy.set(claim, index);
    }
    entries.push(entry);
  });
  return entries;
}
