/**
 * The draft reply Threadline saves on an email thread: an RFC 822 message built with nodemailer's
 * MailComposer. Gmail files a draft in a thread only when the draft names the thread (`threadId`), its
 * References and In-Reply-To follow RFC 2822, and its Subject matches the thread's
 * (https://developers.google.com/gmail/api/reference/rest/v1/users.messages#Message.FIELDS.thread_id), so the
 * reply takes all three from the message it answers. The action's id rides in a header of its own, which
 * nobody reading the mail sees and `find` looks for.
 */
import MailComposer from "nodemailer/lib/mail-composer";
import type { ItemMeta, WritePerson } from "../types.ts";

/** The header that carries the action's id. */
export const ACTION_HEADER = "X-Threadline-Action";

/** An unverified sender's identity (`unverified:<address>`) still has the address mail goes back to. */
const UNVERIFIED_PREFIX = "unverified:";

export interface DraftReply {
  /** The mailbox's own address. */
  from: string;
  to: Array<{ name: string; address: string }>;
  subject: string;
  inReplyTo: string | null;
  references: string[];
  text: string;
  actionId: string;
}

/** `Re: ` before a subject that has none yet (Gmail matches "Re: X" with the thread "X"). */
export function toReplySubject(subject: string | undefined): string {
  const s = (subject ?? "").trim();
  return /^re:/i.test(s) ? s : `Re: ${s}`.trimEnd();
}

/**
 * The draft's headers and recipients (pure): From the mailbox, To the people given (their Gmail identities,
 * whose external id is the address; others have no address to write to), In-Reply-To the answered message,
 * References its references and it.
 */
export function toDraftReply(
  from: string,
  meta: ItemMeta,
  people: readonly WritePerson[],
  text: string,
  actionId: string,
): DraftReply {
  const to = people
    .filter((p) => p.source === "gmail")
    .map((p) => ({
      name: p.name,
      address: p.externalId.startsWith(UNVERIFIED_PREFIX)
        ? p.externalId.slice(UNVERIFIED_PREFIX.length)
        : p.externalId,
    }));
  const parent = meta.messageId ?? null;
  const references = [...(meta.references ?? [])];
  if (parent && !references.includes(parent)) references.push(parent);
  return { from, to, subject: toReplySubject(meta.subject), inReplyTo: parent, references, text, actionId };
}

/** The RFC 822 message of a draft reply, base64url as Gmail's `message.raw` takes it. */
export async function toRawDraft(draft: DraftReply): Promise<string> {
  const message = new MailComposer({
    from: draft.from,
    to: draft.to.map((p) => (p.name ? { name: p.name, address: p.address } : p.address)),
    subject: draft.subject,
    text: draft.text,
    ...(draft.inReplyTo ? { inReplyTo: draft.inReplyTo } : {}),
    ...(draft.references.length > 0 ? { references: draft.references } : {}),
    headers: { [ACTION_HEADER]: draft.actionId },
  });
  const bytes = await message.compile().build();
  return Buffer.from(bytes).toString("base64url");
}
