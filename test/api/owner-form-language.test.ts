/**
 * The owner's form in the owner's language (issue 18): the switch's choice first, then the language of the contact
 * the link was issued to, then the browser's. The app and the store are real; Temporal is unreachable (every call
 * fails), so the form shows what the records say and a submission is recorded to be processed later, which is all
 * these pages need.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app';
import type { CycleGateway } from '../../src/api/cycle-gateway';
import { renderMarkup } from '../../src/api/pages/layout';
import { loadConfig } from '../../src/config';
import ownerEn from '../../src/i18n/messages/owner.en.json';
import ownerZh from '../../src/i18n/messages/owner.zh.json';
import { loadDemoIfEmpty } from '../../src/store';
import { createTestStore, type TestStore } from '../helpers/store';

const unreachable = () => Promise.reject(new Error('14 UNAVAILABLE: connect ECONNREFUSED 127.0.0.1:7233'));
const temporalDown = new Proxy({} as CycleGateway, {
  get: (_t, name) => (name === 'workflowUiUrl' ? () => 'http://127.0.0.1:8233' : unreachable),
});

let store: TestStore;
let app: FastifyInstance;
/** A link to the road's form issued to the Chinese counsellor (language zh, side cn: Asia/Shanghai). */
let chinese: string;
/** A link to the solar plant's form issued to its owner, the Director of Energy (English, side ls: Africa/Maseru). */
let english: string;

beforeAll(async () => {
  store = await createTestStore();
  await loadDemoIfEmpty(store);
  await store.cycles.open({
    mechanismId: 'cn-ls',
    quarter: '2026-Q4',
    workflowId: 'cycle:cn-ls:2026-Q4',
    dueDate: '2026-12-04',
    cutoffAt: '2099-01-01T00:00:00Z',
  });
  const issue = (projectId: string, contactId: string) =>
    store.ownerLinks.issue({
      mechanismId: 'cn-ls',
      quarter: '2026-Q4',
      projectId,
      contactId,
      expiresAt: '2099-01-01T00:00:00Z',
    });
  chinese = `/u/${await issue('mpiti-road', 'counsellor-cn')}`;
  english = `/u/${await issue('ramarothole-solar', 'energy-director')}`;
  app = await buildApp({ config: loadConfig({ DATA_DIR: store.dataDir }), readiness: {}, store, cycles: temporalDown });
}, 60_000);
afterAll(async () => {
  await app?.close();
  await store?.close();
});

const post = (url: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: new URLSearchParams(fields).toString(),
  });
const WRONG = { status: 'off-track', statusReason: '', progressPercent: '140', achievements: '路基完成。' };
const VALID = { status: 'on-track', progressPercent: '35', achievements: 'Culverts installed.' };

/** The fixed parts of each message (placeholders and plural forms left out) long enough to be telling, as the page escapes them. */
function fixedTexts(catalogue: Record<string, string>): string[] {
  const texts = new Set<string>();
  for (const message of Object.values(catalogue)) {
    let depth = 0;
    let literal = '';
    for (const c of message) {
      if (c === '{') depth++;
      if (depth === 0) literal += c;
      else if (literal) literal += '\u0000';
      if (c === '}') depth--;
    }
    for (const part of literal.split('\u0000').map((p) => p.trim()))
      if (part.length >= (/\p{Script=Han}/u.test(part) ? 3 : 10)) texts.add(renderMarkup(part));
  }
  return [...texts];
}

describe('the owner form in the owner’s language', () => {
  test('a Chinese-speaking owner whose browser says nothing gets the form in Chinese, names and dates included', async () => {
    const res = await app.inject({ method: 'GET', url: chinese });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<html lang="zh"');
    expect(res.body).toContain('<h1>莫塞公路</h1>');
    expect(res.body).toContain('中国—莱索托');
    expect(res.body).toContain('截止日期为<strong>2026年12月4日</strong>');
    expect(res.body).toContain('填报人：经济商务参赞。');
    expect(res.body).toContain('最终设计获批');
    expect(res.body).toContain('已铺设公里数（km）：当前值（基线值0，目标值—）');
    expect(res.body).toContain('<option value="at-risk">存在风险</option>');
    expect(res.body).toContain('<button type="submit">提交进展更新</button>');
    // The switch: this page in English, Chinese marked as the current one.
    expect(res.body).toContain(`href="${chinese}?lang=en" lang="en" hreflang="en">English</a>`);
    expect(res.body).toContain('<strong lang="zh" aria-current="true">中文</strong>');
  });

  test('the switch comes before the contact’s language, and its choice holds for the form’s POST', async () => {
    const res = await app.inject({ method: 'GET', url: `${chinese}?lang=en` });
    expect(res.body).toContain('<html lang="en"');
    expect(res.body).toContain('<h1>Mpiti-Sehlaba-Thebe road</h1>');
    expect(res.body).toContain('<button type="submit">Submit update</button>');
    const cookie = String(res.headers['set-cookie']).split(';')[0];
    expect(cookie).toBe('lang=en');
    const refused = await post(chinese, WRONG, { cookie });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('<html lang="en"');
    expect(refused.body).toMatch(/id="progressPercent-error"[^>]*>enter a whole number from 0 to 100/);
    // The answer to a POST has no address of its own: its switch goes to the form.
    expect(refused.body).toContain(`href="${chinese}?lang=zh" lang="zh" hreflang="zh">中文</a>`);
    const extension = await post(`${chinese}/extension`, { days: 'x', reason: '' }, { cookie });
    expect(extension.body).toContain(`href="${chinese}?lang=zh" lang="zh" hreflang="zh">中文</a>`);
  });

  test('the contact’s language comes before the browser’s', async () => {
    const res = await app.inject({ method: 'GET', url: english, headers: { 'accept-language': 'zh-CN,zh;q=0.9' } });
    expect(res.body).toContain('<html lang="en"');
    expect(res.body).toContain('Ramarothole solar power plant');
    expect(res.body).toContain('due <strong>2026-12-04</strong>');
  });

  test('without a contact to follow (a link that is not valid, an error page), the browser’s language is used', async () => {
    const gone = await app.inject({ method: 'GET', url: '/u/not-a-link', headers: { 'accept-language': 'zh-CN' } });
    expect(gone.statusCode).toBe(404);
    expect(gone.body).toContain('<html lang="zh"');
    expect(gone.body).toContain('<h1>此链接无效</h1>');
    // An error page (text over the size a page accepts): no contact is looked up either.
    const huge = await post(
      english,
      { ...VALID, achievements: 'y'.repeat(300 * 1024) },
      { 'accept-language': 'zh-CN' },
    );
    expect(huge.statusCode).toBe(413);
    expect(huge.body).toContain('<html lang="zh"');
    expect(huge.body).toContain('<h1>文本过长</h1>');
    expect((await app.inject({ method: 'GET', url: '/u/not-a-link' })).body).toContain('This link is not valid');
  });

  test('mistakes are named in Chinese next to their fields, and what was typed comes back as written', async () => {
    const res = await post(chinese, WRONG);
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('<html lang="zh"');
    expect(res.body).toContain('请更正下方标出的栏目，内容尚未保存。');
    expect(res.body).toMatch(/id="progressPercent-error"[^>]*>请输入0至100之间的整数</);
    expect(res.body).toMatch(/id="statusReason-error"[^>]*>项目未处于“进展顺利”状态时，请说明原因</);
    expect(res.body).toContain('>路基完成。</textarea>');
    const number = await post(chinese, {
      ...VALID,
      'indicator-km-surfaced': '12,5',
      'milestone-handover-actual': '2026-02-30',
    });
    expect(number.body).toMatch(/id="indicator-km-surfaced-error"[^>]*>请输入数字，小数请使用小数点（例如12.5）</);
    expect(number.body).toContain('value="12,5" inputmode="decimal" aria-invalid="true"');
    expect(number.body).toMatch(/id="milestone-handover-actual-error"[^>]*>请输入真实存在的日期，格式为YYYY-MM-DD/);
  });

  test('the receipt of a submission to be processed later names the time in the owner’s zone', async () => {
    const zh = await post(chinese, VALID);
    expect(zh.statusCode).toBe(200);
    expect(zh.body).toContain('谢谢。您的进展更新已收到并记录（编号');
    expect(zh.body).toMatch(/\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}（Asia\/Shanghai）/);
    const en = await post(english, VALID);
    expect(en.body).toContain('Thank you: your update is received and recorded (reference');
    expect(en.body).toMatch(/\d{1,2} [A-Z][a-z]+ \d{4}, \d{2}:\d{2} \(Africa\/Maseru\)/);
  });

  test('no English message of the form shows on its Chinese pages, no Chinese one on its English pages, no key', async () => {
    const pages = async (link: string, lang: 'en' | 'zh') => {
      const q = `?lang=${lang}`;
      const cookie = `lang=${lang}`;
      return [
        (await app.inject({ method: 'GET', url: `${link}${q}` })).body,
        (await post(link, WRONG, { cookie })).body,
        (await post(`${link}/extension`, { days: '900' }, { cookie })).body,
        (await app.inject({ method: 'GET', url: `/u/not-a-link${q}` })).body,
      ].join('\n');
    };
    const zh = await pages(chinese, 'zh');
    const en = await pages(chinese, 'en');
    expect(zh).toContain('延期天数：请输入1至90之间的整数。');
    expect(en).toContain('Extra days: enter a whole number from 1 to 90.');
    expect(fixedTexts(ownerEn).length).toBeGreaterThan(50);
    expect(fixedTexts(ownerZh).length).toBeGreaterThan(50);
    for (const text of fixedTexts(ownerEn)) expect({ text, found: zh.includes(text) }).toEqual({ text, found: false });
    for (const text of fixedTexts(ownerZh)) expect({ text, found: en.includes(text) }).toEqual({ text, found: false });
    expect(zh).not.toMatch(/owner\.[a-z]/);
    expect(en).not.toMatch(/owner\.[a-z]/);
  });
});
