/**
 * Child process of the crash test: sends one request through the outbox over a transport that SIGKILLs the
 * process the moment the SMTP server has accepted the message, before the notifier can record it in the row.
 * This is the one crash window that cannot be produced from outside; the fault sits in the MailTransport the
 * notifier is given, the interface production uses, so nothing in src/ knows about it.
 * Usage: node -r ts-node/register/transpile-only crash-child.ts <dataDir> <smtpUrl>
 */
import { createSmtpTransport, type MailTransport } from '../../src/notifications';
import { openStore } from '../../src/store';
import { createOutboxRepository } from '../../src/store/outbox';
import { notifierFor, testMechanism } from './fixtures';
import { crashRequest } from './crash-request';

async function main(): Promise<void> {
  const [dataDir, smtpUrl] = process.argv.slice(2);
  const store = await openStore({ dataDir });
  const smtp = createSmtpTransport(smtpUrl, { timeoutMs: 5000 });
  const dyingAfterAccept: MailTransport = {
    kind: smtp.kind,
    async send(email) {
      await smtp.send(email);
      process.kill(process.pid, 'SIGKILL');
      throw new Error('unreachable: the process was killed');
    },
    close: () => smtp.close(),
  };
  const { notifier } = notifierFor(store, createOutboxRepository(store.db), undefined, testMechanism(), {
    transport: dyingAfterAccept,
  });
  await notifier.send(crashRequest);
  // Reaching this line means the dying transport was not used.
  process.exit(3);
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});
