// Privacy (issue 14, H4): an access request (GDPR art. 15): everything écoute holds about one
// person, as JSON: their mentions as stored (with the analysis), the alerts whose examples show
// them, whether they are suppressed (erased) and their erasure log entries.
import type { AnalyzedMention } from '../core/types.js';
import type { PrivacyDeps } from './erase.js';
import type { Person } from './person.js';
import type { ErasureLogEntry } from './suppression.js';

export interface AccessExport {
  author: { source: string; handle: string; authorKey: string };
  exportedAt: string;
  /** What the mentions are, where they are kept (for the person reading it). */
  notes: string[];
  mentions: AnalyzedMention[];
  alerts: { alertId: string; brand: string; firedAt: string; summary: string; mentionIds: string[] }[];
  suppression: { suppressed: boolean; since?: string };
  erasures: ErasureLogEntry[];
}

export async function exportPerson(deps: Pick<PrivacyDeps, 'store' | 'alertStore' | 'privacy' | 'config'>, person: Person, now = new Date()): Promise<AccessExport> {
  const mentions: AnalyzedMention[] = [];
  for await (const page of deps.store.exportPages({ query: `author:"${person.authorKey}"`, duplicates: 'include' })) {
    for (const m of page) if (m.authorKey === person.authorKey) mentions.push(m);
  }
  const ids = new Set(mentions.map((m) => m.id));
  const alerts: AccessExport['alerts'] = [];
  if (ids.size > 0) {
    let cursor: string | undefined;
    do {
      const page = await deps.alertStore.listAlerts({ limit: 500, ...(cursor && { cursor }) });
      for (const a of page.items) {
        const shown = a.explanation.examples.filter((e) => ids.has(e.id)).map((e) => e.id);
        if (shown.length > 0) alerts.push({ alertId: a.id, brand: a.brand, firedAt: a.firedAt, summary: a.explanation.summary, mentionIds: shown });
      }
      cursor = page.nextCursor;
    } while (cursor);
  }
  const entry = await deps.privacy.entry(person.authorKey);
  const retention = deps.config.privacy.retention_days_by_source[person.source] ?? deps.config.privacy.retention_days;
  return {
    author: { source: person.source, handle: person.handle, authorKey: person.authorKey },
    exportedAt: now.toISOString(),
    notes: [
      `authorKey is a keyed hash of the source and the handle: écoute stores it instead of the handle${deps.config.privacy.keep_author_handles ? ' (this installation keeps handles too: privacy.keep_author_handles)' : ''}.`,
      retention === undefined ? 'Mentions are kept until erased (no retention_days configured).' : `Mentions of ${person.source} are deleted ${retention} days after they were published.`,
    ],
    mentions,
    alerts,
    suppression: entry ? { suppressed: true, since: entry.at } : { suppressed: false },
    erasures: await deps.privacy.erasures(person.authorKey),
  };
}
