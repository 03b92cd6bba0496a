/**
 * What a Microsoft Graph access token says of itself (pure): a delegated token names the person and the
 * permissions consented for them in `scp` (space-separated); an app-only token has `roles` and no `scp`
 * (https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference). The token is read, not
 * verified: Graph verifies it; Threadline only tells the person ahead what Graph would refuse.
 *
 * Posting a channel message needs the delegated `ChannelMessage.Send` (or the legacy `Group.ReadWrite.All`);
 * application permissions cannot post, except to import history (`Teamwork.Migrate.All`)
 * (https://learn.microsoft.com/graph/api/chatmessage-post-replies).
 */
import { fromBase64Url } from "../kit/hmac.ts";
import type { WriteAccess } from "../types.ts";
import type { TeamsSettings } from "./config.ts";

export interface TokenClaims {
  /** Delegated permissions; null for an app-only token. */
  scopes: string[] | null;
  roles: string[];
  /** The signed-in person's object id (the `from.user.id` of what they post). */
  userId: string | null;
  /** How the person is named: user principal name, else preferred username, else name. */
  account: string | null;
  expiresAt: Date | null;
}

/** The delegated permissions that may post channel messages. */
export const SEND_PERMISSIONS = ["ChannelMessage.Send", "Group.ReadWrite.All"] as const;

/** What an app-only configuration is told it needs. */
export const DELEGATED_SEND_NEEDED =
  "ChannelMessage.Send (delegated: Graph lets no app-only credentials post)";

const str = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim() : null);

/** A JWT's claims; null when the token is not one (an opaque token). */
export function readTokenClaims(token: string): TokenClaims | null {
  const parts = token.split(".");
  if (parts.length !== 3 || !parts[1]) return null;
  const bytes = fromBase64Url(parts[1]);
  if (!bytes) return null;
  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
  if (typeof payload !== "object" || payload === null) return null;
  const get = (key: string): unknown => Reflect.get(payload, key);
  const scp = str(get("scp"));
  const roles = get("roles");
  const exp = get("exp");
  return {
    scopes: scp ? scp.split(/\s+/) : null,
    roles: Array.isArray(roles) ? roles.filter((r): r is string => typeof r === "string") : [],
    userId: scp ? str(get("oid")) : null,
    account: str(get("upn")) ?? str(get("preferred_username")) ?? str(get("unique_name")) ?? str(get("name")),
    expiresAt: typeof exp === "number" ? new Date(exp * 1000) : null,
  };
}

/** Whether the configured credentials can post a reply, judged from the token (pure: `now` is given). */
export function toReplyAccess(settings: TeamsSettings, now: Date): WriteAccess {
  // Client credentials always give an app-only token.
  if (settings.auth.kind === "client") return { allowed: false, needs: DELEGATED_SEND_NEEDED };
  const claims = readTokenClaims(settings.auth.token);
  if (!claims) {
    return {
      allowed: false,
      needs: "ChannelMessage.Send (delegated): MS_GRAPH_TOKEN is not a token Threadline can read",
    };
  }
  if (claims.scopes === null) return { allowed: false, needs: DELEGATED_SEND_NEEDED };
  if (claims.expiresAt && claims.expiresAt.getTime() <= now.getTime()) {
    return {
      allowed: false,
      needs: `ChannelMessage.Send in a current MS_GRAPH_TOKEN (it expired at ${claims.expiresAt.toISOString()})`,
    };
  }
  if (!claims.scopes.some((s) => (SEND_PERMISSIONS as readonly string[]).includes(s))) {
    return { allowed: false, needs: "ChannelMessage.Send" };
  }
  return { allowed: true, account: claims.account ?? "the person MS_GRAPH_TOKEN signs in" };
}
