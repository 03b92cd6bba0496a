/**
 * The Events API webhook on plain requests: the v0 signature (Web Crypto, constant time), the five-minute
 * replay window, url_verification, retries, message events and what it refuses or ignores.
 */
import { describe, expect, it } from "vitest";
import {
  buildSlackWorkspace,
  eventEnvelope,
  messageChangedEvent,
  messageDeletedEvent,
  messageEvent,
  reactionAddedEvent,
  renderMessage,
  signSlackRequest,
  urlVerificationPayload,
} from "../../../connectors/sandbox/slack/index.ts";
import { parseSlackWebhook, verifySlackSignature } from "../../../connectors/slack/webhook.ts";
import type { WebhookRequest } from "../../../connectors/types.ts";
import { ConnectorError } from "../../../connectors/types.ts";
import { settingsFrom } from "../kit.ts";
import { quickSlack } from "./helpers.ts";

const data = buildSlackWorkspace();
const settings = settingsFrom(quickSlack, {
  SLACK_TOKEN: data.botToken,
  SLACK_SIGNING_SECRET: data.signingSecret,
});
const now = new Date("2026-02-03T10:00:00Z");
const timestamp = Math.floor(now.getTime() / 1000);

function request(
  payload: unknown,
  options: { timestamp?: number; secret?: string; retryNum?: number } = {},
): WebhookRequest {
  const signed = signSlackRequest(payload, {
    secret: options.secret ?? data.signingSecret,
    timestamp: options.timestamp ?? timestamp,
    ...(options.retryNum !== undefined ? { retryNum: options.retryNum } : {}),
  });
  return {
    url: "https://threadline.example/webhooks/slack",
    headers: signed.headers,
    body: signed.body,
    now,
  };
}

describe("Slack webhook: verify", () => {
  it("accepts Slack's signature and refuses any other, constant-time through Web Crypto", async () => {
    const payload = urlVerificationPayload("abc");
    expect(await quickSlack.webhook.verify(request(payload), settings)).toBe(true);
    expect(await quickSlack.webhook.verify(request(payload, { secret: "wrong" }), settings)).toBe(false);
    const tampered = { ...request(payload), body: request(payload).body.replace("abc", "abd") };
    expect(await quickSlack.webhook.verify(tampered, settings)).toBe(false);
    const unsigned = { ...request(payload), headers: { "content-type": "application/json" } };
    expect(await quickSlack.webhook.verify(unsigned, settings)).toBe(false);
    expect(await verifySlackSignature(request(payload), null)).toBe(false);
  });

  it("accepts the example Slack documents, through the handler, and refuses it changed in any part", async () => {
    // docs.slack.dev/authentication/verifying-requests-from-slack: the slash command example, its signing
    // secret, timestamp and X-Slack-Signature as published.
    const body =
      "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    const documented: WebhookRequest = {
      url: "https://threadline.example/webhooks/slack",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": "1531420618",
        "x-slack-signature": "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
      },
      body,
      now: new Date((1531420618 + 30) * 1000),
    };
    const documentedSettings = { ...settings, signingSecret: "8f742231b10e8888abcd99yyyzzz85a5" };
    expect(await quickSlack.webhook.verify(documented, documentedSettings)).toBe(true);
    expect(await verifySlackSignature(documented, "8f742231b10e8888abcd99yyyzzz85a5")).toBe(true);
    expect(
      await quickSlack.webhook.verify(
        { ...documented, body: body.replace("foobar", "foobaz") },
        documentedSettings,
      ),
    ).toBe(false);
    expect(
      await quickSlack.webhook.verify(
        { ...documented, headers: { ...documented.headers, "x-slack-request-timestamp": "1531420619" } },
        documentedSettings,
      ),
    ).toBe(false);
    expect(
      await quickSlack.webhook.verify(documented, {
        ...settings,
        signingSecret: "8f742231b10e8888abcd99yyyzzz85a6",
      }),
    ).toBe(false);
    // The published example is from 2018: outside the five-minute window of today's clock.
    expect(await quickSlack.webhook.verify({ ...documented, now }, documentedSettings)).toBe(false);
  });

  it("refuses a request more than five minutes old or ahead, even well signed", async () => {
    const payload = urlVerificationPayload("abc");
    expect(await quickSlack.webhook.verify(request(payload, { timestamp: timestamp - 299 }), settings)).toBe(
      true,
    );
    expect(await quickSlack.webhook.verify(request(payload, { timestamp: timestamp - 301 }), settings)).toBe(
      false,
    );
    expect(await quickSlack.webhook.verify(request(payload, { timestamp: timestamp + 301 }), settings)).toBe(
      false,
    );
  });
});

describe("Slack webhook: parse", () => {
  const channel = data.channel("client-acme");
  const message = channel.messages[0]!;

  it("answers url_verification with its challenge", () => {
    expect(
      parseSlackWebhook(
        request(urlVerificationPayload("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P")),
        settings,
      ),
    ).toEqual({
      type: "reply",
      status: 200,
      contentType: "text/plain",
      body: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
    });
  });

  it("turns a message event into a record of its channel, the event_id as delivery id, retries alike", () => {
    const event = messageEvent(data, message);
    const first = parseSlackWebhook(request(event), settings);
    expect(first).toMatchObject({
      type: "records",
      scope: channel.id,
      deliveryId: event.event_id,
      deletions: [],
      records: [{ type: "message", context: { channel: channel.id } }],
    });
    expect(parseSlackWebhook(request(event, { retryNum: 2 }), settings)).toEqual(first);
  });

  it("pulls a private channel on its message event instead of storing a message whose readers it does not name", () => {
    const privateData = buildSlackWorkspace();
    privateData.addChannel("leads", { members: ["ana"], isPrivate: true });
    const secret = privateData.post("leads", { by: "ana", text: "Budget for FAL-12 is cut" });
    const event = messageEvent(privateData, secret);
    expect(event.event).toMatchObject({ channel_type: "group" });
    expect(parseSlackWebhook(request(event), settings)).toEqual({
      type: "sync",
      scopes: [privateData.channel("leads").id],
    });
  });

  it("reads message_changed as the new message and message_deleted as a tombstone", () => {
    const previous = renderMessage(data, message)!;
    const changed = parseSlackWebhook(request(messageChangedEvent(data, message, previous)), settings);
    expect(changed).toMatchObject({ type: "records", records: [{ type: "message", data: previous }] });
    const deleted = parseSlackWebhook(request(messageDeletedEvent(data, message, previous)), settings);
    expect(deleted).toMatchObject({
      type: "records",
      records: [],
      deletions: [{ type: "item", externalId: `${channel.id}:${message.ts}`, at: expect.any(Date) }],
    });
  });

  it("reads a thread parent turned tombstone as a deletion", () => {
    const tombstone = {
      type: "message",
      subtype: "tombstone",
      text: "This message was deleted.",
      user: "USLACKBOT",
      hidden: true,
      ts: message.ts,
      thread_ts: message.ts,
      reply_count: 1,
    };
    const event = eventEnvelope(data, {
      type: "message",
      subtype: "message_changed",
      hidden: true,
      channel: channel.id,
      ts: "1770100000.000100",
      event_ts: "1770100000.000100",
      message: tombstone,
    });
    expect(parseSlackWebhook(request(event), settings)).toMatchObject({
      deletions: [{ externalId: `${channel.id}:${message.ts}`, at: new Date(1770100000000) }],
    });
  });

  it("asks for a pull of the channel on a reaction, and ignores what carries no message", () => {
    expect(parseSlackWebhook(request(reactionAddedEvent(data, message, "eyes", "ana")), settings)).toEqual({
      type: "sync",
      scopes: [channel.id],
    });
    const join = eventEnvelope(data, {
      type: "message",
      subtype: "channel_join",
      channel: channel.id,
      user: "U1",
      ts: "1.000001",
      text: "joined",
    });
    expect(parseSlackWebhook(request(join), settings)).toMatchObject({ type: "ignore" });
    const noUser = eventEnvelope(data, {
      type: "message",
      channel: channel.id,
      ts: "1.000002",
      text: "who?",
    });
    expect(parseSlackWebhook(request(noUser), settings)).toEqual({
      type: "ignore",
      reason: "no user and no bot_id: nobody to attribute it to",
    });
    const oddSubtype = eventEnvelope(data, {
      type: "message",
      subtype: "poll_vote",
      channel: channel.id,
      user: "U1",
      ts: "1.000003",
      text: "2",
    });
    expect(parseSlackWebhook(request(oddSubtype), settings)).toMatchObject({
      type: "ignore",
      reason: expect.stringMatching(/poll_vote/),
    });
    expect(
      parseSlackWebhook(request(eventEnvelope(data, { type: "app_mention", channel: channel.id })), settings),
    ).toMatchObject({
      type: "ignore",
    });
    const only = settingsFrom(quickSlack, { SLACK_TOKEN: "x", SLACK_CHANNELS: data.channel("random").id });
    expect(parseSlackWebhook(request(messageEvent(data, message)), only)).toMatchObject({ type: "ignore" });
  });

  it("refuses a body it cannot read with a reason", () => {
    const broken = () => parseSlackWebhook(request('{"type":"event_callback","event":'), settings);
    expect(broken).toThrow(ConnectorError);
    expect(broken).toThrow(/not JSON/);
    expect(() => parseSlackWebhook(request({ type: "event_callback" }), settings)).toThrow(/event_callback/);
    expect(() =>
      parseSlackWebhook(
        request(eventEnvelope(data, { type: "message", subtype: "message_deleted", channel: channel.id })),
        settings,
      ),
    ).toThrow(/deleted_ts/);
  });
});
