// `ecoute search`: the boolean query language over every indexed mention.
import type { Command } from 'commander';
import type { AnalyzedMention, SentimentLabel } from '../../core/types.js';
import { parseQuery } from '../../query/parse.js';
import type { DuplicatesMode, MentionStore, SearchFilters, SearchRequest } from '../../store/types.js';
import { MAX_LIMIT } from '../../store/request.js';
// The config and the store load when a search runs, not for `ecoute search --help` (issue 15, start15).
import { UsageError } from '../exit.js';
import { jsonLine, visible } from '../terminal.js';

interface SearchOptions extends FilterOptions {
  config?: string;
  limit: string;
  sort: string;
  cursor?: string;
  duplicates: string;
  json?: boolean;
}

const LABELS: readonly SentimentLabel[] = ['positive', 'neutral', 'negative', 'mixed'];
const DUPLICATES: readonly DuplicatesMode[] = ['exclude', 'include', 'only'];

/** `2026-11-03` or a full ISO 8601 instant → ISO instant; anything else is a usage error. */
export function parseDateOption(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  if (!/^\d{4}-\d{2}-\d{2}T/.test(iso) || Number.isNaN(Date.parse(iso))) {
    throw new UsageError(`--${name}: "${value}" is not a date; use YYYY-MM-DD or an ISO 8601 time such as 2026-11-03T14:00:00Z`);
  }
  return new Date(iso).toISOString();
}

/** Hits the store returns per request; with --json the CLI pages through the store beyond it. */
const PAGE_MAX = MAX_LIMIT;

/**
 * `--limit`: without --json one page of 1..1000 hits; with --json any number, or `all` (every
 * hit, streamed page by page). Infinity stands for all.
 */
export function parseLimit(value: string, json: boolean): number {
  if (json && value === 'all') return Number.POSITIVE_INFINITY;
  const limit = /^\d+$/.test(value) ? Number(value) : NaN;
  if (json) {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new UsageError(`--limit: must be a whole number of at least 1, or all, got "${value}"`);
    return limit;
  }
  if (!Number.isInteger(limit) || limit < 1 || limit > PAGE_MAX) {
    throw new UsageError(
      `--limit: must be a whole number from 1 to ${PAGE_MAX}, got "${value}"${value === 'all' || limit > PAGE_MAX ? ' (with --json, --limit has no upper bound and --limit all gives every hit)' : ''}`,
    );
  }
  return limit;
}

/** The filter options `search` and `export` share (--brand, --lang, --source, --sentiment, --from, --to), checked. */
export interface FilterOptions {
  brand?: string;
  lang?: string;
  source?: string;
  sentiment?: string;
  from?: string;
  to?: string;
}

export function filtersOf(options: FilterOptions): SearchFilters {
  if (options.sentiment !== undefined && !LABELS.includes(options.sentiment as SentimentLabel)) {
    throw new UsageError(`--sentiment: must be one of ${LABELS.join(', ')}, got "${options.sentiment}"`);
  }
  const from = parseDateOption('from', options.from);
  const to = parseDateOption('to', options.to);
  if (from && to && from >= to) throw new UsageError(`--from (${options.from}) must be before --to (${options.to})`);
  return {
    ...(options.brand !== undefined && { brand: options.brand }),
    ...(options.lang !== undefined && { lang: options.lang }),
    ...(options.source !== undefined && { source: options.source }),
    ...(options.sentiment !== undefined && { sentiment: options.sentiment as SentimentLabel }),
    ...(from !== undefined && { from }),
    ...(to !== undefined && { to }),
  };
}

/** The request of the first page; `limit` is what the user asked for in all (Infinity: every hit). */
export function searchRequest(query: string, options: SearchOptions): SearchRequest & { limit: number } {
  parseQuery(query); // a syntax error is the user's: report it before opening anything
  const limit = parseLimit(options.limit, options.json === true);
  const filters = filtersOf(options);
  if (options.sort !== 'newest' && options.sort !== 'relevance') throw new UsageError(`--sort: must be newest or relevance, got "${options.sort}"`);
  if (!DUPLICATES.includes(options.duplicates as DuplicatesMode)) {
    throw new UsageError(`--duplicates: must be one of ${DUPLICATES.join(', ')}, got "${options.duplicates}"`);
  }
  return {
    query,
    limit,
    sort: options.sort,
    duplicates: options.duplicates as DuplicatesMode,
    ...filters,
    ...(options.cursor !== undefined && { cursor: options.cursor }),
  };
}

/**
 * Writes up to `request.limit` hits as JSON lines, asking the store one page (at most 1000 hits)
 * at a time and following its cursor, so that memory holds one page whatever the limit. Returns
 * the cursor after the last hit written when the limit stopped it before the end.
 */
export async function streamJson(
  store: MentionStore,
  request: SearchRequest & { limit: number },
  write: (line: string) => Promise<void>,
): Promise<string | undefined> {
  let remaining = request.limit;
  let cursor = request.cursor;
  while (remaining > 0) {
    const page = await store.search({ ...request, limit: Math.min(remaining, PAGE_MAX), ...(cursor !== undefined && { cursor }) });
    for (const hit of page.hits) await write(`${jsonLine(hitJson(hit.mention))}\n`);
    remaining -= page.hits.length;
    cursor = page.nextCursor;
    if (cursor === undefined || page.hits.length === 0) return undefined;
  }
  return cursor;
}

/**
 * stdout as an awaitable sink: a write waits for 'drain' when the buffer is full (a slow reader
 * holds the next page back), and once the reader is gone (EPIPE, as with `| head`) writes fail
 * and `gone` says why, so the command stops quietly instead of crashing on an unhandled error.
 */
function stdoutSink(): { write(text: string): Promise<void>; readonly gone: boolean } {
  const out = process.stdout;
  let failure: NodeJS.ErrnoException | undefined;
  // Stays attached: a reader that leaves after the last write still fails the flush later, and
  // an 'error' event without a listener would crash the process with a stack trace.
  out.on('error', (error: NodeJS.ErrnoException) => (failure = error));
  return {
    get gone() {
      return failure?.code === 'EPIPE';
    },
    async write(text) {
      if (failure) throw failure;
      if (out.write(text)) return;
      await new Promise<void>((resolve, reject) => {
        const settle = () => {
          out.off('drain', settle);
          out.off('error', settle);
          if (failure) reject(failure);
          else resolve();
        };
        out.on('drain', settle);
        out.on('error', settle);
      });
    },
  };
}

export function hitJson(m: AnalyzedMention): Record<string, unknown> {
  return {
    id: m.id,
    source: m.source,
    source_id: m.sourceId,
    ...(m.url !== undefined && { url: m.url }),
    ...(m.title !== undefined && { title: m.title }),
    text: m.text,
    published_at: m.publishedAt,
    lang: m.analysis.lang,
    brands: m.brands,
    sentiment: { label: m.analysis.sentiment.label, score: Math.round(m.analysis.sentiment.score * 1000) / 1000 },
    ...(typeof m.duplicateOf === 'string' && { duplicate_of: m.duplicateOf }),
  };
}

/** How many near-duplicates the request set aside (it excludes them, the default), for the heading. */
async function setAside(store: MentionStore, request: SearchRequest): Promise<number> {
  if (request.duplicates !== 'exclude') return 0;
  const { cursor: _cursor, limit: _limit, sort: _sort, ...filters } = request;
  return store.count({ ...filters, duplicates: 'only' });
}

/** The first-seen mention of each copy on the page (undefined when it is no longer stored). */
async function originalsOf(store: MentionStore, mentions: AnalyzedMention[]): Promise<Map<string, AnalyzedMention | undefined>> {
  const ids = [...new Set(mentions.flatMap((m) => (typeof m.duplicateOf === 'string' ? [m.duplicateOf] : [])))];
  return new Map(await Promise.all(ids.map(async (id) => [id, await store.get(id)] as const)));
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function registerSearch(program: Command): void {
  program
    .command('search')
    .description('Search indexed mentions: words, "phrases", AND, OR, NOT, parentheses, lang:fr, source:reddit')
    .argument('<query>', 'boolean query, e.g. \'livraison OR delivery\'')
    .option('-c, --config <file>', 'configuration file (default: $ECOUTE_CONFIG or config/ecoute.yaml)')
    .option('--brand <id>', 'only mentions of this brand')
    .option('--lang <lang>', 'only this language (en, fr, other)')
    .option('--source <source>', 'only this source (rss, reddit, trustpilot, ...)')
    .option('--sentiment <label>', 'only this tone: positive, neutral, negative, mixed')
    .option('--from <date>', 'published at or after (YYYY-MM-DD or ISO 8601)')
    .option('--to <date>', 'published before (YYYY-MM-DD or ISO 8601)')
    .option('--limit <n>', 'hits to show: 1..1000 (one page); with --json any number, or all for every hit', '20')
    .option('--sort <order>', 'newest or relevance', 'newest')
    .option('--cursor <cursor>', 'continue after a previous page (printed at the end of a page)')
    .option(
      '--duplicates <mode>',
      'near-duplicates (reposts, syndicated copies): exclude shows each story once, include shows the copies too, only shows just the copies',
      'exclude',
    )
    .option('--json', 'one JSON object per hit on stdout, streamed page by page (no upper bound on --limit)')
    .action(async (query: string, options: SearchOptions) => {
      const request = searchRequest(query, options);
      const [{ readConfig }, { openStore }] = await Promise.all([import('../context.js'), import('../../app/runtime.js')]);
      const { config } = readConfig(options.config);
      const store = await openStore(config);
      try {
        if (options.json) {
          const sink = stdoutSink();
          try {
            const next = await streamJson(store, request, (line) => sink.write(line));
            // stdout holds only hits; how to go on goes to stderr.
            if (next !== undefined) process.stderr.write(`more hits: add --cursor ${next} (same query and options), or --limit all for every hit\n`);
          } catch (error) {
            if (!sink.gone) throw error; // the reader stopped reading (`| head`): not a failure
          }
          return;
        }
        const page = await store.search(request);
        const [aside, originals] = await Promise.all([setAside(store, request), originalsOf(store, page.hits.map((h) => h.mention))]);
        const noun = request.duplicates === 'only' ? 'near-duplicate' : 'mention';
        let heading = `${page.total} ${noun}${page.total === 1 ? '' : 's'} match${page.total === 1 ? 'es' : ''}${page.hits.length < page.total ? `; showing ${page.hits.length}` : ''}`;
        if (aside > 0) heading += ` (${aside} near-duplicate${aside === 1 ? '' : 's'} set aside: --duplicates include to show them)`;
        const out: string[] = [heading];
        const when = (m: AnalyzedMention) => m.publishedAt.slice(0, 16).replace('T', ' ');
        // Everything taken from a mention goes through visible(): its text is not ours to trust.
        for (const { mention: m } of page.hits) {
          const s = m.analysis.sentiment;
          out.push(
            `${when(m)}  ${visible(m.source).padEnd(10)} ${visible(m.analysis.lang)}  ${s.label.padEnd(8)} ${(s.score >= 0 ? '+' : '') + s.score.toFixed(2)}  [${visible(m.brands.join(','))}]  ${visible(oneLine(m.title ? `${m.title}: ${m.text}` : m.text, 100))}`,
          );
          if (typeof m.duplicateOf === 'string') {
            const o = originals.get(m.duplicateOf);
            out.push(
              o
                ? `                  ↳ near-duplicate of ${when(o)} ${visible(o.source)}: ${visible(oneLine(o.title ? `${o.title}: ${o.text}` : o.text, 80))}`
                : `                  ↳ near-duplicate of ${visible(m.duplicateOf)} (no longer stored)`,
            );
          }
        }
        if (page.nextCursor) out.push(`more: --cursor ${page.nextCursor} (same query and options) gives the next page; --json --limit all gives every hit`);
        process.stdout.write(`${out.join('\n')}\n`);
      } finally {
        await store.close();
      }
    });
}
