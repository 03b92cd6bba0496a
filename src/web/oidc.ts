/**
 * Sign-in through the team's OpenID Connect provider, with `openid-client` (which runs on Node and on
 * Workers): discovery from the issuer (kept per issuer; a failed one is tried again next time), the
 * authorization code flow with PKCE (S256), state and nonce, and the ID token checked by the library.
 */
import * as client from "openid-client";
import type { OidcConfig } from "../config.ts";

/** A boolean claim some providers send as text or a number. */
const isTrue = (v: unknown) => v === true || v === "true" || v === "1" || v === 1;

export interface OidcClaims {
  email: string | null;
  emailVerified: boolean;
  name: string | null;
}

const discovered = new Map<string, Promise<client.Configuration>>();

function configurationOf(oidc: OidcConfig): Promise<client.Configuration> {
  const cacheKey = `${oidc.issuer}\n${oidc.clientId}\n${oidc.clientSecret}`;
  let found = discovered.get(cacheKey);
  if (!found) {
    const issuer = new URL(oidc.issuer);
    found = client.discovery(
      issuer,
      oidc.clientId,
      oidc.clientSecret,
      undefined,
      // A plain-HTTP issuer is only ever a local one (tests, a provider on this machine).
      issuer.protocol === "http:" ? { execute: [client.allowInsecureRequests] } : undefined,
    );
    discovered.set(cacheKey, found);
    found.catch(() => {
      if (discovered.get(cacheKey) === found) discovered.delete(cacheKey);
    });
  }
  return found;
}

export interface StartedSignin {
  url: string;
  state: string;
  nonce: string;
  verifier: string;
}

/** Where to send the browser to sign in, and what the callback must find again. */
export async function startOidcSignin(oidc: OidcConfig, redirectUri: string): Promise<StartedSignin> {
  const config = await configurationOf(oidc);
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: "openid email profile",
    response_type: "code",
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
    nonce,
  });
  return { url: url.href, state, nonce, verifier };
}

/**
 * Exchanges the code the provider sent back (`callbackUrl`, as registered, with the query it carried) and
 * answers the ID token's claims. Throws when anything does not check out (state, nonce, PKCE, signature,
 * issuer, audience, expiry).
 */
export async function finishOidcSignin(
  oidc: OidcConfig,
  callbackUrl: URL,
  expected: { state: string; nonce: string; verifier: string },
): Promise<OidcClaims> {
  const config = await configurationOf(oidc);
  const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
    pkceCodeVerifier: expected.verifier,
    expectedState: expected.state,
    expectedNonce: expected.nonce,
    idTokenExpected: true,
  });
  const idClaims = tokens.claims();
  if (!idClaims) throw new Error("the provider sent no ID token");
  // Google and Entra ID put the email in the ID token; a provider that conforms strictly to the code flow
  // gives it at the UserInfo endpoint only (checked there to be about the same subject).
  const claims: Record<string, unknown> =
    idClaims.email === undefined && config.serverMetadata().userinfo_endpoint
      ? { ...(await client.fetchUserInfo(config, tokens.access_token, idClaims.sub)), ...idClaims }
      : idClaims;
  const str = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v.trim() : null);
  return {
    email: str(claims.email)?.toLowerCase() ?? null,
    // Entra ID sends no `email_verified`; its optional claim `xms_edov` says the address's domain is one the
    // tenant has verified.
    emailVerified: claims.email_verified === true || isTrue(claims.xms_edov),
    name: str(claims.name),
  };
}
