import type { Command } from 'commander';
import type { Runtime } from '../action';
/** placeholder */
export function registerScheduleCommands(program: Command, _r: Runtime): void {
  const s = program.command('schedule').description('x');
  for (const n of ['ensure', 'pause', 'resume', 'trigger']) s.command(n).argument('<mechanism>').action(() => undefined);
}
