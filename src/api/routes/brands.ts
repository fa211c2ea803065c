// GET /api/brands and the per-brand aggregations: timeline, terms (top and significant), fields
// and share of voice. Each is the brand's mentions (`brand` filter) in the period, with an optional
// query on top.
import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../context.js';
import { knownBrand, storeFilters } from '../context.js';
import { FieldsQuery, IdParams, jsonSchema, NoQuery, parseParams, ShareOfVoiceQuery, TermsQuery, TimelineQuery } from '../params.js';

const WEEK_MS = 7 * 24 * 3600_000;

export async function brandRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const secured = { security: [{ bearer: [] }], tags: ['brands'] };
  app.get('/api/brands', { schema: { summary: 'The configured brands', querystring: jsonSchema(NoQuery), ...secured }, config: { scope: 'read' } }, async (request) => {
    parseParams(NoQuery, request.query);
    return { brands: deps.brands.map((b) => ({ id: b.id, name: b.name, competitors: b.competitors })) };
  });

  app.get(
    '/api/brands/:id/timeline',
    { schema: { summary: 'Volume and mean tone per hour, day or week', params: jsonSchema(IdParams), querystring: jsonSchema(TimelineQuery), ...secured }, config: { scope: 'read' } },
    async (request) => {
      const brand = brandOf(deps, request.params);
      const p = parseParams(TimelineQuery, request.query);
      const buckets = await deps.store.timeline({ ...storeFilters(deps, { ...p, brand: brand.id }), interval: p.interval });
      return { interval: p.interval, buckets: buckets.map((b) => ({ start: b.start, count: b.count, mean_tone: b.meanTone })) };
    },
  );

  app.get(
    '/api/brands/:id/terms',
    {
      schema: {
        summary: 'Top terms, and terms that stand out against the period before (the last 7 days of data when from/to are not given)',
        params: jsonSchema(IdParams),
        querystring: jsonSchema(TermsQuery),
        ...secured,
      },
      config: { scope: 'read' },
    },
    async (request) => {
      const brand = brandOf(deps, request.params);
      const p = parseParams(TermsQuery, request.query);
      const filters = storeFilters(deps, { ...p, brand: brand.id });
      const top = await deps.store.topTerms({ ...filters, size: p.size });
      const period = await significantPeriod(deps, filters);
      const { from: _from, to: _to, ...rest } = filters;
      const significant = period ? await deps.store.significantTerms({ ...rest, ...period, size: p.size }) : [];
      const label = (t: { term: string; label?: string }) => t.label ?? t.term;
      return {
        top: top.map((t) => ({ term: t.term, label: label(t), count: t.count, mentions: t.mentions })),
        significant: significant.map((t) => ({ term: t.term, label: label(t), mentions: t.mentions, background_mentions: t.backgroundMentions, score: t.score })),
      };
    },
  );

  app.get(
    '/api/brands/:id/fields',
    { schema: { summary: 'Semantic fields: share of the mentions and mean tone of each', params: jsonSchema(IdParams), querystring: jsonSchema(FieldsQuery), ...secured }, config: { scope: 'read' } },
    async (request) => {
      const brand = brandOf(deps, request.params);
      const p = parseParams(FieldsQuery, request.query);
      const fields = await deps.store.fieldStats(storeFilters(deps, { ...p, brand: brand.id }));
      return { fields: fields.map((f) => ({ field: f.field, mentions: f.mentions, share: f.share, mean_tone: f.meanTone })) };
    },
  );

  app.get(
    '/api/brands/:id/share-of-voice',
    {
      schema: { summary: 'Share of voice of the brand against its competitors (mentions and tone-weighted), over time with interval', params: jsonSchema(IdParams), querystring: jsonSchema(ShareOfVoiceQuery), ...secured },
      config: { scope: 'read' },
    },
    async (request) => {
      const brand = brandOf(deps, request.params);
      const p = parseParams(ShareOfVoiceQuery, request.query);
      const { brand: _brand, ...filters } = storeFilters(deps, p);
      // The competitors named in the config that are brands of the config (the config check ensures it).
      const brands = [brand.id, ...brand.competitors.filter((c) => c !== brand.id && deps.brands.some((b) => b.id === c))];
      const sov = await deps.store.shareOfVoice({ ...filters, brands, ...(p.interval !== undefined && { interval: p.interval }) });
      return {
        totals: sov.totals.map((t) => ({ brand: t.brand, mentions: t.mentions, share: t.share, tone_weighted_share: t.toneWeightedShare, mean_tone: t.meanTone })),
        buckets: sov.buckets ?? [],
      };
    },
  );
}

export function brandOf(deps: ApiDeps, params: unknown) {
  return knownBrand(deps, parseParams(IdParams, params, 'path parameter').id);
}

/** from..to when both are given; else the 7 days up to the newest matching mention (none: no period). */
async function significantPeriod(deps: ApiDeps, filters: { from?: string; to?: string } & object): Promise<{ from: string; to: string } | undefined> {
  const f = filters as { from?: string; to?: string };
  if (f.from !== undefined && f.to !== undefined) return { from: f.from, to: f.to };
  const newest = await deps.store.search({ ...filters, sort: 'newest', limit: 1 });
  const last = newest.hits[0]?.mention.publishedAt;
  if (last === undefined) return undefined;
  const to = f.to ?? new Date(Date.parse(last) + 1).toISOString();
  const from = f.from ?? new Date(Date.parse(to) - WEEK_MS).toISOString();
  return { from, to };
}
