import fs from 'node:fs';
import { nameIn } from '../../src/domain';
import { DEMO_MECHANISM_FILE, importMechanismFile, loadDemoIfEmpty, MechanismFileError } from '../../src/store';
import { keepPostgresForThisFile, storeKinds, type TestStore } from '../helpers/store';

keepPostgresForThisFile();

/** Western Easter Sunday (anonymous Gregorian algorithm), as YYYY-MM-DD. */
function easter(y: number): Date {
  const a = y % 19,
    b = Math.floor(y / 100),
    c = y % 100,
    d = Math.floor(b / 4),
    e = b % 4,
    f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3),
    h = (19 * a + b - d - g + 15) % 30,
    i = Math.floor(c / 4),
    k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7,
    m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31),
    day = ((h + l - 7 * m + 114) % 31) + 1;
  return new Date(Date.UTC(y, month - 1, day));
}
const plusDays = (d: Date, n: number) => new Date(d.getTime() + n * 86_400_000).toISOString().slice(0, 10);

describe.each(storeKinds)('mechanism file on %s', (_kind, create) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await create();
  });
  afterEach(async () => {
    await store?.close();
  });

  test("npm start's demo sends its requests at once, while the mechanism file keeps the send hour", async () => {
    expect(await loadDemoIfEmpty(store, DEMO_MECHANISM_FILE, { policy: { sendRequestsAtOnce: true } })).toBe(true);
    const demo = await store.mechanisms.get('cn-ls');
    expect(demo!.policy).toMatchObject({ sendRequestsAtOnce: true, sendHour: 9 });
    expect(demo!.holidays.length).toBeGreaterThan(0);
    expect((await store.projects.list('cn-ls')).length).toBeGreaterThan(5);
    // Applying the file itself (what a real mechanism does) brings the send hour back for its requests.
    await importMechanismFile(store, DEMO_MECHANISM_FILE);
    expect((await store.mechanisms.get('cn-ls'))!.policy.sendRequestsAtOnce).toBe(false);
  });

  test('the demo China-Lesotho mechanism loads into an empty database, and only then', async () => {
    expect(await loadDemoIfEmpty(store)).toBe(true);
    const m = await store.mechanisms.get('cn-ls');
    expect(m).toMatchObject({
      name: 'China-Lesotho Coordination Mechanism',
      timeZone: 'Africa/Maseru',
      languages: ['en', 'zh'],
    });
    expect(m!.pillars).toHaveLength(5);
    expect(m!.sides.map((s) => s.id)).toEqual(['ls', 'cn']);
    expect(m!.contacts.find((c) => c.id === 'secretariat-cn')).toMatchObject({
      language: 'zh',
      timeZone: 'Asia/Shanghai',
    });
    const projects = (await store.projects.list('cn-ls')).map((p) => p.id);
    expect(projects).toEqual(
      expect.arrayContaining(['mpiti-road', 'ramarothole-solar', 'maseru-hospital', 'skills-training']),
    );
    expect(m!.contacts.every((c) => c.email.endsWith('@example.org'))).toBe(true);
    expect(await loadDemoIfEmpty(store)).toBe(false);
  });

  test('the demo mechanism keeps its names in English and Chinese: mechanism, sides, pillars, contacts, projects, milestones, indicators', async () => {
    await loadDemoIfEmpty(store);
    const m = (await store.mechanisms.get('cn-ls'))!;
    expect(nameIn(m, 'name', 'zh')).toBe('中国—莱索托双边合作协调机制');
    expect(nameIn(m, 'name', 'en')).toBe('China-Lesotho Coordination Mechanism');
    expect(m.sides.map((s) => nameIn(s, 'name', 'zh'))).toEqual([
      '莱索托外交与国际关系部',
      '中华人民共和国驻莱索托王国大使馆',
    ]);
    expect(
      nameIn(
        m.pillars.find((p) => p.id === 'people-to-people')!,
        'name',
        'zh',
      ),
    ).toBe('人文交流');
    const ambassador = m.contacts.find((c) => c.id === 'chair-cn')!;
    expect([nameIn(ambassador, 'name', 'zh'), nameIn(ambassador, 'organisation', 'zh')]).toEqual([
      '大使',
      '中华人民共和国驻莱索托王国大使馆',
    ]);
    expect([ambassador.name, ambassador.organisation]).toEqual([
      'Ambassador',
      "Embassy of the People's Republic of China in Maseru",
    ]);
    const road = (await store.projects.get('cn-ls', 'mpiti-road'))!;
    expect([road.title, nameIn(road, 'title', 'zh')]).toEqual(['Mpiti-Sehlaba-Thebe road', '莫塞公路']);
    expect(road.milestones.map((x) => nameIn(x, 'title', 'zh'))).toEqual(['最终设计获批', '公路移交']);
    expect(nameIn(road.indicators[0], 'name', 'zh')).toBe('已铺设公里数');
    // Every name of the demo has its Chinese text.
    const projects = await store.projects.list('cn-ls');
    const untranslated = [
      ...[m, ...m.sides, ...m.pillars, ...m.contacts].map((x) => (x.translations?.zh?.name ? undefined : x.name)),
      ...projects.map((p) => (p.translations?.zh?.title ? undefined : p.title)),
    ].filter(Boolean);
    expect(untranslated).toEqual([]);
  });

  test('a mechanism file with plain English names, as before, still imports and reads its English names in Chinese', async () => {
    const text = fs
      .readFileSync(DEMO_MECHANISM_FILE, 'utf8')
      .replace(
        'name: { en: China-Lesotho Coordination Mechanism, zh: 中国—莱索托双边合作协调机制 }',
        'name: Plain Mechanism',
      )
      .replace('title: { en: Mpiti-Sehlaba-Thebe road, zh: 莫塞公路 }', 'title: Plain road');
    await importMechanismFile(store, { text });
    const m = (await store.mechanisms.get('cn-ls'))!;
    expect([m.name, nameIn(m, 'name', 'zh'), m.translations]).toEqual([
      'Plain Mechanism',
      'Plain Mechanism',
      undefined,
    ]);
    const road = (await store.projects.get('cn-ls', 'mpiti-road'))!;
    expect([road.title, nameIn(road, 'title', 'zh'), road.translations]).toEqual([
      'Plain road',
      'Plain road',
      undefined,
    ]);
  });

  test('importing the same mechanism file twice changes nothing the second time, not even the audit trail', async () => {
    const first = await importMechanismFile(store, DEMO_MECHANISM_FILE);
    expect(first.created).toBeGreaterThan(10);
    const auditBefore = (await store.audit.list()).length;
    const second = await importMechanismFile(store, DEMO_MECHANISM_FILE);
    expect(second).toEqual({ mechanismId: 'cn-ls', created: 0, updated: 0, unchanged: first.created });
    expect((await store.audit.list()).length).toBe(auditBefore);
  });

  test('re-importing an edited file updates what changed and keeps projects the file no longer lists', async () => {
    await importMechanismFile(store, DEMO_MECHANISM_FILE);
    const text = fs
      .readFileSync(DEMO_MECHANISM_FILE, 'utf8')
      .replace('en: Maseru District hospital,', 'en: Maseru District Hospital (phase 1),')
      .replace(/ {2}- id: multilateral-coordination[\s\S]*?focalPoints: \{ cn: political-cn \}\n/, '');
    const r = await importMechanismFile(store, { text });
    expect(r).toMatchObject({ created: 0, updated: 1 });
    expect((await store.projects.get('cn-ls', 'maseru-hospital'))?.title).toBe('Maseru District Hospital (phase 1)');
    expect(await store.projects.get('cn-ls', 'multilateral-coordination')).toBeDefined();
    expect(await store.audit.list({ action: 'project.updated' })).toEqual([
      expect.objectContaining({ entityId: 'cn-ls/maseru-hospital', details: { fields: ['title'] } }),
    ]);
  });

  test('a mechanism read before a contact changes is read with the change afterwards', async () => {
    await importMechanismFile(store, DEMO_MECHANISM_FILE);
    const before = await store.mechanisms.get('cn-ls');
    expect(before!.contacts.find((c) => c.id === 'secretariat-cn')?.email).toBe('secretariat.cn@example.org');
    expect(await store.mechanisms.get('cn-ls')).toBe(before); // read again unchanged: the same parsed mechanism
    const text = fs
      .readFileSync(DEMO_MECHANISM_FILE, 'utf8')
      .replace('email: secretariat.cn@example.org', 'email: secretariat.cn@example.net');
    expect(await importMechanismFile(store, { text })).toMatchObject({ created: 0, updated: 1 });
    expect((await store.mechanisms.get('cn-ls'))!.contacts.find((c) => c.id === 'secretariat-cn')?.email).toBe(
      'secretariat.cn@example.net',
    );
  });

  test('a file with a wrong reference names the place of each problem and imports nothing', async () => {
    const text = fs
      .readFileSync(DEMO_MECHANISM_FILE, 'utf8')
      .replace('owner: energy-director', 'owner: nobody')
      .replace('pillar: multilateral-alignment', 'pillar: space');
    const err = await importMechanismFile(store, { text }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MechanismFileError);
    expect((err as MechanismFileError).problems).toEqual(
      expect.arrayContaining([
        { path: 'projects[1].owner', message: 'no contact with id "nobody"' },
        { path: 'projects[6].pillar', message: 'no pillar with id "space"' },
      ]),
    );
    expect(await store.mechanisms.isEmpty()).toBe(true);
  });

  test('a name or title with a line or paragraph separator or a control character is refused at import with its line and place in the file, and nothing is imported', async () => {
    const demo = fs.readFileSync(DEMO_MECHANISM_FILE, 'utf8');
    // YAML's escapes \L, \P and \a are U+2028, U+2029 and BEL.
    const text = demo
      .replace('en: Director of Roads,', 'en: "Director\\Lof Roads",')
      .replace('en: Mpiti-Sehlaba-Thebe road,', 'en: "Mpiti\\PSehlaba-Thebe road",')
      .replace('zh: 能源司司长', 'zh: "能源司\\a司长"');
    const lineOf = (needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
    const err = await importMechanismFile(store, { text }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MechanismFileError);
    expect((err as MechanismFileError).problems).toEqual([
      {
        path: 'contacts[6].name.en',
        line: lineOf('id: roads-director'),
        message:
          'must be a single line: contains a line separator (U+2028) at character 9, which cannot go into an email header',
      },
      {
        path: 'contacts[8].name.zh',
        line: lineOf('id: energy-director'),
        message:
          'must be a single line: contains a control character (U+0007) at character 4, which cannot go into an email header',
      },
      {
        path: 'projects[0].title.en',
        line: lineOf('Mpiti\\PSehlaba'),
        message:
          'must be a single line: contains a paragraph separator (U+2029) at character 6, which cannot go into an email header',
      },
    ]);
    expect((err as Error).message).toContain(
      `contacts[6].name.en (line ${lineOf('id: roads-director')}): must be a single line`,
    );
    expect(await store.mechanisms.isEmpty()).toBe(true);
  });

  test('a JSON mechanism file with a line separator in a project title is refused with the place of the title', async () => {
    const { parseMechanismFile } = await import('../../src/store/import/mechanism-file');
    const file = parseMechanismFile(fs.readFileSync(DEMO_MECHANISM_FILE, 'utf8'));
    const poisoned = {
      ...file,
      projects: file.projects.map((p, i) => (i === 2 ? { ...p, title: `${p.title}\u2028Bcc: x@example.org` } : p)),
    };
    const text = JSON.stringify(poisoned, null, 2);
    const err = await importMechanismFile(store, { text }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MechanismFileError);
    const [problem] = (err as MechanismFileError).problems;
    expect(problem).toMatchObject({ path: 'projects[2].title', message: expect.stringContaining('U+2028') });
    expect(text.split('\n')[problem.line! - 1]).toContain('"title": "Maseru District hospital');
    expect(await store.mechanisms.isEmpty()).toBe(true);
  });
});

test("the demo mechanism lists Lesotho's public holidays for 2026 and 2027 with the Easter dates and Sunday substitutes", async () => {
  const { parseMechanismFile } = await import('../../src/store/import/mechanism-file');
  const m = parseMechanismFile(fs.readFileSync(DEMO_MECHANISM_FILE, 'utf8'));
  const dates = new Set(m.holidays.map((h) => h.date));
  for (const year of [2026, 2027]) {
    const e = easter(year);
    for (const d of [plusDays(e, -2), plusDays(e, 1), plusDays(e, 39)]) expect(dates).toContain(d);
    for (const md of ['01-01', '03-11', '05-01', '05-25', '07-17', '10-04', '12-25', '12-26']) {
      const date = `${year}-${md}`;
      expect(dates).toContain(date);
      if (new Date(`${date}T00:00:00Z`).getUTCDay() === 0)
        expect(dates).toContain(plusDays(new Date(`${date}T00:00:00Z`), 1));
    }
  }
});
