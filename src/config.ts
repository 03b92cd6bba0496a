import { z } from "zod";
import { CommaListSchema } from "../connectors/kit/comma-list.ts";
import { trimTrailing } from "./model/trim-text.ts";

/** A setting that is missing or malformed; the message names the variable and what it must be. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

const url = (what: string) =>
  z
    .string()
    .trim()
    .refine((v) => URL.canParse(v), { message: `must be a URL (${what})` });

const isTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

/** `a@b.co` or `Name <a@b.co>`: what a From header holds. */
const isMailbox = (v: string) => {
  const m = /^(?:[^<>]*<([^<>\s]+)>|([^<>\s]+))$/.exec(v);
  const address = m?.[1] ?? m?.[2];
  return address !== undefined && z.email().safeParse(address).success;
};

/** The environment variables of the contract, as they are read once at each entry point. */
export const EnvSchema = z.object({
  DATABASE_URL: z
    .string()
    .trim()
    .regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://")
    .optional(),
  THREADLINE_DATA_DIR: z.string().trim().min(1).default("./.threadline"),
  THREADLINE_API_TOKEN: z.string().trim().min(16, "must be at least 16 characters").optional(),
  THREADLINE_PUBLIC_URL: url("the base of links in emails and the web view").default("http://localhost:8787"),
  THREADLINE_TEAM_DOMAINS: CommaListSchema.pipe(
    z.array(z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, "must be email domains such as example.com")),
  ),
  THREADLINE_TIMEZONE: z
    .string()
    .trim()
    .default("UTC")
    .refine(isTimeZone, { message: "must be an IANA time zone such as Europe/Berlin" }),
  THREADLINE_DIGEST_TIME: z
    .string()
    .trim()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM, such as 07:00")
    .default("07:00"),
  THREADLINE_DIGEST_LEADS: CommaListSchema.pipe(z.array(z.email("must be email addresses"))),
  // The message never echoes the value: it may hold the SMTP password.
  SMTP_URL: z
    .string()
    .trim()
    .refine((v) => /^smtps?:\/\/[^/?#]/i.test(v) && URL.canParse(v), {
      message: "must be smtp://[user:password@]host[:port] or smtps://…",
    })
    .optional(),
  DIGEST_FROM: z
    .string()
    .trim()
    .refine(isMailbox, {
      message: "must be an address or Name <address>, such as Threadline <threadline@example.com>",
    })
    .optional(),
  DIGEST_TO: CommaListSchema.pipe(z.array(z.email("must be email addresses"))),
  PORT: z.coerce.number().int().min(1).max(65535).optional(),
  OIDC_ISSUER: url("the OpenID Connect issuer, such as https://accounts.google.com").optional(),
  OIDC_CLIENT_ID: z.string().trim().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().trim().min(1).optional(),
  THREADLINE_ADMINS: CommaListSchema.pipe(z.array(z.email("must be email addresses"))),
  THREADLINE_SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int("must be a whole number of minutes")
    .min(1, "must be at least 1")
    .max(7 * 24 * 60, "must be at most 10080 (seven days)")
    .default(12 * 60),
});

export type Env = z.infer<typeof EnvSchema>;

export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
}

export interface Config {
  databaseUrl: string | undefined;
  dataDir: string;
  apiToken: string | undefined;
  publicUrl: string;
  teamDomains: string[];
  timeZone: string;
  digestTime: string;
  digestLeads: string[];
  /** How the digest is sent; undefined: it can only be written (`--out`) or shown (`--dry-run`). */
  smtpUrl: string | undefined;
  /** The digest's From: as configured, else `threadline@<first team domain>` (`threadline@localhost` without one). */
  digestFrom: string;
  /** Addresses that get every digest instead of its recipient (for trials); empty: each to its recipient. */
  digestTo: string[];
  port: number | undefined;
  /** Sign-in through the team's OpenID Connect provider; undefined: the API token signs in to the web. */
  oidc: OidcConfig | undefined;
  /** Emails (lower-cased) of the admins. */
  admins: string[];
  /** How long a web session may be idle before it ends. */
  sessionIdleMinutes: number;
  /** The raw environment, for the connectors' own settings schemas. */
  env: Record<string, string | undefined>;
}

/** Validates the environment once; the error is one line naming the first bad variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? "environment");
    throw new ConfigError(`[threadline] ${name} ${issue.message}`);
  }
  const e = parsed.data;
  const oidcSet = [e.OIDC_ISSUER, e.OIDC_CLIENT_ID, e.OIDC_CLIENT_SECRET].filter(
    (v) => v !== undefined,
  ).length;
  if (oidcSet !== 0 && oidcSet !== 3) {
    throw new ConfigError(
      "[threadline] OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET must be set together",
    );
  }
  return {
    databaseUrl: e.DATABASE_URL,
    dataDir: e.THREADLINE_DATA_DIR,
    apiToken: e.THREADLINE_API_TOKEN,
    publicUrl: trimTrailing(e.THREADLINE_PUBLIC_URL, "/"),
    teamDomains: e.THREADLINE_TEAM_DOMAINS.map((d) => d.toLowerCase()),
    timeZone: e.THREADLINE_TIMEZONE,
    digestTime: e.THREADLINE_DIGEST_TIME,
    digestLeads: e.THREADLINE_DIGEST_LEADS.map((d) => d.toLowerCase()),
    smtpUrl: e.SMTP_URL,
    digestFrom: e.DIGEST_FROM ?? `threadline@${e.THREADLINE_TEAM_DOMAINS[0]?.toLowerCase() ?? "localhost"}`,
    digestTo: e.DIGEST_TO,
    port: e.PORT,
    oidc:
      e.OIDC_ISSUER && e.OIDC_CLIENT_ID && e.OIDC_CLIENT_SECRET
        ? { issuer: e.OIDC_ISSUER, clientId: e.OIDC_CLIENT_ID, clientSecret: e.OIDC_CLIENT_SECRET }
        : undefined,
    admins: e.THREADLINE_ADMINS.map((a) => a.toLowerCase()),
    sessionIdleMinutes: e.THREADLINE_SESSION_IDLE_MINUTES,
    env: present,
  };
}
