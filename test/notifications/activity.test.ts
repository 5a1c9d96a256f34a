import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { createNotificationActivities } from '../../src/notifications/activities';
import { createNotifier } from '../../src/notifications/notifier';
import { storeDirectory } from '../../src/notifications/store-directory';
import { createSmtpTransport } from '../../src/notifications/transport';
import { importMechanismFile } from '../../src/store';
import { startSmtpCatcher, type SmtpCatcher } from '../helpers/smtp';
import { tempStore, testMechanism } from './fixtures';

let catcher: SmtpCatcher;
let env: Awaited<ReturnType<typeof tempStore>>;

beforeEach(async () => {
  catcher = await startSmtpCatcher();
  env = await tempStore();
  const mechanism = testMechanism();
  const file = {
    ...mechanism,
    projects: [{ id: 'mpiti-road', title: 'Mpiti road', pillar: 'econ', owner: 'road-owner', supervisor: 'road-boss' }],
  };
  await importMechanismFile(env.store, { text: JSON.stringify(file) });
});
afterEach(async () => {
  await catcher.close();
  await env.cleanup();
});

function activities() {
  const transport = createSmtpTransport(catcher.url, { timeoutMs: 5000 });
  const notifier = createNotifier({
    outbox: env.outbox,
    transport,
    directory: storeDirectory(env.store, env.dataDir),
    publicUrl: 'http://127.0.0.1:3000',
    mailFrom: 'secretariat@example.org',
    issueOwnerLink: (i) => env.store.ownerLinks.issue({ ...i, expiresAt: '2099-01-01T00:00:00Z' }),
  });
  return { ...createNotificationActivities(notifier), close: () => transport.close() };
}

const request = {
  workflowId: 'update:cn-ls:2026-Q1:mpiti-road',
  step: 'request',
  kind: 'request' as const,
  mechanismId: 'cn-ls',
  quarter: '2026-Q1',
  projectId: 'mpiti-road',
  to: ['road-owner'],
  params: { dueDate: '2026-03-13' },
};

describe('the sendNotification activity', () => {
  it('writes the request from the records: the project’s title and the owner’s address', async () => {
    const a = activities();
    const result = await a.sendNotification(request);
    a.close();
    expect(result.outcome).toBe('sent');
    expect(catcher.messages[0].envelope.to).toEqual(['roads@example.org']);
    expect(catcher.messages[0].parsed.subject).toBe(
      'Quarterly update requested: Mpiti road (China-Lesotho Coordination Mechanism, 2026-Q1)',
    );
  });

  it('writes to a Chinese-speaking owner with the mechanism’s, the project’s and the owner’s Chinese names from the mechanism file', async () => {
    const m = testMechanism();
    const file = {
      ...m,
      name: { en: m.name, zh: '中国—莱索托双边合作协调机制' },
      contacts: m.contacts.map((c) =>
        c.id === 'solar-owner' ? { ...c, name: { en: 'Solar engineer', zh: '王工程师' } } : c,
      ),
      projects: [
        {
          id: 'ramarothole-solar',
          title: { en: 'Ramarothole solar power plant', zh: '马费腾光伏电站' },
          pillar: 'econ',
          owner: 'solar-owner',
        },
      ],
    };
    await importMechanismFile(env.store, { text: JSON.stringify(file) });
    const a = activities();
    const result = await a.sendNotification({
      ...request,
      workflowId: 'update:cn-ls:2026-Q1:ramarothole-solar',
      projectId: 'ramarothole-solar',
      to: ['solar-owner'],
    });
    a.close();
    expect(result.outcome).toBe('sent');
    const mail = catcher.messages[0].parsed;
    expect(mail.subject).toBe('请提交季度进展：马费腾光伏电站（中国—莱索托双边合作协调机制 2026-Q1）');
    expect(mail.text).toContain('尊敬的王工程师：');
    expect(mail.text).not.toContain('Coordination Mechanism');
  });

  it('attaches the PDF of the archived agenda and of the report to the invitation', async () => {
    const archive = async (kind: 'agenda' | 'report', format: 'pdf' | 'docx', text: string) => {
      const content = Buffer.from(text);
      const rel = `archive/cn-ls/2026-Q1/${kind}/v1/${kind}.${format}`;
      fs.mkdirSync(path.dirname(path.join(env.dataDir, rel)), { recursive: true });
      fs.writeFileSync(path.join(env.dataDir, rel), content);
      return env.store.documents.record({
        mechanismId: 'cn-ls',
        quarter: '2026-Q1',
        kind,
        version: 1,
        format,
        path: rel,
        sha256: createHash('sha256').update(content).digest('hex'),
        bytes: content.length,
      });
    };
    const agendaPdf = await archive('agenda', 'pdf', '%PDF-1.4 agenda of the session');
    const agendaDocx = await archive('agenda', 'docx', 'PK agenda docx');
    await archive('report', 'pdf', '%PDF-1.4 progress report');
    await archive('report', 'docx', 'PK report docx');
    const a = activities();
    await a.sendNotification({
      workflowId: 'cycle:cn-ls:2026-Q1',
      step: 'invitation-s1',
      kind: 'invitation',
      mechanismId: 'cn-ls',
      quarter: '2026-Q1',
      to: ['chair-ls'],
      params: {
        startsAt: '2026-04-02T08:00:00Z',
        sequence: 1,
        durationMinutes: 120,
        agendaDocumentIds: [agendaDocx.id, agendaPdf.id],
        reportVersion: 1,
      },
    });
    a.close();
    const files = catcher.messages[0].parsed.attachments.filter((x) => x.contentType === 'application/pdf');
    expect(files.map((f) => [f.filename, f.content.toString()])).toEqual([
      ['agenda-cn-ls-2026-Q1-v1.pdf', '%PDF-1.4 agenda of the session'],
      ['report-cn-ls-2026-Q1-v1.pdf', '%PDF-1.4 progress report'],
    ]);
    expect(catcher.messages[0].parsed.attachments.some((x) => x.filename?.endsWith('.docx'))).toBe(false);
  });

  it('fails retryably when the mail server says "try again later", so Temporal retries with back-off', async () => {
    catcher.failNext(1, 421);
    const a = activities();
    const err = await a.sendNotification(request).catch((e: unknown) => e);
    a.close();
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'TransientDelivery', nonRetryable: false });
  });

  it('fails for good, as "Undeliverable", when no recipient can be written to', async () => {
    catcher.rejectRecipient('roads@example.org', 550);
    const a = activities();
    const err = await a.sendNotification(request).catch((e: unknown) => e);
    a.close();
    expect(err).toMatchObject({ type: 'Undeliverable', nonRetryable: true });
    expect(catcher.messages).toHaveLength(0);
  });
});
