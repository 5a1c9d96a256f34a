/**
 * Issue 18's acceptance in a real browser (Debian's chromium via playwright-core), on the real service (time-skipping
 * Temporal, worker, SMTP): a Chinese-speaking officer and an English-speaking one sign in and take the cycle page,
 * and an owner takes the update form in each language. Each page's visible text (and its placeholders, labels and
 * title) is checked for untranslated words: on a Chinese page no Latin word is left but the data that is the same in
 * both languages (addresses, ids, zone names, product names), and on an English page no Chinese character, except in
 * elements marked with their own language (the switch, text someone wrote). Screenshots in test-results/e2e/.
 */
import type { Browser, Page } from 'playwright-core';
import type { Language } from '../../src/domain';
import { screenshot } from '../helpers/browser';
import {
  linkIn,
  OFFICER,
  seedPreviousQuarter,
  startBrowserStack,
  until,
  type BrowserStack,
  type ServiceStack,
} from './stack';

const ZH_OFFICER = { email: 'wang.officer@example.org', name: '王秘书', password: 'a long passphrase for wang' };

/** A text the page shows, with the language of the element it sits in (its own `lang` or its nearest parent's). */
interface Shown {
  text: string;
  lang: string | null;
}

/**
 * Every text a reader meets on the page: text nodes, placeholders, labels for screen readers, titles. (Run in the
 * page; written as a string because this project's TypeScript has no DOM types.)
 */
const COLLECT_SHOWN = `(() => {
  const out = [];
  const langOf = (el) => el.closest('[lang]')?.getAttribute('lang') ?? null;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    const text = n.textContent?.trim();
    // Code is the product's own words for steps and kinds (the API's), the same in both languages; a text field holds
    // what its reader wrote (the form is prefilled with the last answers).
    if (!el || !text || el.closest('script, style, code, datalist, textarea')) continue;
    out.push({ text, lang: langOf(el) });
  }
  for (const el of document.querySelectorAll('[placeholder], [aria-label], [title]'))
    for (const name of ['placeholder', 'aria-label', 'title']) {
      const value = el.getAttribute(name);
      if (value) out.push({ text: value, lang: langOf(el) });
    }
  out.push({ text: document.title, lang: document.documentElement.getAttribute('lang') });
  return out;
})()`;

/** The texts the page shows. */
const shownTexts = (page: Page): Promise<Shown[]> => page.evaluate<Shown[]>(COLLECT_SHOWN);

/**
 * What is the same in both languages and may stay in Latin letters on a Chinese page: addresses, links, zone names,
 * quarters, ISO dates and times, the date pattern, product and format names, and units (and the mechanism's ids, below).
 */
const SAME_IN_BOTH = [
  /\S+@\S+\.\w+/g,
  /https?:\/\/\S+/g,
  /\b[A-Z][a-z]+\/[A-Za-z_]+\b/g,
  /\b\d{4}-Q[1-4]\b/g,
  /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:\d{2})?/g,
  /\bYYYY-MM-DD\b/g,
  /\b(?:Temporal|UI|API|CSV|Excel|XLSX|PDF|DOCX|ISO|UTC|SMTP)\b/g,
  // Units as the mechanism file gives them (SI symbols read the same in Chinese technical text).
  /\b(?:km|m|MW|kW|kWh|GWh|kg|ha)\b/g,
];

/** The ids of the demo mechanism, its projects and contacts (`mpiti-road`): the same in both languages. */
let knownIds = /(?!)/g;

/** The texts of a page that are not in `language` (and not marked as another language). */
function untranslated(texts: Shown[], language: Language): string[] {
  return texts
    .filter((s) => s.lang === null || s.lang.startsWith(language))
    .filter((s) => {
      if (language === 'en') return /\p{Script=Han}/u.test(s.text);
      const rest = [...SAME_IN_BOTH, knownIds].reduce((t, pattern) => t.replace(pattern, ' '), s.text);
      return /[A-Za-z]{2,}/.test(rest);
    })
    .map((s) => s.text);
}

let world: BrowserStack | undefined;
let browser: Browser;
let stack: ServiceStack;
let ownerLink: string;

beforeAll(async () => {
  world = await startBrowserStack();
  ({ browser, stack } = world);
  const mechanism = (await stack.store.mechanisms.get('cn-ls'))!;
  const ids = [
    'cn-ls',
    ...mechanism.contacts.map((c) => c.id),
    ...(await stack.store.projects.list('cn-ls')).map((p) => p.id),
  ];
  knownIds = new RegExp(`\\b(?:${ids.sort((a, b) => b.length - a.length).join('|')})\\b`, 'g');
  // A quarter on record, so that the portfolio has trends and a project a history.
  await seedPreviousQuarter(stack.store);
  await stack.store.users.create({ ...ZH_OFFICER, role: 'secretariat', language: 'zh' });
  // A quarter running: the requests went out, the owners' links are in their emails.
  await stack.startScheduledCycle('cn-ls', '2027-Q1');
  await stack.skipTo('2027-03-01T12:00:00Z');
  const request = await until('the request to the roads director', async () =>
    stack.smtp.messages.find(
      (m) =>
        m.envelope.to.includes('roads-director@example.org') &&
        /Quarterly update requested/.test(m.parsed.subject ?? ''),
    ),
  );
  ownerLink = linkIn(request.parsed.text);
  await until('every project recorded', async () => {
    const rows = await stack.store.cycles.listProjectStates('cn-ls', '2027-Q1');
    return rows.length > 0 && rows.every((r) => r.state === 'requested');
  });
}, 240_000);
afterAll(async () => {
  await world?.close();
});

/** Signs in through the form in a fresh browser context (the browser's language as given) and returns the page. */
async function signedIn(who: { email: string; password: string }, locale: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale });
  const page = await context.newPage();
  await page.goto(`${stack.baseUrl}/login`);
  await page.fill('#email', who.email);
  await page.fill('#password', who.password);
  await page.click('button[type="submit"]');
  await page.waitForURL((u) => u.pathname === '/');
  return page;
}

describe('the pages in both languages', () => {
  test('a Chinese-speaking officer takes the cycle page in Chinese, an English-speaking one in English', async () => {
    // The Chinese officer's setting is Chinese; their browser says English: the setting wins.
    const wang = await signedIn(ZH_OFFICER, 'en-GB');
    await wang.goto(`${stack.baseUrl}/mechanisms/cn-ls/cycles/2027-Q1`);
    await wang.waitForSelector('#phase');
    expect(await wang.getAttribute('html', 'lang')).toBe('zh');
    expect(await wang.textContent('h1')).toBe('中国—莱索托双边合作协调机制：2027-Q1周期');
    expect(await wang.textContent('#project-mpiti-road .state')).toBe('已请求');
    expect(untranslated(await shownTexts(wang), 'zh')).toEqual([]);
    await screenshot(wang, 'languages-cycle-zh');
    // The dashboard, the portfolio with its trend charts (their titles, legends and descriptions) and a project's
    // history: Chinese too.
    for (const path of ['/', '/mechanisms/cn-ls/portfolio', '/mechanisms/cn-ls/projects/mpiti-road']) {
      await wang.goto(`${stack.baseUrl}${path}`);
      expect([path, untranslated(await shownTexts(wang), 'zh')]).toEqual([path, []]);
    }
    expect(await wang.locator('figure.chart svg').count()).toBeGreaterThan(0);
    await screenshot(wang, 'languages-history-zh');

    const palesa = await signedIn(OFFICER, 'en-GB');
    await palesa.goto(`${stack.baseUrl}/mechanisms/cn-ls/cycles/2027-Q1`);
    await palesa.waitForSelector('#phase');
    expect(await palesa.getAttribute('html', 'lang')).toBe('en');
    expect(await palesa.textContent('h1')).toBe('China-Lesotho Coordination Mechanism: cycle 2027-Q1');
    expect(await palesa.textContent('#project-mpiti-road .state')).toBe('requested');
    expect(untranslated(await shownTexts(palesa), 'en')).toEqual([]);
    await screenshot(palesa, 'languages-cycle-en');

    // The switch on the page: the English officer reads it in Chinese, and it stays so for them (their setting).
    await palesa.click('nav.languages a[hreflang="zh"]');
    await palesa.waitForURL((u) => u.searchParams.get('lang') === 'zh');
    expect(await palesa.getAttribute('html', 'lang')).toBe('zh');
    expect(untranslated(await shownTexts(palesa), 'zh')).toEqual([]);
    await palesa.goto(`${stack.baseUrl}/`);
    expect(await palesa.getAttribute('html', 'lang')).toBe('zh');
    expect((await stack.store.users.authenticate(OFFICER.email, OFFICER.password))?.language).toBe('zh');

    // An officer without a setting who picks Chinese on the sign-in page keeps it once signed in.
    const li = { email: 'li.officer@example.org', name: 'Li Officer', password: 'a long passphrase for li' };
    await stack.store.users.create({ ...li, role: 'observer' });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    const login = await context.newPage();
    await login.goto(`${stack.baseUrl}/login?lang=zh`);
    expect(untranslated(await shownTexts(login), 'zh')).toEqual([]);
    await login.fill('#email', li.email);
    await login.fill('#password', li.password);
    await login.click('button[type="submit"]');
    await login.waitForURL((u) => u.pathname === '/');
    expect(await login.getAttribute('html', 'lang')).toBe('zh');
    expect((await stack.store.users.authenticate(li.email, li.password))?.language).toBe('zh');
    await context.close();
  }, 120_000);

  test("an owner takes the update form in their contact's language, and in the other through the switch", async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'en-GB' });
    const form = await context.newPage();
    await form.goto(ownerLink);
    await form.waitForSelector('form');
    expect(await form.getAttribute('html', 'lang')).toBe('en');
    expect(untranslated(await shownTexts(form), 'en')).toEqual([]);
    await screenshot(form, 'languages-owner-en');

    await form.click('nav.languages a[hreflang="zh"]');
    await form.waitForURL((u) => u.searchParams.get('lang') === 'zh');
    expect(await form.getAttribute('html', 'lang')).toBe('zh');
    expect(await form.locator('form').count()).toBeGreaterThan(0);
    expect(untranslated(await shownTexts(form), 'zh')).toEqual([]);
    await screenshot(form, 'languages-owner-zh');
    await context.close();
  }, 120_000);

  test('the check finds what is left untranslated', () => {
    expect(untranslated([{ text: '跟进 follow-up', lang: 'zh' }], 'zh')).toEqual(['跟进 follow-up']);
    // The check itself must be able to fail: an English sentence on a Chinese page, Chinese on an English one.
    expect(untranslated([{ text: '截止日期 Due soon', lang: 'zh' }], 'zh')).toEqual(['截止日期 Due soon']);
    expect(untranslated([{ text: 'Phase 收集中', lang: 'en' }], 'en')).toEqual(['Phase 收集中']);
    // Marked as written in the other language, or data the same in both: not counted.
    expect(untranslated([{ text: 'The road is late.', lang: 'en' }], 'zh')).toEqual([]);
    expect(
      untranslated(
        [{ text: '时间均为Africa/Maseru时间。 2027-Q1 mpiti-road roads-director@example.org', lang: 'zh' }],
        'zh',
      ),
    ).toEqual([]);
  });
});
