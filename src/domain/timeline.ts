/**
 * The quarter on one line: what a cycle did and will do, in time order, from the records (the cycle's dates, the
 * emails in the outbox, the documents in the archive, the session) and, for what is planned, each project's next
 * send. Pure: the cycle page renders it (src/api/pages/timeline.tsx).
 */

/** One kind of email of the cycle, as the outbox counts it. */
export interface EmailCount {
  kind: string;
  total: number;
  sent: number;
  /** When the first and the last of them went out (or were written, while not yet sent). */
  firstAt: string;
  lastAt: string;
}

/** What the timeline is drawn from. */
export interface TimelineInput {
  now: string;
  openedAt?: string;
  closedAt?: string;
  /** The due instant: the end of the due date in the mechanism's zone. */
  dueAt?: string;
  cutoffAt?: string;
  emails: EmailCount[];
  /** One entry per report version (whatever its formats). */
  reports: { version: number; createdAt: string }[];
  session?: { startsAt: string; status: string };
  minutesAt?: string;
  /** The next email each unsettled project is waiting to send. */
  nextSends: { projectId: string; at: string }[];
}

/** The steps of a quarter, in the order they happen. */
export type TimelineStepKind =
  | 'opened'
  | 'requests'
  | 'reminders'
  | 'escalations'
  | 'due'
  | 'cutoff'
  | 'report'
  | 'invitations'
  | 'session'
  | 'minutes'
  | 'closed'
  | 'next-email';

/** One point on the line: done (at or before now) or planned. */
export interface TimelineStep {
  kind: TimelineStepKind;
  at: string;
  /** Until when, for a step that spreads over time (reminders went out over several days). */
  until?: string;
  done: boolean;
  /** How many emails (of how many written), the report version, the session's status, the project next sent to. */
  count?: { sent: number; total: number };
  version?: number;
  status?: string;
  projectId?: string;
  /** Further projects due to send at the same next instant. */
  more?: number;
}

/** Which email kinds make up each email step of the line. */
const EMAIL_STEPS: { kind: TimelineStepKind; kinds: string[] }[] = [
  { kind: 'requests', kinds: ['request'] },
  { kind: 'reminders', kinds: ['reminder', 'overdue'] },
  { kind: 'escalations', kinds: ['escalation-supervisor', 'escalation-secretariat'] },
  { kind: 'invitations', kinds: ['invitation', 'invitation-update', 'invitation-cancel'] },
];

/** The cycle's steps in time order; a step with no date yet (no session convened) is left out. */
export function quarterTimeline(input: TimelineInput): TimelineStep[] {
  const now = Date.parse(input.now);
  const done = (at: string) => Date.parse(at) <= now;
  const steps: TimelineStep[] = [];
  const point = (kind: TimelineStepKind, at: string | undefined, extra: Partial<TimelineStep> = {}) => {
    if (at) steps.push({ kind, at, done: done(at), ...extra });
  };
  point('opened', input.openedAt);
  for (const step of EMAIL_STEPS) {
    const counts = input.emails.filter((e) => step.kinds.includes(e.kind));
    if (counts.length === 0) continue;
    const firstAt = counts.map((c) => c.firstAt).sort()[0];
    const lastAt = counts.map((c) => c.lastAt).sort()[counts.length - 1];
    const sent = counts.reduce((n, c) => n + c.sent, 0);
    const total = counts.reduce((n, c) => n + c.total, 0);
    steps.push({
      kind: step.kind,
      at: firstAt,
      ...(lastAt !== firstAt && { until: lastAt }),
      done: sent > 0 && done(firstAt),
      count: { sent, total },
    });
  }
  point('due', input.dueAt);
  point('cutoff', input.cutoffAt);
  for (const r of [...input.reports].sort((a, b) => a.version - b.version))
    point('report', r.createdAt, { version: r.version });
  if (input.session)
    point('session', input.session.startsAt, {
      status: input.session.status,
      done: input.session.status !== 'cancelled' && done(input.session.startsAt),
    });
  point('minutes', input.minutesAt);
  point('closed', input.closedAt);
  if (!input.closedAt) {
    // Not sent yet, even when its time has passed (a stopped worker): the next email is always planned.
    const next = [...input.nextSends].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    if (next.length > 0) {
      const same = next.filter((n) => Date.parse(n.at) === Date.parse(next[0].at));
      point('next-email', next[0].at, {
        done: false,
        projectId: same[0].projectId,
        ...(same.length > 1 && { more: same.length - 1 }),
      });
    }
  }
  return steps.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}
