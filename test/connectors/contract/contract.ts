/**
 * The contract every connector keeps, run once a source (as unstorage's `testDriver` runs once a driver):
 * its real SDK over real HTTP against its sandbox, with a fixture saying how to start the sandbox, how to
 * refuse, throttle or break it, and what its webhook accepts. What only one source does stays in its own
 * folder's tests.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { FaultRule, LoggedRequest, Sandbox } from "../../../connectors/sandbox/harness.ts";
import { type Connector, ConnectorError, type WebhookRequest } from "../../../connectors/types.ts";
import type { SourceId } from "../../../src/model/kinds.ts";
import type { Db } from "../../../src/store/db.ts";
import type { RunSyncOptions } from "../../../src/sync/engine.ts";
import { emptyTables } from "../../helpers/databases.ts";
import { BOOKKEEPING, dumpDatabase } from "../../helpers/dump.ts";
import { syncOnce } from "../../helpers/sync-run.ts";
import { deletionsOf, pullAll, recordingReporter, recordsOf } from "../kit.ts";

/** How one test makes the source refuse: settings it refuses, a scope it hides, or a fault on its sandbox. */
export interface Refusal<Settings, Sb extends Sandbox> {
  arrange(sandbox: Sb): { settings?: Settings; scope?: string; faults?: FaultRule[]; undo?: () => void };
  /** What the error's message must say (where to look, what to check). */
  message: RegExp;
}

export interface ConnectorFixture<Settings, Sb extends Sandbox = Sandbox> {
  source: SourceId;
  /** The connector with its retries made quick (a Retry-After is still honoured). */
  connector: Connector<SourceId, Settings>;
  /** A sandbox serving the fixture's small data set; `seed` spreads the faults of a fault run. */
  start(options?: { seed?: number }): Promise<Sb>;
  settings(sandbox: Sb): Settings;
  scopes(sandbox: Sb): string[];
  /** The run's clock, where the data set is dated (default: now). */
  now?: Date;
  /** The requests the connector counts (a token endpoint, which the SDK's auth asks, left out where it is). */
  apiRequests(sandbox: Sb): LoggedRequest[];
  /** The requests a backfill of `scope` makes: the fewest the API's page sizes allow for the data set. */
  backfillRequests(sandbox: Sb, scope: string): number;
  /** Incremental passes after a backfill before one with nothing new is as cheap as it gets (GitHub's ETags). */
  settlingPasses?: number;
  /** Requests a connector makes once in its life, on its first pull (Jira's server info). */
  oncePerConnector?: number;
  /** The most requests a scope's incremental pass makes when nothing changed (one or two). */
  emptyPassRequests: 1 | 2;
  /** The requests the engine's `listScopes` makes before a run's pulls (none when the scopes are configured). */
  listScopesRequests?: number;
  /**
   * A scope that takes several pages, to stop a backfill mid-way: a connector reading small pages, and a
   * sandbox of its own where the small data set fits one page.
   */
  paged: { connector: Connector<SourceId, Settings>; scope(sandbox: Sb): string; start?(): Promise<Sb> };
  /** The token endpoint's requests, which an incremental pass makes besides its API requests. */
  tokenEndpoint?: RegExp;
  /** What else the fault run must have met (a vendor's own limit answer, say), checked after it. */
  faultRunChecks?(sandbox: Sb): void;
  refusals: { 401: Refusal<Settings, Sb>; 403: Refusal<Settings, Sb> };
  /** A 429 with Retry-After in the vendor's shape, on a request the backfill of the first scope makes. */
  rateLimit(retryAfterSeconds: number): FaultRule;
  /**
   * The Retry-After of the two short 429s the client waits out (default 0). Octokit's throttling reads `0`
   * as no header and falls back to its own 60 s, so GitHub's are 1 s.
   */
  shortRetryAfterSeconds?: 0 | 1;
  /** What a rate_limit error's message quotes of the vendor's answer. */
  rateLimitMessage?: RegExp;
  /** 5xx answers the client retries by itself, then reads on; each rule has `times`, all of them met. */
  briefServerErrors: FaultRule[];
  /** A 5xx on every request: the client gives up and the engine gets a transient error with its status. */
  lastingServerError: FaultRule & { status: 500 | 502 };
  /**
   * The faults of a whole backfill (429s and 5xxs spread over the run with `every`), for the fault-run
   * comparison. Each rule has `times`, and the run must meet every one of them: the contract counts them.
   */
  faultRun(sandbox: Sb): FaultRule[];
  /** How many times the engine resumes the fault run from its last committed page (faults no client retries). */
  faultRunEngineRetries: number;
  /** How the engine runs the source in the database tests: its link context and clock. */
  sync?(sandbox: Sb): Partial<RunSyncOptions>;
  webhook: {
    /** A push as the source signs it; none where the connector accepts no push at all (Gmail). */
    signed?(sandbox: Sb, settings: Settings): WebhookRequest | Promise<WebhookRequest>;
    /** Pushes the connector must refuse: a wrong signature, none, a wrong secret. */
    forged(sandbox: Sb, settings: Settings): WebhookRequest[] | Promise<WebhookRequest[]>;
  };
}

const HOUR = 3_600_000;

/** The faults a plan of `times` rules serves once all of them are met, by status. */
function faultsOf(rules: FaultRule[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const rule of rules) {
    if (rule.times === undefined)
      throw new Error(`a fault rule without times cannot be counted: ${rule.status}`);
    counts.set(rule.status, (counts.get(rule.status) ?? 0) + rule.times);
  }
  return counts;
}
const servedBy = (sandbox: Sandbox) => new Map([...sandbox.faults.served].filter(([, n]) => n > 0));
type PullOptions = NonNullable<Parameters<typeof pullAll>[3]>;

/** Registers the contract's tests for one source. */
export function describeConnectorContract<Settings, Sb extends Sandbox>(
  fixture: ConnectorFixture<Settings, Sb>,
): void {
  const { connector, source } = fixture;
  const pullScope = (
    sandbox: Sb,
    options: PullOptions & { settings?: Settings | undefined; scope?: string | undefined } = {},
  ) =>
    pullAll(
      connector,
      options.settings ?? fixture.settings(sandbox),
      options.scope ?? fixture.scopes(sandbox)[0]!,
      { ...(fixture.now ? { now: fixture.now } : {}), ...options },
    );

  describe(`${source} connector contract`, () => {
    let sandbox: Sb;
    beforeAll(async () => {
      sandbox = await fixture.start();
    });
    afterAll(() => sandbox.close());
    beforeEach(() => {
      sandbox.faults.clear();
      sandbox.requests.clear();
    });

    it("backfills every scope with the fewest requests the page sizes allow, and counts each one", async () => {
      for (const scope of fixture.scopes(sandbox)) {
        sandbox.requests.clear();
        const { pages, report } = await pullScope(sandbox, { scope });
        expect(recordsOf(pages).length, scope).toBeGreaterThan(0);
        const minimum = fixture.backfillRequests(sandbox, scope);
        expect(fixture.apiRequests(sandbox).length, scope).toBeGreaterThanOrEqual(minimum);
        expect(fixture.apiRequests(sandbox).length, scope).toBeLessThanOrEqual(
          minimum + (fixture.oncePerConnector ?? 0),
        );
        // The progress line's count is what the API saw, retries included.
        expect(report.requestCount, scope).toBe(fixture.apiRequests(sandbox).length);
      }
    });

    it(`asks at most ${fixture.emptyPassRequests} a scope in an incremental pass with nothing new, and yields nothing`, async () => {
      for (const scope of fixture.scopes(sandbox)) {
        let { cursors } = await pullScope(sandbox, { scope });
        for (let i = 0; i < (fixture.settlingPasses ?? 0); i++)
          ({ cursors } = await pullScope(sandbox, { scope, mode: "sync", cursors }));
        sandbox.requests.clear();
        const again = await pullScope(sandbox, { scope, mode: "sync", cursors });
        expect(recordsOf(again.pages), scope).toEqual([]);
        expect(deletionsOf(again.pages), scope).toEqual([]);
        const asked = fixture.apiRequests(sandbox).filter((e) => !fixture.tokenEndpoint?.test(e.path));
        expect(asked.length, scope).toBeLessThanOrEqual(fixture.emptyPassRequests);
      }
    });

    it("resumes a backfill killed after a committed page from its cursors: nothing lost", async () => {
      const own = await fixture.paged.start?.();
      try {
        await resume(own ?? sandbox);
      } finally {
        await own?.close();
      }
    });
    async function resume(sandbox: Sb) {
      const paged = fixture.paged.connector;
      const scope = fixture.paged.scope(sandbox);
      const settings = fixture.settings(sandbox);
      const clock = fixture.now ? { now: fixture.now } : {};
      const whole = await pullAll(paged, settings, scope, clock);
      expect(whole.pages.length).toBeGreaterThan(1);
      const keys = (pages: typeof whole.pages) =>
        recordsOf(pages).map((r) => JSON.stringify([r.type, r.data]));
      for (let stopAfter = 1; stopAfter < whole.pages.length; stopAfter++) {
        // What a killed process leaves: the cursors of the pages it committed. The resumed run starts afresh.
        const killed = await pullAll(paged, settings, scope, { ...clock, stopAfter });
        const resumed = await pullAll(paged, settings, scope, { ...clock, cursors: killed.cursors });
        // Whatever the killed run had not read yet, the resumed one reads.
        if (recordsOf(whole.pages.slice(stopAfter)).length > 0)
          expect(recordsOf(resumed.pages).length, `after ${stopAfter}`).toBeGreaterThan(0);
        expect(new Set([...keys(killed.pages), ...keys(resumed.pages)]), `after ${stopAfter}`).toEqual(
          new Set(keys(whole.pages)),
        );
        expect(resumed.cursors, `after ${stopAfter}`).toEqual(whole.cursors);
      }
    }

    for (const status of [401, 403] as const) {
      const kind = status === 401 ? "auth" : "forbidden";
      it(`reports a ${status} as ${kind}, saying what to check`, async () => {
        const refusal = fixture.refusals[status];
        const arranged = refusal.arrange(sandbox);
        try {
          if (arranged.faults) sandbox.faults.set(arranged.faults);
          const error = await pullScope(sandbox, {
            settings: arranged.settings,
            scope: arranged.scope,
          }).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(ConnectorError);
          expect(error).toMatchObject({ source, kind });
          expect((error as ConnectorError).retryable).toBe(false);
          expect((error as Error).message).toMatch(new RegExp(`^\\[threadline\\] \\[${source}\\] `));
          expect((error as Error).message).toMatch(refusal.message);
        } finally {
          arranged.undo?.();
        }
      });
    }

    it("waits as long as a 429's Retry-After says, shows until when, then reads on to the same records", async () => {
      const clean = recordsOf((await pullScope(sandbox)).pages);
      sandbox.requests.clear();
      sandbox.faults.set([{ ...fixture.rateLimit(1), times: 1 }]);
      const started = Date.now();
      const report = recordingReporter();
      const { pages } = await pullScope(sandbox, { report });
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
      expect(report.waits).toHaveLength(2);
      expect(report.waits[0]!.getTime()).toBeGreaterThan(started + 900);
      expect(report.waits[1]).toBeNull();
      expect(sandbox.requests.count({ status: 429 })).toBe(1);
      expect(recordsOf(pages)).toEqual(clean);
      // The retry is a request too.
      expect(report.requestCount).toBe(fixture.apiRequests(sandbox).length);
    });

    it("waits out two short 429s in a row in the client, showing each wait, and reads on", async () => {
      const clean = recordsOf((await pullScope(sandbox)).pages);
      sandbox.requests.clear();
      sandbox.faults.set([{ ...fixture.rateLimit(fixture.shortRetryAfterSeconds ?? 0), times: 2 }]);
      const report = recordingReporter();
      const { pages } = await pullScope(sandbox, { report });
      expect(sandbox.faults.count(429)).toBe(2);
      expect(report.waits.filter((w) => w !== null)).toHaveLength(2);
      expect(recordsOf(pages)).toEqual(clean);
      expect(report.requestCount).toBe(fixture.apiRequests(sandbox).length);
    });

    it("hands a long Retry-After to the engine as rate_limit, with when to come back", async () => {
      sandbox.faults.set([{ ...fixture.rateLimit(3600), times: 1 }]);
      const started = Date.now();
      const error = await pullScope(sandbox).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectorError);
      expect(error).toMatchObject({ source, kind: "rate_limit", status: 429 });
      if (fixture.rateLimitMessage) expect((error as Error).message).toMatch(fixture.rateLimitMessage);
      const retryAt = (error as ConnectorError).retryAt!.getTime();
      expect(retryAt).toBeGreaterThan(started + HOUR - 100_000);
      expect(retryAt).toBeLessThan(Date.now() + HOUR + 100_000);
    });

    it("retries brief 5xx answers in the client and ends with the same records", async () => {
      const clean = recordsOf((await pullScope(sandbox)).pages);
      sandbox.requests.clear();
      sandbox.faults.set(fixture.briefServerErrors);
      const { pages } = await pullScope(sandbox);
      expect(servedBy(sandbox)).toEqual(faultsOf(fixture.briefServerErrors));
      expect(recordsOf(pages)).toEqual(clean);
    });

    it("gives up on a 5xx that lasts, as a transient error the engine may retry", async () => {
      sandbox.faults.set([fixture.lastingServerError]);
      const error = await pullScope(sandbox).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectorError);
      expect(error).toMatchObject({ source, kind: "transient", status: fixture.lastingServerError.status });
      expect((error as ConnectorError).retryable).toBe(true);
    });

    it("refuses a push with a wrong or missing signature", async () => {
      const settings = fixture.settings(sandbox);
      const signed = await fixture.webhook.signed?.(sandbox, settings);
      if (signed) expect(await connector.webhook.verify(signed, settings)).toBe(true);
      const forged = await fixture.webhook.forged(sandbox, settings);
      expect(forged.length).toBeGreaterThan(0);
      for (const request of forged) expect(await connector.webhook.verify(request, settings)).toBe(false);
    });
  });
}

/**
 * Registers the contract's database tests for one source, inside a `describeEachDatabase`: the sources of
 * a run share its database (emptied before each test), which is the costly part to create.
 */
export function describeConnectorContractSync<Settings, Sb extends Sandbox>(
  ctx: { readonly db: Db },
  fixture: ConnectorFixture<Settings, Sb>,
): void {
  const { connector, source } = fixture;
  describe(source, () => {
    let sandbox: Sb;
    beforeAll(async () => {
      sandbox = await fixture.start({ seed: 7 });
    });
    afterAll(() => sandbox.close());
    beforeEach(async () => {
      sandbox.faults.clear();
      await emptyTables(ctx.db);
    });

    const sync = async (mode: "backfill" | "sync") => {
      const report = await syncOnce(ctx.db, [{ connector, settings: fixture.settings(sandbox) }], {
        mode,
        ...fixture.sync?.(sandbox),
      });
      expect(report.sources[0]!.errors).toEqual([]);
      return report.sources[0]!;
    };

    it("ends a backfill under 429s and 5xxs with the same database as a clean run", async () => {
      await sync("backfill");
      const clean = await dumpDatabase(ctx.db, { omit: BOOKKEEPING });
      expect(clean.items.length).toBeGreaterThan(0);
      await emptyTables(ctx.db);
      sandbox.requests.clear();
      const plan = fixture.faultRun(sandbox);
      const expected = faultsOf(plan);
      expect(expected.get(429)).toBeGreaterThan(0);
      expect([...expected.keys()].some((status) => status >= 500)).toBe(true);
      sandbox.faults.set(plan);
      const report = await sync("backfill");
      // The plan is deterministic: every fault it holds is served, and the engine resumes as often as said.
      expect(servedBy(sandbox)).toEqual(expected);
      expect(report.retries).toBe(fixture.faultRunEngineRetries);
      fixture.faultRunChecks?.(sandbox);
      expect(await dumpDatabase(ctx.db, { omit: BOOKKEEPING })).toEqual(clean);
    });

    it("changes nothing in an incremental pass with nothing new", async () => {
      await sync("backfill");
      for (let i = 0; i < (fixture.settlingPasses ?? 0); i++) await sync("sync");
      const before = await dumpDatabase(ctx.db, { omit: BOOKKEEPING });
      sandbox.requests.clear();
      const report = await sync("sync");
      expect(report.itemsNew + report.itemsUpdated + report.itemsDeleted).toBe(0);
      expect(report.tasksNew + report.tasksUpdated).toBe(0);
      const asked = fixture.apiRequests(sandbox).filter((e) => !fixture.tokenEndpoint?.test(e.path));
      expect(asked.length).toBeLessThanOrEqual(
        fixture.emptyPassRequests * fixture.scopes(sandbox).length + (fixture.listScopesRequests ?? 0),
      );
      expect(await dumpDatabase(ctx.db, { omit: BOOKKEEPING })).toEqual(before);
    });
  });
}
