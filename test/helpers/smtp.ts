import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

/** One message the catcher accepted (250 after DATA), or recorded before dropping the connection. */
export interface CaughtMessage {
  raw: Buffer;
  parsed: ParsedMail;
  envelope: { from: string; to: string[] };
  messageId: string;
  /** False when the catcher dropped the connection after DATA instead of answering 250. */
  acknowledged: boolean;
}

/** Options of the catcher: authentication, STARTTLS, and what to do on each message. */
export interface CatcherOptions {
  /** Require AUTH PLAIN/LOGIN with these credentials. */
  auth?: { user: string; pass: string };
  /** Offer STARTTLS (smtp-server's built-in self-signed certificate). */
  starttls?: boolean;
  /** A slow relay: wait this long after the end of DATA before answering 250 (the message is recorded at once). */
  answerDataAfterMs?: number;
  /** Called after each acknowledged message (e.g. to take the server down mid fan-out). */
  onMessage?(message: CaughtMessage, catcher: SmtpCatcher): void;
}

/**
 * A real SMTP server on 127.0.0.1 (smtp-server) that parses every message it receives (mailparser),
 * with fault injection: temporary replies, permanent rejections per recipient, going down and coming
 * back on the same port, and dropping the connection after DATA without answering.
 */
export interface SmtpCatcher {
  readonly port: number;
  /** `smtp://127.0.0.1:<port>` (plus credentials when auth is on). */
  readonly url: string;
  readonly messages: CaughtMessage[];
  /** Answer the next `count` MAIL FROM commands with this temporary code (default 451). */
  failNext(count?: number, code?: number): void;
  /** Answer RCPT TO for this address with a permanent code (default 550). */
  rejectRecipient(address: string, code?: number): void;
  /** Record the next `count` messages, then drop the connection instead of answering 250. */
  dropAfterData(count?: number): void;
  /** Answer nothing to MAIL FROM until `release()` (a relay that hangs): clients wait, or time out. */
  hold(): void;
  /** Answer every held MAIL FROM (and the ones after it) again. */
  release(): void;
  /** How many MAIL FROM commands wait for an answer now. */
  readonly held: number;
  /** Stop listening (connection refused) and answer 421 on open connections. */
  down(): Promise<void>;
  /** Listen again on the same port. */
  up(): Promise<void>;
  readonly isUp: boolean;
  /** Resolves when `predicate` holds, checking after each message; rejects after `timeoutMs`. */
  waitFor(predicate: (messages: CaughtMessage[]) => boolean, timeoutMs?: number): Promise<void>;
  /** Messages whose Message-ID is this one. */
  byMessageId(messageId: string): CaughtMessage[];
  close(): Promise<void>;
}

/** Starts a catcher on a free port of 127.0.0.1. */
export async function startSmtpCatcher(options: CatcherOptions = {}): Promise<SmtpCatcher> {
  const messages: CaughtMessage[] = [];
  const waiters = new Set<() => void>();
  let failures: { count: number; code: number } = { count: 0, code: 451 };
  const rejected = new Map<string, number>();
  let drops = 0;
  let holding: (() => void)[] | undefined;
  let server: SMTPServer | undefined;
  let port = 0;

  const smtpError = (code: number, text: string) => Object.assign(new Error(text), { responseCode: code });

  const serverOptions = (): SMTPServerOptions => ({
    authOptional: !options.auth,
    allowInsecureAuth: true,
    disabledCommands: options.starttls ? [] : ['STARTTLS'],
    hideSTARTTLS: !options.starttls,
    logger: false,
    closeTimeout: 100,
    size: 25 * 1024 * 1024,
    onAuth(auth, _session, cb) {
      if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass)
        return cb(null, { user: auth.username });
      return cb(smtpError(535, 'Authentication credentials invalid'));
    },
    onMailFrom(_address, _session, cb) {
      if (holding) {
        holding.push(() => cb());
        return;
      }
      if (failures.count > 0) {
        failures.count -= 1;
        return cb(smtpError(failures.code, 'Try again later (injected)'));
      }
      cb();
    },
    onRcptTo(address, _session, cb) {
      const code = rejected.get(address.address.toLowerCase());
      if (code) return cb(smtpError(code, `Mailbox unavailable: ${address.address} (injected)`));
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const drop = drops > 0;
        if (drop) drops -= 1;
        void simpleParser(raw).then(
          (parsed) => {
            const message: CaughtMessage = {
              raw,
              parsed,
              envelope: {
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                to: session.envelope.rcptTo.map((r) => r.address),
              },
              messageId: parsed.messageId ?? '',
              acknowledged: !drop,
            };
            messages.push(message);
            if (drop) {
              // Find this session's connection and cut it: the client never learns whether we took the message.
              for (const c of (
                server as unknown as { connections: Set<{ session?: { id?: string }; _socket: { destroy(): void } }> }
              ).connections) {
                if (c.session?.id === session.id) c._socket.destroy();
              }
            } else if (options.answerDataAfterMs) {
              setTimeout(() => {
                cb();
                options.onMessage?.(message, catcher);
              }, options.answerDataAfterMs);
            } else {
              cb();
              options.onMessage?.(message, catcher);
            }
            for (const w of [...waiters]) w();
          },
          (err: Error) => cb(err),
        );
      });
    },
  });

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = new SMTPServer(serverOptions());
      s.on('error', () => undefined); // client resets are expected in fault tests
      s.server.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        port = (s.server.address() as AddressInfo).port;
        server = s;
        resolve();
      });
    });
  await listen();

  const catcher: SmtpCatcher = {
    get port() {
      return port;
    },
    get url() {
      const auth = options.auth
        ? `${encodeURIComponent(options.auth.user)}:${encodeURIComponent(options.auth.pass)}@`
        : '';
      return `smtp://${auth}127.0.0.1:${port}${options.starttls ? '?rejectUnauthorized=false' : ''}`;
    },
    messages,
    failNext(count = 1, code = 451) {
      failures = { count, code };
    },
    rejectRecipient(address, code = 550) {
      rejected.set(address.toLowerCase(), code);
    },
    dropAfterData(count = 1) {
      drops = count;
    },
    hold() {
      holding ??= [];
    },
    release() {
      const waiting = holding ?? [];
      holding = undefined;
      for (const answer of waiting) answer();
    },
    get held() {
      return holding?.length ?? 0;
    },
    get isUp() {
      return server !== undefined;
    },
    async down() {
      const s = server;
      server = undefined;
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    async up() {
      if (!server) await listen();
    },
    waitFor(predicate, timeoutMs = 20_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (predicate(messages)) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(`SMTP catcher: condition not met within ${timeoutMs} ms (${messages.length} messages received)`),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    byMessageId(messageId) {
      return messages.filter((m) => m.messageId === messageId);
    },
    close() {
      return catcher.down();
    },
  };
  return catcher;
}
