/**
 * Whether a message's From address is really its sender's, by what Gmail's receiving servers found when the
 * message arrived. Anyone can write any From header; only a message that passed DMARC (or whose SPF or DKIM
 * pass is aligned with the From domain) may join the person who owns that address.
 *
 * Gmail adds its own `Authentication-Results` (authserv-id `mx.google.com`) at the top of every message it
 * receives, and removes copies claiming that id that came with the message (RFC 8601 section 5), so only the
 * topmost header is read: one lower down may have been written by the sender.
 * https://www.rfc-editor.org/rfc/rfc8601#section-5 · https://www.rfc-editor.org/rfc/rfc7489#section-3.1
 */
import { type AuthResult, parseAuthenticationResults } from "./authentication-results.ts";
import type { GmailHeader } from "./schemas.ts";
import { headerValue } from "./text.ts";

/** The authserv-ids whose results are Gmail's own. */
export const GMAIL_AUTHSERV_IDS: readonly string[] = ["mx.google.com"];

export interface SenderTrust {
  verified: boolean;
  /** Why, in a few words a person can check against the message's headers: `dmarc=pass`, `dmarc=fail`. */
  check: string;
}

const domainOf = (address: string) => address.slice(address.lastIndexOf("@") + 1).toLowerCase();

/**
 * Relaxed alignment (RFC 7489 section 3.1): the same domain, or one a subdomain of the other. Without the
 * public suffix list this also pairs `acme.example` with `example`; no one can sign mail or publish SPF for a
 * public suffix, so that costs nothing here.
 */
function isAligned(domain: string | undefined, fromDomain: string): boolean {
  if (!domain) return false;
  const d = domainOf(domain.toLowerCase());
  return d === fromDomain || d.endsWith(`.${fromDomain}`) || fromDomain.endsWith(`.${d}`);
}

const isAlignedPass = (r: AuthResult, fromDomain: string) =>
  r.result === "pass" &&
  ((r.method === "dkim" && isAligned(r.props["header.d"] ?? r.props["header.i"], fromDomain)) ||
    (r.method === "spf" && isAligned(r.props["smtp.mailfrom"], fromDomain)));

/**
 * The verdict on a message's sender (pure). A message the mailbox itself sent (label `SENT`) is the mailbox
 * owner's, signed in to Gmail; any other needs Gmail's pass.
 */
export function toSenderTrust(
  headers: readonly GmailHeader[] | null | undefined,
  fromAddress: string,
  labels: readonly string[],
): SenderTrust {
  if (labels.includes("SENT")) return { verified: true, check: "sent from this mailbox" };
  const value = headerValue(headers, "Authentication-Results");
  const parsed = value === null ? null : parseAuthenticationResults(value);
  if (!parsed || !GMAIL_AUTHSERV_IDS.includes(parsed.authservId)) {
    return { verified: false, check: "no Authentication-Results from Gmail" };
  }
  const fromDomain = domainOf(fromAddress);
  // A DMARC result about another From domain (a message with two From headers) says nothing of this one.
  const dmarc = parsed.results.find(
    (r) =>
      r.method === "dmarc" &&
      (r.props["header.from"] === undefined || r.props["header.from"].toLowerCase() === fromDomain),
  );
  if (dmarc?.result === "pass") return { verified: true, check: "dmarc=pass" };
  if (dmarc?.result === "fail") return { verified: false, check: "dmarc=fail" };
  const aligned = parsed.results.find((r) => isAlignedPass(r, fromDomain));
  if (aligned) return { verified: true, check: `${aligned.method}=pass, aligned` };
  const said = parsed.results
    .filter((r) => r.method === "dmarc" || r.method === "spf" || r.method === "dkim")
    .map((r) => `${r.method}=${r.result}`);
  return { verified: false, check: said.length > 0 ? said.join(", ") : "no DMARC, SPF or DKIM result" };
}
