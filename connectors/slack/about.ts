/** What the product says about Slack. No SDK here: the core and the Worker read it. */
import type { SourceAbout } from "../../src/model/source-about.ts";
import { SLACK_ENV_VARS } from "./config.ts";

export const slackAbout = {
  id: "slack",
  label: "Slack",
  place: "in Slack",
  badgeColor: "#4a154b",
  teamAccounts: true,
  envVars: SLACK_ENV_VARS,
  help: "channel messages and threads of SLACK_CHANNELS (default: every channel the bot is in)",
} as const satisfies SourceAbout<"slack">;
