import { spawn } from 'node:child_process';
import path from 'node:path';
import { startSmtpCatcher, type SmtpCatcher } from '../helpers/smtp';
import { crashRequest } from './crash-request';
import { DEFAULT_LEASE_MS } from '../../src/store/outbox';
import { notifierFor, tempStore, testMechanism } from './fixtures';

let catcher: SmtpCatcher;
let env: Awaited<ReturnType<typeof tempStore>>;

beforeEach(async () => {
  catcher = await startSmtpCatcher();
  env = await tempStore();
});
afterEach(async () => {
  await catcher.close();
  await env.cleanup();
});

function runChild(): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', path.join(__dirname, 'crash-child.ts'), env.dataDir, catcher.url],
      {
        cwd: path.join(__dirname, '..', '..'),
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
}

describe('a worker killed while sending', () => {
  it('sends at most one duplicate, with the same Message-ID, when the worker dies after the server accepted the email', async () => {
    const child = await runChild();
    expect(child.stderr).toBe('');
    expect(child.signal).toBe('SIGKILL');
    expect(catcher.messages).toHaveLength(1);
    const [row] = await env.outbox.list();
    expect(row).toMatchObject({ status: 'sending', attempts: 1 });

    // A retry while the dead worker's lease still runs sends nothing (it may still be sending, for all we know).
    const early = notifierFor(env.store, env.outbox, catcher.url, testMechanism());
    await expect(early.notifier.send(crashRequest)).rejects.toThrow('being sent by another attempt');
    early.transport.close();
    expect(catcher.messages).toHaveLength(1);

    // Temporal retries after its back-off, on another worker, once that lease has run out: the row is still
    // "sending", so the outcome is unknown and the message goes again with the same Message-ID.
    const later = () => new Date(Date.now() + DEFAULT_LEASE_MS + 1000);
    const { notifier, transport } = notifierFor(env.store, env.outbox, catcher.url, testMechanism(), { now: later });
    const result = await notifier.send(crashRequest);
    const again = await notifier.send(crashRequest);
    transport.close();

    expect(catcher.messages).toHaveLength(2);
    expect(catcher.messages[1].messageId).toBe(catcher.messages[0].messageId);
    expect(catcher.messages[1].parsed.text).toBe(catcher.messages[0].parsed.text); // same link, same words
    expect(result.messageIds).toEqual([catcher.messages[0].messageId]);
    expect(again).toEqual(result);
    expect(await env.outbox.get(row.id)).toMatchObject({ status: 'sent', attempts: 2 });
  });
});
