import { z } from "zod";
import { toCommaList } from "../../connectors/kit/comma-list.ts";
import { ConfigError } from "../config.ts";
import type { SourceAbout } from "../model/source-about.ts";

/** The file, in the working directory, whose `flags` object holds these settings. Read by the caller. */
export const FLAG_SETTINGS_FILE = "threadline.config.json";

const Days = z.number().min(0);
const Names = z.array(z.string().trim().min(1));

const isTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

const isRegExp = (source: string) => {
  try {
    new RegExp(source, "i");
    return true;
  } catch {
    return false;
  }
};

export const SIGN_OFF_ROLES = ["reviewer", "qa", "client"] as const;
export type SignOffRole = (typeof SIGN_OFF_ROLES)[number];

/**
 * A workflow step that needs an approval: moving a task into one of `statuses` (only tasks with one of
 * `labels`, when given) needs an approval from each role in `from`. `reviewer`: a team member other than the
 * assignee; `qa`: a person in `roles.qa` (or, when that list is empty, any team member other than the
 * assignee); `client`: someone outside the team.
 */
export const SignOffSchema = z.object({
  statuses: Names.min(1),
  from: z.array(z.enum(SIGN_OFF_ROLES)).min(1),
  labels: Names.default([]),
});
export type SignOff = z.infer<typeof SignOffSchema>;

/**
 * What the flag rules can be told. Every threshold is in working days in `timeZone` (Mondays to Fridays
 * unless `workingDays` says otherwise, minus `holidays`). Names of statuses and labels match without regard to
 * case, spaces, dashes or underscores (`Waiting for client` = `waiting-for-client`).
 */
export const FlagSettingsSchema = z.object({
  /** IANA time zone the working days are counted in (`THREADLINE_TIMEZONE`). */
  timeZone: z
    .string()
    .trim()
    .default("UTC")
    .refine(isTimeZone, "must be an IANA time zone such as Europe/Berlin"),
  /** Email domains of the team (`THREADLINE_TEAM_DOMAINS`). */
  teamDomains: z.array(z.string().trim().toLowerCase()).default([]),
  /** ISO weekdays that are working days: 1 = Monday … 7 = Sunday. */
  workingDays: z.array(z.number().int().min(1).max(7)).min(1).default([1, 2, 3, 4, 5]),
  /** Days off in the team's time zone, `YYYY-MM-DD`. */
  holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be YYYY-MM-DD")).default([]),
  team: z
    .object({
      /**
       * Sources whose accounts are the team's own: a person with an account there (not a guest) and no email
       * address that says otherwise is a team member. Unset: the sources whose connector says so
       * (`teamAccounts` in its `about.ts`).
       */
      accountSources: z.array(z.string().trim().toLowerCase()).optional(),
      /** Email addresses that are team members whatever their domain (a contractor's own address). */
      members: z.array(z.string().trim().toLowerCase()).default([]),
      /** Email addresses that are outside the team whatever their domain or accounts. */
      outsiders: z.array(z.string().trim().toLowerCase()).default([]),
    })
    .prefault({}),
  roles: z
    .object({
      /** Email addresses or names of the QA people: their sign-off is what `qa` means, their questions come first. */
      qa: z.array(z.string().trim().toLowerCase()).default([]),
    })
    .prefault({}),
  /** Regular expressions (case-insensitive) on a person's name or email that mark a bot. */
  botPatterns: z
    .array(z.string().refine(isRegExp, "must be a regular expression"))
    .default([
      "\\[bot\\]$",
      "^(dependabot|renovate|github-actions|snyk-bot|codecov|sonarcloud|vercel|netlify)\\b",
      "^automation for jira$",
      "^jira( automation)?$",
      "^threadline\\b",
      "^(no-?reply|do-?not-?reply|notifications?|mailer-daemon)@",
    ]),
  stale: z
    .object({
      /** Working days without activity after which an open task is stale, by status category (null: never). */
      thresholds: z
        .object({
          todo: Days.nullable().default(10),
          in_progress: Days.nullable().default(3),
          done: Days.nullable().default(null),
        })
        .prefault({}),
      /** Thresholds by status name, before the category's. */
      statusThresholds: z
        .record(z.string(), Days.nullable())
        .default({ "In Review": 5, "Code Review": 5, Review: 5, "In QA": 5, QA: 5, Testing: 5 }),
      exemptLabels: Names.default(["on-hold", "icebox", "someday", "pinned"]),
      exemptStatuses: Names.default(["On Hold", "Icebox", "Parked"]),
      /** Draft pull requests are never stale. */
      exemptDrafts: z.boolean().default(true),
      /** Tasks due in the future are never stale. */
      exemptFutureDue: z.boolean().default(true),
    })
    .prefault({}),
  noOwner: z
    .object({
      exemptLabels: Names.default([]),
      exemptStatuses: Names.default([]),
    })
    .prefault({}),
  approvals: z
    .object({
      /** Working days an open, ready pull request may wait for its approving reviews. */
      pullRequestDays: Days.default(1),
      /** Approving reviews a pull request needs, unless its repository says otherwise. */
      requiredApprovals: z.number().int().min(1).default(1),
      /** Approving reviews by repository (`owner/name`). */
      repositories: z.record(z.string(), z.number().int().min(0)).default({}),
      /** A pull request merged without approval is flagged for this many working days after the merge. */
      mergedLookbackDays: Days.default(10),
      /** Pull requests opened by bots (dependency updates) need no approval. */
      exemptBotPullRequests: z.boolean().default(true),
      /** Working days an approval asked for in a message may stay ungiven. */
      requestDays: Days.default(2),
      /** Statuses that need a sign-off, and from whom. */
      signOffs: z
        .array(SignOffSchema)
        .default([
          { statuses: ["Ready for Release", "Ready to Release", "Released"], from: ["reviewer"], labels: [] },
        ]),
    })
    .prefault({}),
  questions: z
    .object({
      /** Working days a team member's question may wait for an answer. */
      days: Days.default(2),
      /** Working days a client's or QA's question may wait: those come first. */
      priorityDays: Days.default(1),
      /** Questions and approval requests older than this many working days are history (after a backfill). */
      maxAgeDays: Days.default(20),
    })
    .prefault({}),
  feedbackOffBoard: z
    .object({
      /** Working days an outside message may be newer than every update on the task before it is flagged. */
      afterDays: Days.default(0),
      /** Outside messages older than this many working days are history, not news. */
      maxAgeDays: Days.default(20),
    })
    .prefault({}),
  deployments: z
    .object({
      /** Working days from done (or merged) to a confirmed deployment. */
      days: Days.default(2),
      /** Environment names (substring, case-insensitive) that count; a deployment without a name counts. */
      environments: Names.default(["production", "prod", "live"]),
      /** Only tasks with code (a pull request, or one linked) need a deployment. */
      requireCodeLink: z.boolean().default(true),
      exemptLabels: Names.default(["no-deploy", "no-release"]),
      /** Resolutions of done tasks that were never built. */
      exemptResolutions: Names.default([
        "Won't Do",
        "Won't Fix",
        "Duplicate",
        "Cannot Reproduce",
        "Declined",
        "Rejected",
        "Incomplete",
        "not_planned",
      ]),
    })
    .prefault({}),
  blocked: z
    .object({
      labels: Names.default([
        "blocked",
        "waiting-for-client",
        "waiting-on-client",
        "waiting-for-customer",
        "waiting-for-vendor",
        "external-dependency",
      ]),
      statuses: Names.default([
        "Blocked",
        "Waiting for Client",
        "Waiting for Customer",
        "Waiting on Client",
        "Waiting for Vendor",
        "Pending Client",
      ]),
    })
    .prefault({}),
});

/**
 * The settings the rules run with: the file's and the environment's, and what the registered sources say of
 * themselves (how a reason names the place something was said, whose accounts are the team's).
 */
export type FlagSettings = z.infer<typeof FlagSettingsSchema> & {
  /** The registered sources' descriptors (`listSources()` of the connector registry). */
  readonly sources: readonly SourceAbout[];
};
/** What a settings file may say: any part, the rest takes its default. */
export type FlagSettingsInput = z.input<typeof FlagSettingsSchema>;

/**
 * The flag settings from the parsed `threadline.config.json` (its `flags` object; pass undefined when there is
 * no file), the environment (`THREADLINE_TIMEZONE` and `THREADLINE_TEAM_DOMAINS` win over the file) and the
 * registered sources (`listSources()`). Throws a ConfigError that names the setting.
 */
export function parseFlagSettings(
  config: unknown,
  env: Record<string, string | undefined>,
  sources: readonly SourceAbout[],
): FlagSettings {
  const fromFile = config && typeof config === "object" && "flags" in config ? config.flags : undefined;
  if (
    fromFile !== undefined &&
    (typeof fromFile !== "object" || fromFile === null || Array.isArray(fromFile))
  ) {
    throw new ConfigError(`[threadline] [flags] ${FLAG_SETTINGS_FILE}: "flags" must be an object`);
  }
  const input: Record<string, unknown> = { ...(fromFile as Record<string, unknown> | undefined) };
  if (env.THREADLINE_TIMEZONE?.trim()) input.timeZone = env.THREADLINE_TIMEZONE.trim();
  if (env.THREADLINE_TEAM_DOMAINS?.trim()) input.teamDomains = toCommaList(env.THREADLINE_TEAM_DOMAINS);
  const parsed = FlagSettingsSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.join(".");
    const where =
      path === "timeZone"
        ? "THREADLINE_TIMEZONE"
        : path.startsWith("teamDomains") && env.THREADLINE_TEAM_DOMAINS
          ? "THREADLINE_TEAM_DOMAINS"
          : `${FLAG_SETTINGS_FILE}: flags.${path}`;
    throw new ConfigError(`[threadline] [flags] ${where} ${issue.message}`);
  }
  const unknown = parsed.data.team.accountSources?.find((id) => !sources.some((s) => s.id === id));
  if (unknown !== undefined) {
    throw new ConfigError(
      `[threadline] [flags] ${FLAG_SETTINGS_FILE}: flags.team.accountSources names "${unknown}": use one of ${sources.map((s) => s.id).join(", ")}`,
    );
  }
  return { ...parsed.data, sources };
}

/** Statuses and labels compare without case, spaces, dashes or underscores. */
export function toNameKey(name: string): string {
  return name.toLowerCase().replace(/[\s_\-–—]+/g, "");
}
