/** Reads that must not hold a page up while the worker or Temporal does not answer. */

/** How long a page waits for a live workflow query before showing what the records say. */
export const LIVE_READ_WAIT_MS = 400;

/** The promise's value if it settles within `ms`, else `{ answered: false }` (the promise keeps running; its error is dropped). */
export async function within<T>(
  promise: Promise<T>,
  ms: number,
): Promise<{ answered: true; value: T } | { answered: false }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<{ answered: false }>((resolve) => {
    timer = setTimeout(() => resolve({ answered: false }), ms);
    timer.unref();
  });
  try {
    // A read that fails (no worker polls the queue, Temporal is unreachable) did not answer either: the caller then
    // uses the records, never an error page.
    return await Promise.race([
      promise.then(
        (value) => ({ answered: true as const, value }),
        () => ({ answered: false as const }),
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
