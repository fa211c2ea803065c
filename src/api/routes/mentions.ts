// GET /api/mentions (search with snippets and facets), GET /api/mentions/:id, and the streamed
// export GET /api/mentions/export (scope admin: every matching mention in one download).
import type { FastifyInstance } from 'fastify';
import { HttpError } from '../../http/errors.js';
import type { ApiDeps } from '../context.js';
import { storeFilters } from '../context.js';
import { exportFilename, streamExport } from '../export.js';
import { ExportQuery, IdParams, jsonSchema, MentionsQuery, NoQuery, parseParams } from '../params.js';
import { marksOf, mentionJson } from '../present.js';

export async function mentionRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.get(
    '/api/mentions',
    { schema: { summary: 'Search mentions', tags: ['mentions'], querystring: jsonSchema(MentionsQuery), security: [{ bearer: [] }] }, config: { scope: 'read' } },
    async (request) => {
      const p = parseParams(MentionsQuery, request.query);
      const filters = storeFilters(deps, p);
      const [page, facets] = await Promise.all([
        deps.store.search({ ...filters, sort: p.sort, limit: p.limit, ...(p.cursor !== undefined && { cursor: p.cursor }) }),
        deps.store.facets(filters),
      ]);
      const marks = marksOf(p.q);
      return {
        total: page.total,
        hits: page.hits.map((h) => mentionJson(h.mention, marks)),
        facets,
        next_cursor: page.nextCursor ?? null,
      };
    },
  );

  app.get(
    '/api/mentions/export',
    {
      schema: { summary: 'Export matching mentions (CSV or JSON lines), streamed', tags: ['mentions'], querystring: jsonSchema(ExportQuery), security: [{ bearer: [] }] },
      config: { scope: 'admin' },
    },
    async (request, reply) => {
      const p = parseParams(ExportQuery, request.query);
      const filters = storeFilters(deps, p);
      // The first page is asked before the headers go out, so a bad query is still a 400.
      const body = await streamExport(deps.store, filters, p.format);
      return reply
        .header('content-type', p.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
        .header('content-disposition', `attachment; filename="${exportFilename(p.format)}"`)
        .send(body);
    },
  );

  app.get(
    '/api/mentions/:id',
    { schema: { summary: 'One mention, with its analysis', tags: ['mentions'], params: jsonSchema(IdParams), querystring: jsonSchema(NoQuery), security: [{ bearer: [] }] }, config: { scope: 'read' } },
    async (request) => {
      const { id } = parseParams(IdParams, request.params, 'path parameter');
      parseParams(NoQuery, request.query);
      const mention = await deps.store.get(id);
      if (!mention) throw new HttpError(404, 'API_MENTION_NOT_FOUND', `no mention with id "${id}"`, { body: { parameter: 'id' } });
      return { mention: { ...mentionJson(mention), analysis: mention.analysis } };
    },
  );
}
