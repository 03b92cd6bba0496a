/**
 * The Teams sandbox: a data set (`TeamsDataset`), the Hono app that serves it as Microsoft Graph and the
 * Microsoft Entra token endpoint, change-notification builders, and a bulk data set for benchmarks.
 *
 *   const data = new TeamsDataset().addUser("ana", { displayName: "Ana Lima" }).addTeam("t", "Team")
 *     .addChannel("t", "general", "General");
 *   data.post("general", { from: "ana", body: "Deploying FAL-12 now" });
 *   const teams = await startTeamsSandbox(data);
 *   const env = teamsSandboxEnv(teams, ["general"]); // MS_TENANT_ID, MS_CLIENT_ID, MS_CLIENT_SECRET, …
 *   teams.faults.set([{ status: 429, times: 2, retryAfterSeconds: 0, body: GRAPH_THROTTLED_BODY }]);
 */
import { type Sandbox, startSandbox } from "../harness.ts";
import { createTeamsSandboxApp, type TeamsSandboxControl, type TeamsSandboxOptions } from "./app.ts";
import type { TeamsDataset } from "./dataset.ts";
import { type SandboxSubscriptionOptions, SandboxSubscriptions } from "./subscriptions.ts";

export {
  createTeamsSandboxApp,
  TEAMS_SANDBOX_LIMITS,
  type TeamsSandboxControl,
  type TeamsSandboxOptions,
  type TeamsWriteFault,
} from "./app.ts";
export * from "./bulk.ts";
export * from "./dataset.ts";
export * from "./notifications.ts";
export { messageWebUrl, renderMessage } from "./render.ts";
export * from "./subscriptions.ts";

/**
 * Graph's 429 body, sent with `Retry-After` in seconds (https://learn.microsoft.com/graph/throttling#sample-response).
 */
export const GRAPH_THROTTLED_BODY = {
  error: {
    code: "TooManyRequests",
    innerError: {
      code: "429",
      date: "2020-08-18T12:51:51",
      message: "Please retry after",
      "request-id": "94fb3b52-452a-4535-a601-69e0a90e3aa2",
      status: "429",
    },
    message: "Please retry again later.",
  },
};

/** Graph's body for a 5xx (https://learn.microsoft.com/graph/errors#json-representation). */
export const GRAPH_SERVER_ERROR_BODY = {
  error: {
    code: "InternalServerError",
    message: "Failed to process request.",
    innerError: { date: "2026-02-02T08:00:00", "request-id": "5f1a3c2e-1111-4a6b-9c0d-2e3f4a5b6c7d" },
  },
};

export interface TeamsSandbox extends Sandbox {
  data: TeamsDataset;
  /** The change-notification subscriptions created on it, and lifecycle events to send. */
  subscriptions: SandboxSubscriptions;
  /** Set `control.failNextWrite` to fail the next reply posted, before or after it is saved. */
  control: TeamsSandboxControl;
}

/** Serves `data` on a free loopback port: Graph under `/v1.0`, the token endpoint under `/{tenant}`. */
export async function startTeamsSandbox(
  data: TeamsDataset,
  options: Omit<TeamsSandboxOptions, "subscriptions" | "control"> & {
    seed?: number;
    subscriptions?: SandboxSubscriptionOptions;
  } = {},
): Promise<TeamsSandbox> {
  const subscriptions = new SandboxSubscriptions(data, options.subscriptions);
  const control: TeamsSandboxControl = { failNextWrite: null };
  const sandbox = await startSandbox(
    createTeamsSandboxApp(data, { ...options, subscriptions, control }),
    options.seed !== undefined ? { seed: options.seed } : {},
  );
  return Object.assign(sandbox, { data, subscriptions, control });
}

/**
 * The environment that points the Teams connector at a sandbox: client credentials against its token
 * endpoint (or `{ token: true }` for MS_GRAPH_TOKEN, the app-only static token; `{ token: data.delegatedToken("ana") }`
 * to sign in as a person), the given channels.
 */
export function teamsSandboxEnv(
  sandbox: Pick<Sandbox, "url"> & { data: TeamsDataset },
  channelKeys: readonly string[] = [...sandbox.data.channels.keys()],
  options: { token?: boolean | string; extra?: Record<string, string> } = {},
): Record<string, string> {
  const data = sandbox.data;
  const credentials: Record<string, string> = options.token
    ? { MS_GRAPH_TOKEN: typeof options.token === "string" ? options.token : data.staticToken }
    : { MS_TENANT_ID: data.tenantId, MS_CLIENT_ID: data.clientId, MS_CLIENT_SECRET: data.clientSecret };
  return {
    ...credentials,
    TEAMS_CHANNELS: channelKeys.map((k) => data.scopeOf(k)).join(","),
    MS_GRAPH_URL: sandbox.url,
    MS_AUTHORITY_URL: sandbox.url,
    ...options.extra,
  };
}
