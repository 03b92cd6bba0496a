/**
 * The local Gmail server's OAuth endpoints answer as Google's do: consent, then a one-use code bound to its
 * redirect URI and PKCE verifier, a refresh token that works until it is revoked, and invalid_grant after.
 */
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  GMAIL_READONLY_SCOPE,
  GmailDataset,
  type GmailSandbox,
  startGmailSandbox,
} from "../../../connectors/sandbox/gmail/index.ts";

const REDIRECT = "http://127.0.0.1:1/settings/mailboxes/callback";

describe("the Gmail sandbox's OAuth endpoints", () => {
  let gmail: GmailSandbox;
  beforeAll(async () => {
    gmail = await startGmailSandbox(new GmailDataset({ mailbox: "ben@team.example" }));
    gmail.data.redirectUris.push(REDIRECT);
  });
  afterAll(() => gmail?.close());

  /** Consents as the mailbox's owner and answers the code sent back. */
  async function consent(challenge: string): Promise<string> {
    const query = new URLSearchParams({
      client_id: gmail.data.clientId,
      redirect_uri: REDIRECT,
      response_type: "code",
      scope: GMAIL_READONLY_SCOPE,
      state: "s1",
      code_challenge: challenge,
      code_challenge_method: "S256",
    });
    const page = await fetch(`${gmail.url}/o/oauth2/v2/auth?${query}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("ben@team.example");
    const decided = await fetch(`${gmail.url}/o/oauth2/v2/auth/decide`, {
      method: "POST",
      body: new URLSearchParams({ ...Object.fromEntries(query), decision: "allow" }),
      redirect: "manual",
    });
    const back = new URL(decided.headers.get("location")!);
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(back.searchParams.get("state")).toBe("s1");
    return back.searchParams.get("code")!;
  }

  const token = (fields: Record<string, string>) =>
    fetch(`${gmail.url}/token`, {
      method: "POST",
      body: new URLSearchParams({
        client_id: gmail.data.clientId,
        client_secret: gmail.data.clientSecret,
        ...fields,
      }),
    });

  it("refuses an unregistered redirect URI on Google's own error page", async () => {
    const res = await fetch(
      `${gmail.url}/o/oauth2/v2/auth?${new URLSearchParams({
        client_id: gmail.data.clientId,
        redirect_uri: "https://evil.example/cb",
        response_type: "code",
        scope: GMAIL_READONLY_SCOPE,
      })}`,
      { redirect: "manual" },
    );
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("redirect_uri_mismatch");
  });

  it("exchanges a code once, with its verifier; the refresh token works until revoked", async () => {
    const verifier = randomBytes(32).toString("base64url");
    const challenge = createHash("sha256").update(verifier).digest("base64url");
    const wrong = await token({
      grant_type: "authorization_code",
      code: await consent(challenge),
      redirect_uri: REDIRECT,
      code_verifier: "not-the-verifier",
    });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: "invalid_grant" });

    const code = await consent(challenge);
    const ok = await token({
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
    });
    expect(ok.status).toBe(200);
    const grant = (await ok.json()) as { refresh_token: string; access_token: string; scope: string };
    expect(grant.scope).toBe(GMAIL_READONLY_SCOPE);
    const again = await token({
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
    });
    expect(again.status).toBe(400);

    const profile = await fetch(`${gmail.url}/gmail/v1/users/me/profile`, {
      headers: { authorization: `Bearer ${grant.access_token}` },
    });
    expect(((await profile.json()) as { emailAddress: string }).emailAddress).toBe("ben@team.example");
    expect((await token({ grant_type: "refresh_token", refresh_token: grant.refresh_token })).status).toBe(
      200,
    );

    const revoke = (t: string) =>
      fetch(`${gmail.url}/revoke`, { method: "POST", body: new URLSearchParams({ token: t }) });
    expect((await revoke(grant.refresh_token)).status).toBe(200);
    expect((await revoke(grant.refresh_token)).status).toBe(400);
    const refused = await token({ grant_type: "refresh_token", refresh_token: grant.refresh_token });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: "invalid_grant" });
    const stale = await fetch(`${gmail.url}/gmail/v1/users/me/profile`, {
      headers: { authorization: `Bearer ${grant.access_token}` },
    });
    expect(stale.status).toBe(401);
  });

  it("sends the browser back with access_denied when the owner cancels", async () => {
    const res = await fetch(`${gmail.url}/o/oauth2/v2/auth/decide`, {
      method: "POST",
      body: new URLSearchParams({
        client_id: gmail.data.clientId,
        redirect_uri: REDIRECT,
        scope: GMAIL_READONLY_SCOPE,
        state: "s2",
        decision: "cancel",
      }),
      redirect: "manual",
    });
    const back = new URL(res.headers.get("location")!);
    expect(back.searchParams.get("error")).toBe("access_denied");
    expect(back.searchParams.get("code")).toBeNull();
  });
});
