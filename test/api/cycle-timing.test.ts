/**
 * Opening a cycle for a quarter that has not begun, or one that is over, through the API. In a file of their own:
 * a cycle waiting for an opening day years ahead lets the time-skipping server jump its clock there, which would
 * move the shared clock of every later test in a file.
 */
import { eventually, useStackPerTest } from './support';

const cycleUrl = (quarter: string) => `/api/v1/mechanisms/cn-ls/cycles/${quarter}`;
const ctx = useStackPerTest();

describe('a cycle keeps to its quarter', () => {
  test('opens a cycle for a quarter that has not begun as waiting for its opening day, and says when it opens', async () => {
    const stack = ctx.stack();
    const res = await stack.call({
      method: 'POST',
      url: '/api/v1/mechanisms/cn-ls/cycles',
      payload: { quarter: '2030-Q2' },
    });
    expect(res.statusCode).toBe(201);
    // The opening month's first working day: Saturday 1 June 2030 moves to Monday 3 June, 08:00 in Maseru.
    expect(res.json()).toMatchObject({
      timing: 'future',
      opensAt: '2030-06-03T06:00:00.000Z',
      dueDate: '2030-06-17',
      notice: expect.stringContaining('2030-Q2 has not begun'),
    });
    const cycle = await eventually(async () => {
      const r = await stack.call({ method: 'GET', url: cycleUrl('2030-Q2') });
      return r.statusCode === 200 && r.json().timing !== undefined && r.json();
    }, 'the cycle to say it waits');
    expect(cycle).toMatchObject({
      timing: 'future',
      opensAt: '2030-06-03T06:00:00.000Z',
      waitingFor: expect.stringContaining('nothing is sent before'),
      projects: [],
    });
  });

  test('opens a cycle for a quarter that is over as a catch-up and shows the dates it computed', async () => {
    const stack = ctx.stack();
    const res = await stack.call({
      method: 'POST',
      url: '/api/v1/mechanisms/cn-ls/cycles',
      payload: { quarter: '2024-Q3' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      timing: 'past',
      dueDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      cutoffAt: expect.any(String),
      notice: expect.stringContaining('2024-Q3 is over: this is a catch-up cycle'),
    });
  });
});
