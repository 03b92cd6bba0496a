/**
 * Google's OAuth 2.0 endpoints for web server apps, as the Gmail sandbox serves them beside the API
 * (https://developers.google.com/identity/protocols/oauth2/web-server):
 *
 * - `GET /o/oauth2/v2/auth`: the authorization endpoint (Google's is `https://accounts.google.com/o/oauth2/v2/auth`):
 *   checks `client_id`, a registered `redirect_uri`, `response_type=code` and the scope, then shows the
 *   mailbox owner's consent page; "Allow" sends the browser back with `code`, `state` and `scope`, "Cancel"
 *   with `error=access_denied`. PKCE (`code_challenge`, `S256` or `plain`) is kept for the token request.
 * - `POST /token`: `grant_type=authorization_code` (one use per code, the same `redirect_uri`, the PKCE
 *   verifier) answers an access token and a refresh token; `grant_type=refresh_token` an access token, or
 *   `400 invalid_grant` once the grant is revoked.
 * - `POST /revoke` (Google's is `https://oauth2.googleapis.com/revoke`): `token=` a refresh or access token;
 *   `200` and the grant is gone, `400 invalid_token` for a token it does not know.
 * - `GET|POST /tokeninfo` (Google's is `https://oauth2.googleapis.com/tokeninfo`): an access token (the
 *   `access_token` parameter, or `Authorization: Bearer` as the auth library sends it) answers its client,
 *   granted `scope` and `expires_in`; `400 invalid_token` for a token it does not know.
 *
 * Every access token keeps the scopes of its grant: a code's consented scopes, or for the data set's own
 * refresh token and static token `GmailDataset.scopes` as they are when the token is issued.
 */
import { createHash, randomUUID } from "node:crypto";
import type { Context, Hono } from "hono";
import type { GmailDataset } from "./dataset.ts";

export const GMAIL_READONLY_SCOPE = "https://www.googleapis.com/auth/gmail.readonly";
export const GMAIL_COMPOSE_SCOPE = "https://www.googleapis.com/auth/gmail.compose";

interface PendingCode {
  redirectUri: string;
  challenge: string | null;
  method: string;
  scope: string;
  expiresAt: number;
}

/** The grants the sandbox has issued: refresh tokens and the access tokens each one gave. */
export interface SandboxGrants {
  /** Access tokens the API accepts. */
  readonly issued: Set<string>;
  /** Live refresh tokens, each with the access tokens it issued. */
  readonly refresh: Map<string, Set<string>>;
  /** The scopes (space-separated) of each access token, and of each refresh token a code gave. */
  readonly scopes: Map<string, string>;
  /** Requests the revocation endpoint answered 200. */
  revocations: number;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

const form = async (c: Context) => {
  const body = await c.req.parseBody();
  return (name: string) => (typeof body[name] === "string" ? (body[name] as string) : "");
};

/** Mounts the OAuth endpoints on the sandbox's app; the data set's own refresh token is a live grant. */
export function mountGmailOAuth(app: Hono, data: GmailDataset, grants: SandboxGrants): void {
  grants.refresh.set(data.refreshToken, new Set());
  const codes = new Map<string, PendingCode>();
  const authError = (c: Context, status: 400 | 401, error: string, description: string) =>
    c.json({ error, error_description: description }, status);

  const checkRequest = (q: (name: string) => string): string | null => {
    if (q("client_id") !== data.clientId) return "invalid_client: The OAuth client was not found.";
    if (!data.redirectUris.includes(q("redirect_uri")))
      return `redirect_uri_mismatch: ${q("redirect_uri")} is not registered for this client.`;
    if (q("response_type") !== "code") return "unsupported_response_type";
    if (!q("scope").split(" ").includes(GMAIL_READONLY_SCOPE)) return "invalid_scope";
    const method = q("code_challenge_method") || "plain";
    if (q("code_challenge") && method !== "S256" && method !== "plain")
      return "invalid_request: code_challenge_method";
    return null;
  };

  app.get("/o/oauth2/v2/auth", (c) => {
    const q = (name: string) => c.req.query(name) ?? "";
    const problem = checkRequest(q);
    // Google shows its own error page for a bad client or redirect URI: nothing goes back to the app.
    if (problem)
      return c.html(
        `<!doctype html><title>Error 400</title><h1>Access blocked</h1><p>${escapeHtml(problem)}</p>`,
        400,
      );
    const keep = ["client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method"]
      .map((name) => `<input type="hidden" name="${name}" value="${escapeHtml(q(name))}">`)
      .join("");
    return c.html(
      `<!doctype html><html lang="en"><title>Sign in - Google Accounts</title>
<h1>Threadline wants to access your Google Account</h1>
<p id="account">${escapeHtml(data.mailbox)}</p>
<p>This will allow Threadline to: Read your email messages and settings</p>
<form method="post" action="/o/oauth2/v2/auth/decide">${keep}
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="cancel">Cancel</button></form></html>`,
    );
  });

  app.post("/o/oauth2/v2/auth/decide", async (c) => {
    const q = await form(c);
    const fakeQuery = (name: string) => (name === "response_type" ? "code" : q(name));
    const problem = checkRequest(fakeQuery);
    if (problem) return c.text(problem, 400);
    const back = new URL(q("redirect_uri"));
    if (q("state")) back.searchParams.set("state", q("state"));
    if (q("decision") !== "allow") {
      back.searchParams.set("error", "access_denied");
      return c.redirect(back.href, 302);
    }
    const code = `4/0${randomUUID().replace(/-/g, "")}`;
    codes.set(code, {
      redirectUri: q("redirect_uri"),
      challenge: q("code_challenge") || null,
      method: q("code_challenge_method") || "plain",
      scope: q("scope"),
      expiresAt: Date.now() + 10 * 60_000,
    });
    back.searchParams.set("code", code);
    back.searchParams.set("scope", q("scope"));
    return c.redirect(back.href, 302);
  });

  const scopeOf = (refreshToken: string) =>
    refreshToken === data.refreshToken ? data.scopes.join(" ") : (grants.scopes.get(refreshToken) ?? "");
  const issueAccess = (refreshToken: string) => {
    const token = `ya29.${randomUUID()}`;
    grants.issued.add(token);
    grants.scopes.set(token, scopeOf(refreshToken));
    grants.refresh.get(refreshToken)?.add(token);
    return token;
  };

  // https://developers.google.com/identity/protocols/oauth2/web-server#exchange-authorization-code and
  // https://developers.google.com/identity/protocols/oauth2/web-server#offline
  app.post("/token", async (c) => {
    const field = await form(c);
    const grantType = field("grant_type");
    if (grantType !== "refresh_token" && grantType !== "authorization_code") {
      return authError(c, 400, "unsupported_grant_type", `Invalid grant_type: ${grantType}`);
    }
    if (field("client_id") !== data.clientId || field("client_secret") !== data.clientSecret) {
      return authError(c, 401, "invalid_client", "The OAuth client was not found.");
    }
    if (grantType === "refresh_token") {
      const refreshToken = field("refresh_token");
      if (!grants.refresh.has(refreshToken)) {
        return authError(c, 400, "invalid_grant", "Token has been expired or revoked.");
      }
      return c.json({
        access_token: issueAccess(refreshToken),
        expires_in: data.tokenLifetimeSeconds,
        scope: scopeOf(refreshToken),
        token_type: "Bearer",
      });
    }
    const pending = codes.get(field("code"));
    codes.delete(field("code"));
    if (!pending || pending.expiresAt < Date.now()) {
      return authError(c, 400, "invalid_grant", "Malformed auth code.");
    }
    if (pending.redirectUri !== field("redirect_uri")) {
      return authError(c, 400, "redirect_uri_mismatch", "Bad Request");
    }
    if (pending.challenge) {
      const verifier = field("code_verifier");
      const derived =
        pending.method === "S256" ? createHash("sha256").update(verifier).digest("base64url") : verifier;
      if (!verifier || derived !== pending.challenge) {
        return authError(c, 400, "invalid_grant", "Missing code verifier.");
      }
    }
    const refreshToken = `1//0${randomUUID().replace(/-/g, "")}`;
    grants.refresh.set(refreshToken, new Set());
    grants.scopes.set(refreshToken, pending.scope);
    return c.json({
      access_token: issueAccess(refreshToken),
      expires_in: data.tokenLifetimeSeconds,
      refresh_token: refreshToken,
      scope: pending.scope,
      token_type: "Bearer",
    });
  });

  // Token information, as the auth library's getTokenInfo asks it (POST with the token as a Bearer).
  const tokenInfo = async (c: Context) => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
    const fromForm = c.req.method === "POST" && !bearer ? (await form(c))("access_token") : "";
    const token = bearer ?? (fromForm || (c.req.query("access_token") ?? ""));
    if (!grants.issued.has(token)) return authError(c, 400, "invalid_token", "Invalid Value");
    return c.json({
      azp: data.clientId,
      aud: data.clientId,
      scope: token === data.staticToken ? data.scopes.join(" ") : (grants.scopes.get(token) ?? ""),
      exp: String(Math.floor(Date.now() / 1000) + data.tokenLifetimeSeconds),
      expires_in: String(data.tokenLifetimeSeconds),
      access_type: "offline",
    });
  };
  app.get("/tokeninfo", tokenInfo);
  app.post("/tokeninfo", tokenInfo);

  // https://developers.google.com/identity/protocols/oauth2/web-server#tokenrevoke
  app.post("/revoke", async (c) => {
    const token = (await form(c))("token") || (c.req.query("token") ?? "");
    const accessOf = grants.refresh.get(token);
    if (accessOf) {
      for (const access of accessOf) grants.issued.delete(access);
      grants.refresh.delete(token);
      grants.revocations++;
      return c.body(null, 200);
    }
    if (grants.issued.delete(token)) {
      for (const [refresh, access] of grants.refresh) if (access.has(token)) grants.refresh.delete(refresh);
      grants.revocations++;
      return c.body(null, 200);
    }
    return authError(c, 400, "invalid_token", "Token expired or revoked");
  });
}
