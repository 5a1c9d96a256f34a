/**
 * A quarter in a real browser (Debian's chromium via playwright-core) against the running service: the app on
 * 127.0.0.1, the real workflows on the time-skipping Temporal server with the real activities, emails over a
 * real SMTP catcher, and SQLite. Screenshots of the main pages go to test-results/e2e/ (not committed).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Browser } from 'playwright-core';
import { launchBrowser, resultsDir, screenshot } from '../helpers/browser';
import { bundleWorkflows, createTimeSkippingEnv } from '../helpers/temporal';
import { linkIn, OFFICER, PREVIOUS, seedPreviousQuarter, startServiceStack, until, type ServiceStack } from './stack';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let browser: Browser;
let stack: ServiceStack;

beforeAll(async () => {
  [env, bundle, browser] = await Promise.all([
    createTimeSkippingEnv(),
    bundleWorkflows({ timeSkipping: true }),
    launchBrowser(),
  ]);
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await env?.teardown();
});

describe('a quarter in the browser', () => {
  test('an owner answers from the emailed link and the secretariat runs the quarter to the minutes', async () => {
    stack = await startServiceStack(env, bundle);
    const { store, smtp } = stack;
    await seedPreviousQuarter(store);
    await stack.startScheduledCycle('cn-ls', '2027-Q1');
    await stack.skipTo('2027-03-01T12:00:00Z');

    // ---- the owner: the link from the email actually received over SMTP ----
    await smtp.waitFor(
      (ms) =>
        ms.some(
          (m) =>
            m.envelope.to.includes('roads-director@example.org') &&
            /Quarterly update requested/.test(m.parsed.subject ?? ''),
        ),
      60_000,
    );
    const request = smtp.messages.find(
      (m) =>
        m.envelope.to.includes('roads-director@example.org') &&
        /Quarterly update requested/.test(m.parsed.subject ?? ''),
    )!;
    const link = linkIn(request.parsed.text);
    expect(link.startsWith(stack.baseUrl)).toBe(true);

    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 1,
      isMobile: true,
      hasTouch: true,
    });
    const small = await phone.newPage();
    await small.goto(link);
    await screenshot(small, '01-owner-form-phone');
    // Nothing wider than the phone screen: the form reads without sideways scrolling.
    expect(await small.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await phone.close();

    const owner = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const form = await owner.newPage();
    await form.goto(link);
    await expect(form.locator('#achievements').inputValue()).resolves.toBe(PREVIOUS.achievements);
    await expect(form.locator('#statusReason').inputValue()).resolves.toBe(PREVIOUS.statusReason);
    await expect(form.locator('#status').inputValue()).resolves.toBe('at-risk');
    await expect(form.getByText(PREVIOUS.actionItemTitle).count()).resolves.toBe(1);
    await screenshot(form, '02-owner-form-prefilled');

    // A mistake: off track without a reason, and 150 %.
    await form.selectOption('#status', 'off-track');
    await form.fill('#statusReason', '');
    await form.fill('#progressPercent', '150');
    await form.fill('#achievements', 'Bridge piers cast at the Senqu crossing.');
    await form.click('button:has-text("Submit update")');
    await form.waitForSelector('#progressPercent-error');
    expect(await form.textContent('#statusReason-error')).toContain('give a reason');
    expect(await form.textContent('#progressPercent-error')).toBe('enter a whole number from 0 to 100');
    expect(await form.locator('#achievements').inputValue()).toBe('Bridge piers cast at the Senqu crossing.');
    await screenshot(form, '03-owner-form-errors');
    expect(await store.submissions.latest('cn-ls', '2027-Q1', 'mpiti-road')).toBeUndefined();

    // Fixed and submitted.
    await form.fill('#statusReason', 'Rains delayed the earthworks by three weeks.');
    await form.fill('#progressPercent', '35');
    await form.check(`input[name="done-road-schedule-q4"]`);
    await form.click('button:has-text("Submit update")');
    await form.waitForSelector('text=revision 1 of your update is saved');
    // The receipt confirmation arrives over SMTP.
    await smtp.waitFor(
      (ms) =>
        ms.some(
          (m) =>
            m.envelope.to.includes('roads-director@example.org') &&
            m !== request &&
            !/Quarterly update requested/.test(m.parsed.subject ?? ''),
        ),
      30_000,
    );

    // Amended.
    await form.fill('#achievements', 'Bridge piers cast at the Senqu crossing; 14 km of subgrade done.');
    await form.click('button:has-text("Save amendment")');
    await form.waitForSelector('text=revision 2 of your update is saved');
    await screenshot(form, '04-owner-form-amended');
    // Coming back later shows the latest revision, the action item still ticked as done.
    await form.goto(link);
    expect(await form.locator('#achievements').inputValue()).toBe(
      'Bridge piers cast at the Senqu crossing; 14 km of subgrade done.',
    );
    expect(await form.isChecked('input[name="done-road-schedule-q4"]')).toBe(true);
    expect((await store.submissions.latest('cn-ls', '2027-Q1', 'mpiti-road'))?.body).toMatchObject({
      achievements: 'Bridge piers cast at the Senqu crossing; 14 km of subgrade done.',
      progressPercent: 35,
    });
    await owner.close();

    // ---- the secretariat ----
    const officer = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await officer.newPage();
    /** Opens a secretariat page, signing in first when asked (a session lasts a working day; weeks pass below). */
    const open = async (pathname: string) => {
      await page.goto(`${stack.baseUrl}${pathname}`);
      if (new URL(page.url()).pathname !== '/login') return;
      await page.fill('#email', OFFICER.email);
      await page.fill('#password', OFFICER.password);
      await page.click('button:has-text("Sign in")');
      await page.waitForURL((u) => u.pathname === new URL(pathname, stack.baseUrl).pathname);
    };
    await page.goto(`${stack.baseUrl}/`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await open('/');
    await page.waitForSelector('h1:has-text("Dashboard")');
    await expect(page.locator('.state-submitted').first().textContent()).resolves.toContain('1 submitted');
    await screenshot(page, '05-dashboard');

    await page.click('a[href="/mechanisms/cn-ls/cycles/2027-Q1"]');
    await page.waitForSelector('#phase:has-text("collecting")');
    await expect(page.locator('#project-mpiti-road .state').first().textContent()).resolves.toBe('submitted');

    // Extension for the solar plant.
    await page.fill('#project-ramarothole-solar input[name="dueDate"]', '2027-03-24');
    await page.click('#project-ramarothole-solar button:has-text("Extend")');
    await page.waitForSelector('text=Extension granted: now due 2027-03-24.');
    await screenshot(page, '06-cycle-collecting');

    // Collection closes; the report is compiled into the archive.
    await stack.skipTo('2027-03-29T08:00:00Z');
    await until(
      'the report',
      async () => (await store.documents.list('cn-ls', '2027-Q1')).filter((d) => d.kind === 'report').length === 3,
    );
    await until('the convening phase', async () => (await store.cycles.get('cn-ls', '2027-Q1'))?.phase === 'convening');

    // A date on Africa/Heroes' Day: the page warns before anything is sent, proposes dates both sides work, and
    // refuses to convene on it until the secretariat ticks the confirmation.
    await open(`/mechanisms/cn-ls/cycles/2027-Q1?startsAt=${encodeURIComponent('2027-05-25T10:00:00+02:00')}`);
    await expect(page.locator('#session-check').textContent()).resolves.toContain(
      "2027-05-25 is a holiday (Africa/Heroes' Day) for side ls",
    );
    await expect(page.locator('#session-check a').count()).resolves.toBe(3);
    await expect(page.locator('#holidayConfirmed').count()).resolves.toBe(1);
    await screenshot(page, '06b-session-date-check');
    await page.fill('#attendees', 'roads-director, energy-director, secretariat-ls, secretariat-cn');
    await page.click('button:has-text("Convene session")');
    await page.waitForSelector('text=Refused');
    // The outcome of the command (under load the page may also show its "busy" notice: the flash is #done).
    await expect(page.locator('#done').textContent()).resolves.toContain('Africa/Heroes');

    // Convene the session.
    await open('/mechanisms/cn-ls/cycles/2027-Q1');
    await page.fill('#startsAt', '2027-04-12T10:00:00+02:00');
    await page.fill('#attendees', 'roads-director, energy-director, secretariat-ls, secretariat-cn');
    await page.click('button:has-text("Convene session")');
    await page.waitForSelector('text=Session convened for');
    await screenshot(page, '07-cycle-convened');
    await smtp.waitFor(
      (ms) =>
        ms.some(
          (m) => m.envelope.to.includes('roads-director@example.org') && /BEGIN:VCALENDAR/.test(m.raw.toString('utf8')),
        ),
      30_000,
    );

    // The session is held; the secretariat records the decisions.
    await stack.skipTo('2027-04-12T12:00:00Z');
    await until('the recording phase', async () => (await store.cycles.get('cn-ls', '2027-Q1'))?.phase === 'recording');
    await open('/mechanisms/cn-ls/cycles/2027-Q1');
    await page.fill(
      '#decisions',
      'The contractor presents a revised schedule for the Mpiti-Sehlaba-Thebe road.\nThe grid connection of the solar plant is expedited.',
    );
    await page.fill('#actions', 'Revised road schedule | roads-director | 2027-05-14');
    await page.click('button:has-text("Record decisions")');
    await page.waitForSelector('text=Decisions recorded with 1 action item(s)');

    // Recording the decisions ends the quarter: the minutes are generated and the cycle closes.
    await until(
      'the minutes',
      async () => (await store.documents.list('cn-ls', '2027-Q1')).filter((d) => d.kind === 'minutes').length === 3,
    );
    await until('the closed cycle', async () => (await store.cycles.get('cn-ls', '2027-Q1'))?.phase === 'closed');
    await open('/mechanisms/cn-ls/cycles/2027-Q1');
    await page.waitForSelector('#phase:has-text("closed")');
    expect(await page.locator('button:has-text("Close the cycle")').count()).toBe(0);
    await page.waitForSelector('text=/Session held for 12 April 2027, [0-9]{2}:[0-9]{2} Africa.Maseru/');
    await screenshot(page, '08-cycle-closed');

    const minutesPdf = page.locator('tr', { hasText: 'minutes' }).locator('a:has-text("PDF")');
    const [download] = await Promise.all([page.waitForEvent('download'), minutesPdf.click()]);
    const saved = path.join(resultsDir, 'minutes.pdf');
    await download.saveAs(saved);
    expect(fs.readFileSync(saved).subarray(0, 5).toString()).toBe('%PDF-');
    expect(download.suggestedFilename()).toMatch(/minutes.*\.pdf$/);

    // The owner's link stopped working when the cycle closed.
    const late = await officer.newPage();
    const answer = await late.goto(link);
    expect(answer?.status()).toBe(404);
    await officer.close();
  }, 300_000);
});
