/**
 * The whole app (API and web view) served over HTTP on a free port, as `threadline serve` serves it, for the
 * browser tests. `@hono/node-server` serves `app.fetch`, the same path the Node server takes.
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createApp } from "../../src/api/app.ts";
import type { FlagSettings } from "../../src/flags/flag-settings.ts";
import type { Db } from "../../src/store/db.ts";
import type { MailboxDeps, SigninSettings } from "../../src/web/routes.tsx";
import { LOCAL_CLIENT, type LocalOidc, startLocalOidc } from "../helpers/local-oidc.ts";

export const WEB_TOKEN = "web-test-token-8d3f1a6c0b2e";

export interface ServedApp {
  url: string;
  close(): Promise<void>;
}

export async function serveApp(
  db: Db,
  now: () => Date,
  options: {
    flagSettings?: FlagSettings;
    /** Sign-in settings, made once the app's URL is known (an OIDC provider must know its callback). */
    signin?: (url: string) => Promise<SigninSettings>;
    /** People's own mailboxes (the Gmail OAuth client, the sealing key). */
    mailboxes?: MailboxDeps;
  } = {},
): Promise<ServedApp> {
  let fetch: (request: Request, env: unknown) => Response | Promise<Response> = () =>
    new Response("starting", { status: 503 });
  const server = serve({ fetch: (request, env) => fetch(request, env), port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((resolve, reject) => {
    server.once("listening", () => resolve());
    server.once("error", reject);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const app = createApp({
    db,
    apiToken: WEB_TOKEN,
    now,
    logError: (err) => console.error(err),
    ...(options.flagSettings ? { flagSettings: options.flagSettings } : {}),
    ...(options.signin ? { signin: await options.signin(url) } : {}),
    ...(options.mailboxes ? { mailboxes: options.mailboxes } : {}),
  });
  fetch = (request, env) => app.fetch(request, env as Record<string, unknown>);
  return {
    url,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * The app served with sign-in through a local OpenID provider (team domain `team.example`), and the provider;
 * closing the app closes the provider too.
 */
export async function serveAppWithLocalOidc(
  db: Db,
  now: () => Date,
  options: { admins?: string[]; idleMs?: number; mailboxes?: MailboxDeps } = {},
): Promise<{ served: ServedApp; provider: LocalOidc }> {
  let provider: LocalOidc | undefined;
  const served = await serveApp(db, now, {
    ...(options.mailboxes ? { mailboxes: options.mailboxes } : {}),
    signin: async (url) => {
      provider = await startLocalOidc([`${url}/auth/callback`]);
      return {
        oidc: { issuer: provider.issuer, clientId: LOCAL_CLIENT.id, clientSecret: LOCAL_CLIENT.secret },
        publicUrl: url,
        teamDomains: ["team.example"],
        admins: options.admins ?? [],
        idleMs: options.idleMs ?? 3_600_000,
      };
    },
  });
  const started = provider!;
  return {
    provider: started,
    served: {
      url: served.url,
      close: async () => {
        await served.close();
        await started.close();
      },
    },
  };
}
