// Builds a report's numbers (ReportData) for a brand and a period. Every figure is one MentionStore
// aggregation over the period (count, uniqueAuthors, facets, timeline, shareOfVoice, topTerms,
// significantTerms) and the same for the previous period, so a report costs a few aggregations
// whatever the number of mentions; only the notable mentions are read as documents (one page each).
import type { AlertQuery } from '../alerts/store/types.js';
import type { Alert, Incident } from '../alerts/types.js';
import type { BrandConfig } from '../config/schema.js';
import { EcouteError, errorMessage } from '../core/errors.js';
import { analyzeImage } from '../image/index.js';
import type { ImageAnalysis, ImageRequest } from '../image/types.js';
import type { Interval, MentionStore, SearchFilters } from '../store/types.js';
import { measuredAccuracy, sourceNotes } from './methodology.js';
import type { Change, Headline, NotableMention, ReportData, ReportLang, Share } from './model.js';
import { parsePeriod, previousPeriod, type Period } from './period.js';
import { t } from './strings.js';

/** What a report reads: the store, and optionally the alerts and the image analysis. */
export interface ReportSources {
  store: MentionStore;
  brands: readonly BrandConfig[];
  /** The alert store (AlertStore's two list methods); absent: "no alerts in this period". */
  alerts?: { listAlerts(q?: AlertQuery): Promise<{ items: Alert[] }>; listIncidents(q?: AlertQuery): Promise<{ items: Incident[] }> } | undefined;
  /** The perceived-versus-intended analysis (src/image analyzeImage, bound to the store and brands). */
  image?: ((request: ImageRequest) => Promise<ImageAnalysis>) | undefined;
  /** The clock (tests). */
  now?: () => number;
}

export interface ReportRequest {
  brand: string;
  period: Period;
  timeZone: string;
  lang?: ReportLang | undefined;
}

const NOTABLE = 3;
const NOTABLE_TEXT = 320;

export function change(current: number | null, previous: number | null): Change {
  const delta = current !== null && previous !== null ? current - previous : null;
  const relative = delta !== null && previous !== null && previous !== 0 ? delta / Math.abs(previous) : null;
  // "Flat" below a thousandth of the scale: tone and shares are shown with 2 decimals / 1 point.
  const direction = delta === null || Math.abs(delta) < 1e-3 ? 'flat' : delta > 0 ? 'up' : 'down';
  return { current, previous, delta, relative, direction };
}

function intervalFor(period: { from: string; to: string }): Interval {
  const days = (Date.parse(period.to) - Date.parse(period.from)) / 86_400_000;
  return days <= 2 ? 'hour' : days <= 120 ? 'day' : 'week';
}

function shares(counts: { value: string; count: number }[], total: number): Share[] {
  return counts.map((c) => ({ value: c.value, count: c.count, share: total > 0 ? c.count / total : 0 }));
}

/** The four headline figures of one period. */
async function figures(store: MentionStore, filters: SearchFilters): Promise<{ volume: number; meanTone: number | null; negative: number; authors: number; facets: Awaited<ReturnType<MentionStore['facets']>> }> {
  const [volume, authors, facets, sov] = await Promise.all([
    store.count(filters),
    store.uniqueAuthors(filters),
    store.facets({ ...filters, size: 50 }),
    store.shareOfVoice({ ...(filters.from !== undefined && { from: filters.from }), ...(filters.to !== undefined && { to: filters.to }), brands: [filters.brand!] }),
  ]);
  const negative = facets.sentiment.find((s) => s.value === 'negative')?.count ?? 0;
  return { volume, meanTone: sov.totals[0]?.meanTone ?? null, negative, authors, facets };
}

/** Issue 16: the tone toward the brand where the mention names several, else the mention's. */
function toneToward(m: import('../core/types.js').AnalyzedMention, brand: string): number {
  const t = m.analysis.sentiment.byBrand?.[brand]?.score;
  return typeof t === 'number' && Number.isFinite(t) ? t : m.analysis.sentiment.score;
}

function notable(hits: { mention: import('../core/types.js').AnalyzedMention }[], order: 1 | -1, brand: string): NotableMention[] {
  return hits
    .map((h) => h.mention)
    .sort((a, b) => order * (toneToward(b, brand) - toneToward(a, brand)) || b.publishedAt.localeCompare(a.publishedAt))
    .slice(0, NOTABLE)
    .map((m) => {
      const text = m.text.length > NOTABLE_TEXT ? `${m.text.slice(0, NOTABLE_TEXT).replace(/\s+\S*$/, '')}…` : m.text;
      return {
        id: m.id,
        source: m.source,
        publishedAt: m.publishedAt,
        ...(m.title !== undefined && { title: m.title }),
        text,
        ...(m.url !== undefined && /^https?:\/\//i.test(m.url) && { url: m.url }),
        sentiment: toneToward(m, brand),
        lang: m.analysis.lang,
      };
    });
}

export async function buildReport(sources: ReportSources, request: ReportRequest): Promise<ReportData> {
  const { store } = sources;
  const brand = sources.brands.find((b) => b.id === request.brand);
  if (!brand) throw new EcouteError('BAD_REQUEST', `no brand "${request.brand}" in the config (brands: ${sources.brands.map((b) => b.id).join(', ') || 'none'})`);
  const lang: ReportLang = request.lang ?? brand.language ?? 'en';
  const period = request.period;
  const previous = previousOf(period, request.timeZone);
  const filters: SearchFilters = { brand: brand.id, from: period.from, to: period.to };
  const before: SearchFilters = { brand: brand.id, ...previous };
  const interval = intervalFor(period);
  const competitors = brand.competitors.filter((c) => c !== brand.id && sources.brands.some((b) => b.id === c));

  // speed-es (issue 13): every read of the report starts at once, the body's with the headline's
  // (a store answers them side by side); an empty period discards the body's answers.
  const body = Promise.all([
    store.timeline({ ...filters, interval }),
    store.shareOfVoice({ from: period.from, to: period.to, brands: [brand.id, ...competitors] }),
    store.topTerms({ ...filters, size: 40 }),
    store.significantTerms({ brand: brand.id, from: period.from, to: period.to, size: 30 }),
    store.search({ ...filters, sentiment: 'positive', limit: 100 }),
    store.search({ ...filters, sentiment: 'negative', limit: 100 }),
    alertsOf(sources, brand.id, period),
    sources.image ? sources.image({ brand: brand.id, from: period.from, to: period.to, lang, competitors: competitors.length > 0 }).then((a) => ({ a }), (e: unknown) => ({ e: errorMessage(e) })) : undefined,
  ]);
  body.catch(() => undefined);
  const [now, then] = await Promise.all([figures(store, filters), figures(store, before)]);
  const negativeShare = (f: { volume: number; negative: number }) => (f.volume > 0 ? f.negative / f.volume : null);
  const headline: Headline = {
    volume: change(now.volume, then.volume),
    meanTone: change(now.meanTone, then.meanTone),
    negativeShare: change(negativeShare(now), negativeShare(then)),
    uniqueAuthors: change(now.authors, then.authors),
  };
  const base: ReportData = {
    version: 1,
    brand: { id: brand.id, name: brand.name },
    lang,
    period: { ...period, timeZone: request.timeZone },
    previous,
    generatedAt: new Date(sources.now?.() ?? Date.now()).toISOString(),
    empty: now.volume === 0,
    headline,
    timeline: { interval, buckets: [] },
    shareOfVoice: [],
    topTerms: [],
    emergingTerms: [],
    image: null,
    notable: { positive: [], negative: [] },
    alerts: { configured: sources.alerts !== undefined, alerts: [], incidents: [] },
    breakdown: { sources: [], languages: [], sentiment: [] },
    methodology: { accuracy: measuredAccuracy(), sources: [] },
  };
  if (base.empty) {
    await body.catch(() => undefined);
    return { ...base, message: t(lang).nothingToSay(brand.name, period.label) };
  }

  const [timeline, sov, topTerms, emergingTerms, positives, negatives, alerts, image] = await body;
  const nameOf = (id: string) => sources.brands.find((b) => b.id === id)?.name ?? id;
  const breakdownSources = shares(now.facets.source, now.volume);
  return {
    ...base,
    timeline: { interval, buckets: timeline },
    shareOfVoice: sov.totals.map((s) => ({ ...s, name: nameOf(s.brand) })),
    topTerms: readableTerms(topTerms, brand).sort((a, b) => b.mentions - a.mentions || a.label.localeCompare(b.label)).slice(0, 12),
    emergingTerms: readableTerms(emergingTerms, brand)
      .filter((term) => term.score > 3.84 && term.mentions > term.backgroundMentions)
      .slice(0, 10),
    image: image && 'a' in image ? image.a : null,
    ...(image && 'e' in image && { imageError: image.e }),
    notable: { positive: notable(positives.hits, 1, brand.id), negative: notable(negatives.hits, -1, brand.id) },
    alerts,
    breakdown: { sources: breakdownSources, languages: shares(now.facets.lang, now.volume), sentiment: shares(now.facets.sentiment, now.volume) },
    methodology: { accuracy: base.methodology.accuracy, sources: sourceNotes(breakdownSources, lang) },
  };
}

/** The period compared with: the calendar month before a month ("November against October"), else the same length just before. */
function previousOf(period: Period, timeZone: string): { from: string; to: string } {
  const month = /^(\d{4})-(\d{2})$/.exec(period.label);
  if (!month) return previousPeriod(period);
  const d = new Date(Date.UTC(Number(month[1]), Number(month[2]) - 2, 1));
  const { from, to } = parsePeriod({ period: `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}` }, 0, timeZone);
  return { from, to };
}

/**
 * Terms as people read them: the brand's own name ("acme", "acme corp") says nothing about what is
 * said of it, and two lemma keys with one label ("barista") are one term to a reader.
 */
function readableTerms<T extends { term: string; label: string }>(terms: T[], brand: BrandConfig): T[] {
  const words = (text: string) => text.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '').split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 1);
  const own = new Set([...words(brand.name), ...words(brand.id), ...words(brand.query).filter((w) => !['and', 'or', 'not'].includes(w))]);
  const seen = new Set<string>();
  return terms.filter((t) => {
    const label = t.label.toLowerCase();
    if (seen.has(label) || words(t.label).some((w) => own.has(w)) || words(t.term).some((w) => own.has(w))) return false;
    seen.add(label);
    return true;
  });
}

async function alertsOf(sources: ReportSources, brand: string, period: Period): Promise<ReportData['alerts']> {
  if (!sources.alerts) return { configured: false, alerts: [], incidents: [] };
  const q: AlertQuery = { brand, from: period.from, to: period.to, limit: 50 };
  const [alerts, incidents] = await Promise.all([sources.alerts.listAlerts(q), sources.alerts.listIncidents(q)]);
  return {
    configured: true,
    alerts: alerts.items.map((a) => ({ id: a.id, rule: a.rule, metric: a.metric, severity: a.severity, windowStart: a.windowStart, firedAt: a.firedAt, summary: a.explanation.summary })),
    incidents: incidents.items.map((i) => ({ id: i.id, status: i.status, severity: i.severity, openedAt: i.openedAt, ...(i.resolvedAt !== undefined && { resolvedAt: i.resolvedAt }), summary: i.summary })),
  };
}

/** The usual sources: the store, the brands, the alert store if there is one, and analyzeImage on the same store. */
export function reportSources(store: MentionStore, brands: readonly BrandConfig[], alerts?: ReportSources['alerts']): ReportSources {
  return { store, brands, alerts, image: (request) => analyzeImage(store, brands, request) };
}
