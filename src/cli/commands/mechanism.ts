import type { Command } from 'commander';
import { action, type Runtime } from '../action';
import { formatTable } from '../table';
import { requireFile } from './lookup';

/** `coord mechanism apply|list`: load a mechanism file (idempotent upsert by id) and list mechanisms. */
export function registerMechanismCommands(program: Command, runtime: Runtime): void {
  const mechanism = program.command('mechanism').description('set up and list mechanisms');

  mechanism
    .command('apply')
    .description(
      'create or update a mechanism, its contacts and projects from a YAML file (by id; nothing is deleted; applying the same file again changes nothing)',
    )
    .argument('<file.yaml>', 'mechanism file, e.g. mechanisms/cn-ls.yaml')
    .addHelpText('after', '\nExample:\n  coord mechanism apply mechanisms/cn-ls.yaml')
    .action(
      action(runtime, async (ctx, file: string) => {
        requireFile(file);
        const store = await ctx.store();
        const { importMechanismFile } = await import('../../store');
        const result = await importMechanismFile(store, file, { actor: ctx.actor() });
        ctx.out.result(
          result,
          () =>
            `mechanism ${result.mechanismId}: ${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged (mechanism, contacts and projects)`,
        );
      }),
    );

  mechanism
    .command('list')
    .description('list the mechanisms in the database')
    .addHelpText('after', '\nExample:\n  coord mechanism list')
    .action(
      action(runtime, async (ctx) => {
        const store = await ctx.store();
        const rows = await Promise.all(
          (await store.mechanisms.list()).map(async (m) => ({
            ...m,
            projects: (await store.projects.list(m.id)).length,
            latestCycle: (await store.cycles.list(m.id))[0]?.quarter,
          })),
        );
        ctx.out.result({ mechanisms: rows }, () =>
          rows.length === 0
            ? 'no mechanisms yet (coord mechanism apply <file.yaml>)'
            : formatTable(
                [
                  { header: 'ID', value: (r) => r.id },
                  { header: 'NAME', value: (r) => r.name },
                  { header: 'TIME ZONE', value: (r) => r.timeZone },
                  { header: 'PROJECTS', value: (r) => r.projects, right: true },
                  { header: 'LATEST CYCLE', value: (r) => r.latestCycle },
                ],
                rows,
              ),
        );
      }),
    );
}
