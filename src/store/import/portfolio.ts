import fs from 'node:fs';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { Project } from '../../domain';
import type { Store } from '../index';
import { projectFromRow } from '../projects';
import { type ImportCounts, importAudit, upsertProjects } from './upsert';

/**
 * Columns of a portfolio spreadsheet (CSV or XLSX, first sheet, header in row 1, one project per
 * row; header names are case-insensitive, spaces count as underscores, unknown columns are ignored):
 *
 * | column | meaning |
 * |---|---|
 * | id | project id (lower-case letters, digits, dashes) — required |
 * | title | project title — required |
 * | pillar | pillar id of the mechanism — required |
 * | owner | owner: a contact id or a contact's email — required (`owner_email` is accepted too) |
 * | supervisor | supervisor: contact id or email (`supervisor_email` accepted) |
 * | focal_point_<side> | focal point of side `<side>` (e.g. `focal_point_cn`): contact id or email |
 * | description | free text |
 * | planned_start, planned_end, actual_start, actual_end | dates YYYY-MM-DD (XLSX date cells are fine) |
 * | budget_amount, budget_currency | e.g. 12500000 and USD (both or neither) |
 * | status | active (default), completed or suspended |
 *
 * Milestones and indicators are not spreadsheet columns: a re-import keeps those already stored.
 */
export const PORTFOLIO_COLUMNS = [
  'id',
  'title',
  'pillar',
  'owner',
  'supervisor',
  'description',
  'planned_start',
  'planned_end',
  'actual_start',
  'actual_end',
  'budget_amount',
  'budget_currency',
  'status',
] as const;

/** One problem in one row (spreadsheet row number, header = row 1) and one column. */
export interface PortfolioRowError {
  row: number;
  field: string;
  message: string;
}

/** What a portfolio import did: projects written (0 when errors and not partial), counts, and every error. */
export interface PortfolioImportResult extends ImportCounts {
  imported: number;
  /** Data rows read. */
  rows: number;
  errors: PortfolioRowError[];
}

/** Options of `importPortfolio`. */
export interface PortfolioImportOptions {
  format: 'csv' | 'xlsx';
  /** Write the valid rows even when others have errors (default: a file with errors writes nothing). */
  partial?: boolean;
  /** Called as rows are validated and written, for a progress display. */
  onProgress?: (progress: { phase: 'validating' | 'writing'; done: number; total: number }) => void;
  actor?: string;
}

type Row = { row: number; cells: Record<string, string> };

const headerKey = (h: unknown) =>
  String(h ?? '')
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('result' in v) return cellText(v.result as ExcelJS.CellValue);
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('text' in v) return String(v.text);
    if ('error' in v) return '';
  }
  return String(v).trim();
}

async function readXlsx(data: Buffer): Promise<Row[]> {
  const wb = new ExcelJS.Workbook();
  // Unavoidable cast: exceljs 4.4's index.d.ts declares its own global `interface Buffer extends ArrayBuffer`, which
  // Node's Buffer (a Uint8Array) does not satisfy by type, yet a Node Buffer is exactly what `load` reads at run time.
  await wb.xlsx.load(data as unknown as ExcelJS.Buffer);
  const sheet = wb.worksheets[0];
  if (!sheet) return [];
  const headers: string[] = [];
  sheet.getRow(1).eachCell({ includeEmpty: true }, (cell, col) => (headers[col] = headerKey(cellText(cell.value))));
  const rows: Row[] = [];
  sheet.eachRow({ includeEmpty: false }, (r, n) => {
    if (n === 1) return;
    const cells: Record<string, string> = {};
    r.eachCell({ includeEmpty: false }, (cell, col) => {
      if (headers[col]) cells[headers[col]] = cellText(cell.value);
    });
    if (Object.values(cells).some((v) => v !== '')) rows.push({ row: n, cells });
  });
  return rows;
}

function readCsv(data: Buffer): Row[] {
  const records = parseCsv(data, {
    bom: true,
    columns: (h: string[]) => h.map(headerKey),
    skip_empty_lines: true,
    trim: true,
    info: true,
    relax_column_count: true,
  }) as {
    record: Record<string, string>;
    info: { lines: number };
  }[];
  return records.map((r) => ({ row: r.info.lines, cells: r.record }));
}

/** Domain field -> spreadsheet column, so schema errors name the column the user sees. */
const FIELD_COLUMN: Record<string, string> = {
  id: 'id',
  title: 'title',
  pillar: 'pillar',
  owner: 'owner',
  supervisor: 'supervisor',
  description: 'description',
  plannedStart: 'planned_start',
  plannedEnd: 'planned_end',
  actualStart: 'actual_start',
  actualEnd: 'actual_end',
  status: 'status',
  budget: 'budget_amount',
};

/**
 * Imports a portfolio spreadsheet into a mechanism: validates every row (schema, references to
 * pillars and contacts, duplicate ids), then upserts by project id in one transaction. With any
 * error and without `partial`, nothing is written; with `partial`, the valid rows are written.
 * Projects not in the file are kept. Re-importing the same file changes nothing.
 */
export async function importPortfolio(
  store: Store,
  mechanismId: string,
  source: string | Buffer,
  options: PortfolioImportOptions,
): Promise<PortfolioImportResult> {
  const mechanism = await store.mechanisms.get(mechanismId);
  if (!mechanism) throw new Error(`no mechanism "${mechanismId}"`);
  const data = typeof source === 'string' ? fs.readFileSync(source) : source;
  const rows = options.format === 'xlsx' ? await readXlsx(data) : readCsv(data);

  const pillars = new Set(mechanism.pillars.map((p) => p.id));
  const sides = new Set(mechanism.sides.map((s) => s.id));
  const contactIds = new Set(mechanism.contacts.map((c) => c.id));
  const byEmail = new Map(mechanism.contacts.map((c) => [c.email.toLowerCase(), c.id]));
  const existing = new Map(
    (await store.db.selectFrom('projects').selectAll().where('mechanism_id', '=', mechanismId).execute()).map((r) => [
      r.id,
      projectFromRow(r),
    ]),
  );

  const errors: PortfolioRowError[] = [];
  const valid: Project[] = [];
  const seen = new Map<string, number>();
  const total = rows.length;
  rows.forEach(({ row, cells }, index) => {
    const rowErrors: PortfolioRowError[] = [];
    const err = (field: string, message: string) => rowErrors.push({ row, field, message });
    const get = (k: string) => (cells[k] ?? '').trim();
    const person = (column: string, alt?: string): string | undefined => {
      const v = get(column) || (alt ? get(alt) : '');
      if (!v) return undefined;
      const id = v.includes('@') ? byEmail.get(v.toLowerCase()) : contactIds.has(v) ? v : undefined;
      if (!id) err(column, v.includes('@') ? `no contact with email "${v}"` : `no contact with id "${v}"`);
      return id ?? v;
    };
    const focalPoints: Record<string, string> = {};
    for (const key of Object.keys(cells)) {
      const m = /^focal_point_(.+)$/.exec(key);
      if (!m || !get(key)) continue;
      if (!sides.has(m[1])) err(key, `no side with id "${m[1]}"`);
      const id = person(key);
      if (id) focalPoints[m[1]] = id;
    }
    const amount = get('budget_amount');
    const currency = get('budget_currency').toUpperCase();
    let budget: { amount: number; currency: string } | undefined;
    if (amount || currency) {
      const n = Number(amount.replace(/[ ,]/g, ''));
      if (!amount || !Number.isFinite(n)) err('budget_amount', 'must be a number when a budget currency is given');
      else if (!currency) err('budget_currency', 'must be a 3-letter currency code when a budget amount is given');
      else budget = { amount: n, currency };
    }
    const id = get('id');
    const previous = existing.get(id);
    const candidate = {
      id,
      title: get('title'),
      pillar: get('pillar'),
      owner: person('owner', 'owner_email') ?? '',
      focalPoints,
      ...(person('supervisor', 'supervisor_email') !== undefined && {
        supervisor: person('supervisor', 'supervisor_email'),
      }),
      ...(get('description') && { description: get('description') }),
      ...(get('planned_start') && { plannedStart: get('planned_start') }),
      ...(get('planned_end') && { plannedEnd: get('planned_end') }),
      ...(get('actual_start') && { actualStart: get('actual_start') }),
      ...(get('actual_end') && { actualEnd: get('actual_end') }),
      ...(budget && { budget }),
      ...(get('status') && { status: get('status').toLowerCase() }),
      // Not spreadsheet columns: keep what is stored.
      milestones: previous?.milestones ?? [],
      indicators: previous?.indicators ?? [],
      // Names in other languages come from the mechanism file (names.ts): keep them.
      ...(previous?.translations && { translations: previous.translations }),
    };
    const parsed = Project.safeParse(candidate);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field =
          FIELD_COLUMN[String(issue.path[0])] ??
          (issue.path[0] === 'focalPoints' ? `focal_point_${String(issue.path[1])}` : String(issue.path[0]));
        // A missing owner was already reported with a clearer message.
        if (rowErrors.some((e) => e.field === field)) continue;
        err(field, issue.path[0] === 'owner' && !candidate.owner ? 'is required' : issue.message);
      }
    } else {
      if (!pillars.has(parsed.data.pillar)) err('pillar', `no pillar with id "${parsed.data.pillar}"`);
    }
    if (id && seen.has(id)) err('id', `duplicate id "${id}" (also in row ${seen.get(id)})`);
    else if (id) seen.set(id, row);
    // The same (row, field) reported twice says nothing more.
    const unique = rowErrors.filter((e, i) => rowErrors.findIndex((o) => o.field === e.field) === i);
    errors.push(...unique);
    if (unique.length === 0 && parsed.success) valid.push(parsed.data);
    if (options.onProgress && ((index + 1) % 500 === 0 || index + 1 === total)) {
      options.onProgress({ phase: 'validating', done: index + 1, total });
    }
  });

  const none = { created: 0, updated: 0, unchanged: 0 };
  if ((errors.length > 0 && !options.partial) || valid.length === 0) {
    return { imported: 0, rows: total, errors, ...none };
  }
  const at = new Date().toISOString();
  const counts = await store.db
    .transaction()
    .execute((trx) => upsertProjects(trx, mechanismId, valid, at, importAudit(options.actor ?? 'import', at)));
  options.onProgress?.({ phase: 'writing', done: valid.length, total: valid.length });
  return { imported: counts.created + counts.updated, rows: total, errors, ...counts };
}
