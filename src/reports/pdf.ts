// The report as PDF: the HTML report printed by headless Chromium (playwright-core drives the
// system's Chromium; nothing is downloaded). A4, page numbers in the footer; the HTML's
// `break-inside: avoid` keeps every chart and table on one page. Every request the page would
// make is refused, so printing never reaches the network.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { EcouteError, errorMessage } from '../core/errors.js';
import type { ReportLang } from './model.js';
import { t } from './strings.js';

/** Where Chromium is: $ECOUTE_CHROMIUM, else the usual Debian/Ubuntu paths. */
export function chromiumPath(): string {
  const candidates = [process.env.ECOUTE_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter((p): p is string => !!p);
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new EcouteError('REPORT_RENDER_FAILED', `no Chromium to print the PDF (looked for ${candidates.join(', ')}); install chromium or set ECOUTE_CHROMIUM`);
  return found;
}

export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  try {
    return await chromium.launch({
      executablePath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    });
  } catch (error) {
    throw new EcouteError('REPORT_RENDER_FAILED', `could not start ${executablePath}: ${errorMessage(error).split('\n')[0]}`, { cause: error });
  }
}

function footer(lang: ReportLang, title: string): string {
  const esc = title.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<div style="font: 8px Helvetica, Arial, sans-serif; color: #6b7280; width: 100%; padding: 0 14mm; display: flex; justify-content: space-between;"><span>${esc}</span><span>${t(lang).page} <span class="pageNumber"></span> / <span class="totalPages"></span></span></div>`;
}

/** Prints `html` to a PDF. A browser may be given (the benchmark, a batch); otherwise one is started and closed. */
export async function renderPdf(html: string, options: { lang: ReportLang; title: string; browser?: Browser }): Promise<Buffer> {
  const browser = options.browser ?? (await launchChromium());
  try {
    const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
    try {
      const page = await context.newPage();
      await page.route('**/*', (route) => (route.request().url().startsWith('data:') ? route.continue() : route.abort('blockedbyclient')));
      await page.setContent(html, { waitUntil: 'load' });
      await page.emulateMedia({ media: 'print' });
      return await page.pdf({
        format: 'A4',
        printBackground: true,
        displayHeaderFooter: true,
        headerTemplate: '<span></span>',
        footerTemplate: footer(options.lang, options.title),
        margin: { top: '14mm', bottom: '16mm', left: '12mm', right: '12mm' },
      });
    } finally {
      await context.close();
    }
  } catch (error) {
    if (error instanceof EcouteError) throw error;
    throw new EcouteError('REPORT_RENDER_FAILED', `printing the PDF failed: ${errorMessage(error).split('\n')[0]}`, { cause: error });
  } finally {
    if (!options.browser) await browser.close().catch(() => undefined);
  }
}
