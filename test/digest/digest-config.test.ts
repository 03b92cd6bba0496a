import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../src/config.ts";

describe("the digest's configuration", () => {
  it("sends from threadline@ the first team domain unless DIGEST_FROM says otherwise", () => {
    expect(parseConfig({ THREADLINE_TEAM_DOMAINS: "Acme.dev,acme.co.uk" })).toMatchObject({
      digestFrom: "threadline@acme.dev",
      digestTo: [],
      smtpUrl: undefined,
    });
    const config = parseConfig({
      DIGEST_FROM: "Threadline Bot <bot@acme.dev>",
      DIGEST_TO: "a@x.dev, b@y.dev",
      SMTP_URL: "smtps://user:pa%40ss@mail.acme.dev:465",
    });
    expect(config).toMatchObject({
      digestFrom: "Threadline Bot <bot@acme.dev>",
      digestTo: ["a@x.dev", "b@y.dev"],
      smtpUrl: "smtps://user:pa%40ss@mail.acme.dev:465",
    });
  });

  it.each([
    ["SMTP_URL", "http://user:hunter22@mail.acme.dev", /^\[threadline\] SMTP_URL must be smtp:\/\//],
    ["SMTP_URL", "smtp://", /SMTP_URL must be/],
    ["DIGEST_FROM", "Threadline <not an address>", /DIGEST_FROM must be an address or Name <address>/],
    ["DIGEST_TO", "a@x.dev,nobody", /DIGEST_TO must be email addresses/],
  ])("rejects a malformed %s in one line, without echoing it", (name, value, message) => {
    let error: unknown;
    try {
      parseConfig({ [name]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain("\n");
    expect((error as Error).message).not.toContain("hunter22");
  });
});
