/**
 * `map.ts`, `text.ts` and the batch format on plain data. Golden cases: each file under golden/ holds a Gmail
 * message (as the pull stores it, with its context), the documentation its shape comes from, the model it
 * must become (times as ISO strings) and what the pull logs about it.
 */
import { describe, expect, it } from "vitest";
import { parseBatchAnswer, toBatchBody } from "../../../connectors/gmail/client.ts";
import { gmailSettingsFromEnv } from "../../../connectors/gmail/config.ts";
import {
  inspectGmailRecord,
  mapGmailRecord,
  parseAddressList,
  parseMessageIds,
} from "../../../connectors/gmail/map.ts";
import { toQuery } from "../../../connectors/gmail/pull.ts";
import {
  decodeHeaderWords,
  decodeQuotedPrintable,
  readMessageBody,
  sanitizeEmailHtml,
  toNewText,
} from "../../../connectors/gmail/text.ts";
import { parseGmailPush } from "../../../connectors/gmail/webhook.ts";
import { loadGoldenCases } from "../kit.ts";

const cases = loadGoldenCases<{ inspection: unknown }>(new URL("./golden/", import.meta.url));

describe("Gmail map: golden cases", () => {
  it("has the cases it is meant to have", () => {
    expect(cases.map((c) => c.file)).toEqual([
      "alternative-gmail-reply.json",
      "broken-mime.json",
      "draft-skipped.json",
      "latin1-quoted-printable.json",
      "missing-from.json",
      "mixed-with-attachment.json",
      "outlook-html-only.json",
      "spoofed-dmarc-fail.json",
    ]);
  });

  it.each(cases)("$file: $description", ({ record, expected, inspection }) => {
    expect(JSON.parse(JSON.stringify(mapGmailRecord(record)))).toEqual(expected);
    expect(inspectGmailRecord(record)).toEqual(inspection);
    for (const c of cases) expect(c.source.length, c.file).toBeGreaterThan(0);
  });

  it("throws on a record it cannot read, and says what is wrong", () => {
    expect(() => mapGmailRecord({ type: "message", data: { id: "x", threadId: "x" } })).toThrow(
      /internalDate/,
    );
    expect(() => mapGmailRecord({ type: "thread", data: {} })).toThrow(/unknown Gmail record type/);
  });
});

describe("Gmail text: what a message adds", () => {
  it.each([
    [
      "gmail attribution",
      "Sounds good.\n\nOn Mon, 2 Feb 2026 at 09:00, Tom <t@x.dev> wrote:\n> ACME-3?",
      "Sounds good.",
    ],
    [
      "wrapped attribution",
      "Yes.\n\nOn Mon, 2 Feb 2026 at 09:00, Tom Okoro <tom@demo.threadline.dev>\nwrote:\n> q",
      "Yes.",
    ],
    ["inline answers keep the answers", "> Which env?\nStaging.\n> When?\nToday.", "Staging.\nToday."],
    [
      "outlook block",
      "Approved.\n\n________________________________\nFrom: Maya <m@x.dev>\nSent: Monday\nTo: Dan\nSubject: notes\n\nold",
      "Approved.",
    ],
    ["original message", "Fine.\n-----Original Message-----\nFrom: a\nold", "Fine."],
    ["signature delimiter", "Done.\n\n-- \nDan Miller\nAcme", "Done."],
    [
      "sign-off and name",
      "Please retry.\n\nKind regards,\nPriya Nair\nAcme IT\n+1 555 0100",
      "Please retry.",
    ],
    ["a sign-off alone stays", "Thanks,\nDan", "Thanks,\nDan"],
    ["mobile signature", "OK go.\n\nSent from my iPhone", "OK go."],
    ["german attribution", "Passt.\n\nAm 02.02.2026 um 09:00 schrieb Tom <t@x.dev>:\n> alt", "Passt."],
    ["only a quote: the whole text", "> just a quote", "> just a quote"],
  ])("%s", (_name, input, expected) => {
    expect(toNewText(input)).toBe(expected);
  });

  it("decodes encoded words, quoted-printable and charsets", () => {
    expect(decodeHeaderWords("=?UTF-8?B?TnVtw6lybw==?= =?ISO-8859-1?Q?de_TVA_=E9?=")).toBe("Numérode TVA é");
    expect(Buffer.from(decodeQuotedPrintable(Buffer.from("caf=C3=A9 =\r\nbar"))).toString("utf8")).toBe(
      "café bar",
    );
    const body = readMessageBody({
      mimeType: "text/plain",
      headers: [{ name: "Content-Type", value: "text/plain; charset=windows-1252" }],
      body: { size: 4, data: Buffer.from([0x93, 0x68, 0x69, 0x94]).toString("base64url") },
    });
    expect(body.text).toBe("“hi”");
    const unknown = readMessageBody({
      mimeType: "text/plain",
      headers: [{ name: "Content-Type", value: "text/plain; charset=x-klingon" }],
      body: { size: 2, data: Buffer.from("hi").toString("base64url") },
    });
    expect(unknown).toMatchObject({
      text: "hi",
      problems: [expect.stringMatching(/unknown charset "x-klingon"/)],
    });
  });

  it("sanitises HTML for viewing: no scripts, no images, safe links", () => {
    expect(
      sanitizeEmailHtml(
        '<p onclick="x()">Hi<script>alert(1)</script><img src="https://t.example/p.gif"><a href="javascript:x">a</a><a href="https://ok.example">b</a></p>',
      ),
    ).toBe(
      '<p>Hi<a rel="noopener noreferrer" target="_blank">a</a><a href="https://ok.example" rel="noopener noreferrer" target="_blank">b</a></p>',
    );
  });

  it("reads address lists and message ids as mail clients write them", () => {
    expect(
      parseAddressList('"Miller, Dan" <dan@acme.example>, tom@x.dev (Tom O.), team: a@x.dev, b@x.dev;'),
    ).toEqual([
      { name: "Miller, Dan", address: "dan@acme.example" },
      { name: "Tom O.", address: "tom@x.dev" },
      { name: null, address: "a@x.dev" },
      { name: null, address: "b@x.dev" },
    ]);
    expect(parseMessageIds("<a@x> \r\n <b@y>")).toEqual(["<a@x>", "<b@y>"]);
  });
});

describe("Gmail: batch format, queries, config, push", () => {
  it("writes a batch request and reads a batch answer as the guide shows them", () => {
    expect(toBatchBody(["/gmail/v1/users/me/messages/1?format=full"], "b")).toBe(
      "--b\r\nContent-Type: application/http\r\nContent-ID: <item-0>\r\n\r\nGET /gmail/v1/users/me/messages/1?format=full\r\nAccept: application/json\r\n\r\n--b--\r\n",
    );
    const answer =
      "--batch_x\r\nContent-Type: application/http\r\nContent-ID: <response-item-1>\r\n\r\nHTTP/1.1 429 Too Many Requests\r\nRetry-After: 3\r\nContent-Type: application/json\r\n\r\n{}\r\n" +
      '--batch_x\r\nContent-Type: application/http\r\nContent-ID: <response-item-0>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n{"id":"1"}\r\n--batch_x--\r\n';
    const parsed = parseBatchAnswer(answer, "multipart/mixed; boundary=batch_x");
    expect(parsed.map((a) => [a.index, a.status, a.body, a.headers.get("retry-after") ?? null])).toEqual([
      [1, 429, "{}", "3"],
      [0, 200, '{"id":"1"}', null],
    ]);
  });

  it("joins GMAIL_QUERY and the backfill's start", () => {
    expect(toQuery(null, null)).toBeNull();
    expect(toQuery("label:clients", Date.UTC(2026, 0, 1))).toBe("label:clients after:1767225600");
    expect(toQuery("from:a OR from:b", null)).toBe("(from:a OR from:b)");
  });

  it("reads its settings from the environment, naming what is missing", () => {
    expect(gmailSettingsFromEnv({})).toBeNull();
    expect(gmailSettingsFromEnv({ GMAIL_ACCESS_TOKEN: "t" })).toEqual({
      auth: { kind: "token", token: "t" },
      user: "me",
      query: null,
      apiUrl: "https://gmail.googleapis.com",
      tokenUrl: "https://oauth2.googleapis.com/token",
      authorizeUrl: "https://accounts.google.com/o/oauth2/v2/auth",
      revokeUrl: "https://oauth2.googleapis.com/revoke",
      tokenInfoUrl: "https://oauth2.googleapis.com/tokeninfo",
      client: null,
      connected: [],
    });
    expect(
      gmailSettingsFromEnv({
        GOOGLE_CLIENT_ID: "id",
        GOOGLE_CLIENT_SECRET: "s",
        GMAIL_REFRESH_TOKEN: "r",
        GMAIL_USER: "ana@contoso.dev",
        GMAIL_QUERY: "label:clients",
        GMAIL_API_URL: "http://127.0.0.1:9/gmail/v1/",
      }),
    ).toMatchObject({
      auth: { kind: "refresh", clientId: "id" },
      user: "ana@contoso.dev",
      query: "label:clients",
      apiUrl: "http://127.0.0.1:9",
      tokenUrl: "http://127.0.0.1:9/token",
      authorizeUrl: "http://127.0.0.1:9/o/oauth2/v2/auth",
      revokeUrl: "http://127.0.0.1:9/revoke",
      tokenInfoUrl: "http://127.0.0.1:9/tokeninfo",
    });
    // The OAuth client alone reads no mailbox of its own: it lets people connect theirs.
    const clientOnly = gmailSettingsFromEnv({ GOOGLE_CLIENT_ID: "id", GOOGLE_CLIENT_SECRET: "s" });
    expect(clientOnly).toMatchObject({ auth: null, client: { clientId: "id", clientSecret: "s" } });
    expect(() => gmailSettingsFromEnv({ GMAIL_REFRESH_TOKEN: "r" })).toThrow(/GOOGLE_CLIENT_ID must be set/);
    expect(() => gmailSettingsFromEnv({ GOOGLE_CLIENT_ID: "id" })).toThrow(
      /GOOGLE_CLIENT_SECRET must be set/,
    );
    expect(() => gmailSettingsFromEnv({ GMAIL_ACCESS_TOKEN: "t", GMAIL_API_URL: "gmail" })).toThrow(
      /GMAIL_API_URL must be the Gmail API root/,
    );
  });

  it("reads a Pub/Sub push of a Gmail watch as a sync of the mailbox", () => {
    const data = Buffer.from(JSON.stringify({ emailAddress: "ana@contoso.dev", historyId: 9876 })).toString(
      "base64",
    );
    expect(parseGmailPush(JSON.stringify({ message: { data, messageId: "1" }, subscription: "s" }))).toEqual({
      type: "sync",
      scopes: null,
    });
    expect(() => parseGmailPush("nope")).toThrow(/not JSON/);
  });
});
