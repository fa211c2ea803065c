// Privacy (issue 14, H4): the admin API of GDPR requests. Every route needs the admin scope (an
// access export holds the person's data).
//   POST /api/privacy/erase  {"author": "<source>:<handle>"}  → the counts of what was removed
//   POST /api/privacy/export {"author": "<source>:<handle>"}  → the person's data (access request)
//   GET  /api/privacy/erasures                               → the erasure log (no content)
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { isEcouteError } from '../../core/errors.js';
import { HttpError } from '../../http/errors.js';
import type { AccessExport } from '../../privacy/export.js';
import type { ErasureReport } from '../../privacy/erase.js';
import type { ErasureLogEntry } from '../../privacy/suppression.js';
import { authorize } from '../auth.js';
import type { ApiDeps } from '../context.js';
import { jsonSchema, NoQuery, parseParams } from '../params.js';

/** What the composition root gives the privacy routes. */
export interface PrivacyApi {
  erase(author: string, by: string): Promise<ErasureReport>;
  export(author: string): Promise<AccessExport>;
  erasures(): Promise<ErasureLogEntry[]>;
}

const AuthorBody = z.strictObject({
  author: z.string().min(3).max(1000).describe("The person: the source's name, a colon, their id at that source (e.g. reddit:jane_doe)."),
});

function privacyOf(deps: ApiDeps): PrivacyApi {
  if (!deps.privacy) throw new HttpError(503, 'PRIVACY_UNAVAILABLE', 'privacy requests need the bus and the alert store: run them through `ecoute run` or `ecoute serve` with the full runtime');
  return deps.privacy;
}

function badAuthor(error: unknown): never {
  if (isEcouteError(error, 'PRIVACY_AUTHOR_INVALID')) throw new HttpError(400, 'PRIVACY_AUTHOR_INVALID', error.message, { body: { parameter: 'author' } });
  throw error;
}

export async function privacyRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const admin = { config: { scope: 'admin' as const } };
  const security = [{ bearer: [] }];
  app.post('/api/privacy/erase', { schema: { summary: 'Erase a person (GDPR art. 17) and suppress them', tags: ['privacy'], body: jsonSchema(AuthorBody), querystring: jsonSchema(NoQuery), security }, ...admin }, async (request) => {
    parseParams(NoQuery, request.query);
    const { author } = parseParams(AuthorBody, request.body ?? {}, 'body field');
    const by = `api:${authorize(request, deps.tokens, 'admin').name}`;
    return { erasure: await privacyOf(deps).erase(author, by).catch(badAuthor) };
  });
  app.post('/api/privacy/export', { schema: { summary: "A person's data as JSON (GDPR art. 15)", tags: ['privacy'], body: jsonSchema(AuthorBody), querystring: jsonSchema(NoQuery), security }, ...admin }, async (request) => {
    parseParams(NoQuery, request.query);
    const { author } = parseParams(AuthorBody, request.body ?? {}, 'body field');
    return { export: await privacyOf(deps).export(author).catch(badAuthor) };
  });
  app.get('/api/privacy/erasures', { schema: { summary: 'The erasure log (author keys, counts, times; no content)', tags: ['privacy'], querystring: jsonSchema(NoQuery), security }, ...admin }, async (request) => {
    parseParams(NoQuery, request.query);
    return { erasures: await privacyOf(deps).erasures() };
  });
}
