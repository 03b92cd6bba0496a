import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";

/**
 * What the sandbox answers instead of the real thing, for the requests a rule matches: a status (401 or 403
 * with the API's own error body, 429 with Retry-After, or a 5xx), on a share of requests or on the next N.
 */
export interface FaultRule {
  status: 401 | 403 | 429 | 500 | 502 | 503 | 504;
  /** Only requests whose path (with query) matches. */
  path?: RegExp;
  /** Fail this share of matching requests (0..1), drawn from a seeded sequence so a run can be repeated. */
  rate?: number;
  /** Fail only the next N matching requests, then stop. */
  times?: number;
  /**
   * Fail only every Nth matching request (the Nth, the 2Nth…), with `times` at most that many: faults spread
   * over a run whose number does not depend on the order concurrent requests arrive in.
   */
  every?: number;
  /** Seconds for the Retry-After header of a 429 (default 1). */
  retryAfterSeconds?: number;
  /** The body to answer; each API has its own error shape. Default: `{"message": "..."}`. */
  body?: unknown;
  /** Headers besides Retry-After that the API sends with this answer (Jira's `X-RateLimit-Reset`, say). */
  headers?(now: Date): Record<string, string>;
}

export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
  at: number;
}

/** Every request the sandbox answered, for tests and benchmarks that count what a connector asked. */
export class RequestLog {
  readonly entries: LoggedRequest[] = [];
  count(filter?: { method?: string; path?: RegExp; status?: number }): number {
    return this.entries.filter(
      (e) =>
        (!filter?.method || e.method === filter.method) &&
        (!filter?.path || filter.path.test(e.path)) &&
        (filter?.status === undefined || e.status === filter.status),
    ).length;
  }
  clear(): void {
    this.entries.length = 0;
  }
}

/** The fault rules in force; tests change them between passes. */
export class FaultPlan {
  private rules: Array<FaultRule & { left?: number; seen: number }> = [];
  private seed: number;
  /** The faults answered since the plan was last set, by status (inside Gmail's batches too). */
  readonly served = new Map<number, number>();
  constructor(seed = 42) {
    this.seed = seed;
  }
  set(rules: FaultRule[]): void {
    this.rules = rules.map((r) => ({ ...r, seen: 0, ...(r.times !== undefined ? { left: r.times } : {}) }));
    this.served.clear();
  }
  clear(): void {
    this.rules = [];
    this.served.clear();
  }
  /** How many faults of `status` were answered since the plan was last set. */
  count(status: number): number {
    return this.served.get(status) ?? 0;
  }
  /** The rule that fails this request, if any. */
  pick(pathWithQuery: string): FaultRule | undefined {
    const rule = this.match(pathWithQuery);
    if (rule) this.served.set(rule.status, this.count(rule.status) + 1);
    return rule;
  }
  private match(pathWithQuery: string): FaultRule | undefined {
    for (const rule of this.rules) {
      if (rule.path && !rule.path.test(pathWithQuery)) continue;
      if (rule.left !== undefined && rule.left <= 0) continue;
      if (rule.every !== undefined && ++rule.seen % rule.every !== 0) continue;
      if (rule.left !== undefined) {
        rule.left--;
        return rule;
      }
      if (rule.rate !== undefined ? this.random() < rule.rate : rule.every !== undefined) return rule;
    }
    return undefined;
  }
  // mulberry32: small, seeded, and good enough to spread faults over a run.
  private random(): number {
    this.seed = (this.seed + 0x6d2b79f5) | 0;
    let t = this.seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

export interface Sandbox {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  url: string;
  requests: RequestLog;
  faults: FaultPlan;
  close(): Promise<void>;
}

/**
 * Serves an API's Hono app on a free loopback port, with a request log and fault injection in front of it,
 * so a connector's real SDK talks real HTTP to it.
 */
export async function startSandbox(
  api: Hono,
  options: { port?: number; seed?: number } = {},
): Promise<Sandbox> {
  const requests = new RequestLog();
  const faults = new FaultPlan(options.seed);
  const app = new Hono();
  app.use("*", async (c, next) => {
    const url = new URL(c.req.url);
    const pathWithQuery = url.pathname + url.search;
    const fault = faults.pick(pathWithQuery);
    if (fault) {
      requests.entries.push({
        method: c.req.method,
        path: pathWithQuery,
        status: fault.status,
        at: Date.now(),
      });
      const headers: Record<string, string> = fault.headers?.(new Date()) ?? {};
      if (fault.status === 429) headers["Retry-After"] = String(fault.retryAfterSeconds ?? 1);
      return c.json(
        (fault.body ?? { message: `sandbox fault ${fault.status}` }) as Record<string, unknown>,
        fault.status,
        headers,
      );
    }
    await next();
    requests.entries.push({
      method: c.req.method,
      path: pathWithQuery,
      status: c.res.status,
      at: Date.now(),
    });
  });
  app.route("/", api);

  const server = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: "127.0.0.1" });
  await new Promise<void>((resolve, reject) => {
    server.once("listening", () => resolve());
    server.once("error", reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    faults,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive sockets of the SDKs would hold close() open.
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}
