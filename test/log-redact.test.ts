/** Log lines carry no secret, wherever it sits in what was logged and however its key is spelled. */
import { Writable } from "node:stream";
import { expect, it } from "vitest";
import { createLogger } from "../src/log.ts";

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger(stream), lines };
}

it("redacts authorization, cookie and token fields at any depth and in any case, errors included", async () => {
  const { logger, lines } = capture();
  const clientError = Object.assign(new Error("Request failed with status 401"), {
    config: { url: "https://gmail.example/v1", headers: { Authorization: "Bearer ya29.SECRET-A" } },
    response: { data: { error: "invalid_grant", Refresh_Token: "1//SECRET-B" } },
  });
  logger.error(
    {
      err: clientError,
      request: { headers: { COOKIE: "tl_session=SECRET-C", "X-Api-Key": "SECRET-D" } },
      deep: { a: { b: { c: { d: { accessToken: "SECRET-E", client_secret: "SECRET-F" } } } } },
      list: [{ apiToken: "SECRET-G" }],
      source: "gmail",
    },
    "the pass failed",
  );
  await new Promise((r) => setImmediate(r));
  const line = lines.join("");
  expect(line).not.toMatch(/SECRET-/);
  const parsed = JSON.parse(line);
  // What is not a secret is still there to debug with.
  expect(parsed.source).toBe("gmail");
  expect(parsed.err.message).toBe("Request failed with status 401");
  expect(parsed.err.config.url).toBe("https://gmail.example/v1");
  expect(parsed.err.config.headers.Authorization).toBe("[redacted]");
  expect(parsed.err.stack).toMatch(/Request failed/);
  expect(parsed.deep.a.b.c.d.accessToken).toBe("[redacted]");
});

it("survives a cycle in what is logged", async () => {
  const { logger, lines } = capture();
  const loop: Record<string, unknown> = { name: "x", token: "SECRET-H" };
  loop.self = loop;
  logger.info({ loop }, "cyclic");
  await new Promise((r) => setImmediate(r));
  expect(lines.join("")).not.toContain("SECRET-H");
  expect(JSON.parse(lines.join("")).loop.self).toBe("[circular]");
});
