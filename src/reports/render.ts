// One report in any of its formats, with its file name and content type (shared by the CLI, the
// API and the scheduled deliveries).
import type { Browser } from 'playwright-core';
import { EcouteError } from '../core/errors.js';
import { REPORT_FORMATS, type ReportFormat } from './config.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import type { ReportData } from './model.js';
import { renderPdf } from './pdf.js';
import { t } from './strings.js';

export interface RenderedReport {
  format: ReportFormat;
  fileName: string;
  contentType: string;
  body: Buffer;
}

export const CONTENT_TYPES: Record<ReportFormat, string> = {
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
  md: 'text/markdown; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

export function parseFormat(value: string | undefined, fallback: ReportFormat = 'html'): ReportFormat {
  if (value === undefined || value === '') return fallback;
  if ((REPORT_FORMATS as readonly string[]).includes(value)) return value as ReportFormat;
  throw new EcouteError('REPORT_BAD_FORMAT', `format "${value}" is not one of ${REPORT_FORMATS.join(', ')}`);
}

/** `acme-2026-W45.pdf`: brand and period, safe as a file name on every system. */
export function reportFileName(data: Pick<ReportData, 'brand' | 'period'>, format: ReportFormat): string {
  return `${data.brand.id}-${data.period.label.replace(/\.\./g, '_').replace(/[^A-Za-z0-9_-]/g, '-')}.${format}`;
}

export async function renderReport(data: ReportData, format: ReportFormat, options: { browser?: Browser } = {}): Promise<RenderedReport> {
  let body: Buffer;
  switch (format) {
    case 'html':
      body = Buffer.from(renderHtml(data));
      break;
    case 'md':
      body = Buffer.from(renderMarkdown(data));
      break;
    case 'json':
      body = Buffer.from(`${JSON.stringify(data, null, 2)}\n`);
      break;
    case 'pdf':
      body = await renderPdf(renderHtml(data), { lang: data.lang, title: `${t(data.lang).title(data.brand.name)} · ${data.period.label}`, ...(options.browser && { browser: options.browser }) });
      break;
  }
  return { format, fileName: reportFileName(data, format), contentType: CONTENT_TYPES[format], body };
}
