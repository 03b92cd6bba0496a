/**
 * A draft reply's headers (pure): who it goes to, its subject, and the ids Gmail and mail clients thread it
 * by; then the RFC 822 message MailComposer writes of them, as a mail parser reads it back.
 */
import { simpleParser } from "mailparser";
import { describe, expect, it } from "vitest";
import { toDraftReply, toRawDraft, toReplySubject } from "../../../connectors/gmail/draft-message.ts";

describe("a Gmail draft reply", () => {
  const meta = {
    messageId: "<m3@acme-corp.example>",
    inReplyTo: "<m2@contoso.dev>",
    references: ["<m1@acme-corp.example>", "<m2@contoso.dev>"],
    subject: "Re: ERP test credentials",
    from: "Dan Miller <dan@acme-corp.example>",
  };

  it("answers the people given at their Gmail addresses, on the thread's subject and ids", () => {
    const reply = toDraftReply(
      "ana@contoso.dev",
      meta,
      [
        { source: "gmail", externalId: "dan@acme-corp.example", name: "Dan Miller" },
        // An unverified sender's identity still names the address a reply goes back to.
        { source: "gmail", externalId: "unverified:priya@acme-corp.example", name: "Priya" },
        // A Slack account has no address to write to.
        { source: "slack", externalId: "U024BE7LH", name: "Ben" },
      ],
      "Any news?",
      "act-1",
    );
    expect(reply).toEqual({
      from: "ana@contoso.dev",
      to: [
        { name: "Dan Miller", address: "dan@acme-corp.example" },
        { name: "Priya", address: "priya@acme-corp.example" },
      ],
      subject: "Re: ERP test credentials",
      inReplyTo: "<m3@acme-corp.example>",
      references: ["<m1@acme-corp.example>", "<m2@contoso.dev>", "<m3@acme-corp.example>"],
      text: "Any news?",
      actionId: "act-1",
    });
    expect(toDraftReply("ana@contoso.dev", meta, [], "x", "a").to).toEqual([]);
  });

  it("puts Re: before a subject once", () => {
    expect(toReplySubject("ERP test credentials")).toBe("Re: ERP test credentials");
    expect(toReplySubject("RE: ERP")).toBe("RE: ERP");
    expect(toReplySubject(undefined)).toBe("Re:");
  });

  it("writes an RFC 822 message a mail parser reads back, with the action's id in its own header", async () => {
    const raw = await toRawDraft(
      toDraftReply(
        "ana@contoso.dev",
        meta,
        [{ source: "gmail", externalId: "dan@acme-corp.example", name: "Dan Miller, Acme" }],
        "Grüße, any news?",
        "act-2",
      ),
    );
    const parsed = await simpleParser(Buffer.from(raw, "base64url"));
    expect(parsed.from?.text).toBe("ana@contoso.dev");
    expect(parsed.to).toMatchObject({
      value: [{ name: "Dan Miller, Acme", address: "dan@acme-corp.example" }],
    });
    expect(parsed.subject).toBe("Re: ERP test credentials");
    expect(parsed.inReplyTo).toBe("<m3@acme-corp.example>");
    expect(parsed.references).toEqual([
      "<m1@acme-corp.example>",
      "<m2@contoso.dev>",
      "<m3@acme-corp.example>",
    ]);
    expect(parsed.headers.get("x-threadline-action")).toBe("act-2");
    expect(parsed.text?.trim()).toBe("Grüße, any news?");
  });
});
