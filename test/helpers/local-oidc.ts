/**
 * A real OpenID provider on a loopback port: `oidc-provider` (a certified implementation) with its built-in
 * login and consent pages, where any password signs in the account named. One confidential client, whose
 * redirect URI is the app's `/auth/callback`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";
import type { Page } from "playwright-core";

export interface LocalAccount {
  email: string;
  email_verified?: boolean;
  /** Entra ID's "the address's domain is verified by the tenant", sent instead of `email_verified`. */
  xms_edov?: boolean;
  name: string;
}

/** Two people of the team, one outsider, one team address never verified, one verified the Entra ID way. */
export const LOCAL_ACCOUNTS: Record<string, LocalAccount> = {
  ana: { email: "ana@team.example", email_verified: true, name: "Ana Lima" },
  ben: { email: "ben@team.example", email_verified: true, name: "Ben Okafor" },
  eve: { email: "eve@outside.example", email_verified: true, name: "Eve Outsider" },
  una: { email: "una@team.example", email_verified: false, name: "Una Verified-Not" },
  max: { email: "max@team.example", xms_edov: true, name: "Max Entra" },
};

export const LOCAL_CLIENT = { id: "threadline-test", secret: "threadline-test-secret-5b1e" };

export interface LocalOidc {
  issuer: string;
  close(): Promise<void>;
}

/** Starts the provider; `redirectUris` are the callbacks the client may use. */
export async function startLocalOidc(redirectUris: string[]): Promise<LocalOidc> {
  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();
  const server = createServer((req, res) => handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: LOCAL_CLIENT.id,
        client_secret: LOCAL_CLIENT.secret,
        redirect_uris: redirectUris,
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_post",
      },
    ],
    claims: { openid: ["sub"], email: ["email", "email_verified", "xms_edov"], profile: ["name"] },
    cookies: { keys: ["local-oidc-cookie-key"] },
    pkce: { required: () => true },
    async findAccount(_ctx: unknown, sub: string) {
      const account = LOCAL_ACCOUNTS[sub];
      if (!account) return undefined;
      return { accountId: sub, claims: async () => ({ sub, ...account }) };
    },
  });
  handle = provider.callback();
  return {
    issuer,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Walks a browser page from the app's sign-in page through the local provider's own sign-in (and, the first
 * time, consent) pages as `login`, with any password; resolves once the browser is back on `appUrl`'s origin.
 */
export async function signInAtProvider(
  page: Page,
  provider: LocalOidc,
  appUrl: string,
  login: string,
): Promise<void> {
  await page.getByRole("link", { name: "Sign in with your team account" }).click();
  await page.waitForURL((u) => u.origin === provider.issuer);
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("any password");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await page.waitForURL((u) => u.origin !== provider.issuer || u.pathname.startsWith("/interaction"));
  if (new URL(page.url()).origin === provider.issuer) {
    await page.getByRole("button", { name: "Continue" }).click();
  }
  const app = new URL(appUrl).origin;
  await page.waitForURL((u) => u.origin === app);
}
