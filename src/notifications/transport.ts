import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import type Mail from 'nodemailer/lib/mailer';

/** One fully rendered email to one recipient, as handed to a transport. */
export interface OutgoingEmail {
  from: { name: string; address: string };
  to: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
  /** Deterministic, `<...@domain>`: the same on every resend of the same logical email. */
  messageId: string;
  ics?: { method: 'REQUEST' | 'CANCEL'; content: string };
  attachments: { filename: string; contentType: string; content: Buffer }[];
  language: string;
}

/** What the server said when it accepted the message. */
export interface SendReceipt {
  response: string;
}

/** A way to deliver email. `local` delivers nothing: messages stay in the outbox for the mailbox page. */
export interface MailTransport {
  readonly kind: 'smtp' | 'local';
  /** Sends one message; resolves when the server accepted it, rejects with the nodemailer error otherwise. */
  send(email: OutgoingEmail): Promise<SendReceipt>;
  /** Closes pooled connections. */
  close(): void;
}

/** The nodemailer message for an email: HTML + text alternatives, a `text/calendar` alternative with its METHOD, and the `.ics` also as an attachment. */
export function toNodemailerMessage(email: OutgoingEmail): Mail.Options {
  const attachments: Mail.Attachment[] = email.attachments.map((a) => ({
    filename: a.filename,
    contentType: a.contentType,
    content: a.content,
  }));
  const message: Mail.Options = {
    from: email.from,
    to: email.to,
    subject: email.subject,
    text: email.text,
    html: email.html,
    messageId: email.messageId,
    headers: { 'Content-Language': email.language === 'zh' ? 'zh-CN' : 'en' },
    attachments,
  };
  if (email.ics) {
    // Outlook reads the text/calendar alternative; Gmail and Apple Mail also look for an attached .ics.
    message.icalEvent = { method: email.ics.method, filename: 'invitation.ics', content: email.ics.content };
    attachments.push({
      filename: email.ics.method === 'CANCEL' ? 'cancellation.ics' : 'invitation.ics',
      contentType: `application/ics; method=${email.ics.method}`,
      content: email.ics.content,
    });
  }
  return message;
}

/** The raw RFC 5322 bytes of an email (the mailbox page's "download .eml"). */
export function composeRaw(email: OutgoingEmail): Promise<Buffer> {
  return new MailComposer(toNodemailerMessage(email)).compile().build();
}

/** Pool sizes of the SMTP transport; small by default because relays throttle parallel connections. */
export interface SmtpOptions {
  maxConnections?: number;
  maxMessages?: number;
  /** Socket/greeting timeouts in ms (nodemailer's defaults are minutes). */
  timeoutMs?: number;
}

/**
 * SMTP through nodemailer with pooled connections, from `SMTP_URL`:
 * `smtp://host:port` (STARTTLS when offered), `smtps://host:465` (TLS from the start),
 * `user:pass@` for AUTH (URL-encoded). Query options: `requireTLS=true`, `ignoreTLS=true`,
 * `rejectUnauthorized=false` (self-signed relays), `maxConnections=N`.
 */
export function createSmtpTransport(smtpUrl: string, options: SmtpOptions = {}): MailTransport {
  const url = new URL(smtpUrl);
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')
    throw new Error('SMTP_URL must start with smtp:// or smtps://');
  const q = url.searchParams;
  const secure = url.protocol === 'smtps:';
  const timeout = options.timeoutMs ?? 30_000;
  const transporter = nodemailer.createTransport({
    pool: true,
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    requireTLS: q.get('requireTLS') === 'true',
    ignoreTLS: q.get('ignoreTLS') === 'true',
    tls: { rejectUnauthorized: q.get('rejectUnauthorized') !== 'false' },
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    maxConnections: Number(q.get('maxConnections') ?? options.maxConnections ?? 5),
    maxMessages: options.maxMessages ?? 100,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  return {
    kind: 'smtp',
    async send(email) {
      const info = await transporter.sendMail(toNodemailerMessage(email));
      // One recipient per message: a rejected recipient makes nodemailer reject (EENVELOPE), so reaching here means accepted.
      return { response: String(info.response ?? '') };
    },
    close: () => transporter.close(),
  };
}

/** The embedded default when no SMTP is configured: nothing leaves the machine; the outbox is the mailbox. */
export function createLocalTransport(): MailTransport {
  return {
    kind: 'local',
    send: () => Promise.reject(new Error('the local transport keeps messages in the outbox; it does not send')),
    close: () => undefined,
  };
}

/** The transport for the configuration: SMTP when `SMTP_URL` is set, the local outbox otherwise. */
export function createTransport(config: { SMTP_URL?: string }): MailTransport {
  return config.SMTP_URL ? createSmtpTransport(config.SMTP_URL) : createLocalTransport();
}
