import { DateTime } from 'luxon';
import { isoDate } from '../../src/domain';

describe('a date (isoDate)', () => {
  test('takes exactly the days that exist from 2000 to 2099', () => {
    // Every string of the form 20YY-MM-DD with plausible month and day numbers, against luxon's calendar.
    const wrong: string[] = [];
    for (let y = 2000; y <= 2099; y++)
      for (let m = 1; m <= 12; m++)
        for (let d = 1; d <= 31; d++) {
          const text = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
          const exists = DateTime.fromISO(text).isValid;
          if (isoDate.safeParse(text).success !== exists) wrong.push(text);
        }
    expect(wrong).toEqual([]);
  });

  test.each(['2095-02-29', '2026-02-30', '2026-04-31', '1999-12-31', '2100-01-01', '2026-1-5', '2026-12-01T00:00'])(
    'refuses %s',
    (text) => {
      expect(isoDate.safeParse(text).success).toBe(false);
    },
  );
});
