/**
 * What the reply action's `access` reads in the configured Graph credentials (pure): who the token is for
 * and what it may do, before anything is written.
 */
import { describe, expect, it } from "vitest";
import { toSandboxJwt } from "../../../connectors/sandbox/teams/tokens.ts";
import { TeamsSettingsSchema } from "../../../connectors/teams/config.ts";
import {
  DELEGATED_SEND_NEEDED,
  readTokenClaims,
  toReplyAccess,
} from "../../../connectors/teams/token-claims.ts";

const NOW = new Date();
const settingsWith = (env: Record<string, string>) =>
  TeamsSettingsSchema.parse({ TEAMS_CHANNELS: "t1/19:c1@thread.tacv2", ...env });
const delegated = (claims: Record<string, unknown>, lifetime?: number) =>
  settingsWith({ MS_GRAPH_TOKEN: toSandboxJwt({ oid: "u-1", upn: "ann@contoso.com", ...claims }, lifetime) });

describe("Teams write access from the token", () => {
  it("a delegated token with ChannelMessage.Send (or the legacy Group.ReadWrite.All) writes as its person", () => {
    expect(toReplyAccess(delegated({ scp: "User.Read ChannelMessage.Send" }), NOW)).toEqual({
      allowed: true,
      account: "ann@contoso.com",
    });
    expect(toReplyAccess(delegated({ scp: "Group.ReadWrite.All" }), NOW).allowed).toBe(true);
    expect(readTokenClaims(toSandboxJwt({ scp: "ChannelMessage.Send", oid: "u-1" }))?.userId).toBe("u-1");
  });

  it("app-only credentials, a token without the permission, an expired or unreadable token: what each needs", () => {
    expect(
      toReplyAccess(settingsWith({ MS_TENANT_ID: "t", MS_CLIENT_ID: "c", MS_CLIENT_SECRET: "s" }), NOW),
    ).toEqual({ allowed: false, needs: DELEGATED_SEND_NEEDED });
    expect(toReplyAccess(delegated({ roles: ["ChannelMessage.Read.All"], idtyp: "app" }), NOW)).toEqual({
      allowed: false,
      needs: DELEGATED_SEND_NEEDED,
    });
    expect(toReplyAccess(delegated({ scp: "ChannelMessage.Read.All" }), NOW)).toEqual({
      allowed: false,
      needs: "ChannelMessage.Send",
    });
    const expired = toReplyAccess(delegated({ scp: "ChannelMessage.Send" }, -60), NOW);
    expect(expired).toMatchObject({
      allowed: false,
      needs: expect.stringMatching(/current MS_GRAPH_TOKEN \(it expired at/),
    });
    expect(toReplyAccess(settingsWith({ MS_GRAPH_TOKEN: "opaque-token" }), NOW)).toMatchObject({
      allowed: false,
      needs: expect.stringContaining("not a token Threadline can read"),
    });
  });
});
