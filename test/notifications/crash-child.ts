/**
 * Child process of the crash test: sends one request through the outbox with the fault flag set, so the
 * process SIGKILLs itself right after the SMTP server accepted the message (before the row is updated).
 * Usage: node -r ts-node/register/transpile-only crash-child.ts <dataDir> <smtpUrl>
 */
import { openStore } from '../../src/store';
import { createOutboxRepository } from '../../src/store/outbox';
import { notifierFor, testMechanism } from './fixtures';
import { crashRequest } from './crash-request';

async function main(): Promise<void> {
  const [dataDir, smtpUrl] = process.argv.slice(2);
  const store = await openStore({ dataDir });
  const { notifier } = notifierFor(store, createOutboxRepository(store.db), smtpUrl, testMechanism());
  await notifier.send(crashRequest);
  // Reaching this line means the fault flag did not fire.
  process.exit(3);
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});
