/**
 * Web sessions without server state: signing in with the API token sets a cookie `<issued>.<nonce>.<mac>`,
 * MACed (HMAC-SHA-256) with a key derived from the token, so rotating the token signs everyone out. The CSRF
 * token of a session is a MAC of its nonce: forms carry it, and every POST is checked against it and against
 * the request's Origin (or Fetch Metadata / Referer when a browser sends no Origin).
 *
 * Web Crypto only, so the Worker runs it as Node does.
 */
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { timingSafeEqual } from "hono/utils/buffer";

export const SESSION_COOKIE = "tl_session";
/** The sign-in form's own token (double submit): a session does not exist yet to derive one from. */
export const SIGNIN_COOKIE = "tl_signin";
/** How long a session lasts; signing in again starts a new one. */
export const SESSION_MAX_AGE_S = 7 * 24 * 3600;

const encoder = new TextEncoder();

function base64url(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let s = "";
  for (const b of view) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Random url-safe text of `bytes` random bytes. */
export function randomToken(bytes = 18): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

export interface SessionKeys {
  /** MAC of `text`, url-safe. */
  mac(text: string): Promise<string>;
}

/** Web Crypto's key type, named without the DOM lib. */
type HmacKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

const keyCache = new Map<string, Promise<HmacKey>>();

/** The session key of an API token: HMAC(token, purpose), so the cookie key is never the token itself. */
async function deriveKey(apiToken: string): Promise<HmacKey> {
  const tokenKey = await crypto.subtle.importKey(
    "raw",
    encoder.encode(apiToken),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const derived = await crypto.subtle.sign("HMAC", tokenKey, encoder.encode("threadline web session v1"));
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

export interface Session {
  nonce: string;
  issuedAt: number;
  /** What forms of this session carry. */
  csrf: string;
}

/** A new session's cookie value. */
export async function toSessionValue(keys: SessionKeys, now: Date): Promise<string> {
  const issued = Math.floor(now.getTime() / 1000);
  const nonce = randomToken();
  return `${issued}.${nonce}.${await keys.mac(`s1.${issued}.${nonce}`)}`;
}

/**
 * Cookie values whose MAC checked out, per key, with their session: three HMACs and two hashes per signed-in
 * request are most of what a page costs besides its query and markup. Only genuine values are kept (a forged
 * one is checked again each time); the expiry is checked on every read.
 */
const verified = new WeakMap<SessionKeys, Map<string, Session>>();
const VERIFIED_MAX = 1000;

/** The session a cookie value carries, or null when it is malformed, forged or expired. */
export async function readSessionValue(
  keys: SessionKeys,
  value: string | undefined,
  now: Date,
): Promise<Session | null> {
  if (!value) return null;
  let known = verified.get(keys);
  if (!known) {
    known = new Map();
    verified.set(keys, known);
  }
  let session = known.get(value) ?? null;
  if (!session) {
    session = await verifySessionValue(keys, value);
    if (!session) return null;
    if (known.size >= VERIFIED_MAX) known.clear();
    known.set(value, session);
  }
  const age = now.getTime() / 1000 - session.issuedAt;
  if (age < -300 || age > SESSION_MAX_AGE_S) return null;
  return { ...session };
}

async function verifySessionValue(keys: SessionKeys, value: string): Promise<Session | null> {
  const m = /^(\d{1,12})\.([A-Za-z0-9_-]{8,64})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!m) return null;
  const issued = Number(m[1]);
  const nonce = m[2]!;
  const expected = await keys.mac(`s1.${issued}.${nonce}`);
  if (!(await timingSafeEqual(expected, m[3]!))) return null;
  return { nonce, issuedAt: issued, csrf: await keys.mac(`csrf.${nonce}`) };
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

export function setSessionCookie(c: Context, value: string): void {
  setCookie(c, SESSION_COOKIE, value, cookieOptions(c, SESSION_MAX_AGE_S));
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/", secure: isHttps(c), httpOnly: true, sameSite: "Lax" });
}

export function readSessionCookie(c: Context): string | undefined {
  return getCookie(c, SESSION_COOKIE);
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

/** `next` when it is a path on this site (not `//host` or `/\host`), else `/`. */
export function toLocalPath(next: string | undefined | null): string {
  if (!next?.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  // Control characters (a CR/LF would split the Location header; browsers drop tabs and newlines in URLs).
  if ([...next].some((ch) => ch.charCodeAt(0) < 0x20)) return "/";
  return next;
}
