// POST /api/query/validate: the dashboard's live check of the query box. Always 200: a query that
// does not parse is an answer here (ok false, with its column), not an error of the request.
import type { FastifyInstance } from 'fastify';
import { QuerySyntaxError } from '../../query/index.js';
import { parseQuery } from '../../query/index.js';
import type { ApiDeps } from '../context.js';
import { jsonSchema, parseParams, ValidateBody } from '../params.js';

export async function queryRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.post(
    '/api/query/validate',
    {
      bodyLimit: 64 * 1024,
      schema: { summary: 'Parse a query: its tree and how many mentions it matches, or the error with its column', tags: ['query'], body: jsonSchema(ValidateBody), security: [{ bearer: [] }] },
      config: { scope: 'read' },
    },
    async (request) => {
      const { q } = parseParams(ValidateBody, request.body, 'body field');
      let tree: unknown;
      try {
        tree = parseQuery(q);
      } catch (error) {
        if (!(error instanceof QuerySyntaxError)) throw error;
        return { ok: false, error: { code: error.code, message: error.message, column: error.offset !== undefined ? error.offset + 1 : null } };
      }
      const count = await deps.store.count(q.trim() === '' ? {} : { query: q });
      return { ok: true, count, tree };
    },
  );
}
