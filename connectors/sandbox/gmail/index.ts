/**
 * The Gmail sandbox: a mailbox (`GmailDataset`), the Hono app that serves it as the Gmail API and Google's
 * token endpoint, and a bulk mailbox for benchmarks.
 *
 *   const data = new GmailDataset({ mailbox: "maya@example.com", now: "2026-03-02T08:00:00Z" });
 *   const gmail = await startGmailSandbox(data);
 *   const env = gmailSandboxEnv(gmail); // GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET, GMAIL_REFRESH_TOKEN, GMAIL_API_URL
 *   gmail.faults.set([{ status: 429, times: 2, retryAfterSeconds: 0, body: GMAIL_RATE_LIMIT_BODY }]);
 *   gmail.control.userRateLimited = 1; // the next request answers 403 userRateLimitExceeded
 *   gmail.control.failNextDraft = { status: 503, when: "after" }; // the next drafts.create saves, then fails
 *   gmail.data.scopes = [GMAIL_READONLY_SCOPE]; // tokens issued from now on cannot save drafts
 */
import { type Sandbox, startSandbox } from "../harness.ts";
import { createGmailSandboxApp, type GmailSandboxControl } from "./app.ts";
import type { GmailDataset } from "./dataset.ts";

export {
  compileQuery,
  createGmailSandboxApp,
  GMAIL_INSUFFICIENT_SCOPE_BODY,
  GMAIL_RATE_LIMIT_BODY,
  GMAIL_SANDBOX_LIMITS,
  GMAIL_SERVER_ERROR_BODY,
  GMAIL_USER_RATE_LIMIT_BODY,
  type GmailSandboxControl,
  gmailErrorBody,
} from "./app.ts";
export * from "./bulk.ts";
export * from "./dataset.ts";
export { GMAIL_COMPOSE_SCOPE, GMAIL_READONLY_SCOPE, type SandboxGrants } from "./oauth.ts";

export interface GmailSandbox extends Sandbox {
  data: GmailDataset;
  control: GmailSandboxControl;
}

/** Serves `data` on a free loopback port: the API under `/gmail/v1`, batches under `/batch/gmail/v1`, `/token`. */
export async function startGmailSandbox(
  data: GmailDataset,
  options: { seed?: number } = {},
): Promise<GmailSandbox> {
  const control: GmailSandboxControl = {
    userRateLimited: 0,
    batches: 0,
    batchCalls: 0,
    faults: null,
    failNextDraft: null,
  };
  const sandbox = await startSandbox(
    createGmailSandboxApp(data, control),
    options.seed !== undefined ? { seed: options.seed } : {},
  );
  control.faults = sandbox.faults;
  return Object.assign(sandbox, { data, control });
}

/**
 * The environment that points the Gmail connector at a sandbox: the OAuth client and refresh token of its
 * token endpoint (or `{ token: true }` for GMAIL_ACCESS_TOKEN).
 */
export function gmailSandboxEnv(
  sandbox: Pick<Sandbox, "url"> & { data: GmailDataset },
  options: { token?: boolean; extra?: Record<string, string> } = {},
): Record<string, string> {
  const data = sandbox.data;
  const credentials: Record<string, string> = options.token
    ? { GMAIL_ACCESS_TOKEN: data.staticToken }
    : {
        GOOGLE_CLIENT_ID: data.clientId,
        GOOGLE_CLIENT_SECRET: data.clientSecret,
        GMAIL_REFRESH_TOKEN: data.refreshToken,
      };
  return { ...credentials, GMAIL_API_URL: sandbox.url, ...options.extra };
}
