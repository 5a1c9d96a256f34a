import { quarterOpening, type QuarterOpening } from './calendar';
import type { Mechanism } from './mechanism';
import type { Quarter } from './quarter';
import { checkSessionDate, type SessionDateCheck } from './session-date';

/** A proposed session start checked against every side's calendar and zone of a mechanism. */
export function checkMechanismSessionDate(mechanism: Mechanism, startsAt: string): SessionDateCheck {
  const sides = mechanism.sides.map((s) => ({
    sideId: s.id,
    timeZone: s.timeZone ?? mechanism.timeZone,
    calendar: mechanism.calendars.find((c) => c.id === s.calendar),
  }));
  return checkSessionDate(startsAt, sides, mechanism.timeZone);
}

/** What opening a cycle for a quarter means now, in words a secretariat reads (the API, the pages and the CLI say the same). */
export interface CycleOpeningNotice extends QuarterOpening {
  notice: string;
}

/** The opening of `quarter` asked for at `now` in a mechanism, with the sentence that explains it. */
export function describeCycleOpening(mechanism: Mechanism, quarter: Quarter, now: string): CycleOpeningNotice {
  const holidays = mechanism.holidays.map((h) => h.date);
  const o = quarterOpening(quarter, now, mechanism.policy, holidays, mechanism.timeZone);
  const dates = `updates due ${o.dates.dueDate}, collection closes ${o.dates.cutoffAt}, session proposed for ${o.dates.proposedSessionAt}`;
  const notice =
    o.timing === 'future'
      ? `${quarter} has not begun: the cycle waits for its opening day, ${o.opensAt}, and sends nothing before (${dates}).`
      : o.timing === 'past'
        ? `${quarter} is over: this is a catch-up cycle that opens now (${dates}).`
        : `${quarter} opens now (${dates}).`;
  return { ...o, notice };
}
