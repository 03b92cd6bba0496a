/**
 * The Slack settings from the environment: when Slack counts as configured, defaults, and the messages
 * that name a bad variable.
 */
import { describe, expect, it } from "vitest";
import { slackSettingsFromEnv } from "../../../connectors/slack/config.ts";
import { ConfigError } from "../../../src/config.ts";

describe("Slack settings", () => {
  it("is off without SLACK_TOKEN and SLACK_CHANNELS", () => {
    expect(slackSettingsFromEnv({})).toBeNull();
    expect(slackSettingsFromEnv({ SLACK_SIGNING_SECRET: "s", SLACK_TOKEN: "" })).toBeNull();
  });

  it("reads the token, the channels and the defaults", () => {
    expect(
      slackSettingsFromEnv({ SLACK_TOKEN: " xoxb-1 ", SLACK_CHANNELS: "C0123456789, G0123456789 ," }),
    ).toEqual({
      token: "xoxb-1",
      channels: ["C0123456789", "G0123456789"],
      apiUrl: "https://slack.com/api/",
      signingSecret: null,
      rescanDays: 7,
    });
    expect(
      slackSettingsFromEnv({
        SLACK_TOKEN: "t",
        SLACK_API_URL: "http://127.0.0.1:9/api",
        SLACK_RESCAN_DAYS: "0",
      }),
    ).toMatchObject({ apiUrl: "http://127.0.0.1:9/api/", rescanDays: 0, channels: [] });
  });

  it.each([
    [{ SLACK_CHANNELS: "C0123456789" }, /SLACK_TOKEN must be set/],
    [{ SLACK_TOKEN: "t", SLACK_CHANNELS: "#general" }, /SLACK_CHANNELS must be comma-separated channel ids/],
    [{ SLACK_TOKEN: "t", SLACK_API_URL: "slack.com" }, /SLACK_API_URL must be the Web API root/],
    [{ SLACK_TOKEN: "t", SLACK_RESCAN_DAYS: "a week" }, /SLACK_RESCAN_DAYS/],
  ])("names the variable in error: %j", (env, message) => {
    expect(() => slackSettingsFromEnv(env)).toThrow(ConfigError);
    expect(() => slackSettingsFromEnv(env)).toThrow(message);
  });
});
