/**
 * The sandbox's `/subscriptions` keeps to Microsoft Graph's documented rules for channel-message
 * subscriptions (see connectors/sandbox/teams/subscriptions.ts for the pages): validation of both URLs before
 * `201`, the one-hour rule without `lifecycleNotificationUrl`, the longest lifetime, expiry, renewal and
 * reauthorization answers.
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTeamsSandbox, type TeamsSandbox } from "../../../connectors/sandbox/teams/index.ts";
import { buildOrg, RUN_NOW } from "./helpers.ts";

const MINUTE = 60_000;

describe("the Graph sandbox's subscriptions", () => {
  let sandbox: TeamsSandbox;
  let endpoint: ReturnType<typeof serve>;
  let hookUrl: string;
  let echo = true;
  let clock = RUN_NOW.getTime();

  beforeAll(async () => {
    sandbox = await startTeamsSandbox(buildOrg(), { subscriptions: { clock: () => clock } });
    const hook = new Hono().post("/hook", (c) => {
      const token = c.req.query("validationToken");
      if (token !== undefined) return echo ? c.text(token) : c.text("nope");
      return c.body(null, 202);
    });
    endpoint = serve({ fetch: hook.fetch, port: 0, hostname: "127.0.0.1" });
    await new Promise<void>((resolve) => endpoint.once("listening", () => resolve()));
    hookUrl = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => endpoint.close(() => resolve()));
    await sandbox.close();
  });

  const graph = (path: string, init: { method: string; body?: unknown }) =>
    fetch(`${sandbox.url}/v1.0${path}`, {
      method: init.method,
      headers: { authorization: `Bearer ${sandbox.data.staticToken}`, "content-type": "application/json" },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  const channel = () => sandbox.data.channel("dev");
  const subscribe = (extra: Record<string, unknown>) =>
    graph("/subscriptions", {
      method: "POST",
      body: {
        changeType: "created,updated,deleted",
        notificationUrl: hookUrl,
        resource: `/teams/${channel().teamId}/channels/${channel().id}/messages`,
        clientState: "state",
        ...extra,
      },
    });
  const inMinutes = (m: number) => new Date(clock + m * MINUTE).toISOString();

  it("refuses more than an hour without lifecycleNotificationUrl, and more than 4,320 minutes at all", async () => {
    const long = await subscribe({ expirationDateTime: inMinutes(61) });
    expect(long.status).toBe(400);
    expect(await long.json()).toMatchObject({
      error: { message: expect.stringMatching(/lifecycleNotificationUrl is a required property/) },
    });
    const tooLong = await subscribe({
      expirationDateTime: inMinutes(4321),
      lifecycleNotificationUrl: hookUrl,
    });
    expect(tooLong.status).toBe(400);
    expect((await subscribe({ expirationDateTime: inMinutes(59) })).status).toBe(201);
  });

  it("validates both URLs before creating, and creates nothing when the endpoint does not echo the token", async () => {
    const before = sandbox.subscriptions.list().length;
    echo = false;
    const refused = await subscribe({
      expirationDateTime: inMinutes(120),
      lifecycleNotificationUrl: hookUrl,
    });
    echo = true;
    expect(refused.status).toBe(400);
    expect(sandbox.subscriptions.list()).toHaveLength(before);
    sandbox.subscriptions.validations.length = 0;
    const made = await subscribe({ expirationDateTime: inMinutes(120), lifecycleNotificationUrl: hookUrl });
    expect(made.status).toBe(201);
    expect(sandbox.subscriptions.validations).toEqual([
      { url: hookUrl, status: 200, ok: true },
      { url: hookUrl, status: 200, ok: true },
    ]);
  });

  it("renews with PATCH, reauthorizes with 204, and forgets a subscription once it expired", async () => {
    const made = await subscribe({ expirationDateTime: inMinutes(120), lifecycleNotificationUrl: hookUrl });
    const { id } = (await made.json()) as { id: string };
    expect(await sandbox.subscriptions.sendLifecycle(id, "reauthorizationRequired")).toBe(202);
    expect(sandbox.subscriptions.get(id)?.needsReauthorization).toBe(true);
    expect((await graph(`/subscriptions/${id}/reauthorize`, { method: "POST" })).status).toBe(204);
    expect(sandbox.subscriptions.get(id)?.needsReauthorization).toBe(false);

    clock += 100 * MINUTE;
    const renewed = await graph(`/subscriptions/${id}`, {
      method: "PATCH",
      body: { expirationDateTime: inMinutes(120) },
    });
    expect(renewed.status).toBe(200);
    expect(await renewed.json()).toMatchObject({ id, expirationDateTime: inMinutes(120) });

    clock += 121 * MINUTE;
    expect((await graph(`/subscriptions/${id}`, { method: "GET" })).status).toBe(404);
    expect((await graph(`/subscriptions/${id}/reauthorize`, { method: "POST" })).status).toBe(404);
    expect(
      (await graph(`/subscriptions/${id}`, { method: "PATCH", body: { expirationDateTime: inMinutes(60) } }))
        .status,
    ).toBe(404);
  });
});
