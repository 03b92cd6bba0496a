/**
 * A mailbox as the Gmail sandbox serves it: messages stored as Gmail's `Message` resource (the MIME tree in
 * `payload`, bodies in base64url), the mailbox's history records, and the OAuth client that may read it.
 * Messages are written from a short spec (who, to whom, subject, text, HTML, attachments, charset) the way
 * mail clients write them: a reply quotes its parent under "On … wrote:", carries In-Reply-To and References,
 * and joins its thread. Deterministic: ids and times come from counters and the dataset's clock.
 *
 *   const data = new GmailDataset({ mailbox: "maya@demo.threadline.dev", now: "2026-03-02T08:00:00Z" });
 *   const first = data.send({ from: dan, to: [maya], subject: "ACME-3 credentials", text: "…" });
 *   data.advance(3_600_000);
 *   data.reply(first, { from: maya, text: "Thanks!" });
 */
import type { JsonValue } from "../../types.ts";
import { GMAIL_COMPOSE_SCOPE, GMAIL_READONLY_SCOPE } from "./oauth.ts";

export interface Mailbox {
  name: string | null;
  address: string;
}

export interface AttachmentSpec {
  filename: string;
  mimeType: string;
  size?: number;
}

export interface MessageSpec {
  from: Mailbox;
  to?: Mailbox[];
  cc?: Mailbox[];
  /** A reply's default: "Re: " and the parent's subject. */
  subject?: string;
  /** The text/plain body (for a reply: the new text; the quote is added unless `quote` is false). */
  text?: string;
  /** A text/html alternative. */
  html?: string;
  attachments?: AttachmentSpec[];
  /** Default utf-8. */
  charset?: string;
  /** Leave the text quoted-printable in `body.data`, as some relayed messages come. */
  quotedPrintable?: boolean;
  labels?: string[];
  /** For replies: quote the parent (default true), and in which style. */
  quote?: boolean;
  quoteStyle?: "gmail" | "outlook";
  /** Extra or replacing headers. */
  headers?: Record<string, string | null>;
}

export interface StoredMessage {
  id: string;
  threadId: string;
  internalDate: number;
  labelIds: string[];
  historyId: number;
  /** The Gmail `Message` resource as served (format=full). */
  resource: { [key: string]: JsonValue };
  /** The text it was written with (for quoting), and headers replies need. */
  text: string;
  subject: string;
  messageIdHeader: string | null;
  references: string[];
  from: Mailbox;
  /** Written as raw JSON by a test (malformed payloads). */
  raw: boolean;
  /** When Gmail's search index has it: a search (`q`) before then does not list it. */
  indexedAt: number;
}

export interface HistoryRecord {
  id: number;
  type: "messageAdded" | "messageDeleted" | "labelAdded" | "labelRemoved";
  message: { id: string; threadId: string; labelIds: string[] };
  /** For `labelAdded` and `labelRemoved`: the labels that changed. */
  labelIds?: string[];
}

/**
 * The `Authentication-Results` Gmail adds to a message that passed (RFC 8601): DKIM and SPF aligned with the
 * From domain, and DMARC. https://www.rfc-editor.org/rfc/rfc8601#appendix-B
 */
export function toPassingAuthenticationResults(from: string): string {
  const domain = from.slice(from.lastIndexOf("@") + 1).toLowerCase();
  return [
    "mx.google.com",
    ` dkim=pass header.i=@${domain} header.s=s1 header.b=Zm9vYmFy`,
    ` spf=pass (google.com: domain of ${from} designates 192.0.2.25 as permitted sender) smtp.mailfrom=${from}`,
    ` dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=${domain}`,
  ].join(";");
}

/** The same, for a message whose From address its domain's DMARC policy does not vouch for (a spoof). */
export function toFailingAuthenticationResults(from: string): string {
  const domain = from.slice(from.lastIndexOf("@") + 1).toLowerCase();
  return [
    "mx.google.com",
    " dkim=none (no signature)",
    ` spf=softfail (google.com: domain of transitioning ${from} does not designate 203.0.113.7 as permitted sender) smtp.mailfrom=${from}`,
    ` dmarc=fail (p=NONE sp=NONE dis=NONE) header.from=${domain}`,
  ].join(";");
}

export const formatMailbox = (m: Mailbox) =>
  m.name
    ? `${/[",.()<>@:;]/.test(m.name) ? `"${m.name.replace(/"/g, '\\"')}"` : m.name} <${m.address}>`
    : m.address;

const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64url");

/** Text in a charset's bytes (UTF-8 or Latin-1, what the sandbox writes). */
function encodeText(text: string, charset: string): Buffer {
  return /^(iso-8859-1|latin1|windows-1252)$/i.test(charset)
    ? Buffer.from(text, "latin1")
    : Buffer.from(text, "utf8");
}

/** Quoted-printable encoding of bytes (RFC 2045 §6.7), lines of at most 76 characters. */
export function encodeQuotedPrintable(bytes: Uint8Array): string {
  let out = "";
  let line = "";
  for (const byte of bytes) {
    if (byte === 0x0a) {
      out += `${line}\r\n`;
      line = "";
      continue;
    }
    if (byte === 0x0d) continue;
    const piece =
      (byte >= 33 && byte <= 126 && byte !== 61) || byte === 32
        ? String.fromCharCode(byte)
        : `=${byte.toString(16).toUpperCase().padStart(2, "0")}`;
    if (line.length + piece.length > 75) {
      out += `${line}=\r\n`;
      line = "";
    }
    line += piece;
  }
  return out + line;
}

/** A subject without its reply and forward prefixes, as Gmail compares a thread's subjects. */
const baseSubject = (subject: string) =>
  subject
    .replace(/^\s*((re|fwd?|aw|wg)\s*:\s*)+/i, "")
    .trim()
    .toLowerCase();

const rfc2822Date = (ms: number) => new Date(ms).toUTCString().replace("GMT", "+0000");

export class GmailDataset {
  readonly mailbox: string;
  now: number;
  readonly clientId = "1234567890-sandbox.apps.googleusercontent.com";
  readonly clientSecret = "GOCSPX-sandbox-client-secret";
  readonly refreshToken = "1//sandbox-refresh-token";
  readonly staticToken = "ya29.sandbox-static-access-token";
  readonly tokenLifetimeSeconds = 3599;
  /** The OAuth client's registered redirect URIs (the authorization endpoint accepts no other). */
  readonly redirectUris: string[] = [];
  /**
   * What the owner granted the data set's own refresh token and static token (read when a token is issued):
   * reading, and saving drafts. A test takes `gmail.compose` away for a read-only grant.
   */
  scopes: string[] = [GMAIL_READONLY_SCOPE, GMAIL_COMPOSE_SCOPE];
  /** Drafts: the draft's id (stable) and its message's id. */
  readonly drafts = new Map<string, string>();
  readonly messages = new Map<string, StoredMessage>();
  readonly history: HistoryRecord[] = [];
  historyId = 1000;
  /** History records before this id are gone: a start before it answers 404. */
  oldestHistoryId = 0;
  /**
   * How long after it arrives a message stays out of search results (`q`): Gmail's search index lags behind
   * the mailbox, while `history.list` and `messages.get` see the message at once.
   */
  indexLagMs = 0;
  private counter = 0;

  constructor(options: { mailbox: string; now?: string | number }) {
    this.mailbox = options.mailbox;
    this.now =
      options.now === undefined ? Date.parse("2026-01-05T08:00:00Z") : new Date(options.now).getTime();
  }

  advance(ms: number): this {
    this.now += ms;
    return this;
  }

  private nextId(): string {
    this.counter++;
    // Gmail's ids are 16 hex digits that grow with time.
    return (0x18c0000000000000n + BigInt(this.now) * 4096n + BigInt(this.counter)).toString(16).slice(-16);
  }

  private record(type: HistoryRecord["type"], m: StoredMessage, labelIds?: string[]): void {
    this.historyId += 1 + (this.counter % 3);
    this.history.push({
      id: this.historyId,
      type,
      message: { id: m.id, threadId: m.threadId, labelIds: [...m.labelIds] },
      ...(labelIds ? { labelIds } : {}),
    });
    m.historyId = this.historyId;
    if (m.resource) m.resource.historyId = String(this.historyId);
  }

  /** A new message (a new thread unless `parent` is given). */
  send(spec: MessageSpec, parent?: StoredMessage): StoredMessage {
    const id = this.nextId();
    const threadId = parent ? parent.threadId : id;
    const subject =
      spec.subject ?? (parent ? `Re: ${parent.subject.replace(/^(re:\s*)+/i, "")}` : "(no subject)");
    const domain = spec.from.address.split("@")[1] ?? "mail.example";
    const messageIdHeader = `<${id}.${this.counter}@${domain}>`;
    const references = parent
      ? [...parent.references, ...(parent.messageIdHeader ? [parent.messageIdHeader] : [])]
      : [];
    let text = spec.text ?? "";
    if (parent && spec.quote !== false && spec.text !== undefined) {
      const quoted = parent.text
        .split("\n")
        .map((l) => `> ${l}`.trimEnd())
        .join("\n");
      text =
        spec.quoteStyle === "outlook"
          ? `${text}\n\n________________________________\nFrom: ${formatMailbox(parent.from)}\nSent: ${rfc2822Date(parent.internalDate)}\nTo: ${formatMailbox({ name: null, address: this.mailbox })}\nSubject: ${parent.subject}\n\n${parent.text}`
          : `${text}\n\nOn ${rfc2822Date(parent.internalDate)}, ${formatMailbox(parent.from)} wrote:\n${quoted}`;
    }
    const fromTeam = spec.from.address.toLowerCase() === this.mailbox.toLowerCase();
    const labelIds = spec.labels ?? (fromTeam ? ["SENT"] : ["INBOX", "UNREAD", "CATEGORY_PERSONAL"]);
    const headers: Array<[string, string]> = [
      ["Delivered-To", this.mailbox],
      // Gmail's own verdict on mail it received; the mailbox's sent copies carry none.
      ...(labelIds.includes("SENT")
        ? []
        : ([["Authentication-Results", toPassingAuthenticationResults(spec.from.address)]] as Array<
            [string, string]
          >)),
      ["MIME-Version", "1.0"],
      ["Date", rfc2822Date(this.now)],
      ["Message-ID", messageIdHeader],
      ...(parent?.messageIdHeader
        ? ([["In-Reply-To", parent.messageIdHeader]] as Array<[string, string]>)
        : []),
      ...(references.length > 0 ? ([["References", references.join(" ")]] as Array<[string, string]>) : []),
      ["Subject", subject],
      ["From", formatMailbox(spec.from)],
      ["To", (spec.to ?? []).map(formatMailbox).join(", ")],
      ...(spec.cc && spec.cc.length > 0
        ? ([["Cc", spec.cc.map(formatMailbox).join(", ")]] as Array<[string, string]>)
        : []),
    ];
    for (const [name, value] of Object.entries(spec.headers ?? {})) {
      const at = headers.findIndex(([n]) => n.toLowerCase() === name.toLowerCase());
      if (value === null) {
        if (at >= 0) headers.splice(at, 1);
      } else if (at >= 0) headers[at] = [name, value];
      else headers.push([name, value]);
    }
    const payload = this.buildPayload(text, spec);
    const root = payload as { headers: JsonValue[] };
    root.headers = [...headers.map(([name, value]) => ({ name, value })), ...root.headers];
    const stored: StoredMessage = {
      id,
      threadId,
      internalDate: this.now,
      labelIds,
      historyId: 0,
      resource: {
        id,
        threadId,
        labelIds,
        snippet: text.replace(/\s+/g, " ").slice(0, 100),
        sizeEstimate: text.length + 1200,
        historyId: "0",
        internalDate: String(this.now),
        payload,
      },
      text,
      subject,
      messageIdHeader,
      references,
      from: spec.from,
      raw: false,
      indexedAt: this.now + this.indexLagMs,
    };
    this.messages.set(id, stored);
    this.record("messageAdded", stored);
    return stored;
  }

  reply(parent: StoredMessage, spec: MessageSpec): StoredMessage {
    return this.send(spec, parent);
  }

  private textPart(
    partId: string,
    mimeType: string,
    content: string,
    spec: MessageSpec,
  ): { [key: string]: JsonValue } {
    const charset = spec.charset ?? "UTF-8";
    const bytes = encodeText(content, charset);
    const qp = spec.quotedPrintable === true;
    const data = qp ? Buffer.from(encodeQuotedPrintable(bytes), "latin1") : bytes;
    return {
      partId,
      mimeType,
      filename: "",
      headers: [
        { name: "Content-Type", value: `${mimeType}; charset="${charset}"` },
        {
          name: "Content-Transfer-Encoding",
          value: qp ? "quoted-printable" : charset === "UTF-8" ? "base64" : "8bit",
        },
      ],
      body: { size: data.length, data: b64url(data) },
    };
  }

  private buildPayload(text: string, spec: MessageSpec): { [key: string]: JsonValue } {
    const attachments = spec.attachments ?? [];
    const alternative = spec.html !== undefined;
    const bodyPart = (partId: string): { [key: string]: JsonValue } => {
      if (!alternative) return this.textPart(partId, "text/plain", text, spec);
      const boundary = `000000000000${this.counter.toString(16).padStart(12, "0")}a`;
      const child = (n: number) => (partId === "" ? String(n) : `${partId}.${n}`);
      return {
        partId,
        mimeType: "multipart/alternative",
        filename: "",
        headers: [{ name: "Content-Type", value: `multipart/alternative; boundary="${boundary}"` }],
        body: { size: 0 },
        parts: [
          this.textPart(child(0), "text/plain", text, spec),
          this.textPart(child(1), "text/html", spec.html!, spec),
        ],
      };
    };
    if (attachments.length === 0) return bodyPart("");
    const boundary = `000000000000${this.counter.toString(16).padStart(12, "0")}m`;
    return {
      partId: "",
      mimeType: "multipart/mixed",
      filename: "",
      headers: [{ name: "Content-Type", value: `multipart/mixed; boundary="${boundary}"` }],
      body: { size: 0 },
      parts: [
        bodyPart("0"),
        ...attachments.map((a, i) => ({
          partId: String(i + 1),
          mimeType: a.mimeType,
          filename: a.filename,
          headers: [
            { name: "Content-Type", value: `${a.mimeType}; name="${a.filename}"` },
            { name: "Content-Disposition", value: `attachment; filename="${a.filename}"` },
            { name: "Content-Transfer-Encoding", value: "base64" },
          ],
          body: {
            attachmentId: `ANGjdJ8${Buffer.from(`${this.counter}:${i}`).toString("base64url")}`,
            size: a.size ?? 24_576,
          },
        })),
      ],
    };
  }

  /** A message resource written as it is (malformed payloads); counts as added to the mailbox. */
  injectRaw(
    resource: { [key: string]: JsonValue },
    ids: { id?: string; threadId?: string } = {},
  ): StoredMessage {
    const id = ids.id ?? (typeof resource.id === "string" ? resource.id : this.nextId());
    const threadId = ids.threadId ?? (typeof resource.threadId === "string" ? resource.threadId : id);
    const stored: StoredMessage = {
      id,
      threadId,
      internalDate: this.now,
      labelIds: Array.isArray(resource.labelIds) ? resource.labelIds.map(String) : ["INBOX"],
      historyId: 0,
      resource,
      text: "",
      subject: "",
      messageIdHeader: null,
      references: [],
      from: { name: null, address: "unknown@invalid" },
      raw: true,
      indexedAt: this.now + this.indexLagMs,
    };
    this.messages.set(id, stored);
    this.record("messageAdded", stored);
    return stored;
  }

  /**
   * Saves a draft as Gmail does (https://developers.google.com/gmail/api/guides/drafts): a message with the
   * `DRAFT` label only, in the thread asked for when the draft meets Gmail's conditions (it names the thread,
   * its References or In-Reply-To name a message of it, and its Subject matches), else in a thread of its
   * own. `headers` are the message's own, in order.
   */
  saveDraft(draft: { headers: Array<[string, string]>; text: string; threadId: string | null }): {
    draftId: string;
    message: StoredMessage;
  } {
    const id = this.nextId();
    const header = (name: string) =>
      draft.headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1] ?? null;
    const subject = header("Subject") ?? "";
    const parents: string[] =
      `${header("References") ?? ""} ${header("In-Reply-To") ?? ""}`.match(/<[^<>\s]+>/g) ?? [];
    const thread = draft.threadId
      ? [...this.messages.values()].filter((m) => m.threadId === draft.threadId)
      : [];
    const joins =
      thread.some((m) => m.messageIdHeader !== null && parents.includes(m.messageIdHeader)) &&
      thread.some((m) => baseSubject(m.subject) === baseSubject(subject));
    const threadId = joins && draft.threadId ? draft.threadId : id;
    const headers = header("From")
      ? draft.headers
      : [
          ...draft.headers,
          ["From", formatMailbox({ name: null, address: this.mailbox })] as [string, string],
        ];
    const bytes = Buffer.from(draft.text, "utf8");
    const labelIds = ["DRAFT"];
    const stored: StoredMessage = {
      id,
      threadId,
      internalDate: this.now,
      labelIds,
      historyId: 0,
      resource: {
        id,
        threadId,
        labelIds,
        snippet: draft.text.replace(/\s+/g, " ").slice(0, 100),
        sizeEstimate: bytes.length + 600,
        historyId: "0",
        internalDate: String(this.now),
        payload: {
          partId: "",
          mimeType: "text/plain",
          filename: "",
          headers: headers.map(([name, value]) => ({ name, value })),
          body: { size: bytes.length, data: b64url(bytes) },
        },
      },
      text: draft.text,
      subject,
      messageIdHeader: header("Message-ID"),
      references: parents,
      from: { name: null, address: this.mailbox },
      raw: false,
      indexedAt: this.now + this.indexLagMs,
    };
    this.messages.set(id, stored);
    this.record("messageAdded", stored);
    const draftId = `r-${id}`;
    this.drafts.set(draftId, id);
    return { draftId, message: stored };
  }

  /**
   * The owner sends a draft from Gmail: the draft is deleted and a new message, with a new id and the `SENT`
   * label, takes its place in the thread (https://developers.google.com/gmail/api/guides/drafts#sending).
   */
  sendDraft(draftId: string): StoredMessage {
    const messageId = this.drafts.get(draftId);
    const draft = messageId ? this.messages.get(messageId) : undefined;
    if (!draft) throw new Error(`no draft ${draftId}`);
    this.drafts.delete(draftId);
    this.delete(draft.id);
    const id = this.nextId();
    const labelIds = ["SENT"];
    const payload = draft.resource.payload as { [key: string]: JsonValue };
    const headers = [
      ...(payload.headers as JsonValue[]).filter(
        (h) => !/^(date|message-id)$/i.test(String((h as { name: string }).name)),
      ),
      { name: "Date", value: rfc2822Date(this.now) },
      { name: "Message-ID", value: `<${id}@mail.gmail.com>` },
    ];
    const stored: StoredMessage = {
      ...draft,
      id,
      internalDate: this.now,
      labelIds,
      messageIdHeader: `<${id}@mail.gmail.com>`,
      resource: {
        ...draft.resource,
        id,
        labelIds,
        internalDate: String(this.now),
        payload: { ...payload, headers },
      },
      indexedAt: this.now + this.indexLagMs,
    };
    this.messages.set(id, stored);
    this.record("messageAdded", stored);
    return stored;
  }

  /** Deletes a message for good (not to the trash): a `messageDeleted` history record. */
  delete(id: string): void {
    const m = this.messages.get(id);
    if (!m) throw new Error(`no message ${id}`);
    this.messages.delete(id);
    this.record("messageDeleted", m);
  }

  /**
   * Labels added to and removed from a message (moving to Trash or Spam, and out, is a label change): one
   * `labelAdded` and one `labelRemoved` history record, for the labels that did change.
   * https://developers.google.com/gmail/api/reference/rest/v1/users.history/list#History
   */
  relabel(id: string, change: { add?: string[]; remove?: string[] }): StoredMessage {
    const m = this.messages.get(id);
    if (!m) throw new Error(`no message ${id}`);
    const added = (change.add ?? []).filter((l) => !m.labelIds.includes(l));
    const removed = (change.remove ?? []).filter((l) => m.labelIds.includes(l));
    m.labelIds = [...m.labelIds.filter((l) => !removed.includes(l)), ...added];
    m.resource.labelIds = [...m.labelIds];
    if (added.length > 0) this.record("labelAdded", m, added);
    if (removed.length > 0) this.record("labelRemoved", m, removed);
    return m;
  }

  /** Gmail drops old history: every history id before the mailbox's current one becomes too old to start from. */
  expireHistory(): void {
    this.oldestHistoryId = this.historyId;
  }

  /** Messages newest first, as Gmail lists them. */
  listed(): StoredMessage[] {
    return [...this.messages.values()].sort(
      (a, b) => b.internalDate - a.internalDate || (a.id < b.id ? 1 : -1),
    );
  }
}
