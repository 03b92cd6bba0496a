/**
 * Sign-in, the session cookie and CSRF over HTTP (the app's `request`, no browser): cookie flags, redirects
 * for visitors without a session, forged or expired cookies, and POSTs without the token or from elsewhere.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/api/app.ts";
import { saveWebSession } from "../../src/store/web-sessions.ts";
import { hashSessionId, newSessionId } from "../../src/web/session.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/databases.ts";
import { fixtures } from "../helpers/fixtures.ts";

const TOKEN = "auth-test-token-51c0e9";
const NOW = new Date("2025-03-10T12:00:00.000Z");
const HOST = "inbox.example";
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

describe("web sign-in and CSRF [pglite]", () => {
  let database: TestDatabase;
  let app: ReturnType<typeof createApp>;
  let flagId = "";
  let actFlagId = "";
  let loose = "";
  let people: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase("pglite");
    const f = fixtures(database.db);
    const task = await f.task({ key: "AUTH-1" });
    flagId = (await f.flag({ taskKey: task.key })).id;
    await f.task({ key: "ACT-1", title: "Mute me" });
    actFlagId = (await f.flag({ taskKey: "ACT-1", kind: "no_owner" })).id;
    loose = (await f.item({ source: "slack", text: "never put on a task" })).id;
    people = [(await f.person({ name: "Dana W" })).id, (await f.person({ name: "Dana Whitfield" })).id];
    app = createApp({ db: database.db, apiToken: TOKEN, now: () => NOW });
  });
  afterAll(() => database?.close());

  const request = (path: string, init: RequestInit & { headers?: Record<string, string> } = {}) =>
    app.request(`http://${HOST}${path}`, { ...init, headers: { host: HOST, ...init.headers } });

  /** Signs in as a browser would: the form, its cookie, the POST. Answers the session cookie. */
  async function signIn(
    headers: Record<string, string> = {},
  ): Promise<{ cookie: string; setCookie: string }> {
    const page = await request("/signin", { headers });
    const pre = page.headers.get("set-cookie")!.split(";")[0]!;
    const token = /name="_signin" value="([^"]+)"/.exec(await page.text())![1]!;
    const res = await request("/signin", {
      method: "POST",
      headers: {
        ...headers,
        cookie: pre,
        origin: `http://${HOST}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: form({ _signin: token, token: TOKEN, next: "/tasks/AUTH-1" }),
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/tasks/AUTH-1");
    const setCookie = res.headers.get("set-cookie")!;
    return { cookie: setCookie.split(";")[0]!, setCookie };
  }

  async function csrfOf(cookie: string): Promise<string> {
    const html = await (await request("/", { headers: { cookie } })).text();
    return /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
  }

  it("sends every page to sign-in without a session, remembering where it was going", async () => {
    for (const path of ["/", "/tasks/AUTH-1", "/items", "/people", "/?q=kind%3Astale"]) {
      const res = await request(path);
      expect(res.status, path).toBe(303);
      expect(res.headers.get("location")).toBe(`/signin?next=${encodeURIComponent(path)}`);
    }
  });

  it("sets an HttpOnly, SameSite=Lax session cookie, Secure only over HTTPS", async () => {
    const plain = await signIn();
    expect(plain.setCookie).toMatch(/^tl_session=/);
    expect(plain.setCookie).toMatch(/HttpOnly/);
    expect(plain.setCookie).toMatch(/SameSite=Lax/);
    expect(plain.setCookie).not.toMatch(/Secure/);
    const proxied = await signIn({ "x-forwarded-proto": "https" });
    expect(proxied.setCookie).toMatch(/; Secure/);
    expect((await request("/", { headers: { cookie: plain.cookie } })).status).toBe(200);
  });

  it("sends pages with a CSP that forbids inline script", async () => {
    const { cookie } = await signIn();
    const res = await request("/tasks/AUTH-1", { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toMatch(/script-src 'self'/);
    expect(res.headers.get("x-frame-options")).toBe("DENY");
  });

  it("refuses a wrong token, a sign-in without its form token, and one from another site", async () => {
    const page = await request("/signin");
    const pre = page.headers.get("set-cookie")!.split(";")[0]!;
    const token = /name="_signin" value="([^"]+)"/.exec(await page.text())![1]!;
    const post = (fields: Record<string, string>, headers: Record<string, string>) =>
      request("/signin", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
        body: form(fields),
      });
    const wrong = await post({ _signin: token, token: "nope" }, { cookie: pre, origin: `http://${HOST}` });
    expect(wrong.status).toBe(303);
    expect(wrong.headers.get("location")).toMatch(/^\/signin\?failed=1/);
    expect(wrong.headers.get("set-cookie")).toBeNull();
    expect((await post({ token: TOKEN }, { cookie: pre, origin: `http://${HOST}` })).status).toBe(403);
    expect(
      (await post({ _signin: token, token: TOKEN }, { cookie: pre, origin: "https://evil.example" })).status,
    ).toBe(403);
  });

  it("rejects unknown, tampered and signed-out session cookies", async () => {
    const { cookie } = await signIn();
    const good = cookie.slice("tl_session=".length);
    expect((await request("/", { headers: { cookie } })).status).toBe(200);
    const tampered = `${good.slice(0, -2)}${good.endsWith("A") ? "BB" : "AA"}`;
    for (const value of [newSessionId(), tampered, "garbage", ""]) {
      expect((await request("/", { headers: { cookie: `tl_session=${value}` } })).status).toBe(303);
    }
  });

  it("ends a person's sessions once their address leaves the team's domains", async () => {
    const signin = (teamDomains: string[]) =>
      createApp({
        db: database.db,
        apiToken: TOKEN,
        now: () => NOW,
        signin: {
          // Never asked: nothing here starts a sign-in.
          oidc: { issuer: "https://id.example", clientId: "c", clientSecret: "s" },
          publicUrl: `http://${HOST}`,
          teamDomains,
          admins: [],
          idleMs: 3_600_000,
        },
      });
    const id = newSessionId();
    await saveWebSession(database.db, {
      idHash: await hashSessionId(id),
      personId: people[0]!,
      email: "dana@team.example",
      name: "Dana W",
      role: "member",
      csrf: "csrf-of-dana",
      now: NOW,
      expiresAt: new Date(NOW.getTime() + 86_400_000),
    });
    const open = (app: ReturnType<typeof createApp>) =>
      app.request(`http://${HOST}/`, { headers: { host: HOST, cookie: `tl_session=${id}` } });
    expect((await open(signin(["team.example"]))).status).toBe(200);
    // The team's domains change: the session ends, and stays ended if the domain comes back.
    expect((await open(signin(["other.example"]))).status).toBe(303);
    expect((await open(signin(["team.example"]))).status).toBe(303);
  });

  it("names the cookie __Host- over HTTPS", async () => {
    const proxied = await signIn({ "x-forwarded-proto": "https" });
    expect(proxied.setCookie).toMatch(/^__Host-tl_session=[A-Za-z0-9_-]{43};/);
    expect(proxied.setCookie).toMatch(/Path=\//);
    const res = await request("/", { headers: { cookie: proxied.cookie, "x-forwarded-proto": "https" } });
    expect(res.status).toBe(200);
  });

  it("rejects a POST without the CSRF token, with another session's, or from another origin", async () => {
    const { cookie } = await signIn();
    const csrf = await csrfOf(cookie);
    const other = await csrfOf((await signIn()).cookie);
    const post = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
      request(`/flags/${flagId}/dismiss`, {
        method: "POST",
        headers: {
          cookie,
          "content-type": "application/x-www-form-urlencoded",
          origin: `http://${HOST}`,
          ...headers,
        },
        body: form({ reason: "not relevant", return: "/", ...fields }),
      });
    expect((await post({})).status).toBe(403);
    expect((await post({ _csrf: other })).status).toBe(403);
    expect((await post({ _csrf: csrf }, { origin: "https://evil.example" })).status).toBe(403);
    expect((await post({ _csrf: csrf }, { origin: "null" })).status).toBe(403);
    const noOrigin = await request(`/flags/${flagId}/dismiss`, {
      method: "POST",
      headers: {
        cookie,
        "content-type": "application/x-www-form-urlencoded",
        "sec-fetch-site": "cross-site",
      },
      body: form({ reason: "x", _csrf: csrf }),
    });
    expect(noOrigin.status).toBe(403);
    // No session at all: nothing changes either.
    const anonymous = await request(`/flags/${flagId}/dismiss`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: `http://${HOST}` },
      body: form({ reason: "x", _csrf: csrf }),
    });
    expect(anonymous.status).toBe(403);
    const ok = await post({ _csrf: csrf, return: "//evil.example/x" });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/?notice=dismissed");
  });

  it("runs the actions: mute, mark done, link an item, save a search, merge two people", async () => {
    const { cookie } = await signIn();
    const csrf = await csrfOf(cookie);
    const act = (path: string, fields: Record<string, string> = {}) =>
      request(path, {
        method: "POST",
        headers: { cookie, origin: `http://${HOST}`, "content-type": "application/x-www-form-urlencoded" },
        body: form({ _csrf: csrf, return: "/", ...fields }),
      });
    const inbox = async (q = "") =>
      (await request(q ? `/?q=${encodeURIComponent(q)}` : "/", { headers: { cookie } })).text();
    expect(await inbox()).toContain('data-task="ACT-1"');
    expect((await act("/tasks/ACT-1/mute")).headers.get("location")).toBe("/?notice=muted");
    expect(await inbox()).not.toContain('data-task="ACT-1"');
    expect(await inbox("is:muted")).toContain('data-task="ACT-1"');
    await act("/tasks/ACT-1/unmute");
    await act("/tasks/ACT-1/done");
    expect(await inbox()).not.toContain('data-task="ACT-1"');
    await act("/tasks/ACT-1/undone");
    expect(await inbox()).toContain('data-task="ACT-1"');
    expect((await act("/tasks/NOPE-1/mute")).headers.get("location")).toBe("/?notice=no_task");

    const items = await (await request("/items", { headers: { cookie } })).text();
    expect(items).toContain("never put on a task");
    const linked = await act(`/items/${encodeURIComponent(loose)}/link`, {
      taskKey: "ACT-1",
      return: "/items",
    });
    expect(linked.headers.get("location")).toBe("/items?notice=linked");
    expect(await (await request("/tasks/ACT-1", { headers: { cookie } })).text()).toContain(
      "never put on a task",
    );

    await act("/searches", { name: "No owner", query: "kind:no_owner" });
    expect(await inbox()).toContain("No owner</span></a>");

    const merged = await act(`/people/${people[0]}/merge`, { into: people[1]! });
    expect(merged.headers.get("location")).toBe(`/people/${people[1]}?notice=merged`);
    const gone = await request(`/people/${people[0]}`, { headers: { cookie } });
    expect(gone.headers.get("location")).toBe(`/people/${people[1]}`);
  });

  it("tells the local admin that API tokens need a person's sign-in, and makes none for them", async () => {
    const { cookie } = await signIn();
    const csrf = await csrfOf(cookie);
    expect(await (await request("/", { headers: { cookie } })).text()).not.toContain(
      'href="/settings/tokens"',
    );
    const page = await request("/settings/tokens", { headers: { cookie } });
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toContain("Personal API tokens need sign-in with your team account");
    expect(text).not.toContain("Make token");
    const made = await request("/settings/tokens", {
      method: "POST",
      headers: { cookie, origin: `http://${HOST}`, "content-type": "application/x-www-form-urlencoded" },
      body: form({ _csrf: csrf, name: "script", scopes: "write", days: "30" }),
    });
    expect(made.status).toBe(403);
    expect(await made.text()).not.toContain("tl_pat_");
  });

  it("makes a person's API token only from a same-origin form with their CSRF token", async () => {
    const person = await fixtures(database.db).person({ email: "tia@team.example", name: "Tia" });
    const app = createApp({
      db: database.db,
      apiToken: TOKEN,
      now: () => NOW,
      signin: {
        oidc: { issuer: "https://id.example", clientId: "c", clientSecret: "s" },
        publicUrl: `http://${HOST}`,
        teamDomains: ["team.example"],
        admins: [],
        idleMs: 3_600_000,
      },
    });
    const id = newSessionId();
    await saveWebSession(database.db, {
      idHash: await hashSessionId(id),
      personId: person.id,
      email: "tia@team.example",
      name: "Tia",
      role: "member",
      csrf: "csrf-of-tia",
      now: NOW,
      expiresAt: new Date(NOW.getTime() + 86_400_000),
    });
    const cookie = `tl_session=${id}`;
    const home = await app.request(`http://${HOST}/`, { headers: { host: HOST, cookie } });
    expect(await home.text()).toContain('href="/settings/tokens"');
    const make = (fields: Record<string, string>, origin = `http://${HOST}`) =>
      app.request(`http://${HOST}/settings/tokens`, {
        method: "POST",
        headers: { host: HOST, cookie, origin, "content-type": "application/x-www-form-urlencoded" },
        body: form({ name: "script", scopes: "read", days: "30", return: "/settings/tokens", ...fields }),
      });
    expect((await make({})).status).toBe(403);
    expect((await make({ _csrf: "csrf-of-someone" })).status).toBe(403);
    expect((await make({ _csrf: "csrf-of-tia" }, "https://evil.example")).status).toBe(403);
    for (const bad of [
      { days: "400" },
      { days: "0" },
      { scopes: "admin" },
      { name: "" },
      { name: "x".repeat(81) },
    ] as Record<string, string>[]) {
      const res = await make({ _csrf: "csrf-of-tia", ...bad });
      expect(res.headers.get("location"), JSON.stringify(bad)).toBe("/settings/tokens?notice=bad_token");
    }
    const ok = await make({ _csrf: "csrf-of-tia" });
    expect(ok.status).toBe(200);
    const secret = /tl_pat_[A-Za-z0-9_-]{43}/.exec(await ok.text())?.[0];
    expect(secret).toBeDefined();
    const api = await app.request("/api/flags?for=me", { headers: { authorization: `Bearer ${secret}` } });
    expect(api.status).toBe(200);
  });

  it("opens the local admin on Team, offers no 'for me', and refuses one made up", async () => {
    const { cookie } = await signIn();
    const csrf = await csrfOf(cookie);
    const page = await (await request("/?view=mine", { headers: { cookie } })).text();
    // Nobody in particular: no Mine tab, the whole inbox, team-wide actions only.
    expect(page).not.toContain('aria-label="Views"');
    expect(page).toContain('data-task="ACT-1"');
    expect(page).not.toContain('name="scope"');
    const res = await request(`/flags/${encodeURIComponent(actFlagId)}/dismiss`, {
      method: "POST",
      headers: { cookie, origin: `http://${HOST}`, "content-type": "application/x-www-form-urlencoded" },
      body: form({ _csrf: csrf, return: "/", reason: "mine only", scope: "me" }),
    });
    expect(res.headers.get("location")).toBe("/?notice=bad_scope");
    expect(await (await request("/", { headers: { cookie } })).text()).toContain('data-task="ACT-1"');
  });

  it("does not let the session cookie stand in for the API's bearer token", async () => {
    const { cookie } = await signIn();
    expect((await request("/api/tasks", { headers: { cookie } })).status).toBe(401);
  });

  it("signs out: the cookie is cleared", async () => {
    const { cookie } = await signIn();
    const csrf = await csrfOf(cookie);
    const res = await request("/signout", {
      method: "POST",
      headers: { cookie, origin: `http://${HOST}`, "content-type": "application/x-www-form-urlencoded" },
      body: form({ _csrf: csrf }),
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("set-cookie")).toMatch(/^tl_session=;.*Max-Age=0/);
  });

  it("slows down repeated wrong tokens from one address with 429 and Retry-After, not other addresses", async () => {
    const attempt = async (address: string, token: string) => {
      const headers = { "cf-connecting-ip": address };
      const page = await request("/signin", { headers });
      const pre = page.headers.get("set-cookie")!.split(";")[0]!;
      const formToken = /name="_signin" value="([^"]+)"/.exec(await page.text())![1]!;
      return request("/signin", {
        method: "POST",
        headers: {
          ...headers,
          cookie: pre,
          origin: `http://${HOST}`,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: form({ _signin: formToken, token }),
      });
    };
    for (let n = 0; n < 3; n++) expect((await attempt("203.0.113.9", "wrong-token")).status).toBe(303);
    const slowed = await attempt("203.0.113.9", TOKEN);
    expect(slowed.status).toBe(429);
    expect(slowed.headers.get("retry-after")).toBe("2");
    expect(await slowed.text()).toContain("Try again in 2 seconds");
    expect((await attempt("203.0.113.10", TOKEN)).status).toBe(303);
  });
});
