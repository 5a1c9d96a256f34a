/** Reads that must not hold a page, the API or the CLI up while the worker or Temporal does not answer. */

/** How long a page waits for a live workflow query before showing what the records say. */
export const LIVE_READ_WAIT_MS = 400;

/**
 * The read's value if it settles within `ms`, else `{ answered: false }`; a late read is then aborted through the
 * signal it was given (so that no query lingers in the client's retries while Temporal is away), and its error dropped.
 */
export async function within<T>(
  read: (signal: AbortSignal) => Promise<T>,
  ms: number,
): Promise<{ answered: true; value: T } | { answered: false }> {
  const controller = new AbortController();
  const promise = read(controller.signal);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<{ answered: false }>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({ answered: false });
    }, ms);
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
