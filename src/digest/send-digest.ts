import nodemailer from "nodemailer";

/** One digest as a message. */
export interface DigestMessage {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** The team member the digest is for, which differs from `to` when `DIGEST_TO` redirects it. */
  recipient: string;
  day: string;
}

/** Where digests go: SMTP in production; tests may bring their own. */
export interface DigestMailer {
  send(message: DigestMessage): Promise<{ messageId: string | null }>;
  close(): void;
}

/** A send that failed: `permanent` when the server refused for good (5xx), so retrying now is pointless. */
export class DigestSendError extends Error {
  override name = "DigestSendError";
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

function toMailOptions(message: DigestMessage) {
  return {
    from: message.from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    html: message.html,
    headers: {
      // RFC 3834: vacation responders stay quiet, and Threadline's own Gmail sync reads it as automated.
      "Auto-Submitted": "auto-generated",
      "X-Threadline-Digest": `${message.recipient}; day=${message.day}`,
    },
  };
}

/**
 * Whether `smtp://` must upgrade with STARTTLS: yes, unless the URL itself says otherwise
 * (`?requireTLS=false`, `?ignoreTLS=true`). A digest names clients and quotes their mail, and a server that
 * does not offer STARTTLS (or an attacker who strips the offer) would otherwise get it in plain text.
 */
export function requiresStartTls(smtpUrl: string): boolean {
  let url: URL;
  try {
    url = new URL(smtpUrl);
  } catch {
    return true;
  }
  if (url.protocol !== "smtp:") return false;
  const says = ["requireTLS", "ignoreTLS", "opportunisticTLS"].some((key) => url.searchParams.has(key));
  return !says;
}

/**
 * A mailer over `SMTP_URL` (`smtp://` upgrades with STARTTLS and refuses a server that does not offer it,
 * unless the URL says `?requireTLS=false`; `smtps://` is TLS from the start; credentials in the URL). One
 * connection per message, so a server that drops a session fails one digest, not the rest.
 * https://nodemailer.com/smtp/
 */
export function createSmtpMailer(smtpUrl: string): DigestMailer {
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    ...(requiresStartTls(smtpUrl) ? { requireTLS: true } : {}),
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  });
  const secrets = secretsOf(smtpUrl);
  return {
    async send(message) {
      try {
        const info = await transport.sendMail(toMailOptions(message));
        return { messageId: typeof info.messageId === "string" ? info.messageId : null };
      } catch (err) {
        throw toSendError(err, secrets);
      }
    },
    close: () => transport.close(),
  };
}

/** The user name and password of an SMTP URL, to be blanked out of any message that echoes them. */
function secretsOf(smtpUrl: string): string[] {
  try {
    const url = new URL(smtpUrl);
    return [url.password, decodeURIComponent(url.password)].filter((s) => s.length >= 3);
  } catch {
    return [];
  }
}

const HINTS: Record<string, string> = {
  EAUTH: "check the credentials in SMTP_URL",
  ECONNECTION: "check the host and port of SMTP_URL",
  ETIMEDOUT: "check the host and port of SMTP_URL, and that the network lets SMTP out",
  ESOCKET: "check the host and port of SMTP_URL, and smtp:// against smtps://",
  EDNS: "check the host of SMTP_URL",
  ETLS: "TLS failed (or the server does not offer STARTTLS): check smtp:// against smtps:// and the server's certificate; ?requireTLS=false in SMTP_URL allows plain text",
  EENVELOPE: "the server refused a sender or recipient: check DIGEST_FROM and the recipient",
};

function toSendError(err: unknown, secrets: string[]): DigestSendError {
  const e = err as { message?: unknown; code?: unknown; responseCode?: unknown };
  const code = typeof e.code === "string" ? e.code : undefined;
  const status = typeof e.responseCode === "number" ? e.responseCode : undefined;
  let text = typeof e.message === "string" ? e.message : String(err);
  for (const s of secrets) text = text.split(s).join("***");
  const hint = code ? HINTS[code] : undefined;
  const permanent = status !== undefined && status >= 500 && status < 600;
  return new DigestSendError(`${code ? `${code} ` : ""}${text}${hint ? `: ${hint}` : ""}`, permanent);
}

/** The message as an RFC 5322 file (CRLF lines, multipart/alternative text + HTML), for `--out`. */
export async function toEml(message: DigestMessage): Promise<Buffer> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true });
  const info = await transport.sendMail(toMailOptions(message));
  // `buffer: true` answers a Buffer; the type also allows the stream of the unbuffered mode.
  if (!Buffer.isBuffer(info.message)) throw new Error("[threadline] [digest] nodemailer answered a stream");
  return info.message;
}
