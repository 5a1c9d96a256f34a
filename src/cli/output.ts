import { CliError, ExitCode } from './errors';

/** Where a command writes: stdout for results, stderr for progress and errors (so `--json | jq` stays clean). */
export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
}

/** The process's own streams. */
export const processIo = (): Io => ({ stdout: process.stdout, stderr: process.stderr, stdin: process.stdin });

/**
 * One command's output. With `--json` a command writes exactly one JSON document on stdout (its result,
 * or `{"error": {...}}` on failure); otherwise human text.
 */
export class Output {
  constructor(
    readonly io: Io,
    readonly json: boolean,
  ) {}

  /** Writes the result: `data` as JSON, or the human text. */
  result(data: unknown, human: () => string): void {
    this.io.stdout.write(this.json ? `${JSON.stringify(data, null, 2)}\n` : ensureNewline(human()));
  }

  /** A note for the human reader on stderr (never mixed into JSON on stdout). */
  note(text: string): void {
    this.io.stderr.write(ensureNewline(text));
  }

  /** Reports a failure: `{"error": {code, message, fields?}}` on stdout with --json, and the message on stderr. */
  error(err: CliError | { message: string; code: string; exitCode: ExitCode; fields?: unknown }): void {
    if (this.json) {
      const fields = 'fields' in err && err.fields !== undefined ? { fields: err.fields } : {};
      this.io.stdout.write(
        `${JSON.stringify({ error: { code: err.code, message: err.message, ...fields } }, null, 2)}\n`,
      );
    }
    this.io.stderr.write(`coord: ${ensureNewline(err.message)}`);
  }
}

function ensureNewline(s: string): string {
  return s.endsWith('\n') ? s : `${s}\n`;
}
