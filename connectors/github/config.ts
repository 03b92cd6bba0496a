/**
 * The GitHub connector's settings, read once from the environment (see README.md in this folder).
 */
import { z } from "zod";
import { trimTrailing } from "../../src/model/trim-text.ts";
import { CommaListSchema } from "../kit/comma-list.ts";
import { settingsFromEnv } from "../types.ts";

export const GITHUB_ENV_VARS = [
  "GITHUB_TOKEN",
  "GITHUB_REPOS",
  "GITHUB_API_URL",
  "GITHUB_WEBHOOK_SECRET",
] as const;

/** `owner/name` as GitHub allows them: letters, digits, `-`, `_`, `.`. */
const REPO = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;

export const GithubSettingsSchema = z
  .object({
    GITHUB_TOKEN: z
      .string({
        error:
          "must be set: a fine-grained or classic personal access token (see connectors/github/README.md)",
      })
      .trim()
      .min(1),
    GITHUB_REPOS: CommaListSchema.pipe(
      z.array(z.string().regex(REPO, "must be comma-separated owner/name, such as acme/web,acme/api")),
    ),
    GITHUB_API_URL: z
      .string()
      .trim()
      .default("https://api.github.com")
      .refine((v) => /^https?:\/\//.test(v) && URL.canParse(v), {
        message: "must be the API root, such as https://api.github.com or https://github.example.com/api/v3",
      })
      .transform((v) => trimTrailing(v, "/")),
    GITHUB_WEBHOOK_SECRET: z.string().min(1).optional(),
  })
  .transform((env) => ({
    token: env.GITHUB_TOKEN,
    /** Empty: every repository the token can read. */
    repos: env.GITHUB_REPOS,
    apiUrl: env.GITHUB_API_URL,
    webUrl: toGithubWebUrl(env.GITHUB_API_URL),
    webhookSecret: env.GITHUB_WEBHOOK_SECRET ?? null,
  }));

export type GithubSettings = z.infer<typeof GithubSettingsSchema>;

/** Null when GitHub is not configured; throws `ConfigError` naming a bad variable. */
export function githubSettingsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): GithubSettings | null {
  return settingsFromEnv("github", GithubSettingsSchema, env, ["GITHUB_TOKEN", "GITHUB_REPOS"]);
}

/**
 * The web address from the API root: `https://api.github.com` → `https://github.com`; GitHub Enterprise
 * Server `https://ghe.example.com/api/v3` → `https://ghe.example.com`; GHE.com `https://api.acme.ghe.com` →
 * `https://acme.ghe.com`; anything else (a local sandbox) serves both from the same root.
 */
export function toGithubWebUrl(apiUrl: string): string {
  const url = new URL(apiUrl);
  if (url.hostname === "api.github.com") return "https://github.com";
  const path = trimTrailing(url.pathname, "/").replace(/\/api(\/v3)?$/, "");
  if (url.hostname.startsWith("api.") && path === "") return `${url.protocol}//${url.host.slice(4)}`;
  return `${url.protocol}//${url.host}${path}`;
}
