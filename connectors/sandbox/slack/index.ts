/**
 * The Slack sandbox: a workspace (`SlackDataset`, or a ready-made one from `workspace.ts`), the Hono app that
 * serves it as Slack's Web API, signed Events API requests, and a large workspace for benchmarks.
 *
 *   const data = buildSlackWorkspace();
 *   const slack = await startSlackSandbox(data);
 *   const env = slackSandboxEnv(slack); // SLACK_TOKEN, SLACK_API_URL, SLACK_SIGNING_SECRET
 *   slack.control.limited = { ...LIMITED_APP, windowMs: 1000 }; // 15 a page, one request a second a method
 *   slack.faults.set([{ status: 429, times: 2, retryAfterSeconds: 1, body: SLACK_RATE_LIMIT_BODY }]);
 *   slack.control.failNextWrite = { when: "after", as: 500 }; // the next chat.postMessage saves, then fails
 */
import { type Sandbox, startSandbox } from "../harness.ts";
import { createSlackSandboxApp, type LimitedAppMode, type SlackSandboxControl } from "./app.ts";
import type { SlackDataset } from "./dataset.ts";

export {
  createSlackSandboxApp,
  LIMITED_APP,
  type LimitedAppMode,
  SLACK_RATE_LIMIT_BODY,
  SLACK_SANDBOX_LIMITS,
  type SlackSandboxControl,
  type WriteFault,
} from "./app.ts";
export * from "./dataset.ts";
export { renderChannel, renderMessage, renderUser } from "./render.ts";
export * from "./webhooks.ts";
export * from "./workspace.ts";

export interface SlackSandbox extends Sandbox {
  data: SlackDataset;
  /** Change `control.limited` to switch the limited-app mode on or off while it runs. */
  control: SlackSandboxControl;
}

/** Serves `data` as Slack's Web API on a free loopback port (under `/api/`). */
export async function startSlackSandbox(
  data: SlackDataset,
  options: { seed?: number; limited?: LimitedAppMode | null } = {},
): Promise<SlackSandbox> {
  const control: SlackSandboxControl = { limited: options.limited ?? null };
  const sandbox = await startSandbox(createSlackSandboxApp(data, control), {
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  });
  return Object.assign(sandbox, { data, control });
}

/** The environment that points the Slack connector at a sandbox. */
export function slackSandboxEnv(
  sandbox: SlackSandbox,
  options: { channels?: readonly string[]; extra?: Record<string, string> } = {},
): Record<string, string> {
  const env: Record<string, string> = {
    SLACK_TOKEN: sandbox.data.botToken,
    SLACK_API_URL: `${sandbox.url}/api/`,
    SLACK_SIGNING_SECRET: sandbox.data.signingSecret,
  };
  if (options.channels) {
    env.SLACK_CHANNELS = options.channels.map((c) => sandbox.data.channel(c).id).join(",");
  }
  return { ...env, ...options.extra };
}
