// XSS in the dashboard, in real Chromium against `ecoute run`: mentions whose text, title and URL
// hold script, event-handler, attribute-breaking and javascript: payloads, and a brand whose
// configured name holds markup. Searched, listed and hovered: no dialog opens, no element or handler
// is injected, no javascript: link exists, and the payloads are shown as the characters they are.
// (Issue 14's security tests, docs/security.md.)
import type { ChildProcess } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoWorkspace, hasChromium, launchChromium, requireChromium, startDashboard, stopAll, watchedPage } from '../helpers/browser.js';

// page.evaluate callbacks run in the browser; the DOM types are not in this project's lib.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;

const MARKUP = [
  '<script>alert("s1")</script>',
  '<img src=x onerror=alert("s2")>',
  '"><svg onload=alert("s3")>',
  "' onmouseover='alert(\"s4\")' data-x='",
  '</textarea></title><iframe srcdoc="<script>alert(5)</script>">',
  '<a href="javascript:alert(6)">click</a>',
  '${alert(7)} {{constructor.constructor("alert(8)")()}}',
];
const BRAND = 'Acme <img src=x onerror=alert("brand")>';
const MENTIONS = [
  { source: 'reddit', id: 'sec-xss-1', text: `Acme zorglub ${MARKUP.join(' ')} fin`, title: `Acme zorglub ${MARKUP[2]}`, url: 'javascript:alert("url")', published_at: '2026-11-15T10:00:00Z', lang: 'en' },
  { source: 'reddit', id: 'sec-xss-2', text: `Acme zorglub ${MARKUP[3]} ${MARKUP[1]}`, title: `${MARKUP[0]}`, url: 'https://example.org/"><script>alert(9)</script>', published_at: '2026-11-15T11:00:00Z', lang: 'en' },
];

describe.skipIf(!hasChromium && !process.env.CI)('dashboard XSS (security)', () => {
  let child: ChildProcess | undefined;
  let browser: Browser | undefined;
  let url = '';

  beforeAll(async () => {
    requireChromium();
    const ws = demoWorkspace(MENTIONS, { name: BRAND, query: 'acme OR zorglub' });
    const running = await startDashboard(ws);
    child = running.child;
    url = running.url;
    browser = await launchChromium();
  }, 180_000);

  afterAll(() => stopAll(browser, child));

  async function settled(page: Page, action: () => Promise<unknown>) {
    const before = await page.evaluate(() => document.body.dataset.ready ?? '');
    await action();
    await page.waitForFunction((b) => (document.body.dataset.ready ?? '') !== b, before);
  }

  const injected = (page: Page) =>
    page.evaluate(() => ({
      scripts: [...document.querySelectorAll('script')].filter((s) => !s.src).length,
      img: document.querySelectorAll('img[src="x"], img[onerror]').length,
      svg: document.querySelectorAll('svg[onload]').length,
      iframes: document.querySelectorAll('iframe').length,
      handlers: [...document.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => /^on/i.test(a.name))).length,
      jsLinks: [...document.querySelectorAll('a[href]')].filter((a) => /^\s*javascript:/i.test(a.getAttribute('href') ?? '')).length,
    }));

  it('hostile mention text, title, URL and brand name are shown as text and run nothing', async () => {
    const { context, page, dialogs } = await watchedPage(browser!, 900);
    await page.goto(url);
    await page.waitForFunction(() => (document.body.dataset.ready ?? '') !== '');
    const baseline = await injected(page);
    expect(baseline).toEqual({ scripts: 0, img: 0, svg: 0, iframes: 0, handlers: 0, jsLinks: 0 });
    // The brand's name is text wherever the page shows it.
    expect(await page.evaluate(() => document.body.innerText)).toContain(BRAND);

    await page.locator('#q').fill('zorglub');
    await settled(page, () => page.locator('#q').press('Enter'));
    await expect.poll(() => page.locator('.hit').count(), { timeout: 20_000 }).toBe(2);
    for (const el of await page.locator('.hit, .hit *').all()) await el.hover({ timeout: 500, force: true }).catch(() => undefined);

    const text = (await page.locator('.hits').innerText()).replace(/\s+/g, ' ');
    for (const m of [MARKUP[1], MARKUP[3], MARKUP[0]]) expect(text).toContain(m!.replace(/\s+/g, ' ').trim());
    expect(text).toContain('"><svg onload=alert("s3")>');
    expect(await injected(page)).toEqual(baseline);
    // The javascript: URL is no link; the other one is an http link, its characters escaped in the attribute.
    const hrefs = await page.locator('.hit a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(hrefs.every((h) => h !== null && /^https?:/.test(h))).toBe(true);
    expect(dialogs).toEqual([]);
    await context.close();
  });
});
