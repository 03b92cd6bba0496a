/**
 * `map.ts` and `text.ts` on plain data. Golden cases: each file under golden/ holds a Slack API object (as
 * the pull or the webhook stores it, from the documented examples), where its shape comes from, and the
 * model it must become (times as ISO strings).
 */
import { describe, expect, it } from "vitest";
import {
  mapSlackRecord,
  toMessageVerdict,
  toPermalink,
  toSlackDate,
  toThreadId,
} from "../../../connectors/slack/map.ts";
import { toBlocksText, toReadableText, toUnreadBlockTypes } from "../../../connectors/slack/text.ts";
import { loadGoldenCases } from "../kit.ts";

const cases = loadGoldenCases(new URL("./golden/", import.meta.url));

describe("Slack map: golden cases", () => {
  it("has the cases it is meant to have", () => {
    expect(cases.map((c) => c.file)).toEqual([
      "blocks-only.json",
      "bot-message.json",
      "channel-join.json",
      "event-message-edited.json",
      "history-message.json",
      "mrkdwn-references.json",
      "reactions.json",
      "replies-parent.json",
      "replies-reply.json",
      "thread-broadcast.json",
      "user-bot.json",
      "user-guest.json",
      "user-member.json",
    ]);
    for (const c of cases) expect(c.source.length).toBeGreaterThan(0);
  });

  it.each(cases)("$file: $description", ({ record, expected }) => {
    expect(JSON.parse(JSON.stringify(mapSlackRecord(record)))).toEqual(expected);
  });
});

describe("Slack text", () => {
  it.each([
    ["<@U123|ana>", "@ana"],
    ["<@U123>", "@U123"],
    ["<#C123>", "#C123"],
    ["<https://example.com>", "https://example.com"],
    ["<https://example.com/a|example.com/a>", "https://example.com/a"],
    ["<!channel> <!everyone> <!here|here>", "@channel @everyone @here"],
    ["<!subteam^S123>", "@group"],
    ["a &amp;lt; b", "a &lt; b"],
    ["`*not bold*` in code? *bold*", "`*not bold*` in code? bold"],
    ["snake_case_name stays", "snake_case_name stays"],
    ["2*3*4 stays", "2*3*4 stays"],
    ["> quoted\n>second", "> quoted\n>second"],
  ])("reads %j as %j", (text, readable) => {
    expect(toReadableText(text)).toBe(readable);
  });

  it("names mentions from the names it is given", () => {
    const names = { users: new Map([["U1", "Ana"]]), channels: new Map([["C1", "dev"]]) };
    expect(toReadableText("<@U1> in <#C1>", names)).toBe("@Ana in #dev");
  });

  it("reads section, header, context and markdown blocks and leaves the others out", () => {
    const blocks = [
      { type: "header", text: { type: "plain_text", text: "Release 1.4" } },
      {
        type: "section",
        text: { type: "mrkdwn", text: "*Ready*: <https://x.test/FAL-1|FAL-1>" },
        fields: [{ type: "mrkdwn", text: "Owner: <@U1>" }],
      },
      { type: "divider" },
      { type: "context", elements: [{ type: "mrkdwn", text: "by deploybot" }] },
      { type: "markdown", text: "**done**" },
      { type: "poll_widget", question: "?" },
    ];
    expect(toBlocksText(blocks)).toBe(
      "Release 1.4\nReady: FAL-1 (https://x.test/FAL-1)\nOwner: @U1\nby deploybot\n**done**",
    );
    expect(toUnreadBlockTypes(blocks)).toEqual(["poll_widget"]);
  });
});

describe("Slack map", () => {
  it("turns a ts into its instant, to the millisecond", () => {
    expect(toSlackDate("1512085950.000216").toISOString()).toBe("2017-11-30T23:52:30.000Z");
    expect(toSlackDate("1512085950.999999").toISOString()).toBe("2017-11-30T23:52:30.999Z");
  });

  it("builds permalinks without asking for them", () => {
    expect(toPermalink("https://acme.slack.com", "C1", "1512085950.000216")).toBe(
      "https://acme.slack.com/archives/C1/p1512085950000216",
    );
    expect(toPermalink("https://acme.slack.com/", "C1", "1512085951.000001", "1512085950.000216")).toBe(
      "https://acme.slack.com/archives/C1/p1512085951000001?thread_ts=1512085950.000216&cid=C1",
    );
    expect(toThreadId("C1", { ts: "2.0", thread_ts: "1.0" })).toBe("C1:1.0");
  });

  it("says why it does not keep a message", () => {
    expect(
      toMessageVerdict({ type: "message", ts: "1.0", subtype: "channel_topic", user: "U1" }),
    ).toMatchObject({
      keep: false,
      expected: true,
    });
    expect(toMessageVerdict({ type: "message", ts: "1.0", subtype: "poll_vote", user: "U1" })).toMatchObject({
      keep: false,
      expected: false,
      reason: "subtype poll_vote is not one Threadline reads",
    });
    expect(toMessageVerdict({ type: "message", ts: "1.0", text: "hi" })).toMatchObject({
      keep: false,
      reason: "no user and no bot_id: nobody to attribute it to",
    });
    expect(toMessageVerdict({ type: "message", text: "hi" })).toMatchObject({ keep: false, message: null });
    expect(toMessageVerdict({ type: "message", ts: "1.0", user: "U1", text: "hi" })).toMatchObject({
      keep: true,
    });
  });

  it("maps nothing from records it cannot read, without throwing", () => {
    expect(mapSlackRecord({ type: "message", data: { ts: "1.0", user: "U1" } })).toEqual({});
    expect(mapSlackRecord({ type: "message", data: "nonsense", context: { channel: "C1" } })).toEqual({});
    expect(mapSlackRecord({ type: "user", data: { name: "no id" } })).toEqual({});
    expect(mapSlackRecord({ type: "something-else", data: null })).toEqual({});
  });

  it("puts Slack Connect members of another organisation outside the team, not another workspace of one Grid org", () => {
    const guest = (data: Record<string, unknown>, context: Record<string, string>) =>
      mapSlackRecord({ type: "user", data: { id: "U1", name: "x", ...data } as never, context })
        .identities?.[0]?.isGuest;
    const home = { homeTeam: "T1" };
    const grid = { homeTeam: "T1", homeEnterprise: "E1" };
    expect(guest({ team_id: "T1" }, home)).toBe(false);
    expect(guest({ team_id: "T2" }, home)).toBe(true);
    expect(guest({ team_id: "T1", is_stranger: true }, home)).toBe(true);
    // Without a team id of their own, the workspace their messages name decides.
    expect(guest({}, { ...home, userTeam: "T2" })).toBe(true);
    expect(guest({}, { ...home, userTeam: "T1" })).toBe(false);
    // Another workspace of the same Enterprise Grid org is the same organisation; another org's is not.
    expect(guest({ team_id: "T7", enterprise_user: { enterprise_id: "E1" } }, grid)).toBe(false);
    expect(guest({ team_id: "T7", enterprise_user: { enterprise_id: "E9" } }, grid)).toBe(true);
    // An org-wide install names only its org.
    expect(guest({ team_id: "T7", enterprise_user: { enterprise_id: "E1" } }, { homeEnterprise: "E1" })).toBe(
      false,
    );
    expect(guest({ team_id: "T8" }, { homeEnterprise: "E1" })).toBe(true);
    // No home known (auth.test without team_id): only the user object's own flags.
    expect(guest({ team_id: "T2" }, {})).toBe(false);
  });

  it("names a shared channel's author from the message's user_profile when users.info was not asked", () => {
    const profile = { real_name: "Gil Moreau", display_name: "Gil", team: "T2", is_restricted: false };
    expect(
      mapSlackRecord({ type: "message_author", data: profile, context: { user: "U9", homeTeam: "T1" } }),
    ).toMatchObject({
      identities: [{ externalId: "U9", displayName: "Gil Moreau", email: null, isGuest: true, isBot: false }],
    });
    expect(
      mapSlackRecord({
        type: "message_author",
        data: { ...profile, team: "T1" },
        context: { user: "U9", homeTeam: "T1" },
      }).identities?.[0]?.isGuest,
    ).toBe(false);
    expect(mapSlackRecord({ type: "message_author", data: profile })).toEqual({});
  });
});
