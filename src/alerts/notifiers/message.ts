// What a person reads about an incident change, in the brand's language (en/fr), built once and
// rendered by each notifier (Slack blocks, email HTML and text). Plain strings only: each renderer
// escapes for its own medium (HTML escaping in the email, plain_text objects in Slack), so a
// mention's text can never become markup.
import type { Alert, AlertMetric, IncidentEvent, Severity } from '../types.js';

export type Lang = 'en' | 'fr';

const STRINGS = {
  en: {
    opened: 'New incident',
    updated: 'Incident updated',
    resolved: 'Incident resolved',
    severity: { low: 'low', medium: 'medium', high: 'high', critical: 'critical' } as Record<Severity, string>,
    metric: { negative_share: 'Negative share', mean_tone: 'Mean tone', volume: 'Mentions', velocity: 'Velocity', unique_authors: 'Unique authors' } as Record<AlertMetric, string>,
    value: 'Value',
    baseline: 'Usual',
    deviation: 'Deviation',
    window: 'Window',
    mentions: 'Mentions',
    fields: 'Semantic fields over-weighing',
    terms: 'Terms over-weighing',
    sources: 'Sources',
    examples: 'Example mentions',
    link: 'Open the mentions in the dashboard',
    rule: 'Rule',
    brand: 'Brand',
    resolvedText: 'The metric is back within its usual band.',
    footer: 'Sent by écoute. Acknowledge or give feedback on the dashboard.',
  },
  fr: {
    opened: 'Nouvel incident',
    updated: 'Incident mis à jour',
    resolved: 'Incident résolu',
    severity: { low: 'faible', medium: 'moyenne', high: 'élevée', critical: 'critique' } as Record<Severity, string>,
    metric: { negative_share: 'Part négative', mean_tone: 'Tonalité moyenne', volume: 'Mentions', velocity: 'Vélocité', unique_authors: 'Auteurs uniques' } as Record<AlertMetric, string>,
    value: 'Valeur',
    baseline: 'Habituel',
    deviation: 'Écart',
    window: 'Fenêtre',
    mentions: 'Mentions',
    fields: 'Champs sémantiques surreprésentés',
    terms: 'Termes surreprésentés',
    sources: 'Sources',
    examples: 'Exemples de mentions',
    link: 'Voir les mentions dans le tableau de bord',
    rule: 'Règle',
    brand: 'Marque',
    resolvedText: 'La mesure est revenue dans sa fourchette habituelle.',
    footer: 'Envoyé par écoute. Accusez réception ou donnez votre avis dans le tableau de bord.',
  },
} as const;

export interface MessageExample {
  text: string;
  source: string;
  publishedAt: string;
  url?: string;
}

export interface AlertMessage {
  lang: Lang;
  /** Email subject, Slack fallback text. */
  subject: string;
  /** "New incident · high" */
  heading: string;
  summary: string;
  /** Label → value, e.g. ["Negative share", "62%"]. */
  facts: [string, string][];
  fieldsLabel: string;
  fields: string[];
  termsLabel: string;
  terms: string[];
  examplesLabel: string;
  examples: MessageExample[];
  linkLabel: string;
  /** Absolute dashboard link, when known. */
  link?: string;
  footer: string;
}

/** The metric's value as people read it: shares in percent, tone signed, counts whole. */
export function formatValue(metric: AlertMetric, value: number, lang: Lang): string {
  const nf = (digits: number) => new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
  switch (metric) {
    case 'negative_share':
      return `${nf(1).format(value * 100)}${lang === 'fr' ? ' %' : '%'}`;
    case 'mean_tone':
      return `${value > 0 ? '+' : ''}${nf(2).format(value)}`;
    case 'velocity':
      return `×${nf(2).format(value)}`;
    default:
      return nf(0).format(value);
  }
}

const pct = (share: number, lang: Lang) => `${Math.round(share * 100)}${lang === 'fr' ? ' %' : '%'}`;

/** "2026-03-02 10:00–11:00 UTC" */
function windowText(alert: Alert): string {
  const start = alert.windowStart.slice(0, 16).replace('T', ' ');
  const sameDay = alert.windowStart.slice(0, 10) === alert.windowEnd.slice(0, 10);
  const end = sameDay ? alert.windowEnd.slice(11, 16) : alert.windowEnd.slice(0, 16).replace('T', ' ');
  return `${start}–${end} UTC (${alert.window})`;
}

/** Examples are cut so one long post does not make a message unreadable (Slack's limit is 3000). */
const MAX_EXAMPLE_CHARS = 500;

export function buildMessage(event: IncidentEvent, options: { lang: Lang; brandName: string; publicUrl?: string }): AlertMessage {
  const t = STRINGS[options.lang];
  const { incident, alert } = event;
  const severity = t.severity[incident.severity];
  const heading = `${t[event.kind]} · ${severity}`;
  const summary = event.kind === 'resolved' ? `${incident.summary} ${t.resolvedText}` : (alert?.explanation.summary ?? incident.summary);
  const facts: [string, string][] = [[t.brand, options.brandName]];
  let fields: string[] = [];
  let terms: string[] = [];
  let examples: MessageExample[] = [];
  let link: string | undefined;
  if (alert) {
    const e = alert.explanation;
    facts.push(
      [t.rule, alert.rule],
      [t.metric[alert.metric], formatValue(alert.metric, alert.value, options.lang)],
      [t.baseline, formatValue(alert.metric, alert.baseline, options.lang)],
      [t.deviation, `${alert.deviation.toFixed(1)} (${e.deviationMethod})`],
      [t.window, windowText(alert)],
      [t.mentions, String(e.mentions)],
    );
    fields = e.fields.map((f) => `${f.value} (${f.count}, ${pct(f.share, options.lang)}${f.baselineShare !== undefined ? ` / ${pct(f.baselineShare, options.lang)}` : ''})`);
    terms = e.terms.map((x) => `${x.label || x.term} (${x.count})`);
    if (e.sources.length > 0) facts.push([t.sources, e.sources.map((s) => `${s.value} ${pct(s.share, options.lang)}`).join(', ')]);
    examples = e.examples.map((m) => ({
      text: m.text.length > MAX_EXAMPLE_CHARS ? `${m.text.slice(0, MAX_EXAMPLE_CHARS - 1)}…` : m.text,
      source: m.source,
      publishedAt: m.publishedAt,
      ...(m.url !== undefined && { url: m.url }),
    }));
    if (options.publicUrl) link = absoluteLink(options.publicUrl, e.link);
  }
  return {
    lang: options.lang,
    subject: `[écoute] ${options.brandName} · ${heading}: ${summary}`.slice(0, 250),
    heading,
    summary,
    facts,
    fieldsLabel: t.fields,
    fields,
    termsLabel: t.terms,
    terms,
    examplesLabel: t.examples,
    examples,
    linkLabel: t.link,
    ...(link !== undefined && { link }),
    footer: t.footer,
  };
}

/** The explanation's link (path and query, relative to the API's base URL) under the public URL, keeping its path prefix. */
export function absoluteLink(publicUrl: string, link: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${link.startsWith('/') ? link : `/${link}`}`;
}
