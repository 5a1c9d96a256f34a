import ICAL from 'ical.js';
import { type Attachment, simpleParser } from 'mailparser';
import { TransientDeliveryError } from '../../src/notifications/errors';
import { rawMessageOf } from '../../src/notifications/mailbox';
import type { NotificationContent, NotificationRequest, StepAddress } from '../../src/notifications/request';
import { startSmtpCatcher, type SmtpCatcher } from '../helpers/smtp';
import { testDirectory, testMechanism, tempStore, notifierFor } from './fixtures';

const mechanism = testMechanism();
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

const dueOn13March = { dueDate: '2026-03-13' };
const request = (
  over: Partial<StepAddress> = {},
  content: NotificationContent = { kind: 'request', params: dueOn13March },
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

function calendarOf(attachments: Attachment[]) {
  const part = attachments.find((a) => a.contentType.startsWith('text/calendar'));
  if (!part) throw new Error('no text/calendar part');
  const cal = new ICAL.Component(ICAL.parse(part.content.toString('utf8')));
  for (const tz of cal.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(new ICAL.Timezone(tz));
  return { method: cal.getFirstPropertyValue('method'), event: new ICAL.Event(cal.getFirstSubcomponent('vevent')!) };
}

describe('emails over SMTP', () => {
  it('sends the owner an update request with both parts, the due date in their zone, their action items and a link that opens their form', async () => {
    const { notifier, transport } = notifierFor(env.store, env.outbox, catcher.url, mechanism);
    const result = await notifier.send(request());
    transport.close();
    expect(result.outcome).toBe('sent');
    expect(catcher.messages).toHaveLength(1);
    const m = catcher.messages[0];
    expect(m.envelope.to).toEqual(['roads@example.org']);
    expect(m.parsed.to && !Array.isArray(m.parsed.to) && m.parsed.to.value[0]).toMatchObject({
      address: 'roads@example.org',
      name: 'Road <Agency> & "Partners"',
    });
    expect(m.parsed.from?.value[0]).toMatchObject({
      address: 'secretariat@example.org',
      name: 'Coordination Secretariat',
    });
    expect(m.parsed.subject).toBe(
      'Quarterly update requested: Mpiti–Sehlabathebe road <phase 2> (China-Lesotho Coordination Mechanism, 2026-Q1)',
    );
    expect(m.messageId).toBe(result.messageIds[0]);
    expect(m.messageId).toMatch(/^<[0-9a-f]{32}@example\.org>$/);
    expect(m.parsed.text).toContain('Friday 13 March 2026, 23:59 (Africa/Maseru, UTC+2)');
    expect(m.parsed.text).toContain('Share the revised works schedule');
    expect(m.parsed.html).toContain('Mpiti–Sehlabathebe road &lt;phase 2>');
    expect(m.parsed.html).toContain('Dear Road &lt;Agency> &amp; &quot;Partners&quot;,');
    const link = /http:\/\/127\.0\.0\.1:3000\/u\/(\S+)/.exec(m.parsed.text ?? '');
    expect(link).not.toBeNull();
    expect(m.parsed.html).toContain(`href="${link![0]}"`);
    const binding = await env.store.ownerLinks.resolve(decodeURIComponent(link![1]));
    expect(binding).toMatchObject({
      mechanismId: 'cn-ls',
      quarter: '2026-Q1',
      projectId: 'mpiti-road',
      contactId: 'road-owner',
    });
  });

  it('writes to a Chinese-speaking owner in Chinese, with the deadline in Beijing time', async () => {
    const { notifier, transport } = notifierFor(env.store, env.outbox, catcher.url, mechanism);
    await notifier.send(
      request({ workflowId: 'update:cn-ls:2026-Q1:solar-plant', projectId: 'solar-plant', to: ['solar-owner'] }),
    );
    transport.close();
    const m = catcher.messages[0];
    expect(m.parsed.subject).toBe('请提交季度进展：光伏电站（China-Lesotho Coordination Mechanism 2026-Q1）');
    expect(m.parsed.text).toContain('尊敬的王工程师：');
    expect(m.parsed.text).toContain('2026年3月14日（星期六） 05:59（Asia/Shanghai, UTC+8）');
    expect(m.parsed.html).toContain('lang="zh-CN"');
  });

  it('sends the receipt to the owner only when the secretariat submitted on their behalf (an API token is not a person)', async () => {
    const { notifier, transport } = notifierFor(env.store, env.outbox, catcher.url, mechanism);
    const result = await notifier.send(
      request({ step: 'receipt-r1', to: ['road-owner', 'token:ci'] }, { kind: 'receipt', params: {} }),
    );
    transport.close();
    expect(result).toEqual({ outcome: 'sent', messageIds: [catcher.messages[0].messageId] });
    expect(catcher.messages.map((m) => m.envelope.to[0])).toEqual(['roads@example.org']);
    expect(catcher.messages[0].parsed.subject).toContain('Received: update on');
  });

  it('says in a coalesced receipt over SMTP which revision it confirms, how many it covers, and the hourly rule', async () => {
    const { notifier, transport } = notifierFor(env.store, env.outbox, catcher.url, mechanism);
    await notifier.send(
      request(
        { step: 'receipt-r240', to: ['road-owner'] },
        { kind: 'receipt', params: { revision: 240, covers: 238 } },
      ),
    );
    transport.close();
    const text = catcher.messages[0].parsed.text ?? '';
    expect(text).toContain('This email confirms revision 240, the latest of the 238 revisions saved');
    expect(text).toContain('Further changes within the hour are confirmed together, at most one email an hour.');
  });

  it('never sends a second copy when the same step is asked for again (an activity retry)', async () => {
    const { notifier, transport } = notifierFor(env.store, env.outbox, catcher.url, mechanism);
    const first = await notifier.send(request());
    const second = await notifier.send(request());
    transport.close();
    expect(second).toEqual(first);
    expect(catcher.messages).toHaveLength(1);
  });

  it('sends each email once when a second attempt of the step runs while the first is still sending', async () => {
    const everyone = ['road-owner', 'road-boss', 'solar-owner', 'sec-ls', 'sec-cn'];
    const minutes = request({ step: 'minutes', to: everyone }, { kind: 'minutes', params: { documentIds: [] } });
    const first = notifierFor(env.store, env.outbox, catcher.url, mechanism);
    const second = notifierFor(env.store, env.outbox, catcher.url, mechanism);
    const attempts = await Promise.allSettled([first.notifier.send(minutes), second.notifier.send(minutes)]);
    // An attempt that found rows the other one holds is told to try again later (Temporal's retry).
    for (const a of attempts) if (a.status === 'rejected') expect(a.reason).toBeInstanceOf(TransientDeliveryError);
    const retried = await first.notifier.send(minutes);
    first.transport.close();
    second.transport.close();
    expect(retried.messageIds).toHaveLength(everyone.length);
    expect(catcher.messages.map((m) => m.messageId).sort()).toEqual([...retried.messageIds].sort());
  });

  it('sends invitations with a calendar entry, the agenda and the report; an update keeps the UID with a higher SEQUENCE; a cancellation cancels', async () => {
    const documents = {
      'agenda-1': {
        filename: 'agenda-2026-Q1.pdf',
        contentType: 'application/pdf',
        content: Buffer.from('%PDF-1.4 agenda'),
      },
      'report-1': {
        filename: 'report-2026-Q1.pdf',
        contentType: 'application/pdf',
        content: Buffer.from('%PDF-1.4 report'),
      },
    };
    const { notifier, transport } = notifierFor(env.store, env.outbox, catcher.url, mechanism, {
      directory: testDirectory(mechanism, documents),
    });
    const session = {
      workflowId: 'cycle:cn-ls:2026-Q1',
      mechanismId: 'cn-ls',
      quarter: '2026-Q1',
      to: ['chair-ls', 'chair-cn'],
    };
    await notifier.send({
      ...session,
      step: 'invitation-s0',
      kind: 'invitation',
      params: {
        startsAt: '2026-04-02T08:00:00Z',
        durationMinutes: 120,
        sequence: 0,
        agendaDocumentIds: ['agenda-1', 'report-1'],
        reportVersion: 0,
      },
    });
    await notifier.send({
      ...session,
      step: 'invitation-s1',
      kind: 'invitation-update',
      params: {
        startsAt: '2026-04-09T08:00:00Z',
        durationMinutes: 120,
        sequence: 1,
        agendaDocumentIds: ['agenda-1'],
        reportVersion: 0,
      },
    });
    await notifier.send({
      ...session,
      step: 'invitation-s2',
      kind: 'invitation-cancel',
      params: { startsAt: '2026-04-09T08:00:00Z', sequence: 2 },
    });
    transport.close();
    expect(catcher.messages).toHaveLength(6);
    const toPs = catcher.messages.filter((m) => m.envelope.to[0] === 'ps@example.org');
    const [invite, update, cancel] = toPs.map((m) => calendarOf(m.parsed.attachments));
    expect(invite.method).toBe('REQUEST');
    expect(invite.event.startDate.toString()).toBe('2026-04-02T10:00:00');
    expect(invite.event.startDate.zone.tzid).toBe('Africa/Maseru');
    expect(invite.event.sequence).toBe(0);
    expect(update.event.uid).toBe(invite.event.uid);
    expect(update.event.sequence).toBe(1);
    expect(update.event.startDate.toString()).toBe('2026-04-09T10:00:00');
    expect(cancel.method).toBe('CANCEL');
    expect(cancel.event.uid).toBe(invite.event.uid);
    expect(cancel.event.sequence).toBe(2);
    expect(invite.event.uid).toBe('session-cn-ls-2026-Q1@example.org');
    const names = toPs[0].parsed.attachments.map((a) => a.filename);
    expect(names).toEqual(expect.arrayContaining(['agenda-2026-Q1.pdf', 'report-2026-Q1.pdf', 'invitation.ics']));
    expect(toPs[0].parsed.attachments.find((a) => a.filename === 'agenda-2026-Q1.pdf')!.content.toString()).toBe(
      '%PDF-1.4 agenda',
    );
    const ambassador = catcher.messages.find((m) => m.envelope.to[0] === 'ambassador@example.org')!;
    expect(ambassador.parsed.subject).toContain('会议邀请');
    expect(ambassador.parsed.text).toContain('2026年4月2日（星期四） 16:00（Asia/Shanghai, UTC+8）');
  });

  it('tells the supervisor who is late, since when and what was sent already', async () => {
    const { notifier, transport } = notifierFor(env.store, env.outbox, catcher.url, mechanism);
    await notifier.send(request());
    await notifier.send(request({ step: 'reminder-1' }, { kind: 'reminder', params: dueOn13March }));
    await notifier.send(
      request(
        { step: 'escalation-supervisor', to: ['road-boss'] },
        { kind: 'escalation-supervisor', params: { ...dueOn13March, lateOwnerId: 'road-owner' } },
      ),
    );
    transport.close();
    const m = catcher.messages[2];
    expect(m.envelope.to).toEqual(['director.roads@example.org']);
    expect(m.parsed.text).toContain('Who is late: Road <Agency> & "Partners" <roads@example.org>');
    expect(m.parsed.text).toContain('Late since: Friday 13 March 2026, 23:59 (Africa/Maseru, UTC+2)');
    expect(m.parsed.text).toMatch(/update request to Road <Agency> & "Partners", .*\n.*reminder to Road <Agency>/);
  });

  it('logs in and upgrades to TLS when the relay asks for it', async () => {
    const secure = await startSmtpCatcher({ auth: { user: 'relay', pass: 'p@ss:word' }, starttls: true });
    try {
      const { notifier, transport } = notifierFor(env.store, env.outbox, `${secure.url}&requireTLS=true`, mechanism);
      await notifier.send(request());
      transport.close();
      expect(secure.messages).toHaveLength(1);
    } finally {
      await secure.close();
    }
  });

  it('keeps emails in the local outbox when no mail server is configured, for the mailbox page', async () => {
    const { notifier } = notifierFor(env.store, env.outbox, undefined, mechanism);
    const result = await notifier.send(request({ to: ['road-owner', 'solar-owner'] }));
    expect(result.outcome).toBe('stored');
    const rows = await env.outbox.list({ mechanismId: 'cn-ls' });
    expect(rows.map((r) => [r.toAddress, r.status])).toEqual(
      expect.arrayContaining([
        ['roads@example.org', 'stored'],
        ['solar@example.org', 'stored'],
      ]),
    );
    expect(rows[0].text).toContain('http://127.0.0.1:3000/u/');
    // The mailbox page offers each message as an .eml that a mail client opens like the real thing.
    const eml = await simpleParser(await rawMessageOf(rows[0], 'secretariat@example.org', testDirectory(mechanism)));
    expect(eml.subject).toBe(rows[0].subject);
    expect(eml.messageId).toBe(rows[0].messageId);
    expect(eml.text).toBe(rows[0].text);
  });
});
