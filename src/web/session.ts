/**
 * Web sessions kept in the database (src/store/web-sessions.ts): the cookie holds a random id, the table its
 * SHA-256, so sign-out, an admin or a change of the team's domains ends a session at once. Each session has
 * its own CSRF token, which forms carry; every POST is checked against it and against the request's Origin
 * (or Fetch Metadata / Referer when a browser sends no Origin). The OpenID Connect sign-in keeps its state,
 * nonce and PKCE verifier in a short-lived cookie MACed with a key derived from the API token.
 *
 * Web Crypto, and `node:crypto`'s hash (which the Worker has under `nodejs_compat`), so the Worker runs it as
 * Node does.
 */
import { createHash } from "node:crypto";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { timingSafeEqual } from "hono/utils/buffer";
import { trimTrailing } from "../model/trim-text.ts";

/** The session cookie over plain HTTP (localhost); over HTTPS it is `__Host-` prefixed (Secure, path /, no Domain). */
export const SESSION_COOKIE = "tl_session";
/** The sign-in form's own token (double submit): a session does not exist yet to derive one from. */
export const SIGNIN_COOKIE = "tl_signin";
/** The OpenID Connect sign-in in flight: state, nonce, PKCE verifier and where to go after. */
export const OIDC_FLOW_COOKIE = "tl_oidc";
/** A session's absolute lifetime; signing in again starts a new one. */
export const SESSION_MAX_AGE_S = 7 * 24 * 3600;
/** How long the provider's sign-in may take. */
const OIDC_FLOW_MAX_AGE_S = 10 * 60;

const encoder = new TextEncoder();

function base64url(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let s = "";
  for (const b of view) s += String.fromCharCode(b);
  return trimTrailing(btoa(s).replace(/\+/g, "-").replace(/\//g, "_"), "=");
}

/** Random url-safe text of `bytes` random bytes. */
export function randomToken(bytes = 18): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** A new session id: 32 random bytes. */
export const newSessionId = () => randomToken(32);

/**
 * What the table stores of a session id: its SHA-256, hex. Hashed with `node:crypto` at once rather than Web
 * Crypto's `digest`, whose promise goes through a job of its own and cost a quarter of a millisecond of every
 * signed-in page for 43 bytes.
 */
export async function hashSessionId(id: string): Promise<string> {
  return createHash("sha256").update(id).digest("hex");
}

/** Whether a cookie value can be a session id at all (the table is not asked about anything else). */
export const isSessionId = (value: string | undefined): value is string =>
  value !== undefined && /^[A-Za-z0-9_-]{43}$/.test(value);

export interface SessionKeys {
  /** MAC of `text`, url-safe. */
  mac(text: string): Promise<string>;
}

/** Web Crypto's key type, named without the DOM lib. */
type HmacKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

const keyCache = new Map<string, Promise<HmacKey>>();

/** The cookie MAC key of an API token: HMAC(token, purpose), so the key is never the token itself. */
async function deriveKey(apiToken: string): Promise<HmacKey> {
  const tokenKey = await crypto.subtle.importKey(
    "raw",
    encoder.encode(apiToken),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const derived = await crypto.subtle.sign("HMAC", tokenKey, encoder.encode("threadline web cookies v2"));
  return crypto.subtle.importKey("raw", derived, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
}

export function sessionKeys(apiToken: string): SessionKeys {
  let key = keyCache.get(apiToken);
  if (!key) {
    key = deriveKey(apiToken);
    keyCache.clear();
    keyCache.set(apiToken, key);
  }
  const ready = key;
  return {
    mac: async (text) => base64url(await crypto.subtle.sign("HMAC", await ready, encoder.encode(text))),
  };
}

/** The OpenID Connect sign-in in flight, as its cookie carries it. */
export interface OidcFlow {
  state: string;
  nonce: string;
  verifier: string;
  next: string;
}

export async function setOidcFlowCookie(c: Context, keys: SessionKeys, flow: OidcFlow, now: Date) {
  const body = base64url(
    encoder.encode(JSON.stringify({ ...flow, exp: Math.floor(now.getTime() / 1000) + OIDC_FLOW_MAX_AGE_S })),
  );
  // Lax: the provider sends the browser back with a top-level GET, which carries Lax cookies.
  setCookie(
    c,
    OIDC_FLOW_COOKIE,
    `${body}.${await keys.mac(`oidc.${body}`)}`,
    cookieOptions(c, OIDC_FLOW_MAX_AGE_S),
  );
}

/** The flow its cookie carries, or null when it is missing, forged or too old. The cookie is cleared. */
export async function takeOidcFlowCookie(c: Context, keys: SessionKeys, now: Date): Promise<OidcFlow | null> {
  const value = getCookie(c, OIDC_FLOW_COOKIE);
  deleteCookie(c, OIDC_FLOW_COOKIE, { path: "/", secure: isHttps(c), httpOnly: true, sameSite: "Lax" });
  const m = /^([A-Za-z0-9_-]{1,4000})\.([A-Za-z0-9_-]{43})$/.exec(value ?? "");
  if (!m) return null;
  if (!(await timingSafeEqual(await keys.mac(`oidc.${m[1]}`), m[2]!))) return null;
  try {
    const text = atob(m[1]!.replace(/-/g, "+").replace(/_/g, "/"));
    const flow = JSON.parse(new TextDecoder().decode(Uint8Array.from(text, (ch) => ch.charCodeAt(0))));
    if (typeof flow.exp !== "number" || flow.exp < now.getTime() / 1000) return null;
    const ok = ["state", "nonce", "verifier", "next"].every((k) => typeof flow[k] === "string");
    return ok ? { state: flow.state, nonce: flow.nonce, verifier: flow.verifier, next: flow.next } : null;
  } catch {
    return null;
  }
}

/** Whether the request reached us over HTTPS, directly or through a proxy that says so. */
export function isHttps(c: Context): boolean {
  if (new URL(c.req.url).protocol === "https:") return true;
  const forwarded = c.req.header("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase();
  return forwarded === "https";
}

/** The cookie options every web cookie shares: HttpOnly, SameSite=Lax, Secure over HTTPS. */
const cookieOptions = (c: Context, maxAge: number) => ({
  httpOnly: true,
  // Lax, not Strict: a link to a task in the digest email must open the page signed in. Lax still keeps the
  // cookie off cross-site POSTs, and every POST checks a CSRF token and the Origin besides.
  sameSite: "Lax" as const,
  secure: isHttps(c),
  path: "/",
  maxAge,
});

/** The session cookie's name: `__Host-` prefixed over HTTPS, so no subdomain or plain-HTTP page can set it. */
const sessionCookieName = (c: Context) => (isHttps(c) ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE);

export function setSessionCookie(c: Context, id: string): void {
  setCookie(c, sessionCookieName(c), id, cookieOptions(c, SESSION_MAX_AGE_S));
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, sessionCookieName(c), { path: "/", secure: isHttps(c), httpOnly: true, sameSite: "Lax" });
}

export function readSessionCookie(c: Context): string | undefined {
  return getCookie(c, sessionCookieName(c));
}

/** The sign-in form's token: the cookie's when there is one, else a new one set now. */
export function ensureSigninToken(c: Context): string {
  const current = getCookie(c, SIGNIN_COOKIE);
  if (current && /^[A-Za-z0-9_-]{16,64}$/.test(current)) return current;
  const token = randomToken();
  setCookie(c, SIGNIN_COOKIE, token, { ...cookieOptions(c, 3600), sameSite: "Strict" });
  return token;
}

export function readSigninCookie(c: Context): string | undefined {
  return getCookie(c, SIGNIN_COOKIE);
}

/**
 * Whether a POST comes from our own pages: its Origin names this host; without an Origin, Fetch Metadata
 * must not say cross-site, and a Referer (when sent) must name this host. The form token is checked besides.
 */
export function isSameOriginPost(c: Context): boolean {
  const host = (c.req.header("x-forwarded-host") ?? c.req.header("host") ?? new URL(c.req.url).host)
    .split(",")[0]!
    .trim()
    .toLowerCase();
  const hostOf = (value: string) => {
    try {
      return new URL(value).host.toLowerCase();
    } catch {
      return null;
    }
  };
  const origin = c.req.header("origin");
  if (origin !== undefined) return origin !== "null" && hostOf(origin) === host;
  const site = c.req.header("sec-fetch-site");
  if (site !== undefined && site !== "same-origin" && site !== "none") return false;
  const referer = c.req.header("referer");
  if (referer !== undefined) return hostOf(referer) === host;
  return true;
}

/**
 * `next` when it is a path on this site (not `//host` or `/\host`), else `/`. Judged on the path as a URL
 * parser resolves it, since `/.//host` becomes `//host` once its dot segment is removed.
 */
export function toLocalPath(next: string | undefined | null): string {
  if (!next?.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  // Control characters (a CR/LF would split the Location header; browsers drop tabs and newlines in URLs).
  if ([...next].some((ch) => ch.charCodeAt(0) < 0x20)) return "/";
  const base = "http://local.invalid";
  let resolved: URL;
  try {
    resolved = new URL(next, base);
  } catch {
    return "/";
  }
  if (resolved.origin !== base || resolved.pathname.startsWith("//")) return "/";
  return `${resolved.pathname}${resolved.search}${resolved.hash}`;
}
