/**
 * The mailbox connection in flight: its state and PKCE verifier, in a short-lived cookie MACed with the
 * session keys and bound to the session that started it, so a code that comes back to another session (or
 * to nobody's) is refused.
 */
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { timingSafeEqual } from "hono/utils/buffer";
import { isHttps, type SessionKeys } from "./session.ts";

export const MAILBOX_FLOW_COOKIE = "tl_mailbox";
const MAX_AGE_S = 10 * 60;

export interface MailboxFlow {
  state: string;
  verifier: string;
  /** The hashed id of the session that started it. */
  sessionHash: string;
}

const toBase64url = (text: string) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(text)))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");

const fromBase64url = (text: string) =>
  new TextDecoder().decode(
    Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (ch) => ch.charCodeAt(0)),
  );

export async function setMailboxFlowCookie(c: Context, keys: SessionKeys, flow: MailboxFlow, now: Date) {
  const body = toBase64url(JSON.stringify({ ...flow, exp: Math.floor(now.getTime() / 1000) + MAX_AGE_S }));
  // Lax: Google sends the browser back with a top-level GET, which carries Lax cookies.
  setCookie(c, MAILBOX_FLOW_COOKIE, `${body}.${await keys.mac(`mailbox.${body}`)}`, {
    path: "/settings/mailboxes",
    httpOnly: true,
    sameSite: "Lax",
    secure: isHttps(c),
    maxAge: MAX_AGE_S,
  });
}

/** The flow its cookie carries when it belongs to `sessionHash` and is fresh, else null. The cookie is cleared. */
export async function takeMailboxFlowCookie(
  c: Context,
  keys: SessionKeys,
  sessionHash: string,
  now: Date,
): Promise<MailboxFlow | null> {
  const value = getCookie(c, MAILBOX_FLOW_COOKIE);
  deleteCookie(c, MAILBOX_FLOW_COOKIE, {
    path: "/settings/mailboxes",
    secure: isHttps(c),
    httpOnly: true,
    sameSite: "Lax",
  });
  const m = /^([A-Za-z0-9_-]{1,2000})\.([A-Za-z0-9_-]{43})$/.exec(value ?? "");
  if (!m) return null;
  if (!(await timingSafeEqual(await keys.mac(`mailbox.${m[1]}`), m[2]!))) return null;
  try {
    const flow = JSON.parse(fromBase64url(m[1]!));
    if (typeof flow.exp !== "number" || flow.exp < now.getTime() / 1000) return null;
    if (![flow.state, flow.verifier, flow.sessionHash].every((v) => typeof v === "string")) return null;
    if (!(await timingSafeEqual(flow.sessionHash, sessionHash))) return null;
    return { state: flow.state, verifier: flow.verifier, sessionHash: flow.sessionHash };
  } catch {
    return null;
  }
}
