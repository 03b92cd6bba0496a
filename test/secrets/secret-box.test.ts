import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { openSecretBox } from "../../src/secrets/secret-box.ts";

const KEY = randomBytes(32).toString("base64");

describe("the secret box of THREADLINE_SECRET_KEY", () => {
  it("seals a grant so that neither the text nor its parts show, and opens it again", async () => {
    const box = await openSecretBox(KEY);
    const token = "1//0refresh-token-of-ben";
    const sealed = await box.seal(token, "connected:ben@team.example");
    expect(sealed).not.toContain("refresh-token");
    expect(sealed).not.toContain(Buffer.from(token).toString("base64").slice(0, 12));
    expect(await box.seal(token, "connected:ben@team.example")).not.toBe(sealed);
    expect(await box.open(sealed, "connected:ben@team.example")).toBe(token);
  });

  it("does not open a grant under another key, for another mailbox, or altered", async () => {
    const box = await openSecretBox(KEY);
    const sealed = await box.seal("1//0grant", "connected:ben@team.example");
    const other = await openSecretBox(randomBytes(32).toString("base64"));
    await expect(other.open(sealed, "connected:ben@team.example")).rejects.toThrow();
    await expect(box.open(sealed, "connected:ana@team.example")).rejects.toThrow();
    const flipped = `${sealed.slice(0, -2)}${sealed.endsWith("A") ? "B" : "A"}${sealed.slice(-1)}`;
    await expect(box.open(flipped, "connected:ben@team.example")).rejects.toThrow();
  });

  it("says what to set when the key is missing or not 32 bytes, without repeating it", async () => {
    await expect(openSecretBox(undefined)).rejects.toThrow(
      /THREADLINE_SECRET_KEY is not set.*openssl rand -base64 32/,
    );
    const short = randomBytes(16).toString("base64");
    const error = await openSecretBox(short).catch((e: Error) => e);
    expect(String(error)).toMatch(/THREADLINE_SECRET_KEY must be 32 bytes in base64/);
    expect(String(error)).not.toContain(short);
  });
});
