import type { Command } from 'commander';
import { action, type Runtime } from '../action';
import type { CommandContext } from '../context';
import { NotFoundError } from '../errors';
import { requireMechanism } from './lookup';

/** What `coord schedule status` (and every schedule command with --json) reports. */
interface ScheduleStatus {
  mechanismId: string;
  scheduleId: string;
  paused: boolean;
  note?: string;
  nextOpenings: string[];
  recentRuns: string[];
}

/** `coord schedule ensure|status|pause|resume|trigger`: the Temporal Schedule that opens a mechanism's cycles. */
export function registerScheduleCommands(program: Command, runtime: Runtime): void {
  const schedule = program
    .command('schedule')
    .description("manage the Temporal Schedule that opens a mechanism's quarterly cycles");

  const mechanismCommand = (name: string, description: string, example: string) =>
    schedule
      .command(name)
      .description(description)
      .argument('<mechanism>', 'mechanism id, e.g. cn-ls')
      .addHelpText('after', `\nExample:\n  ${example}`);

  mechanismCommand(
    'ensure',
    "create the mechanism's schedule, or bring it up to date with the mechanism's policy (safe to repeat)",
    'coord schedule ensure cn-ls',
  ).action(
    action(runtime, async (ctx, mechanismId: string) => {
      const mechanism = await requireMechanism(await ctx.store(), mechanismId);
      const { ensureSchedule } = await import('../../temporal/schedules');
      const outcome = await ensureSchedule(await ctx.temporal(), mechanism, ctx.config().TEMPORAL_TASK_QUEUE);
      await audit(ctx, mechanismId, `schedule.${outcome}`);
      const status = await describe(ctx, mechanismId);
      ctx.out.result({ ...status, outcome }, () => `schedule ${status.scheduleId} ${outcome}${nextLine(status)}`);
    }),
  );

  mechanismCommand(
    'status',
    'whether the schedule is paused, and when it next opens a cycle',
    'coord schedule status cn-ls',
  ).action(
    action(runtime, async (ctx, mechanismId: string) => {
      await requireMechanism(await ctx.store(), mechanismId);
      const status = await describe(ctx, mechanismId);
      ctx.out.result(status, () =>
        [
          `schedule ${status.scheduleId}: ${status.paused ? 'paused' : 'active'}${status.note ? ` (${status.note})` : ''}`,
          `next openings: ${status.nextOpenings.length ? status.nextOpenings.join(', ') : '-'}`,
          `recent runs: ${status.recentRuns.length ? status.recentRuns.join(', ') : '-'}`,
        ].join('\n'),
      );
    }),
  );

  mechanismCommand(
    'pause',
    'stop the schedule opening cycles until resumed (running cycles go on)',
    "coord schedule pause cn-ls --note 'no session this quarter'",
  )
    .option('--note <text>', 'why (shown in Temporal UI)')
    .action(
      action(runtime, async (ctx, mechanismId: string, opts: { note?: string }) => {
        await requireMechanism(await ctx.store(), mechanismId);
        const { pauseSchedule } = await import('../../temporal/schedules');
        await onSchedule(mechanismId, () =>
          ctx.temporal().then((c) => pauseSchedule(c, mechanismId, opts.note ?? `paused with coord by ${ctx.actor()}`)),
        );
        await audit(ctx, mechanismId, 'schedule.paused', opts.note);
        const status = await describe(ctx, mechanismId);
        ctx.out.result(status, () => `schedule ${status.scheduleId} paused`);
      }),
    );

  mechanismCommand('resume', 'let the schedule open cycles again', 'coord schedule resume cn-ls')
    .option('--note <text>', 'why (shown in Temporal UI)')
    .action(
      action(runtime, async (ctx, mechanismId: string, opts: { note?: string }) => {
        await requireMechanism(await ctx.store(), mechanismId);
        const { resumeSchedule } = await import('../../temporal/schedules');
        await onSchedule(mechanismId, () =>
          ctx
            .temporal()
            .then((c) => resumeSchedule(c, mechanismId, opts.note ?? `resumed with coord by ${ctx.actor()}`)),
        );
        await audit(ctx, mechanismId, 'schedule.resumed', opts.note);
        const status = await describe(ctx, mechanismId);
        ctx.out.result(status, () => `schedule ${status.scheduleId} resumed${nextLine(status)}`);
      }),
    );

  mechanismCommand(
    'trigger',
    "run the schedule now: opens the current quarter's cycle (nothing new if it is already open)",
    'coord schedule trigger cn-ls',
  ).action(
    action(runtime, async (ctx, mechanismId: string) => {
      await requireMechanism(await ctx.store(), mechanismId);
      const { triggerSchedule } = await import('../../temporal/schedules');
      await onSchedule(mechanismId, () => ctx.temporal().then((c) => triggerSchedule(c, mechanismId)));
      await audit(ctx, mechanismId, 'schedule.triggered');
      const { scheduleId } = await import('../../temporal/ids');
      ctx.out.result(
        { mechanismId, scheduleId: scheduleId(mechanismId), triggered: true },
        () =>
          `schedule ${scheduleId(mechanismId)} triggered: the current quarter's cycle opens (see: coord cycle status)`,
      );
    }),
  );
}

/** Runs a schedule operation; a missing schedule is exit 3 with the command that creates it. */
async function onSchedule<T>(mechanismId: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if ((err as Error)?.name === 'ScheduleNotFoundError')
      throw new NotFoundError(
        `mechanism ${mechanismId} has no schedule yet (create it with: coord schedule ensure ${mechanismId})`,
      );
    throw err;
  }
}

async function describe(ctx: CommandContext, mechanismId: string): Promise<ScheduleStatus> {
  const { scheduleId } = await import('../../temporal/ids');
  const client = await ctx.temporal();
  const d = await onSchedule(mechanismId, () => client.schedule.getHandle(scheduleId(mechanismId)).describe());
  return {
    mechanismId,
    scheduleId: d.scheduleId,
    paused: d.state.paused,
    ...(d.state.note && { note: d.state.note }),
    nextOpenings: d.info.nextActionTimes.slice(0, 4).map((t) => t.toISOString()),
    recentRuns: d.info.recentActions.slice(-4).map((a) => a.takenAt.toISOString()),
  };
}

function nextLine(s: ScheduleStatus): string {
  return s.nextOpenings.length > 0 ? `; next opening ${s.nextOpenings[0]}` : '';
}

function audit(ctx: CommandContext, mechanismId: string, actionName: string, note?: string): Promise<void> {
  return ctx.store().then((s) =>
    s.audit.append({
      actor: ctx.actor(),
      action: actionName,
      entityType: 'schedule',
      entityId: mechanismId,
      ...(note && { details: { note } }),
    }),
  );
}
