/**
 * `POST /webhooks/teams` as the connector sees it: Graph's validation handshake, the clientState check,
 * what a notification asks for, and lifecycle notifications. Payloads from the sandbox's builders, which
 * follow https://learn.microsoft.com/graph/change-notifications-delivery-webhooks and
 * https://learn.microsoft.com/graph/teams-changenotifications-chatmessage.
 */
import { describe, expect, it } from "vitest";
import {
  lifecycleNotification,
  messageNotification,
  notificationRequest,
  validationRequest,
} from "../../../connectors/sandbox/teams/index.ts";
import { createTeamsConnector, teamsClientState } from "../../../connectors/teams/index.ts";
import { MAX_VALIDATION_TOKEN, toNotificationChannel } from "../../../connectors/teams/webhook.ts";
import { settingsFrom } from "../kit.ts";
import { buildOrg } from "./helpers.ts";

const data = buildOrg();
const env = {
  MS_TENANT_ID: data.tenantId,
  MS_CLIENT_ID: data.clientId,
  MS_CLIENT_SECRET: data.clientSecret,
  TEAMS_CHANNELS: [data.scopeOf("dev"), data.scopeOf("client")].join(","),
};
const connector = createTeamsConnector();
const settings = settingsFrom(connector, env);
const [sso] = data.threads.get(data.channel("dev").id)!;
const [erp] = data.threads.get(data.channel("client").id)!;

describe("Teams webhook", () => {
  it("answers the validation handshake with the decoded token as text/plain", async () => {
    const token = "Validation: Testing client application reachability for subscription Request-Id: 2c7f+/=é";
    const request = validationRequest(token);
    expect(request.url).toContain("validationToken=Validation%3A");
    expect(await connector.webhook.verify(request, settings)).toBe(true);
    expect(connector.webhook.parse(request, settings)).toEqual({
      type: "reply",
      status: 200,
      contentType: "text/plain",
      body: token,
    });
  });

  it("derives a clientState Graph accepts (at most 255 characters) from MS_CLIENT_SECRET, and none without it", async () => {
    const state = await teamsClientState(settings);
    expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await teamsClientState(settings)).toBe(state);
    expect(await teamsClientState({ webhookSecret: "another secret" })).not.toBe(state);
    expect(await teamsClientState({ webhookSecret: null })).toBeNull();
  });

  it("accepts notifications with the right clientState and syncs their channels", async () => {
    const clientState = await teamsClientState(settings);
    const push = notificationRequest([
      messageNotification(data, sso!.replies[0]!, { clientState }),
      messageNotification(data, erp!.root, { clientState, changeType: "updated" }),
      messageNotification(data, sso!.root, { clientState, changeType: "deleted" }),
    ]);
    expect(await connector.webhook.verify(push, settings)).toBe(true);
    expect(connector.webhook.parse(push, settings)).toEqual({
      type: "sync",
      scopes: [data.scopeOf("client"), data.scopeOf("dev")].sort(),
    });
  });

  it("refuses a wrong, missing or malformed clientState, and everything when only MS_GRAPH_TOKEN is set", async () => {
    const good = await teamsClientState(settings);
    const forged = notificationRequest([
      messageNotification(data, erp!.root, { clientState: "SecretClientState" }),
    ]);
    expect(await connector.webhook.verify(forged, settings)).toBe(false);
    const missing = notificationRequest([messageNotification(data, erp!.root, { clientState: null })]);
    expect(await connector.webhook.verify(missing, settings)).toBe(false);
    // One bad item spoils the batch: a forger could otherwise slip one in beside a replayed good one.
    const mixed = notificationRequest([
      messageNotification(data, erp!.root, { clientState: good }),
      messageNotification(data, erp!.root, { clientState: `${good!.slice(0, -1)}A` }),
    ]);
    expect(await connector.webhook.verify(mixed, settings)).toBe(false);
    expect(await connector.webhook.verify({ ...forged, body: "not json" }, settings)).toBe(false);
    expect(await connector.webhook.verify({ ...forged, body: '{"value": []}' }, settings)).toBe(false);

    const tokenOnly = settingsFrom(connector, { MS_GRAPH_TOKEN: "t", TEAMS_CHANNELS: env.TEAMS_CHANNELS });
    const signed = notificationRequest([messageNotification(data, erp!.root, { clientState: good })]);
    expect(await connector.webhook.verify(signed, tokenOnly)).toBe(false);
  });

  it("is harmless when Graph delivers the same notification again", async () => {
    const push = notificationRequest([
      messageNotification(data, erp!.root, { clientState: await teamsClientState(settings) }),
    ]);
    const first = connector.webhook.parse(push, settings);
    expect(connector.webhook.parse(push, settings)).toEqual(first);
    expect(first).toEqual({ type: "sync", scopes: [data.scopeOf("client")] });
  });

  it("ignores channels outside TEAMS_CHANNELS, and throws on a body it cannot read", async () => {
    const onlyDev = settingsFrom(connector, { ...env, TEAMS_CHANNELS: data.scopeOf("dev") });
    const push = notificationRequest([
      messageNotification(data, erp!.root, { clientState: await teamsClientState(settings) }),
    ]);
    expect(connector.webhook.parse(push, onlyDev)).toEqual({
      type: "ignore",
      reason: expect.stringMatching(/is not in TEAMS_CHANNELS/),
    });
    expect(() => connector.webhook.parse({ ...push, body: "{" }, settings)).toThrow(/not JSON/);
    expect(() => connector.webhook.parse({ ...push, body: '{"value": "x"}' }, settings)).toThrow(
      /no notifications/,
    );
  });

  it("hands lifecycle events to the subscription manager, with the channels of any changes beside them", async () => {
    const clientState = await teamsClientState(settings);
    const subscriptionId = (key: string) =>
      String(lifecycleNotification(data, key, "missed", null).subscriptionId);
    const batch = notificationRequest([
      lifecycleNotification(data, "client", "missed", clientState),
      lifecycleNotification(data, "dev", "reauthorizationRequired", clientState),
      lifecycleNotification(data, "dev", "subscriptionRemoved", clientState),
      messageNotification(data, erp!.root, { clientState }),
    ]);
    expect(await connector.webhook.verify(batch, settings)).toBe(true);
    expect(connector.webhook.parse(batch, settings)).toEqual({
      type: "subscription",
      events: [
        { subscriptionId: subscriptionId("client"), event: "missed" },
        { subscriptionId: subscriptionId("dev"), event: "reauthorizationRequired" },
        { subscriptionId: subscriptionId("dev"), event: "removed" },
      ],
      scopes: [data.scopeOf("client")],
    });
    // Lifecycle notifications carry the clientState too: a forged one is refused like any other push.
    const forged = notificationRequest([lifecycleNotification(data, "dev", "subscriptionRemoved", "forged")]);
    expect(await connector.webhook.verify(forged, settings)).toBe(false);
  });

  it("answers the handshake only as Graph sends it: an empty body and a bounded plain token", async () => {
    const token = "Validation: Testing client application reachability for subscription Request-Id: 1";
    const withBody = { ...validationRequest(token), body: '{"value":[]}' };
    expect(await connector.webhook.verify(withBody, settings)).toBe(false);
    const long = validationRequest("x".repeat(MAX_VALIDATION_TOKEN + 1));
    expect(await connector.webhook.verify(long, settings)).toBe(false);
    expect(() => connector.webhook.parse(long, settings)).toThrow(/validation request Graph would not send/);
    const atLimit = validationRequest("x".repeat(MAX_VALIDATION_TOKEN));
    expect(await connector.webhook.verify(atLimit, settings)).toBe(true);
    const markup = validationRequest("<script>alert(1)</script>\r\nSet-Cookie: a=b");
    expect(await connector.webhook.verify(markup, settings)).toBe(false);
    expect(await connector.webhook.verify(validationRequest(""), settings)).toBe(false);
  });

  it("reads both forms of a notification's resource", () => {
    expect(
      toNotificationChannel("teams('T1')/channels('19:abc@thread.tacv2')/messages('1')/replies('2')"),
    ).toEqual({
      teamId: "T1",
      channelId: "19:abc@thread.tacv2",
    });
    expect(toNotificationChannel("/teams/T1/channels/19%3Aabc%40thread.tacv2/messages")).toEqual({
      teamId: "T1",
      channelId: "19:abc@thread.tacv2",
    });
    expect(toNotificationChannel("users/u1/messages/m1")).toBeNull();
  });
});
