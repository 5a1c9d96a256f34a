/**
 * Exit codes of `coord` (documented in `coord --help` and docs/cli.md) and the errors that carry them.
 * Scripts branch on these numbers, so they never change meaning.
 */

/** 0 ok, 1 the operation failed, 2 bad usage or bad configuration, 3 the thing named does not exist. */
export const ExitCode = { ok: 0, failure: 1, usage: 2, notFound: 3 } as const;
/** One of the exit codes above. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error whose message is meant for the operator as is (no stack trace) and that says how to exit. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.failure,
    /** Machine-readable code for `--json` output (`not-found`, `usage`, ...). */
    readonly code: string = 'failure',
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Bad arguments: exit code 2. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.usage, 'usage');
    this.name = 'UsageError';
  }
}

/** A mechanism, cycle, project or schedule that does not exist: exit code 3. */
export class NotFoundError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.notFound, 'not-found');
    this.name = 'NotFoundError';
  }
}

/** A failure whose report is already on stdout (e.g. an import's row errors): exit 1 without a second message. */
export class ReportedFailure extends CliError {
  constructor(exitCode: ExitCode = ExitCode.failure) {
    super('', exitCode, 'failure');
    this.name = 'ReportedFailure';
  }
}
