// GET /api/brands/:id/image: the brand's perceived image against its intended image over a
// period (src/image, docs/image.md), with its competitors. Without from/to: the 30 days up to the
// brand's newest mention. Keys are snake_case, as everywhere in the API.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HttpError } from '../../http/errors.js';
import { analyzeImage } from '../../image/index.js';
import type { ApiDeps } from '../context.js';
import { from, IdParams, jsonSchema, parseParams, to } from '../params.js';
import { brandOf } from './brands.js';

const DAY_MS = 86_400_000;

export const ImageQuery = z.strictObject({
  from: from.optional(),
  to: to.optional(),
  lang: z.enum(['en', 'fr']).default('en').describe('Language of the summary lines and field labels.'),
  competitors: z.enum(['true', 'false']).default('true').describe("Include the competitors' images (read against the brand's intended image)."),
});

/** camelCase keys → snake_case, all the way down (the analysis has no data-dependent keys). */
export function snakeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), snakeKeys(v)]));
}

export async function imageRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.get(
    '/api/brands/:id/image',
    {
      schema: {
        summary: 'Perceived versus intended image: per semantic field share and tone with 95 % intervals, gaps, congruence, inverted, missing and emerging, drift, competitors',
        params: jsonSchema(IdParams),
        querystring: jsonSchema(ImageQuery),
        security: [{ bearer: [] }],
        tags: ['brands'],
      },
      config: { scope: 'read' },
    },
    async (request) => {
      const brand = brandOf(deps, request.params);
      const p = parseParams(ImageQuery, request.query);
      let { from: start, to: end } = p;
      if (end === undefined) {
        const newest = (await deps.store.search({ brand: brand.id, sort: 'newest', limit: 1, ...(start !== undefined && { from: start }) })).hits[0];
        end = newest ? new Date(Date.parse(newest.mention.publishedAt) + 1).toISOString() : new Date().toISOString();
      }
      start ??= new Date(Date.parse(end) - 30 * DAY_MS).toISOString();
      if (start >= end) throw new HttpError(400, 'API_BAD_PARAMETER', `from (${start}) must be before to (${end})`, { body: { parameter: 'from' } });
      const analysis = await analyzeImage(deps.store, deps.brands, { brand: brand.id, from: start, to: end, lang: p.lang, competitors: p.competitors === 'true' });
      return snakeKeys(analysis);
    },
  );
}
