/**
 * How the sandboxes sign the webhook deliveries they send: the hex HMAC of what the provider signs. It is
 * synchronous (node:crypto, the sandboxes run on Node only) because deliveries are built by plain functions;
 * the connectors check signatures with the Web Crypto kit (`connectors/kit/hmac.ts`), which is asynchronous
 * and runs on the Worker too. What each provider signs and how its header spells the digest stays in its own
 * sandbox, written apart from the connector's check, so a mistake in one is not repeated in the other.
 */
import { createHmac } from "node:crypto";

/** The lower-case hex HMAC of `text` (UTF-8) with `secret`. */
export function toHmacHex(algorithm: "sha1" | "sha256", secret: string, text: string): string {
  return createHmac(algorithm, secret).update(text).digest("hex");
}
