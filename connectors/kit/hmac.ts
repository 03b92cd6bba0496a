/**
 * HMAC-SHA256 for webhook signatures, on Web Crypto alone so that the Node server and the Worker run the same
 * code (no `node:` import may reach this file). Digests travel as hex (GitHub, Jira, Slack) or base64url
 * (the Teams clientState); a digest that is not well formed is refused before any key is made.
 *
 * Comparison is Web Crypto's `verify`, which compares the MACs itself in constant time: a caller never
 * compares digests with `===`.
 */
import { trimTrailing } from "../../src/model/trim-text.ts";

const encoder = new TextEncoder();

/** A SHA-256 digest is 32 bytes: 64 hex characters. */
const SHA256_HEX = /^[0-9a-f]{64}$/i;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** A Web Crypto key (named from `importKey`: the global `CryptoKey` type is not in every runtime's typings). */
export type HmacKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

/** An HMAC-SHA256 key for `secret` (UTF-8), able to sign and verify. */
export function toHmacSha256Key(secret: string): Promise<HmacKey> {
  return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
    "verify",
  ]);
}

/** The bytes of a SHA-256 digest written in hex (either case); null unless it is exactly 64 hex characters. */
export function fromSha256Hex(hex: string): Uint8Array<ArrayBuffer> | null {
  if (!SHA256_HEX.test(hex)) return null;
  const bytes = new Uint8Array(new ArrayBuffer(hex.length / 2));
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/** Unpadded base64url (RFC 4648 §5) of `bytes`. */
export function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return trimTrailing(btoa(binary).replace(/\+/g, "-").replace(/\//g, "_"), "=");
}

/** The bytes of unpadded base64url text; null when it is not base64url. */
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!BASE64URL.test(text)) return null;
  try {
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    const bytes = new Uint8Array(new ArrayBuffer(binary.length));
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    // A length no base64 text has (4n + 1).
    return null;
  }
}

/** The HMAC-SHA256 of `message` (UTF-8) with `key` (a secret, or a key from `toHmacSha256Key`). */
export async function signHmacSha256(key: string | HmacKey, message: string): Promise<Uint8Array> {
  const cryptoKey = typeof key === "string" ? await toHmacSha256Key(key) : key;
  return new Uint8Array(await crypto.subtle.sign("HMAC", cryptoKey, encoder.encode(message)));
}

/**
 * Whether `mac` is the HMAC-SHA256 of `message` (UTF-8) with `key`, compared in constant time. A null `mac`
 * (a digest that did not decode) is false. `key` is a secret, or a key from `toHmacSha256Key` when many MACs
 * are checked with one secret.
 */
export async function verifyHmacSha256(
  key: string | HmacKey,
  message: string,
  mac: Uint8Array<ArrayBuffer> | null,
): Promise<boolean> {
  if (!mac) return false;
  const cryptoKey = typeof key === "string" ? await toHmacSha256Key(key) : key;
  return crypto.subtle.verify("HMAC", cryptoKey, mac, encoder.encode(message));
}

/** Whether `hexDigest` (64 hex characters, either case) is the HMAC-SHA256 of `message` with `secret`. */
export function verifyHmacSha256Hex(secret: string, message: string, hexDigest: string): Promise<boolean> {
  const mac = fromSha256Hex(hexDigest);
  return mac ? verifyHmacSha256(secret, message, mac) : Promise.resolve(false);
}
