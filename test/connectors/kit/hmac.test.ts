import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  fromBase64Url,
  fromSha256Hex,
  signHmacSha256,
  toBase64Url,
  toHmacSha256Key,
  verifyHmacSha256,
  verifyHmacSha256Hex,
} from "../../../connectors/kit/hmac.ts";

const nodeHex = (secret: string, text: string) => createHmac("sha256", secret).update(text).digest("hex");

describe("the webhook HMAC kit", () => {
  it("signs as node:crypto does", async () => {
    const mac = await signHmacSha256("s3cret", "héllo");
    expect(Buffer.from(mac).toString("hex")).toBe(nodeHex("s3cret", "héllo"));
    expect(toBase64Url(mac)).toBe(createHmac("sha256", "s3cret").update("héllo").digest("base64url"));
  });

  it.each([
    ["the digest in lower case", (hex: string) => hex, true],
    ["the digest in upper case", (hex: string) => hex.toUpperCase(), true],
    ["another body's digest", () => nodeHex("s3cret", "other"), false],
    ["another secret's digest", () => nodeHex("other", "body"), false],
    ["a digest cut short", (hex: string) => hex.slice(2), false],
    ["a digest that is not hex", (hex: string) => `zz${hex.slice(2)}`, false],
    ["nothing", () => "", false],
  ])("verifies a hex digest: %s", async (_, digest, ok) => {
    expect(await verifyHmacSha256Hex("s3cret", "body", digest(nodeHex("s3cret", "body")))).toBe(ok);
  });

  it("verifies with a key made once, and refuses a digest that did not decode", async () => {
    const key = await toHmacSha256Key("s3cret");
    const mac = fromBase64Url(toBase64Url(await signHmacSha256(key, "label")));
    expect(await verifyHmacSha256(key, "label", mac)).toBe(true);
    expect(await verifyHmacSha256(key, "label", null)).toBe(false);
  });

  it("reads only well-formed digests", () => {
    expect(fromSha256Hex("ab".repeat(32))?.length).toBe(32);
    expect(fromSha256Hex("ab".repeat(31))).toBeNull();
    expect(fromBase64Url("a+b/")).toBeNull();
    expect(fromBase64Url("abcde")).toBeNull();
    expect(fromBase64Url("AQID")).toEqual(new Uint8Array([1, 2, 3]));
  });
});
