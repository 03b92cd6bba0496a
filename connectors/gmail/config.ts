/**
 * The Gmail connector's settings, read once from the environment (see README.md in this folder).
 *
 * Credentials are either a ready `GMAIL_ACCESS_TOKEN` (expires after about an hour), or an OAuth client
 * (`GOOGLE_CLIENT_ID`, `GOOGLE_CLIENT_SECRET`) with the mailbox owner's `GMAIL_REFRESH_TOKEN`, from which
 * the Google auth library gets and renews access tokens. `GMAIL_API_URL` points at a proxy or a local
 * sandbox; the token endpoint follows it (`<GMAIL_API_URL>/token`) unless it is Google's own API root, and
 * `GOOGLE_TOKEN_URL` names it outright when neither fits.
 */
import { z } from "zod";
import { trimTrailing } from "../../src/model/trim-text.ts";
import { settingsFromEnv } from "../types.ts";

export const GMAIL_ENV_VARS = [
  "GMAIL_ACCESS_TOKEN",
  "GOOGLE_CLIENT_ID",
  "GOOGLE_CLIENT_SECRET",
  "GMAIL_REFRESH_TOKEN",
  "GMAIL_USER",
  "GMAIL_QUERY",
  "GMAIL_API_URL",
  "GOOGLE_TOKEN_URL",
] as const;

/** What turns the connector on: any of its credentials. */
const ENABLED_BY = [
  "GMAIL_ACCESS_TOKEN",
  "GOOGLE_CLIENT_ID",
  "GOOGLE_CLIENT_SECRET",
  "GMAIL_REFRESH_TOKEN",
] as const;

export const GOOGLE_API_URL = "https://gmail.googleapis.com";
/** https://developers.google.com/identity/protocols/oauth2/web-server#offline */
export const GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token";

const httpUrl = (what: string, example: string) =>
  z
    .string()
    .trim()
    .refine((v) => /^https?:\/\//.test(v) && URL.canParse(v), {
      message: `must be ${what}, such as ${example}`,
    })
    .transform((v) => trimTrailing(v, "/"));

export const GmailSettingsSchema = z
  .object({
    GMAIL_ACCESS_TOKEN: z.string().trim().min(1).optional(),
    GOOGLE_CLIENT_ID: z.string().trim().min(1).optional(),
    GOOGLE_CLIENT_SECRET: z.string().min(1).optional(),
    GMAIL_REFRESH_TOKEN: z.string().trim().min(1).optional(),
    GMAIL_USER: z
      .string()
      .trim()
      .refine((v) => v === "me" || /^[^@\s]+@[^@\s]+$/.test(v), {
        message: "must be me or the mailbox's email address",
      })
      .default("me"),
    GMAIL_QUERY: z.string().trim().optional(),
    // The API version is the client's business: `https://gmail.googleapis.com/gmail/v1` is read as the root.
    GMAIL_API_URL: httpUrl("the Gmail API root", GOOGLE_API_URL)
      .transform((v) => v.replace(/\/gmail\/v1$/, ""))
      .default(GOOGLE_API_URL),
    GOOGLE_TOKEN_URL: httpUrl("Google's OAuth 2.0 token endpoint", GOOGLE_TOKEN_URL).optional(),
  })
  .superRefine((env, ctx) => {
    if (env.GOOGLE_CLIENT_ID || env.GOOGLE_CLIENT_SECRET || env.GMAIL_REFRESH_TOKEN) {
      for (const name of ["GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET", "GMAIL_REFRESH_TOKEN"] as const) {
        if (!env[name]) {
          ctx.addIssue({
            code: "custom",
            path: [name],
            message:
              "must be set (with GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET and GMAIL_REFRESH_TOKEN of an OAuth client), or set only GMAIL_ACCESS_TOKEN instead",
          });
          return;
        }
      }
    }
  })
  .transform((env) => {
    const auth: GmailAuth =
      env.GOOGLE_CLIENT_ID && env.GOOGLE_CLIENT_SECRET && env.GMAIL_REFRESH_TOKEN
        ? {
            kind: "refresh",
            clientId: env.GOOGLE_CLIENT_ID,
            clientSecret: env.GOOGLE_CLIENT_SECRET,
            refreshToken: env.GMAIL_REFRESH_TOKEN,
          }
        : { kind: "token", token: env.GMAIL_ACCESS_TOKEN! };
    const apiUrl = env.GMAIL_API_URL;
    return {
      auth,
      user: env.GMAIL_USER,
      query: env.GMAIL_QUERY ? env.GMAIL_QUERY : null,
      apiUrl,
      tokenUrl: env.GOOGLE_TOKEN_URL ?? (apiUrl === GOOGLE_API_URL ? GOOGLE_TOKEN_URL : `${apiUrl}/token`),
    };
  });

/** A refreshable OAuth client (preferred: tokens are renewed) or a ready access token. */
export type GmailAuth =
  | { kind: "refresh"; clientId: string; clientSecret: string; refreshToken: string }
  | { kind: "token"; token: string };

export type GmailSettings = z.infer<typeof GmailSettingsSchema>;

/** Null when Gmail is not configured; throws `ConfigError` naming a bad or missing variable. */
export function gmailSettingsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): GmailSettings | null {
  return settingsFromEnv("gmail", GmailSettingsSchema, env, ENABLED_BY);
}
