/**
 * `within`: a read that answers in time gives its value; a late one gives `{ answered: false }` and is aborted through
 * its signal, so that nothing it started (a Temporal query) lingers once the page has answered from the records.
 */
import { within } from '../../src/temporal/bounded';

/** A read that settles after `ms` and records whether it saw its signal abort. */
function read(ms: number, outcome: 'value' | 'error' = 'value') {
  const seen = { aborted: false };
  const fn = (signal: AbortSignal) =>
    new Promise<string>((resolve, reject) => {
      signal.addEventListener('abort', () => (seen.aborted = true));
      setTimeout(() => (outcome === 'value' ? resolve('live') : reject(new Error('no worker'))), ms);
    });
  return { fn, seen };
}

describe('within', () => {
  it('gives the value of a read that answers in time, and leaves it alone', async () => {
    const { fn, seen } = read(10);
    expect(await within(fn, 1000)).toEqual({ answered: true, value: 'live' });
    expect(seen.aborted).toBe(false);
  });

  it('stops waiting for a late read and aborts it', async () => {
    const { fn, seen } = read(1000);
    // Not answered: it did not wait for the read's value.
    expect(await within(fn, 50)).toEqual({ answered: false });
    expect(seen.aborted).toBe(true);
  });

  it('counts a read that fails as not answered, never as an error', async () => {
    const { fn, seen } = read(10, 'error');
    expect(await within(fn, 1000)).toEqual({ answered: false });
    expect(seen.aborted).toBe(false);
  });
});
