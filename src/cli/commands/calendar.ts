import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { action, type Runtime } from '../action';
import { UsageError } from '../errors';
import { formatTable } from '../table';
import { requireFile, requireMechanism } from './lookup';

/** `coord calendar import|list`: the working calendars each side of a mechanism keeps. */
export function registerCalendarCommands(program: Command, runtime: Runtime): void {
  const calendar = program
    .command('calendar')
    .description('the calendars each side keeps: public holidays and weekend days declared working days');

  calendar
    .command('import')
    .description(
      "import an iCalendar file as a side's calendar (the years it covers replace those years); running cycles re-plan their pending emails",
    )
    .argument('<mechanism>', 'mechanism id, e.g. cn-ls')
    .argument('<side>', 'side id, e.g. cn')
    .argument(
      '<file.ics>',
      'iCalendar file: all-day events are holidays; events saying 上班/补班/"working day" are weekend days worked',
    )
    .addHelpText('after', '\nExample:\n  coord calendar import cn-ls cn china-2027.ics')
    .action(
      action(runtime, async (ctx, mechanismId: string, sideId: string, file: string) => {
        requireFile(file);
        const store = await ctx.store();
        await requireMechanism(store, mechanismId);
        const [{ importCalendarIcs, CalendarImportError }, { announceCalendars }] = await Promise.all([
          import('../../store/import/calendar-ics'),
          import('../../temporal/cycles'),
        ]);
        let result;
        try {
          result = await importCalendarIcs(store, {
            mechanismId,
            sideId,
            text: fs.readFileSync(file, 'utf8'),
            fileName: path.basename(file),
            actor: ctx.actor(),
          });
        } catch (err) {
          if (err instanceof CalendarImportError) throw new UsageError(err.message);
          throw err;
        }
        const cycles = await store.cycles.list(mechanismId);
        const told = await announceCalendars(await ctx.temporal(), cycles, result.calendars, ctx.actor());
        const { calendars: _calendars, ...shown } = result;
        ctx.out.result({ ...shown, cyclesReplanned: told }, () =>
          [
            `calendar ${result.calendarId} of side ${sideId}: ${result.holidays} holiday(s) and ${result.workdays} working weekend day(s) for ${result.years.join(', ')}`,
            told.length
              ? `running cycles re-planning their pending emails: ${told.join(', ')}`
              : 'no running cycle to re-plan',
          ].join('\n'),
        );
      }),
    );

  calendar
    .command('list')
    .description('list the calendars of a mechanism (or of every mechanism), by side, with the source of each year')
    .argument('[mechanism]', 'mechanism id')
    .addHelpText('after', '\nExamples:\n  coord calendar list\n  coord calendar list cn-ls --json')
    .action(
      action(runtime, async (ctx, mechanismId: string | undefined) => {
        const store = await ctx.store();
        const ids = mechanismId
          ? [(await requireMechanism(store, mechanismId)).id]
          : (await store.mechanisms.list()).map((m) => m.id);
        const rows: {
          mechanismId: string;
          sides: string[];
          calendarId: string;
          name: string;
          year: number;
          holidays: number;
          workdays: number;
          provisional: boolean;
          source: string;
        }[] = [];
        for (const id of ids) {
          const m = (await store.mechanisms.get(id))!;
          for (const c of m.calendars) {
            for (const y of c.sources) {
              const inYear = (d: { date: string }) => d.date.startsWith(`${y.year}-`);
              rows.push({
                mechanismId: id,
                sides: m.sides.filter((s) => s.calendar === c.id).map((s) => s.id),
                calendarId: c.id,
                name: c.name,
                year: y.year,
                holidays: c.holidays.filter(inYear).length,
                workdays: c.workdays.filter(inYear).length,
                provisional: y.provisional,
                source: y.source,
              });
            }
          }
        }
        ctx.out.result({ calendars: rows }, () =>
          rows.length === 0
            ? 'no calendars yet (name one per side in the mechanism file, or coord calendar import <mechanism> <side> file.ics)'
            : formatTable(
                [
                  { header: 'MECHANISM', value: (r) => r.mechanismId },
                  { header: 'SIDES', value: (r) => r.sides.join(',') },
                  { header: 'CALENDAR', value: (r) => r.calendarId },
                  { header: 'YEAR', value: (r) => r.year },
                  { header: 'HOLIDAYS', value: (r) => r.holidays, right: true },
                  { header: 'WORKDAYS', value: (r) => r.workdays, right: true },
                  { header: 'SOURCE', value: (r) => `${r.provisional ? '[provisional] ' : ''}${r.source}` },
                ],
                rows,
              ),
        );
      }),
    );
}
