/**
 * The sender's verdict from `Authentication-Results` (RFC 8601), on header values written as Gmail writes
 * them: which results vouch for the From address, and which do not.
 */
import { describe, expect, it } from "vitest";
import { parseAuthenticationResults } from "../../../connectors/gmail/authentication-results.ts";
import { toSenderTrust } from "../../../connectors/gmail/sender-trust.ts";

const GMAIL_PASS =
  "mx.google.com;\r\n       dkim=pass header.i=@acme.example header.s=s1 header.b=AbC1;\r\n       spf=pass (google.com: domain of dan@acme.example designates 192.0.2.1 as permitted sender) smtp.mailfrom=dan@acme.example;\r\n       dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=acme.example";

const ar = (value: string) => [{ name: "Authentication-Results", value }];

describe("Authentication-Results: parsing", () => {
  it("reads the authserv-id and each method's result and properties, comments and folding left out", () => {
    expect(parseAuthenticationResults(GMAIL_PASS)).toEqual({
      authservId: "mx.google.com",
      results: [
        {
          method: "dkim",
          result: "pass",
          props: { "header.i": "@acme.example", "header.s": "s1", "header.b": "AbC1" },
        },
        { method: "spf", result: "pass", props: { "smtp.mailfrom": "dan@acme.example" } },
        { method: "dmarc", result: "pass", props: { "header.from": "acme.example" } },
      ],
    });
  });

  it("takes the RFC's other spellings: a version, spaces around =, quoted values, a reason, nested comments", () => {
    expect(
      parseAuthenticationResults(
        'example.com 1; dkim/1 = fail reason="bad (sig)" header.d="acme.example" (a (nested) comment); none',
      ),
    ).toEqual({
      authservId: "example.com",
      results: [
        { method: "dkim", result: "fail", props: { reason: "bad (sig)", "header.d": "acme.example" } },
      ],
    });
    expect(parseAuthenticationResults("mx.google.com; none")).toEqual({
      authservId: "mx.google.com",
      results: [],
    });
    expect(parseAuthenticationResults(" ; dmarc=pass")).toBeNull();
  });

  it("reads a hostile megabyte at once: one linear pass over its first 16 KB", () => {
    for (const filler of [
      "(".repeat(1_000_000),
      '"'.repeat(1_000_000),
      "a=".repeat(500_000),
      ";".repeat(1_000_000),
    ]) {
      const started = performance.now();
      parseAuthenticationResults(`mx.google.com; ${filler}`);
      expect(performance.now() - started).toBeLessThan(1_000);
    }
  });
});

describe("Authentication-Results: the sender's verdict", () => {
  it.each([
    ["dmarc=pass", GMAIL_PASS, "dan@acme.example", { verified: true, check: "dmarc=pass" }],
    [
      "dmarc=fail, even with a DKIM pass of another domain",
      "mx.google.com; dkim=pass header.i=@evil.example; spf=pass smtp.mailfrom=x@evil.example; dmarc=fail (p=NONE sp=NONE dis=NONE) header.from=acme.example",
      "dan@acme.example",
      { verified: false, check: "dmarc=fail" },
    ],
    [
      "no DMARC record, DKIM aligned (relaxed: a subdomain signs)",
      "mx.google.com; dkim=pass header.i=@mail.acme.example; spf=neutral smtp.mailfrom=x@bounce.other.example",
      "dan@acme.example",
      { verified: true, check: "dkim=pass, aligned" },
    ],
    [
      "no DMARC record, SPF aligned",
      "mx.google.com; spf=pass smtp.mailfrom=bounces@acme.example",
      "Dan@ACME.example",
      { verified: true, check: "spf=pass, aligned" },
    ],
    [
      "no DMARC record, passes of another domain only",
      "mx.google.com; dkim=pass header.i=@sendgrid.example; spf=pass smtp.mailfrom=x@sendgrid.example; dmarc=none",
      "dan@acme.example",
      { verified: false, check: "dkim=pass, spf=pass, dmarc=none" },
    ],
    [
      "a DMARC pass about another From domain",
      "mx.google.com; dmarc=pass header.from=evil.example",
      "dan@acme.example",
      { verified: false, check: "dmarc=pass" },
    ],
    [
      "results from a server that is not Gmail's",
      "relay.evil.example; dmarc=pass header.from=acme.example",
      "dan@acme.example",
      { verified: false, check: "no Authentication-Results from Gmail" },
    ],
  ])("%s", (_, value, from, verdict) => {
    expect(toSenderTrust(ar(value), from, ["INBOX"])).toEqual(verdict);
  });

  it("reads only the topmost header: Gmail's own, above any the sender wrote", () => {
    const headers = [
      { name: "Delivered-To", value: "ana@contoso.dev" },
      { name: "Authentication-Results", value: "mx.google.com; dmarc=fail header.from=acme.example" },
      { name: "Authentication-Results", value: GMAIL_PASS },
    ];
    expect(toSenderTrust(headers, "dan@acme.example", ["INBOX"])).toEqual({
      verified: false,
      check: "dmarc=fail",
    });
  });

  it("without the header a received message is unverified; the mailbox's own sent mail is verified", () => {
    expect(toSenderTrust([], "dan@acme.example", ["INBOX"])).toEqual({
      verified: false,
      check: "no Authentication-Results from Gmail",
    });
    expect(toSenderTrust([], "ana@contoso.dev", ["SENT"])).toEqual({
      verified: true,
      check: "sent from this mailbox",
    });
  });
});
