/** A real SMTP server for the tests (the smtp-server package), keeping what arrives parsed by mailparser. */
import type { AddressInfo } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";

export interface Received {
  envelopeTo: string[];
  envelopeFrom: string;
  /** Whether the session was encrypted when the message came (STARTTLS or smtps). */
  secure: boolean;
  user: string | undefined;
  raw: string;
  mail: ParsedMail;
}

export interface TestSmtp {
  port: number;
  /** `smtp://` or `smtps://` with the credentials, and the test certificate accepted. */
  url: string;
  received: Received[];
  /** Recipients (RCPT TO) to refuse: address → SMTP status (451 tries again later, 550 for good). */
  refuse: Map<string, number>;
  close(): Promise<void>;
}

export async function startTestSmtp(options: {
  tls: "starttls" | "implicit" | "none";
  auth?: { user: string; pass: string };
  /** Time the server takes to accept each message, to make runs overlap. */
  delayMs?: number;
  /** For `tls: "none"`: leave `requireTLS=false` out of the URL, as a user who expects TLS would. */
  urlRequiresTls?: boolean;
}): Promise<TestSmtp> {
  const received: Received[] = [];
  const refuse = new Map<string, number>();
  const serverOptions: SMTPServerOptions = {
    secure: options.tls === "implicit",
    disabledCommands: options.tls === "none" ? ["STARTTLS"] : [],
    authOptional: !options.auth,
    allowInsecureAuth: options.tls === "none",
    logger: false,
    onAuth(auth, _session, callback) {
      if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass) {
        callback(null, { user: auth.username });
      } else callback(Object.assign(new Error("Invalid username or password"), { responseCode: 535 }));
    },
    onRcptTo(address, _session, callback) {
      const code = refuse.get(address.address.toLowerCase());
      if (code) callback(Object.assign(new Error(`Mailbox unavailable (${code})`), { responseCode: code }));
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", async () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const mail = await simpleParser(raw);
        if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
        received.push({
          envelopeTo: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
          envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          secure: session.secure,
          user: typeof session.user === "string" ? session.user : undefined,
          raw,
          mail,
        });
        callback();
      });
    },
  };
  const server = new SMTPServer(serverOptions);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  const scheme = options.tls === "implicit" ? "smtps" : "smtp";
  const credentials = options.auth ? `${options.auth.user}:${encodeURIComponent(options.auth.pass)}@` : "";
  // The server's certificate is smtp-server's own self-signed one.
  // A server without STARTTLS is reached only when the URL says plain text is meant (`requireTLS=false`).
  const plain = options.tls === "none" && !options.urlRequiresTls ? "&requireTLS=false" : "";
  const url = `${scheme}://${credentials}127.0.0.1:${port}/?tls.rejectUnauthorized=false${plain}`;
  return {
    port,
    url,
    received,
    refuse,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
