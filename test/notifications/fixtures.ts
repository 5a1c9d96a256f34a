import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Mechanism } from '../../src/domain';
import type { Directory } from '../../src/notifications/directory';
import { createNotifier, type NotifierDeps } from '../../src/notifications/notifier';
import { createLocalTransport, createSmtpTransport, type MailTransport } from '../../src/notifications/transport';
import { openStore, type Store } from '../../src/store';
import { createOutboxRepository, type OutboxRepository } from '../../src/store/outbox';

/** A small China-Lesotho mechanism with owners in both languages and two secretariat officers. */
export function testMechanism(extraContacts = 0): Mechanism {
  return Mechanism.parse({
    id: 'cn-ls',
    name: 'China-Lesotho Coordination Mechanism',
    timeZone: 'Africa/Maseru',
    languages: ['en', 'zh'],
    sides: [
      { id: 'ls', name: 'Lesotho', secretariat: ['sec-ls'], chair: 'chair-ls' },
      { id: 'cn', name: 'China', secretariat: ['sec-cn'], chair: 'chair-cn' },
    ],
    pillars: [{ id: 'econ', name: 'Economic transformation' }],
    venue: 'Ministry of Foreign Affairs, Maseru',
    contacts: [
      { id: 'sec-ls', name: 'Lesotho Secretariat', email: 'secretariat.ls@example.org', side: 'ls' },
      {
        id: 'sec-cn',
        name: '中方秘书处',
        email: 'secretariat.cn@example.org',
        side: 'cn',
        language: 'zh',
        timeZone: 'Asia/Shanghai',
      },
      { id: 'chair-ls', name: 'Principal Secretary', email: 'ps@example.org', side: 'ls' },
      {
        id: 'chair-cn',
        name: '大使',
        email: 'ambassador@example.org',
        side: 'cn',
        language: 'zh',
        timeZone: 'Asia/Shanghai',
      },
      { id: 'road-owner', name: 'Road <Agency> & "Partners"', email: 'roads@example.org', side: 'ls' },
      { id: 'road-boss', name: 'Director of Roads', email: 'director.roads@example.org', side: 'ls' },
      {
        id: 'solar-owner',
        name: '王工程师',
        email: 'solar@example.org',
        side: 'cn',
        language: 'zh',
        timeZone: 'Asia/Shanghai',
      },
      ...Array.from({ length: extraContacts }, (_, i) => ({
        id: `owner-${i}`,
        name: `Owner ${i}`,
        email: `owner-${i}@example.org`,
      })),
    ],
  });
}

/** An in-memory directory over the test mechanism (the records store's directory is tested elsewhere). */
export function testDirectory(
  mechanism: Mechanism,
  documents: Record<string, { filename: string; contentType: string; content: Buffer }> = {},
): Directory {
  return {
    mechanism: async (id) => (id === mechanism.id ? mechanism : undefined),
    project: async (_m, projectId) =>
      ({
        'mpiti-road': { title: 'Mpiti–Sehlabathebe road <phase 2>', owner: 'road-owner', supervisor: 'road-boss' },
        'solar-plant': { title: '光伏电站', owner: 'solar-owner' },
      })[projectId],
    openActionItems: async (_m, contactId) =>
      contactId === 'road-owner' ? [{ title: 'Share the revised works schedule', dueDate: '2026-03-20' }] : [],
    actionItem: async () => ({ title: 'Share the revised works schedule', dueDate: '2026-03-20' }),
    document: async (id) => {
      const d = documents[id];
      return d ? { filename: d.filename, contentType: d.contentType, read: async () => d.content } : undefined;
    },
  };
}

/** A fresh records store (SQLite in a temporary folder) with the outbox migration applied. */
export async function tempStore(): Promise<{
  store: Store;
  outbox: OutboxRepository;
  dataDir: string;
  cleanup(): Promise<void>;
}> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'coord-notif-'));
  const store = await openStore({ dataDir });
  return {
    store,
    outbox: createOutboxRepository(store.db),
    dataDir,
    async cleanup() {
      await store.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A notifier wired to a real store and either a real SMTP server (url) or the local outbox. */
export function notifierFor(
  store: Store,
  outbox: OutboxRepository,
  smtpUrl: string | undefined,
  mechanism: Mechanism,
  extra: Partial<NotifierDeps> = {},
): { notifier: ReturnType<typeof createNotifier>; transport: MailTransport } {
  const transport = smtpUrl ? createSmtpTransport(smtpUrl, { timeoutMs: 5000 }) : createLocalTransport();
  const notifier = createNotifier({
    outbox,
    transport,
    directory: testDirectory(mechanism),
    publicUrl: 'http://127.0.0.1:3000',
    mailFrom: 'Coordination Secretariat <secretariat@example.org>',
    issueOwnerLink: (i) => store.ownerLinks.issue({ ...i, expiresAt: '2099-01-01T00:00:00Z' }),
    ...extra,
  });
  return { notifier, transport };
}

/** The first invitation step of the test mechanism's 2026-Q1 session, to `to`. */
export const invitation = (to: string[]) => ({
  workflowId: 'cycle:cn-ls:2026-Q1',
  step: 'invitation-s1',
  kind: 'invitation' as const,
  mechanismId: 'cn-ls',
  quarter: '2026-Q1',
  to,
  params: {
    startsAt: '2026-04-02T08:00:00Z',
    durationMinutes: 120,
    sequence: 1,
    agendaDocumentIds: [],
    reportVersion: 0,
  },
});
