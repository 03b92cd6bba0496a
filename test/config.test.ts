import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../src/config.ts";

describe("configuration", () => {
  it("has the contract's defaults with nothing set", () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      databaseUrl: undefined,
      dataDir: "./.threadline",
      apiToken: undefined,
      publicUrl: "http://localhost:8787",
      teamDomains: [],
      timeZone: "UTC",
      digestTime: "07:00",
      digestLeads: [],
    });
  });

  it("reads the OIDC client, the admins and the idle timeout; OIDC needs all three settings", () => {
    const config = parseConfig({
      OIDC_ISSUER: "https://accounts.google.com",
      OIDC_CLIENT_ID: "client-1",
      OIDC_CLIENT_SECRET: "secret-1",
      THREADLINE_ADMINS: "Ana@Acme.dev, ben@acme.dev",
      THREADLINE_SESSION_IDLE_MINUTES: "30",
    });
    expect(config.oidc).toEqual({
      issuer: "https://accounts.google.com",
      clientId: "client-1",
      clientSecret: "secret-1",
    });
    expect(config.admins).toEqual(["ana@acme.dev", "ben@acme.dev"]);
    expect(config.sessionIdleMinutes).toBe(30);
    expect(parseConfig({}).oidc).toBeUndefined();
    expect(parseConfig({}).sessionIdleMinutes).toBe(720);
    expect(() => parseConfig({ OIDC_ISSUER: "https://accounts.google.com", OIDC_CLIENT_ID: "c" })).toThrow(
      /OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET must be set together/,
    );
    expect(() => parseConfig({ THREADLINE_SESSION_IDLE_MINUTES: "0" })).toThrow(
      /THREADLINE_SESSION_IDLE_MINUTES must be at least 1/,
    );
  });

  it("reads lists, trims them and drops a trailing slash from the public URL", () => {
    const config = parseConfig({
      THREADLINE_TEAM_DOMAINS: " acme.dev, Acme.co.uk ,",
      THREADLINE_DIGEST_LEADS: "lead@acme.dev",
      THREADLINE_PUBLIC_URL: "https://threadline.acme.dev/",
      THREADLINE_TIMEZONE: "Europe/Berlin",
      DATABASE_URL: "postgres://u@db:5432/threadline",
    });
    expect(config.teamDomains).toEqual(["acme.dev", "acme.co.uk"]);
    expect(config.digestLeads).toEqual(["lead@acme.dev"]);
    expect(config.publicUrl).toBe("https://threadline.acme.dev");
    expect(config.timeZone).toBe("Europe/Berlin");
    expect(config.databaseUrl).toBe("postgres://u@db:5432/threadline");
  });

  it.each([
    ["THREADLINE_TIMEZONE", "Mars/Olympus", /THREADLINE_TIMEZONE must be an IANA time zone/],
    ["THREADLINE_DIGEST_TIME", "7am", /THREADLINE_DIGEST_TIME must be HH:MM/],
    ["DATABASE_URL", "mysql://x", /DATABASE_URL must start with postgres:\/\//],
    ["THREADLINE_API_TOKEN", "short", /THREADLINE_API_TOKEN must be at least 16 characters/],
    [
      "THREADLINE_DIGEST_LEADS",
      "lead@acme.dev,not-an-email",
      /THREADLINE_DIGEST_LEADS must be email addresses/,
    ],
    ["THREADLINE_TEAM_DOMAINS", "acme", /THREADLINE_TEAM_DOMAINS must be email domains/],
    ["THREADLINE_PUBLIC_URL", "not a url", /THREADLINE_PUBLIC_URL must be a URL/],
  ])("rejects a malformed %s with one line naming it", (name, value, message) => {
    let error: unknown;
    try {
      parseConfig({ [name]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain("\n");
  });

  it("treats an empty variable as unset", () => {
    expect(parseConfig({ THREADLINE_TIMEZONE: "" }).timeZone).toBe("UTC");
  });
});
