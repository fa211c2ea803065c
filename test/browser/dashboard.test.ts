// The dashboard in a real browser (Debian's chromium driven by playwright-core) against the real
// `ecoute run` on the demo data: a query changes results, facets and the timeline; a click on a bad
// day shows that day's mentions; a mention carrying HTML shows as text and runs nothing; no request
// leaves écoute. Screenshots go to test-output/ (and docs/dashboard.png with ECOUTE_UPDATE_SCREENSHOTS=1).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoWorkspace, hasChromium, launchChromium, requireChromium, startDashboard, stopAll, watchedPage } from '../helpers/browser.js';
import { ROOT } from '../helpers/cli.js';

// The callbacks given to page.evaluate run in the page; the project compiles without the DOM library,
// so these names are declared for this file only.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;
declare const sessionStorage: any;
type HTMLElement = any;

const OUT = join(ROOT, 'test-output');
const XSS = '<img src=x onerror=alert(1)>';
// A word no demo mention has, so one query finds exactly the hostile mention.
const XSS_MENTION = {
  source: 'reddit',
  id: 't1_xssprobe',
  text: `Acme zorglub ${XSS} and <script>alert(2)</script> in a comment`,
  published_at: '2026-11-15T10:00:00Z',
  lang: 'en',
};
// Issue 16: a mention naming both brands, with opposite tones toward them (a word of its own to find it).
const COMPARISON_MENTION = {
  source: 'reddit',
  id: 't1_cmpprobe',
  text: 'Honestly Globex is so much better than Acme, quixotry aside',
  published_at: '2026-11-16T10:00:00Z',
  lang: 'en',
};


// In CI a missing browser is a failure (the CI script installs it); on a laptop without it, a skip.
describe.skipIf(!hasChromium && !process.env.CI)('dashboard in a browser', () => {
  let child: ChildProcess | undefined;
  let browser: Browser | undefined;
  let url = '';
  let origin = '';

  beforeAll(async () => {
    requireChromium();
    mkdirSync(OUT, { recursive: true });
    const ws = demoWorkspace([XSS_MENTION, COMPARISON_MENTION]);

    const running = await startDashboard(ws);
    child = running.child;
    url = running.url;
    origin = running.origin;

    browser = await launchChromium();
  }, 180_000);

  afterAll(() => stopAll(browser, child));

  /** Resolves once the page has finished the refresh that follows `action`. */
  async function settled(page: Page, action: () => Promise<unknown>) {
    const before = await page.evaluate(() => document.body.dataset.ready ?? '');
    await action();
    await page.waitForFunction((b) => (document.body.dataset.ready ?? '') !== b, before);
  }

  const timelineCounts = (page: Page) =>
    page.evaluate(() => {
      const chart = (window as { echarts: { getInstanceByDom(el: unknown): { getOption(): { series: { data: { value: number }[] }[] } } } }).echarts.getInstanceByDom(
        document.getElementById('timeline')!,
      );
      return chart.getOption().series[0]!.data.map((d) => d.value);
    });

  const total = async (page: Page) => Number((await page.locator('#total').innerText()).replace(/[^\d]/g, ''));

  it('searches, filters, drills into a bad day, shows hostile text as text, and talks only to écoute', async () => {
    const { context, page, requests, dialogs } = await watchedPage(browser!, 900);

    await page.goto(url);
    await page.waitForFunction(() => document.body.dataset.ready !== undefined);
    // The token moved from the address bar into the session.
    expect(page.url()).not.toContain('token=');
    expect(await page.evaluate(() => sessionStorage.getItem('ecoute.token'))).toBe(new URL(url).searchParams.get('token'));
    await expect.poll(() => page.locator('#brand option').allInnerTexts(), { timeout: 20_000 }).toEqual(['Acme', 'Globex']);

    const allTotal = await total(page);
    const allTimeline = await timelineCounts(page);
    expect(allTotal).toBeGreaterThan(300);
    expect(allTimeline.reduce((a, b) => a + b, 0)).toBe(allTotal);
    await page.screenshot({ path: join(OUT, 'dashboard-start.png'), fullPage: true });

    // Live validation: a broken query says what and where, a good one previews its count.
    await page.locator('#q').fill('(livraison OR retard');
    await expect.poll(() => page.locator('#q-status').getAttribute('class'), { timeout: 20_000 }).toBe('q-status invalid');
    expect(await page.locator('#q-status').innerText()).toMatch(/column/i);
    await page.locator('#q').fill('livraison OR delivery');
    await expect.poll(() => page.locator('#q-status').getAttribute('class'), { timeout: 20_000 }).toBe('q-status valid');
    expect(await page.locator('#q-status').innerText()).toMatch(/\d+ mentions match/);

    await settled(page, () => page.locator('#q').press('Enter'));
    const queryTotal = await total(page);
    expect(queryTotal).toBeGreaterThan(0);
    expect(queryTotal).toBeLessThan(allTotal);
    expect(await page.locator('.hit mark').count()).toBeGreaterThan(0);
    const queryTimeline = await timelineCounts(page);
    expect(queryTimeline).not.toEqual(allTimeline);
    expect(queryTimeline.reduce((a, b) => a + b, 0)).toBe(queryTotal);

    // A facet click filters the results and the charts.
    const negative = page.locator('.facet-value[data-facet="sentiment"][data-value="negative"]');
    const negativeCount = Number((await negative.locator('.count').innerText()).replace(/[^\d]/g, ''));
    await settled(page, () => negative.click());
    expect(await total(page)).toBe(negativeCount);
    expect(await page.locator('.facet-value.active').count()).toBe(1);
    const toneLabels = await page.locator('.hit .tone:not(.tone-brand)').allInnerTexts();
    expect(toneLabels.length).toBeGreaterThan(0);
    for (const label of toneLabels) expect(label).toMatch(/^negative/);

    // The bad days stand out (on all of the brand's mentions), and a click on one in the chart lists that day's mentions.
    await settled(page, () => page.locator('.chip').first().click());
    await page.locator('#q').fill('');
    await settled(page, () => page.locator('#q').press('Enter'));
    expect(await total(page)).toBe(allTotal);
    const bad = await page.locator('.bad-day').evaluateAll((nodes) => nodes.map((n) => ({ start: (n as HTMLElement).dataset.start!, index: Number((n as HTMLElement).dataset.index) })));
    expect(bad.length).toBeGreaterThan(0);
    const target = bad[0]!.start;
    const point = await page.evaluate((index) => {
      type Chart = { getOption(): { series: { data: { value: number }[] }[] }; convertToPixel(finder: object, value: number[]): number[] };
      const el = document.getElementById('timeline')!;
      const chart = (window as { echarts: { getInstanceByDom(el: unknown): Chart } }).echarts.getInstanceByDom(el);
      // Halfway up the day's bar, in page coordinates.
      const [x, y] = chart.convertToPixel({ seriesIndex: 0 }, [index, chart.getOption().series[0]!.data[index]!.value / 2]);
      const box = el.getBoundingClientRect();
      return { x: box.left + x!, y: box.top + y! };
    }, bad[0]!.index);
    await settled(page, () => page.mouse.click(point.x, point.y));
    await expect.poll(() => page.locator('.chip').allInnerTexts(), { timeout: 20_000 }).toContainEqual(expect.stringMatching(/^Day:/));
    const dayTimes = await page.locator('.hit time').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('datetime')!));
    expect(dayTimes.length).toBeGreaterThan(0);
    const dayStart = Date.parse(target);
    for (const time of dayTimes) {
      expect(Date.parse(time)).toBeGreaterThanOrEqual(dayStart);
      expect(Date.parse(time)).toBeLessThan(dayStart + 86_400_000);
    }
    await page.screenshot({ path: join(OUT, 'dashboard-bad-day.png'), fullPage: true });

    // The hostile mention shows its characters and runs nothing.
    await settled(page, () => page.locator('.clear, .chip').first().click());
    await page.locator('#q').fill('zorglub');
    await settled(page, () => page.locator('#q').press('Enter'));
    await expect.poll(() => page.locator('.hit').count(), { timeout: 20_000 }).toBe(1);
    expect(await page.locator('.hit .snippet').innerText()).toContain(XSS);
    expect(await page.locator('.hits img, .hits script').count()).toBe(0);
    expect(dialogs).toEqual([]);
    // A mention naming both brands: its own tone, and beside it the tone toward the selected brand (Acme).
    await page.locator('#q').fill('quixotry');
    await settled(page, () => page.locator('#q').press('Enter'));
    await expect.poll(() => page.locator('.hit').count(), { timeout: 20_000 }).toBe(1);
    expect(await page.locator('.hit .tone:not(.tone-brand)').innerText()).toMatch(/^positive/);
    expect(await page.locator('.hit .tone-brand').innerText()).toMatch(/^Acme: negative/);
    expect(await page.locator('.hit .tone-brand').getAttribute('title')).toBe('tone toward Acme');
    // The snippet guard: a snippet with any tag but <mark> is refused (shown as plain text), entities become characters.
    // (A string, so the test runner does not rewrite the page's import.)
    const guard = await page.evaluate(`(async () => {
      const { snippetNodes } = await import('/assets/app.js');
      const asText = (nodes) => nodes && nodes.map((n) => (n.nodeName === 'MARK' ? '[' + n.textContent + ']' : n.textContent)).join('');
      return { hostile: snippetNodes('ok <img src=x onerror=alert(1)> <mark>a</mark>'), escaped: asText(snippetNodes('&lt;img src=x&gt; &amp; <mark>livraison</mark>')) };
    })()`);
    expect(guard).toEqual({ hostile: null, escaped: '<img src=x> & [livraison]' });

    // Back to the brand's whole period, a bad day picked, for the README's picture.
    await page.locator('#q').fill('');
    await settled(page, () => page.locator('#q').press('Enter'));
    await settled(page, () => page.locator('.bad-day').nth(2).click());
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(OUT, 'dashboard.png'), fullPage: true, clip: { x: 0, y: 0, width: 1366, height: 1250 } });
    if (process.env.ECOUTE_UPDATE_SCREENSHOTS === '1') writeFileSync(join(ROOT, 'docs/dashboard.png'), readFileSync(join(OUT, 'dashboard.png')));

    expect(requests.length).toBeGreaterThan(5);
    const elsewhere = requests.filter((r) => !r.startsWith('data:') && new URL(r).origin !== origin);
    expect(elsewhere).toEqual([]);
    await context.close();
  }, 180_000);

  it('reads in French on a phone, and says what to do without a token', async () => {
    const phone = await browser!.newContext({ viewport: { width: 390, height: 844 }, locale: 'fr-FR', deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const page = await phone.newPage();
    await page.goto(url);
    await page.waitForFunction(() => document.body.dataset.ready !== undefined);
    expect(await page.locator('#timeline-title').innerText()).toBe('Volume et tonalité');
    expect(await page.locator('#results-title').innerText()).toMatch(/Mentions \(\d[\d\s\u202f]* mentions\)/);
    // Nothing wider than the phone's screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(OUT, 'dashboard-phone.png') });
    await page.screenshot({ path: join(OUT, 'dashboard-phone-full.png'), fullPage: true });
    // The switch goes back to English.
    await settled(page, () => page.locator('#lang').selectOption('en'));
    expect(await page.locator('#timeline-title').innerText()).toBe('Volume and tone');
    await phone.close();

    const stranger = await browser!.newContext({ locale: 'en-US' });
    const bare = await stranger.newPage();
    await bare.goto(origin + '/');
    await expect.poll(() => bare.locator('#notice').isVisible(), { timeout: 20_000 }).toBe(true);
    expect(await bare.locator('#notice').innerText()).toMatch(/Access refused.*\?token=/);
    await stranger.close();
  }, 120_000);
});
