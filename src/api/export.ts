// Exports of matching mentions as CSV or JSON lines, for the API's download and `ecoute export`.
// The store reads them with MentionStore.exportPages (newest first, each once, one page ahead at
// most), and the next page is asked only when the reader took the last one (an async generator
// behind a Readable: back-pressure), so a million rows take the memory of a page or two. Each row
// is serialized once, straight from the stored mention, and a page goes out as one chunk.
// CSV: RFC 4180 quoting, written here (csv-stringify is not installed; the rules are four lines).
// Spreadsheets run a cell starting with = + - @ (or a tab / carriage return before one) as a
// formula: such text cells get a leading single quote (OWASP "CSV injection"). Numeric columns
// écoute writes itself (score, rating) are left as numbers.
import { Readable } from 'node:stream';
import type { AnalyzedMention } from '../core/types.js';
import type { MentionStore, SearchFilters } from '../store/types.js';

export type ExportFormat = 'csv' | 'jsonl';

const COLUMNS = ['id', 'published_at', 'source', 'lang', 'brands', 'sentiment', 'score', 'fields', 'rating', 'title', 'text', 'url', 'duplicate_of'] as const;

/**
 * A text cell a spreadsheet will not run: a leading = + - @ tab or CR (OWASP), line feed, or their
 * full-width forms (＝ ＋ － ＠, which Excel also reads as formulas) is neutralized with a quote.
 */
export function neutralize(text: string): string {
  return /^[=+\-@\t\r\n\uFF1D\uFF0B\uFF0D\uFF20]/.test(text) ? `'${text}` : text;
}

/** One CSV field: quoted when it holds a comma, a quote or a line break (quotes doubled). */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvRow(m: AnalyzedMention): string {
  const text = (v: string | undefined) => csvField(neutralize(v ?? ''));
  const rating = (m as { rating?: unknown }).rating;
  return [
    text(m.id),
    text(m.publishedAt),
    text(m.source),
    text(m.analysis.lang),
    text(m.brands.join(';')),
    text(m.analysis.sentiment.label),
    String(Math.round(m.analysis.sentiment.score * 1000) / 1000),
    text(Object.keys(m.analysis.fields ?? {}).sort().join(';')),
    typeof rating === 'number' ? String(rating) : '',
    text(m.title),
    text(m.text),
    text(m.url),
    text(typeof m.duplicateOf === 'string' ? m.duplicateOf : undefined),
  ].join(',');
}

export function jsonRow(m: AnalyzedMention): string {
  const rating = (m as { rating?: unknown }).rating;
  return JSON.stringify({
    id: m.id,
    published_at: m.publishedAt,
    source: m.source,
    ...(m.url !== undefined && { url: m.url }),
    ...(m.title !== undefined && { title: m.title }),
    text: m.text,
    lang: m.analysis.lang,
    brands: m.brands,
    sentiment: { label: m.analysis.sentiment.label, score: Math.round(m.analysis.sentiment.score * 1000) / 1000 },
    fields: Object.keys(m.analysis.fields ?? {}).sort(),
    ...(typeof rating === 'number' && { rating }),
    ...(typeof m.duplicateOf === 'string' && { duplicate_of: m.duplicateOf }),
  });
}

export function exportFilename(format: ExportFormat, now = new Date()): string {
  return `ecoute-mentions-${now.toISOString().slice(0, 19).replace(/:/g, '')}Z.${format === 'csv' ? 'csv' : 'jsonl'}`;
}

/**
 * The export's text, one chunk per store page (the store's own page size unless `pageSize`). The
 * first page is read by the call itself, so that what the store refuses (a broken query) throws
 * here, before anything is sent.
 */
export async function exportChunks(store: MentionStore, filters: SearchFilters & { query?: string }, format: ExportFormat, pageSize?: number): Promise<AsyncGenerator<string>> {
  const pages = store.exportPages(filters, pageSize === undefined ? {} : { pageSize });
  const first = await pages.next();
  const row = format === 'csv' ? csvRow : jsonRow;
  // CRLF rows (RFC 4180); a UTF-8 BOM so that spreadsheets read the accents right.
  const eol = format === 'csv' ? '\r\n' : '\n';
  const text = (mentions: AnalyzedMention[]): string => {
    let out = '';
    for (const m of mentions) out += row(m) + eol;
    return out;
  };
  async function* chunks(): AsyncGenerator<string> {
    try {
      if (format === 'csv') yield `\uFEFF${COLUMNS.join(',')}${eol}`;
      if (first.done) return;
      yield text(first.value);
      for await (const mentions of pages) yield text(mentions);
    } finally {
      // Stopped early (the client went away): the store releases what it holds (a point in time).
      await pages.return(undefined);
    }
  }
  return chunks();
}

/** The export as a byte stream that reads the next store page only when the reader wants more. */
export async function streamExport(store: MentionStore, filters: SearchFilters & { query?: string }, format: ExportFormat, pageSize?: number): Promise<Readable> {
  const chunks = await exportChunks(store, filters, format, pageSize);
  return Readable.from(chunks, { objectMode: false, highWaterMark: 64 * 1024 });
}
