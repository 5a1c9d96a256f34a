import { HeaderInjectionError } from '../../src/notifications/escape';
import { NotificationKind } from '../../src/notifications/kinds';
import { renderEmail, type TemplateContext } from '../../src/notifications/templates';

const context = (over: Partial<TemplateContext> = {}): TemplateContext => ({
  language: 'en',
  recipientName: 'Road Agency',
  recipientTimeZone: 'Africa/Maseru',
  mechanismName: 'China-Lesotho Coordination Mechanism',
  mechanismTimeZone: 'Africa/Maseru',
  quarter: '2026-Q1',
  projectTitle: 'Mpiti road',
  link: 'http://127.0.0.1:3000/u/abc',
  dueAt: '2026-03-13T22:00:00Z',
  openActionItems: [{ title: 'Share the revised works schedule', dueDate: '2026-03-20' }],
  late: {
    ownerName: 'Road Agency',
    dueAt: '2026-03-13T22:00:00Z',
    sent: [{ kind: 'reminder', at: '2026-03-06T07:00:00Z', to: 'Road Agency' }],
  },
  extension: { days: 3, requestedBy: 'Road Agency' },
  session: { startsAt: '2026-04-02T08:00:00Z', durationMinutes: 120, venue: 'Maseru', sequence: 0 },
  actionItem: { title: 'Share the revised works schedule', dueDate: '2026-03-20' },
  undeliverable: {
    subject: 'Quarterly update',
    recipients: [{ name: 'Road Agency', address: 'roads@example.org', reason: '550 no such user' }],
  },
  attachmentNames: ['agenda.pdf'],
  dashboardUrl: 'http://127.0.0.1:3000/mechanisms/cn-ls/cycles/2026-Q1',
  ...over,
});

describe('email templates', () => {
  it.each(
    NotificationKind.options.flatMap(
      (k) =>
        [
          [k, 'en'],
          [k, 'zh'],
        ] as const,
    ),
  )('writes the %s email in %s with a one-line subject, a plain-text part and an HTML part', (kind, language) => {
    const email = renderEmail(kind, context({ language }));
    expect(email.subject.length).toBeGreaterThan(5);
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(email.text.length).toBeGreaterThan(40);
    expect(email.html).toContain('<!DOCTYPE html>');
    if (language === 'zh') expect(email.text).toMatch(/[\u4e00-\u9fff]/);
  });

  it('shows the due date in the recipient’s own time zone, with the zone named', () => {
    const maseru = renderEmail('request', context());
    expect(maseru.text).toContain('Friday 13 March 2026, 23:59 (Africa/Maseru, UTC+2)');
    const beijing = renderEmail('request', context({ language: 'zh', recipientTimeZone: 'Asia/Shanghai' }));
    expect(beijing.text).toContain('2026年3月14日（星期六） 05:59（Asia/Shanghai, UTC+8）');
  });

  it('lists the owner’s open action items and the personal link in a request', () => {
    const email = renderEmail('request', context());
    expect(email.text).toContain('Share the revised works schedule (due Friday 20 March 2026)');
    expect(email.text).toContain('http://127.0.0.1:3000/u/abc');
    expect(email.html).toContain('href="http://127.0.0.1:3000/u/abc"');
  });

  it('escapes names and titles typed by people, so they cannot add markup to the email', () => {
    const email = renderEmail(
      'request',
      context({ projectTitle: '<script>alert(1)</script> & "road"', recipientName: '<b>Bob</b>' }),
    );
    expect(email.html).not.toContain('<script>');
    expect(email.html).not.toContain('<b>Bob</b>');
    // Preact's renderer escapes what can open markup or close an attribute (& < "), which is all HTML needs.
    expect(email.html).toContain('&lt;script>alert(1)&lt;/script> &amp; &quot;road&quot;');
    expect(email.text).toContain('<script>alert(1)</script>'); // the plain-text part shows the text as typed
  });

  it('refuses a subject that would contain a line break (no header injection)', () => {
    expect(() => renderEmail('request', context({ projectTitle: 'Road\r\nBcc: victim@example.org' }))).toThrow(
      HeaderInjectionError,
    );
  });

  it('says in an escalation who is late, since when, and what was sent already', () => {
    const email = renderEmail('escalation-supervisor', context());
    expect(email.subject).toContain('Road Agency');
    expect(email.text).toContain('Who is late: Road Agency');
    expect(email.text).toContain('Late since: Friday 13 March 2026, 23:59');
    expect(email.text).toContain('reminder to Road Agency, Friday 6 March 2026, 09:00');
  });

  it('says in an updated invitation when the session was to start before, and only there', () => {
    const session = { startsAt: '2026-04-09T08:00:00Z', durationMinutes: 120, venue: 'Maseru', sequence: 2 };
    const moved = { ...session, previousStartsAt: '2026-04-02T08:00:00Z' };
    expect(renderEmail('invitation-update', context({ session: moved })).text).toContain(
      'Previously: Thursday 2 April 2026, 10:00',
    );
    expect(renderEmail('invitation-update', context({ language: 'zh', session: moved })).text).toContain('原定时间');
    expect(renderEmail('invitation-update', context({ session })).text).not.toContain('Previously');
  });

  it('says in a receipt which revision it confirms, how many it covers, and that receipts come at most once an hour', () => {
    const one = renderEmail('receipt', context({ receipt: { revision: 1, covers: 1 } })).text;
    expect(one).toContain('This email confirms revision 1.');
    expect(one).toContain('Further changes within the hour are confirmed together, at most one email an hour.');
    const many = renderEmail('receipt', context({ receipt: { revision: 240, covers: 238 } })).text;
    expect(many).toContain('confirms revision 240, the latest of the 238 revisions saved since the last confirmation');
    const zh = renderEmail('receipt', context({ language: 'zh', receipt: { revision: 240, covers: 238 } })).text;
    expect(zh).toContain('本邮件确认第240版，即自上次确认以来保存的238个版本中的最新版本。');
    expect(zh).toContain('一小时内的后续修改将合并确认，每小时最多发送一封邮件。');
    // A receipt of an update started before pacing names no revision, as before.
    expect(renderEmail('receipt', context()).text).not.toContain('confirms revision');
  });
});
