// The report's formats on the constructed history: the PDF (printed by real headless Chromium) has
// pages with text, read back by poppler's pdftotext and pdfinfo; the HTML loads in Chromium without
// a single request leaving the page; a mention holding HTML is shown as text, never markup, in the
// HTML, the PDF and the Markdown; and the API serves every format with its content type and file name.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiPlugin, loadTokens } from '../../src/api/index.js';
import { ConfigSchema } from '../../src/config/schema.js';
import { createLogger } from '../../src/core/log.js';
import { createHttpServer, type HttpServer } from '../../src/http/server.js';
import { buildReport, renderReport, reportSources, type ReportData } from '../../src/reports/index.js';
import { EmbeddedMentionStore } from '../../src/store/embedded/index.js';
import { SqliteAlertStore } from '../../src/alerts/store/index.js';
import { makeAlert, makeIncident } from '../helpers/alert-fixtures.js';
import { BRANDS, fixture, PERIOD } from './report-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'ecoute-report-render-'));
const log = createLogger({}, new Writable({ write: (_c, _e, done) => done() }));
const TOKEN = 'report-token-0123456789abcdef';
let store: EmbeddedMentionStore;
let data: ReportData;
let browser: Browser;
let server: HttpServer;
let baseUrl = '';

beforeAll(async () => {
  store = new EmbeddedMentionStore({ file: join(dir, 'store.sqlite') });
  await store.ensureSchema();
  await store.upsert(fixture());
  data = await buildReport(reportSources(store, BRANDS), { brand: 'acme', period: PERIOD, timeZone: 'Europe/Paris' });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  server = createHttpServer({ host: '127.0.0.1', port: 0, log });
  server.register(apiPlugin({ store, brands: BRANDS, tokens: loadTokens(ConfigSchema.parse({ data_dir: dir, api: { tokens: [{ name: 't', scope: 'read', secret_env: 'ECOUTE_TEST_REPORT' }] } }).api, dir, { ECOUTE_TEST_REPORT: TOKEN }).tokens, rateLimitPerMinute: 10_000, log, ready: async () => undefined }));
  baseUrl = await server.listen();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

function pdfText(pdf: Buffer): { pages: number; text: string } {
  const file = join(dir, `r-${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, pdf);
  const info = execFileSync('/usr/bin/pdfinfo', [file], { encoding: 'utf8' });
  const text = execFileSync('/usr/bin/pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  return { pages: Number(/Pages:\s+(\d+)/.exec(info)?.[1]), text };
}

describe('report formats', () => {
  it('the PDF has A4 pages with the report text, numbered in the footer', async () => {
    const pdf = (await renderReport(data, 'pdf', { browser })).body;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const file = join(dir, 'a4.pdf');
    writeFileSync(file, pdf);
    expect(execFileSync('/usr/bin/pdfinfo', [file], { encoding: 'utf8' })).toMatch(/Page size:\s+59\d\.\d+ x 84\d\.\d+ pts \(A4\)/);
    const { pages, text } = pdfText(pdf);
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(text).toContain('Acme: reputation report');
    expect(text).toContain('Headline figures');
    expect(text).toContain('Methodology');
    expect(text).toContain(`Page 1 / ${pages}`);
    expect(text).toContain(`Page ${pages} / ${pages}`);
    // The measured accuracy comes from the model card (not a copy in the code).
    expect(text).toMatch(/allocine_tv_dev\s+French\s+391\s+accuracy\s+\d+\.\d %/);
  });

  it('the HTML makes no request of its own when loaded in a browser', async () => {
    const html = (await renderReport(data, 'html')).body.toString();
    const page = await browser.newPage();
    const requests: string[] = [];
    await page.route('**/*', (route) => {
      requests.push(route.request().url());
      return route.abort();
    });
    page.on('request', (r) => {
      if (!r.url().startsWith('data:') && !requests.includes(r.url())) requests.push(r.url());
    });
    await page.setContent(html, { waitUntil: 'load' });
    await page.waitForLoadState('networkidle');
    expect(requests).toEqual([]);
    // The charts are there, inline.
    expect(await page.locator('svg').count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('script').count()).toBe(0);
    await page.close();
  });

  it('a mention holding HTML is text in the HTML, the PDF and the Markdown', async () => {
    const html = (await renderReport(data, 'html')).body.toString();
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=http://evil');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('&lt;b&gt;Colis&lt;/b&gt; perdu');
    const page = await browser.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    expect(await page.locator('.mention .text', { hasText: '<script>alert("x")</script>' }).count()).toBe(1);
    await page.close();
    const { text } = pdfText((await renderReport(data, 'pdf', { browser })).body);
    expect(text).toContain('<script>alert("x")</script>');
    expect(text).toContain('<b>Colis</b> perdu');
    const md = (await renderReport(data, 'md')).body.toString();
    expect(md).not.toContain('<script>');
    expect(md).toContain('&lt;script\\>alert\\("x"\\)&lt;/script\\>');
  });

  it('French reports speak French', async () => {
    const fr = await buildReport(reportSources(store, BRANDS), { brand: 'acme', period: PERIOD, timeZone: 'Europe/Paris', lang: 'fr' });
    const html = (await renderReport(fr, 'html')).body.toString();
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('Chiffres clés');
    expect(html).toContain('Méthodologie');
  });
});

describe("the period's alerts and incidents", () => {
  it('come from the alert store, escaped; none gives one line', async () => {
    const alerts = new SqliteAlertStore(join(dir, 'alerts.sqlite'));
    await alerts.ensureSchema();
    try {
      const inPeriod = makeAlert({ id: 'a-in', windowStart: '2026-11-04T10:00:00.000Z', explanation: { ...makeAlert({ id: 'x' }).explanation, summary: 'Negative share of Acme rose to 62% <b>delivery</b>' } });
      await alerts.recordAlert(inPeriod);
      await alerts.recordAlert(makeAlert({ id: 'a-out', windowStart: '2026-10-01T10:00:00.000Z' }));
      await alerts.upsertIncident(makeIncident({ id: inPeriod.incidentId, openedAt: '2026-11-04T11:00:00.000Z', updatedAt: '2026-11-04T11:00:00.000Z', summary: 'Delivery complaints <i>surge</i>', alertIds: ['a-in'] }));
      const withAlerts = await buildReport(reportSources(store, BRANDS, alerts), { brand: 'acme', period: PERIOD, timeZone: 'UTC' });
      expect(withAlerts.alerts.configured).toBe(true);
      expect(withAlerts.alerts.alerts.map((a) => a.id)).toEqual(['a-in']);
      expect(withAlerts.alerts.incidents.map((i) => i.summary)).toEqual(['Delivery complaints <i>surge</i>']);
      const html = (await renderReport(withAlerts, 'html')).body.toString();
      expect(html).toContain('Delivery complaints &lt;i&gt;surge&lt;/i&gt;');
      expect(html).toContain('Negative share of Acme rose to 62% &lt;b&gt;delivery&lt;/b&gt;');
      expect(html).not.toContain('No alerts in this period.');
    } finally {
      await alerts.close();
    }
    expect((await renderReport(data, 'html')).body.toString()).toContain('No alerts in this period.');
  });
});

describe('GET /api/brands/:id/report', () => {
  const get = (url: string) => server.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${TOKEN}` } });

  it.each([
    ['html', 'text/html; charset=utf-8'],
    ['md', 'text/markdown; charset=utf-8'],
    ['json', 'application/json; charset=utf-8'],
    ['pdf', 'application/pdf'],
  ])('serves %s with its content type and a file name', async (format, type) => {
    const res = await get(`/api/brands/acme/report?period=2026-W45&format=${format}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(type);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="acme-2026-W45.${format}"`);
    if (format === 'json') expect(JSON.parse(res.body).headline.volume.current).toBe(31);
    if (format === 'pdf') expect(res.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('a bad period or format is a 400 naming it', async () => {
    const bad = await get('/api/brands/acme/report?period=last-week');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'API_BAD_PARAMETER', parameter: 'period' });
    expect(bad.json().reason).toContain('"last-week"');
    const format = await get('/api/brands/acme/report?format=docx');
    expect(format.statusCode).toBe(400);
    expect(format.json()).toMatchObject({ error: 'API_BAD_PARAMETER', parameter: 'format' });
    expect((await get('/api/brands/nope/report')).statusCode).toBe(404);
  });
});

describe('the dashboard\'s Report control', () => {
  it('downloads the chosen period and format with the page\'s token', async () => {
    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${baseUrl}/?token=${TOKEN}`);
    await page.locator('#report-download').waitFor();
    // The last whole month (the fixture is in November 2026; the option's value is YYYY-MM).
    const month = await page.locator('#report-period option').nth(3).getAttribute('value');
    await page.selectOption('#report-period', month!);
    await page.selectOption('#report-format', 'json');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#report-download')]);
    expect(download.suggestedFilename()).toBe(`acme-${month}.json`);
    const saved = join(dir, 'download.json');
    await download.saveAs(saved);
    const json = JSON.parse(readFileSync(saved, 'utf8'));
    expect(json.period.label).toBe(month);
    expect(json.brand.id).toBe('acme');
    await context.close();
  });
});
