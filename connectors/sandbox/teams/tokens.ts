/**
 * Access tokens as Microsoft Entra issues them for Graph: JWTs whose claims say who they are for
 * (https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference). An app-only token
 * (client credentials) has `roles` and `idtyp: "app"`; a delegated token has `scp` (space-separated), the
 * person's `oid`, `upn` and `name`. The sandbox signs nothing: it knows the tokens it issued.
 */
import { randomUUID } from "node:crypto";

const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** A token's lifetime: an hour or so, as Entra gives them (counted on the real clock, which the connector reads). */
export const TOKEN_LIFETIME_SECONDS = 3599;

export function toSandboxJwt(
  claims: Record<string, unknown>,
  lifetimeSeconds = TOKEN_LIFETIME_SECONDS,
): string {
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    aud: "https://graph.microsoft.com",
    iat: now,
    nbf: now,
    exp: now + lifetimeSeconds,
    uti: randomUUID(),
    ver: "1.0",
    ...claims,
  };
  return `${part({ typ: "JWT", alg: "RS256", kid: "sandbox" })}.${part(payload)}.${Buffer.from("sandbox-signature").toString("base64url")}`;
}
