// The dashboard's image panel in a real browser (Debian's chromium driven by playwright-core)
// against the real `ecoute run` on the demo data, with Acme's intended image declared: the chart
// draws intended and perceived bars with intervals, the gap table matches the API's analysis, a
// row's link puts its query in the search box and shows the mentions behind it, and the panel
// speaks French after the language switch. Screenshot: test-output/dashboard-image.png (and
// docs/image.png with ECOUTE_UPDATE_SCREENSHOTS=1).
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium, requireChromium, startDashboard, stopAll } from '../helpers/browser.js';
import { ROOT, workspace } from '../helpers/cli.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;

const OUT = join(ROOT, 'test-output');

describe.skipIf(!hasChromium && !process.env.CI)('image panel in a browser', () => {
  let child: ChildProcess | undefined;
  let browser: Browser | undefined;
  let url = '';
  let origin = '';
  let token = '';

  beforeAll(async () => {
    requireChromium();
    mkdirSync(OUT, { recursive: true });
    const ws = workspace(`data_dir: ./data
http: { host: 127.0.0.1, port: 0 }
brands:
  - id: acme
    name: Acme
    query: 'acme OR "acme corp"'
    competitors: [globex]
    intended_image:
      fields:
        quality: { weight: 4, tone: 0.7 }
        innovation: { weight: 3, tone: 0.6 }
        ethics_environment: { weight: 2, tone: 0.6 }
        sophistication: { weight: 2, tone: 0.5 }
        service_support: { weight: 1, tone: 0.5 }
  - { id: globex, name: Globex, query: globex }
connectors:
  - { type: file, path: ./mentions.jsonl }
`);
    copyFileSync(join(ROOT, 'config/demo/mentions.jsonl'), join(ws.dir, 'mentions.jsonl'));
    const running = await startDashboard(ws, 120_000);
    child = running.child;
    url = running.url;
    origin = running.origin;
    token = running.token;
    browser = await launchChromium();
  }, 240_000);

  afterAll(() => stopAll(browser, child));

  it('draws intended against perceived with intervals, and each gap row links to its mentions', async () => {
    const analysis = (await (await fetch(`${origin}/api/brands/acme/image?lang=en`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      fields: { field: string; label: string; share: number; share_ci: [number, number]; intended_share: number; status: string; query: string }[];
      summary: string[];
    };
    const context = await browser!.newContext({ viewport: { width: 1366, height: 900 }, locale: 'en-US' });
    const page = await context.newPage();
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(url);
    await page.waitForFunction(() => document.querySelectorAll('#image-table tbody tr').length > 0, undefined, { timeout: 30_000 });

    // The chart: an intended bar and a perceived bar per row, and an interval around each perceived share.
    const option = await page.evaluate(() => {
      const chart = window.echarts.getInstanceByDom(document.getElementById('image-chart'));
      const o = chart.getOption();
      return { rows: o.yAxis[0].data, series: o.series.map((s: any) => ({ type: s.type, data: s.data.map((d: any) => (typeof d === 'object' && d !== null && 'value' in d ? d.value : d)) })) };
    });
    const drawn = analysis.fields.filter((f) => f.intended_share > 0 || f.share >= 0.02);
    expect(option.rows).toEqual(drawn.map((f) => f.label));
    expect(option.series.map((s: { type: string }) => s.type)).toEqual(['bar', 'bar', 'custom']);
    expect(option.series[0].data).toEqual(drawn.map((f) => f.intended_share));
    expect(option.series[1].data).toEqual(drawn.map((f) => f.share));
    expect(option.series[2].data).toEqual(drawn.map((f, i) => [i, f.share_ci[0], f.share_ci[1]]));
    for (const [, low, high] of option.series[2].data as [number, number, number][]) expect(low).toBeLessThanOrEqual(high);

    // The table: one row per field of the analysis, with its status; the summary lines as the API gives them.
    const rows = await page.locator('#image-table tbody tr').evaluateAll((trs: any[]) => trs.map((tr) => ({ field: tr.dataset.field, status: tr.dataset.status })));
    expect(rows).toEqual(analysis.fields.map((f) => ({ field: f.field, status: f.status })));
    expect(await page.locator('#image-summary li').allInnerTexts()).toEqual(analysis.summary);
    expect(analysis.summary[0]).toMatch(/^Acme's perceived image matches its intended image at \d+%/);
    await page.screenshot({ path: join(OUT, 'dashboard-image.png'), fullPage: true });
    if (process.env.ECOUTE_UPDATE_SCREENSHOTS === '1') await page.locator('.image-panel').screenshot({ path: join(ROOT, 'docs/image.png') });

    // A row's link: its query goes into the search box and the mentions shown are that field's.
    const delivery = analysis.fields.find((f) => f.field === 'delivery')!;
    const link = page.locator('#image-table tr[data-field="delivery"] a');
    expect(await link.getAttribute('href')).toBe(`?brand=acme&q=${encodeURIComponent(delivery.query)}`);
    const before = await page.evaluate(() => document.body.dataset.ready ?? '');
    await link.click();
    await page.waitForFunction((b: string) => (document.body.dataset.ready ?? '') !== b, before, { timeout: 30_000 });
    expect(await page.locator('#q').inputValue()).toBe('field:delivery');
    const shown = Number((await page.locator('#total').innerText()).replace(/[^\d]/g, ''));
    const count = (await (await fetch(`${origin}/api/mentions?brand=acme&q=${encodeURIComponent('field:delivery')}&limit=1`, { headers: { authorization: `Bearer ${token}` } })).json()) as { total: number };
    expect(shown).toBe(count.total);
    expect(shown).toBeGreaterThan(0);

    // The same link opened on its own (a new tab, with the token of the printed URL) opens the
    // dashboard on that brand and query.
    const direct = await context.newPage();
    await direct.goto(`${origin}/?token=${token}&brand=acme&q=${encodeURIComponent('field:delivery')}`);
    await direct.waitForFunction(() => document.body.dataset.ready !== undefined, undefined, { timeout: 30_000 });
    expect(await direct.locator('#q').inputValue()).toBe('field:delivery');
    expect(Number((await direct.locator('#total').innerText()).replace(/[^\d]/g, ''))).toBe(count.total);

    // In French, the panel speaks French.
    await page.locator('#lang').selectOption('fr');
    await expect.poll(() => page.locator('#image-summary li').first().innerText(), { timeout: 30_000 }).toMatch(/^L'image perçue d'Acme correspond à/);
    expect(await page.locator('#image-title').innerText()).toBe('Image voulue et image perçue');

    // Nothing left the machine.
    expect(requests.filter((r) => !r.startsWith(origin))).toEqual([]);
    await context.close();
  }, 120_000);
});
