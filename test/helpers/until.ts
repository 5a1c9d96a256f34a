/**
 * Polls until `check` returns a truthy value and returns it, at most `timeoutMs`: for effects that land
 * asynchronously (what a workflow does after answering an update, document rendering in real time while workflow
 * time stands still, visibility). Polling never lets time skip: the test server skips only inside `env.sleep`.
 */
export async function until<T>(
  what: string,
  check: () => Promise<T | undefined | false | null>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
