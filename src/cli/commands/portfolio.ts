import path from 'node:path';
import type { Command } from 'commander';
import { action, type Runtime } from '../action';
import { ReportedFailure, UsageError } from '../errors';
import { formatTable } from '../table';
import { requireFile, requireMechanism } from './lookup';

/** How many row errors the human output shows (all of them are in --json). */
const SHOWN_ERRORS = 50;

/** `coord portfolio import`: load projects from a CSV or XLSX spreadsheet, with progress on stderr. */
export function registerPortfolioCommands(program: Command, runtime: Runtime): void {
  const portfolio = program.command('portfolio').description("manage a mechanism's portfolio of projects");

  portfolio
    .command('import')
    .description(
      'create or update projects from a spreadsheet (first sheet, header in row 1, one project per row). With any invalid row nothing is written, unless --partial',
    )
    .argument('<mechanism>', 'mechanism id, e.g. cn-ls')
    .argument('<file>', 'a .csv or .xlsx file')
    .option('--partial', 'write the valid rows even when some rows have errors')
    .option('--format <format>', 'csv or xlsx (default: from the file extension)')
    .addHelpText(
      'after',
      `\nColumns (header names, case-insensitive): id, title, pillar, owner (required); supervisor, focal_point_<side>,\ndescription, planned_start, planned_end, actual_start, actual_end, budget_amount, budget_currency, status\n\nExample:\n  coord portfolio import cn-ls portfolio.xlsx --partial`,
    )
    .action(
      action(runtime, async (ctx, mechanismId: string, file: string, opts: { partial?: boolean; format?: string }) => {
        const format = (opts.format ?? path.extname(file).slice(1)).toLowerCase();
        if (format !== 'csv' && format !== 'xlsx')
          throw new UsageError(`cannot tell the format of "${file}": use a .csv or .xlsx file, or --format csv|xlsx`);
        requireFile(file);
        const store = await ctx.store();
        await requireMechanism(store, mechanismId);
        const { importPortfolio } = await import('../../store');
        const result = await importPortfolio(store, mechanismId, file, {
          format,
          partial: Boolean(opts.partial),
          actor: ctx.actor(),
          onProgress: (p) => ctx.progress.update(p.phase === 'validating' ? 'checked' : 'imported', p.done, p.total),
        });
        ctx.progress.done();
        const failed = result.errors.length > 0 && !opts.partial;
        const badRows = new Set(result.errors.map((e) => e.row)).size;
        ctx.out.result({ mechanismId, ...result }, () => {
          const lines = [
            failed
              ? `nothing imported: ${result.errors.length} error(s) in ${badRows} of ${result.rows} row(s) (fix them, or use --partial to import the valid rows)`
              : `${mechanismId}: ${result.rows} row(s) read, ${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged` +
                (badRows > 0 ? `, ${badRows} row(s) with errors skipped` : ''),
          ];
          if (result.errors.length > 0) {
            lines.push(
              '',
              formatTable(
                [
                  { header: 'ROW', value: (e) => e.row, right: true },
                  { header: 'COLUMN', value: (e) => e.field },
                  { header: 'PROBLEM', value: (e) => e.message },
                ],
                result.errors.slice(0, SHOWN_ERRORS),
              ),
            );
            if (result.errors.length > SHOWN_ERRORS)
              lines.push(`... and ${result.errors.length - SHOWN_ERRORS} more (--json lists them all)`);
          }
          return lines.join('\n');
        });
        // The report above is the output; the exit code tells a script that nothing was written.
        if (failed) throw new ReportedFailure();
      }),
    );
}
