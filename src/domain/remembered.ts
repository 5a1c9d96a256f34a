/**
 * A pure function of strings, its results kept by arguments (at most `max`, then all forgotten at once). For zone
 * arithmetic, which luxon does in tens of microseconds, asked for the same few dates over and over: every email of a
 * step shows the same deadline, every reminder plan ends its dates the same way. Deterministic, so workflows may use it.
 */
export function remembered<A extends string[], R>(fn: (...args: A) => R, max = 1000): (...args: A) => R {
  const kept = new Map<string, R>();
  return (...args: A): R => {
    const key = args.join('\u0000');
    if (kept.has(key)) return kept.get(key)!;
    const result = fn(...args);
    if (kept.size >= max) kept.clear();
    kept.set(key, result);
    return result;
  };
}
