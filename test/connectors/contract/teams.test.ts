/** The connector contract for Teams: the client project's channels of the Teams tests, read through Graph. */
import {
  GRAPH_SERVER_ERROR_BODY,
  GRAPH_THROTTLED_BODY,
  messageNotification,
  notificationRequest,
  startTeamsSandbox,
  TeamsDataset,
  type TeamsSandbox,
} from "../../../connectors/sandbox/teams/index.ts";
import { teamsClientState } from "../../../connectors/teams/index.ts";
import {
  buildOrg,
  graphRequests,
  quickTeams,
  RUN_NOW,
  settingsFor,
  TEAMS_LINK_CONTEXT,
} from "../teams/helpers.ts";
import { describeConnectorContract } from "./contract.ts";

const EXPANDED = 5;
const connector = quickTeams().connector;

const notification = (teams: TeamsSandbox, clientState: string | null) => {
  const [thread] = teams.data.threads.get(teams.data.channel("client").id)!;
  return notificationRequest([messageNotification(teams.data, thread!.root, { clientState })], {
    now: RUN_NOW,
  });
};

/** A channel with more root posts than a page of the list holds (Graph's default 20, at most 50). */
async function startBusyChannel(): Promise<TeamsSandbox> {
  const data = new TeamsDataset()
    .addUser("ana", { displayName: "Ana Lima" })
    .addTeam("t", "T")
    .addChannel("t", "big", "Big");
  for (let i = 0; i < 120; i++) {
    data.advance(60_000);
    const root = data.post("big", { from: "ana", body: `Post ${i}` });
    if (i % 10 === 0) data.reply(root.id, { from: "ana", body: `Reply to ${i}` });
  }
  return startTeamsSandbox(data);
}

describeConnectorContract({
  source: "teams",
  connector,
  start: (options) => startTeamsSandbox(buildOrg(), { expandedReplies: EXPANDED, ...options }),
  settings: (teams) => settingsFor(teams, [...teams.data.channels.keys()]),
  scopes: (teams) => ["dev", "client"].map((c) => teams.data.scopeOf(c)),
  now: RUN_NOW,
  // The progress line counts Graph's requests; the token endpoint is MSAL's.
  apiRequests: (teams) => graphRequests(teams),
  backfillRequests: (teams, scope) => {
    const key = scope === teams.data.scopeOf("dev") ? "dev" : "client";
    const messages = teams.data.messagesOf(key);
    const roots = messages.filter((m) => !m.replyToId);
    const longThreads = roots.filter((r) => messages.filter((m) => m.replyToId === r.id).length > EXPANDED);
    // The channel once, the pages of root posts (replies expanded up to 5), a page more of replies for each
    // longer thread, one directory lookup of the authors (15 a request), and the delta round ending the
    // backfill with its link.
    const authors = new Set(messages.flatMap((m) => (m.from?.kind === "user" ? [m.from.key] : [])));
    return 1 + Math.ceil(roots.length / 50) + longThreads.length + Math.ceil(authors.size / 15) + 1;
  },
  emptyPassRequests: 1,
  paged: {
    connector,
    scope: (teams) => teams.data.scopeOf("big"),
    start: startBusyChannel,
  },
  refusals: {
    401: {
      arrange: (teams) => ({
        settings: settingsFor(teams, ["dev"], { token: true, extra: { MS_GRAPH_TOKEN: "expired" } }),
      }),
      message: /InvalidAuthenticationToken.*check MS_GRAPH_TOKEN/,
    },
    403: {
      arrange: (teams) => {
        teams.data.roles.delete("ChannelMessage.Read.All");
        return {
          settings: settingsFor(teams, ["dev"], { token: true }),
          undo: () => teams.data.roles.add("ChannelMessage.Read.All"),
        };
      },
      message: /ChannelMessage\.Read\.All/,
    },
  },
  // https://learn.microsoft.com/graph/throttling: 429 with Retry-After, which the SDK's RetryHandler honours.
  rateLimit: (seconds) => ({
    status: 429,
    path: /\/messages\?/,
    retryAfterSeconds: seconds,
    body: GRAPH_THROTTLED_BODY,
  }),
  rateLimitMessage: /TooManyRequests/,
  // The SDK retries 503 (and 504) after `delay`, 0 here; one keeps it quick.
  briefServerErrors: [{ status: 503, times: 1, body: GRAPH_SERVER_ERROR_BODY }],
  // The SDK leaves 500 to the engine at once.
  lastingServerError: { status: 500, path: /^\/v1\.0\//, rate: 1, body: GRAPH_SERVER_ERROR_BODY },
  faultRun: () => [
    { status: 429, path: /^\/v1\.0\//, rate: 0.3, retryAfterSeconds: 0, body: GRAPH_THROTTLED_BODY },
    { status: 500, path: /^\/v1\.0\//, rate: 0.2, body: GRAPH_SERVER_ERROR_BODY },
  ],
  sync: () => ({
    now: () => RUN_NOW,
    linkContext: TEAMS_LINK_CONTEXT,
    retry: { baseDelayMs: 1, maxDelayMs: 5, attempts: 8 },
  }),
  webhook: {
    // Graph signs nothing: a notification proves itself by the clientState the subscription was given.
    signed: async (teams, settings) => notification(teams, await teamsClientState(settings)),
    forged: async (teams, settings) => {
      const good = (await teamsClientState(settings))!;
      return [
        notification(teams, "SecretClientState"),
        notification(teams, null),
        notification(teams, `${good.slice(0, -1)}${good.endsWith("A") ? "B" : "A"}`),
      ];
    },
  },
});
