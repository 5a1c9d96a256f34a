import type { UpdateDefinition } from '@temporalio/common';
import type { Command } from 'commander';
import type { CommandTarget } from '../../temporal/cycles';
import { action, type Runtime } from '../action';
import type { CommandContext } from '../context';
import { loadCycleStatus, queryIfRunning, type CycleStatus } from '../cycle-status';
import { CliError, ExitCode, NotFoundError, UsageError } from '../errors';
import { formatTable } from '../table';
import { waitForWorkflowStart } from '../wait-for-start';
import { parseQuarterArg, positiveInt, requireMechanism } from './lookup';

/** `coord cycle start|status|extend|waive`: open a quarter's cycle and act on it, through the same workflows as the API. */
export function registerCycleCommands(program: Command, runtime: Runtime): void {
  const cycle = program
    .command('cycle')
    .description("start and inspect a quarter's cycle; extend or waive a project's update");

  cycle
    .command('start')
    .description('open the cycle of a quarter (starting it again finds the existing cycle: never a second one)')
    .argument('<mechanism>', 'mechanism id, e.g. cn-ls')
    .argument('[quarter]', "quarter like 2026-Q1 (default: the current quarter in the mechanism's time zone)")
    .option('--wait <seconds>', 'how long to wait for a worker to take the cycle up', positiveInt, 30)
    .option('--no-wait', 'return as soon as Temporal has accepted the cycle')
    .addHelpText('after', '\nExamples:\n  coord cycle start cn-ls\n  coord cycle start cn-ls 2026-Q2 --json')
    .action(
      action(
        runtime,
        async (ctx, mechanismId: string, quarterArg: string | undefined, opts: { wait: number | false }) => {
          const store = await ctx.store();
          const mechanism = await requireMechanism(store, mechanismId);
          const { describeCycleOpening, quarterOf } = await import('../../domain');
          const quarter = quarterArg ? await parseQuarterArg(quarterArg) : quarterOf(new Date(), mechanism.timeZone);
          const client = await ctx.temporal();
          const { startCycle } = await import('../../temporal/cycles');
          const { workflowId, created } = await startCycle(client, mechanismId, quarter, {
            taskQueue: ctx.config().TEMPORAL_TASK_QUEUE,
          });
          // The same rule as the API and the pages: a future quarter waits for its opening day, a past one catches up.
          const opening = created ? describeCycleOpening(mechanism, quarter, new Date().toISOString()) : undefined;
          if (created) {
            await store.audit.append({
              actor: ctx.actor(),
              action: 'cycle.open',
              entityType: 'cycle',
              entityId: workflowId,
              details: { timing: opening!.timing, opensAt: opening!.opensAt },
            });
          }
          const running =
            opts.wait === false
              ? undefined
              : await waitForWorkflowStart(client, workflowId, opts.wait * 1000, ctx.progress);
          const dates = opening && {
            timing: opening.timing,
            opensAt: opening.opensAt,
            ...opening.dates,
            notice: opening.notice,
          };
          ctx.out.result(
            { mechanismId, quarter, workflowId, created, ...dates, ...(running !== undefined && { running }) },
            () =>
              created
                ? `cycle ${mechanismId} ${quarter} started (workflow ${workflowId})\n${opening!.notice}`
                : `cycle ${mechanismId} ${quarter} already exists (workflow ${workflowId}): nothing started`,
          );
          if (running === false) {
            throw new CliError(
              `no worker took up ${workflowId} within ${opts.wait} s: is the worker running on task queue "${ctx.config().TEMPORAL_TASK_QUEUE}"?`,
              ExitCode.failure,
              'no-worker',
            );
          }
        },
      ),
    );

  cycle
    .command('status')
    .description("each project's state in a cycle, with the last email sent and the next one planned")
    .argument('<mechanism>', 'mechanism id')
    .argument('<quarter>', 'quarter like 2026-Q1')
    .addHelpText(
      'after',
      '\nExamples:\n  coord cycle status cn-ls 2026-Q1\n  coord cycle status cn-ls 2026-Q1 --json | jq \'.projects[] | select(.state == "overdue")\'',
    )
    .action(
      action(runtime, async (ctx, mechanismId: string, quarterArg: string) => {
        const quarter = await parseQuarterArg(quarterArg);
        const store = await ctx.store();
        await requireMechanism(store, mechanismId);
        // With Temporal unreachable the records answer after the live wait (marked), not after the client's 10 s.
        const client = await ctx.temporal({ readerWithFallback: true });
        const status = await loadCycleStatus(store, client, mechanismId, quarter);
        if (!status)
          throw new NotFoundError(
            `no cycle ${mechanismId} ${quarter} (start it with: coord cycle start ${mechanismId} ${quarter})`,
          );
        ctx.out.result(status, () => formatStatus(status));
      }),
    );

  cycle
    .command('extend')
    .description("move one project's due date (also answers the owner's pending extension request)")
    .argument('<mechanism>', 'mechanism id')
    .argument('<quarter>', 'quarter like 2026-Q1')
    .argument('<project>', 'project id')
    .option('--until <date>', 'new due date, YYYY-MM-DD')
    .option('--days <n>', 'calendar days after the current due date', positiveInt)
    .addHelpText(
      'after',
      '\nExamples:\n  coord cycle extend cn-ls 2026-Q1 mpiti-road --until 2026-03-27\n  coord cycle extend cn-ls 2026-Q1 mpiti-road --days 7',
    )
    .action(
      action(
        runtime,
        async (
          ctx,
          mechanismId: string,
          quarterArg: string,
          projectId: string,
          opts: { until?: string; days?: number },
        ) => {
          if ((opts.until === undefined) === (opts.days === undefined))
            throw new UsageError('give exactly one of --until <date> or --days <n>');
          const quarter = await parseQuarterArg(quarterArg);
          const { addDays, isoDate } = await import('../../domain');
          if (opts.until !== undefined && !isoDate.safeParse(opts.until).success)
            throw new UsageError(`--until must be a date YYYY-MM-DD, not "${opts.until}"`);
          const target = await openUpdate(ctx, mechanismId, quarter, projectId);
          const dueDate = opts.until ?? addDays(target.state.dueDate, opts.days!);
          const { grantExtension } = await import('../../workflows/messages');
          const result = await decide(ctx, { mechanismId, quarter, projectId }, grantExtension, [
            { dueDate, grantedBy: ctx.actor() },
          ]);
          const newDue = result.dueDate;
          ctx.out.result(
            { mechanismId, quarter, projectId, previousDueDate: target.state.dueDate, dueDate: newDue },
            () => `${projectId}: due date moved from ${target.state.dueDate} to ${newDue}`,
          );
        },
      ),
    );

  cycle
    .command('convene')
    .description("convene (or reschedule) the session; the date is checked against both sides' calendars first")
    .argument('<mechanism>', 'mechanism id')
    .argument('<quarter>', 'quarter like 2026-Q1')
    .option('--at <instant>', 'start, ISO 8601 with offset (default: the proposed date)')
    .requiredOption('--venue <text>', 'where the session is held')
    .requiredOption('--chairs <ids>', 'comma-separated contact ids of the co-chairs', commaList)
    .requiredOption('--attendees <ids>', 'comma-separated contact ids of the attendees', commaList)
    .option('--duration <minutes>', 'length in minutes', positiveInt)
    .option(
      '--confirm-holiday',
      'convene even though the date is a holiday (or a weekend) on a side; the invitation says so',
    )
    .addHelpText(
      'after',
      "\nExample:\n  coord cycle convene cn-ls 2026-Q4 --at 2026-12-10T10:00:00+02:00 --venue 'MoFAIR, Maseru' --chairs chair-ls,chair-cn --attendees secretariat-ls,secretariat-cn",
    )
    .action(
      action(
        runtime,
        async (
          ctx,
          mechanismId: string,
          quarterArg: string,
          opts: {
            at?: string;
            venue: string;
            chairs: string[];
            attendees: string[];
            duration?: number;
            confirmHoliday?: boolean;
          },
        ) => {
          const quarter = await parseQuarterArg(quarterArg);
          const store = await ctx.store();
          const mechanism = await requireMechanism(store, mechanismId);
          const [{ checkMechanismSessionDate, isoInstant }, { cycleWorkflowId }, { cycleState, convene }] =
            await Promise.all([
              import('../../domain'),
              import('../../temporal/ids'),
              import('../../workflows/messages'),
            ]);
          if (opts.at !== undefined && !isoInstant.safeParse(opts.at).success)
            throw new UsageError(`--at must be an instant like 2026-12-10T10:00:00+02:00, not "${opts.at}"`);
          const workflowId = cycleWorkflowId(mechanismId, quarter);
          const state = await queryIfRunning(await ctx.temporal(), workflowId, (h) => h.query(cycleState));
          if (!state) throw new NotFoundError(`no running cycle ${mechanismId} ${quarter}`);
          const startsAt = opts.at ?? state.proposedSessionAt;
          if (!startsAt) throw new UsageError('the cycle has no proposed date yet: give --at');
          const check = checkMechanismSessionDate(mechanism, startsAt);
          for (const warning of check.warnings) ctx.progress.line(`warning: ${warning}`);
          if (check.needsConfirmation && !opts.confirmHoliday) {
            throw new CliError(
              `${check.warnings.join('; ')}: add --confirm-holiday to convene on it anyway, or choose one of the dates both sides work: ${check.alternatives.join(', ')}`,
              ExitCode.failure,
              'holiday-not-confirmed',
            );
          }
          const input = {
            startsAt,
            venue: opts.venue,
            chairs: opts.chairs,
            attendees: opts.attendees,
            ...(opts.duration !== undefined && { durationMinutes: opts.duration }),
            ...(opts.confirmHoliday && { holidayConfirmed: true }),
          };
          const result = await decide(ctx, { mechanismId, quarter }, convene, [input]);
          ctx.out.result(
            { mechanismId, quarter, ...result, warnings: check.warnings, alternatives: check.alternatives },
            () =>
              [
                `session convened for ${result.startsAt} (invitation sequence ${result.sequence})`,
                ...check.warnings.map((w) => `confirmed despite: ${w}`),
              ].join('\n'),
          );
        },
      ),
    );

  cycle
    .command('waive')
    .description("waive one project's update this quarter: nothing more is sent to its owner")
    .argument('<mechanism>', 'mechanism id')
    .argument('<quarter>', 'quarter like 2026-Q1')
    .argument('<project>', 'project id')
    .requiredOption('--reason <text>', 'why (kept in the audit trail)')
    .addHelpText(
      'after',
      "\nExample:\n  coord cycle waive cn-ls 2026-Q1 skills-training --reason 'programme suspended this quarter'",
    )
    .action(
      action(
        runtime,
        async (ctx, mechanismId: string, quarterArg: string, projectId: string, opts: { reason: string }) => {
          const reason = opts.reason.trim();
          if (!reason || reason.length > 1000) throw new UsageError('--reason must have 1 to 1000 characters');
          const quarter = await parseQuarterArg(quarterArg);
          await openUpdate(ctx, mechanismId, quarter, projectId);
          const { waive } = await import('../../workflows/messages');
          const { state } = await decide(ctx, { mechanismId, quarter, projectId }, waive, [{ waivedBy: ctx.actor() }], {
            reason,
          });
          ctx.out.result(
            { mechanismId, quarter, projectId, state, reason },
            () => `${projectId}: update ${state} for ${quarter}`,
          );
        },
      ),
    );
}

/** The running update workflow of one project, with its state; exit 3 for unknown ids, 1 when the cycle no longer runs. */
async function openUpdate(ctx: CommandContext, mechanismId: string, quarter: string, projectId: string) {
  const store = await ctx.store();
  await requireMechanism(store, mechanismId);
  if (!(await store.projects.get(mechanismId, projectId)))
    throw new NotFoundError(`no project "${projectId}" in mechanism ${mechanismId}`);
  const [{ updateWorkflowId }, { updateState }] = await Promise.all([
    import('../../temporal/ids'),
    import('../../workflows/messages'),
  ]);
  const workflowId = updateWorkflowId(mechanismId, quarter, projectId);
  const state = await queryIfRunning(await ctx.temporal(), workflowId, (h) => h.query(updateState));
  if (state) return { workflowId, state };
  if (await store.cycles.get(mechanismId, quarter)) {
    throw new CliError(
      `the update of ${projectId} in ${mechanismId} ${quarter} is no longer running (the cycle is closed or the project was not in it)`,
      ExitCode.failure,
      'not-running',
    );
  }
  throw new NotFoundError(`no cycle ${mechanismId} ${quarter}`);
}

/**
 * Sends a typed command through the shared client helper, which audits it under the operator once accepted (with
 * `note`, e.g. the reason); a refusal by the workflow is exit 1 with its reason.
 */
async function decide<R, A extends unknown[]>(
  ctx: CommandContext,
  target: CommandTarget,
  update: UpdateDefinition<R, A>,
  args: A,
  note?: Record<string, unknown>,
): Promise<R> {
  const { sendCommand } = await import('../../temporal/cycles');
  const store = await ctx.store();
  const outcome = await sendCommand(await ctx.temporal(), target, update, args, {
    audit: { actor: ctx.actor(), log: store.audit, ...(note && { note }) },
  });
  if (!outcome.accepted) throw new CliError(`refused: ${outcome.message}`, ExitCode.failure, outcome.code);
  return outcome.result;
}

const commaList = (value: string): string[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const shortTime = (iso?: string) => iso?.slice(0, 16).replace('T', ' ');

/** The human view: a few header lines, then one line per project. */
function formatStatus(s: CycleStatus): string {
  const head = [
    `cycle ${s.mechanismId} ${s.quarter}  phase: ${s.phase}${s.unanswered ? '  (from the records: the workflow did not answer; is Temporal reachable and a worker running?)' : s.source === 'store' ? '  (from the records: the workflow is no longer running)' : ''}`,
    ...(s.waitingFor ? [`waiting for: ${s.waitingFor}`] : []),
    [
      s.dueDate && `due: ${s.dueDate}`,
      s.cutoffAt && `cut-off: ${shortTime(s.cutoffAt)}`,
      s.reportVersion ? `report version: ${s.reportVersion}` : undefined,
    ]
      .filter(Boolean)
      .join('  '),
    `workflow: ${s.workflowId}`,
  ].filter((l) => l !== '');
  const counts = new Map<string, number>();
  for (const p of s.projects) counts.set(p.state, (counts.get(p.state) ?? 0) + 1);
  const summary =
    s.projects.length === 0
      ? 'no projects yet'
      : `${s.projects.length} project(s): ${[...counts].map(([k, n]) => `${n} ${k}`).join(', ')}`;
  const table = formatTable(
    [
      { header: 'PROJECT', value: (p) => p.projectId },
      { header: 'STATE', value: (p) => (p.late ? `${p.state} (late)` : p.state) },
      { header: 'OWNER', value: (p) => p.ownerId },
      { header: 'LAST SEND', value: (p) => shortTime(p.lastSendAt) },
      { header: 'NEXT SEND', value: (p) => shortTime(p.nextSendAt) },
    ],
    s.projects,
  );
  const pending = s.pendingSubmissions ?? [];
  const pendingLines = pending.length
    ? [
        '',
        `${pending.length} submission(s) recorded, not yet applied (delivered to the workflow when the worker is back):`,
        ...pending.map(
          (p) =>
            `  ${p.projectId}  received ${shortTime(p.receivedAt)}  by ${p.submittedBy}  attempts ${p.attempts}${p.lastError ? `  last error: ${p.lastError}` : ''}`,
        ),
      ]
    : [];
  const sending = [
    ...(s.followUps ?? []).map((f) => `  ${f.step}: ${f.state}${f.reason ? `  ${f.reason}` : ''}`),
    ...(s.deliveries ?? []).map(
      (d) => `  ${d.step}: ${d.sent} of ${d.total} sent${d.undeliverable ? `, ${d.undeliverable} undeliverable` : ''}`,
    ),
  ];
  const sendingLines = sending.length ? ['', 'sending:', ...sending] : [];
  return [...head, summary, '', ...(s.projects.length > 0 ? [table] : []), ...pendingLines, ...sendingLines]
    .join('\n')
    .trimEnd();
}
