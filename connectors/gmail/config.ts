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
  "GOOGLE_AUTH_URL",
  "GOOGLE_REVOKE_URL",
  "GOOGLE_TOKENINFO_URL",
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
/** https://developers.google.com/identity/protocols/oauth2/web-server#redirecting */
export const GOOGLE_AUTH_URL = "https://accounts.google.com/o/oauth2/v2/auth";
/** https://developers.google.com/identity/protocols/oauth2/web-server#tokenrevoke */
export const GOOGLE_REVOKE_URL = "https://oauth2.googleapis.com/revoke";
/** Where an access token's granted scopes are read (the auth library's `getTokenInfo`). */
export const GOOGLE_TOKENINFO_URL = "https://oauth2.googleapis.com/tokeninfo";

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
    GOOGLE_AUTH_URL: httpUrl("Google's OAuth 2.0 authorization endpoint", GOOGLE_AUTH_URL).optional(),
    GOOGLE_REVOKE_URL: httpUrl("Google's OAuth 2.0 revocation endpoint", GOOGLE_REVOKE_URL).optional(),
    GOOGLE_TOKENINFO_URL: httpUrl("Google's token information endpoint", GOOGLE_TOKENINFO_URL).optional(),
  })
  .superRefine((env, ctx) => {
    // The OAuth client alone is enough for people to connect their own mailboxes; a refresh token with it
    // adds the configured mailbox.
    const needed = env.GMAIL_REFRESH_TOKEN
      ? (["GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET"] as const)
      : env.GOOGLE_CLIENT_ID || env.GOOGLE_CLIENT_SECRET
        ? (["GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET"] as const)
        : ([] as const);
    for (const name of needed) {
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
  })
  .transform((env) => {
    const client =
      env.GOOGLE_CLIENT_ID && env.GOOGLE_CLIENT_SECRET
        ? { clientId: env.GOOGLE_CLIENT_ID, clientSecret: env.GOOGLE_CLIENT_SECRET }
        : null;
    const auth: GmailAuth | null =
      client && env.GMAIL_REFRESH_TOKEN
        ? { kind: "refresh", ...client, refreshToken: env.GMAIL_REFRESH_TOKEN }
        : env.GMAIL_ACCESS_TOKEN
          ? { kind: "token", token: env.GMAIL_ACCESS_TOKEN }
          : null;
    const apiUrl = env.GMAIL_API_URL;
    const google = apiUrl === GOOGLE_API_URL;
    return {
      /** The configured mailbox's credentials; null when only people's own mailboxes are read. */
      auth,
      /** The OAuth client people connect their own mailboxes through. */
      client,
      user: env.GMAIL_USER,
      query: env.GMAIL_QUERY ? env.GMAIL_QUERY : null,
      apiUrl,
      tokenUrl: env.GOOGLE_TOKEN_URL ?? (google ? GOOGLE_TOKEN_URL : `${apiUrl}/token`),
      authorizeUrl: env.GOOGLE_AUTH_URL ?? (google ? GOOGLE_AUTH_URL : `${apiUrl}/o/oauth2/v2/auth`),
      revokeUrl: env.GOOGLE_REVOKE_URL ?? (google ? GOOGLE_REVOKE_URL : `${apiUrl}/revoke`),
      tokenInfoUrl: env.GOOGLE_TOKENINFO_URL ?? (google ? GOOGLE_TOKENINFO_URL : `${apiUrl}/tokeninfo`),
      /** People's own mailboxes, added at each run from the store (see connected.ts). */
      connected: [] as ConnectedMailbox[],
    };
  });

/** A mailbox a person connected: its scope (`connected:<address>`) and the refresh token they granted. */
export interface ConnectedMailbox {
  scope: string;
  refreshToken: string;
}

const CONNECTED_PREFIX = "connected:";

/** The scope of a person's own mailbox. */
export const toConnectedScope = (address: string) => `${CONNECTED_PREFIX}${address.toLowerCase()}`;

/** Whether a Gmail scope is a person's own mailbox (whose mail is kept only when it concerns the work). */
export const isConnectedScope = (scope: string) => scope.startsWith(CONNECTED_PREFIX);

/** A refreshable OAuth client (preferred: tokens are renewed) or a ready access token. */
export type GmailAuth =
  | { kind: "refresh"; clientId: string; clientSecret: string; refreshToken: string }
  | { kind: "token"; token: string };

export type GmailSettings = z.infer<typeof GmailSettingsSchema>;

/** The settings one mailbox is read with: whichever credentials its scope has. */
export type GmailMailboxSettings = GmailSettings & {
  auth: GmailAuth;
  /** Set for a person's own mailbox: a refused grant is then theirs to renew, not the deployment's. */
  connectedScope?: string;
};

/**
 * The settings of one scope: the configured mailbox's, or a connected mailbox's own refresh token through
 * the OAuth client (read as `me`, without GMAIL_QUERY, which is the configured mailbox's filter). Null when
 * the scope has no credentials.
 */
export function toMailboxSettings(settings: GmailSettings, scope: string): GmailMailboxSettings | null {
  if (!isConnectedScope(scope)) return settings.auth ? { ...settings, auth: settings.auth } : null;
  const mailbox = settings.connected.find((m) => m.scope === scope);
  if (!mailbox || !settings.client) return null;
  return {
    ...settings,
    auth: { kind: "refresh", ...settings.client, refreshToken: mailbox.refreshToken },
    user: "me",
    query: null,
    connectedScope: scope,
  };
}

/** Null when Gmail is not configured; throws `ConfigError` naming a bad or missing variable. */
export function gmailSettingsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): GmailSettings | null {
  return settingsFromEnv("gmail", GmailSettingsSchema, env, ENABLED_BY);
}
