/**
 * Malformed and hostile requests for every webhook and API route, drawn from fast-check's arbitraries with a
 * fixed seed (the same list on every run): wrong types, huge fields, broken JSON, bytes that are not UTF-8,
 * wrong and missing signatures, validly signed bodies with a wrong type where the connector checks its input,
 * replays of old signed deliveries, wrong content types, huge headers, bad tokens and hostile paths and queries.
 */
import { createHmac } from "node:crypto";
import fc from "fast-check";
import { seededRandom } from "../helpers/sync-dataset.ts";

export interface HostileRequest {
  /** What kind of input it is, for the report of what was answered how. */
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  /** A replay of a delivery already stored, or a handshake: it may be answered 2xx, and changes nothing. */
  harmless?: boolean;
}

export interface HostileContext {
  apiToken: string;
  githubSecret: string;
  jiraSecret: string;
  slackSecret: string;
  /** Deliveries already stored, to replay. */
  replays: Array<{ source: "github" | "jira"; headers: Record<string, string>; body: string }>;
  /** Task keys that exist, so that some requests name real ones. */
  taskKeys: string[];
  /** A readable body of each signed source, to break in ways the signature still covers. */
  templates: { github: unknown; jira: unknown; slack: unknown };
  /** Slack's clock check: the time the requests are signed at. */
  nowSeconds: number;
}

const hmac = (secret: string, text: string) => createHmac("sha256", secret).update(text).digest("hex");

type Shape = "object" | "number" | "string";

/** Where each signed source's body is checked before anything is kept, and what type belongs there. */
const CHECKED: Record<"github" | "jira" | "slack", Array<[string[], Shape]>> = {
  github: [
    [[], "object"],
    [["comment"], "object"],
    [["comment", "id"], "number"],
    [["repository"], "object"],
    [["repository", "full_name"], "string"],
  ],
  jira: [
    [[], "object"],
    [["webhookEvent"], "string"],
  ],
  slack: [
    [[], "object"],
    [["type"], "string"],
    [["event"], "object"],
  ],
};

const shapeOf = (v: unknown): Shape | "other" =>
  v !== null && typeof v === "object" && !Array.isArray(v)
    ? "object"
    : typeof v === "number"
      ? "number"
      : typeof v === "string"
        ? "string"
        : "other";

function replaceAt(value: unknown, path: string[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(value) as Record<string, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[path.at(-1)!] = replacement;
  return copy;
}

export function generateHostileRequests(count: number, seed: number, ctx: HostileContext): HostileRequest[] {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const pool = <T>(arb: fc.Arbitrary<T>, n = 400) => fc.sample(arb, { numRuns: n, seed: seed + n });

  const jsonValues = pool(fc.jsonValue({ maxDepth: 4 }));
  const anything = pool(
    fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.string({ unit: "binary", maxLength: 40 }),
      fc.double(),
      fc.constantFrom(null, true, -1, 0, 2 ** 63, "", "null", [], {}, "__proto__", { constructor: 1 }),
    ),
  );
  const texts = pool(fc.string({ unit: "binary", maxLength: 80 }));
  const bytes = pool(fc.uint8Array({ minLength: 1, maxLength: 300 }), 200);
  const huge = (min: number) => "x".repeat(min + Math.floor(random() * min));
  // Bytes that are never UTF-8: a lone continuation byte, an overlong form, a surrogate, 0xFF.
  const badUtf8 = () => {
    const head = Buffer.from(pick(['{"a":"', '{"action":"created","x":"', ""]));
    const bad = Buffer.from(
      pick([[0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xff, 0xfe], [0xf8, 0x88, 0x80]]),
    );
    return new Uint8Array(Buffer.concat([head, bad, Buffer.from(pick(bytes)), Buffer.from('"}')]));
  };
  const randomBody = (): string | Uint8Array => {
    switch (Math.floor(random() * 6)) {
      case 0:
        return JSON.stringify(pick(jsonValues));
      case 1: {
        const text = JSON.stringify(pick([ctx.templates.github, ctx.templates.jira, ctx.templates.slack]));
        return text.slice(0, Math.floor(random() * text.length)); // Broken JSON.
      }
      case 2:
        return badUtf8();
      case 3:
        return pick(texts);
      case 4:
        return JSON.stringify({ value: huge(100_000), nested: [pick(anything)] });
      default:
        return pick(bytes);
    }
  };
  const contentType = () =>
    pick([
      "application/json",
      "application/json",
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=",
      "application/json; charset=utf-16",
      "application/xml",
      pick(texts).replace(/[^\x20-\x7e]/g, "") || "x/y",
    ]);
  const headerSafe = (s: string) => s.replace(/[^\x20-\x7e]/g, "?");
  /** A readable body with a value of the wrong type where the connector checks it, then signed. */
  const mutated = (source: "github" | "jira" | "slack") => {
    const [path, shape] = pick(CHECKED[source]);
    let value = pick(anything);
    while (shapeOf(value) === shape) value = pick(anything);
    return JSON.stringify(replaceAt(ctx.templates[source], path, value));
  };

  const webhook = (): HostileRequest => {
    const source = pick(["github", "jira", "slack", "teams", "gmail", "nope", "GITHUB", "..%2fapi"]);
    const path = `/webhooks/${source}`;
    const style = Math.floor(random() * 10);
    // Replays of what was stored, exactly as first delivered: accepted and changing nothing.
    if (style === 0 && ctx.replays.length > 0) {
      const replay = pick(ctx.replays);
      return {
        kind: `replay ${replay.source}`,
        method: "POST",
        path: `/webhooks/${replay.source}`,
        headers: replay.headers,
        body: replay.body,
        harmless: true,
      };
    }
    // Validly signed bodies the connector cannot read.
    if (style <= 3) {
      if (source === "github" || style === 1) {
        const body = mutated("github");
        return {
          kind: "signed unreadable github",
          method: "POST",
          path: "/webhooks/github",
          headers: {
            "content-type": contentType(),
            "x-github-event": "issue_comment",
            "x-github-delivery": `hostile-${Math.floor(random() * 1e9)}`,
            "x-hub-signature-256": `sha256=${hmac(ctx.githubSecret, body)}`,
          },
          body,
        };
      }
      if (source === "jira" || style === 2) {
        const body = mutated("jira");
        return {
          kind: "signed unreadable jira",
          method: "POST",
          path: "/webhooks/jira",
          headers: {
            "content-type": contentType(),
            "x-hub-signature": `sha256=${hmac(ctx.jiraSecret, body)}`,
            "x-atlassian-webhook-identifier": `hostile-${Math.floor(random() * 1e9)}`,
          },
          body,
        };
      }
      const body = mutated("slack");
      // Half of them replays from long ago: a correct signature over an old timestamp.
      const timestamp =
        random() < 0.5 ? ctx.nowSeconds : ctx.nowSeconds - 3_600 * (1 + Math.floor(random() * 100));
      return {
        kind: timestamp === ctx.nowSeconds ? "signed unreadable slack" : "old slack replay",
        method: "POST",
        path: "/webhooks/slack",
        headers: {
          "content-type": contentType(),
          "x-slack-request-timestamp": String(timestamp),
          "x-slack-signature": `v0=${hmac(ctx.slackSecret, `v0:${timestamp}:${body}`)}`,
        },
        body,
      };
    }
    const headers: Record<string, string> = { "content-type": contentType() };
    const signature = pick([
      "",
      "sha256=",
      `sha256=${"0".repeat(64)}`,
      `sha256=${"zz".repeat(32)}`,
      `sha1=${"a".repeat(40)}`,
      `v0=${"f".repeat(64)}`,
      headerSafe(pick(texts)),
      `sha256=${hmac("not-the-secret", "{}")}`,
    ]);
    headers[pick(["x-hub-signature-256", "x-hub-signature", "x-slack-signature"])] = signature;
    if (random() < 0.5)
      headers["x-github-event"] = pick([
        "issue_comment",
        "ping",
        "deployment_status",
        headerSafe(pick(texts)),
      ]);
    if (random() < 0.3)
      headers["x-slack-request-timestamp"] = pick([String(ctx.nowSeconds), "-1", "1e99", "abc", ""]);
    if (random() < 0.05) headers["x-padding"] = huge(20_000); // Past Node's 16 KB of headers: 431.
    const body = style === 9 && random() < 0.05 ? huge(3_000_000) : randomBody(); // Some past the 5 MB limit.
    const query =
      source === "teams" && random() < 0.3 ? `?validationToken=${encodeURIComponent(pick(texts))}` : "";
    return {
      kind: `unsigned ${style === 9 ? "huge " : ""}body`,
      method: "POST",
      path: path + query,
      headers,
      body,
      harmless: query !== "",
    };
  };

  const api = (): HostileRequest => {
    const auth = pick([
      `Bearer ${ctx.apiToken}`,
      `Bearer ${ctx.apiToken}`,
      `Bearer ${ctx.apiToken}`,
      "",
      "Bearer",
      `Bearer ${ctx.apiToken}x`,
      `Basic ${Buffer.from(`u:${ctx.apiToken}`).toString("base64")}`,
      `Bearer ${huge(8_000)}`,
      headerSafe(pick(texts)),
    ]);
    const headers: Record<string, string> = auth ? { authorization: auth } : {};
    const key = () =>
      encodeURIComponent(
        pick([
          ...ctx.taskKeys,
          pick(texts),
          huge(3_000),
          "../../etc/passwd",
          "%00",
          "PROJ-1'; drop table tasks;--",
        ]),
      );
    const text = () => encodeURIComponent(pick([pick(texts), pick(texts), huge(5_000), "%", "\u0000"]));
    const value = () => (random() < 0.8 ? text() : pick(["%E0%A4%A", "%ZZ", "%C0%AF", "%FF"]));
    const body = () => {
      headers["content-type"] = contentType();
      return random() < 0.5
        ? JSON.stringify(
            replaceAt(
              { itemId: "x", into: "y", until: "2026-01-01", reason: "r", by: "z" },
              [pick(["itemId", "into", "until", "reason", "by"])],
              pick(anything),
            ),
          )
        : randomBody();
    };
    switch (Math.floor(random() * 11)) {
      case 0:
        return {
          kind: "GET /api/tasks",
          method: "GET",
          path: `/api/tasks?limit=${value()}&cursor=${value()}&flag=${value()}&q=${value()}`,
          headers,
        };
      case 1:
        return { kind: "GET timeline", method: "GET", path: `/api/tasks/${key()}/timeline`, headers };
      case 2:
        return {
          kind: "POST links",
          method: "POST",
          path: `/api/tasks/${key()}/links`,
          headers,
          body: body(),
        };
      case 3:
        return {
          kind: "DELETE link",
          method: "DELETE",
          path: `/api/tasks/${key()}/links/${value()}?by=${value()}`,
          headers,
        };
      case 4:
        return { kind: "GET /api/flags", method: "GET", path: `/api/flags?kind=${value()}`, headers };
      case 5:
        return {
          kind: "POST snooze",
          method: "POST",
          path: `/api/flags/${value()}/snooze`,
          headers,
          body: body(),
        };
      case 6:
        return {
          kind: "POST dismiss",
          method: "POST",
          path: `/api/flags/${value()}/dismiss`,
          headers,
          body: body(),
        };
      case 7:
        return {
          kind: "GET /api/items",
          method: "GET",
          path: `/api/items?limit=${value()}&cursor=${value()}&source=${value()}`,
          headers,
        };
      case 8:
        return {
          kind: "POST merge",
          method: "POST",
          path: `/api/people/${value()}/merge`,
          headers,
          body: body(),
        };
      case 9:
        // A pass would write each source's status: only ever asked without the token.
        return {
          kind: "POST /api/sync",
          method: "POST",
          path: "/api/sync",
          headers: { authorization: `Bearer ${ctx.apiToken.slice(1)}` },
          body: body(),
        };
      default:
        return {
          kind: "odd path",
          method: pick(["GET", "POST", "PUT", "PATCH", "OPTIONS"]),
          path: pick([
            "/api",
            "/api/",
            "/api/tasks/",
            "/api//tasks",
            `/api/${value()}`,
            "/openapi.json",
            "/healthz",
          ]),
          headers,
        };
    }
  };

  return Array.from({ length: count }, () => (random() < 0.55 ? webhook() : api()));
}
