/**
 * Gmail's API objects to Threadline's model (pure: no I/O, no clock, no settings). The pull yields one kind
 * of raw record:
 *
 * - `message`: a message as `users.messages.get?format=full` returns it, with the mailbox's address in
 *   `context.mailbox` → an `email` item in the message's Gmail thread, and its sender as an identity (source
 *   `gmail`, external id the lower-cased address, so people merge across sources by email).
 *
 * The item's text is what the message adds to its thread (quoted history and signature removed); the whole
 * body stays in `meta.body` (plain text, and the HTML sanitised) for viewing. The sender is the address's
 * identity only when Gmail vouched for it (see sender-trust.ts: DMARC, or aligned SPF or DKIM); otherwise an
 * unverified sender of its own, and `meta.senderVerified` is false (`meta.senderCheck` says why). Headers the
 * linker follows (Message-ID, In-Reply-To, References) go in `meta`, as the shared `ItemMeta` names them.
 *
 * Not items: drafts, spam and trash (labels `DRAFT`, `SPAM`, `TRASH`), messages without a sender, and
 * messages whose body cannot be read at all; {@link inspectGmailRecord} says which and why.
 */
import { toEmailAudience } from "../../src/model/audience.ts";
import type { Identity, ItemMeta, JsonValue, Mapped, MappedItem, RawRecord } from "../types.ts";
import { type GmailMessage, GmailMessageSchema } from "./schemas.ts";
import { toSenderTrust } from "./sender-trust.ts";
import {
  decodeHeaderWords,
  headerValue,
  type MessageBody,
  readMessageBody,
  sanitizeEmailHtml,
  toNewText,
} from "./text.ts";

/** Labels of messages that are not part of any conversation yet, or no longer. */
const LEFT_OUT_LABELS = ["DRAFT", "SPAM", "TRASH"] as const;

export interface EmailAddress {
  name: string | null;
  address: string;
}

const ADDRESS = /^[^@\s<>",;]+@[^@\s<>",;]+$/;

/**
 * An address list header (`"Miller, Dan" <dan@acme.example>, tom@x.dev`) to its addresses: commas inside
 * quotes, angle brackets or comments do not split; groups (`team: a@x, b@x;`) give their members.
 */
export function parseAddressList(value: string | null): EmailAddress[] {
  if (!value) return [];
  const entries: string[] = [];
  let current = "";
  let quoted = false;
  let angle = 0;
  let comment = 0;
  for (const ch of decodeHeaderWords(value)) {
    if (ch === '"' && comment === 0) quoted = !quoted;
    else if (!quoted && ch === "(") comment++;
    else if (!quoted && ch === ")" && comment > 0) comment--;
    else if (!quoted && comment === 0 && ch === "<") angle++;
    else if (!quoted && comment === 0 && ch === ">" && angle > 0) angle--;
    if (!quoted && angle === 0 && comment === 0 && (ch === "," || ch === ";")) {
      entries.push(current);
      current = "";
      continue;
    }
    current += ch;
  }
  entries.push(current);
  const out: EmailAddress[] = [];
  for (let raw of entries) {
    raw = raw.trim();
    const group = /^[^"<:]*:(.*)$/.exec(raw);
    if (group && !raw.includes("<") && !ADDRESS.test(raw)) raw = group[1]!.trim();
    if (raw === "") continue;
    const angled = /^(.*?)<\s*([^<>\s]+)\s*>\s*(\(.*\))?$/.exec(raw);
    if (angled) {
      const address = angled[2]!;
      if (!ADDRESS.test(address)) continue;
      const name = angled[1]!
        .trim()
        .replace(/^"(.*)"$/, "$1")
        .replace(/\\(.)/g, "$1")
        .trim();
      out.push({ name: name || null, address });
      continue;
    }
    // `dan@acme.example (Dan Miller)`: the old comment form.
    const bare = /^([^\s()]+)\s*(?:\((.*)\))?$/.exec(raw);
    if (bare && ADDRESS.test(bare[1]!)) out.push({ name: bare[2]?.trim() || null, address: bare[1]! });
  }
  return out;
}

/** `<id@host>` ids of a References or In-Reply-To header, in order. */
export function parseMessageIds(value: string | null): string[] {
  if (!value) return [];
  const ids = value.match(/<[^<>\s]+>/g);
  if (ids) return ids;
  const bare = value.trim();
  return bare === "" ? [] : [`<${bare.replace(/^<|>$/g, "")}>`];
}

const AUTOMATED_LOCAL_PART =
  /^(no-?reply|do-?not-?reply|notifications?|mailer-daemon|postmaster|bounces?)([+.-].*)?$/i;

/** Whether an address is a machine's (no-reply senders, notification robots, bounces). */
export const isAutomatedAddress = (address: string) => AUTOMATED_LOCAL_PART.test(address.split("@")[0] ?? "");

/**
 * The identity of a sender whose address Gmail did not vouch for: apart from the address's own identity, so a
 * spoofed message never lands on the person who owns it, nor a later genuine one on the spoofer.
 */
export const toUnverifiedSenderId = (address: string) => `unverified:${address}`;

/** The link to a thread in Gmail's web client, for the mailbox (`me` opens the first signed-in account). */
export function toGmailUrl(mailbox: string, threadId: string): string {
  const account = mailbox === "me" ? "0" : encodeURIComponent(mailbox);
  return `https://mail.google.com/mail/u/${account}/#all/${threadId}`;
}

/** Why a message is not an item, or null when it is one. */
function leftOutBecause(message: GmailMessage, body: MessageBody): string | null {
  const labels = message.labelIds ?? [];
  const label = LEFT_OUT_LABELS.find((l) => labels.includes(l));
  if (label) return `a message labelled ${label}: skipped`;
  const from = parseAddressList(headerValue(message.payload.headers, "From"));
  if (from.length === 0) {
    const raw = headerValue(message.payload.headers, "From");
    return raw === null ? "no From header: skipped" : `a From header without an address ("${raw}"): skipped`;
  }
  if (body.text === "" && body.html === null && body.attachments.length === 0 && body.problems.length > 0) {
    return `the body could not be read (${body.problems.join("; ")}): skipped`;
  }
  return null;
}

function parseMessage(record: RawRecord) {
  return GmailMessageSchema.safeParse(record.data);
}

function toItem(
  message: GmailMessage,
  body: MessageBody,
  mailbox: string,
): { item: MappedItem; identity: Identity } {
  const headers = message.payload.headers;
  const header = (name: string) => {
    const v = headerValue(headers, name);
    return v === null ? null : decodeHeaderWords(v).trim();
  };
  const sender = parseAddressList(headerValue(headers, "From"))[0]!;
  const address = sender.address.toLowerCase();
  const bot = isAutomatedAddress(address);
  const trust = toSenderTrust(headers, address, message.labelIds ?? []);
  // An unverified sender is an identity of its own, without the address: it joins nobody who owns it.
  const authorId = trust.verified ? address : toUnverifiedSenderId(address);
  const subject = header("Subject");
  const messageId = parseMessageIds(
    headerValue(headers, "Message-ID") ?? headerValue(headers, "Message-Id"),
  )[0];
  const inReplyTo = parseMessageIds(headerValue(headers, "In-Reply-To"))[0];
  const references = parseMessageIds(headerValue(headers, "References"));
  if (inReplyTo && !references.includes(inReplyTo)) references.push(inReplyTo);
  const to = parseAddressList(headerValue(headers, "To")).map((a) => a.address.toLowerCase());
  const cc = parseAddressList(headerValue(headers, "Cc")).map((a) => a.address.toLowerCase());

  const fresh = toNewText(body.text);
  const attachmentsLine = body.attachments.length > 0 ? `Attachments: ${body.attachments.join(", ")}` : "";
  const text = fresh || attachmentsLine;

  const meta: ItemMeta = {};
  if (messageId) meta.messageId = messageId;
  if (inReplyTo) meta.inReplyTo = inReplyTo;
  if (references.length > 0) meta.references = references;
  if (subject) meta.subject = subject;
  meta.from = header("From") ?? sender.address;
  meta.to = to;
  meta.cc = cc;
  if (bot) meta.isBot = true;
  meta.senderVerified = trust.verified;
  meta.senderCheck = trust.check;
  if (body.attachments.length > 0) meta.attachments = body.attachments;
  if (message.labelIds && message.labelIds.length > 0) meta.labels = message.labelIds;
  const full: { [key: string]: JsonValue } = {
    text: body.text,
    html: body.html === null ? null : sanitizeEmailHtml(body.html),
  };
  meta.body = full;

  return {
    item: {
      externalId: message.id,
      kind: "email",
      author: { source: "gmail", externalId: authorId },
      at: message.internalDate,
      text,
      url: toGmailUrl(mailbox, message.threadId),
      threadId: message.threadId,
      meta,
      parentTaskKey: null,
      editedAt: null,
      // The mailbox's owner read it too, even when Bcc'd (no header names them then).
      audience: toEmailAudience({ from: address, to: mailbox.includes("@") ? [...to, mailbox] : to, cc }),
    },
    identity: {
      source: "gmail",
      externalId: authorId,
      displayName: sender.name,
      email: trust.verified ? address : null,
      isGuest: false,
      isBot: bot,
    },
  };
}

/** One raw record to model records. Throws on a record type it does not know or a message it cannot read. */
export function mapGmailRecord(record: RawRecord): Mapped {
  if (record.type !== "message") throw new Error(`unknown Gmail record type "${record.type}"`);
  const parsed = parseMessage(record);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `a Gmail message Threadline cannot read: ${issue ? `${issue.path.join(".")} ${issue.message}` : "unexpected shape"}`,
    );
  }
  const body = readMessageBody(parsed.data.payload);
  if (leftOutBecause(parsed.data, body) !== null) return {};
  const { item, identity } = toItem(parsed.data, body, record.context?.mailbox ?? "me");
  return { items: [item], identities: [identity] };
}

/** What the pull logs about a record: whether it is left out (and why), and what it loses on the way. */
export interface GmailInspection {
  /** Set when the record is not an item. */
  skip: string | null;
  /** Whether skipping is expected (drafts, spam) rather than something broken. */
  expected: boolean;
  notes: string[];
}

/** Pure, so the pull can log what `map` will do. */
export function inspectGmailRecord(record: RawRecord): GmailInspection {
  const parsed = parseMessage(record);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      skip: `unreadable message (${issue ? `${issue.path.join(".") || "message"}: ${issue.message}` : "unexpected shape"}): skipped`,
      expected: false,
      notes: [],
    };
  }
  const body = readMessageBody(parsed.data.payload);
  const skip = leftOutBecause(parsed.data, body);
  const labels = parsed.data.labelIds ?? [];
  return {
    skip,
    expected: skip !== null && LEFT_OUT_LABELS.some((l) => labels.includes(l)),
    notes: skip === null ? body.problems : [],
  };
}
