/**
 * Teams change-notification subscriptions kept alive by the server: the real app served over HTTP (Graph's
 * validation handshake reaches it), the real connector and Graph SDK against the sandbox's `/subscriptions`,
 * on each test database. Lifetimes are shortened (a 80-minute subscription renewed with 30 minutes left) and
 * both clocks, the server's and the sandbox's, are moved instead of waited on.
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import {
  startTeamsSandbox,
  type TeamsSandbox,
  teamsSandboxEnv,
} from "../../../connectors/sandbox/teams/index.ts";
import { createTeamsConnector } from "../../../connectors/teams/index.ts";
import { parseConfig } from "../../../src/config.ts";
import type { SubscriptionService } from "../../../src/server/subscription-service.ts";
import type { SyncService } from "../../../src/server/sync-service.ts";
import { wireApp } from "../../../src/server/wire-app.ts";
import { queryRows } from "../../../src/store/rows.ts";
import { loadSubscriptions } from "../../../src/store/subscriptions.ts";
import { describeEachDatabase } from "../../helpers/databases.ts";
import { buildOrg, RUN_NOW } from "./helpers.ts";

const MINUTE = 60_000;
const quiet = { info: () => {}, error: () => {} };

describeEachDatabase("Teams subscriptions kept alive", (ctx) => {
  let sandbox: TeamsSandbox;
  let server: ReturnType<typeof serve>;
  let sync: SyncService;
  let subscriptions: SubscriptionService;
  let publicUrl: string;
  let clock = RUN_NOW.getTime();
  const now = () => new Date(clock);
  let scopeDev: string;

  beforeAll(async () => {
    const data = buildOrg();
    sandbox = await startTeamsSandbox(data, {
      subscriptions: { clock: () => clock, maxLifetimeMinutes: 90 },
    });
    scopeDev = data.scopeOf("dev");
    // The app is served first, so the public URL (its port) is known when the app is built.
    let handle: (request: Request) => Response | Promise<Response> = () =>
      new Response(null, { status: 503 });
    server = serve({ fetch: (request) => handle(request), port: 0, hostname: "127.0.0.1" });
    await new Promise<void>((resolve) => server.once("listening", () => resolve()));
    publicUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const env = {
      ...teamsSandboxEnv(sandbox, ["dev", "client"]),
      THREADLINE_API_TOKEN: "subscriptions-test-token-5e6f7a8b",
      THREADLINE_PUBLIC_URL: publicUrl,
    };
    const teams = createTeamsConnector({
      retry: { delaySeconds: 0 },
      notice: () => {},
      subscriptions: { lifetimeMs: 80 * MINUTE, renewWithinMs: 30 * MINUTE },
    });
    const wired = wireApp({
      db: ctx.db,
      config: parseConfig(env),
      apiToken: env.THREADLINE_API_TOKEN,
      log: quiet,
      connectors: { teams },
      now,
    });
    handle = (request) => wired.app.fetch(request);
    sync = wired.sync;
    subscriptions = wired.subscriptions;
  });
  afterAll(async () => {
    await sync?.stop();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    await sandbox?.close();
  });

  const liveFor = (scope: string) => {
    const [teamId, channelId] = scope.split("/");
    return sandbox.subscriptions.list().filter((s) => s.teamId === teamId && s.channelId === channelId);
  };
  const storedFor = async (scope: string) =>
    (await loadSubscriptions(ctx.db, "teams")).find((r) => r.scope === scope);

  it("subscribes each channel with the public webhook for both URLs, after Graph's handshake with the server", async () => {
    // Two servers' timers at once (or a cron tick beside a lifecycle event): one subscription a channel.
    const [one, other] = await Promise.all([subscriptions.maintain(), subscriptions.maintain()]);
    expect([...one!.created, ...other!.created].sort()).toEqual(
      [sandbox.data.scopeOf("client"), scopeDev].sort(),
    );
    expect([...one!.failed, ...other!.failed]).toEqual([]);
    expect(sandbox.subscriptions.list()).toHaveLength(2);
    const [sub] = liveFor(scopeDev);
    expect(sub).toMatchObject({
      notificationUrl: `${publicUrl}/webhooks/teams`,
      lifecycleNotificationUrl: `${publicUrl}/webhooks/teams`,
      changeType: "created,updated,deleted",
      expiresAt: clock + 80 * MINUTE,
    });
    expect(sub!.clientState).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Each URL of each subscription was validated, and the server echoed every token as Graph wants it.
    expect(sandbox.subscriptions.validations).toHaveLength(4);
    expect(sandbox.subscriptions.validations.every((v) => v.ok)).toBe(true);
    expect(await storedFor(scopeDev)).toMatchObject({
      subscriptionId: sub!.id,
      expiresAt: new Date(sub!.expiresAt),
      lastError: null,
    });
  });

  it("lives through three renewals past its first expiry, and a reauthorization", async () => {
    const [first] = liveFor(scopeDev);
    const createdAt = clock;
    for (let round = 1; round <= 3; round++) {
      clock += 20 * MINUTE;
      // 60 minutes left of 80: nothing to do yet.
      expect((await subscriptions.maintain())?.renewed).toEqual([]);
      clock += 35 * MINUTE;
      const report = await subscriptions.maintain();
      expect(report?.renewed.sort()).toEqual([sandbox.data.scopeOf("client"), scopeDev].sort());
      const [sub] = liveFor(scopeDev);
      expect(sub).toMatchObject({ id: first!.id, renewals: round, expiresAt: clock + 80 * MINUTE });
      expect((await storedFor(scopeDev))?.expiresAt).toEqual(new Date(clock + 80 * MINUTE));
    }
    // 165 minutes on, twice the first lifetime: still the one subscription, never recreated.
    expect(clock - createdAt).toBe(165 * MINUTE);
    expect(clock).toBeGreaterThan(first!.createdAt + 80 * MINUTE);
    expect(liveFor(scopeDev).map((s) => s.id)).toEqual([first!.id]);

    // Graph's challenge arrives at the lifecycle URL; the server acknowledges and reauthorizes.
    expect(await sandbox.subscriptions.sendLifecycle(first!.id, "reauthorizationRequired")).toBe(202);
    await vi.waitFor(() => expect(sandbox.subscriptions.get(first!.id)?.needsReauthorization).toBe(false));
    expect(sandbox.subscriptions.get(first!.id)).toMatchObject({ reauthorizations: 1, renewals: 3 });
  });

  it("makes a new subscription when Graph removes one, and catches up on what was said meanwhile", async () => {
    sync.request();
    await sync.idle();
    const [old] = liveFor(scopeDev);
    const said = sandbox.data.post("dev", {
      from: "ana",
      body: "Said while nobody listened: FAL-12 is fixed.",
    });

    expect(await sandbox.subscriptions.sendLifecycle(old!.id, "subscriptionRemoved")).toBe(202);
    await vi.waitFor(async () => {
      const [fresh] = liveFor(scopeDev);
      expect(fresh?.id).toBeDefined();
      expect(fresh!.id).not.toBe(old!.id);
      expect((await storedFor(scopeDev))?.subscriptionId).toBe(fresh!.id);
    });
    await vi.waitFor(async () => {
      await sync.idle();
      const rows = await queryRows<{ text: string }>(
        ctx.db,
        sql`select text from items where source = 'teams' and external_id like ${`%${said.id}`}`,
      );
      expect(rows.map((r) => r.text)).toEqual(["Said while nobody listened: FAL-12 is fixed."]);
    });
  });

  it("renews the subscription and catches the channel up when Graph says notifications were missed", async () => {
    await sync.idle();
    const [sub] = liveFor(scopeDev);
    const renewals = sub!.renewals;
    const said = sandbox.data.post("dev", {
      from: "ben",
      body: "Dropped notification: FAL-15 credentials arrived.",
    });
    expect(await sandbox.subscriptions.sendLifecycle(sub!.id, "missed")).toBe(202);
    await vi.waitFor(async () => {
      await sync.idle();
      const rows = await queryRows<{ text: string }>(
        ctx.db,
        sql`select text from items where source = 'teams' and external_id like ${`%${said.id}`}`,
      );
      expect(rows).toHaveLength(1);
    });
    expect(sandbox.subscriptions.get(sub!.id)?.renewals).toBe(renewals + 1);
  });

  it("pulls a channel with a live subscription once a day instead of on every scheduled pass", async () => {
    sync.request();
    await sync.idle();
    const scopeClient = sandbox.data.scopeOf("client");
    expect(await subscriptions.scheduledScopes()).toEqual({ teams: [] });
    clock += 24 * 60 * MINUTE;
    // A day on, both subscriptions long expired (nobody renewed them in this test): polled again.
    expect((await subscriptions.scheduledScopes()).teams?.sort()).toEqual([scopeClient, scopeDev].sort());
    // New subscriptions for lapsed ones come with a catch-up pass, after which the channels wait a day again.
    const report = await subscriptions.maintain();
    expect(report?.catchUp.map((c) => c.scope).sort()).toEqual([scopeClient, scopeDev].sort());
    await sync.idle();
    expect(await subscriptions.scheduledScopes()).toEqual({ teams: [] });

    // A day of renewals with nothing else pulling: on Node the daily catch-up asks for both channels once.
    for (let elapsed = 0; elapsed < 24 * 60; elapsed += 50) {
      clock += 50 * MINUTE;
      expect((await subscriptions.maintain())?.failed).toEqual([]);
      if (elapsed < 23 * 60) expect(await subscriptions.requestDailyCatchUp()).toBe(0);
    }
    expect((await subscriptions.scheduledScopes()).teams?.sort()).toEqual([scopeClient, scopeDev].sort());
    expect(await subscriptions.requestDailyCatchUp()).toBe(2);
    await sync.idle();
    expect(await subscriptions.requestDailyCatchUp()).toBe(0);
    expect(await subscriptions.scheduledScopes()).toEqual({ teams: [] });
  });
});
