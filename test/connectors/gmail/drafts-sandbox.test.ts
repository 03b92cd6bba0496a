/**
 * The local Gmail server's drafts answer as Gmail's reference says: drafts.create needs a scope that may
 * compose (403 insufficientPermissions for a read-only grant), a draft joins the thread asked for only when
 * its References and Subject fit it, and drafts.list and drafts.get give the documented shapes.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  GMAIL_READONLY_SCOPE,
  type GmailSandbox,
  startGmailSandbox,
} from "../../../connectors/sandbox/gmail/index.ts";
import { buildMailbox } from "./helpers.ts";

describe("the Gmail sandbox's drafts", () => {
  let gmail: GmailSandbox;
  beforeEach(async () => {
    gmail = await startGmailSandbox(buildMailbox());
  });
  afterEach(() => gmail.close());

  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${gmail.url}/gmail/v1/users/me${path}`, {
      ...init,
      headers: { authorization: `Bearer ${gmail.data.staticToken}`, "content-type": "application/json" },
    });
  const rfc822 = (headers: Record<string, string>, text: string) =>
    Buffer.from(
      `${Object.entries(headers)
        .map(([k, v]) => `${k}: ${v}`)
        .join("\r\n")}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${text}\r\n`,
    ).toString("base64url");
  const create = (raw: string, threadId: string) =>
    api("/drafts", { method: "POST", body: JSON.stringify({ message: { raw, threadId } }) });

  const parent = () => [...gmail.data.messages.values()].find((m) => m.subject === "ERP test credentials")!;

  it("files a draft in the thread only when its References and Subject fit it", async () => {
    const p = parent();
    const fits = await create(
      rfc822(
        {
          To: "dan@acme-corp.example",
          Subject: "Re: ERP test credentials",
          "In-Reply-To": p.messageIdHeader!,
          References: p.messageIdHeader!,
        },
        "Any news?",
      ),
      p.threadId,
    );
    expect(fits.status).toBe(200);
    const saved = (await fits.json()) as {
      id: string;
      message: { id: string; threadId: string; labelIds: string[] };
    };
    expect(saved.message).toMatchObject({ threadId: p.threadId, labelIds: ["DRAFT"] });

    const otherSubject = await create(
      rfc822(
        { To: "dan@acme-corp.example", Subject: "Something else", References: p.messageIdHeader! },
        "Hi",
      ),
      p.threadId,
    );
    const elsewhere = (await otherSubject.json()) as { message: { id: string; threadId: string } };
    expect(elsewhere.message.threadId).toBe(elsewhere.message.id);

    const list = (await (await api("/drafts")).json()) as {
      drafts: Array<{ id: string; message: { id: string; threadId: string } }>;
      resultSizeEstimate: number;
    };
    expect(list.resultSizeEstimate).toBe(2);
    expect(list.drafts).toHaveLength(2);
    expect(list.drafts.map((d) => d.id)).toContain(saved.id);
    expect(Object.keys(list.drafts[0]!.message).sort()).toEqual(["id", "threadId"]);

    const got = (await (await api(`/drafts/${saved.id}?format=metadata`)).json()) as {
      id: string;
      message: { labelIds: string[]; payload: { headers: Array<{ name: string; value: string }> } };
    };
    expect(got.id).toBe(saved.id);
    expect(got.message.payload.headers).toContainEqual({
      name: "Subject",
      value: "Re: ERP test credentials",
    });
    expect((await api("/drafts/r-unknown")).status).toBe(404);

    // The draft's message is in the mailbox as Gmail shows drafts: listed, in its thread, labelled DRAFT.
    const thread = (await (await api(`/threads/${p.threadId}?format=minimal`)).json()) as {
      messages: Array<{ id: string; labelIds: string[] }>;
    };
    expect(thread.messages.at(-1)).toMatchObject({ id: saved.message.id, labelIds: ["DRAFT"] });
  });

  it("refuses drafts.create to a read-only grant, and answers 5xx before or after saving on demand", async () => {
    const p = parent();
    const raw = rfc822({ Subject: "Re: ERP test credentials", References: p.messageIdHeader! }, "Hi");
    gmail.data.scopes = [GMAIL_READONLY_SCOPE];
    const refused = await create(raw, p.threadId);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({
      error: { code: 403, errors: [{ reason: "insufficientPermissions" }], status: "PERMISSION_DENIED" },
    });
    // Reading drafts needs no more than gmail.readonly.
    expect((await api("/drafts")).status).toBe(200);
    expect(gmail.data.drafts.size).toBe(0);

    gmail.data.scopes = ["https://www.googleapis.com/auth/gmail.compose"];
    gmail.control.failNextDraft = { status: 503, when: "before" };
    expect((await create(raw, p.threadId)).status).toBe(503);
    expect(gmail.data.drafts.size).toBe(0);
    gmail.control.failNextDraft = { status: 500, when: "after" };
    expect((await create(raw, p.threadId)).status).toBe(500);
    expect(gmail.data.drafts.size).toBe(1);
    expect((await create(raw, p.threadId)).status).toBe(200);
    expect(gmail.data.drafts.size).toBe(2);
  });
});
