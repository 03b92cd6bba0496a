/**
 * The Microsoft Teams connector's settings, read once from the environment (see README.md in this folder).
 *
 * Credentials are either a ready `MS_GRAPH_TOKEN` (an application or delegated access token for Microsoft
 * Graph), or an app registration's client credentials (`MS_TENANT_ID`, `MS_CLIENT_ID`, `MS_CLIENT_SECRET`),
 * for which the connector gets and renews tokens with @azure/msal-node. `MS_GRAPH_URL` and
 * `MS_AUTHORITY_URL` point at a sovereign cloud (graph.microsoft.us, login.microsoftonline.us, …) or at a
 * local sandbox.
 */
import { z } from "zod";
import { trimTrailing } from "../../src/model/trim-text.ts";
import { toCommaList } from "../kit/comma-list.ts";
import { settingsFromEnv } from "../types.ts";

export const TEAMS_ENV_VARS = [
  "MS_GRAPH_TOKEN",
  "MS_TENANT_ID",
  "MS_CLIENT_ID",
  "MS_CLIENT_SECRET",
  "TEAMS_CHANNELS",
  "MS_GRAPH_URL",
  "MS_AUTHORITY_URL",
] as const;

/** What turns the connector on: any credential, or the channels to read. */
const ENABLED_BY = [
  "MS_GRAPH_TOKEN",
  "MS_TENANT_ID",
  "MS_CLIENT_ID",
  "MS_CLIENT_SECRET",
  "TEAMS_CHANNELS",
] as const;

/** One channel to read: its scope string is `teamId/channelId`, as TEAMS_CHANNELS spells it. */
export interface TeamsChannelRef {
  scope: string;
  teamId: string;
  channelId: string;
}

/** `teamId/channelId` → its parts; null when it is not one. */
export function toChannelRef(scope: string): TeamsChannelRef | null {
  const m = /^([^/\s]+)\/([^/\s]+)$/.exec(scope.trim());
  return m ? { scope: `${m[1]}/${m[2]}`, teamId: m[1]!, channelId: m[2]! } : null;
}

const rootUrl = (what: string, example: string) =>
  z
    .string()
    .trim()
    .refine((v) => /^https?:\/\//.test(v) && URL.canParse(v), {
      message: `must be ${what}, such as ${example}`,
    })
    // The version segment is the client's business: `https://graph.microsoft.com/v1.0/` is read as the root.
    .transform((v) => trimTrailing(v, "/").replace(/\/(v1\.0|beta)$/, ""));

const channelList = z
  .string({ error: "must be set: comma-separated teamId/channelId pairs" })
  .transform(toCommaList)
  .pipe(
    z
      .array(
        z.string().refine((s) => toChannelRef(s) !== null, {
          message:
            "must be comma-separated teamId/channelId pairs, such as fbe2bf47-16c8-47cf-b4a5-4b9b187c508b/19:4a95f7d8db4c4e7fae857bcebe0623e6@thread.tacv2",
        }),
      )
      .min(1, "must name at least one channel as teamId/channelId"),
  );

export const TeamsSettingsSchema = z
  .object({
    MS_GRAPH_TOKEN: z.string().trim().min(1).optional(),
    MS_TENANT_ID: z.string().trim().min(1).optional(),
    MS_CLIENT_ID: z.string().trim().min(1).optional(),
    MS_CLIENT_SECRET: z.string().min(1).optional(),
    TEAMS_CHANNELS: channelList,
    MS_GRAPH_URL: rootUrl("the Microsoft Graph root", "https://graph.microsoft.com").default(
      "https://graph.microsoft.com",
    ),
    MS_AUTHORITY_URL: rootUrl(
      "the Microsoft Entra sign-in host",
      "https://login.microsoftonline.com",
    ).default("https://login.microsoftonline.com"),
  })
  .superRefine((env, ctx) => {
    if (env.MS_GRAPH_TOKEN) return;
    for (const name of ["MS_TENANT_ID", "MS_CLIENT_ID", "MS_CLIENT_SECRET"] as const) {
      if (!env[name]) {
        ctx.addIssue({
          code: "custom",
          path: [name],
          message:
            "must be set (with MS_TENANT_ID, MS_CLIENT_ID and MS_CLIENT_SECRET of an app registration), or set MS_GRAPH_TOKEN instead",
        });
        return;
      }
    }
  })
  .transform((env) => {
    const channels = env.TEAMS_CHANNELS.map((s) => toChannelRef(s)!);
    const auth: TeamsAuth =
      env.MS_TENANT_ID && env.MS_CLIENT_ID && env.MS_CLIENT_SECRET
        ? {
            kind: "client",
            tenantId: env.MS_TENANT_ID,
            clientId: env.MS_CLIENT_ID,
            clientSecret: env.MS_CLIENT_SECRET,
          }
        : { kind: "token", token: env.MS_GRAPH_TOKEN! };
    return {
      auth,
      channels,
      graphUrl: env.MS_GRAPH_URL,
      authorityUrl: env.MS_AUTHORITY_URL,
      /** What the webhook's clientState is derived from; null when only MS_GRAPH_TOKEN is set. */
      webhookSecret: env.MS_CLIENT_SECRET ?? null,
    };
  });

/** Client credentials (preferred: tokens are renewed) or a ready access token. */
export type TeamsAuth =
  | { kind: "client"; tenantId: string; clientId: string; clientSecret: string }
  | { kind: "token"; token: string };

export type TeamsSettings = z.infer<typeof TeamsSettingsSchema>;

/** Null when Teams is not configured; throws `ConfigError` naming a bad or missing variable. */
export function teamsSettingsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): TeamsSettings | null {
  return settingsFromEnv("teams", TeamsSettingsSchema, env, ENABLED_BY);
}
