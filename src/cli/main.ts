/**
 * `coord`: the operators' and secretariat's command line (PRODUCT.md section 8). `run` returns the exit
 * code instead of exiting, so it can be called in-process; the bin/coord shim calls it with process.argv.
 */
import { CommanderError } from 'commander';
import type { MechanismFileError } from '../store';
import type { Runtime } from './action';
import { CliError, ExitCode, ReportedFailure } from './errors';
import { Output, processIo, type Io } from './output';
import { buildProgram } from './program';

// Commander's codes for "help was asked for" (not an error) and "help shown because a subcommand is missing".
const HELP_OK = new Set(['commander.helpDisplayed', 'commander.version']);

/** Runs one `coord` invocation (arguments after the program name) and returns its exit code; never throws. */
export async function run(
  args: string[],
  io: Io = processIo(),
  env: NodeJS.ProcessEnv = process.env,
): Promise<ExitCode> {
  const runtime: Runtime = { io, env };
  const program = buildProgram(runtime);
  const json = args.includes('--json');
  try {
    await program.parseAsync(args, { from: 'user' });
    return ExitCode.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (HELP_OK.has(err.code)) return ExitCode.ok;
      // Commander has already printed the message and the usage hint on stderr.
      if (json)
        io.stdout.write(
          `${JSON.stringify({ error: { code: 'usage', message: err.message.replace(/^error: /, '') } })}\n`,
        );
      return ExitCode.usage;
    }
    if (err instanceof ReportedFailure) return err.exitCode;
    const out = runtime.current?.out ?? new Output(io, json);
    if (err instanceof CliError) {
      out.error(err);
      return err.exitCode;
    }
    // By name, not instanceof: requiring the store here would slow down every `coord --help`.
    if ((err as Error)?.name === 'MechanismFileError') {
      const problems = (err as MechanismFileError).problems;
      out.error({
        message: (err as Error).message,
        code: 'invalid-file',
        exitCode: ExitCode.failure,
        fields: problems.map((p) => ({ field: p.path, message: p.message })),
      });
      return ExitCode.failure;
    }
    out.error({ message: (err as Error)?.message ?? String(err), code: 'failure', exitCode: ExitCode.failure });
    if (env.COORD_DEBUG) io.stderr.write(`${(err as Error)?.stack ?? ''}\n`);
    return ExitCode.failure;
  }
}

if (require.main === module) {
  void run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
