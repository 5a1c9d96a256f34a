/**
 * Portfolio and cycle status as spreadsheets (CSV and XLSX), read from the records only (no workflow is asked, so an
 * export never waits for a worker). The same tables serve the API and the pages' download links.
 *
 * Every text cell that a spreadsheet could read as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage
 * return: OWASP's "CSV injection") gets a leading apostrophe: project titles, names and owners' free text are typed by
 * people outside the secretariat, and the file is opened by people inside it.
 */
import ExcelJS from 'exceljs';
import { stringify } from 'csv-stringify/sync';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Mechanism } from '../domain';
import type { Store } from '../store';
import { notFound } from './errors';

/** The formats an export comes in. */
export const ExportFormat = z.enum(['csv', 'xlsx']);
export type ExportFormat = z.infer<typeof ExportFormat>;

/** The `?format=` of an export request (CSV unless asked otherwise). */
export const ExportQuery = z.object({ format: ExportFormat.default('csv') });

type Cell = string | number | undefined;

/** One table to export: a name (the XLSX sheet and the file name), column headers and rows. */
export interface ExportTable {
  fileName: string;
  sheetName: string;
  columns: { header: string; width: number }[];
  rows: Cell[][];
}

/** A text cell a spreadsheet cannot take for a formula: a leading apostrophe when it starts like one. */
export function neutralise(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

const cell = (v: Cell): Cell => (typeof v === 'string' ? neutralise(v) : v);

function names(m: Mechanism) {
  return {
    contact: (id?: string) => m.contacts.find((c) => c.id === id)?.name ?? id ?? '',
    organisation: (id?: string) => m.contacts.find((c) => c.id === id)?.organisation ?? '',
    pillar: (id: string) => m.pillars.find((p) => p.id === id)?.name ?? id,
  };
}

/** The portfolio: each project's records, with its state and reported status in the mechanism's latest cycle. */
export async function portfolioTable(store: Store, mechanismId: string): Promise<ExportTable> {
  const mechanism = await store.mechanisms.get(mechanismId);
  if (!mechanism) throw notFound(`mechanism ${mechanismId}`);
  const [projects, cycles] = await Promise.all([store.projects.list(mechanismId), store.cycles.list(mechanismId)]);
  const latest = cycles[0]; // newest first
  const [states, submissions] = latest
    ? await Promise.all([
        store.cycles.listProjectStates(mechanismId, latest.quarter),
        store.submissions.latestForCycle(mechanismId, latest.quarter),
      ])
    : [[], []];
  const stateOf = new Map(states.map((s) => [s.projectId, s.state]));
  const submissionOf = new Map(submissions.map((s) => [s.projectId, s.body]));
  const n = names(mechanism);
  return {
    fileName: `${mechanismId}-portfolio`,
    sheetName: 'Portfolio',
    columns: [
      { header: 'Project id', width: 24 },
      { header: 'Project', width: 40 },
      { header: 'Pillar', width: 28 },
      { header: 'Owner', width: 28 },
      { header: 'Organisation', width: 32 },
      { header: 'Project status', width: 14 },
      { header: 'Planned start', width: 13 },
      { header: 'Planned end', width: 13 },
      { header: 'Actual start', width: 13 },
      { header: 'Actual end', width: 13 },
      { header: 'Budget', width: 14 },
      { header: 'Currency', width: 9 },
      { header: 'Latest quarter', width: 14 },
      { header: 'Update state', width: 13 },
      { header: 'Reported status', width: 15 },
      { header: 'Progress (%)', width: 12 },
    ],
    rows: projects.map((p) => {
      const s = submissionOf.get(p.id);
      return [
        p.id,
        p.title,
        n.pillar(p.pillar),
        n.contact(p.owner),
        n.organisation(p.owner),
        p.status,
        p.plannedStart,
        p.plannedEnd,
        s?.actualStart ?? p.actualStart,
        s?.actualEnd ?? p.actualEnd,
        p.budget?.amount,
        p.budget?.currency,
        latest?.quarter,
        stateOf.get(p.id),
        s?.status,
        s?.progressPercent,
      ];
    }),
  };
}

/** One cycle: each project's update state as recorded, with the latest revision's status and the emails' times. */
export async function cycleTable(store: Store, mechanismId: string, quarter: string): Promise<ExportTable> {
  const mechanism = await store.mechanisms.get(mechanismId);
  if (!mechanism) throw notFound(`mechanism ${mechanismId}`);
  const cycle = await store.cycles.get(mechanismId, quarter);
  if (!cycle) throw notFound(`cycle ${mechanismId} ${quarter}`);
  const [projects, states, submissions] = await Promise.all([
    store.projects.list(mechanismId),
    store.cycles.listProjectStates(mechanismId, quarter),
    store.submissions.latestForCycle(mechanismId, quarter),
  ]);
  const projectOf = new Map(projects.map((p) => [p.id, p]));
  const submissionOf = new Map(submissions.map((s) => [s.projectId, s]));
  const n = names(mechanism);
  return {
    fileName: `${mechanismId}-${quarter}-status`,
    sheetName: `${quarter} status`,
    columns: [
      { header: 'Project id', width: 24 },
      { header: 'Project', width: 40 },
      { header: 'Pillar', width: 28 },
      { header: 'Owner', width: 28 },
      { header: 'Update state', width: 13 },
      { header: 'Revision', width: 9 },
      { header: 'Received (UTC)', width: 20 },
      { header: 'Late', width: 6 },
      { header: 'Reported status', width: 15 },
      { header: 'Progress (%)', width: 12 },
      { header: 'Reason for the status', width: 40 },
      { header: 'Support requested', width: 40 },
      { header: 'Last email (UTC)', width: 20 },
      { header: 'Next email (UTC)', width: 20 },
    ],
    rows: states.map((r) => {
      const p = projectOf.get(r.projectId);
      const s = submissionOf.get(r.projectId);
      return [
        r.projectId,
        p?.title ?? r.projectId,
        p ? n.pillar(p.pillar) : '',
        n.contact(r.ownerId),
        r.state,
        s?.revision,
        s?.receivedAt,
        s ? (s.late ? 'yes' : 'no') : undefined,
        s?.body.status,
        s?.body.progressPercent,
        s?.body.statusReason,
        s?.body.supportRequested,
        r.lastSendAt,
        r.nextSendAt,
      ];
    }),
  };
}

/** The table as CSV: UTF-8 with a byte-order mark (so that spreadsheet programs read names in any script), CRLF lines. */
export function toCsv(table: ExportTable): string {
  return stringify([table.columns.map((c) => c.header), ...table.rows.map((r) => r.map((v) => cell(v) ?? ''))], {
    bom: true,
    record_delimiter: 'windows',
  });
}

/** The table as an XLSX workbook of one sheet: bold, frozen header row with filters; numbers as numbers. */
export async function toXlsx(table: ExportTable): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'coordination-mechanism';
  // Sheet names: at most 31 characters, none of []:*?/\.
  const sheet = workbook.addWorksheet(table.sheetName.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31), {
    views: [{ state: 'frozen', ySplit: 1 }],
  });
  sheet.columns = table.columns.map((c) => ({ header: c.header, width: c.width }));
  sheet.getRow(1).font = { bold: true };
  for (const row of table.rows) sheet.addRow(row.map((v) => cell(v) ?? null));
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: table.columns.length } };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** Sends the table as a download in the format asked for. */
export async function sendExport(reply: FastifyReply, table: ExportTable, format: ExportFormat): Promise<FastifyReply> {
  const body = format === 'csv' ? toCsv(table) : await toXlsx(table);
  return reply
    .header('content-type', CONTENT_TYPES[format])
    .header('content-disposition', `attachment; filename="${table.fileName}.${format}"`)
    .header('cache-control', 'no-store')
    .send(body);
}
