/**
 * The cycle page's times (`inZone`): formatted once per minute and with the zone's offset looked up once per quarter
 * hour, they must read exactly as formatting each instant in its zone does, across daylight-saving changes too.
 */
import { formatInstant } from '../../src/documents/format';
import { inZone } from '../../src/api/pages/timeline';

/** Every `stepMinutes` minutes from `from` for `hours` hours, at an odd second so that minutes are truncated. */
function instants(from: string, hours: number, stepMinutes: number): string[] {
  const start = Date.parse(from);
  return Array.from({ length: (hours * 60) / stepMinutes }, (_, i) =>
    new Date(start + i * stepMinutes * 60_000 + 17_321).toISOString(),
  );
}

describe('times on the cycle page', () => {
  it.each([
    // No daylight saving: the mechanism's zones.
    ['Africa/Maseru', '2026-12-02T05:00:00Z'],
    ['Asia/Shanghai', '2026-12-02T05:00:00Z'],
    // Summer time starts and ends on the hour (UTC 01:00).
    ['Europe/London', '2026-03-29T00:00:00Z'],
    ['Europe/London', '2026-10-25T00:00:00Z'],
    // A half-hour change at 02:00 local, which is not on a UTC hour (15:30 UTC).
    ['Australia/Lord_Howe', '2026-10-03T14:00:00Z'],
    // A +05:45 zone.
    ['Asia/Kathmandu', '2026-12-02T05:00:00Z'],
  ])('in %s from %s read as each instant formatted alone', (zone, from) => {
    const local = inZone(zone);
    for (const iso of instants(from, 3, 7)) expect([iso, local(iso)]).toEqual([iso, formatInstant(iso, zone, false)]);
  });

  it('in Chinese, as the documents write a Chinese time', () => {
    const local = inZone('Asia/Shanghai', 'zh');
    for (const iso of instants('2026-12-02T05:00:00Z', 2, 11))
      expect(local(iso)).toBe(formatInstant(iso, 'Asia/Shanghai', false, 'zh'));
    expect(local('2026-12-02T05:07:00Z')).toBe('2026年12月2日 13:07');
  });

  it('shows nothing for no time, and an unreadable one as the formatter does', () => {
    const local = inZone('Africa/Maseru');
    expect(local(undefined)).toBe('');
    expect(local('soon')).toBe(formatInstant('soon', 'Africa/Maseru', false));
  });
});
