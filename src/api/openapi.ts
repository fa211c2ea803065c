// The OpenAPI document, generated from the routes' schemas (each route's querystring/params/body
// schema is its zod schema as JSON Schema, src/api/params.ts): /openapi.json, and the UI at /docs.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'écoute API',
        version,
        description: 'Search, aggregations and exports of the mentions écoute indexed. Every /api route needs `Authorization: Bearer <token>`; errors are JSON `{error, reason, parameter?}` with a code of docs/errors.md.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
