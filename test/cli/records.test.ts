import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../../src/store';
import { run } from '../../src/cli/main';
import { coord, memoryIo } from './run-coord';

const DEMO = path.resolve(__dirname, '..', '..', 'mechanisms', 'cn-ls.yaml');

describe('coord on the records (no Temporal needed)', () => {
  let dataDir: string;
  let env: Record<string, string>;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'coord-cli-'));
    env = { DATA_DIR: dataDir };
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  test('importing a portfolio of thousands of rows shows progress and reports what was created', async () => {
    const store = await openStore({ dataDir });
    const { importMechanismFile } = await import('../../src/store');
    await importMechanismFile(store, DEMO);
    await store.close();
    const rows = Array.from(
      { length: 2500 },
      (_, i) => `bulk-${i},Bulk project ${i},economic-transformation,roads-director@example.org`,
    );
    const csv = path.join(dataDir, 'portfolio.csv');
    fs.writeFileSync(csv, ['id,title,pillar,owner', ...rows, 'broken,,no-such-pillar,nobody'].join('\n'));

    const refused = await coord(['portfolio', 'import', 'cn-ls', csv], { env });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('nothing imported: 2 error(s) in 1 of 2501 row(s)');
    expect(refused.stdout).toMatch(/2502 +owner +no contact with id "nobody"/);

    const partial = await coord(['portfolio', 'import', 'cn-ls', csv, '--partial', '--json'], { env });
    expect(partial.code).toBe(0);
    expect(partial.stderr).toContain('checked 2501/2501');
    expect(partial.stderr).toContain('imported 2500/2500');
    const result = JSON.parse(partial.stdout);
    expect(result).toMatchObject({ mechanismId: 'cn-ls', rows: 2501, created: 2500, imported: 2500 });
    expect(result.errors).toEqual(
      expect.arrayContaining([{ row: 2502, field: 'owner', message: 'no contact with id "nobody"' }]),
    );

    const check = await openStore({ dataDir });
    expect(await check.projects.get('cn-ls', 'bulk-2499')).toMatchObject({
      title: 'Bulk project 2499',
      owner: 'roads-director',
    });
    await check.close();
  }, 120_000);

  test('a user is added with a password from stdin, and an API token is printed once and stored only hashed', async () => {
    const added = await coord(
      ['user', 'add', 'Officer@Example.org', '--name', 'Secretariat Officer', '--password-stdin'],
      {
        env,
        input: 'a long enough passphrase\n',
      },
    );
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('user officer@example.org created (secretariat');

    const created = await coord(['token', 'create', '--name', 'reporting script', '--json'], { env });
    expect(created.code).toBe(0);
    const { token, id } = JSON.parse(created.stdout);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const store = await openStore({ dataDir });
    try {
      expect(await store.users.authenticate('officer@example.org', 'a long enough passphrase')).toMatchObject({
        name: 'Secretariat Officer',
      });
      expect(await store.apiTokens.resolve(token)).toMatchObject({ id, name: 'reporting script' });
      const raw = await store.db.selectFrom('api_tokens').selectAll().execute();
      expect(JSON.stringify(raw)).not.toContain(token);
      expect((await store.audit.list({ action: 'token.created' }))[0]).toMatchObject({
        entityId: id,
        actor: expect.stringMatching(/^cli:/),
      });
    } finally {
      await store.close();
    }
  }, 120_000);

  test('a user cannot be added without a terminal or --password-stdin, and never with a password argument', async () => {
    const noPassword = await coord(['user', 'add', 'a@example.org', '--name', 'A'], { env });
    expect(noPassword.code).toBe(2);
    expect(noPassword.stderr).toContain('pipe it in with --password-stdin');
    const asArgument = await coord(['user', 'add', 'a@example.org', '--name', 'A', '--password', 'secret'], { env });
    expect(asArgument.code).toBe(2);
    expect(asArgument.stderr).toContain("unknown option '--password'");
  }, 120_000);

  test('an invalid mechanism file changes nothing and lists every problem with its place in the file', async () => {
    const file = path.join(dataDir, 'broken.yaml');
    fs.writeFileSync(file, fs.readFileSync(DEMO, 'utf8').replace('owner: roads-director', 'owner: nobody-at-all'));
    const io = memoryIo();
    expect(await run(['mechanism', 'apply', file, '--json'], io, env)).toBe(1);
    expect(JSON.parse(io.out()).error).toMatchObject({
      code: 'invalid-file',
      fields: [{ field: 'projects[0].owner', message: 'no contact with id "nobody-at-all"' }],
    });
    const list = memoryIo();
    expect(await run(['mechanism', 'list'], list, env)).toBe(0);
    expect(list.out()).toContain('no mechanisms yet');
    const missing = memoryIo();
    expect(await run(['mechanism', 'apply', path.join(dataDir, 'nowhere.yaml')], missing, env)).toBe(3);
    expect(missing.err()).toContain('no file');
  });
});
