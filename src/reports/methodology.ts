// The methodology page's facts: the sentiment model's measured accuracy, read from the model card's
// "## Figures" table (config/models/MODEL_CARD.md, written from `npm run eval:sentiment`), so a
// re-measured model changes the report without a second copy of the numbers; and what each source
// covers, in the report's language.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../nlp/resources.js';
import type { AccuracyRow, ReportLang, SourceNote, Share } from './model.js';

let accuracyRows: AccuracyRow[] | undefined;

/** The écoute column of the model card's figures table: one row per evaluation set. */
export function measuredAccuracy(): AccuracyRow[] {
  if (accuracyRows) return accuracyRows;
  let text = '';
  try {
    text = readFileSync(join(packageRoot(), 'config', 'models', 'MODEL_CARD.md'), 'utf8');
  } catch {
    return (accuracyRows = []);
  }
  const section = text.split(/^## /m).find((s) => s.startsWith('Figures')) ?? '';
  const rows: AccuracyRow[] = [];
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    // | set | lang | n | metric | écoute | ... |
    if (cells.length < 7 || !/^[a-z0-9_]+$/.test(cells[1] ?? '') || !/^(en|fr)$/.test(cells[2] ?? '')) continue;
    rows.push({ set: cells[1]!, lang: cells[2]!, n: Number(cells[3]), metric: cells[4]!, value: (cells[5] ?? '').replace(/\*/g, '') });
  }
  return (accuracyRows = rows);
}

const COVERS: Record<ReportLang, Record<string, string>> = {
  en: {
    rss: 'news sites and blogs through the RSS and Atom feeds configured',
    reddit: 'Reddit posts and comments matching the configured searches and subreddits',
    hackernews: 'Hacker News stories and comments matching the configured searches',
    mastodon: 'public Mastodon posts from the configured instances and hashtags',
    bluesky: 'public Bluesky posts matching the configured searches',
    youtube: 'YouTube videos and their comments matching the configured searches',
    appstore: 'App Store reviews of the configured apps and countries',
    webhook: 'what your own systems push to écoute (CRM, support desk, forms)',
    file: 'mention files imported with `ecoute ingest` or a file connector',
    trustpilot: 'Trustpilot reviews of the brand, imported or pushed to écoute',
  },
  fr: {
    rss: 'sites d’actualité et blogs, par les flux RSS et Atom configurés',
    reddit: 'publications et commentaires Reddit des recherches et subreddits configurés',
    hackernews: 'articles et commentaires Hacker News des recherches configurées',
    mastodon: 'publications Mastodon publiques des instances et mots-dièse configurés',
    bluesky: 'publications Bluesky publiques des recherches configurées',
    youtube: 'vidéos YouTube et leurs commentaires, pour les recherches configurées',
    appstore: 'avis App Store des applications et pays configurés',
    webhook: 'ce que vos propres systèmes envoient à écoute (CRM, service client, formulaires)',
    file: 'fichiers de mentions importés par `ecoute ingest` ou un connecteur de fichiers',
    trustpilot: 'avis Trustpilot sur la marque, importés ou envoyés à écoute',
  },
};

export function sourceNotes(sources: readonly Share[], lang: ReportLang): SourceNote[] {
  const other = lang === 'fr' ? 'source déclarée dans la configuration' : 'a source declared in the configuration';
  return sources.map((s) => ({ source: s.value, mentions: s.count, covers: COVERS[lang][s.value] ?? other }));
}
