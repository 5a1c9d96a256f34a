import { TransientDeliveryError } from '../../src/notifications/errors';
import type { NotificationContent, NotificationRequest, StepAddress } from '../../src/notifications/request';
import { startSmtpCatcher, type SmtpCatcher } from '../helpers/smtp';
import { notifierFor, tempStore, testMechanism } from './fixtures';

let catcher: SmtpCatcher;
let env: Awaited<ReturnType<typeof tempStore>>;

beforeEach(async () => {
  env = await tempStore();
});
afterEach(async () => {
  await catcher.close();
  await env.cleanup();
});

const request = (
  over: Partial<StepAddress> = {},
  content: NotificationContent = { kind: 'request', params: { dueDate: '2026-03-13' } },
): NotificationRequest => ({
  workflowId: 'update:cn-ls:2026-Q1:mpiti-road',
  step: 'request',
  mechanismId: 'cn-ls',
  quarter: '2026-Q1',
  projectId: 'mpiti-road',
  to: ['road-owner'],
  ...over,
  ...content,
});

/** What Temporal does for a retryable activity failure, without the back-off wait: try again, a bounded number of times. */
async function withRetries<T>(attempt: () => Promise<T>, max = 10): Promise<{ result: T; failures: number }> {
  for (let failures = 0; ; failures++) {
    try {
      return { result: await attempt(), failures };
    } catch (err) {
      if (!(err instanceof TransientDeliveryError) || failures + 1 >= max) throw err;
    }
  }
}

describe('mail server faults', () => {
  it('delivers once when the server first answers 451 "try again later" and then accepts', async () => {
    catcher = await startSmtpCatcher();
    catcher.failNext(1, 451);
    const { notifier, transport } = notifierFor(env.store, env.outbox, catcher.url, testMechanism());
    await expect(notifier.send(request())).rejects.toThrow(TransientDeliveryError);
    const row = (await env.outbox.list())[0];
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row.lastError).toContain('451');
    const result = await notifier.send(request());
    transport.close();
    expect(result.outcome).toBe('sent');
    expect(catcher.messages).toHaveLength(1);
    expect(await env.outbox.get(row.id)).toMatchObject({ status: 'sent', attempts: 2 });
    expect((await env.outbox.get(row.id))!.smtpResponse).toMatch(/^250/);
  });

  it('marks only the rejected recipient undeliverable, delivers to the others, and tells the secretariat', async () => {
    catcher = await startSmtpCatcher();
    catcher.rejectRecipient('director.roads@example.org', 550);
    const { notifier, transport } = notifierFor(env.store, env.outbox, catcher.url, testMechanism());
    const minutes = request(
      { step: 'minutes', to: ['road-owner', 'road-boss', 'solar-owner'] },
      { kind: 'minutes', params: { documentIds: [] } },
    );
    const result = await notifier.send(minutes);
    // A retry of the same step changes nothing: no second copies.
    const again = await notifier.send(minutes);
    expect(result.outcome).toBe('sent');
    expect(result.undeliverable).toEqual(['road-boss']);
    expect(result.messageIds).toHaveLength(2);
    expect(again).toEqual(result);
    expect(catcher.messages.map((m) => m.envelope.to[0]).sort()).toEqual(['roads@example.org', 'solar@example.org']);
    expect((await env.outbox.list({ status: 'undeliverable' })).map((r) => [r.recipientId, r.lastError])).toEqual([
      ['road-boss', expect.stringContaining('550')],
    ]);

    // What the workflow's notify() does next: a step of its own telling the secretariat.
    await notifier.send({
      ...minutes,
      step: 'minutes:undeliverable',
      kind: 'undeliverable',
      to: ['sec-ls', 'sec-cn'],
      params: { failedStep: 'minutes', failedKind: 'minutes', recipients: result.undeliverable! },
    });
    transport.close();
    const notices = catcher.messages.slice(2);
    expect(notices.map((m) => m.envelope.to[0]).sort()).toEqual([
      'secretariat.cn@example.org',
      'secretariat.ls@example.org',
    ]);
    const en = notices.find((m) => m.envelope.to[0] === 'secretariat.ls@example.org')!;
    expect(en.parsed.subject).toBe('Undeliverable: Minutes: China-Lesotho Coordination Mechanism session, 2026-Q1');
    expect(en.parsed.text).toMatch(
      /Director of Roads <director\.roads@example\.org>: 550 .*director\.roads@example\.org/,
    );
    const zh = notices.find((m) => m.envelope.to[0] === 'secretariat.cn@example.org')!;
    expect(zh.parsed.subject).toContain('邮件无法送达');
  });

  it('does not send to a contact whose address is not an email address, and tells the secretariat', async () => {
    catcher = await startSmtpCatcher();
    const mechanism = testMechanism();
    mechanism.contacts.find((c) => c.id === 'road-owner')!.email = 'not-an-address';
    const { notifier, transport } = notifierFor(env.store, env.outbox, catcher.url, mechanism, {
      tellSecretariat: true,
    });
    const result = await notifier.send(request());
    transport.close();
    expect(result).toEqual({ outcome: 'undeliverable', messageIds: [], undeliverable: ['road-owner'] });
    expect(catcher.messages[0].parsed.text).toContain('invalid address for contact road-owner');
    expect(catcher.messages.map((m) => m.envelope.to[0]).sort()).toEqual([
      'secretariat.cn@example.org',
      'secretariat.ls@example.org',
    ]);
  });

  it('delivers each of 200 requests exactly once when the server goes down in the middle of the fan-out and comes back', async () => {
    let downAt = -1;
    catcher = await startSmtpCatcher({
      onMessage: (_m, c) => {
        if (c.messages.length === 60 && downAt < 0) {
          downAt = c.messages.length;
          void c.down();
        }
      },
    });
    const mechanism = testMechanism(200);
    const { notifier, transport } = notifierFor(env.store, env.outbox, catcher.url, mechanism);
    const steps = Array.from({ length: 200 }, (_, i) =>
      request({ workflowId: `update:cn-ls:2026-Q1:p-${i}`, projectId: `p-${i}`, to: [`owner-${i}`] }),
    );
    const first = await Promise.allSettled(steps.map((s) => notifier.send(s)));
    const failed = steps.filter((_, i) => first[i].status === 'rejected');
    expect(downAt).toBe(60);
    expect(failed.length).toBeGreaterThan(0);
    await catcher.up();
    let retries = 0;
    for (const step of failed) retries += (await withRetries(() => notifier.send(step))).failures;
    transport.close();
    const ids = new Set(catcher.messages.map((m) => m.messageId));
    expect(ids.size).toBe(200);
    expect(catcher.messages).toHaveLength(200);
    expect(await env.outbox.countByStatus('cn-ls')).toEqual({ sent: 200 });
    expect(retries).toBeLessThan(failed.length * 3);
  });

  it('resends with the same Message-ID when the connection drops after the message was handed over', async () => {
    catcher = await startSmtpCatcher();
    catcher.dropAfterData(1);
    const { notifier, transport } = notifierFor(env.store, env.outbox, catcher.url, testMechanism());
    await expect(notifier.send(request())).rejects.toThrow(TransientDeliveryError);
    const result = await notifier.send(request());
    transport.close();
    expect(catcher.messages).toHaveLength(2);
    expect(catcher.messages[0].acknowledged).toBe(false);
    expect(catcher.messages[1].messageId).toBe(catcher.messages[0].messageId);
    expect(result.messageIds).toEqual([catcher.messages[0].messageId]);
    expect((await env.outbox.list())[0]).toMatchObject({ status: 'sent', attempts: 2 });
  });
});
