/**
 * Request bodies over real HTTP (the app served as `threadline serve` serves it): an anonymous 100 MB body
 * to the web, the API or `/signin` gets 413 before anything reads it, and the server's memory stays flat.
 */
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/databases.ts";
import { type ServedApp, serveApp, WEB_TOKEN } from "../web/web-server.ts";

const MB = 1024 * 1024;
const CHUNK = Buffer.alloc(MB, 0x61);

/**
 * POSTs up to `total` bytes in 1 MB chunks, stopping as soon as the server answers; with `chunked`, no
 * Content-Length is sent, so the server must count what streams in.
 */
function postHuge(
  base: string,
  path: string,
  options: { total: number; chunked?: boolean; headers?: Record<string, string> },
): Promise<{ status: number; body: string; sent: number }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, base);
    let sent = 0;
    let answered = false;
    const req = httpRequest(url, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        ...(options.chunked ? {} : { "content-length": String(options.total) }),
        ...options.headers,
      },
    });
    req.on("response", (res) => {
      answered = true;
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => {
        body += d;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, sent }));
      res.on("error", reject);
    });
    // The server may close the connection while the body is still being written: that is the point.
    req.on("error", (err) => {
      if (!answered) reject(err);
    });
    const pump = () => {
      while (!answered && sent < options.total) {
        sent += CHUNK.length;
        if (!req.write(CHUNK)) {
          req.once("drain", pump);
          return;
        }
      }
      if (!answered) req.end();
    };
    pump();
  });
}

/** A GET on a connection of its own (the requests above leave theirs closed by the server mid-body). */
function get(base: string, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined> }>(
    (resolve, reject) => {
      const req = httpRequest(new URL(path, base), { headers, agent: false }, (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      });
      req.on("error", reject);
      req.end();
    },
  );
}

describe("body limits [pglite]", () => {
  let database: TestDatabase;
  let served: ServedApp;
  beforeAll(async () => {
    database = await createTestDatabase("pglite");
    served = await serveApp(database.db, () => new Date("2026-03-04T12:00:00Z"));
  });
  afterAll(async () => {
    await served?.close();
    await database?.close();
  });

  it("answers an anonymous 100 MB POST to the web, the API and /signin with 413, memory flat", async () => {
    global.gc?.();
    const before = process.memoryUsage().rss;
    for (const path of ["/signin", "/flags/f_1/snooze", "/api/flags/f_1/snooze", "/api/sync"]) {
      for (const chunked of [false, true]) {
        const answer = await postHuge(served.url, path, { total: 100 * MB, chunked });
        expect([path, chunked, answer.status]).toEqual([path, chunked, 413]);
        expect(JSON.parse(answer.body).error.code).toBe("payload_too_large");
        // Stopped long before the whole body: the server answered as soon as the limit was passed.
        expect(answer.sent).toBeLessThan(20 * MB);
      }
    }
    const grown = process.memoryUsage().rss - before;
    expect(grown).toBeLessThan(64 * MB);
  }, 120_000);

  it("still takes bodies within the limits: a 900 KB API body is read, a 70 KB form is not", async () => {
    const api = await fetch(`${served.url}/api/sync`, {
      method: "POST",
      headers: { authorization: `Bearer ${WEB_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ pad: "x".repeat(900 * 1024) }),
    });
    expect(api.status).not.toBe(413);
    const form = await fetch(`${served.url}/signin`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `token=${"x".repeat(70 * 1024)}`,
    });
    expect(form.status).toBe(413);
  });

  it("puts nosniff on every answer, API errors included, and HSTS over HTTPS", async () => {
    const missing = await get(served.url, "/api/tasks");
    expect(missing.status).toBe(401);
    expect(missing.headers["x-content-type-options"]).toBe("nosniff");
    expect(missing.headers["strict-transport-security"]).toBeUndefined();
    const health = await get(served.url, "/healthz", { "x-forwarded-proto": "https" });
    expect(health.headers["x-content-type-options"]).toBe("nosniff");
    expect(health.headers["strict-transport-security"]).toMatch(/max-age=\d{7,}/);
  });
});
