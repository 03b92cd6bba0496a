/**
 * The OpenID Connect sign-in on the Worker as Cloudflare runs it (workerd, as workerd.test.ts starts it): a
 * plain HTTP client with a cookie jar follows the redirects from `/auth/login` through the local provider's
 * login and consent forms back to `/auth/callback`, and lands on the inbox signed in as the team member.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../helpers/cli.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/databases.ts";
import { LOCAL_CLIENT, type LocalOidc, startLocalOidc } from "../helpers/local-oidc.ts";
import { type LocalWorker, startLocalWorker } from "../helpers/local-worker.ts";

/** A browser's little: cookies by name (both servers are on 127.0.0.1, whose cookies ignore the port). */
class Client {
  readonly cookies = new Map<string, string>();

  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}) {
    const res = await fetch(url, {
      method: init.method ?? "GET",
      redirect: "manual",
      headers: {
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
        ...(init.form
          ? { "content-type": "application/x-www-form-urlencoded", origin: new URL(url).origin }
          : {}),
      },
      ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}),
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const [name, ...value] = pair!.split("=");
      const expired = attributes.some(
        (a) => /^\s*max-age=0$/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a),
      );
      if (expired) this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value.join("="));
    }
    return res;
  }

  /** Follows redirects from `url`; answers the last response and its URL. */
  async follow(url: string, init: { method?: string; form?: Record<string, string> } = {}) {
    let res = await this.request(url, init);
    let at = url;
    for (let hops = 0; res.status >= 300 && res.status < 400 && hops < 20; hops++) {
      at = new URL(res.headers.get("location")!, at).href;
      res = await this.request(at);
    }
    return { res, url: at, html: await res.text() };
  }
}

/** The form of a provider page: where it posts and its hidden fields. */
function formOf(html: string, base: string) {
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error(`no form on the page: ${html.slice(0, 500)}`);
  const hidden = Object.fromEntries(
    [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]),
  );
  return { action: new URL(action.replace(/&amp;/g, "&"), base).href, hidden };
}

describe.skipIf(!process.env.TEST_DATABASE_URL)("OIDC sign-in on the Worker in workerd [postgres]", () => {
  let database: TestDatabase;
  let provider: LocalOidc;
  let worker: LocalWorker | undefined;
  let workerUrl = "";

  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    const port = await freePort();
    workerUrl = `http://127.0.0.1:${port}`;
    provider = await startLocalOidc([`${workerUrl}/auth/callback`]);
    worker = await startLocalWorker(
      {
        DATABASE_URL: database.url!,
        THREADLINE_API_TOKEN: "workerd-oidc-test-token-7a2c",
        THREADLINE_PUBLIC_URL: workerUrl,
        THREADLINE_TEAM_DOMAINS: "team.example",
        OIDC_ISSUER: provider.issuer,
        OIDC_CLIENT_ID: LOCAL_CLIENT.id,
        OIDC_CLIENT_SECRET: LOCAL_CLIENT.secret,
      },
      { port },
    );
    expect(worker.url).toBe(workerUrl);
  }, 90_000);

  afterAll(async () => {
    await worker?.stop();
    await provider?.close();
    await database?.close();
  });

  it("signs a team member in through the provider and shows the inbox as them", async () => {
    const client = new Client();
    // Token sign-in is off on the sign-in page.
    const signin = await client.follow(`${workerUrl}/`);
    expect(new URL(signin.url).pathname).toBe("/signin");
    expect(signin.html).toContain('href="/auth/login?next=%2F"');
    expect(signin.html).not.toContain('name="token"');

    const login = await client.follow(`${workerUrl}/auth/login?next=%2F`);
    expect(new URL(login.url).origin).toBe(provider.issuer);
    const loginForm = formOf(login.html, login.url);
    const consent = await client.follow(loginForm.action, {
      method: "POST",
      form: { ...loginForm.hidden, login: "ana", password: "any password" },
    });
    const consentForm = formOf(consent.html, consent.url);
    const back = await client.follow(consentForm.action, { method: "POST", form: consentForm.hidden });

    expect(back.url).toBe(`${workerUrl}/`);
    expect(back.res.status).toBe(200);
    expect(back.html).toContain('<span class="viewer">Ana Lima</span>');
    expect(client.cookies.has("tl_session")).toBe(true);
    expect(client.cookies.has("tl_oidc")).toBe(false);
  });
});
