/** What the product says about Gmail. No SDK here: the core and the Worker read it. */
import type { SourceAbout } from "../../src/model/source-about.ts";
import { GMAIL_ENV_VARS } from "./config.ts";

export const gmailAbout = {
  id: "gmail",
  label: "Gmail",
  place: "by email",
  badgeColor: "#b3261e",
  // Anyone can send an email: an address says who is on the team (THREADLINE_TEAM_DOMAINS), not the account.
  teamAccounts: false,
  envVars: GMAIL_ENV_VARS,
  help: "email threads of the GMAIL_USER mailbox that match GMAIL_QUERY",
} as const satisfies SourceAbout<"gmail">;
