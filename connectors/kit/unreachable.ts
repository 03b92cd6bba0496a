/**
 * Failures that say the API root itself is wrong rather than busy: its host name does not resolve, nothing
 * listens on its port, or its TLS certificate is not trusted. On the first request of a pass none of these
 * heals in a minute, so a connector reports them at once (kind `unreachable`) with what to check, instead of
 * retrying them like a dropped connection.
 */

/** Why nothing answered, and the error code that said so. */
export interface Unreachable {
  reason: "dns" | "refused" | "tls";
  code: string;
}

const DNS_CODES = new Set(["ENOTFOUND", "EAI_NONAME", "EAI_FAIL"]);
const REFUSED_CODES = new Set(["ECONNREFUSED"]);
/** Node's (OpenSSL's) codes for a certificate it does not trust and for a server that does not speak TLS. */
const TLS_CODES = new Set([
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_REVOKED",
  "CERT_UNTRUSTED",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "ERR_SSL_WRONG_VERSION_NUMBER",
  "ERR_SSL_PACKET_LENGTH_TOO_LONG",
]);

/**
 * The unreachable-host failure somewhere in an error's causes (fetch wraps the socket's error in
 * `TypeError: fetch failed`, SDKs wrap that again; a host with several addresses fails with an
 * `AggregateError`), or null when the error is anything else.
 */
export function toUnreachable(err: unknown): Unreachable | null {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length > 0) {
    const e = queue.shift();
    if (typeof e !== "object" || e === null || seen.has(e)) continue;
    seen.add(e);
    const code = "code" in e && typeof e.code === "string" ? e.code : null;
    if (code && DNS_CODES.has(code)) return { reason: "dns", code };
    if (code && REFUSED_CODES.has(code)) return { reason: "refused", code };
    if (code && TLS_CODES.has(code)) return { reason: "tls", code };
    if ("cause" in e) queue.push(e.cause);
    if ("errors" in e && Array.isArray(e.errors)) queue.push(...e.errors);
    // Some SDKs keep the failure they wrapped under their own name.
    if ("original" in e) queue.push(e.original);
    if ("error" in e) queue.push(e.error);
  }
  return null;
}

/** What a person checks, in words: `the host in GITHUB_API_URL (https://…) does not resolve (ENOTFOUND)`. */
export function describeUnreachable(failure: Unreachable, variable: string, url: string): string {
  if (failure.reason === "dns") {
    return `the host of ${url} does not resolve (${failure.code}): check ${variable} and the machine's DNS`;
  }
  if (failure.reason === "refused") {
    return `nothing answers at ${url} (${failure.code}): check the host and port in ${variable}, and that the server is running`;
  }
  return `the TLS connection to ${url} failed (${failure.code}): check ${variable} (https:// for a TLS port) and the server's certificate (NODE_EXTRA_CA_CERTS names a private certificate authority)`;
}
