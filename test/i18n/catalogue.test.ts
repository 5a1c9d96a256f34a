import { catalogueProblems, catalogues, translate } from '../../src/i18n';

describe('the message catalogue', () => {
  test('has every message in English and Chinese, each with the same placeholders in both', () => {
    expect(catalogueProblems(catalogues)).toEqual([]);
    expect(Object.keys(catalogues.zh).sort()).toEqual(Object.keys(catalogues.en).sort());
  });

  test('reports a message missing in Chinese, one missing in English, and one whose placeholders differ', () => {
    const en = { 'a.greeting': 'Dear {name},', 'a.days': '{days, plural, one {# day} other {# days}}' };
    expect(catalogueProblems({ en, zh: { 'a.greeting': '尊敬的{name}：' } })).toEqual([
      'zh: missing "a.days" (English has it)',
    ]);
    expect(catalogueProblems({ en, zh: { ...en, 'a.extra': '多余' } })).toEqual([
      'zh: "a.extra" is not in the English catalogue',
    ]);
    expect(
      catalogueProblems({ en, zh: { 'a.greeting': '尊敬的{nom}：', 'a.days': '{count, plural, other {#天}}' } }),
    ).toEqual([
      'zh: "a.greeting" uses {nom} where English uses {name}',
      'zh: "a.days" uses {count} where English uses {days}',
    ]);
    expect(catalogueProblems({ en, zh: { ...en, 'a.greeting': '尊敬的{name：' } })).toEqual([
      expect.stringMatching(/^zh: "a.greeting" does not parse/),
    ]);
  });

  test('counts days in English with a plural and in Chinese without one', () => {
    expect(translate('en', 'email.extension.days', { days: 1 })).toBe('1 day');
    expect(translate('en', 'email.extension.days', { days: 5 })).toBe('5 days');
    expect(translate('zh', 'email.extension.days', { days: 5 })).toBe('5天');
  });

  test('inserts names exactly as written, braces, quotes and angle brackets included', () => {
    const name = "O'Brien {Roads} <Agency> #1";
    expect(translate('en', 'email.greeting', { name })).toBe(`Dear ${name},`);
    expect(translate('zh', 'email.greeting', { name })).toBe(`尊敬的${name}：`);
  });
});
