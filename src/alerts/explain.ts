// Why an alert fired, in terms a comms person reads: the metric against its baseline, the semantic
// fields and terms that over-weigh in the window (keyness, G², against the baseline windows), the
// sources and languages driving it, three representative mentions (near-duplicates were never
// counted, and one per author), a dashboard link to the window's mentions, and one sentence in the
// brand's language.
import { logLikelihood } from '../nlp/keyness.js';
import type { MentionSignal } from '../store/types.js';
import type { ResolvedRule } from './config.js';
import type { Evaluation } from './detector.js';
import type { AlertExplanation, ExplanationMention, ExplanationShare, ExplanationTerm, Severity } from './types.js';
import type { WindowAccumulator } from './windows.js';

/** G² above this is significant at p < 0.001. */
const KEYNESS_MIN = 10.83;

export interface ExplainInput {
  brand: string;
  language: 'en' | 'fr';
  rule: ResolvedRule;
  evaluation: Evaluation;
  severity: Severity;
  window: WindowAccumulator;
  baseline: readonly WindowAccumulator[];
}

export function explain(input: ExplainInput): AlertExplanation {
  const { rule, evaluation: e, window } = input;
  const windowStart = new Date(window.start).toISOString();
  const windowEnd = new Date(window.start + rule.windowMs).toISOString();
  const mentions = window.summary().mentions;
  const baseMentions = input.baseline.reduce((a, w) => a + w.summary().mentions, 0);
  const sum = (pick: (w: WindowAccumulator) => Map<string, number>) => {
    const total = new Map<string, number>();
    for (const w of input.baseline) for (const [k, v] of pick(w)) total.set(k, (total.get(k) ?? 0) + v);
    return total;
  };
  const fields = keyShares(window.fields, sum((w) => w.fields), mentions, baseMentions, 5);
  const terms = keyTerms(window, sum((w) => w.terms), mentions, baseMentions);
  const sources = drivers(window.sources, sum((w) => w.sources), mentions, baseMentions);
  const languages = drivers(window.languages, sum((w) => w.languages), mentions, baseMentions);
  const examples = representative(window.candidates(), rule, new Set(terms.slice(0, 5).map((t) => t.term)), new Set(fields.slice(0, 3).map((f) => f.value)));
  const explanation: AlertExplanation = {
    summary: '',
    metric: rule.metric,
    window: rule.window,
    windowStart,
    windowEnd,
    value: e.value,
    baseline: { value: e.baseline, spread: e.spread, method: e.method, windows: e.windows },
    deviation: e.deviation,
    deviationMethod: e.deviationMethod,
    mentions,
    uniqueAuthors: e.authors,
    fields,
    terms,
    sources,
    languages,
    examples,
    link: dashboardLink(input.brand, rule.query, windowStart, windowEnd),
  };
  explanation.summary = summarize(input, explanation);
  return explanation;
}

/** `/?brand=…&q=…&from=…&to=…`: the dashboard showing the window's mentions. */
export function dashboardLink(brand: string, query: string | undefined, from: string, to: string): string {
  const params = new URLSearchParams({ brand });
  if (query !== undefined && query !== '') params.set('q', query);
  params.set('from', from);
  params.set('to', to);
  return `/?${params.toString()}`;
}

function keyShares(window: Map<string, number>, base: Map<string, number>, n: number, baseN: number, size: number): ExplanationShare[] {
  return [...window]
    .map(([value, count]) => ({ value, count, keyness: logLikelihood(count, base.get(value) ?? 0, n, Math.max(baseN, 1)), baseCount: base.get(value) ?? 0 }))
    .filter((x) => x.keyness >= KEYNESS_MIN)
    .sort((a, b) => b.keyness - a.keyness || (a.value < b.value ? -1 : 1))
    .slice(0, size)
    .map((x) => ({ value: x.value, count: x.count, share: ratio(x.count, n), ...(baseN > 0 && { baselineShare: ratio(x.baseCount, baseN) }) }));
}

function keyTerms(window: WindowAccumulator, base: Map<string, number>, n: number, baseN: number): ExplanationTerm[] {
  return [...window.terms]
    .filter(([, count]) => count >= 2)
    .map(([term, count]) => ({ term, label: window.labels.get(term) ?? term, count, keyness: Math.round(logLikelihood(count, base.get(term) ?? 0, n, Math.max(baseN, 1)) * 10) / 10 }))
    .filter((t) => t.keyness >= KEYNESS_MIN)
    .sort((a, b) => b.keyness - a.keyness || (a.term < b.term ? -1 : 1))
    .slice(0, 10);
}

/** Values by how much more of the window they hold than the baseline would give them. */
function drivers(window: Map<string, number>, base: Map<string, number>, n: number, baseN: number): ExplanationShare[] {
  return [...window]
    .map(([value, count]) => {
      const baselineShare = baseN > 0 ? ratio(base.get(value) ?? 0, baseN) : undefined;
      return { value, count, share: ratio(count, n), ...(baselineShare !== undefined && { baselineShare }), excess: count - (baselineShare ?? 0) * n };
    })
    .sort((a, b) => b.excess - a.excess || b.count - a.count || (a.value < b.value ? -1 : 1))
    .slice(0, 5)
    .map(({ excess: _excess, ...share }) => share);
}

/** Three mentions that show the alert: in its direction, holding its key terms and fields, one per author and per text. */
function representative(candidates: MentionSignal[], rule: ResolvedRule, keyTerms: Set<string>, keyFields: Set<string>): ExplanationMention[] {
  // How much a mention goes the alert's way: its tone for tone rules, nothing for counts (terms and fields decide).
  const bad = (s: MentionSignal) =>
    rule.metric === 'mean_tone' ? (rule.direction === 'up' ? s.score : -s.score) : rule.metric === 'negative_share' ? (s.label === 'negative' ? 1 : 0) - s.score / 2 : 0;
  const score = (s: MentionSignal) => s.terms.filter((t) => keyTerms.has(t)).length + 2 * s.fields.filter((f) => keyFields.has(f)).length + 2 * bad(s);
  const ranked = candidates.filter((s) => s.duplicateOf === undefined).sort((a, b) => score(b) - score(a) || a.publishedMs - b.publishedMs || (a.id < b.id ? -1 : 1));
  const authors = new Set<string>();
  const texts = new Set<string>();
  const out: ExplanationMention[] = [];
  for (const s of ranked) {
    const text = s.text.toLowerCase().replace(/\s+/g, ' ').slice(0, 80);
    if (authors.has(s.authorKey) || texts.has(text)) continue;
    authors.add(s.authorKey);
    texts.add(text);
    out.push({ id: s.id, source: s.source, publishedAt: new Date(s.publishedMs).toISOString(), text: s.text, ...(s.url !== undefined && { url: s.url }), sentiment: s.score, lang: s.lang });
    if (out.length === 3) break;
  }
  return out;
}

const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 1000) / 1000 : 0);

const METRIC_NAMES = {
  en: { negative_share: 'the share of negative authors', mean_tone: 'the mean tone', volume: 'the number of mentions', velocity: 'the mentions per hour', unique_authors: 'the number of authors' },
  fr: { negative_share: 'la part d’auteurs négatifs', mean_tone: 'le ton moyen', volume: 'le nombre de mentions', velocity: 'le nombre de mentions par heure', unique_authors: 'le nombre d’auteurs' },
} as const;

const WINDOW_NAMES = { en: { '15m': '15 minutes', '1h': 'hour', '1d': 'day' }, fr: { '15m': 'quart d’heure', '1h': 'heure', '1d': 'journée' } } as const;

function formatValue(metric: ResolvedRule['metric'], value: number, lang: 'en' | 'fr'): string {
  if (metric === 'negative_share') return `${Math.round(value * 100)} %`.replace(' ', lang === 'fr' ? '\u202f' : '');
  if (metric === 'mean_tone') return (value >= 0 ? '+' : '') + value.toFixed(2).replace('.', lang === 'fr' ? ',' : '.');
  return String(Math.round(value * 10) / 10).replace('.', lang === 'fr' ? ',' : '.');
}

function summarize(input: ExplainInput, x: AlertExplanation): string {
  const lang = input.language;
  const m = input.rule.metric;
  const name = METRIC_NAMES[lang][m];
  const value = formatValue(m, x.value, lang);
  const usual = formatValue(m, x.baseline.value, lang);
  const date = new Date(x.windowStart).toLocaleString(lang === 'fr' ? 'fr-FR' : 'en-GB', { timeZone: 'UTC', dateStyle: 'medium', ...(input.rule.window !== '1d' && { timeStyle: 'short' }) });
  const about = x.fields.slice(0, 2).map((f) => f.value.replace(/_/g, ' '));
  const words = x.terms.slice(0, 3).map((t) => `“${t.label}”`);
  const what = about.length > 0 ? about.join(lang === 'fr' ? ' et ' : ' and ') : words.join(', ');
  const source = x.sources[0];
  const win = WINDOW_NAMES[lang][input.rule.window];
  if (lang === 'fr') {
    return (
      `${input.brand} : ${name} est passé à ${value} (habituellement ${usual}) sur la ${win === 'journée' ? 'journée' : win === 'heure' ? 'heure' : 'période de 15 minutes'} du ${date} UTC, ` +
      `${x.mentions} mentions de ${x.uniqueAuthors} auteurs` +
      (what ? `, surtout à propos de ${what}` : '') +
      (source ? ` (${Math.round(source.share * 100)} % depuis ${source.value})` : '') +
      ` — alerte ${SEVERITY_FR[input.severity]}.`
    );
  }
  return (
    `${input.brand}: ${name} went to ${value} (usually ${usual}) in the ${win} of ${date} UTC, ` +
    `${x.mentions} mentions from ${x.uniqueAuthors} authors` +
    (what ? `, mostly about ${what}` : '') +
    (source ? ` (${Math.round(source.share * 100)}% from ${source.value})` : '') +
    ` — ${input.severity} alert.`
  );
}

const SEVERITY_FR: Record<Severity, string> = { low: 'faible', medium: 'moyenne', high: 'forte', critical: 'critique' };
