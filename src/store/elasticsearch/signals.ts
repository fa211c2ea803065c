// MentionStore.scanSignals for Elasticsearch: a brand's mentions as compact records, oldest first,
// paged with search_after on (published time, id) and only the _source keys alerts need, so a
// month of a busy brand streams in bounded memory.
import type { estypes } from '@elastic/elasticsearch';
import { EcouteError } from '../../core/errors.js';
import type { AnalyzedMention, SentimentLabel } from '../../core/types.js';
import { resolveFilters, resolveQuery } from '../request.js';
import type { MentionSignal, SignalScanRequest } from '../types.js';
import { filteredQuery } from './request-builder.js';
import { FIELDS } from './schema.js';
import { toneToward } from '../brand-tone.js';
import type { Service } from './service.js';

const TEXT_CHARS = 300;
const SOURCE_KEYS = [
  'id', 'publishedAt', 'authorKey', 'source', 'duplicateOf', 'title', 'text', 'url',
  'analysis.lang', 'analysis.sentiment.score', 'analysis.sentiment.label', 'analysis.sentiment.byBrand', 'analysis.fields', 'analysis.terms', 'analysis.labels',
];

type Partial = Pick<AnalyzedMention, 'id' | 'publishedAt' | 'authorKey' | 'source' | 'duplicateOf' | 'title' | 'text' | 'url'> & {
  analysis?: Pick<AnalyzedMention['analysis'], 'lang' | 'sentiment' | 'fields' | 'terms' | 'labels'>;
};

export async function* scanElasticsearchSignals(service: Service, request: SignalScanRequest): AsyncGenerator<MentionSignal[]> {
  const query = filteredQuery(resolveQuery(request.query), resolveFilters({ brand: request.brand, from: request.from, to: request.to, duplicates: 'include' }));
  const size = Math.max(1, Math.min(request.pageSize ?? 5000, 10_000));
  let after: estypes.SortResults | undefined;
  for (;;) {
    let response: estypes.SearchResponse<Partial>;
    try {
      response = await service.client.search<Partial>({
        ...service.readTarget(),
        query,
        size,
        _source: SOURCE_KEYS,
        sort: [{ [FIELDS.publishedMs]: { order: 'asc' } }, { [FIELDS.id]: { order: 'asc' } }],
        track_total_hits: false,
        ...(after && { search_after: after }),
      });
    } catch (error) {
      if (error instanceof EcouteError) throw error;
      throw service.failure('scanSignals', error);
    }
    const hits = response.hits.hits;
    if (hits.length === 0) return;
    yield hits.flatMap((h) => (h._source ? [signalOf(h._source, request.brand)] : []));
    after = hits[hits.length - 1]!.sort;
    if (hits.length < size || after === undefined) return;
  }
}

function signalOf(m: Partial, brand: string): MentionSignal {
  const a = m.analysis;
  // Issue 16: the tone toward the brand scanned, where the mention has one.
  const toward = a?.sentiment ? toneToward(a.sentiment, brand) : undefined;
  const labels = a?.labels && Object.keys(a.labels).length > 0 ? a.labels : undefined;
  const body = m.title ? `${m.title}\n${m.text ?? ''}` : (m.text ?? '');
  return {
    id: m.id,
    publishedMs: Date.parse(m.publishedAt),
    authorKey: m.authorKey,
    score: toward?.score ?? a?.sentiment?.score ?? 0,
    label: toward?.label ?? ((a?.sentiment?.label ?? 'neutral') as SentimentLabel),
    lang: a?.lang ?? 'other',
    source: m.source,
    fields: Object.entries(a?.fields ?? {}).filter(([, hit]) => (hit?.hits ?? 0) > 0).map(([name]) => name),
    terms: Object.keys(a?.terms ?? {}),
    ...(labels && { labels: Object.fromEntries(Object.entries(labels).filter(([t, l]) => l !== t)) }),
    ...(typeof m.duplicateOf === 'string' && m.duplicateOf !== '' && { duplicateOf: m.duplicateOf }),
    text: body.slice(0, TEXT_CHARS),
    ...(m.url !== undefined && { url: m.url }),
  };
}
