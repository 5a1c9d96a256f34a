import { spawn } from 'node:child_process';
import path from 'node:path';
import { createTestStore, type TestStore } from '../helpers/store';

const WRITES = Number(process.env.COORD_TEST_WRITES ?? 300);

function startWriter(dataDir: string, name: string) {
  const child = spawn(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      path.join(__dirname, 'processes', 'writer.ts'),
      dataDir,
      name,
      String(WRITES),
    ],
    {
      cwd: path.resolve(__dirname, '../..'),
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    const check = () => (out.includes('ready\n') ? resolve() : undefined);
    child.stdout.on('data', check);
    child.once('exit', (code) => reject(new Error(`${name} exited early (${code}): ${err}`)));
  });
  const done = new Promise<{ code: number | null; out: string; err: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, out, err })),
  );
  return { child, ready, done };
}

describe('one SQLite file shared by a worker and an API process', () => {
  let store: TestStore;
  afterEach(async () => {
    await store?.close();
  });

  test('both write at the same time and neither fails with SQLITE_BUSY or loses a write', async () => {
    store = await createTestStore();
    const worker = startWriter(store.dataDir, 'worker');
    const api = startWriter(store.dataDir, 'api');
    await Promise.all([worker.ready, api.ready]);
    if (process.env.COORD_TEST_DEBUG) console.log('both ready');
    worker.child.stdin.end('go\n');
    api.child.stdin.end('go\n');
    const results = await Promise.all([worker.done, api.done]);
    for (const r of results) {
      expect(r.err).not.toMatch(/SQLITE_BUSY|database is locked/);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out.trim().split('\n').pop()!)).toMatchObject({ errors: 0 });
    }
    const revisions = await store.submissions.revisions('cn-ls', '2026-Q1', 'mpiti-road');
    expect(revisions).toHaveLength(2 * WRITES);
    expect(revisions.map((r) => r.revision)).toEqual(Array.from({ length: 2 * WRITES }, (_, i) => i + 1));
    expect(new Set(revisions.map((r) => r.submittedBy))).toEqual(new Set(['worker', 'api']));
    expect(await store.audit.list({ action: 'test.write', limit: 10_000 })).toHaveLength(2 * WRITES);
  }, 120_000);
});
