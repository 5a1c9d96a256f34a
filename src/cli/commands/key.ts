import type { Command } from 'commander';
import { action, type Runtime } from '../action';
import { UsageError } from '../errors';
import { formatTable } from '../table';

/** `coord key generate|usage`: payload encryption keys (COORD_PAYLOAD_KEYS) and their rotation. */
export function registerKeyCommands(program: Command, runtime: Runtime): void {
  const key = program
    .command('key')
    .description('payload encryption keys (COORD_PAYLOAD_KEYS): generate one, see which ones open workflows still use');

  key
    .command('generate')
    .description(
      'print a new key entry for COORD_PAYLOAD_KEYS (nothing is stored: put it first in the list to make it current)',
    )
    .option('--id <key id>', 'the key id (default k<date>-<random>)')
    .addHelpText('after', '\nExample:\n  coord key generate\n  COORD_PAYLOAD_KEYS=<new entry>,<old entries...>')
    .action(
      action(runtime, async (ctx, opts: { id?: string }) => {
        const { formatPayloadKey, generatePayloadKey, PayloadKeyFormatError } = await import('../../temporal/keys');
        let generated;
        try {
          generated = generatePayloadKey(new Date(), opts.id);
        } catch (err) {
          if (err instanceof PayloadKeyFormatError) throw new UsageError(`--id: ${err.message}`);
          throw err;
        }
        const entry = formatPayloadKey(generated);
        ctx.out.result({ keyId: generated.id, entry }, () => entry);
      }),
    );

  key
    .command('usage')
    .description(
      'for each key id, how many open workflows still have payloads under it (a key used by none can be retired)',
    )
    .addHelpText('after', '\nExample:\n  coord key usage')
    .action(
      action(runtime, async (ctx) => {
        const config = ctx.config();
        const { requirePayloadKeys } = await import('../../config');
        const { keyIds } = await import('../../temporal/keys');
        const { openWorkflowsByKeyId } = await import('../../temporal/key-usage');
        const configured = keyIds(requirePayloadKeys(config));
        const counts = await openWorkflowsByKeyId(await ctx.temporal(), (n) => {
          if (n % 50 === 0) ctx.progress.line(`read ${n} open workflow histories`);
        });
        const ids = [...configured, ...[...counts.keys()].filter((id) => !configured.includes(id)).sort()];
        const rows = ids.map((id) => ({
          keyId: id,
          configured: id === configured[0] ? 'current' : configured.includes(id) ? 'yes' : 'no',
          openWorkflows: counts.get(id) ?? 0,
        }));
        ctx.out.result({ keys: rows }, () =>
          formatTable(
            [
              { header: 'KEY ID', value: (r) => r.keyId },
              { header: 'CONFIGURED', value: (r) => r.configured },
              { header: 'OPEN WORKFLOWS', value: (r) => r.openWorkflows, right: true },
            ],
            rows,
          ),
        );
      }),
    );
}
