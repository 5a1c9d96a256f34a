/**
 * The rules of one project's update, without a server: the chase's next send, the state after a send, extensions,
 * submissions, waivers and reassignments (src/workflows/project-update-state.ts). Property tests where a rule holds
 * for any cycle, any sequence of sends and any extension.
 */
import fc from 'fast-check';
import {
  addDays,
  collectionDates,
  defaultPolicy,
  endOfDay,
  isWorkingDay,
  localDate,
  makeCalendarBook,
  type CyclePolicy,
} from '../../src/domain';
import {
  afterSend,
  applyExtensionRequest,
  applyGrant,
  applyRefusal,
  applyWaiver,
  changeCalendars,
  initialUpdate,
  isSettled,
  markMissing,
  nextSend,
  planChase,
  reassign,
  receiptDue,
  receiptOwed,
  receiptSent,
  RECEIPT_INTERVAL_MS,
  refuseExtensionRequest,
  refuseGrant,
  refuseReassignment,
  refuseRefusal,
  refuseSubmission,
  refuseWaiver,
  snapshot,
  stepName,
  submit,
  type ChaseRules,
  type UpdateState,
} from '../../src/workflows/project-update-state';

const timeZone = 'Africa/Maseru';
const holidays = ['2027-03-11', '2027-03-18', '2027-04-02', '2027-04-05'];

/** An update of a cycle opened at `openedAt` with `policy`, before anything was sent. */
function fresh(
  openedAt = '2027-03-01T06:00:00.000Z',
  policy: CyclePolicy = defaultPolicy,
  supervised = true,
): { u: UpdateState; rules: ChaseRules } {
  const rules: ChaseRules = {
    projectId: 'mpiti-road',
    openedAt,
    timeZone,
    holidays,
    policy,
    secretariatIds: ['sec-ls', 'sec-cn'],
  };
  const dates = collectionDates(openedAt, policy, holidays, timeZone);
  const base = initialUpdate({
    ownerId: 'owner-roads',
    ...(supervised && { supervisorId: 'ps-works' }),
    ownerTimeZone: timeZone,
    dueDate: dates.dueDate,
    cutoffAt: dates.cutoffAt,
    plan: [],
  });
  return { u: { ...base, plan: planChase(base, rules) }, rules };
}

/** Sends every step of the chase that is due by `until`, as the workflow's loop does. */
function chaseUntil(u: UpdateState, until: string): UpdateState {
  let next = nextSend(u);
  while (!isSettled(u) && next && next.at <= until) {
    u = afterSend(u, next);
    next = nextSend(u);
  }
  return u;
}

const openedArb = fc
  .integer({ min: Date.UTC(2027, 0, 4), max: Date.UTC(2027, 10, 30) })
  .map((ms) => new Date(Math.floor(ms / 3_600_000) * 3_600_000).toISOString());
const policyArb: fc.Arbitrary<CyclePolicy> = fc
  .record({
    dueAfterWorkingDays: fc.integer({ min: 1, max: 15 }),
    overdueAfterWorkingDays: fc.uniqueArray(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 2 }),
    escalateSupervisorAfterWorkingDays: fc.integer({ min: 1, max: 6 }),
    escalateSecretariatAfterWorkingDays: fc.integer({ min: 1, max: 6 }),
    cutoffAfterWorkingDays: fc.integer({ min: 1, max: 10 }),
    autoExtensionMaxDays: fc.integer({ min: 0, max: 10 }),
  })
  .map((p) => ({ ...defaultPolicy, ...p }));

describe("a project update's chase, step by step", () => {
  it('starts with the request and sends each step once, in time order, and never after collection closes', () => {
    fc.assert(
      fc.property(openedArb, policyArb, fc.boolean(), (openedAt, policy, supervised) => {
        const { u } = fresh(openedAt, policy, supervised);
        expect(nextSend(u)?.kind).toBe('request');
        const done = chaseUntil(u, '2099-01-01T00:00:00.000Z');
        expect(new Set(done.sent).size).toBe(done.sent.length);
        const times = done.sent.map((step) => u.plan.find((s) => s.step === step)!.at);
        expect([...times].sort()).toEqual(times);
        expect(times.every((at) => at <= u.cutoffAt)).toBe(true);
        expect(nextSend(done)).toBeUndefined();
      }),
    );
  });

  it('is requested, then reminded, overdue and escalated as the steps go out', () => {
    const { u } = fresh();
    const states = [];
    let now = u;
    for (let next = nextSend(now); next; next = nextSend(now)) {
      now = afterSend(now, next);
      states.push(`${next.step}:${now.state}`);
    }
    expect(states).toEqual([
      'request:requested',
      'reminder-1:reminded',
      'reminder-2:reminded',
      'reminder-3:reminded',
      'overdue-1:overdue',
      'escalation-supervisor:escalated',
      'escalation-secretariat:escalated',
    ]);
  });

  it('leaves a settled update settled when a step that was already on its way goes out', () => {
    const { u, rules } = fresh();
    const next = nextSend(u)!;
    for (const settled of [applyWaiver(u), markMissing(u), submit(u, rules, '2027-03-02T08:00:00.000Z').update]) {
      const after = afterSend(settled, next);
      expect(after.state).toBe(settled.state);
      expect(after.sent).toEqual(['request']);
    }
  });
});

describe('extensions', () => {
  it('grants at once within the policy limit, moving the due date to a working day of the owner at least that many days later', () => {
    fc.assert(
      fc.property(openedArb, policyArb, fc.integer({ min: 1, max: 20 }), (openedAt, policy, days) => {
        const { u, rules } = fresh(openedAt, policy);
        expect(refuseExtensionRequest(u, days)).toBeUndefined();
        const asked = applyExtensionRequest(u, rules, days, openedAt);
        expect(asked.number).toBe(1);
        if (days <= policy.autoExtensionMaxDays) {
          expect(asked.outcome).toBe('granted');
          expect(asked.update.dueDate >= addDays(u.dueDate, days)).toBe(true);
          expect(isWorkingDay(asked.update.dueDate, holidays)).toBe(true);
          expect(asked.update.pendingExtensionDays).toBeUndefined();
          expect(asked.update.cutoffAt >= u.cutoffAt).toBe(true);
        } else {
          expect(asked.outcome).toBe('pending');
          expect(asked.update.dueDate).toBe(u.dueDate);
          expect(asked.update.pendingExtensionDays).toBe(days);
          expect(refuseExtensionRequest(asked.update, 1)?.type).toBe('ExtensionPending');
        }
      }),
    );
  });

  it('counts the days granted at once: a second request beyond the limit waits for the secretariat', () => {
    const { u, rules } = fresh(); // the default policy grants up to 5 days at once
    const first = applyExtensionRequest(u, rules, 3, '2027-03-05T08:00:00.000Z');
    expect(first.outcome).toBe('granted');
    const second = applyExtensionRequest(first.update, rules, 3, '2027-03-05T09:00:00.000Z');
    expect(second).toMatchObject({ outcome: 'pending', number: 2 });
  });

  it('re-plans from now after any extension: nothing sent again, no step before now, and the new names are fresh', () => {
    fc.assert(
      fc.property(
        openedArb,
        policyArb,
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 1, max: 30 }),
        (openedAt, policy, afterDays, days) => {
          const { u, rules } = fresh(openedAt, policy);
          const now = new Date(Date.parse(openedAt) + afterDays * 86_400_000).toISOString();
          const chased = chaseUntil(u, now);
          if (isSettled(chased)) return;
          const granted = applyGrant(chased, rules, addDays(chased.dueDate, days), now);
          expect(granted.generation).toBe(chased.generation + 1);
          expect(granted.sent).toEqual(chased.sent);
          expect(granted.plan.every((s) => s.at >= now)).toBe(true);
          expect(granted.plan.some((s) => s.kind === 'request')).toBe(false);
          expect(granted.plan.map((s) => stepName(granted, s)).some((step) => chased.sent.includes(step))).toBe(false);
          expect(['requested', 'reminded']).toContain(granted.state);
          expect(granted.cutoffAt >= chased.cutoffAt).toBe(true);
        },
      ),
    );
  });

  it('brings an overdue or escalated update back to requested when the due date moves', () => {
    const { u, rules } = fresh();
    const escalated = chaseUntil(u, '2099-01-01T00:00:00.000Z');
    expect(escalated.state).toBe('escalated');
    expect(applyGrant(escalated, rules, '2027-04-30', '2027-03-29T08:00:00.000Z').state).toBe('requested');
  });

  it('keeps an update extended beyond the cycle cut-off chasing until its own cut-off', () => {
    const { u, rules } = fresh();
    const granted = applyGrant(u, rules, '2027-04-30', '2027-03-10T08:00:00.000Z');
    expect(granted.cutoffAt > u.cutoffAt).toBe(true);
    expect(granted.cutoffAt).toBe(endOfDay('2027-05-11', timeZone)); // 7 working days after Friday 30 April
  });

  it('refuses a grant that is not a later date, or for an update already submitted or waived', () => {
    const { u, rules } = fresh();
    expect(refuseGrant(u, '2027-13-01', false)?.type).toBe('InvalidExtension');
    expect(refuseGrant(u, u.dueDate, true)?.type).toBe('InvalidExtension');
    expect(refuseGrant(applyWaiver(u), '2027-04-30', true)?.type).toBe('AlreadySettled');
    expect(refuseGrant(submit(u, rules, '2027-03-02T08:00:00.000Z').update, '2027-04-30', true)?.type).toBe(
      'AlreadySettled',
    );
    // A missing update may still be given more time: its chase starts again.
    expect(refuseGrant(markMissing(u), '2027-04-30', true)).toBeUndefined();
  });

  it('refuses an extension of no days, too many days, or for a settled update; and a refusal needs a pending request', () => {
    const { u, rules } = fresh();
    for (const days of [0, -1, 1.5, 91, '3']) expect(refuseExtensionRequest(u, days)?.type).toBe('InvalidExtension');
    expect(refuseExtensionRequest(applyWaiver(u), 2)?.type).toBe('AlreadySettled');
    expect(refuseRefusal(u)?.type).toBe('NoExtensionPending');
    const pending = applyExtensionRequest(u, rules, 30, '2027-03-05T08:00:00.000Z').update;
    expect(refuseRefusal(pending)).toBeUndefined();
    const refused = applyRefusal(pending);
    expect(refused).toMatchObject({ dueDate: u.dueDate, pendingExtensionDays: undefined, extensionCount: 2 });
  });
});

describe('submissions', () => {
  it('numbers every accepted submission and marks it late exactly when it arrives at or after the end of the due date', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -3 * 86_400_000, max: 3 * 86_400_000 }), { minLength: 1, maxLength: 5 }),
        (offsets) => {
          const { u: start, rules } = fresh();
          const dueEnd = Date.parse(endOfDay(start.dueDate, timeZone));
          let u = start;
          offsets.forEach((offset, i) => {
            const at = new Date(dueEnd + offset).toISOString();
            const { update, receipt } = submit(u, rules, at);
            expect(receipt).toEqual({ revision: i + 1, late: offset >= 0, receivedAt: at });
            expect(update.state).toBe('submitted');
            u = update;
          });
        },
      ),
    );
  });

  it('takes amendments until collection closes, and a late first answer at any time', () => {
    const { u, rules } = fresh();
    const submitted = submit(u, rules, '2027-03-10T08:00:00.000Z').update;
    expect(refuseSubmission(submitted, '2027-03-20T08:00:00.000Z')).toBeUndefined();
    expect(refuseSubmission(submitted, u.cutoffAt)?.type).toBe('CollectionClosed');
    expect(refuseSubmission(markMissing(u), '2027-06-01T08:00:00.000Z')).toBeUndefined();
  });
});

describe('waivers and reassignments', () => {
  it('waives an unsettled or missing update and drops a pending extension request; never a submitted one', () => {
    const { u, rules } = fresh();
    const pending = applyExtensionRequest(u, rules, 30, '2027-03-05T08:00:00.000Z').update;
    expect(applyWaiver(pending)).toMatchObject({ state: 'waived', pendingExtensionDays: undefined });
    expect(refuseWaiver(markMissing(u))).toBeUndefined();
    expect(refuseWaiver(submit(u, rules, '2027-03-05T08:00:00.000Z').update)?.type).toBe('AlreadySettled');
    expect(refuseWaiver(applyWaiver(u))?.type).toBe('AlreadySettled');
  });

  it('hands the update to the new owner with a fresh request from now, in their zone', () => {
    const { u, rules } = fresh();
    const reminded = chaseUntil(u, '2027-03-10T12:00:00.000Z');
    expect(reminded.state).toBe('reminded');
    const handed = reassign(
      reminded,
      rules,
      { ownerId: 'owner-energy', ownerTimeZone: 'Asia/Shanghai', supervisorId: 'ps-energy' },
      '2027-03-10T12:00:00.000Z',
    );
    expect(handed).toMatchObject({
      ownerId: 'owner-energy',
      ownerTimeZone: 'Asia/Shanghai',
      supervisorId: 'ps-energy',
      state: 'requested',
      generation: 1,
    });
    const next = nextSend(handed)!;
    expect(next.kind).toBe('request');
    expect(stepName(handed, next)).toBe('request.p1');
    expect(localDate(next.at, 'Asia/Shanghai') >= '2027-03-10').toBe(true);
    expect(snapshot(handed, rules)).toMatchObject({
      ownerId: 'owner-energy',
      nextSend: { step: 'request.p1', kind: 'request' },
    });
  });

  it('refuses a reassignment to the same owner, to something that is not a contact id, or of a settled update', () => {
    const { u } = fresh();
    expect(refuseReassignment(u, 'owner-roads')?.type).toBe('InvalidOwner');
    expect(refuseReassignment(u, 'Not An Id')?.type).toBe('InvalidOwner');
    expect(refuseReassignment(applyWaiver(u), 'owner-energy')?.type).toBe('AlreadySettled');
    expect(refuseReassignment(u, 'owner-energy')).toBeUndefined();
  });

  it('re-plans on new calendars without sending the request again, and leaves a settled update as it is', () => {
    const { u, rules } = fresh();
    const requested = chaseUntil(u, '2027-03-01T12:00:00.000Z');
    expect(requested.sent).toEqual(['request']);
    const book = makeCalendarBook({ timeZone, holidays: [...holidays, '2027-03-22'], calendars: [], recipients: {} });
    const replanned = changeCalendars(requested, rules, book, '2027-03-02T08:00:00.000Z');
    expect(replanned.generation).toBe(1);
    expect(replanned.plan.some((s) => s.kind === 'request')).toBe(false);
    const waived = applyWaiver(requested);
    expect(changeCalendars(waived, rules, book, '2027-03-02T08:00:00.000Z')).toMatchObject({
      generation: 0,
      plan: waived.plan,
    });
  });
});

describe('receipts to the owner, at most one an hour', () => {
  const hour = RECEIPT_INTERVAL_MS;
  const t0 = Date.parse('2027-03-10T08:00:00.000Z');
  const iso = (ms: number) => new Date(t0 + ms).toISOString();

  /**
   * Plays amendments arriving at `arrivals` (ms after t0, ascending) as the workflow does: each is a new revision, and
   * its pacer sends the receipt owed as soon as `receiptDue` allows. Returns the receipts sent.
   */
  function play(arrivals: number[]): { at: number; revision: number; covers: number }[] {
    let { u } = fresh();
    const rules = fresh().rules;
    const sent: { at: number; revision: number; covers: number }[] = [];
    let clock = 0;
    /** Sends what is owed and due by `until`: at once when due now, else when the pacer's timer fires (`notBefore`). */
    const flush = (until: number) => {
      for (let owed = receiptOwed(u); owed; owed = receiptOwed(u)) {
        const at = receiptDue(owed, iso(clock)) ? clock : Date.parse(owed.notBefore!) - t0;
        if (at > until) return;
        expect(receiptDue(owed, iso(at))).toBe(true);
        clock = at;
        u = receiptSent(u, owed.revision, iso(at));
        sent.push({ at, revision: owed.revision, covers: owed.covers });
      }
    };
    for (const a of arrivals) {
      flush(a);
      clock = a;
      u = submit(u, rules, iso(a)).update;
      flush(a);
    }
    flush(Number.MAX_SAFE_INTEGER / 2);
    return sent;
  }

  it('confirms the first revision at once', () => {
    expect(play([0])).toEqual([{ at: 0, revision: 1, covers: 1 }]);
  });

  it('confirms amendments within the hour together when the hour is up, naming the latest revision', () => {
    const minute = 60_000;
    expect(play([0, 5 * minute, 10 * minute, 59 * minute])).toEqual([
      { at: 0, revision: 1, covers: 1 },
      { at: hour, revision: 4, covers: 3 },
    ]);
  });

  it('confirms an amendment at once when the last receipt is an hour old', () => {
    expect(play([0, hour, 3 * hour + 1])).toEqual([
      { at: 0, revision: 1, covers: 1 },
      { at: hour, revision: 2, covers: 1 },
      { at: 3 * hour + 1, revision: 3, covers: 1 },
    ]);
  });

  it('owes nothing once every revision is confirmed', () => {
    const { u, rules } = fresh();
    expect(receiptOwed(u)).toBeUndefined();
    const one = submit(u, rules, iso(0)).update;
    expect(receiptOwed(one)).toEqual({ revision: 1, covers: 1 });
    expect(receiptOwed(receiptSent(one, 1, iso(0)))).toBeUndefined();
  });

  it('for any flood of amendments: receipts an hour apart, each revision confirmed once, the last one named last', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 * hour }), { minLength: 1, maxLength: 500 }),
        fc.integer({ min: 0, max: 48 * hour }),
        (gaps, start) => {
          const arrivals: number[] = [];
          let t = start;
          for (const g of gaps) arrivals.push((t += g));
          const receipts = play(arrivals);
          for (let i = 1; i < receipts.length; i++)
            expect(receipts[i].at - receipts[i - 1].at).toBeGreaterThanOrEqual(hour);
          expect(receipts.length).toBeLessThanOrEqual(2 + Math.floor((arrivals.at(-1)! - arrivals[0]) / hour));
          expect(receipts.reduce((n, r) => n + r.covers, 0)).toBe(arrivals.length);
          expect(receipts.at(-1)!.revision).toBe(arrivals.length);
          // Nobody waits more than an hour for a confirmation, and the first after a quiet hour goes at once.
          arrivals.forEach((a, i) => {
            const confirming = receipts.find((r) => r.revision >= i + 1)!;
            expect(confirming.at - a).toBeLessThanOrEqual(hour);
          });
          expect(receipts[0].at).toBe(arrivals[0]);
        },
      ),
    );
  });
});
