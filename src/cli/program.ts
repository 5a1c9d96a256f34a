import { Command } from 'commander';
import type { Runtime } from './action';
import { registerCalendarCommands } from './commands/calendar';
import { registerCycleCommands } from './commands/cycle';
import { registerKeyCommands } from './commands/key';
import { registerMechanismCommands } from './commands/mechanism';
import { registerOutboxCommands } from './commands/outbox';
import { registerPortfolioCommands } from './commands/portfolio';
import { registerScheduleCommands } from './commands/schedule';
import { registerTokenCommands } from './commands/token';
import { registerUserCommands } from './commands/user';

const EPILOG = `
Configuration comes from the same environment variables (and .env file) as the server:
DATA_DIR, DATABASE_URL, TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, ...

Exit codes:
  0  done
  1  the operation failed (invalid file, Temporal refused or unreachable, ...)
  2  bad usage (arguments, options) or bad configuration
  3  not found (mechanism, cycle, project, schedule, file)

Add --json to any command for one machine-readable JSON document on stdout.
Progress of long operations goes to stderr.`;

/** The `coord` command tree; every command has `--help`, and parse errors throw (see main.ts) instead of exiting. */
export function buildProgram(runtime: Runtime): Command {
  const program = new Command('coord')
    .description(
      'Operate the coordination mechanism service: mechanisms, portfolios, cycles, schedules, outbox, users, API tokens and payload keys.',
    )
    .option('--json', 'print one machine-readable JSON document on stdout')
    .addHelpText('after', EPILOG)
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .configureOutput({
      writeOut: (s) => runtime.io.stdout.write(s),
      writeErr: (s) => runtime.io.stderr.write(s),
    })
    .showHelpAfterError(true)
    .exitOverride();

  registerMechanismCommands(program, runtime);
  registerPortfolioCommands(program, runtime);
  registerCycleCommands(program, runtime);
  registerCalendarCommands(program, runtime);
  registerScheduleCommands(program, runtime);
  registerOutboxCommands(program, runtime);
  registerUserCommands(program, runtime);
  registerTokenCommands(program, runtime);
  registerKeyCommands(program, runtime);
  return program;
}
