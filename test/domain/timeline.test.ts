/** The quarter on one line: steps in time order, done before now and planned after, emails counted per step. */
import { quarterTimeline, type TimelineInput } from '../../src/domain';

const base: TimelineInput = {
  now: '2027-03-10T08:00:00Z',
  openedAt: '2027-03-01T07:00:00Z',
  dueAt: '2027-03-19T22:00:00Z',
  cutoffAt: '2027-03-24T22:00:00Z',
  emails: [
    { kind: 'request', total: 3, sent: 3, firstAt: '2027-03-01T07:00:05Z', lastAt: '2027-03-01T09:00:00Z' },
    { kind: 'reminder', total: 1, sent: 1, firstAt: '2027-03-08T07:00:00Z', lastAt: '2027-03-08T07:00:00Z' },
    { kind: 'overdue', total: 1, sent: 0, firstAt: '2027-03-09T07:00:00Z', lastAt: '2027-03-09T07:00:00Z' },
    { kind: 'receipt', total: 2, sent: 2, firstAt: '2027-03-02T07:00:00Z', lastAt: '2027-03-05T07:00:00Z' },
  ],
  reports: [],
  nextSends: [
    { projectId: 'solar', at: '2027-03-12T07:00:00Z' },
    { projectId: 'road', at: '2027-03-11T07:00:00Z' },
    { projectId: 'hospital', at: '2027-03-11T07:00:00.000Z' },
  ],
};

describe('the quarter on one line', () => {
  it('orders the steps in time, done up to now and planned after, and counts each step’s emails', () => {
    const steps = quarterTimeline(base);
    expect(steps.map((s) => [s.kind, s.done])).toEqual([
      ['opened', true],
      ['requests', true],
      ['reminders', true],
      ['next-email', false],
      ['due', false],
      ['cutoff', false],
    ]);
    expect(steps[1]).toMatchObject({
      at: '2027-03-01T07:00:05Z',
      until: '2027-03-01T09:00:00Z',
      count: { sent: 3, total: 3 },
    });
    // Reminders and overdue notices are one step; receipts are answers, not a step of the quarter.
    expect(steps[2]).toMatchObject({ count: { sent: 1, total: 2 }, until: '2027-03-09T07:00:00Z' });
    // The earliest next send, with the others due at the same instant counted.
    expect(steps[3]).toMatchObject({ at: '2027-03-11T07:00:00Z', projectId: 'road', more: 1 });
  });

  it('shows every report version, the session and the minutes, and a closed cycle plans nothing more', () => {
    const steps = quarterTimeline({
      ...base,
      now: '2027-04-20T08:00:00Z',
      reports: [
        { version: 2, createdAt: '2027-03-26T08:00:00Z' },
        { version: 1, createdAt: '2027-03-25T08:00:00Z' },
      ],
      session: { startsAt: '2027-04-12T08:00:00Z', status: 'held' },
      minutesAt: '2027-04-13T08:00:00Z',
      closedAt: '2027-04-13T08:05:00Z',
    });
    expect(steps.map((s) => s.kind)).toEqual([
      'opened',
      'requests',
      'reminders',
      'due',
      'cutoff',
      'report',
      'report',
      'session',
      'minutes',
      'closed',
    ]);
    expect(steps.filter((s) => s.kind === 'report').map((s) => s.version)).toEqual([1, 2]);
    expect(steps.every((s) => s.done)).toBe(true);
  });

  it('marks a cancelled session as not done, and an email step with nothing sent yet as planned', () => {
    const steps = quarterTimeline({
      ...base,
      now: '2027-04-20T08:00:00Z',
      emails: [
        { kind: 'invitation', total: 4, sent: 0, firstAt: '2027-04-01T08:00:00Z', lastAt: '2027-04-01T08:00:00Z' },
      ],
      session: { startsAt: '2027-04-12T08:00:00Z', status: 'cancelled' },
    });
    expect(steps.find((s) => s.kind === 'session')).toMatchObject({ done: false, status: 'cancelled' });
    expect(steps.find((s) => s.kind === 'invitations')).toMatchObject({ done: false, count: { sent: 0, total: 4 } });
  });

  it('leaves out what has no date yet', () => {
    expect(quarterTimeline({ now: base.now, emails: [], reports: [], nextSends: [] })).toEqual([]);
  });
});
