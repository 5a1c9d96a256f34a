/** A cycle's phases, session and report versions, without a server (src/workflows/cycle-state.ts). */
import fc from 'fast-check';
import { collectionDates, defaultPolicy } from '../../src/domain';
import { cyclePhases, submissionStates, type CyclePhase } from '../../src/domain/states';
import type { SessionDateCheck } from '../../src/domain/session-date';
import {
  allSettled,
  cancelled,
  closing,
  convened,
  decisionsAccepted,
  decisionsRecorded,
  details,
  enter,
  initialCycle,
  nextReport,
  projectChanged,
  projectsStarted,
  refuseCancel,
  refuseClose,
  refuseConvene,
  refuseDecisions,
  refuseRegenerate,
  sessionHeld,
  sessionStep,
  snapshot,
  woken,
  type Cycle,
} from '../../src/workflows/cycle-state';
import type { ConveneInput } from '../../src/workflows/messages';

const timeZone = 'Africa/Maseru';
const dates = collectionDates('2027-03-01T06:00:00.000Z', defaultPolicy, [], timeZone);
const meeting: ConveneInput = { venue: 'Maseru', chairs: ['chair-ls', 'chair-cn'], attendees: ['owner-roads'] };
const noCheck = (): SessionDateCheck | undefined => undefined;

/** A cycle whose report is compiled (version 1), waiting to be convened, with two projects. */
function convening(): Cycle {
  const started = projectsStarted({ ...initialCycle(), openedAt: '2027-03-01T06:00:00.000Z', dates }, [
    'mpiti-road',
    'solar-plant',
  ]);
  return enter(nextReport(enter(started, 'compiling', 'the report')).cycle, 'convening', 'the secretariat');
}

/** A session convened for `startsAt`, as the workflow does once the validator accepted it. */
const convenedFor = (c: Cycle, startsAt: string) => convened(c, { ...meeting, startsAt }).cycle;

const decisions = {
  decisions: [
    {
      id: 'd1',
      text: 'Revised schedule.',
      actionItems: [{ id: 'rec-item', title: 'Revised', owner: 'owner-roads', dueDate: '2027-05-14' }],
    },
  ],
};

describe("a cycle's report versions", () => {
  it('compiles a new version when a project sends a new revision after the report, never before it', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            projectId: fc.constantFrom('mpiti-road', 'solar-plant'),
            state: fc.constantFrom(...submissionStates),
            revision: fc.nat(5),
            late: fc.boolean(),
          }),
          { maxLength: 20 },
        ),
        fc.boolean(),
        (changes, compiled) => {
          let c = projectsStarted(initialCycle(), ['mpiti-road', 'solar-plant']);
          if (compiled) c = nextReport(c).cycle;
          let expected = false;
          for (const change of changes) {
            const before = c.projects.get(change.projectId)?.revision ?? 0;
            if (compiled && change.state === 'submitted' && change.revision > before) expected = true;
            c = projectChanged(c, change);
            expect(c.projects.get(change.projectId)).toEqual({
              state: change.state,
              revision: change.revision,
              late: change.late,
            });
          }
          expect(c.recompileWanted).toBe(expected);
        },
      ),
    );
  });

  it('gives every requested version its own number, in order, and then wants no other', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), (n) => {
        let c: Cycle = { ...convening(), recompileWanted: true };
        const versions: number[] = [];
        for (let i = 0; i < n; i += 1) {
          const next = nextReport(c);
          c = next.cycle;
          versions.push(next.version);
        }
        expect(versions).toEqual(Array.from({ length: n }, (_, i) => i + 2));
        expect(c.recompileWanted).toBe(false);
      }),
    );
  });

  it('compiles no new version for revisions that arrive after the decisions or once the cycle is closed', () => {
    const change = { projectId: 'mpiti-road', state: 'submitted' as const, revision: 2, late: true };
    const recorded = decisionsRecorded(
      enter(convening(), 'recording', 'decisions'),
      decisionsAccepted(convening(), decisions).record,
    );
    expect(projectChanged(recorded, change).recompileWanted).toBe(false);
    expect(projectChanged(enter(convening(), 'closed', 'nothing'), change).recompileWanted).toBe(false);
    expect(projectChanged(convening(), change).recompileWanted).toBe(true);
  });

  it('refuses a new version before the first report and once the cycle is closed or closing', () => {
    expect(refuseRegenerate(initialCycle())?.message).toBe('the report has not been compiled yet');
    expect(refuseRegenerate(convening())).toBeUndefined();
    expect(refuseRegenerate(closing(convening()))?.message).toBe('the cycle is closed');
    expect(refuseRegenerate(enter(convening(), 'closed', 'nothing'))?.type).toBe('WrongPhase');
  });
});

describe("a cycle's collection", () => {
  it('closes collection early only when every project has submitted, been waived or gone missing', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...submissionStates), { minLength: 1, maxLength: 8 }), (states) => {
        let c = projectsStarted(
          initialCycle(),
          states.map((_, i) => `p${i}`),
        );
        states.forEach((state, i) => {
          c = projectChanged(c, { projectId: `p${i}`, state, revision: 0, late: false });
        });
        expect(allSettled(c)).toBe(states.every((s) => s === 'submitted' || s === 'waived' || s === 'missing'));
      }),
    );
  });
});

describe('convening, rescheduling and cancelling the session', () => {
  const now = '2027-04-01T08:00:00.000Z';

  it('accepts a session only while convening, whatever the phase otherwise', () => {
    fc.assert(
      fc.property(fc.constantFrom(...cyclePhases), (phase: CyclePhase) => {
        const refusal = refuseConvene(
          enter(convening(), phase, 'x'),
          { ...meeting, startsAt: '2027-04-12T08:00:00Z' },
          now,
          noCheck,
        );
        expect(refusal?.type).toBe(phase === 'convening' ? undefined : 'WrongPhase');
      }),
    );
  });

  it('refuses a session that does not start after now', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 * 24 * 90 }), (minutesBefore) => {
        const startsAt = new Date(Date.parse(now) - minutesBefore * 60_000).toISOString();
        const refusal = refuseConvene(convening(), { ...meeting, startsAt }, now, noCheck);
        expect(refusal).toMatchObject({
          type: 'InvalidSession',
          fields: [{ field: 'startsAt', message: 'must be in the future' }],
        });
      }),
    );
  });

  it('takes the proposed date when the secretariat gives none, and names the fields of an invalid session', () => {
    expect(refuseConvene(convening(), meeting, now, noCheck)).toBeUndefined();
    expect(convened(convening(), meeting).session.plan.startsAt).toBe(dates.proposedSessionAt);
    const refusal = refuseConvene(convening(), { ...meeting, chairs: [] }, now, noCheck);
    expect(refusal?.type).toBe('InvalidSession');
    expect(refusal?.fields?.map((f) => f.field)).toEqual(['chairs']);
  });

  it('refuses a date that is a holiday on a side unless the secretariat confirms it', () => {
    const holiday = (): SessionDateCheck =>
      ({ needsConfirmation: true, warnings: ['a holiday in China'], alternatives: ['2027-04-13'] }) as SessionDateCheck;
    const request = { ...meeting, startsAt: '2027-04-12T08:00:00Z' };
    expect(refuseConvene(convening(), request, now, holiday)).toMatchObject({
      type: 'HolidayNotConfirmed',
      fields: [{ field: 'startsAt' }],
    });
    expect(refuseConvene(convening(), { ...request, holidayConfirmed: true }, now, holiday)).toBeUndefined();
  });

  it('numbers every invitation, update and cancellation one after the other, and updates only a scheduled session', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('convene', 'cancel'), { maxLength: 12 }), (actions) => {
        let c = convening();
        let sequence = 0;
        for (const action of actions) {
          if (action === 'cancel') {
            if (refuseCancel(c)) {
              expect(c.session?.status).not.toBe('scheduled');
              continue;
            }
            const out = cancelled(c);
            expect(out.session).toMatchObject({ sequence: sequence + 1, status: 'cancelled' });
            c = out.cycle;
          } else {
            const wasScheduled = c.session?.status === 'scheduled';
            const out = convened(c, { ...meeting, startsAt: '2027-04-12T08:00:00Z' });
            expect(out.kind).toBe(wasScheduled ? 'invitation-update' : 'invitation');
            expect(out.previousStartsAt).toBe(wasScheduled ? '2027-04-12T08:00:00Z' : undefined);
            expect(out.session).toMatchObject({ sequence: sequence + 1, status: 'scheduled' });
            c = out.cycle;
          }
          sequence += 1;
          expect(c.session?.sequence).toBe(sequence);
        }
      }),
    );
  });

  it('wakes a waiting cycle for a new session, a wanted report, a close or recorded decisions, and not otherwise', () => {
    const c = convenedFor(convening(), '2027-04-12T08:00:00Z');
    expect(woken(c, c)).toBe(false);
    expect(woken(c, projectChanged(c, { projectId: 'solar-plant', state: 'missing', revision: 0, late: false }))).toBe(
      false,
    );
    expect(woken(c, convenedFor(c, '2027-04-13T08:00:00Z'))).toBe(true);
    expect(woken(c, cancelled(c).cycle)).toBe(true);
    expect(woken(c, { ...c, recompileWanted: true })).toBe(true);
    expect(woken(c, closing(c))).toBe(true);
    expect(woken(c, decisionsRecorded(c, decisionsAccepted(c, decisions).record))).toBe(true);
  });
});

describe('from the convened session to the decisions', () => {
  const startsAt = '2027-04-12T08:00:00.000Z';
  const reminders = [
    { step: 'session-reminder-s1-1', at: '2027-04-09T01:00:00.000Z', to: ['chair-cn'] },
    { step: 'session-reminder-s1-2', at: '2027-04-09T07:00:00.000Z', to: ['chair-ls'] },
  ];

  it('walks reminders, start, end, held and then waits for decisions, as time passes', () => {
    let c = convenedFor(convening(), startsAt);
    expect(sessionStep(c, '2027-04-08T00:00:00.000Z', reminders)).toEqual({ kind: 'reminder', reminder: reminders[0] });
    expect(sessionStep(c, '2027-04-09T01:00:00.000Z', reminders)).toEqual({ kind: 'reminder', reminder: reminders[1] });
    expect(sessionStep(c, '2027-04-10T00:00:00.000Z', reminders)).toEqual({ kind: 'start', at: startsAt });
    expect(sessionStep(c, startsAt, reminders)).toEqual({ kind: 'end', at: '2027-04-12T10:00:00.000Z' });
    expect(sessionStep(c, '2027-04-12T10:00:00.000Z', reminders)).toEqual({ kind: 'held' });
    c = enter(sessionHeld(c), 'recording', 'decisions');
    expect(c.session?.status).toBe('held');
    expect(sessionStep(c, '2027-04-12T10:00:00.000Z', reminders)).toEqual({ kind: 'decisions' });
  });

  it('for any instant: closing or decisions end it, a wanted report comes first, no session means waiting to convene', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2027-04-01T00:00:00Z'), max: new Date('2027-04-20T00:00:00Z'), noInvalidDate: true }),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom('none', 'scheduled', 'cancelled'),
        (at, close, recompile, session) => {
          const now = at.toISOString();
          let c = convening();
          if (session !== 'none') c = convenedFor(c, startsAt);
          if (session === 'cancelled') c = cancelled(c).cycle;
          if (close) c = closing(c);
          c = { ...c, recompileWanted: recompile };
          const step = sessionStep(c, now, reminders);
          if (close) expect(step.kind).toBe('done');
          else if (recompile) expect(step.kind).toBe('compile');
          else if (session !== 'scheduled') expect(step.kind).toBe('convene');
          else if (step.kind === 'reminder')
            expect(now < step.reminder.at && reminders.every((r) => r.at <= now || r.at >= step.reminder.at)).toBe(
              true,
            );
          else expect(reminders.every((r) => r.at <= now)).toBe(true);
        },
      ),
    );
  });

  it('never waits for an instant that has come, however the instants are written (so the cycle always moves on)', () => {
    const instants = [
      '2027-04-09T01:00:00Z',
      '2027-04-09T07:00:00.000Z',
      '2027-04-12T08:00:00Z',
      '2027-04-12T10:00:00.000Z',
    ];
    fc.assert(
      fc.property(
        fc.oneof(
          fc.constantFrom(...instants, '2027-04-12T08:00:00.000Z', '2027-04-12T10:00:00Z'),
          fc
            .date({ min: new Date('2027-04-08T00:00:00Z'), max: new Date('2027-04-13T00:00:00Z'), noInvalidDate: true })
            .map((d) => d.toISOString()),
        ),
        fc.constantFrom('2027-04-12T08:00:00Z', '2027-04-12T08:00:00.000Z'),
        fc.boolean(),
        (now, start, recording) => {
          let c = convenedFor(convening(), start);
          if (recording) c = enter(sessionHeld(c), 'recording', 'decisions');
          const step = sessionStep(c, new Date(Date.parse(now)).toISOString(), [
            { step: 'session-reminder-s1-1', at: '2027-04-09T01:00:00Z', to: ['chair-cn'] },
            { step: 'session-reminder-s1-2', at: '2027-04-09T07:00:00.000Z', to: ['chair-ls'] },
          ]);
          const waitsFor =
            step.kind === 'reminder'
              ? step.reminder.at
              : step.kind === 'start' || step.kind === 'end'
                ? step.at
                : undefined;
          if (waitsFor !== undefined) expect(Date.parse(waitsFor)).toBeGreaterThan(Date.parse(now));
          if (Date.parse(now) >= Date.parse('2027-04-12T10:00:00Z'))
            expect(step.kind).toBe(recording ? 'decisions' : 'held');
        },
      ),
    );
  });

  it('accepts decisions once the session has started, once, with unique action item ids', () => {
    fc.assert(
      fc.property(fc.constantFrom(...cyclePhases), (phase) => {
        const refusal = refuseDecisions(enter(convening(), phase, 'x'), decisions);
        expect(refusal?.type).toBe(phase === 'in-session' || phase === 'recording' ? undefined : 'WrongPhase');
      }),
    );
    const recording = enter(convening(), 'recording', 'decisions');
    const taken = decisionsAccepted(recording, decisions).cycle;
    expect(refuseDecisions(taken, decisions)?.type).toBe('AlreadyRecorded');
    const twice = {
      decisions: [
        {
          ...decisions.decisions[0],
          actionItems: [decisions.decisions[0].actionItems[0], decisions.decisions[0].actionItems[0]],
        },
      ],
    };
    expect(refuseDecisions(recording, twice)).toMatchObject({
      type: 'InvalidDecisions',
      message: 'action item ids must be unique',
    });
    expect(refuseDecisions(recording, { decisions: [] })?.fields?.map((f) => f.field)).toEqual(['decisions']);
    expect(decisionsRecorded(taken, decisionsAccepted(recording, decisions).record).actionItemIds).toEqual([
      'rec-item',
    ]);
  });

  it('can be closed in any phase but closed', () => {
    fc.assert(
      fc.property(fc.constantFrom(...cyclePhases), (phase) => {
        expect(refuseClose(enter(convening(), phase, 'x'))?.type).toBe(phase === 'closed' ? 'WrongPhase' : undefined);
      }),
    );
  });
});

describe('what the secretariat sees of a cycle', () => {
  it('shows its phase, dates, projects, report and session in the state query and the Temporal UI', () => {
    const c = convenedFor(convening(), '2027-04-12T08:00:00.000Z');
    expect(snapshot(c, { mechanismId: 'cn-ls', quarter: '2027-Q1' })).toMatchObject({
      mechanismId: 'cn-ls',
      quarter: '2027-Q1',
      phase: 'convening',
      dueDate: dates.dueDate,
      cutoffAt: dates.cutoffAt,
      reportVersion: 1,
      session: { sequence: 1, startsAt: '2027-04-12T08:00:00.000Z', status: 'scheduled' },
      projects: [
        { projectId: 'mpiti-road', state: 'requested', revision: 0, late: false },
        { projectId: 'solar-plant', state: 'requested', revision: 0, late: false },
      ],
    });
    expect(details(c, 'session reminder at X')).toBe(
      [
        '**Phase:** convening',
        '**Waiting for:** the secretariat',
        '**Next:** session reminder at X',
        '**Updates:** 2 requested',
        '**Report:** version 1',
        '**Session:** scheduled for 2027-04-12T08:00:00.000Z (sequence 1)',
      ].join('\n\n'),
    );
  });
});
