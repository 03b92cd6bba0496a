/** What the product says about Chatter, a made-up chat tool: the sixth source of the registry test. */
import type { SourceAbout } from "../../../src/model/source-about.ts";

export const chatterAbout = {
  id: "chatter",
  label: "Chatter",
  place: "in Chatter",
  badgeColor: "#0f766e",
  teamAccounts: true,
  envVars: ["CHATTER_TOKEN", "CHATTER_ROOMS"],
  help: "room messages of CHATTER_ROOMS",
} as const satisfies SourceAbout<"chatter">;
