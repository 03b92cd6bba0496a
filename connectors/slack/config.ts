/**
 * The Slack connector's settings, read once from the environment (see README.md in this folder).
 */
import { z } from "zod";
import { CommaListSchema } from "../kit/comma-list.ts";
import { settingsFromEnv } from "../types.ts";

export const SLACK_ENV_VARS = [
  "SLACK_TOKEN",
  "SLACK_CHANNELS",
  "SLACK_API_URL",
  "SLACK_SIGNING_SECRET",
  "SLACK_RESCAN_DAYS",
] as const;

/** Where the Web API answers unless SLACK_API_URL says otherwise. */
export const DEFAULT_SLACK_API_URL = "https://slack.com/api/";

/** Conversation ids: public channels `C…`, private channels (and old groups) `G…`. */
const CHANNEL_ID = /^[CG][A-Z0-9]{2,}$/;

export const SlackSettingsSchema = z
  .object({
    SLACK_TOKEN: z
      .string({ error: "must be set: the bot token (xoxb-…) of the Slack app, under OAuth & Permissions" })
      .trim()
      .min(1),
    SLACK_CHANNELS: CommaListSchema.pipe(
      z.array(
        z.string().regex(CHANNEL_ID, "must be comma-separated channel ids such as C0123456789 (not #names)"),
      ),
    ),
    SLACK_API_URL: z
      .string()
      .trim()
      .refine((v) => /^https?:\/\//.test(v) && URL.canParse(v), {
        message: "must be the Web API root, such as https://slack.com/api/",
      })
      .transform((v) => (v.endsWith("/") ? v : `${v}/`))
      .default(DEFAULT_SLACK_API_URL),
    SLACK_SIGNING_SECRET: z.string().trim().min(1).optional(),
    SLACK_RESCAN_DAYS: z.coerce
      .number({ error: "must be a number of days" })
      .int("must be a whole number of days")
      .min(0, "must be 0 or more")
      .max(90, "must be 90 days at most")
      .default(7),
  })
  .transform((e) => ({
    token: e.SLACK_TOKEN,
    channels: e.SLACK_CHANNELS,
    apiUrl: e.SLACK_API_URL,
    signingSecret: e.SLACK_SIGNING_SECRET ?? null,
    rescanDays: e.SLACK_RESCAN_DAYS,
  }));

/** The Slack settings, as every part of the connector reads them. */
export type SlackSettings = z.infer<typeof SlackSettingsSchema>;

/**
 * The settings from the environment: null when Slack is not configured (neither SLACK_TOKEN nor
 * SLACK_CHANNELS set), else the parsed settings or a `ConfigError` naming the bad variable.
 */
export function slackSettingsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): SlackSettings | null {
  return settingsFromEnv("slack", SlackSettingsSchema, env, ["SLACK_TOKEN", "SLACK_CHANNELS"]);
}
