/**
 * Poison input (issue 15, point 7): a name or title that cannot go into an email header reached the records by a path
 * that did not check it (imports refuse it now; see test/store/mechanism-file.test.ts). Retrying cannot fix such an
 * email, so the recipient is undeliverable at once with the reason, the others still get theirs, and a step nobody
 * can be written to fails for good (`Undeliverable`, non-retryable) instead of being retried for a day.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Mechanism } from '../../src/domain';
import type { Directory } from '../../src/notifications/directory';
import { createNotificationActivities } from '../../src/notifications/activities';
import { startSmtpCatcher, type SmtpCatcher } from '../helpers/smtp';
import { invitation, notifierFor, tempStore, testDirectory, testMechanism } from './fixtures';

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

/** The test mechanism with one contact's name replaced (the schema would refuse it; these records predate it). */
function withName(mechanism: Mechanism, contactId: string, name: string): Mechanism {
  return { ...mechanism, contacts: mechanism.contacts.map((c) => (c.id === contactId ? { ...c, name } : c)) };
}

function activitiesFor(mechanism: Mechanism, directory: Directory = testDirectory(mechanism)) {
  const { notifier, transport } = notifierFor(env.store, env.outbox, catcher.url, mechanism, { directory });
  return { ...createNotificationActivities(notifier), close: () => transport.close() };
}

describe('a name that cannot go into an email header', () => {
  it('leaves out only the attendee whose name has a line separator, with the reason, and sends everyone else their invitation once', async () => {
    const mechanism = withName(testMechanism(4), 'owner-2', 'Owner\u2028Bcc: someone@example.org');
    const a = activitiesFor(mechanism);
    const to = ['owner-0', 'owner-1', 'owner-2', 'owner-3'];
    try {
      const result = await a.sendNotification(invitation(to));
      expect(result).toMatchObject({ outcome: 'sent', undeliverable: ['owner-2'] });
      expect(result.messageIds).toHaveLength(3);
      // A retry of the step (the workflow's or Temporal's) sends nothing again and reports the same.
      expect(await a.sendNotification(invitation(to))).toMatchObject({ outcome: 'sent', undeliverable: ['owner-2'] });
    } finally {
      a.close();
    }
    expect(catcher.messages.map((m) => m.envelope.to[0]).sort()).toEqual([
      'owner-0@example.org',
      'owner-1@example.org',
      'owner-3@example.org',
    ]);
    const row = (await env.outbox.listForWorkflow('cycle:cn-ls:2026-Q1')).find((m) => m.recipientId === 'owner-2')!;
    expect(row.status).toBe('undeliverable');
    expect(row.lastError).toBe(
      'the email could not be written (rendering): recipient name must be a single line (no CR/LF): it contains a line separator (U+2028) at character 6, which cannot go into an email header',
    );
  });

  it('fails a step for good, as "Undeliverable", when its subject cannot be written for anyone, without sending or retrying', async () => {
    const mechanism = testMechanism();
    const directory: Directory = {
      ...testDirectory(mechanism),
      project: async () => ({ title: 'Mpiti road\u2029phase 2', owner: 'road-owner', supervisor: 'road-boss' }),
    };
    const a = activitiesFor(mechanism, directory);
    const request = {
      workflowId: 'update:cn-ls:2026-Q1:mpiti-road',
      step: 'request',
      kind: 'request' as const,
      mechanismId: 'cn-ls',
      quarter: '2026-Q1',
      projectId: 'mpiti-road',
      to: ['road-owner', 'road-boss'],
      params: { dueDate: '2026-03-13' },
    };
    try {
      const err = await a.sendNotification(request).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApplicationFailure);
      expect(err).toMatchObject({ type: 'Undeliverable', nonRetryable: true });
      expect((err as Error).message).toBe('undeliverable to road-owner, road-boss');
    } finally {
      a.close();
    }
    expect(catcher.messages).toHaveLength(0);
    const rows = await env.outbox.listForWorkflow(request.workflowId);
    expect(rows.map((r) => [r.recipientId, r.status]).sort()).toEqual([
      ['road-boss', 'undeliverable'],
      ['road-owner', 'undeliverable'],
    ]);
    expect(rows.find((r) => r.recipientId === 'road-owner')!.lastError).toContain(
      'subject must be a single line (no CR/LF): it contains a paragraph separator (U+2029)',
    );
  });

  it('tells the secretariat which step failed, for whom and why, in the notice the workflow sends', async () => {
    const mechanism = withName(testMechanism(), 'road-owner', 'Road\u2028Agency');
    const a = activitiesFor(mechanism);
    const request = {
      workflowId: 'update:cn-ls:2026-Q1:mpiti-road',
      step: 'reminder-1',
      kind: 'reminder' as const,
      mechanismId: 'cn-ls',
      quarter: '2026-Q1',
      projectId: 'mpiti-road',
      to: ['road-owner'],
      params: { dueDate: '2026-03-13' },
    };
    try {
      await expect(a.sendNotification(request)).rejects.toMatchObject({ type: 'Undeliverable', nonRetryable: true });
      // What `notify` in src/workflows/activities.ts sends next.
      await a.sendNotification({
        ...request,
        step: 'reminder-1:undeliverable',
        kind: 'undeliverable',
        to: ['sec-ls'],
        params: { failedStep: 'reminder-1', failedKind: 'reminder', recipients: ['road-owner'] },
      });
    } finally {
      a.close();
    }
    expect(catcher.messages).toHaveLength(1);
    const notice = catcher.messages[0].parsed;
    expect(notice.to).toMatchObject({ value: [{ address: 'secretariat.ls@example.org' }] });
    expect(notice.text).toContain('Step: reminder-1');
    expect(notice.text).toContain(
      'Road Agency <roads@example.org>: the email could not be written (rendering): recipient name must be a single line',
    );
    expect(notice.text).toContain('line separator (U+2028)');
  });
});
