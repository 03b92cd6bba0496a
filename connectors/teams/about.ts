/** What the product says about Microsoft Teams. No SDK here: the core and the Worker read it. */
import type { SourceAbout } from "../../src/model/source-about.ts";
import { TEAMS_ENV_VARS } from "./config.ts";

export const teamsAbout = {
  id: "teams",
  label: "Teams",
  place: "in Teams",
  badgeColor: "#4b53bc",
  teamAccounts: true,
  envVars: TEAMS_ENV_VARS,
  help: "channel messages and replies of TEAMS_CHANNELS",
} as const satisfies SourceAbout<"teams">;
