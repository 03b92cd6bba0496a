/** The Teams settings from the environment: what turns the connector on, and what it refuses. */
import { describe, expect, it } from "vitest";
import { teamsSettingsFromEnv } from "../../../connectors/teams/config.ts";
import { ConfigError } from "../../../src/config.ts";

const CHANNEL = "fbe2bf47-16c8-47cf-b4a5-4b9b187c508b/19:4a95f7d8db4c4e7fae857bcebe0623e6@thread.tacv2";
const CLIENT = {
  MS_TENANT_ID: "tenant",
  MS_CLIENT_ID: "client",
  MS_CLIENT_SECRET: "secret",
  TEAMS_CHANNELS: CHANNEL,
};

describe("Teams settings", () => {
  it("is off without any Teams variable", () => {
    expect(teamsSettingsFromEnv({ JIRA_BASE_URL: "https://x.atlassian.net" })).toBeNull();
  });

  it("reads client credentials, the channels and the default roots", () => {
    expect(teamsSettingsFromEnv(CLIENT)).toEqual({
      auth: { kind: "client", tenantId: "tenant", clientId: "client", clientSecret: "secret" },
      channels: [
        {
          scope: CHANNEL,
          teamId: "fbe2bf47-16c8-47cf-b4a5-4b9b187c508b",
          channelId: "19:4a95f7d8db4c4e7fae857bcebe0623e6@thread.tacv2",
        },
      ],
      graphUrl: "https://graph.microsoft.com",
      authorityUrl: "https://login.microsoftonline.com",
      webhookSecret: "secret",
    });
  });

  it("reads a ready token, and a sovereign cloud's roots (a trailing version is dropped)", () => {
    const settings = teamsSettingsFromEnv({
      MS_GRAPH_TOKEN: "eyJ0",
      TEAMS_CHANNELS: `${CHANNEL}, ${CHANNEL.replace("fbe2", "0000")}`,
      MS_GRAPH_URL: "https://graph.microsoft.us/v1.0/",
      MS_AUTHORITY_URL: "https://login.microsoftonline.us/",
    });
    expect(settings).toMatchObject({
      auth: { kind: "token", token: "eyJ0" },
      graphUrl: "https://graph.microsoft.us",
      authorityUrl: "https://login.microsoftonline.us",
      webhookSecret: null,
    });
    expect(settings?.channels).toHaveLength(2);
  });

  it.each([
    [{ ...CLIENT, MS_CLIENT_SECRET: undefined }, /MS_CLIENT_SECRET must be set/],
    [{ MS_GRAPH_TOKEN: "t" }, /TEAMS_CHANNELS must be set/],
    [
      { MS_GRAPH_TOKEN: "t", TEAMS_CHANNELS: "general" },
      /TEAMS_CHANNELS must be comma-separated teamId\/channelId/,
    ],
    [{ ...CLIENT, MS_GRAPH_URL: "graph.microsoft.com" }, /MS_GRAPH_URL must be the Microsoft Graph root/],
    [{ TEAMS_CHANNELS: CHANNEL }, /MS_TENANT_ID must be set .*or set MS_GRAPH_TOKEN/],
  ])("refuses %j", (env, message) => {
    expect(() => teamsSettingsFromEnv(env)).toThrow(ConfigError);
    expect(() => teamsSettingsFromEnv(env)).toThrow(message);
  });
});
