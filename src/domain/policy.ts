import { z } from 'zod';

const days = z.number().int().min(0).max(90);
const hour = z.number().int().min(0).max(23);

/**
 * The rules of one mechanism's quarterly cycle. Every offset is policy, per mechanism; the defaults
 * are PRODUCT.md section 4. "Working days" skip weekends and the mechanism's holidays.
 */
export const CyclePolicy = z.object({
  /** When the schedule opens a cycle: the first working day of this month of the quarter (1-3), at this local hour. */
  open: z
    .object({
      monthOfQuarter: z.number().int().min(1).max(3).default(3),
      hour: hour.default(8),
    })
    .prefault({}),
  /** Updates are due this many working days after the cycle opens. */
  dueAfterWorkingDays: days.default(10),
  /** Reminders this many calendar days before the due date (0 = the morning of the due date); a day that is not a working day moves earlier. */
  remindBeforeDueDays: z.array(days).max(10).default([7, 2, 0]),
  /** Overdue notices to the owner this many working days after the due date. */
  overdueAfterWorkingDays: z.array(days.min(1)).max(10).default([2]),
  /** Escalation to the owner's supervisor this many working days after the due date. */
  escalateSupervisorAfterWorkingDays: days.min(1).default(3),
  /** Escalation to the secretariat this many working days after the due date. */
  escalateSecretariatAfterWorkingDays: days.min(1).default(5),
  /** Collection closes this many working days after the due date; later answers are kept and marked late. */
  cutoffAfterWorkingDays: days.min(1).default(7),
  /** Extensions up to this many calendar days are granted automatically; longer ones wait for the secretariat. */
  autoExtensionMaxDays: days.default(5),
  /** Local hour (in the recipient's time zone) at which emails go out. */
  sendHour: hour.default(9),
  /**
   * For demonstrations and trials only: each owner's request goes out the moment the cycle (or a new owner's chase)
   * starts, whatever the hour or day; reminders and everything after keep the send hour. `npm start` sets it on the
   * demo mechanism it loads into an empty database; real mechanisms leave it off.
   */
  sendRequestsAtOnce: z.boolean().default(false),
  /** The session is proposed this many working days after collection closes, at this local hour. */
  proposeSessionAfterWorkingDays: days.default(10),
  sessionHour: hour.default(10),
  /** Action-item reminders this many calendar days before the item's due date. */
  actionItemRemindBeforeDueDays: z.array(days).max(10).default([7, 1]),
});
export type CyclePolicy = z.infer<typeof CyclePolicy>;

/** The defaults, for mechanisms whose file says nothing about policy. */
export const defaultPolicy: CyclePolicy = CyclePolicy.parse({});
