/**
 * The Jira connector's settings, read once from the environment (see README.md in this folder).
 */
import { z } from "zod";
import { CommaListSchema } from "../kit/comma-list.ts";
import { settingsFromEnv } from "../types.ts";

export const JIRA_ENV_VARS = [
  "JIRA_BASE_URL",
  "JIRA_EMAIL",
  "JIRA_API_TOKEN",
  "JIRA_PROJECTS",
  "JIRA_WEBHOOK_SECRET",
  "JIRA_DEPLOYMENT",
] as const;

export const JiraSettingsSchema = z
  .object({
    JIRA_BASE_URL: z
      .string({ error: "must be set: the site's URL" })
      .trim()
      .refine((v) => /^https?:\/\//.test(v) && URL.canParse(v), {
        message:
          "must be the site's URL, such as https://your-domain.atlassian.net or https://jira.example.com",
      })
      .transform((v) => v.replace(/\/+$/, "")),
    /** Cloud: the Atlassian account's email. Data Center: the username; unset to send JIRA_API_TOKEN as a personal access token. */
    JIRA_EMAIL: z.string().trim().min(1).optional(),
    JIRA_API_TOKEN: z
      .string({
        error: "must be set: an API token (Cloud), or a password or personal access token (Data Center)",
      })
      .trim()
      .min(1),
    JIRA_PROJECTS: CommaListSchema.pipe(
      z.array(z.string().regex(/^[A-Z][A-Z0-9_]+$/, "must be comma-separated project keys such as PROJ,OPS")),
    ),
    JIRA_WEBHOOK_SECRET: z.string().min(1).optional(),
    /** `cloud` or `datacenter`; unset: *.atlassian.net is Cloud, any other site is asked (`/rest/api/2/serverInfo`). */
    JIRA_DEPLOYMENT: z.enum(["cloud", "datacenter"], { message: "must be cloud or datacenter" }).optional(),
  })
  .superRefine((env, ctx) => {
    if (!env.JIRA_EMAIL && env.JIRA_DEPLOYMENT === "cloud") {
      ctx.addIssue({
        code: "custom",
        path: ["JIRA_EMAIL"],
        message: "must be set on Jira Cloud: the email of the account the API token belongs to",
      });
    }
  })
  .transform((env) => ({
    baseUrl: env.JIRA_BASE_URL,
    email: env.JIRA_EMAIL ?? null,
    apiToken: env.JIRA_API_TOKEN,
    projects: env.JIRA_PROJECTS,
    webhookSecret: env.JIRA_WEBHOOK_SECRET ?? null,
    deployment: env.JIRA_DEPLOYMENT ?? null,
  }));

export type JiraSettings = z.infer<typeof JiraSettingsSchema>;
export type JiraDeployment = "cloud" | "datacenter";

/** Null when Jira is not configured (no JIRA_BASE_URL nor JIRA_API_TOKEN); throws `ConfigError` naming a bad variable. */
export function jiraSettingsFromEnv(env: Readonly<Record<string, string | undefined>>): JiraSettings | null {
  return settingsFromEnv("jira", JiraSettingsSchema, env, ["JIRA_BASE_URL", "JIRA_API_TOKEN"]);
}

/** Cloud sites live under these domains (and scoped tokens go through api.atlassian.com); others are asked. */
export function deploymentOfHost(baseUrl: string): JiraDeployment | null {
  const host = new URL(baseUrl).hostname;
  return /\.(atlassian\.net|jira\.com|jira-dev\.com)$/.test(host) || host === "api.atlassian.com"
    ? "cloud"
    : null;
}

/**
 * An API root behind Atlassian's gateway (`https://api.atlassian.com/ex/jira/<cloudId>`, for OAuth 2.0 apps
 * and scoped API tokens): not the address people open, so links take the site's own from `serverInfo`.
 */
export function isGatewayRoot(baseUrl: string): boolean {
  return /\/ex\/jira\/[^/]+$/.test(new URL(baseUrl).pathname.replace(/\/+$/, ""));
}
