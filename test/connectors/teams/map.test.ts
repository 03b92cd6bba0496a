/**
 * `map.ts` and `text.ts` on plain data. Golden cases: each file under golden/ holds a Graph chatMessage (as
 * the pull stores it, with its context), the documentation it comes from, the model it must become (times as
 * ISO strings) and what the pull logs about it.
 */
import { describe, expect, it } from "vitest";
import {
  inspectTeamsRecord,
  isGuestAuthor,
  mapTeamsRecord,
  toAuthorEmail,
  toCardText,
} from "../../../connectors/teams/map.ts";
import { stripTags, toBodyText } from "../../../connectors/teams/text.ts";
import type { RawRecord } from "../../../connectors/types.ts";
import { loadGoldenCases } from "../kit.ts";

const cases = loadGoldenCases<{ notices: string[] }>(new URL("./golden/", import.meta.url));

describe("Teams map: golden cases", () => {
  it("has the cases it is meant to have", () => {
    expect(cases.map((c) => c.file)).toEqual([
      "attachments-reference-unknown.json",
      "b2b-guest-directory.json",
      "bot-adaptive-card.json",
      "broken-html.json",
      "deleted-message.json",
      "delta-federated-guest.json",
      "delta-member-tenant.json",
      "edited-with-reactions.json",
      "expand-reply-text.json",
      "list-hosted-images.json",
      "list-mention.json",
      "list-unknown-future-value.json",
      "member-directory-email.json",
      "missing-from.json",
    ]);
  });

  it.each(cases)("$file: $description", ({ record, expected, notices }) => {
    expect(JSON.parse(JSON.stringify(mapTeamsRecord(record)))).toEqual(expected);
    expect(inspectTeamsRecord(record)).toEqual(notices);
  });

  it("cites the documentation each case comes from", () => {
    for (const c of cases) expect(c.source.length, c.file).toBeGreaterThan(0);
  });
});

describe("Teams map: people", () => {
  const member = { userIdentityType: "aadUser", tenantId: "T1" };
  const context = { tenantId: "T1", authorUserType: null, authorUpn: null };

  it.each([
    ["aadUser", false],
    ["onPremiseAadUser", false],
    ["anonymousGuest", true],
    ["federatedUser", true],
    ["personalMicrosoftAccountUser", true],
    ["skypeUser", true],
    ["phoneUser", true],
    ["emailUser", true],
  ])("%s is a guest: %s", (kind, guest) => {
    expect(isGuestAuthor({ userIdentityType: kind, tenantId: "T1" }, context)).toBe(guest);
  });

  it("marks an Entra user of another tenant, and a B2B guest account, as guests", () => {
    expect(isGuestAuthor({ ...member, tenantId: "T2" }, context)).toBe(true);
    expect(isGuestAuthor(member, { ...context, authorUserType: "Guest" })).toBe(true);
    expect(
      isGuestAuthor(member, { ...context, authorUpn: "dan_acme.example#EXT#@contoso.onmicrosoft.com" }),
    ).toBe(true);
    expect(isGuestAuthor(member, context)).toBe(false);
    // Without the channel's tenant, a foreign tenant cannot be told apart.
    expect(isGuestAuthor({ ...member, tenantId: "T2" }, { ...context, tenantId: null })).toBe(false);
  });

  it("takes the email from mail, else from a user principal name that is an address", () => {
    expect(toAuthorEmail("ana@contoso.com", "ana.lima@contoso.com")).toBe("ana@contoso.com");
    expect(toAuthorEmail(null, "ana.lima@contoso.com")).toBe("ana.lima@contoso.com");
    expect(toAuthorEmail(null, "dan_acme.example#EXT#@contoso.onmicrosoft.com")).toBeNull();
    expect(toAuthorEmail("not an address", null)).toBeNull();
  });
});

describe("Teams map: bodies", () => {
  it("reads text bodies as they are and HTML bodies as text", () => {
    expect(toBodyText({ contentType: "text", content: "  plain  " })).toEqual({
      text: "plain",
      fallback: null,
    });
    expect(
      toBodyText({
        contentType: "html",
        content: '<p>Hi <at id="0">Ana</at>&nbsp;<emoji id="smile" alt="🙂" title="Smile"></emoji></p>',
      }),
    ).toEqual({
      text: "Hi @Ana 🙂",
      fallback: null,
    });
    expect(toBodyText(null)).toEqual({ text: "", fallback: null });
  });

  it("strips the tags of HTML too deeply nested to walk, and says so", () => {
    const deep = `${"<div>".repeat(5_000)}Deploy FAL-12 &amp; <at id="0">Ana</at>${"</div>".repeat(5_000)}`;
    const body = toBodyText({ contentType: "html", content: deep });
    expect(body.text).toBe("Deploy FAL-12 & @Ana");
    expect(body.fallback).toMatch(/nests more than 500 elements deep; its tags were stripped/);
    const record: RawRecord = {
      type: "message",
      context: { teamId: "t", channelId: "c" },
      data: {
        id: "1",
        createdDateTime: "2026-01-01T00:00:00Z",
        from: { user: { id: "u1", displayName: "Ana" } },
        body: { contentType: "html", content: deep },
      },
    };
    expect(inspectTeamsRecord(record)).toEqual([expect.stringMatching(/tags were stripped/)]);
    expect(mapTeamsRecord(record).items?.[0]?.text).toBe("Deploy FAL-12 & @Ana");
  });

  it("decodes entities when stripping", () => {
    expect(stripTags("a &lt;b&gt; &#39;c&#x27; &unknown;<br>d")).toBe("a <b> 'c' &unknown;\nd");
  });

  it("reads the text of cards and nothing of other attachments", () => {
    const hero = {
      contentType: "application/vnd.microsoft.card.hero",
      content: JSON.stringify({ title: "Build failed", subtitle: "main", text: "See FAL-3" }),
    };
    expect(toCardText(hero)).toBe("Build failed\nmain\nSee FAL-3");
    expect(toCardText({ contentType: "reference", contentUrl: "https://x/y.docx", name: "y.docx" })).toBe("");
    expect(toCardText({ contentType: "application/vnd.microsoft.card.adaptive", content: "{not json" })).toBe(
      "",
    );
  });
});

describe("Teams map: what it refuses", () => {
  it("refuses a record type it does not know, and a message without an id or a date", () => {
    expect(() => mapTeamsRecord({ type: "chat", data: {} })).toThrow(/unknown Teams record type/);
    expect(() =>
      mapTeamsRecord({ type: "message", data: { createdDateTime: "2026-01-01T00:00:00Z" } }),
    ).toThrow(/cannot read: id/);
    expect(inspectTeamsRecord({ type: "message", data: { id: "1" } })).toEqual([
      expect.stringMatching(/^unreadable message \(createdDateTime/),
    ]);
  });

  it("needs the channel from the context or channelIdentity", () => {
    const data = {
      id: "1",
      createdDateTime: "2026-01-01T00:00:00Z",
      body: { contentType: "text", content: "x" },
    };
    expect(() => mapTeamsRecord({ type: "message", data })).toThrow(/channelId/);
    const withIdentity = { ...data, channelIdentity: { teamId: "t", channelId: "c" } };
    expect(mapTeamsRecord({ type: "message", data: withIdentity }).items?.[0]?.externalId).toBe("c/1");
  });
});
