/**
 * A person connects their own mailbox: Google's OAuth 2.0 for web server apps
 * (https://developers.google.com/identity/protocols/oauth2/web-server) through `openid-client`, which runs
 * on Node and on Workers. The authorization code flow with PKCE (S256) and state, `gmail.readonly` only,
 * `access_type=offline` and `prompt=consent` so Google answers a refresh token, and
 * `include_granted_scopes=true` where the team signs in with Google (incremental authorization). The
 * address comes from the mailbox itself (users.getProfile), never from what the browser says.
 */
import * as client from "openid-client";
import type { GmailSettings } from "./config.ts";

export const GMAIL_READONLY_SCOPE = "https://www.googleapis.com/auth/gmail.readonly";
/** Google's issuer: an ID token that comes with the code (incremental authorization) is checked against it. */
const GOOGLE_ISSUER = "https://accounts.google.com";

type OAuthSettings = Pick<GmailSettings, "client" | "apiUrl" | "tokenUrl" | "authorizeUrl" | "revokeUrl">;

function configurationOf(settings: OAuthSettings): client.Configuration {
  if (!settings.client) {
    throw new Error(
      "[threadline] [gmail] set GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET to let people connect their mailboxes",
    );
  }
  const config = new client.Configuration(
    {
      issuer: GOOGLE_ISSUER,
      authorization_endpoint: settings.authorizeUrl,
      token_endpoint: settings.tokenUrl,
      revocation_endpoint: settings.revokeUrl,
    },
    settings.client.clientId,
    undefined,
    client.ClientSecretPost(settings.client.clientSecret),
  );
  // Plain HTTP is only ever a local server (the sandbox, a proxy on this machine).
  if (new URL(settings.tokenUrl).protocol === "http:") client.allowInsecureRequests(config);
  return config;
}

export interface StartedConnect {
  url: string;
  state: string;
  verifier: string;
}

/** Where to send the browser for the person's consent, and what the callback must find again. */
export async function startMailboxConnect(
  settings: OAuthSettings,
  options: { redirectUri: string; loginHint: string | null; incremental: boolean },
): Promise<StartedConnect> {
  const config = configurationOf(settings);
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const parameters: Record<string, string> = {
    redirect_uri: options.redirectUri,
    scope: GMAIL_READONLY_SCOPE,
    response_type: "code",
    access_type: "offline",
    prompt: "consent",
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
  };
  if (options.incremental) parameters.include_granted_scopes = "true";
  if (options.loginHint) parameters.login_hint = options.loginHint;
  return { url: client.buildAuthorizationUrl(config, parameters).href, state, verifier };
}

export interface ConnectedGrant {
  /** The mailbox's own address, from Gmail. */
  address: string;
  refreshToken: string;
  grantedScopes: string;
}

/**
 * Exchanges the code Google sent back (`callbackUrl`: the registered redirect URI with its query) and reads
 * the mailbox's address. Throws when the state, the PKCE verifier or the code does not check out, when
 * `gmail.readonly` was not granted, or when Google sent no refresh token.
 */
export async function finishMailboxConnect(
  settings: OAuthSettings,
  callbackUrl: URL,
  expected: { state: string; verifier: string },
): Promise<ConnectedGrant> {
  const config = configurationOf(settings);
  const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
    pkceCodeVerifier: expected.verifier,
    expectedState: expected.state,
  });
  const granted = tokens.scope ?? "";
  if (!granted.split(" ").includes(GMAIL_READONLY_SCOPE)) {
    throw new Error("Gmail read access was not granted");
  }
  if (!tokens.refresh_token) throw new Error("Google sent no refresh token");
  // https://developers.google.com/gmail/api/reference/rest/v1/users/getProfile
  const profile = await client.fetchProtectedResource(
    config,
    tokens.access_token,
    new URL(`${settings.apiUrl}/gmail/v1/users/me/profile`),
    "GET",
  );
  const body: unknown = profile.ok ? await profile.json() : null;
  const address =
    body && typeof body === "object" && "emailAddress" in body && typeof body.emailAddress === "string"
      ? body.emailAddress.trim().toLowerCase()
      : null;
  if (!address) throw new Error(`Gmail answered ${profile.status} for the mailbox's profile`);
  return { address, refreshToken: tokens.refresh_token, grantedScopes: granted };
}

/**
 * Revokes a grant at Google (https://developers.google.com/identity/protocols/oauth2/web-server#tokenrevoke).
 * Answers false when Google could not be reached or refused (a grant already revoked answers 400).
 */
export async function revokeMailboxGrant(settings: OAuthSettings, refreshToken: string): Promise<boolean> {
  try {
    await client.tokenRevocation(configurationOf(settings), refreshToken, {
      token_type_hint: "refresh_token",
    });
    return true;
  } catch {
    return false;
  }
}
