/**
 * The relay accepted an email while the records' PostgreSQL was down (crashed, restarting): the notifier records the
 * acceptance once the database is back, instead of failing the step, whose retry would send the email a second time.
 */
import { createOutboxRepository } from '../../src/store/outbox';
import { acquirePostgres, type PostgresServer } from '../helpers/postgres';
import { startSmtpCatcher, type SmtpCatcher } from '../helpers/smtp';
import { createPostgresTestStore, type TestStore } from '../helpers/store';
import { notifierFor, testMechanism } from './fixtures';

let postgres: { server: PostgresServer; release: () => Promise<void> };
let catcher: SmtpCatcher;
let store: TestStore;

beforeAll(async () => {
  // The file's own server (the helper's shared one, held here so that the test can crash and restart it).
  postgres = await acquirePostgres();
  store = await createPostgresTestStore();
  // A relay that answers 250 a second after the end of DATA: the database goes down inside that second.
  catcher = await startSmtpCatcher({ answerDataAfterMs: 1000 });
}, 60_000);

afterAll(async () => {
  await catcher?.close();
  await store?.close();
  await postgres?.release();
});

it('records an email the relay accepted while PostgreSQL was down once it is back, and sends it once', async () => {
  const outbox = createOutboxRepository(store.db);
  const { notifier, transport } = notifierFor(store, outbox, catcher.url, testMechanism());
  const sending = notifier.send({
    workflowId: 'update:cn-ls:2026-Q1:mpiti-road',
    step: 'request',
    kind: 'request',
    params: { dueDate: '2026-03-13' },
    mechanismId: 'cn-ls',
    quarter: '2026-Q1',
    projectId: 'mpiti-road',
    to: ['road-owner'],
  });
  await catcher.waitFor((messages) => messages.length === 1, 20_000);
  // The message is at the relay, its 250 not yet answered: PostgreSQL crashes and stays down for 3 s.
  const t0 = Date.now();
  await postgres.server.restart({ downForMs: 3000 });
  const downMs = Date.now() - t0;
  const result = await sending;
  transport.close();
  process.stdout.write(
    `[outage] PostgreSQL down ${downMs} ms; the send recorded after it; messages at the relay: ${catcher.messages.length}\n`,
  );
  expect(downMs).toBeGreaterThanOrEqual(3000);
  expect(result.outcome).toBe('sent');
  expect(catcher.messages).toHaveLength(1);
  expect(catcher.messages[0].acknowledged).toBe(true);
  const [row] = await outbox.list();
  expect(row).toMatchObject({ status: 'sent', attempts: 1, messageId: catcher.messages[0].messageId });
}, 60_000);
