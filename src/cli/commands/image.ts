// `ecoute image`: the perceived image of a brand against its intended image over a period
// (src/image), as a readable table or --json; `ecoute image intended --from-texts <files>` derives
// an intended image from the brand's own texts and prints it as YAML to paste into the config.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { openStore } from '../../app/runtime.js';
import type { BrandConfig, Config } from '../../config/schema.js';
import { EcouteError, errorMessage } from '../../core/errors.js';
import { analyzeImage, deriveIntended, intendedYaml, type FieldImage, type ImageAnalysis, type Interval } from '../../image/index.js';
import { readConfig, UsageError } from '../context.js';
import { jsonLine, visible } from '../terminal.js';
import { parseDateOption } from './search.js';

interface ImageOptions {
  config?: string;
  brand?: string;
  from?: string;
  to?: string;
  lang: string;
  competitors: boolean;
  json?: boolean;
}

const DAY_MS = 86_400_000;

function brandOf(config: Readonly<Config>, id: string): BrandConfig {
  const brand = config.brands.find((b) => b.id === id);
  if (brand === undefined) {
    throw new UsageError(`--brand: unknown brand "${id}"; brands in the config: ${config.brands.map((b) => b.id).join(', ') || 'none'}`);
  }
  return brand;
}

/** --from/--to, by default the 30 days up to now. */
function periodOf(options: ImageOptions): { from: string; to: string } {
  const to = parseDateOption('to', options.to) ?? new Date().toISOString();
  const from = parseDateOption('from', options.from) ?? new Date(Date.parse(to) - 30 * DAY_MS).toISOString();
  if (from >= to) throw new UsageError(`--from (${options.from ?? from}) must be before --to (${options.to ?? to})`);
  return { from, to };
}

const pct = (x: number): string => `${Math.round(x * 100)}%`;
const pctRange = (ci: Interval): string => `${Math.round(ci[0] * 100)}–${Math.round(ci[1] * 100)}%`;
const signed = (x: number): string => `${x > 0 ? '+' : x < 0 ? '−' : ' '}${Math.abs(x).toFixed(2)}`;
const points = (x: number): string => `${x > 0 ? '+' : x < 0 ? '−' : ' '}${Math.abs(Math.round(x * 100))} pts`;
const day = (iso: string): string => (iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso);

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => [...r[c]!].length)));
  return rows.map((r) => r.map((cell, c) => cell + ' '.repeat(widths[c]! - [...cell].length)).join('  ').trimEnd());
}

function fieldRows(fields: readonly FieldImage[], intended: boolean): string[][] {
  const head = intended
    ? ['field', 'perceived', '95%', 'intended', 'gap', 'tone', '95%', 'wanted', 'authors', 'mentions', 'status', 'drift']
    : ['field', 'perceived', '95%', 'tone', '95%', 'authors', 'mentions', 'drift'];
  const rows = [head];
  for (const f of fields) {
    const tone = f.tone === null ? '—' : signed(f.tone);
    const toneCi = f.toneCi === null ? '—' : `${signed(f.toneCi[0])}…${signed(f.toneCi[1])}`;
    const drift = f.drift === undefined ? '' : `${points(f.drift.share)}${f.drift.tone !== null ? ` ${signed(f.drift.tone)}` : ''}${f.drift.significant ? ' *' : ''}`;
    rows.push(
      intended
        ? [
            visible(f.label),
            pct(f.share),
            pctRange(f.shareCi),
            pct(f.intendedShare ?? 0),
            points(f.shareGap ?? 0),
            tone,
            toneCi,
            f.intendedTone === undefined ? '' : signed(f.intendedTone),
            String(f.uniqueAuthors),
            String(f.mentions),
            f.status,
            drift,
          ]
        : [visible(f.label), pct(f.share), pctRange(f.shareCi), tone, toneCi, String(f.uniqueAuthors), String(f.mentions), drift],
    );
  }
  return rows;
}

/** The analysis as text a person reads in a terminal. */
export function imageText(a: ImageAnalysis, names: (id: string) => string): string {
  const out: string[] = [];
  out.push(`${visible(names(a.brand))} · ${day(a.from)} → ${day(a.to)} · ${a.mentions} mentions, ${a.uniqueAuthors} unique authors (near-duplicates counted once, each author once per field)`);
  if (a.congruence) {
    const c = a.congruence;
    out.push(`Congruence with the intended image: ${pct(c.score)} (95% ${pctRange(c.ci)}); counting tone: ${pct(c.toneWeighted)} (95% ${pctRange(c.toneWeightedCi)})`);
  }
  if (a.previous) {
    const p = a.previous;
    out.push(
      `Previous period ${day(p.from)} → ${day(p.to)}${p.congruence !== undefined ? `: congruence ${pct(p.congruence)}${p.congruenceChangeSignificant ? ' (the change is larger than its uncertainty)' : ''}` : ''}`,
    );
  }
  out.push('');
  if (a.fields.length > 0) out.push(...table(fieldRows(a.fields, a.intended !== null)));
  else out.push('No mention in the period holds a semantic field.');
  out.push('(shares: of author-field mentions; gap in percentage points; tone −1..+1; drift: change since the previous period, * larger than its interval)');
  if (a.emerging.length > 0) {
    out.push('', 'Emerging terms (in no field):');
    for (const e of a.emerging) out.push(`  ${visible(e.label)}  ${e.count} mentions, G² ${e.keyness.toFixed(1)} against ${e.against === 'previous' ? 'the previous period' : 'the competitors'}`);
  }
  if (a.summary.length > 0) out.push('', ...a.summary.map((s) => `• ${visible(s)}`));
  for (const c of a.competitors) {
    out.push('', `Competitor ${visible(names(c.brand))}: ${c.mentions} mentions, ${c.uniqueAuthors} unique authors${c.congruence ? `; congruence with ${visible(names(a.brand))}'s intended image ${pct(c.congruence.score)} (95% ${pctRange(c.congruence.ci)})` : ''}`);
    const top = [...c.fields].filter((f) => f.uniqueAuthors > 0).sort((x, y) => y.share - x.share).slice(0, 5);
    if (top.length > 0) out.push(`  most perceived: ${top.map((f) => `${visible(f.label)} ${pct(f.share)} (tone ${f.tone === null ? '—' : signed(f.tone)})`).join(', ')}`);
  }
  return `${out.join('\n')}\n`;
}

async function readTexts(files: readonly string[]): Promise<{ name: string; text: string }[]> {
  return Promise.all(
    files.map(async (file) => {
      try {
        return { name: file, text: await readFile(file, 'utf8') };
      } catch (error) {
        throw new EcouteError('FILE_UNREADABLE', `cannot read ${file}: ${errorMessage(error)}`, { cause: error, retriable: false });
      }
    }),
  );
}

export function registerImage(program: Command): void {
  const image = program
    .command('image')
    .description("A brand's perceived image (semantic fields and their tone in its mentions) against its intended image, with 95 % intervals")
    .option('-c, --config <file>', 'configuration file (default: $ECOUTE_CONFIG or config/ecoute.yaml)')
    .option('--brand <id>', 'the brand (brands[].id); required')
    .option('--from <date>', 'start of the period, included (YYYY-MM-DD or ISO 8601; default: 30 days before --to)')
    .option('--to <date>', 'end of the period, excluded (default: now)')
    .option('--lang <lang>', 'language of the summary lines: en or fr', 'en')
    .option('--no-competitors', "leave out the competitors' images")
    .option('--json', 'the whole analysis as one JSON object')
    .action(async (options: ImageOptions) => {
      // Not a commander requiredOption: that would also be required by `image intended`.
      if (options.brand === undefined) throw new UsageError("--brand <id> is required (which brand's image)");
      const brandId = options.brand;
      if (options.lang !== 'en' && options.lang !== 'fr') throw new UsageError(`--lang: must be en or fr, got "${options.lang}"`);
      const period = periodOf(options);
      const { config } = readConfig(options.config);
      brandOf(config, brandId);
      const store = await openStore(config);
      try {
        const analysis = await analyzeImage(store, config.brands, { brand: brandId, ...period, lang: options.lang, competitors: options.competitors });
        const names = (id: string): string => config.brands.find((b) => b.id === id)?.name ?? id;
        process.stdout.write(options.json ? `${jsonLine(analysis)}\n` : imageText(analysis, names));
      } finally {
        await store.close();
      }
    });
  image
    .command('intended')
    .description("Derive an intended image from the brand's own texts (brand platform, press releases, about page) and print it as YAML for the config")
    .option('-c, --config <file>', 'configuration file (default: $ECOUTE_CONFIG or config/ecoute.yaml)')
    .option('--brand <id>', 'the brand (brands[].id), required: its own fields are used too')
    .requiredOption('--from-texts <files...>', 'text or Markdown files, e.g. docs/*.md')
    .action(async (options: { config?: string; brand?: string; fromTexts: string[] }, command: Command) => {
      // `image` has --brand and --config too, and commander gives them to it wherever they stand.
      const parent = command.parent?.opts() as { brand?: string; config?: string } | undefined;
      const brandId = options.brand ?? parent?.brand;
      if (brandId === undefined) throw new UsageError('--brand <id> is required (whose texts)');
      const { config } = readConfig(options.config ?? parent?.config);
      const brand = brandOf(config, brandId);
      const texts = await readTexts(options.fromTexts);
      const derived = deriveIntended(texts, brand.fields);
      process.stdout.write(intendedYaml(brand.id, derived, options.fromTexts));
    });
}
