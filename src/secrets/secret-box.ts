/**
 * Credentials Threadline keeps itself (the Gmail refresh tokens people connect), sealed with AES-256-GCM
 * under `THREADLINE_SECRET_KEY`. Web Crypto (`crypto.subtle`), so Node and the Worker seal alike. The
 * sealed text names its version, carries a fresh 96-bit IV, and is bound to what it belongs to (`context`,
 * as additional data): a sealed value copied onto another row does not open.
 */
import { ConfigError } from "../config.ts";

const VERSION = "v1";
const encoder = new TextEncoder();

const toBase64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");

const fromBase64url = (text: string) =>
  Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (ch) => ch.charCodeAt(0));

/** A key ready to seal and open. */
export interface SecretBox {
  seal(plain: string, context: string): Promise<string>;
  open(sealed: string, context: string): Promise<string>;
}

/**
 * The box of `THREADLINE_SECRET_KEY` (32 bytes, base64). Throws `ConfigError` saying what to set when the
 * key is missing or not 32 bytes; the message never repeats the value.
 */
export async function openSecretBox(base64Key: string | undefined): Promise<SecretBox> {
  if (!base64Key?.trim()) {
    throw new ConfigError(
      "[threadline] THREADLINE_SECRET_KEY is not set: it encrypts the credentials Threadline stores; make one with `openssl rand -base64 32`",
    );
  }
  let raw: Uint8Array;
  try {
    raw = fromBase64url(base64Key.trim().replace(/=+$/, ""));
  } catch {
    raw = new Uint8Array();
  }
  if (raw.length !== 32) {
    throw new ConfigError(
      "[threadline] THREADLINE_SECRET_KEY must be 32 bytes in base64 (`openssl rand -base64 32`)",
    );
  }
  const key = await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
  return {
    async seal(plain, context) {
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const sealed = await crypto.subtle.encrypt(
        { name: "AES-GCM", iv, additionalData: encoder.encode(context) },
        key,
        encoder.encode(plain),
      );
      return `${VERSION}.${toBase64url(iv)}.${toBase64url(new Uint8Array(sealed))}`;
    },
    async open(sealed, context) {
      const [version, iv, body] = sealed.split(".");
      if (version !== VERSION || !iv || !body) throw new Error("not a sealed value of this version");
      const plain = await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: fromBase64url(iv), additionalData: encoder.encode(context) },
        key,
        fromBase64url(body),
      );
      return new TextDecoder().decode(plain);
    },
  };
}
