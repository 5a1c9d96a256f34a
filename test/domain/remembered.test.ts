/** Remembered results (src/domain/remembered.ts): the zone arithmetic behind due instants and dates in emails. */
import { remembered } from '../../src/domain';

describe('a remembered function', () => {
  it('answers as the function does, the second time without asking it again, also once it has forgotten', () => {
    const asked: string[] = [];
    const shout = remembered((a: string, b: string) => {
      asked.push(`${a}|${b}`);
      return `${a.toUpperCase()} ${b}`;
    }, 2);
    expect(shout('due', 'friday')).toBe('DUE friday');
    expect(shout('due', 'friday')).toBe('DUE friday');
    expect(shout('due', 'monday')).toBe('DUE monday');
    expect(asked).toEqual(['due|friday', 'due|monday']);
    // Past its bound it forgets everything and asks again: the same answers.
    expect(shout('late', 'friday')).toBe('LATE friday');
    expect(shout('due', 'friday')).toBe('DUE friday');
    expect(asked).toEqual(['due|friday', 'due|monday', 'late|friday', 'due|friday']);
  });

  it('keeps no failure: a date it cannot read fails every time', () => {
    let calls = 0;
    const parse = remembered((date: string) => {
      calls += 1;
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`not a date: ${date}`);
      return date;
    });
    expect(() => parse('13 March')).toThrow('not a date');
    expect(() => parse('13 March')).toThrow('not a date');
    expect(calls).toBe(2);
  });
});
