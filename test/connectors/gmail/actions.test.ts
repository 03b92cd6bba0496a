/**
 * The Gmail connector's draft replies through the real SDK against the local Gmail server: the draft on the
 * thread with the headers Gmail threads by and the action's id, one draft however often the action is
 * tried (a double submit, a 5xx after saving), the scope a read-only grant lacks, and what a sync reads
 * back (no item for a draft; the reply once its owner sends it).
 */
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GMAIL_COMPOSE_SCOPE } from "../../../connectors/gmail/actions.ts";
import type { GmailSettings } from "../../../connectors/gmail/config.ts";
import { createGmailConnector } from "../../../connectors/gmail/index.ts";
import {
  GMAIL_READONLY_SCOPE,
  type GmailDataset,
  type GmailSandbox,
  type StoredMessage,
  startGmailSandbox,
} from "../../../connectors/sandbox/gmail/index.ts";
import { ConnectorError, type WriteRequest } from "../../../connectors/types.ts";
import { queryRows } from "../../../src/store/rows.ts";
import { describeEachDatabase, emptyTables } from "../../helpers/databases.ts";
import { syncOnce } from "../../helpers/sync-run.ts";
import { buildMailbox, GMAIL_LINK_CONTEXT, PEOPLE, quickGmail, RUN_NOW, settingsFor } from "./helpers.ts";

const connector = createGmailConnector({ retry: { baseDelayMs: 1 } });
const actions = connector.actions!;

/** The latest message of the thread about FAL-12 (Priya's reply, Dan in Cc). */
const ssoReply = (data: GmailDataset) =>
  [...data.messages.values()].find((m) => m.text.startsWith("Added the email attribute"))!;

/** A draft reply to `message` as the planner asks it: to Dan, on the item as the store holds it. */
function draftRequest(
  settings: GmailSettings,
  message: StoredMessage,
  actionId: string,
  text = "Hi Dan, any news on the Okta settings?",
): WriteRequest<GmailSettings> {
  const item = connector.map({
    type: "message",
    data: message.resource,
    context: { mailbox: "ana@contoso.dev" },
  }).items![0]!;
  return {
    settings,
    actionId,
    kind: "draft_reply",
    target: {
      taskKey: "FAL-12",
      item: {
        externalId: item.externalId,
        scope: settings.user,
        threadId: item.threadId,
        url: item.url,
        meta: item.meta,
      },
    },
    text,
    people: [{ source: "gmail", externalId: PEOPLE.dan.address.toLowerCase(), name: "Dan Miller" }],
    signal: new AbortController().signal,
  };
}

const draftsOf = (data: GmailDataset) =>
  [...data.drafts.values()].map((id) => {
    const m = data.messages.get(id)!;
    const headers = (m.resource.payload as { headers: Array<{ name: string; value: string }> }).headers;
    const header = (name: string) => headers.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;
    return { message: m, header, text: m.text };
  });

describe("Gmail draft replies", () => {
  let gmail: GmailSandbox;
  let settings: GmailSettings;
  beforeEach(async () => {
    gmail = await startGmailSandbox(buildMailbox());
    settings = settingsFor(gmail);
  });
  afterEach(() => gmail.close());

  it("saves a draft reply on the thread: to the people given, Re: the subject, threaded by the parent's ids, never sent", async () => {
    const parent = ssoReply(gmail.data);
    const sent = [...gmail.data.messages.values()].filter((m) => m.labelIds.includes("SENT")).length;
    const result = await actions.write(draftRequest(settings, parent, "act-1"));

    // The link opens the thread (with the draft in it) in the mailbox it was read from.
    expect(result).toEqual({
      externalId: null,
      url: `https://mail.google.com/mail/u/ana%40contoso.dev/#all/${parent.threadId}`,
    });
    const [draft, ...others] = draftsOf(gmail.data);
    expect(others).toHaveLength(0);
    expect(draft!.message.threadId).toBe(parent.threadId);
    expect(draft!.message.labelIds).toEqual(["DRAFT"]);
    expect(draft!.header("From")).toBe("ana@contoso.dev");
    expect(draft!.header("To")).toBe("Dan Miller <dan.miller@acme-corp.example>");
    expect(draft!.header("Subject")).toBe("Re: SSO broken for our staff (FAL-12)");
    expect(draft!.header("In-Reply-To")).toBe(parent.messageIdHeader);
    expect(draft!.header("References")?.split(/\s+/)).toEqual([...parent.references, parent.messageIdHeader]);
    expect(draft!.header("X-Threadline-Action")).toBe("act-1");
    expect(draft!.text.trim()).toBe("Hi Dan, any news on the Okta settings?");
    // Nothing was sent: the mailbox's sent mail is what it was.
    expect([...gmail.data.messages.values()].filter((m) => m.labelIds.includes("SENT"))).toHaveLength(sent);
  });

  it("writes one draft for an action however often it is submitted: find sees the first", async () => {
    const request = draftRequest(settings, ssoReply(gmail.data), "act-2");
    expect(await actions.find(request)).toBeNull();
    await actions.write(request);
    expect(await actions.find(request)).toEqual({
      externalId: null,
      url: expect.stringContaining(ssoReply(gmail.data).threadId),
    });
    await actions.write(request);
    expect(draftsOf(gmail.data)).toHaveLength(1);
    // Another action on the same thread is another draft.
    expect(await actions.find({ ...request, actionId: "act-3" })).toBeNull();
    await actions.write({ ...request, actionId: "act-3" });
    expect(
      draftsOf(gmail.data)
        .map((d) => d.header("X-Threadline-Action"))
        .sort(),
    ).toEqual(["act-2", "act-3"]);
  });

  it("ends with one draft when Gmail answers 5xx after saving it, and the action is tried again", async () => {
    const request = draftRequest(settings, ssoReply(gmail.data), "act-4");
    gmail.control.failNextDraft = { status: 503, when: "after" };
    const failed = await actions.write(request).catch((err: unknown) => err);
    expect(failed).toBeInstanceOf(ConnectorError);
    expect((failed as ConnectorError).retryable).toBe(true);
    // The transport did not send the POST again: one draft, although its answer was lost.
    expect(draftsOf(gmail.data)).toHaveLength(1);
    expect(gmail.requests.count({ method: "POST", path: /\/drafts/ })).toBe(1);

    expect(await actions.find(request)).not.toBeNull();
    await actions.write(request);
    expect(draftsOf(gmail.data)).toHaveLength(1);
  });

  it("saves the draft on the next try when Gmail answers 5xx before saving it", async () => {
    const request = draftRequest(settings, ssoReply(gmail.data), "act-5");
    gmail.control.failNextDraft = { status: 500, when: "before" };
    const failed = await actions.write(request).catch((err: unknown) => err);
    expect((failed as ConnectorError).retryable).toBe(true);
    expect(draftsOf(gmail.data)).toHaveLength(0);
    expect(await actions.find(request)).toBeNull();
    await actions.write(request);
    expect(draftsOf(gmail.data).map((d) => d.header("X-Threadline-Action"))).toEqual(["act-5"]);
  });

  it("says a read-only grant needs gmail.compose, and a write with it saves nothing", async () => {
    const signal = new AbortController().signal;
    expect(await actions.access({ settings, signal })).toEqual({
      draft_reply: { allowed: true, account: "ana@contoso.dev" },
    });

    gmail.data.scopes = [GMAIL_READONLY_SCOPE];
    expect(await actions.access({ settings, signal })).toEqual({
      draft_reply: { allowed: false, needs: GMAIL_COMPOSE_SCOPE },
    });
    expect(GMAIL_COMPOSE_SCOPE).toBe("https://www.googleapis.com/auth/gmail.compose");
    const failed = await actions
      .write(draftRequest(settings, ssoReply(gmail.data), "act-6"))
      .catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(ConnectorError);
    expect((failed as ConnectorError).kind).toBe("forbidden");
    expect((failed as ConnectorError).retryable).toBe(false);
    expect((failed as Error).message).toContain("gmail.compose");
    expect(draftsOf(gmail.data)).toHaveLength(0);

    // A ready access token is asked about the same way.
    const tokenSettings = settingsFor(gmail, { token: true });
    expect(await actions.access({ settings: tokenSettings, signal })).toEqual({
      draft_reply: { allowed: false, needs: GMAIL_COMPOSE_SCOPE },
    });
  });

  it("answers an email read in a person's own mailbox on the same conversation in the configured one", async () => {
    const parent = ssoReply(gmail.data);
    const request = draftRequest(settings, parent, "act-7");
    const item = request.target.item!;
    // The person's copy has a thread id of its own mailbox; the Message-ID is the same everywhere.
    const own = {
      ...request,
      target: {
        ...request.target,
        item: { ...item, scope: "connected:ben@contoso.dev", threadId: "ffff0000", url: null },
      },
    };
    await actions.write(own);
    expect(draftsOf(gmail.data).map((d) => d.message.threadId)).toEqual([parent.threadId]);
    expect(await actions.find(own)).not.toBeNull();

    const unknown = {
      ...own,
      actionId: "act-8",
      target: {
        ...own.target,
        item: { ...own.target.item, meta: { ...item.meta, messageId: "<not-here@acme-corp.example>" } },
      },
    };
    const failed = await actions.write(unknown).catch((e: unknown) => e);
    expect((failed as ConnectorError).kind).toBe("forbidden");
    expect((failed as Error).message).toContain("ben@contoso.dev");
  });
});

describeEachDatabase("Gmail draft replies read back by a sync", (ctx) => {
  beforeEach(async () => {
    await emptyTables(ctx.db);
  });

  it("keeps a draft off the timeline, and brings the reply once its owner sends it", async () => {
    const data = buildMailbox();
    const gmail = await startGmailSandbox(data);
    try {
      const settings = settingsFor(gmail);
      const sync = () =>
        syncOnce(ctx.db, [{ connector: quickGmail().connector, settings }], {
          mode: "sync",
          now: () => RUN_NOW,
          linkContext: GMAIL_LINK_CONTEXT,
          retry: { baseDelayMs: 1, maxDelayMs: 5, attempts: 8 },
        });
      expect((await sync()).ok).toBe(true);
      const emails = async () =>
        queryRows<{ text: string; author: string; thread_id: string }>(
          ctx.db,
          sql`select text, meta->>'from' as author, thread_id from items
              where source = 'gmail' and deleted_at is null order by at, external_id`,
        );
      const before = await emails();

      const parent = ssoReply(data);
      await actions.write(draftRequest(settings, parent, "act-9", "Hi Dan, any news?"));
      expect((await sync()).ok).toBe(true);
      // A draft is not a sent email: it answers nothing and is nobody's reply yet.
      expect(await emails()).toEqual(before);

      data.advance(60_000);
      data.sendDraft([...data.drafts.keys()][0]!);
      expect((await sync()).ok).toBe(true);
      const after = await emails();
      expect(after).toHaveLength(before.length + 1);
      expect(after.at(-1)).toMatchObject({
        text: "Hi Dan, any news?",
        author: "ana@contoso.dev",
        thread_id: parent.threadId,
      });
    } finally {
      await gmail.close();
    }
  });
});
