import type { Command } from 'commander';
import type { OutboxStatus } from '../../store/outbox';
import { action, type Runtime } from '../action';
import { formatTable } from '../table';
import { positiveInt, requireMechanism } from './lookup';

/** `coord outbox list`: what was sent (or kept locally, or failed), newest first. */
export function registerOutboxCommands(program: Command, runtime: Runtime): void {
  const outbox = program.command('outbox').description('see the emails the service sent, stored or failed to send');

  outbox
    .command('list')
    .description('list emails, newest first')
    .option('--failed', 'only emails that could not be delivered')
    .option('--pending', 'only emails not yet sent (waiting for a retry)')
    .option('--mechanism <id>', 'only emails of this mechanism')
    .option('--limit <n>', 'at most n emails (at most 1000)', positiveInt, 50)
    .addHelpText('after', '\nExamples:\n  coord outbox list\n  coord outbox list --failed --json')
    .action(
      action(runtime, async (ctx, opts: { failed?: boolean; pending?: boolean; mechanism?: string; limit: number }) => {
        const store = await ctx.store();
        if (opts.mechanism) await requireMechanism(store, opts.mechanism);
        const status: OutboxStatus[] | undefined = [
          ...(opts.failed ? (['undeliverable'] as const) : []),
          ...(opts.pending ? (['pending', 'sending'] as const) : []),
        ];
        const messages = await store.outbox.list({
          mechanismId: opts.mechanism,
          status: status.length > 0 ? status : undefined,
          limit: opts.limit,
        });
        // Bodies can be large; a script that needs them reads the mailbox API. Here: what and to whom.
        const rows = messages.map((m) => ({
          id: m.id,
          createdAt: m.createdAt,
          status: m.status,
          kind: m.kind,
          mechanismId: m.mechanismId,
          quarter: m.quarter,
          projectId: m.projectId,
          to: m.toAddress,
          subject: m.subject,
          attempts: m.attempts,
          sentAt: m.sentAt,
          lastError: m.lastError,
          messageId: m.messageId,
          workflowId: m.workflowId,
          step: m.step,
        }));
        ctx.out.result({ messages: rows }, () =>
          rows.length === 0
            ? opts.failed
              ? 'no undeliverable emails'
              : 'no emails'
            : formatTable(
                [
                  { header: 'CREATED', value: (r) => r.createdAt.slice(0, 16).replace('T', ' ') },
                  { header: 'STATUS', value: (r) => r.status },
                  { header: 'KIND', value: (r) => r.kind },
                  { header: 'CYCLE', value: (r) => (r.quarter ? `${r.mechanismId} ${r.quarter}` : r.mechanismId) },
                  { header: 'PROJECT', value: (r) => r.projectId },
                  { header: 'TO', value: (r) => r.to },
                  { header: opts.failed ? 'ERROR' : 'SUBJECT', value: (r) => (opts.failed ? r.lastError : r.subject) },
                ],
                rows,
              ),
        );
      }),
    );
}
