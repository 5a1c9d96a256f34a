import ExcelJS from 'exceljs';
import { importMechanismFile, importPortfolio } from '../../src/store';
import { keepPostgresForThisFile, storeKinds, type TestStore } from '../helpers/store';

keepPostgresForThisFile();

const MECHANISM = `
id: demo
name: Demo mechanism
timeZone: Africa/Maseru
sides: [{ id: ls, name: Lesotho, secretariat: [sec] }, { id: cn, name: China, secretariat: [sec] }]
pillars: [{ id: econ, name: Economy }, { id: people, name: People }]
contacts:
  - { id: sec, name: Secretariat, email: sec@example.org }
  - { id: roads, name: Roads, email: roads@example.org }
  - { id: ps, name: PS, email: ps@example.org }
`;

const GOOD = [
  'id,title,pillar,owner_email,supervisor,planned_start,planned_end,status,budget_amount,budget_currency,focal_point_cn',
  'mpiti-road,Mpiti road,econ,roads@example.org,ps,2026-01-15,2027-06-30,active,12500000,USD,sec',
  'clinic,District clinic,people,ROADS@example.org,,,,,,,',
].join('\n');

describe.each(storeKinds)('portfolio import on %s', (_kind, create) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await create();
    await importMechanismFile(store, { text: MECHANISM });
  });
  afterEach(async () => {
    await store?.close();
  });

  test('a clean CSV imports every project, and importing it again changes nothing', async () => {
    const first = await importPortfolio(store, 'demo', Buffer.from(GOOD), { format: 'csv' });
    expect(first).toMatchObject({ imported: 2, created: 2, errors: [] });
    expect(await store.projects.get('demo', 'mpiti-road')).toMatchObject({
      owner: 'roads',
      supervisor: 'ps',
      focalPoints: { cn: 'sec' },
      budget: { amount: 12500000, currency: 'USD' },
      plannedEnd: '2027-06-30',
    });
    const audit = (await store.audit.list()).length;
    const second = await importPortfolio(store, 'demo', Buffer.from(GOOD), { format: 'csv' });
    expect(second).toMatchObject({ imported: 0, created: 0, updated: 0, unchanged: 2, errors: [] });
    expect((await store.audit.list()).length).toBe(audit);
  });

  test('a spreadsheet with bad rows gets one error per row and field, and nothing is imported', async () => {
    const csv = [
      GOOD,
      'Bad Id,Road,econ,roads@example.org,,,,,,,',
      'school,School,space,nobody@example.org,,2026-13-01,,finished,,,',
      'mpiti-road,Duplicate,econ,roads@example.org,,,,,,,',
      'no-title,,econ,roads@example.org,,,,,,,',
    ].join('\n');
    const r = await importPortfolio(store, 'demo', Buffer.from(csv), { format: 'csv' });
    expect(r.imported).toBe(0);
    expect(r.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ row: 4, field: 'id' }),
        { row: 5, field: 'owner', message: 'no contact with email "nobody@example.org"' },
        expect.objectContaining({ row: 5, field: 'planned_start' }),
        expect.objectContaining({ row: 5, field: 'status' }),
        { row: 6, field: 'id', message: 'duplicate id "mpiti-road" (also in row 2)' },
        expect.objectContaining({ row: 7, field: 'title' }),
      ]),
    );
    expect(r.errors.filter((e) => e.row === 2 || e.row === 3)).toEqual([]);
    expect(await store.projects.list('demo')).toEqual([]);
  });

  test('a partial import, when asked for, writes the good rows and reports the bad ones', async () => {
    const csv = [GOOD, 'school,School,space,roads,,,,,,,'].join('\n');
    const r = await importPortfolio(store, 'demo', Buffer.from(csv), { format: 'csv', partial: true });
    expect(r).toMatchObject({
      imported: 2,
      errors: [{ row: 4, field: 'pillar', message: 'no pillar with id "space"' }],
    });
    expect((await store.projects.list('demo')).map((p) => p.id)).toEqual(['clinic', 'mpiti-road']);
  });

  test('an XLSX portfolio with date cells imports like the CSV', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Portfolio');
    ws.addRow(['ID', 'Title', 'Pillar', 'Owner', 'Planned start', 'Budget amount', 'Budget currency']);
    ws.addRow(['mpiti-road', 'Mpiti road', 'econ', 'roads', new Date(Date.UTC(2026, 0, 15)), 1000, 'usd']);
    ws.addRow(['bad', 'Bad row', 'econ', 'ghost', 'soon', 'abc', 'USD']);
    const data = Buffer.from(await wb.xlsx.writeBuffer());
    const r = await importPortfolio(store, 'demo', data, { format: 'xlsx' });
    expect(r.imported).toBe(0);
    expect(r.errors.map((e) => `${e.row}:${e.field}`).sort()).toEqual([
      '3:budget_amount',
      '3:owner',
      '3:planned_start',
    ]);
    ws.spliceRows(3, 1);
    const ok = await importPortfolio(store, 'demo', Buffer.from(await wb.xlsx.writeBuffer()), { format: 'xlsx' });
    expect(ok).toMatchObject({ imported: 1, errors: [] });
    expect(await store.projects.get('demo', 'mpiti-road')).toMatchObject({
      plannedStart: '2026-01-15',
      budget: { amount: 1000, currency: 'USD' },
    });
  });

  test('a portfolio of three thousand projects imports in one go and reports its progress', async () => {
    const lines = ['id,title,pillar,owner'];
    for (let i = 0; i < 3000; i++) lines.push(`p-${i},Project ${i},${i % 2 ? 'econ' : 'people'},roads`);
    const progress: number[] = [];
    const r = await importPortfolio(store, 'demo', Buffer.from(lines.join('\n')), {
      format: 'csv',
      onProgress: (p) => p.phase === 'validating' && progress.push(p.done),
    });
    expect(r).toMatchObject({ imported: 3000, errors: [] });
    expect(progress).toEqual([500, 1000, 1500, 2000, 2500, 3000]);
    expect(await store.projects.list('demo')).toHaveLength(3000);
  });
});
