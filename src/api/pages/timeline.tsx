/**
 * The cycle page's timeline: the quarter on one line (src/domain/timeline.ts), done and planned, with the times in
 * the zone the viewer picks among the mechanism's (its own and each side's; `?zone=`), the zone named.
 */
import { DateTime } from 'luxon';
import { quarterTimeline, type Language, type Mechanism, type TimelineInput, type TimelineStep } from '../../domain';
import { formatInstant } from '../../documents/format';
import type { Markup } from './layout';
import type { PageLanguage } from './language';

/** The zones a viewer can pick on a mechanism's pages: the mechanism's first, then each side's. */
export function viewerZones(mechanism: Mechanism): string[] {
  return [...new Set([mechanism.timeZone, ...mechanism.sides.map((s) => s.timeZone ?? mechanism.timeZone)])];
}

/** The zone asked for when it is one of the mechanism's, else the mechanism's own. */
export function viewerZone(mechanism: Mechanism, asked: string | undefined): string {
  const zones = viewerZones(mechanism);
  return asked && zones.includes(asked) ? asked : zones[0];
}

/** The minute before an end-of-day instant (midnight after a date): that date's 23:59, as people read a deadline. */
export const lastMinuteBefore = (iso: string) => new Date(Date.parse(iso) - 60_000).toISOString();

/**
 * An instant in the viewer's zone and language, "5 March 2026, 10:00" / "2026年3月5日 10:00" (the zone is named once,
 * above the times). A cycle page shows
 * two thousand of them, many in the same minute (the sends a plan puts at the same hour): each minute is formatted
 * once per page, and the zone's offset is looked up once per quarter hour of time (zones change their offsets on a
 * quarter hour), the minute then formatted at that fixed offset without asking Intl for the zone again.
 */
export const inZone = (zone: string, language: Language = 'en') => {
  const offsets = new Map<number, number>();
  const minutes = new Map<number, string>();
  return (iso: string | undefined): string => {
    if (!iso) return '';
    const ms = Date.parse(iso);
    if (Number.isNaN(ms)) return formatInstant(iso, zone, false, language);
    const minute = Math.floor(ms / 60_000);
    let shown = minutes.get(minute);
    if (shown === undefined) {
      const quarterHour = Math.floor(minute / 15);
      let offset = offsets.get(quarterHour);
      if (offset === undefined) {
        offset = DateTime.fromMillis(ms, { zone }).offset;
        offsets.set(quarterHour, offset);
      }
      shown = formatInstant(new Date((minute + offset) * 60_000).toISOString(), 'UTC', false, language);
      minutes.set(minute, shown);
    }
    return shown;
  };
};

/** What each step says; `title` names a project. */
function label(step: TimelineStep, title: (projectId: string) => string, t: PageLanguage['t']): string {
  const emails = (what: string) =>
    step.count ? t('page.timeline.emails', { what, sent: step.count.sent, total: step.count.total }) : what;
  switch (step.kind) {
    case 'opened':
      return t('page.timeline.opened');
    case 'requests':
      return emails(t('page.timeline.requests'));
    case 'reminders':
      return emails(t('page.timeline.reminders'));
    case 'escalations':
      return emails(t('page.timeline.escalations'));
    case 'due':
      return t('page.timeline.due');
    case 'cutoff':
      return t('page.timeline.cutoff');
    case 'report':
      return t('page.timeline.report', { version: step.version ?? 0 });
    case 'invitations':
      return emails(t('page.timeline.invitations'));
    case 'session':
      return step.status === 'cancelled' ? t('page.timeline.sessionCancelled') : t('page.timeline.session');
    case 'minutes':
      return t('page.timeline.minutes');
    case 'closed':
      return t('page.timeline.closed');
    case 'next-email':
      return t('page.timeline.nextEmail', { project: title(step.projectId ?? ''), more: step.more ?? 0 });
  }
}

/**
 * The timeline section: each step with its time (and until when, for emails sent over several days), marked done or
 * planned, with a "now" line between the two; links switch the zone. `base` is the cycle page's path.
 */
export function timelineSection(
  input: TimelineInput,
  options: { zone: string; zones: string[]; base: string; title: (projectId: string) => string } & PageLanguage,
): Markup {
  const { t } = options;
  const steps = quarterTimeline(input);
  const at = inZone(options.zone, options.language);
  const others = options.zones.filter((z) => z !== options.zone);
  const now = Date.parse(input.now);
  const items: Markup[] = [];
  let nowShown = false;
  const nowLine = (
    <li class="now" aria-label={t('page.timeline.now')}>
      <strong>{t('page.timeline.now')}</strong> <small>{at(input.now)}</small>
    </li>
  );
  for (const step of steps) {
    if (!nowShown && Date.parse(step.at) > now) {
      items.push(nowLine);
      nowShown = true;
    }
    // The due instant and the cut-off are the midnight after their date: shown as that date's last minute, as the
    // emails do.
    const shown = step.kind === 'due' || step.kind === 'cutoff' ? lastMinuteBefore(step.at) : step.at;
    items.push(
      <li class={step.done ? 'done' : 'planned'} data-step={step.kind}>
        <time datetime={step.at}>{at(shown)}</time>
        {step.until && (
          <>
            {' – '}
            <time datetime={step.until}>{at(step.until)}</time>
          </>
        )}{' '}
        {label(step, options.title, t)}{' '}
        <small>{step.done ? t('page.timeline.done') : t('page.timeline.planned')}</small>
      </li>,
    );
  }
  if (!nowShown && !input.closedAt) items.push(nowLine);
  return (
    <>
      <h2 id="timeline">{t('page.timeline.title')}</h2>
      <p>
        <small>
          {t('page.timeline.zone', { zone: options.zone })}
          {others.length > 0 && (
            <>
              {' '}
              {t('page.timeline.otherZones')}{' '}
              {others.map((z, i) => (
                <>
                  {i > 0 && t('page.listSeparator')}
                  <a href={`${options.base}?zone=${encodeURIComponent(z)}`}>{z}</a>
                </>
              ))}
              {t('page.sentenceEnd')}
            </>
          )}
        </small>
      </p>
      <ol class="timeline">{items}</ol>
    </>
  );
}
