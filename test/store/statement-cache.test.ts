import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { openSqlite } from '../../src/store/dialect';

// SQLite statements are compiled once and used again (src/store/dialect.ts): the same query with other parameters,
// and after a stream of it, must answer for its own parameters.
describe('the SQLite statement cache', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coord-statements-'));
  const db = openSqlite(dir);
  afterAll(async () => {
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a query run again answers with its own parameters, before and after a stream of it', async () => {
    await sql`create table t (n integer)`.execute(db);
    await sql`insert into t (n) values (1), (2), (3)`.execute(db);
    const above = (n: number) =>
      db
        .selectFrom(sql<{ n: number }>`(select n from t)`.as('x'))
        .select('n')
        .where('n', '>', n)
        .orderBy('n');
    expect((await above(0).execute()).map((r) => r.n)).toEqual([1, 2, 3]);
    expect((await above(1).execute()).map((r) => r.n)).toEqual([2, 3]);
    const streamed: number[] = [];
    for await (const row of above(0).stream()) streamed.push(row.n);
    expect(streamed).toEqual([1, 2, 3]);
    expect((await above(2).execute()).map((r) => r.n)).toEqual([3]);
    await sql`insert into t (n) values (4)`.execute(db);
    expect((await above(2).execute()).map((r) => r.n)).toEqual([3, 4]);
  });

  test('a statement compiled before its table gained a column reads the new column after', async () => {
    await sql`create table u (a integer)`.execute(db);
    await sql`insert into u (a) values (1)`.execute(db);
    const all = () =>
      db
        .selectFrom(sql`u`.as('u'))
        .selectAll()
        .execute();
    expect(await all()).toEqual([{ a: 1 }]);
    await sql`alter table u add column b text default 'x'`.execute(db);
    expect(await all()).toEqual([{ a: 1, b: 'x' }]);
  });
});
