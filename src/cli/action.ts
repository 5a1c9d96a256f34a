import type { Command } from 'commander';
import { CommandContext } from './context';
import type { Io } from './output';

/** What every command's action receives besides its arguments. */
export interface Runtime {
  io: Io;
  env: NodeJS.ProcessEnv;
  /** The context of the command that ran (for error output after it failed). */
  current?: CommandContext;
}

/**
 * Wraps a command's action: builds its context (with the global `--json`), runs it, and always closes
 * the database and Temporal connections, so the process can exit on its own.
 */
export function action<Args extends unknown[]>(
  runtime: Runtime,
  fn: (ctx: CommandContext, ...args: Args) => Promise<void>,
) {
  return async (...args: unknown[]): Promise<void> => {
    const cmd = args[args.length - 1] as Command;
    const ctx = new CommandContext(runtime.io, Boolean(cmd.optsWithGlobals().json), runtime.env);
    runtime.current = ctx;
    try {
      await fn(ctx, ...(args as Args));
    } finally {
      await ctx.close();
    }
  };
}
