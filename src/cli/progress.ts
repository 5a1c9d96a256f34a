/**
 * Progress of a long operation on stderr. On a terminal one line is rewritten in place; otherwise (logs,
 * pipes, tests) each update is its own line, at most one per `minIntervalMs` except the last.
 */
export function createProgress(stderr: NodeJS.WritableStream & { isTTY?: boolean }, minIntervalMs = 250) {
  let last = 0;
  let open = false;
  return {
    /** Shows `label done/total`; the final update (done === total) is always shown. */
    update(label: string, done: number, total: number): void {
      const now = Date.now();
      if (done < total && now - last < minIntervalMs) return;
      last = now;
      this.line(`${label} ${done}/${total}`);
    },
    /** Shows a free-form progress line (e.g. "waiting for cycle:cn-ls:2026-Q1 to start"). */
    line(text: string): void {
      if (stderr.isTTY) {
        stderr.write(`\r\x1b[K${text}`);
        open = true;
      } else {
        stderr.write(`${text}\n`);
      }
    },
    /** Ends an in-place line so later output starts on a fresh line. */
    done(): void {
      if (open) stderr.write('\n');
      open = false;
    },
  };
}

/** The progress reporter's interface. */
export type Progress = ReturnType<typeof createProgress>;
