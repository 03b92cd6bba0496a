/**
 * The GitHub sandbox: a local server that answers Threadline's GitHub requests as api.github.com does (see
 * `app.ts`), over a data set tests and the demo build (`dataset.ts`), with fault injection and a request log
 * from the shared harness, and signed webhook deliveries (`webhooks.ts`).
 *
 *   const sandbox = await startGithubSandbox();
 *   const web = sandbox.dataset.repo("acme/web");
 *   web.issue({ title: "Login fails", author: "anna" });
 *   // GITHUB_API_URL=sandbox.url GITHUB_TOKEN=sandbox.token GITHUB_REPOS=acme/web
 */
import { type FaultRule, type Sandbox, startSandbox } from "../harness.ts";
import { createGithubApi, type GithubSandboxOptions, type RateLimits } from "./app.ts";
import { GithubDataset } from "./dataset.ts";
import { GithubWebhookPayloads, signWebhook, type WebhookDelivery } from "./webhooks.ts";

export { createGithubApi, type GithubSandboxOptions, RateLimits } from "./app.ts";
export * from "./dataset.ts";
export { GithubWebhookPayloads, signWebhook, type WebhookDelivery } from "./webhooks.ts";

export interface GithubSandbox extends Sandbox {
  dataset: GithubDataset;
  /** A token that reads every repository of the data set. */
  token: string;
  /** The secret `webhook()` signs with. */
  webhookSecret: string;
  rates: RateLimits;
  payloads: GithubWebhookPayloads;
  /** A signed delivery of `payload` (see `payloads` for the events' payloads). */
  webhook(
    event: string,
    payload: unknown,
    options?: { deliveryId?: string; secret?: string },
  ): WebhookDelivery;
}

/**
 * GitHub's answer to a secondary rate limit, for `sandbox.faults.set([...])`: 403 or 429 with Retry-After and
 * the message clients recognise it by (`@octokit/plugin-throttling` matches /secondary rate/).
 * docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits
 */
export function secondaryRateLimit(rule: Omit<FaultRule, "status" | "body"> = {}): FaultRule {
  return {
    retryAfterSeconds: 1,
    ...rule,
    status: 429,
    body: {
      message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
      documentation_url:
        "https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
      status: "429",
    },
  };
}

/**
 * GitHub's 403 for a token that may not read a resource, on a REST endpoint (GraphQL answers 200 with a
 * `FORBIDDEN` error instead): `{"message", "documentation_url", "status"}`.
 * https://docs.github.com/en/rest/using-the-rest-api/troubleshooting-the-rest-api#resource-not-accessible
 */
export function resourceNotAccessible(rule: Omit<FaultRule, "status" | "body"> = {}): FaultRule {
  return {
    ...rule,
    status: 403,
    body: {
      message: "Resource not accessible by personal access token",
      documentation_url: "https://docs.github.com/rest/issues/comments#list-issue-comments-for-a-repository",
      status: "403",
    },
  };
}

/** A 5xx as GitHub sends it when something broke on its side. */
export function serverError(
  rule: Omit<FaultRule, "status" | "body"> & { status?: 500 | 502 | 503 | 504 } = {},
): FaultRule {
  return {
    ...rule,
    status: rule.status ?? 502,
    body: {
      message: "Server Error",
      documentation_url: "https://docs.github.com/rest",
      status: String(rule.status ?? 502),
    },
  };
}

/** Starts the sandbox on a free loopback port. */
export async function startGithubSandbox(
  options: GithubSandboxOptions & {
    dataset?: GithubDataset;
    token?: string;
    webhookSecret?: string;
    port?: number;
    seed?: number;
  } = {},
): Promise<GithubSandbox> {
  const dataset = options.dataset ?? new GithubDataset();
  const token = options.token ?? "ghp_sandbox0000000000000000000000000000";
  if (!dataset.tokens.has(token)) dataset.token(token);
  const webhookSecret = options.webhookSecret ?? "sandbox-webhook-secret";
  const { app, rates } = createGithubApi(dataset, options);
  const sandbox = await startSandbox(app, { port: options.port, seed: options.seed });
  const payloads = new GithubWebhookPayloads({ dataset, apiUrl: sandbox.url, webUrl: sandbox.url });
  return {
    ...sandbox,
    dataset,
    token,
    webhookSecret,
    rates,
    payloads,
    webhook: (event, payload, o = {}) =>
      signWebhook(event, payload, o.secret ?? webhookSecret, {
        ...(o.deliveryId ? { deliveryId: o.deliveryId } : {}),
      }),
  };
}
